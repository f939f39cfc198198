"""Open innovation resources (开放创新资源): listing, pages, requests and answers."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..db import get_session
from ..i18n import tr
from ..services import resources as service
from ..services.errors import NotFound, ServiceError
from .access import large_required, sme_required
from .forms.resources import DecisionForm, RequestForm, ResourceForm
from .pagination import paginate
from .posting_helpers import (
    arg,
    current_graph,
    fill_chain_choices,
    is_admin,
    show_error,
    viewer_enterprise_id,
)

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


def _save(form: ResourceForm, resource=None):
    session = get_session()
    try:
        if resource is None:
            resource = service.create_resource(session, current_user.enterprise, current_user.id, current_graph(),
                                               form.data_for_service())
        else:
            service.update_resource(session, resource, current_user.id, current_graph(), form.data_for_service())
    except ServiceError as exc:
        session.rollback()
        show_error(form, exc)
        return None
    session.commit()
    flash(tr("开放资源已保存。", "Open resource saved."), "success")
    return redirect(url_for("resources.show", resource_id=resource.id))


@bp.route("/new", methods=["GET", "POST"])
@large_required
def new():
    form = ResourceForm()
    fill_chain_choices(form)
    if form.validate_on_submit():
        response = _save(form)
        if response is not None:
            return response
    return render_template("resources/form.html", form=form, resource=None)


def _owned(resource_id: int):
    try:
        return service.owned_resource(get_session(), resource_id, current_user.enterprise_id)
    except NotFound:
        abort(404)


@bp.route("/<int:resource_id>/edit", methods=["GET", "POST"])
@large_required
def edit(resource_id: int):
    resource = _owned(resource_id)
    form = ResourceForm(obj=resource)
    fill_chain_choices(form)
    if form.validate_on_submit():
        response = _save(form, resource)
        if response is not None:
            return response
    return render_template("resources/form.html", form=form, resource=resource)


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
    try:
        resource = service.visible_resource(session, resource_id, viewer_enterprise_id(), admin=is_admin())
    except NotFound:
        abort(404)
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
    session = get_session()
    try:
        resource = service.visible_resource(session, resource_id, current_user.enterprise_id)
    except NotFound:
        abort(404)
    form = RequestForm()
    if not form.validate_on_submit():
        for error in form.message.errors:
            flash(error, "error")
        return redirect(url_for("resources.show", resource_id=resource.id))
    try:
        service.request_access(session, resource, current_user.enterprise, current_user.id, form.message.data,
                               link=url_for("resources.requests_received"))
    except ServiceError as exc:
        session.rollback()
        flash(exc.message, "error")
    else:
        session.commit()
        flash(tr("申请已发送，资源方答复后您会收到通知。", "Request sent; you will be notified of the answer."), "success")
    return redirect(url_for("resources.show", resource_id=resource.id))


def _visible_request(request_id: int):
    try:
        return service.visible_request(get_session(), request_id, current_user.enterprise_id)
    except NotFound:
        abort(404)


@bp.post("/requests/<int:request_id>/decide")
@large_required
def decide(request_id: int):
    req = _visible_request(request_id)
    if req.resource.enterprise_id != current_user.enterprise_id:
        abort(404)
    form = DecisionForm()
    session = get_session()
    if form.validate_on_submit():
        try:
            service.decide(session, req, current_user.id, form.decision.data, form.reply.data,
                           link=url_for("resources.requests_sent"))
        except ServiceError as exc:
            session.rollback()
            flash(exc.message, "error")
        else:
            session.commit()
            flash(tr("已答复并通知申请企业。", "Answered; the SME has been notified."), "success")
    return redirect(request.form.get("next") if (request.form.get("next") or "").startswith("/resources/")
                    else url_for("resources.requests_received"))


@bp.post("/requests/<int:request_id>/withdraw")
@sme_required
def withdraw_request(request_id: int):
    req = _visible_request(request_id)
    if req.enterprise_id != current_user.enterprise_id:
        abort(404)
    session = get_session()
    try:
        service.withdraw_request(session, req, current_user.id, link=url_for("resources.requests_received"))
    except ServiceError as exc:
        session.rollback()
        flash(exc.message, "error")
    else:
        session.commit()
        flash(tr("申请已撤回。", "Request withdrawn."), "success")
    return redirect(url_for("resources.requests_sent"))
