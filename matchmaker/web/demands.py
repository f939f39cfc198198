"""Demand hall (需求大厅), demand pages, and a large enterprise's own demands."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..db import get_session
from ..i18n import tr
from ..services import demands as service
from ..services.demand_page import demand_page
from ..services.errors import NotFound
from .access import large_required
from .forms.demands import DemandForm, InviteForm, StatusForm
from .pagination import page_number, paginate
from .posting_helpers import (
    arg,
    arg_date,
    current_graph,
    fill_chain_choices,
    is_admin,
    save_posting,
    template_helpers,
    viewer_enterprise,
)
from .service_calls import attempt, local_next, or_404

bp = Blueprint("demands", __name__, url_prefix="/demands")
bp.app_context_processor(template_helpers)

#: Lifecycle actions offered on the owner's page, by current status.
ACTIONS = {
    "draft": ("published", "cancelled"),
    "published": ("closed", "awarded", "cancelled"),
    "closed": ("published", "awarded", "cancelled"),
}


def action_label(status: str) -> str:
    return {"published": tr("发布", "Publish"), "closed": tr("截止", "Close"), "awarded": tr("授标 / 揭榜成功", "Award"),
            "cancelled": tr("取消需求", "Cancel")}.get(status, status)


@bp.get("/")
def index():
    filters = {"kind": arg("kind"), "chain": arg("chain"), "region": arg("region"),
               "deadline_before": arg_date("deadline"), "q": arg("q")}
    page = paginate(get_session(), service.published_demands(current_graph(), **filters))
    return render_template("demands/index.html", page=page, filters=filters)


@bp.get("/mine")
@large_required
def mine():
    status = arg("status")
    page = paginate(get_session(), service.enterprise_demands(current_user.enterprise_id, status))
    return render_template("demands/mine.html", page=page, status=status)


def _form_page(demand=None):
    form = DemandForm(obj=demand)
    fill_chain_choices(form)
    if demand is not None and request.method == "GET":
        form.required_qualifications.data = "；".join(demand.required_qualifications or [])
    if form.validate_on_submit():
        saved = save_posting(form, demand, service.create_demand, service.update_demand,
                             tr("需求草稿已保存。确认无误后请点击“发布”。", "Draft saved. Publish it when it is ready."))
        if saved is not None:
            return redirect(url_for("demands.show", demand_id=saved.id))
    return render_template("demands/form.html", form=form, demand=demand)


def _owned(demand_id: int):
    return or_404(service.owned_demand, get_session(), demand_id, current_user.enterprise_id)


@bp.route("/new", methods=["GET", "POST"])
@large_required
def new():
    return _form_page()


@bp.route("/<int:demand_id>/edit", methods=["GET", "POST"])
@large_required
def edit(demand_id: int):
    demand = _owned(demand_id)
    if demand.status != "draft":
        flash(tr("只有草稿可以修改。", "Only drafts can be edited."), "error")
        return redirect(url_for("demands.show", demand_id=demand.id))
    return _form_page(demand)


@bp.post("/<int:demand_id>/status")
@large_required
def status(demand_id: int):
    demand = _owned(demand_id)
    page = url_for("demands.show", demand_id=demand.id)
    form = StatusForm()
    if not form.validate_on_submit():
        flash(tr("请求无效，请重试。", "Invalid request; please try again."), "error")
        return redirect(page)
    ok, _ = attempt(lambda session: service.change_status(session, demand, current_user.id, form.status.data,
                                                          form.reason.data, link=page))
    if ok:
        flash(tr("需求状态已更新为“{s}”。", "The demand is now “{s}”.", s=service.status_label(demand.status)), "success")
    return redirect(page)


@bp.get("/<int:demand_id>")
def show(demand_id: int):
    view = or_404(demand_page, get_session(), demand_id, viewer_enterprise(), admin=is_admin(),
                  region=arg("region"), qualification=arg("qualification"), size=arg("size"), page=page_number())
    return render_template("demands/show.html", view=view, demand=view.demand, actions=ACTIONS.get(view.demand.status, ()),
                           action_label=action_label, status_form=StatusForm(), invite_form=InviteForm())


@bp.post("/<int:demand_id>/invite")
@large_required
def invite(demand_id: int):
    demand = _owned(demand_id)
    form = InviteForm()
    back = local_next(url_for("demands.show", demand_id=demand.id))
    if not form.validate_on_submit() or not form.supplier_id.data.isdigit():
        flash(tr("请求无效，请重试。", "Invalid request; please try again."), "error")
        return redirect(back)
    ok, supplier = attempt(lambda session: service.invite_supplier(
        session, demand, int(form.supplier_id.data), current_user.id, form.purpose.data,
        link=url_for("demands.show", demand_id=demand.id), note=form.note.data), abort_on={NotFound: 404})
    if ok:
        flash(tr("已通知{e}。", "{e} has been notified.", e=supplier.name), "success")
    return redirect(back)
