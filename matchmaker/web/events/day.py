"""The day of a fair: check-in per meeting, outcomes, and the organisers' dashboard."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from ...db import get_session
from ...i18n import tr
from ...services.errors import NotFound
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


@bp.get("/<int:event_id>/checkin")
@organiser_required
def checkin_list(event_id: int):
    return _checkin_page(managed_event(event_id))


def _checkin_page(event, form=None, failed: int | None = None, status: int = 200, slot: str | None = None):
    """One slot's meetings (``?slot=``; ``all`` for every slot), a page at a time.

    Without a chosen slot the page opens on the first slot still waiting for
    check-ins, which is where the organisers are during the fair. ``failed`` names
    the meeting whose outcome form is shown again with what was typed and its errors.
    """
    meetings = event_day.meetings_for_checkin(get_session(), current_user, event)
    slot = slot or request.args.get("slot") or _current_slot(meetings)
    if slot and slot != ALL_SLOTS:
        meetings = [m for m in meetings if m.slot == slot]
    page = paginate_list(meetings)
    return render_template("events/checkin.html", event=event, page=page, meetings=page.items, slot=slot,
                           all_slots=ALL_SLOTS, form=form or OutcomeForm(formdata=None), failed=failed), status


ALL_SLOTS = "all"


def _current_slot(meetings) -> str | None:
    waiting = next((m.slot for m in meetings if m.checkin == "pending"), None)
    return waiting or (meetings[0].slot if meetings else None)


def _back(event_id: int):
    return redirect(local_next(url_for("event_day.checkin_list", event_id=event_id)))


@bp.post("/<int:event_id>/meetings/<int:meeting_id>/checkin")
@organiser_required
def checkin(event_id: int, meeting_id: int):
    event = managed_event(event_id)

    def check_in(session):
        meeting = event_day.meeting_for_outcome(session, event, meeting_id, current_user)
        event_day.check_in(session, current_user, meeting, request.form.get("checkin", ""))
    attempt(check_in, abort_on={NotFound: 404})
    return _back(event.id)


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
        ok, _ = attempt(record, form=form, success=tr("洽谈成果已记录。", "Outcome recorded."),
                        abort_on={NotFound: 404})
        if ok:
            return _back(event.id)
    else:
        flash_form_errors(form)
    if can_manage(viewer(), event):  # the check-in page again, keeping what was typed
        meeting = or_404(event_day.meeting_for_outcome, get_session(), event, meeting_id, current_user)
        return _checkin_page(event, form, meeting.id, 400, slot=meeting.slot)
    return _back(event.id)


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
