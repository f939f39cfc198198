"""The day of a fair: check-in per meeting, outcomes, and the organisers' dashboard."""
from __future__ import annotations

import re

import segno
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask import session as web_session
from flask_login import current_user
from markupsafe import Markup, escape

from ... import transactions
from ...db import get_session
from ...external_urls import external_url
from ...i18n import tr
from ...models import EventParticipant
from ...services.errors import NotFound, ServiceError
from ...services.events import can_manage
from ...services.events import day as event_day
from ..access import login_required, organiser_required
from ..charts import PALETTE, bar_chart
from ..forms.events import OutcomeForm
from ..forms.feedback import flash_form_errors
from ..pagination import paginate_list
from ..service_calls import attempt, local_next, or_404
from .helpers import load_event, managed_event, viewer

bp = Blueprint("event_day", __name__, url_prefix="/events")

ALL_SLOTS = "all"
#: The check-in page's filters, kept across every action taken on it.
VIEW_ARGS = ("slot", "q", "participant", "page")
SEARCH_MAX = 100
#: Where the outcome of the last check-in action waits for the page it returns to.
_STATUS_KEY = "checkin_status"
#: How every participant's check-in code is drawn (the same options give the same code for the same address).
QR_OPTIONS = {"error": "m", "micro": False}
_CODE = re.compile(r"^[Pp#]?(\d{1,9})$")


@bp.get("/<int:event_id>/checkin")
@organiser_required
def checkin_list(event_id: int):
    return _checkin_page(managed_event(event_id))


def _checkin_page(event, form=None, failed: int | None = None, status: int = 200, slot: str | None = None):
    """One slot's meetings (``?slot=``; ``all`` for every slot), a page at a time.

    Without a chosen slot the page opens on the first slot still waiting for
    check-ins, which is where the organisers are during the fair; a search
    (``?q=`` an enterprise name, credit code or participant code such as ``P12``)
    or one participant (``?participant=``, the address of a badge's code) looks
    through every slot. ``failed`` names the meeting whose outcome form is shown
    again with what was typed and its errors.
    """
    meetings = event_day.meetings_for_checkin(get_session(), current_user, event)
    query = (request.values.get("q") or "").strip()[:SEARCH_MAX]
    participant = _participant(event, request.values.get("participant"))
    slot = slot or request.values.get("slot") or (
        ALL_SLOTS if query or participant is not None else _current_slot(meetings))
    if participant is not None:
        meetings = [m for m in meetings if participant in (m.buyer, m.supplier)]
    if query:
        meetings = [m for m in meetings if _matches(m, query)]
    if slot and slot != ALL_SLOTS:
        meetings = [m for m in meetings if m.slot == slot]
    page = paginate_list(meetings)
    view = {"slot": slot, "q": query, "participant": str(participant.id) if participant is not None else "",
            "page": str(page.page) if page.page > 1 else ""}
    done = web_session.pop(_STATUS_KEY, None)
    return render_template("events/checkin.html", event=event, page=page, meetings=page.items, slot=slot,
                           all_slots=ALL_SLOTS, form=form or OutcomeForm(formdata=None), failed=failed,
                           query=query, participant=participant, view={k: v for k, v in view.items() if v},
                           done=done if isinstance(done, dict) else None), status


def _current_slot(meetings) -> str | None:
    waiting = next((m.slot for m in meetings if m.checkin == "pending"), None)
    return waiting or (meetings[0].slot if meetings else None)


def _participant(event, value: str | None):
    """The participant of ``event`` named by ``?participant=`` (a badge's code), None when none is asked for.

    A code that names no participant of this fair answers 404, so a badge of
    another fair is not mistaken for one without meetings.
    """
    if not (value or "").strip():
        return None
    found = _CODE.match(value.strip())
    person = get_session().get(EventParticipant, int(found.group(1))) if found else None
    if person is None or person.event_id != event.id:
        abort(404)
    return person


def participant_code(participant) -> str:
    """The short code printed on a participant's agenda, which the check-in search accepts."""
    return f"P{participant.id}"


def _matches(meeting, query: str) -> bool:
    """Whether either side's enterprise name, credit code or participant code holds ``query``."""
    needle = query.casefold()
    code = _CODE.match(query)
    for side in (meeting.buyer, meeting.supplier):
        enterprise = side.enterprise
        if needle in enterprise.name.casefold() or (enterprise.uscc and needle in enterprise.uscc.casefold()):
            return True
        if code and int(code.group(1)) == side.id:
            return True
    return False


def _back_to(event_id: int, meeting_id: int):
    """The check-in page the action came from (same slot, search and page), at that meeting's card."""
    args = {k: request.form.get(k, "").strip()[:SEARCH_MAX] for k in VIEW_ARGS}
    return redirect(url_for("event_day.checkin_list", event_id=event_id, _anchor=f"meeting-{meeting_id}",
                            **{k: v for k, v in args.items() if v}))


def _back(event_id: int, meeting_id: int):
    if request.form.get("next"):
        return redirect(local_next(url_for("event_day.checkin_list", event_id=event_id)))
    return _back_to(event_id, meeting_id)


def _said(meeting, status: str) -> str:
    """E.g. 已签到：A公司 × B公司（09:20，第3桌）."""
    what = {"held": tr("已签到", "Checked in"), "no_show": tr("已登记缺席", "Marked no-show"),
            "pending": tr("已改回待签到", "Back to waiting"), "outcome": tr("洽谈成果已记录", "Outcome recorded")}[status]
    return tr("{what}：{a} × {b}（{slot}，第{table}桌）", "{what}: {a} × {b} ({slot}, table {table})", what=what,
              a=meeting.buyer.enterprise.name, b=meeting.supplier.enterprise.name, slot=meeting.slot,
              table=meeting.table)


@bp.post("/<int:event_id>/meetings/<int:meeting_id>/checkin")
@organiser_required
def checkin(event_id: int, meeting_id: int):
    """Mark a meeting held, no-show or waiting; the page comes back at that meeting with what was done."""
    event = managed_event(event_id)
    status = request.form.get("checkin", "")

    def check_in(session):
        meeting = event_day.meeting_for_outcome(session, event, meeting_id, current_user)
        event_day.check_in(session, current_user, meeting, status)
        return _said(meeting, status)
    try:
        said = transactions.run(check_in)
    except NotFound:
        abort(404)
    except ServiceError as exc:
        web_session[_STATUS_KEY] = {"meeting": meeting_id, "text": exc.message, "ok": False}
    else:
        web_session[_STATUS_KEY] = {"meeting": meeting_id, "text": said, "ok": True}
    return _back_to(event.id, meeting_id)


@bp.post("/<int:event_id>/meetings/<int:meeting_id>/outcome")
@login_required
def outcome(event_id: int, meeting_id: int):
    event = load_event(event_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        def record(session):
            meeting = event_day.meeting_for_outcome(session, event, meeting_id, current_user)
            event_day.record_outcome(session, current_user, meeting, form.intent_value(), form.amount.data,
                                     form.notes.data)
            return _said(meeting, "outcome")
        ok, said = attempt(record, form=form, abort_on={NotFound: 404})
        if ok:
            if can_manage(viewer(), event):
                web_session[_STATUS_KEY] = {"meeting": meeting_id, "text": said, "ok": True}
            else:
                flash(said, "success")
            return _back(event.id, meeting_id)
    else:
        flash_form_errors(form)
    if can_manage(viewer(), event):  # the check-in page again, keeping what was typed
        meeting = or_404(event_day.meeting_for_outcome, get_session(), event, meeting_id, current_user)
        return _checkin_page(event, form, meeting.id, 400, slot=meeting.slot)
    return _back(event.id, meeting_id)


def checkin_address(event_id: int, participant_id: int) -> str:
    """The absolute address of the check-in page showing one participant's meetings (what a badge's code holds)."""
    return external_url("event_day.checkin_list", event_id=event_id, participant=participant_id)


@bp.app_template_global()
def checkin_qr(event, participant, scale: int = 3) -> Markup:
    """A participant's check-in code as inline SVG: organisers scanning it at the door land on its meetings."""
    code = segno.make(checkin_address(event.id, participant.id), **QR_OPTIONS)
    label = tr("签到码：{name}（{code}）", "Check-in code: {name} ({code})", name=participant.enterprise.name,
               code=participant_code(participant))
    svg = code.svg_inline(scale=scale, border=2, svgclass="qr", lineclass="qr-modules")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


bp.add_app_template_global(participant_code)


@bp.get("/<int:event_id>/dashboard")
@organiser_required
def dashboard(event_id: int):
    event = managed_event(event_id)
    data = event_day.dashboard(get_session(), current_user, event)
    metrics = data["metrics"]
    colour = {key: PALETTE[i % len(PALETTE)] for i, (key, _label) in enumerate(metrics)}
    totals = bar_chart([(tr("全场", "Whole fair"), [data["totals"][k] for k, _l in metrics])],
                       [label for _k, label in metrics], title=tr("全场概况", "Whole fair"),
                       colours=[colour[k] for k, _l in metrics])
    keys = ("scheduled", "held", "intents")
    busy = [r for r in data["nodes"] if any(r[k] for k in keys)][:20]
    by_node = bar_chart([(r["label"], [r[k] for k in keys]) for r in busy],
                        [label for key, label in metrics if key in keys], title=tr("按产业链环节", "By chain node"),
                        colours=[colour[k] for k in keys]) if busy else None
    return render_template("events/dashboard.html", event=event, data=data, totals_chart=totals,
                           node_chart=by_node)
