"""Demand hall (需求大厅), demand pages, and an organisation's own demands."""
from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request
from flask_login import current_user

from ...db import get_session
from ...i18n import tr
from ...presentation import demand_status_label
from ...services import demands as service
from ...services.demand_page import demand_page
from ...services.errors import NotFound
from ..access import enterprise_required
from ..forms.demands import DemandForm, InviteForm, StatusForm
from ..pagination import page_number
from ..service_calls import attempt, local_next, or_404
from .helpers import arg, arg_date, is_admin, viewer_enterprise
from .labels import template_helpers
from .views import PostingViews

bp = Blueprint("demands", __name__, url_prefix="/demands")
bp.app_context_processor(template_helpers)

#: Lifecycle actions offered on the owner's page, by current status.
ACTIONS = {
    "draft": ("published", "cancelled"),
    "published": ("closed", "awarded", "cancelled"),
    "closed": ("published", "awarded", "cancelled"),
}


def action_label(status: str, kind: str | None = None) -> str:
    """The button that moves a demand to ``status``; a challenge ends by choosing its solver (揭榜方)."""
    award = tr("确定揭榜方", "Select the solver") if kind == "challenge" else tr("授标", "Award")
    return {"published": tr("发布", "Publish"), "closed": tr("截止", "Close"), "awarded": award,
            "cancelled": tr("取消需求", "Cancel")}.get(status, status)


def _filters() -> dict:
    return {"kind": arg("kind"), "chain": arg("chain"), "region": arg("region"),
            "deadline_before": arg_date("deadline"), "q": arg("q")}


def _prepare_form(form: DemandForm, demand) -> None:
    if demand is not None and request.method == "GET":
        form.required_qualifications.data = "；".join(demand.required_qualifications or [])


def _edit_refused(demand) -> str | None:
    return None if demand.status == "draft" else tr("只有草稿可以修改。", "Only drafts can be edited.")


views = PostingViews(
    name="demands", noun="demand", owner_required=enterprise_required, form_class=DemandForm,
    public=service.published_demands, filters=_filters, own=service.enterprise_demands, mine_filters=("status",),
    owned=service.owned_demand, create=service.create_demand, update=service.update_demand,
    saved=lambda: tr("需求草稿已保存。确认无误后请点击“发布”。", "Draft saved. Publish it when it is ready."),
    prepare_form=_prepare_form, edit_refused=_edit_refused,
)
views.register(bp)


@bp.post("/<int:demand_id>/status")
@enterprise_required
def status(demand_id: int):
    demand = views.owned_or_404(demand_id)
    page = views.page_of(demand)
    form = StatusForm()
    if not form.validate_on_submit():
        flash(tr("请求无效，请重试。", "Invalid request; please try again."), "error")
        return redirect(page)
    ok, _ = attempt(lambda session: service.change_status(session, demand, current_user.id, form.status.data,
                                                          form.reason.data, link=page))
    if ok:
        flash(tr("需求状态已更新为“{s}”。", "The demand is now “{s}”.",
                 s=demand_status_label(demand.status, demand.kind)), "success")
    return redirect(page)


@bp.get("/<int:demand_id>")
def show(demand_id: int):
    view = or_404(demand_page, get_session(), demand_id, viewer_enterprise(), admin=is_admin(),
                  region=arg("region"), qualification=arg("qualification"), size=arg("size"), page=page_number())
    return render_template("demands/show.html", view=view, demand=view.demand, actions=ACTIONS.get(view.demand.status, ()),
                           action_label=action_label, status_form=StatusForm(), invite_form=InviteForm())


@bp.post("/<int:demand_id>/invite")
@enterprise_required
def invite(demand_id: int):
    demand = views.owned_or_404(demand_id)
    form = InviteForm()
    back = local_next(views.page_of(demand))
    if not form.validate_on_submit() or not re.fullmatch(r"[0-9]{1,12}", form.supplier_id.data or ""):
        flash(tr("请求无效，请重试。", "Invalid request; please try again."), "error")
        return redirect(back)
    ok, result = attempt(lambda session: service.invite_supplier(
        session, demand, int(form.supplier_id.data), current_user.id, form.purpose.data,
        link=views.page_of(demand), note=form.note.data), abort_on={NotFound: 404})
    if ok:
        supplier, new = result
        if new:
            flash(tr("已通知{e}。", "{e} has been notified.", e=supplier.name), "success")
        else:
            flash(tr("此前已向{e}发出同样的邀请，未重复通知。", "{e} already has this invitation; it was not sent again.",
                     e=supplier.name), "info")
    return redirect(back)
