"""Reading a run: its state and progress for the page, its result, summary and report.

Nothing here writes. A run still queued or running that can never finish (its
process is gone, or it outlived its time) reads as failed with
:data:`~.jobs.STOPPED`, whatever its row still says.
"""
from __future__ import annotations

import datetime as dt
import io
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...i18n import tr
from ...models import ImportRun
from ...models._types import utcnow
from .. import imports
from ..errors import NotFound
from .jobs import JOB_TIMEOUT, STOPPED, runner_gone
from .storage import ImportSettings, progress_file

__all__ = ["STOP_GRACE", "confirmation_of", "error_of", "report_workbook", "result_of", "state_of", "status_of",
           "stopped", "summary_of"]

#: Seconds beyond :data:`~.jobs.JOB_TIMEOUT` before a queued or running run counts as stopped
#: (room for the last commit and for clocks that differ a little between machines).
STOP_GRACE = 120


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def stopped(run: ImportRun, now: dt.datetime | None = None) -> bool:
    """Whether a queued or running run will never finish: its process is gone, or it
    has been queued or running for longer than the job timeout."""
    if run.state not in ("queued", "running"):
        return False
    since = run.started_at if run.state == "running" and run.started_at else run.created_at
    if since is not None and (now or utcnow()) - _aware(since) > dt.timedelta(seconds=JOB_TIMEOUT + STOP_GRACE):
        return True
    return run.state == "running" and runner_gone(run.runner)


def state_of(run: ImportRun) -> str:
    """The run's state as the page shows it: a stopped run is ``failed``."""
    return "failed" if stopped(run) else run.state


def error_of(run: ImportRun) -> dict | None:
    """A failed (or stopped) run's message in both languages."""
    return dict(STOPPED) if stopped(run) else run.error


def confirmation_of(session: Session, preview: ImportRun) -> ImportRun | None:
    """The import that confirmed ``preview``: the latest that has neither failed nor stopped, if any."""
    for run in session.scalars(select(ImportRun).where(ImportRun.preview_id == preview.id,
                                                       ImportRun.state != "failed")
                               .order_by(ImportRun.id.desc())):
        if not stopped(run):
            return run
    return None


def status_of(session: Session, run: ImportRun, settings: ImportSettings) -> dict:
    """``state``, ``done``, ``total`` and ``percent`` of a run, for the page's progress bar (reads only)."""
    state = state_of(run)
    done, total = run.done or 0, run.total or 0
    if state == "running" and session.get_bind().dialect.name == "sqlite":
        try:
            figures = json.loads(progress_file(settings.folder, run.id).read_text(encoding="utf-8"))
            done, total = int(figures["done"]), int(figures["total"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    if state == "done":
        done = total = max(total, done)
    percent = 100 if state == "done" else (min(99, done * 100 // total) if total else 0)
    return {"id": run.id, "state": state, "dry_run": run.dry_run, "done": done, "total": total, "percent": percent}


def result_of(run: ImportRun):
    """The run's :class:`~matchmaker.services.imports.ImportResult`; :class:`NotFound` before it finished."""
    if run.state != "done" or not run.result:
        raise NotFound(tr("导入尚未完成。", "The import has not finished."))
    return imports.ImportResult.from_dict(run.result)


def summary_of(run: ImportRun, lang: str = "zh") -> str | None:
    """The one-line summary of a finished run (None before it finished), from its counts alone."""
    if run.state != "done" or run.counts is None:
        return None
    return imports.ImportResult(kind=run.kind, dry_run=run.dry_run, threshold=0.0,
                                counts=dict(run.counts)).summary(lang)


def report_workbook(run: ImportRun, lang: str = "zh") -> bytes:
    """The row-level report of a finished run as an XLSX workbook."""
    target = io.BytesIO()
    imports.write_report(result_of(run), target, lang=lang)
    return target.getvalue()
