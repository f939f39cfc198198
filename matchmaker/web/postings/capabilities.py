"""Capability profiles of SMEs: public list and pages, and an SME's own capabilities."""
from __future__ import annotations

from flask import Blueprint, flash, request
from flask_login import current_user

from ...db import get_session
from ...i18n import tr
from ...services import capabilities as service
from ..access import enterprise_required
from ..forms.capabilities import CapabilityForm
from ..forms.choices import as_select
from .helpers import arg
from .views import PostingViews

bp = Blueprint("capabilities", __name__, url_prefix="/capabilities")


def _filters() -> dict:
    return {"chain": arg("chain"), "region": arg("region"), "q": arg("q"), "size": arg("size")}


def _prepare_form(form: CapabilityForm, capability) -> None:
    form.inferred = []
    enterprise = current_user.enterprise
    form.qualifications.choices = as_select(
        (q.name, q.name + (" ✓" if q.verified else "")) for q in enterprise.qualifications)
    if request.method == "GET":
        if capability is None:
            form.region.data = enterprise.region or ""
        else:
            form.inferred_nodes.data = ",".join(capability.chain_nodes) if capability.chain_nodes_inferred else ""


def _needs_confirmation(form: CapabilityForm) -> bool:
    """Infer chain nodes when asked, or when none were picked and none were offered yet.

    Returns True when the form goes back to the SME with the inferred nodes ticked.
    """
    data = form.data_for_service()
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


def _active_message(active: bool) -> str:
    return (tr("能力已重新上架。", "The capability is listed again.") if active
            else tr("能力已下架，不再公开展示和参与匹配。", "The capability is unlisted and no longer matched."))


views = PostingViews(
    name="capabilities", noun="capability", owner_required=enterprise_required, form_class=CapabilityForm,
    public=service.public_capabilities, filters=_filters, own=service.enterprise_capabilities,
    owned=service.owned_capability, create=service.create_capability, update=service.update_capability,
    saved=lambda: tr("能力已保存。", "Capability saved."), visible=service.visible_capability,
    prepare_form=_prepare_form, hold_form=_needs_confirmation,
    set_active=service.set_active, active_message=_active_message,
)
views.register(bp)
