"""Matchmaking fairs for everyone: the list, an event's page, registration, requests and agendas."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ...db import get_session
from ...i18n import tr
from ...services import events as event_service
from ...services.errors import NotFound
from ...services.events import exports as event_exports
from ...services.events import requests as event_requests
from ...services.events import suggestions as event_suggestions
from ..access import enterprise_required, login_required
from ..forms.events import AvailabilityForm, RegisterForm, RequestForm
from ..forms.feedback import flash_form_errors
from ..pagination import paginate, paginate_list
from ..service_calls import attempt, local_next
from .helpers import (
    event_and_participant,
    event_link,
    event_participant,
    load_event,
    my_participant,
    requests_link,
    slot_choices,
    template_helpers,
    viewer,
)

bp = Blueprint("events", __name__, url_prefix="/events")
bp.app_context_processor(template_helpers)


@bp.get("/")
def index():
    upcoming = request.args.get("when") == "upcoming"
    page = paginate(get_session(), event_service.list_events(viewer(), upcoming_only=upcoming))
    return render_template("events/index.html", page=page, upcoming=upcoming)


@bp.get("/<int:event_id>")
def show(event_id: int):
    session = get_session()
    event = load_event(event_id)
    return render_template("events/show.html", event=event, counts=event_service.event_counts(session, event),
                           mine=my_participant(event), registration_open=event_service.registration_open(event),
                           slots=slot_choices(event))


@bp.route("/<int:event_id>/register", methods=["GET", "POST"])
@enterprise_required
def register(event_id: int):
    event = load_event(event_id)
    if _registered(event):
        flash(tr("贵企业已报名本场对接会。", "Your enterprise has already registered."), "info")
        return redirect(url_for("events.show", event_id=event.id))
    form = RegisterForm(role="buyer" if current_user.enterprise.is_large else "supplier")
    form.unavailable.choices = slot_choices(event)
    if form.validate_on_submit():
        ok, _ = attempt(lambda session: event_service.register(session, current_user, event, form.role.data,
                                                               form.unavailable.data, link=event_link(event.id)),
                        form=form, success=tr("报名已提交，等待组织方审核。", "Registered; the organisers will review it."))
        if ok or _registered(event):  # a submission sent at the same time as this one won
            return redirect(url_for("events.show", event_id=event.id))
    return render_template("events/register.html", event=event, form=form,
                           registration_open=event_service.registration_open(event))


def _registered(event) -> bool:
    mine = my_participant(event)
    return mine is not None and mine.status in ("pending", "approved")


@bp.route("/<int:event_id>/participants/<int:participant_id>/availability", methods=["GET", "POST"])
@login_required
def availability(event_id: int, participant_id: int):
    event, participant = event_and_participant(event_id, participant_id)
    form = AvailabilityForm(unavailable=participant.unavailable or [])
    form.unavailable.choices = slot_choices(event)
    if form.validate_on_submit():
        ok, _ = attempt(lambda session: event_service.set_availability(session, current_user, participant,
                                                                       form.unavailable.data),
                        form=form, success=tr("时间已更新。", "Availability saved."))
        if ok:
            return redirect(url_for("events.show", event_id=event.id))
    return render_template("events/availability.html", event=event, participant=participant, form=form)


@bp.post("/<int:event_id>/participants/<int:participant_id>/withdraw")
@login_required
def withdraw(event_id: int, participant_id: int):
    event, participant = event_and_participant(event_id, participant_id)
    session = get_session()
    event_service.withdraw(session, current_user, participant)
    session.commit()
    flash(tr("已退出本场对接会。", "Withdrawn from the fair."), "success")
    return redirect(url_for("events.show", event_id=event.id))


@bp.get("/<int:event_id>/requests")
@bp.get("/<int:event_id>/participants/<int:participant_id>/requests")
@login_required
def requests(event_id: int, participant_id: int | None = None):
    event, participant = event_and_participant(event_id, participant_id)
    return _requests_page(event, participant, RequestForm(formdata=None))


def _requests_page(event, participant, form, status: int = 200):
    """The participant's requests; ``form`` is the request form, again with its values after a refusal."""
    session = get_session()
    lists = event_requests.requests_of(session, participant)
    suggestions = (event_suggestions.suggest(session, participant, limit=10)
                   if participant.status == "approved" else [])
    closed = paginate_list(lists["closed"])
    return render_template("events/requests.html", event=event, participant=participant, lists=lists,
                           closed=closed, suggestions=suggestions, form=form,
                           open_count=len(lists["outgoing"]),
                           counterparts=_counterparts(event, participant, lists)), status


def _counterparts(event, participant, lists):
    """Approved participants of the other role that have no open or agreed request with this one yet."""
    role = "supplier" if participant.role == "buyer" else "buyer"
    taken = {r.buyer_id if role == "buyer" else r.supplier_id
             for key in ("incoming", "outgoing", "accepted") for r in lists[key]}
    return sorted((p for p in event.participants if p.role == role and p.status == "approved" and p.id not in taken),
                  key=lambda p: p.enterprise.name)


@bp.post("/<int:event_id>/participants/<int:participant_id>/requests/new")
@login_required
def make_request(event_id: int, participant_id: int):
    event, participant = event_and_participant(event_id, participant_id)
    form = RequestForm()
    back = url_for("events.requests", event_id=event.id, participant_id=participant.id)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _requests_page(event, participant, form, 400)
    counterpart = event_participant(event, form.counterpart.data)
    source = "suggestion" if request.form.get("suggested") else "participant"
    reasons = request.form.getlist("reason")[:6]
    ok, req = attempt(lambda session: event_requests.request_meeting(
        session, current_user, participant, counterpart, form.priority.data, form.message.data, reasons=reasons,
        source=source, link=requests_link(event.id)), form=form, abort_on={NotFound: 404})
    if not ok:
        return _requests_page(event, participant, form, 400)
    flash(tr("双方均已同意会谈。", "Both sides agreed to meet.") if req.status == "accepted"
          else tr("邀约已发出，等待{n}回复。", "Request sent; waiting for {n} to answer.",
                  n=counterpart.enterprise.name), "success")
    return redirect(back)


def _request_action(event_id: int, request_id: int, action):
    event = load_event(event_id)
    attempt(lambda session: action(session, event_requests.request_of(session, event, request_id, current_user)),
            abort_on={NotFound: 404})
    return redirect(local_next(url_for("events.requests", event_id=event.id)))


@bp.post("/<int:event_id>/requests/<int:request_id>/respond")
@login_required
def respond(event_id: int, request_id: int):
    accept = request.form.get("accept") == "1"

    def act(session, req):
        req = event_requests.respond(session, current_user, req, accept, link=requests_link(event_id))
        if req.status == "expired":
            flash(tr("该邀约已过期。", "This request has expired."), "error")
        else:
            flash(tr("已接受会谈。", "Meeting accepted.") if accept else tr("已婉拒。", "Declined."), "success")
    return _request_action(event_id, request_id, act)


@bp.post("/<int:event_id>/requests/<int:request_id>/cancel")
@login_required
def cancel(event_id: int, request_id: int):
    def act(session, req):
        req = event_requests.cancel(session, current_user, req, link=requests_link(event_id))
        if req.status == "expired":
            flash(tr("该邀约已过期。", "This request has expired."), "error")
        else:
            flash(tr("邀约已撤回。", "Request withdrawn."), "success")
    return _request_action(event_id, request_id, act)


@bp.get("/<int:event_id>/agenda")
@login_required
def my_agenda(event_id: int):
    event, mine = event_and_participant(event_id)
    return redirect(url_for("events.agenda", event_id=event.id, participant_id=mine.id))


@bp.get("/<int:event_id>/agenda/<int:participant_id>")
@login_required
def agenda(event_id: int, participant_id: int):
    event, participant = event_and_participant(event_id, participant_id)
    visible = event_exports.agenda_visible(event, current_user)
    items = event_exports.agenda(get_session(), participant) if visible else []
    return render_template("events/agenda.html", event=event, participant=participant, items=items,
                           visible=visible)


@bp.get("/<int:event_id>/agenda/<int:participant_id>.ics")
@login_required
def agenda_ics(event_id: int, participant_id: int):
    event, participant = event_and_participant(event_id, participant_id)
    body = event_exports.agenda_ics(get_session(), participant,
                                    visible=event_exports.agenda_visible(event, current_user))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f"attachment; filename=event-{event.id}-agenda-{participant.id}.ics",
        "Cache-Control": "no-store"})
