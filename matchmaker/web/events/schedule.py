"""Organisers build, lock, publish and export a fair's meeting schedule, and read it by participant and by table."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ...db import get_session
from ...i18n import tr
from ...jobs import Jobs
from ...services.errors import NotFound
from ...services.events import agendas as event_agendas
from ...services.events import exports as event_exports
from ...services.events import jobs as event_jobs
from ...services.events import schedule as event_schedule
from ..access import organiser_required
from ..forms.events import ScheduleForm
from ..forms.feedback import flash_form_errors
from ..service_calls import attempt, or_404
from .helpers import agenda_links, id_arg, managed_event

#: Longest participant search on the agendas page.
SEARCH_MAX = 100

bp = Blueprint("event_schedule", __name__, url_prefix="/events")


@bp.get("/<int:event_id>/schedule")
@organiser_required
def show(event_id: int):
    event = managed_event(event_id)
    return _page(event, ScheduleForm(time_limit=current_app.config.get("SCHEDULE_TIME_LIMIT", 10)))


def _page(event, form, status: int = 200):
    overview = event_schedule.schedule_overview(get_session(), event)
    return render_template("events/schedule.html", event=event, form=form, **overview), status


@bp.post("/<int:event_id>/schedule/build")
@organiser_required
def build(event_id: int):
    event = managed_event(event_id)
    form = ScheduleForm()
    back = redirect(url_for("event_schedule.show", event_id=event.id))
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _page(event, form, 400)
    limit = form.time_limit.data or current_app.config.get("SCHEDULE_TIME_LIMIT", 10)
    jobs = Jobs.from_config(current_app.config)

    def build_schedule(session):
        stats = event_jobs.build_schedule(session, current_user, event, form.allow_moves.data, limit, jobs,
                                          agenda_links=agenda_links(get_session(), event))
        if stats["state"] == "queued":
            return tr("排程已在后台开始，完成后本页会显示结果。", "The schedule is being built; this page shows it when done.")
        return tr("日程已生成：{m} 场会谈，变动 {c} 处。", "Schedule built: {m} meetings, {c} changes.",
                  m=stats["meetings"], c=len(stats["changes"]))
    ok, message = attempt(build_schedule)
    if ok:
        flash(message, "success")
    return back


@bp.post("/<int:event_id>/schedule/publish")
@organiser_required
def publish(event_id: int):
    event = managed_event(event_id)
    final = request.form.get("final") == "1"
    links = agenda_links(get_session(), event)
    attempt(lambda session: event_schedule.publish(session, current_user, event, final=final, agenda_links=links),
            success=tr("日程已定稿并通知全部参会企业。", "Agenda final; every participant was told.") if final
            else tr("暂定日程已发布并通知全部参会企业。", "Provisional agenda published; every participant was told."))
    return redirect(url_for("event_schedule.show", event_id=event.id))


@bp.post("/<int:event_id>/meetings/<int:meeting_id>/lock")
@organiser_required
def lock(event_id: int, meeting_id: int):
    event = managed_event(event_id)

    def lock_meeting(session):
        meeting = event_schedule.meeting_of(session, event, meeting_id, current_user)
        event_schedule.lock_meeting(session, current_user, meeting, request.form.get("locked") == "1")
    attempt(lock_meeting, abort_on={NotFound: 404})
    return redirect(url_for("event_schedule.show", event_id=event.id) + "#meetings")


@bp.get("/<int:event_id>/export.xlsx")
@organiser_required
def export_xlsx(event_id: int):
    event = managed_event(event_id)
    body = event_exports.schedule_workbook(get_session(), event)
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=event-{event.id}-schedule.xlsx"})


@bp.get("/<int:event_id>/signin")
@organiser_required
def signin(event_id: int):
    event = managed_event(event_id)
    return render_template("events/signin.html", event=event, rows=event_exports.signin_sheet(get_session(), event))


@bp.get("/<int:event_id>/agendas")
@organiser_required
def agendas(event_id: int):
    """Every participant's agenda: pick one (``?participant=``) from the list, narrowed by ``?q=``."""
    event = managed_event(event_id)
    session = get_session()
    query = (request.args.get("q") or "").strip()[:SEARCH_MAX]
    people = event_agendas.agenda_people(session, current_user, event, query)
    participant, items = None, []
    chosen = id_arg("participant")
    if chosen is not None:
        participant, items = or_404(event_agendas.participant_agenda, session, current_user, event, chosen)
    return render_template("events/agendas.html", event=event, people=people, query=query,
                           participant=participant, items=items, built=bool(event.schedule_version))


@bp.get("/<int:event_id>/agendas/tables")
@organiser_required
def table_agendas(event_id: int):
    """Each table's meetings over the slots."""
    event = managed_event(event_id)
    days = event_agendas.table_days(get_session(), current_user, event)
    return render_template("events/table_agendas.html", event=event, days=days, built=bool(event.schedule_version))
