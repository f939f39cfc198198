"""Open innovation resources (开放创新资源): listing, pages, requests and answers."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ...db import get_session
from ...i18n import tr
from ...services import resources as service
from ..access import enterprise_required
from ..forms.resources import DecisionForm, RequestForm, ResourceForm
from ..pagination import paginate
from ..service_calls import attempt, local_next, or_404
from .helpers import arg
from .views import PostingViews

bp = Blueprint("resources", __name__, url_prefix="/resources")


def _filters() -> dict:
    return {"kind": arg("kind"), "chain": arg("chain"), "region": arg("region"), "q": arg("q")}


def _show_context(resource, is_owner: bool) -> dict:
    """The owner sees the requests for the resource on its page; everyone gets the forms."""
    requests = []
    if is_owner:
        requests = get_session().scalars(service.requests_received(current_user.enterprise_id,
                                                                   resource_id=resource.id)).unique().all()
    return {"requests": requests, "request_form": RequestForm(), "decision_form": DecisionForm()}


def _active_message(active: bool) -> str:
    return tr("资源已重新开放。", "The resource is open again.") if active else tr("资源已暂停开放。", "The resource is paused.")


views = PostingViews(
    name="resources", noun="resource", owner_required=enterprise_required, form_class=ResourceForm,
    public=service.public_resources, filters=_filters, own=service.enterprise_resources,
    owned=service.owned_resource, create=service.create_resource, update=service.update_resource,
    saved=lambda: tr("开放资源已保存。", "Open resource saved."), visible=service.visible_resource,
    show_context=_show_context, set_active=service.set_active, active_message=_active_message,
)
views.register(bp)


@bp.get("/requests/received")
@enterprise_required
def requests_received():
    page = paginate(get_session(), service.requests_received(current_user.enterprise_id, arg("status")))
    return render_template("resources/requests.html", page=page, received=True, decision_form=DecisionForm())


@bp.get("/requests")
@enterprise_required
def requests_sent():
    page = paginate(get_session(), service.requests_sent(current_user.enterprise_id))
    return render_template("resources/requests.html", page=page, received=False, decision_form=DecisionForm())


@bp.post("/<int:resource_id>/request")
@enterprise_required
def request_access(resource_id: int):
    resource = or_404(service.visible_resource, get_session(), resource_id, current_user.enterprise_id)
    form = RequestForm()
    if not form.validate_on_submit():
        for error in form.message.errors:
            flash(error, "error")
        return redirect(views.page_of(resource))
    attempt(lambda session: service.request_access(session, resource, current_user.enterprise, current_user.id,
                                                   form.message.data, link=url_for("resources.requests_received")),
            success=tr("申请已发送，资源方答复后您会收到通知。", "Request sent; you will be notified of the answer."))
    return redirect(views.page_of(resource))


def _visible_request(request_id: int, side: str):
    """A request seen by the user's enterprise from ``side``: ``"requester"`` (the SME) or ``"owner"``, else 404."""
    req = or_404(service.visible_request, get_session(), request_id, current_user.enterprise_id)
    if (req.enterprise_id if side == "requester" else req.resource.enterprise_id) != current_user.enterprise_id:
        abort(404)
    return req


@bp.post("/requests/<int:request_id>/decide")
@enterprise_required
def decide(request_id: int):
    req = _visible_request(request_id, side="owner")
    form = DecisionForm()
    if form.validate_on_submit():
        attempt(lambda session: service.decide(session, req, current_user.id, form.decision.data, form.reply.data,
                                               link=url_for("resources.requests_sent")),
                success=tr("已答复并通知申请企业。", "Answered; the SME has been notified."))
    return redirect(local_next(url_for("resources.requests_received"), prefix="/resources/"))


@bp.post("/requests/<int:request_id>/withdraw")
@enterprise_required
def withdraw_request(request_id: int):
    req = _visible_request(request_id, side="requester")
    attempt(lambda session: service.withdraw_request(session, req, current_user.id,
                                                     link=url_for("resources.requests_received")),
            success=tr("申请已撤回。", "Request withdrawn."))
    return redirect(url_for("resources.requests_sent"))
