"""Open innovation resources (开放创新资源): listing, pages, requests and answers."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..db import get_session
from ..i18n import tr
from ..services import resources as service
from .access import large_required, sme_required
from .forms.resources import DecisionForm, RequestForm, ResourceForm
from .pagination import paginate
from .posting_helpers import (
    arg,
    current_graph,
    fill_chain_choices,
    is_admin,
    save_posting,
    viewer_enterprise_id,
)
from .service_calls import attempt, local_next, or_404

bp = Blueprint("resources", __name__, url_prefix="/resources")


@bp.get("/")
def index():
    filters = {"kind": arg("kind"), "chain": arg("chain"), "region": arg("region"), "q": arg("q")}
    page = paginate(get_session(), service.public_resources(current_graph(), **filters))
    return render_template("resources/index.html", page=page, filters=filters)


@bp.get("/mine")
@large_required
def mine():
    page = paginate(get_session(), service.enterprise_resources(current_user.enterprise_id))
    return render_template("resources/mine.html", page=page)


@bp.get("/requests/received")
@large_required
def requests_received():
    page = paginate(get_session(), service.requests_received(current_user.enterprise_id, arg("status")))
    return render_template("resources/requests.html", page=page, received=True, decision_form=DecisionForm())


@bp.get("/requests")
@sme_required
def requests_sent():
    page = paginate(get_session(), service.requests_sent(current_user.enterprise_id))
    return render_template("resources/requests.html", page=page, received=False, decision_form=DecisionForm())


def _form_page(resource=None):
    form = ResourceForm(obj=resource)
    fill_chain_choices(form)
    if form.validate_on_submit():
        saved = save_posting(form, resource, service.create_resource, service.update_resource,
                             tr("开放资源已保存。", "Open resource saved."))
        if saved is not None:
            return redirect(url_for("resources.show", resource_id=saved.id))
    return render_template("resources/form.html", form=form, resource=resource)


@bp.route("/new", methods=["GET", "POST"])
@large_required
def new():
    return _form_page()


def _owned(resource_id: int):
    return or_404(service.owned_resource, get_session(), resource_id, current_user.enterprise_id)


@bp.route("/<int:resource_id>/edit", methods=["GET", "POST"])
@large_required
def edit(resource_id: int):
    return _form_page(_owned(resource_id))


@bp.post("/<int:resource_id>/active")
@large_required
def set_active(resource_id: int):
    resource = _owned(resource_id)
    active = request.form.get("active") == "1"
    session = get_session()
    service.set_active(session, resource, current_user.id, active)
    session.commit()
    flash(tr("资源已重新开放。", "The resource is open again.") if active else tr("资源已暂停开放。", "The resource is paused."),
          "success")
    return redirect(url_for("resources.show", resource_id=resource.id))


@bp.get("/<int:resource_id>")
def show(resource_id: int):
    session = get_session()
    resource = or_404(service.visible_resource, session, resource_id, viewer_enterprise_id(), admin=is_admin())
    is_owner = resource.enterprise_id == viewer_enterprise_id()
    requests = []
    if is_owner:
        requests = session.scalars(service.requests_received(current_user.enterprise_id,
                                                             resource_id=resource.id)).unique().all()
    return render_template("resources/show.html", resource=resource, is_owner=is_owner, requests=requests,
                           request_form=RequestForm(), decision_form=DecisionForm())


@bp.post("/<int:resource_id>/request")
@sme_required
def request_access(resource_id: int):
    resource = or_404(service.visible_resource, get_session(), resource_id, current_user.enterprise_id)
    form = RequestForm()
    if not form.validate_on_submit():
        for error in form.message.errors:
            flash(error, "error")
        return redirect(url_for("resources.show", resource_id=resource.id))
    attempt(lambda session: service.request_access(session, resource, current_user.enterprise, current_user.id,
                                                   form.message.data, link=url_for("resources.requests_received")),
            success=tr("申请已发送，资源方答复后您会收到通知。", "Request sent; you will be notified of the answer."))
    return redirect(url_for("resources.show", resource_id=resource.id))


def _visible_request(request_id: int, side: str):
    """A request seen by the user's enterprise from ``side``: ``"requester"`` (the SME) or ``"owner"``, else 404."""
    req = or_404(service.visible_request, get_session(), request_id, current_user.enterprise_id)
    if (req.enterprise_id if side == "requester" else req.resource.enterprise_id) != current_user.enterprise_id:
        abort(404)
    return req


@bp.post("/requests/<int:request_id>/decide")
@large_required
def decide(request_id: int):
    req = _visible_request(request_id, side="owner")
    form = DecisionForm()
    if form.validate_on_submit():
        attempt(lambda session: service.decide(session, req, current_user.id, form.decision.data, form.reply.data,
                                               link=url_for("resources.requests_sent")),
                success=tr("已答复并通知申请企业。", "Answered; the SME has been notified."))
    return redirect(local_next(url_for("resources.requests_received"), prefix="/resources/"))


@bp.post("/requests/<int:request_id>/withdraw")
@sme_required
def withdraw_request(request_id: int):
    req = _visible_request(request_id, side="requester")
    attempt(lambda session: service.withdraw_request(session, req, current_user.id,
                                                     link=url_for("resources.requests_received")),
            success=tr("申请已撤回。", "Request withdrawn."))
    return redirect(url_for("resources.requests_sent"))
