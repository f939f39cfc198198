"""Follow-up after a fair: each side's meetings from intent to contract, and the organisers' view of a fair."""
from __future__ import annotations

import io
from types import SimpleNamespace

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ... import transactions
from ...db import get_session
from ...i18n import tr
from ...io.sheets import write_table
from ...models import Demand
from ...models.event import FOLLOWUP_STAGES
from ...services.errors import NotFound, ServiceError
from ...services.events import followup as event_followup
from ...services.scope import sees_event
from ..access import enterprise_required, organiser_required
from ..forms.feedback import show_error
from ..forms.followup import FollowupForm
from ..pagination import paginate
from ..service_calls import local_next, or_404
from .helpers import load_event, viewer

bp = Blueprint("followup", __name__)


def followup_link(meeting) -> str:
    """The address of the follow-up page both sides use, for the reminders services send."""
    return url_for("followup.mine") + f"#meeting-{meeting.id}"


def _list_args() -> dict:
    """The list's own query arguments (stage filter and page), for the address of the page shown."""
    return {k: v for k, v in request.args.items() if k in ("stage", "page") and v}


def _stage_filter() -> str | None:
    stage = request.args.get("stage") or None
    return stage if stage in FOLLOWUP_STAGES else None


def _helpers(session) -> dict:
    """What the follow-up templates call for each meeting: its choices and its linked demand."""
    cache: dict = {}

    def demands(meeting) -> list[Demand]:
        key = meeting.buyer.enterprise_id
        if key not in cache:
            cache[key] = event_followup.buyer_demands(session, meeting)
        return cache[key]

    def linked(meeting) -> Demand | None:
        return session.get(Demand, meeting.demand_id) if meeting.demand_id else None

    return {"next_stages": lambda m: event_followup.next_stages(current_user, m),
            "may_link": lambda m: event_followup.may_link_demand(current_user, m),
            "side_of": lambda m: event_followup.side_of(current_user, m),
            "buyer_demands": demands, "linked_demand": linked,
            "stage_label": event_followup.stage_label, "contract_type_label": event_followup.contract_type_label,
            "stages": FOLLOWUP_STAGES}


@bp.get("/followups/")
@enterprise_required
def mine():
    return _mine_page()


def _mine_page(form=None, failed: int | None = None, status: int = 200):
    session = get_session()
    stage = _stage_filter()
    page = paginate(session, event_followup.enterprise_followups(current_user, stage))
    args = _list_args()
    return render_template("events/followup_mine.html", page=page, stage=stage, here=url_for("followup.mine", **args),
                           action_for=lambda m: url_for("followup.update", meeting_id=m.id, **args),
                           form=form or FollowupForm(formdata=None), failed=failed,
                           **_helpers(session)), status


def _event_for_followup(event_id: int):
    """The fair if the viewer organises it: 404 outside the viewer's region, 403 when visible but not theirs."""
    event = load_event(event_id)
    if not sees_event(viewer(), event):
        abort(404)
    if not event_followup.may_organise(viewer(), event):
        abort(403)
    return event


@bp.get("/events/<int:event_id>/followup")
@organiser_required
def event(event_id: int):
    return _event_page(_event_for_followup(event_id))


def _event_page(event, form=None, failed: int | None = None, status: int = 200):
    session = get_session()
    stage = _stage_filter()
    page = paginate(session, event_followup.event_followups(current_user, event, stage))
    figures = event_followup.funnel(session, current_user, event)
    args = _list_args()
    return render_template("events/followup_event.html", event=event, page=page, stage=stage,
                           here=url_for("followup.event", event_id=event.id, **args),
                           action_for=lambda m: url_for("followup.correct", event_id=event.id, meeting_id=m.id, **args),
                           figures=figures, form=form or FollowupForm(formdata=None), failed=failed,
                           **_helpers(session)), status


@bp.get("/events/<int:event_id>/followup.csv")
@organiser_required
def event_csv(event_id: int):
    event = _event_for_followup(event_id)
    header, rows = event_followup.table_rows(get_session(), current_user, event, _stage_filter())
    buf = io.BytesIO()
    write_table(buf, header, rows, fmt="csv")
    return Response(buf.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=event-{event.id}-followup.csv"})


def _show_errors(form, exc) -> None:
    """Every field's message next to its field (flashed when the field is not on the form)."""
    errors = getattr(exc, "errors", None) or {exc.field: [exc.message]}
    for name, messages in errors.items():
        for message in messages:
            show_error(form, SimpleNamespace(message=message, field=name))


@bp.post("/followups/<int:meeting_id>")
@enterprise_required
def update(meeting_id: int):
    return _update(meeting_id)


@bp.post("/events/<int:event_id>/followup/<int:meeting_id>")
@organiser_required
def correct(event_id: int, meeting_id: int):
    event = _event_for_followup(event_id)
    return _update(meeting_id, event)


def _update(meeting_id: int, event=None):
    """Update one meeting's follow-up from its form; on a refusal the page again, with what was typed."""
    session = get_session()
    meeting = or_404(event_followup.meeting_for_followup, session, meeting_id, current_user)
    if event is not None and meeting.event_id != event.id:
        abort(404)
    default = url_for("followup.event", event_id=event.id) if event is not None else url_for("followup.mine")
    form = FollowupForm()
    if form.validate_on_submit():
        may_link = event_followup.may_link_demand(current_user, meeting)

        def change(session):
            target = event_followup.meeting_for_followup(session, meeting_id, current_user)
            event_followup.update_followup(
                session, current_user, target, form.stage.data, contract_amount=form.contract_amount.data,
                contract_date=form.contract_date.data, contract_type=form.contract_type.data,
                reason=form.reason.data,
                demand_id=form.demand_id.data if may_link else event_followup.UNCHANGED)
        try:
            transactions.run(change)
        except NotFound:
            abort(404)
        except ServiceError as exc:
            _show_errors(form, exc)
        else:
            flash(tr("跟进情况已更新。", "Follow-up updated."), "success")
            return redirect(local_next(default) + f"#meeting-{meeting_id}")
    else:
        # Field errors are shown next to the fields; a stale form (CSRF) has no field of its own.
        for message in form.errors.get("csrf_token", ()):
            flash(str(message), "error")
    if event is not None:
        return _event_page(event, form, meeting_id, 400)
    return _mine_page(form, meeting_id, 400)
