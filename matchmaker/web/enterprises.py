"""Enterprise profiles: the public page, editing by members, qualification claims, members."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..db import get_session
from ..domain import uscc as uscc_rules
from ..domain.organisations import ORG_TYPES
from ..domain.regions import REGIONS
from ..i18n import tr
from ..presentation import status_label
from ..services import accounts, verification
from ..services import enterprises as service
from ..services.enterprises import EnterpriseError, NotAllowedError, bilingual
from ..services.postings.fields import chain_label
from ..services.scope import scope_of, sees_enterprise
from .access import enterprise_required, login_required, organiser_required
from .forms.choices import region_choices
from .forms.enterprises import ChainLeaderForm, ProfileForm, QualificationForm
from .forms.feedback import flash_form_errors
from .pagination import paginate
from .postings.helpers import current_graph
from .service_calls import attempt

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")


@bp.app_context_processor
def _labels():
    return {"size_label": service.size_label, "industry_label": service.industry_label,
            "region_label": service.region_label, "size_rule_text": service.size_rule_text,
            "org_label": service.org_label, "kind_label": service.kind_label,
            "chain_leader_label": _chain_leader_label, "verification_state": verification.state,
            "verification_state_label": _verification_state_label,
            "renamed_since_check": verification.renamed_since_check}


def _verification_state_label(state: str) -> str:
    """待核验 / 未通过核验 / 已核验 for a state of :func:`~matchmaker.services.verification.state`."""
    return status_label("verification", state)


def _chain_leader_label(ent) -> str:
    """``链主 · 新能源汽车、5G`` for an organisation designated chain leader, else ''."""
    chains = ent.chain_leader_of or []
    if not ent.is_chain_leader:
        return ""
    G = current_graph()
    return tr("链主 · ", "Chain leader · ") + tr("、", ", ").join(chain_label(G, c) for c in chains)


def _chain_leader_form(ent) -> ChainLeaderForm | None:
    """The 链主 form for organisers whose region the enterprise lies in (and admins), else None."""
    if not (current_user.is_authenticated and current_user.role in ("organiser", "admin")
            and sees_enterprise(current_user, ent)):
        return None
    form = ChainLeaderForm()
    G = current_graph()
    form.chains.choices = [(c, chain_label(G, c)) for c in sorted(G.graph.get("chains", {}))]
    if not form.is_submitted():
        form.chains.data = list(ent.chain_leader_of or [])
    return form


@bp.get("/")
def index():
    region = request.args.get("region") or None
    size = request.args.get("size") or None
    verified = {"1": True, "0": False}.get(request.args.get("verified", ""))
    org_type = request.args.get("org_type") or None
    # An organiser limited to a region sees its region's enterprises, and may widen the list to the
    # whole public directory (``within=all``); everyone else sees the whole directory.
    scope = scope_of(current_user)
    within = scope if not scope.national and request.args.get("within") != "all" else None
    page = paginate(get_session(), service.directory(region if region in REGIONS else None, size, verified,
                                                     org_type, within))
    return render_template("enterprises/index.html", page=page, regions=region_choices(),
                           sizes=service.SIZE_NAMES, size_label=service.size_label, org_types=ORG_TYPES,
                           scope=None if scope.national else scope)


@bp.get("/mine")
@enterprise_required
def mine():
    return redirect(url_for("enterprises.show", enterprise_id=current_user.enterprise_id))


def flash_region_warning(ent) -> None:
    """Warn (not refuse) when the credit code's division lies in another province than the one declared."""
    warning = uscc_rules.province_mismatch(ent.uscc, ent.region)
    if warning:
        flash(bilingual(warning), "warning")


def _found_and_allowed(found, allowed: bool):
    """``found``, or 404 when there is none, or 403 when the user may not act on it."""
    if found is None:
        abort(404)
    if not allowed:
        abort(403)
    return found


@bp.get("/<int:enterprise_id>")
def show(enterprise_id: int):
    profile = service.profile(get_session(), enterprise_id)
    if profile is None:
        abort(404)
    editable = service.can_edit(current_user, enterprise_id)
    return render_template("enterprises/show.html", p=profile, ent=profile.enterprise, editable=editable,
                           size_label=service.size_label, qual_form=QualificationForm() if editable else None,
                           leader_form=_chain_leader_form(profile.enterprise), today=dt.date.today())


@bp.post("/<int:enterprise_id>/chain-leader")
@organiser_required
def chain_leader(enterprise_id: int):
    session = get_session()
    ent = service.get_enterprise(session, enterprise_id)
    if ent is None:
        abort(404)
    form = _chain_leader_form(ent)
    if form is None:
        abort(403)
    if form.validate_on_submit():
        known = set(current_graph().graph.get("chains", {}))
        ok, ent = attempt(lambda session: service.set_chain_leader(session, current_user, enterprise_id,
                                                                   form.chains.data, known),
                          abort_on={NotAllowedError: 403})
        if ok:
            flash(tr("已认定为{label}。", "Designated {label}.", label=_chain_leader_label(ent))
                  if ent.chain_leader_of else tr("已取消链主认定。", "Chain-leader designation withdrawn."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("enterprises.show", enterprise_id=enterprise_id) + "#chain-leader")


def _saved_message(before: str, ent) -> tuple[str, str]:
    """What saving the details did, as a flash message and its category; ``before`` is the
    verification state (:func:`~matchmaker.services.verification.state`) the organisation had."""
    after = verification.state(ent)
    if before == "verified" and after == "pending":
        return tr("企业资料已更新。名称已变更，需平台重新核验，核验通过前显示为“未核验”；改回原名“{old}”可恢复核验。",
                  "Details saved. The new name must be verified again and shows as not verified until then; "
                  "renaming back to “{old}” restores the verification.", old=ent.verified_name), "warning"
    if before == "pending" and after == "verified":
        return tr("企业资料已更新。名称已改回平台核验过的“{name}”，已恢复“已核验”。",
                  "Details saved. The name is back to “{name}”, which the platform verified; the organisation is "
                  "verified again.", name=ent.name), "success"
    if before == "rejected" and after == "pending":
        return tr("企业资料已更新，已重新提交平台核验。", "Details saved and sent for verification again."), "success"
    return tr("企业资料已更新。", "Enterprise details saved."), "success"


@bp.route("/<int:enterprise_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id: int):
    profile = _found_and_allowed(service.profile(get_session(), enterprise_id),
                                 service.can_edit(current_user, enterprise_id))
    ent = profile.enterprise
    form = ProfileForm()
    # Whether renaming lifts a verification the member must confirm losing (admins keep it).
    confirm_rename = bool(ent.verified and not current_user.is_admin)
    form.explain_rename(confirm_rename)
    if request.method == "GET":
        form.fill_from(ent)
    elif form.validate_on_submit():
        before = verification.state(ent)
        ok, ent = attempt(lambda session: service.update_profile(session, current_user, enterprise_id,
                                                                 form.details(), bool(form.confirm_rename.data)),
                          form=form, field_map=ProfileForm.FIELD_MAP, flash_always=False,
                          abort_on={NotAllowedError: 403})
        if ok:
            flash(*_saved_message(before, ent))
            flash_region_warning(ent)
            return redirect(url_for("enterprises.show", enterprise_id=enterprise_id))
        ent = service.get_enterprise(get_session(), enterprise_id)
    return render_template("enterprises/edit.html", form=form, ent=ent, confirm_rename=confirm_rename)


@bp.post("/<int:enterprise_id>/qualifications")
@login_required
def add_qualification(enterprise_id: int):
    _found_and_allowed(service.get_enterprise(get_session(), enterprise_id), service.can_edit(current_user, enterprise_id))
    form = QualificationForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("enterprises.show", enterprise_id=enterprise_id) + "#qualifications")
    ok, qual = attempt(lambda session: service.add_qualification(session, current_user, enterprise_id, form.name.data,
                                                                 form.certificate_no.data, form.valid_until.data),
                       abort_on={NotAllowedError: 403})
    if ok:
        flash(tr("已添加资质“{name}”，平台核验后将标注为“已核验”。",
                 "Added “{name}”; it is marked verified once the platform has checked it.", name=qual.name), "success")
    return redirect(url_for("enterprises.show", enterprise_id=enterprise_id) + "#qualifications")


@bp.post("/<int:enterprise_id>/qualifications/<int:qualification_id>/delete")
@login_required
def remove_qualification(enterprise_id: int, qualification_id: int):
    if not service.can_edit(current_user, enterprise_id):
        abort(403)
    attempt(lambda session: service.remove_qualification(session, current_user, enterprise_id, qualification_id),
            abort_on={NotAllowedError: 403, EnterpriseError: 404},
            success=tr("资质已删除。", "Qualification removed."))
    return redirect(url_for("enterprises.show", enterprise_id=enterprise_id) + "#qualifications")


@bp.get("/<int:enterprise_id>/members")
@login_required
def members(enterprise_id: int):
    session = get_session()
    ent = _found_and_allowed(service.get_enterprise(session, enterprise_id),
                             accounts.can_manage_members(current_user, enterprise_id))
    return render_template("enterprises/members.html", ent=ent, **service.members(session, enterprise_id))


@bp.post("/<int:enterprise_id>/members/<int:user_id>/<any(approve, reject):decision>")
@login_required
def decide_member(enterprise_id: int, user_id: int, decision: str):
    if not accounts.can_manage_members(current_user, enterprise_id):
        abort(403)
    action = accounts.approve_membership if decision == "approve" else accounts.reject_membership
    link = url_for("enterprises.show", enterprise_id=enterprise_id)
    ok, user = attempt(lambda session: action(session, current_user, enterprise_id, user_id, link))
    if ok:
        flash(tr("已批准{name}加入。", "{name} may now act for the enterprise.", name=user.name) if decision == "approve"
              else tr("已拒绝{name}的申请。", "{name}'s request was declined.", name=user.name), "success")
    return redirect(url_for("enterprises.members", enterprise_id=enterprise_id))
