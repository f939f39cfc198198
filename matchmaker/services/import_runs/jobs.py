"""Running an import run: on a worker when the site has a job queue, on a thread of the site otherwise.

The job claims a queued run, records which process runs it (:func:`this_runner`),
writes its progress about every 2 % and, at the end, the import's result or the
reason it failed. Progress goes to the run's row in short transactions of its
own; SQLite has one writer at a time and the import's own transaction holds it
until the end, so on SQLite the figures go to a small file beside the upload
instead (a SQLite site runs on one machine, so every process of it reads the
same file).

A run stops for good when its process is gone or it outlives :data:`JOB_TIMEOUT`
(see :func:`runner_gone`; :mod:`.status` shows such runs as failed). A job past
its time, or whose run was meanwhile recorded as failed, rolls its import back
instead of committing it, so what the page said stays true.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ...models import ImportRun, User
from ...models._types import utcnow
from .. import imports
from ..errors import ServiceError
from .storage import EXPIRED, ImportSettings, progress_file

__all__ = ["JOB_TIMEOUT", "PROGRESS_STEPS", "STOPPED", "launch", "run_import_job", "runner_gone", "this_runner"]

log = logging.getLogger(__name__)

#: Seconds an import may run (a worker stops the job then; a thread rolls its import back).
JOB_TIMEOUT = 3600
#: Progress is written when another 1/PROGRESS_STEPS of the records is done (about every 2 %).
PROGRESS_STEPS = 50
#: The message of a run that stopped without finishing (its process is gone, or it ran out of time).
STOPPED = {"zh": "导入已中断，没有写入任何数据，请重新上传文件。",
           "en": "The import stopped before it finished and wrote nothing; please upload the file again."}

_ACTIVE: set[str] = set()  # the claims (runner markers) of the runs this process is working on
_FINISHED: deque[str] = deque(maxlen=1000)  # and of those it finished lately (a reader may hold a stale row)
_ACTIVE_LOCK = threading.Lock()
_TOKENS: dict[int, str] = {}


def _machine() -> str:
    """This machine, and this process's PID namespace where the system tells it (containers)."""
    try:
        namespace = os.readlink("/proc/self/ns/pid").removeprefix("pid:")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()}{namespace}"[:80]


_MACHINE = _machine()


def this_runner() -> str:
    """``machine:pid:token`` of this process (the token tells a reused process id apart)."""
    pid = os.getpid()
    token = _TOKENS.get(pid)
    if token is None:
        token = _TOKENS.setdefault(pid, secrets.token_hex(4))
    return f"{_MACHINE}:{pid}:{token}"


def runner_gone(runner: str | None) -> bool:
    """Whether the process that claimed a run (``runner``: this_runner() and a claim) is certainly gone.

    Known only on the same machine: this process (it is not working on that claim,
    or it is a later process with the same id), or another one whose process id
    no longer exists. A process elsewhere is never declared gone; the time limit
    stops its runs.
    """
    if not runner:
        return False
    parts = runner.rsplit(":", 3)
    if len(parts) != 4 or parts[0] != _MACHINE or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        if runner.rsplit(":", 1)[0] != this_runner():
            return True
        with _ACTIVE_LOCK:
            return runner not in _ACTIVE and runner not in _FINISHED
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists but belongs to another user
        return False
    return False


def launch(run_id: int, jobs, settings: ImportSettings, sessions: Callable) -> threading.Thread | None:
    """Start a committed run: queued for a worker when ``jobs`` has a queue, on a thread of this process otherwise.

    ``jobs`` is the site's :class:`matchmaker.jobs.Jobs`; ``sessions()`` opens a
    session that commits on success (used by the thread). Returns the thread, or
    None when the run was queued. A queue that cannot be reached fails the run with a message.
    """
    folder = str(settings.folder)
    if jobs.in_process:
        thread = threading.Thread(target=_run_on_thread, args=(sessions, run_id, folder),
                                  name=f"import-run-{run_id}", daemon=True)
        thread.start()
        return thread
    try:
        jobs.enqueue(run_import_job, run_id, folder, timeout=JOB_TIMEOUT)
    except Exception:  # whatever the queue's client raises, the run must not wait forever
        log.exception("could not queue import run %s", run_id)
        _finish_failed(sessions, run_id, {
            "zh": "后台任务队列暂时不可用，请稍后重新上传。",
            "en": "The background job queue is unavailable; please upload the file again later."})
    return None


def _run_on_thread(sessions, run_id: int, folder: str) -> None:
    try:
        run_import_job(sessions, run_id, folder)
    except Exception:  # a thread has no caller to raise to
        log.exception("import run %s could not record its outcome", run_id)


class _Progress:
    """The ``progress(done, total)`` callback of one run: writes about every 2 %."""

    def __init__(self, sessions, run_id: int, file: Path | None):
        self.sessions = sessions
        self.run_id = run_id
        self.file = file
        self.step = -1

    def __call__(self, done: int, total: int) -> None:
        if total <= 0:
            return
        step = done * PROGRESS_STEPS // total
        if step == self.step:
            return
        self.step = step
        try:
            if self.file is not None:
                part = self.file.with_name(self.file.name + ".part")
                part.write_text(json.dumps({"done": done, "total": total}), encoding="utf-8")
                os.replace(part, self.file)
            else:
                with self.sessions() as session:
                    session.execute(update(ImportRun).where(ImportRun.id == self.run_id)
                                    .values(done=done, total=total))
        except (OSError, SQLAlchemyError):
            # Progress is a courtesy to the page; the import itself goes on.
            log.warning("could not record the progress of import run %s", self.run_id, exc_info=True)

    def clear(self) -> None:
        if self.file is not None:
            self.file.unlink(missing_ok=True)


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


class _Stopped(Exception):
    """The run ran out of time, or was recorded as stopped while it ran: its import is rolled back."""


def _failure(exc: Exception) -> dict:
    """A failed run's message in both languages."""
    if isinstance(exc, imports.ImportRefused):
        return {"zh": exc.zh, "en": exc.en}
    if isinstance(exc, _Stopped):
        return dict(STOPPED)
    if isinstance(exc, ServiceError):
        return {"zh": exc.message, "en": exc.message}
    return {"zh": "导入时出错，未写入任何数据。请检查文件后重试；问题持续时请联系管理员。",
            "en": "The import failed and wrote nothing. Check the file and try again; "
                  "if it keeps failing, tell an administrator."}


def _finish_failed(sessions, run_id: int, error: dict, runner: str | None = None) -> None:
    """Record the run as failed (only while it is still this ``runner``'s, when one is given)."""
    with sessions() as session:
        run = session.get(ImportRun, run_id)
        if run is not None and (runner is None or (run.state == "running" and run.runner == runner)):
            run.state, run.error, run.finished_at = "failed", error, utcnow()


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _claim(sessions, run_id: int, runner: str):
    """Mark a queued run as running by this process; None when it is not queued any more."""
    with sessions() as session:
        run = session.get(ImportRun, run_id)
        if run is None or run.state != "queued":
            return None
        if utcnow() - _aware(run.created_at) > dt.timedelta(seconds=JOB_TIMEOUT):
            run.state, run.error, run.finished_at = "failed", dict(STOPPED), utcnow()
            return None  # waited longer than a run may take: the page already shows it as stopped
        claimed = session.execute(update(ImportRun).where(ImportRun.id == run_id, ImportRun.state == "queued")
                                  .values(state="running", started_at=utcnow(), runner=runner)).rowcount
        if not claimed:
            return None
        return (run.kind, run.dry_run, run.event_id, [tuple(pair) for pair in run.links or []], run.user_id,
                run.stored_name, run.filename, _is_sqlite(session))


def run_import_job(sessions, run_id: int, folder: str) -> dict:
    """Run one import (dry or real) and record its outcome on the run; returns ``{"state": ...}``.

    ``sessions()`` opens a session that commits on success (given by the worker,
    or by the site for a run on a thread); ``folder`` is where the upload is kept.
    A run that is no longer queued is left alone (a job delivered twice).
    """
    runner = f"{this_runner()}:{secrets.token_hex(4)}"  # this claim of the run, by this process
    with _ACTIVE_LOCK:
        _ACTIVE.add(runner)
    try:
        return _run(sessions, run_id, Path(folder), runner)
    finally:
        with _ACTIVE_LOCK:
            _ACTIVE.discard(runner)
            _FINISHED.append(runner)


def _run(sessions, run_id: int, folder: Path, runner: str) -> dict:
    started = time.monotonic()
    claimed = _claim(sessions, run_id, runner)
    if claimed is None:
        with sessions() as session:
            state = session.scalar(select(ImportRun.state).where(ImportRun.id == run_id))
        return {"state": state or "missing"}
    kind, dry_run, event_id, links, user_id, stored_name, filename, sqlite = claimed
    upload = folder / stored_name
    if not upload.is_file():
        _finish_failed(sessions, run_id, dict(EXPIRED), runner)
        return {"state": "failed", "error": dict(EXPIRED)}
    progress = _Progress(sessions, run_id, progress_file(folder, run_id) if sqlite else None)
    try:
        with sessions() as session:
            actor = session.get(User, user_id) if user_id else None
            result = imports.run_import(session, kind, upload, dry_run=dry_run, event_id=event_id,
                                        link_similar=False if dry_run else {row: cid for row, cid in links},
                                        actor=actor, progress=progress, filename=filename)
            run = session.get(ImportRun, run_id, with_for_update=True, populate_existing=True)
            if (run is None or run.state != "running" or run.runner != runner
                    or time.monotonic() - started > JOB_TIMEOUT):
                raise _Stopped()
            run.result, run.counts = result.to_dict(), dict(result.counts)
            run.state, run.finished_at = "done", utcnow()
            run.done = run.total = result.total
    except Exception as exc:  # every failure is recorded on the run for the page
        if not isinstance(exc, (imports.ImportRefused, ServiceError, _Stopped)):
            log.exception("import run %s failed", run_id)
        error = _failure(exc)
        _finish_failed(sessions, run_id, error, runner)
        return {"state": "failed", "error": error}
    finally:
        progress.clear()
    if not dry_run:
        upload.unlink(missing_ok=True)
    return {"state": "done"}
