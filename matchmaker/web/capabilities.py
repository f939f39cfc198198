"""Capability profiles of SMEs: public list and pages, and an SME's own capabilities."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..db import get_session
from ..i18n import tr
from ..services import capabilities as service
from .access import sme_required
from .forms.capabilities import CapabilityForm
from .forms.choices import as_select
from .pagination import paginate
from .posting_helpers import (
    arg,
    current_graph,
    fill_chain_choices,
    is_admin,
    save_posting,
    viewer_enterprise_id,
)
from .service_calls import or_404

bp = Blueprint("capabilities", __name__, url_prefix="/capabilities")


@bp.get("/")
def index():
    filters = {"chain": arg("chain"), "region": arg("region"), "q": arg("q"), "size": arg("size")}
    page = paginate(get_session(), service.public_capabilities(current_graph(), **filters))
    return render_template("capabilities/index.html", page=page, filters=filters)


@bp.get("/mine")
@sme_required
def mine():
    page = paginate(get_session(), service.enterprise_capabilities(current_user.enterprise_id))
    return render_template("capabilities/mine.html", page=page)


def _form(capability=None) -> CapabilityForm:
    form = CapabilityForm(obj=capability)
    form.inferred = []
    fill_chain_choices(form)
    enterprise = current_user.enterprise
    form.qualifications.choices = as_select(
        (q.name, q.name + (" ✓" if q.verified else "")) for q in enterprise.qualifications)
    if request.method == "GET":
        if capability is None:
            form.region.data = enterprise.region or ""
        else:
            form.inferred_nodes.data = ",".join(capability.chain_nodes) if capability.chain_nodes_inferred else ""
    return form


def _needs_confirmation(form: CapabilityForm, data: dict) -> bool:
    """Infer chain nodes when asked, or when none were picked and none were offered yet.

    Returns True when the form goes back to the SME with the inferred nodes ticked.
    """
    asked = "infer" in request.form
    if not asked and (data["chain_nodes"] or data["inferred_nodes"]):
        return False
    found = service.suggest_chain_nodes(get_session(), f"{data['title']}\n{data['description'] or ''}")
    if not found:
        if asked:
            flash(tr("未能从描述中推断出产业链环节，请手动选择或补充描述。",
                     "No chain node could be inferred from the text; pick them or describe the capability more."),
                  "warning")
        return asked
    form.chain_nodes.data = [node for node, _ in found]
    form.inferred_nodes.data = ",".join(form.chain_nodes.data)
    form.inferred = found
    flash(tr("已根据描述推断产业链环节，请确认（可增减）后保存。",
             "Chain nodes were inferred from the text; check them, change them if needed, and save."), "warning")
    return True


def _form_page(capability=None):
    form = _form(capability)
    if form.validate_on_submit() and not _needs_confirmation(form, form.data_for_service()):
        saved = save_posting(form, capability, service.create_capability, service.update_capability,
                             tr("能力已保存。", "Capability saved."))
        if saved is not None:
            return redirect(url_for("capabilities.show", capability_id=saved.id))
    return render_template("capabilities/form.html", form=form, capability=capability)


def _owned(capability_id: int):
    return or_404(service.owned_capability, get_session(), capability_id, current_user.enterprise_id)


@bp.route("/new", methods=["GET", "POST"])
@sme_required
def new():
    return _form_page()


@bp.route("/<int:capability_id>/edit", methods=["GET", "POST"])
@sme_required
def edit(capability_id: int):
    return _form_page(_owned(capability_id))


@bp.post("/<int:capability_id>/active")
@sme_required
def set_active(capability_id: int):
    session = get_session()
    capability = _owned(capability_id)
    active = request.form.get("active") == "1"
    service.set_active(session, capability, current_user.id, active)
    session.commit()
    flash(tr("能力已重新上架。", "The capability is listed again.") if active
          else tr("能力已下架，不再公开展示和参与匹配。", "The capability is unlisted and no longer matched."), "success")
    return redirect(url_for("capabilities.show", capability_id=capability.id))


@bp.get("/<int:capability_id>")
def show(capability_id: int):
    capability = or_404(service.visible_capability, get_session(), capability_id, viewer_enterprise_id(),
                        admin=is_admin())
    is_owner = capability.enterprise_id == viewer_enterprise_id()
    return render_template("capabilities/show.html", capability=capability, is_owner=is_owner)
