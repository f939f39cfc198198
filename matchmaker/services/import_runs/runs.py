"""Who sees which runs, and starting them: the preview of an upload, and the import that confirms it."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from ...i18n import tr
from ...models import Event, ImportRun
from ...models._types import utcnow
from .. import imports
from ..errors import NotAllowed, NotFound, ServiceError
from ..events import can_manage, list_events, manageable
from .jobs import STOPPED
from .status import confirmation_of, stopped
from .storage import EXPIRED, ImportSettings, keep_upload

__all__ = ["confirm_preview", "create_preview", "importable_events", "link_value", "run_for", "runs_of"]


def _organiser(user) -> None:
    if user is None or not getattr(user, "is_organiser", False):
        raise NotAllowed(tr("只有组织方和管理员可以批量导入。", "Only organisers and admins can import in bulk."))


def runs_of(user):
    """A select of the runs the user may see, newest first: their own (admins: all).

    A run's full result (one entry per row of its file) is not loaded: lists show
    the counts (:func:`~.status.summary_of`).
    """
    _organiser(user)
    stmt = select(ImportRun).options(defer(ImportRun.result))
    if not user.is_admin:
        stmt = stmt.where(ImportRun.user_id == user.id)
    return stmt.order_by(ImportRun.created_at.desc(), ImportRun.id.desc())


def run_for(session: Session, run_id: int, user) -> ImportRun:
    """The run if the user started it (admins: any run); :class:`NotFound` otherwise."""
    _organiser(user)
    run = session.get(ImportRun, run_id)
    if run is None or not (user.is_admin or run.user_id == user.id):
        raise NotFound(tr("导入记录不存在。", "No such import."))
    return run


def importable_events(session: Session, user) -> list[Event]:
    """The fairs whose participants the user may import (those they manage, not archived)."""
    _organiser(user)
    return [e for e in session.scalars(list_events(user)) if e.status != "archived" and can_manage(user, e)]


def create_preview(session: Session, user, kind: str, filename: str, data: bytes, settings: ImportSettings,
                   event_id: int | None = None) -> ImportRun:
    """Check and keep an uploaded file and add its dry run (state ``queued``); start it with :func:`~.jobs.launch`.

    ``data`` holds at most ``settings.max_bytes + 1`` bytes of the file. Participants
    are imported into a fair the user manages (``event_id``). Refused files leave nothing behind.
    """
    _organiser(user)
    if kind not in imports.IMPORT_KINDS:
        raise ServiceError(tr("请选择要导入的内容。", "Choose what to import."), field="kind")
    if kind == "participants":
        event = session.get(Event, event_id) if event_id else None
        if event is None:
            raise ServiceError(tr("导入参会企业时请选择对接会。", "Choose the fair to import participants into."),
                               field="event")
        manageable(user, event)
    else:
        event_id = None
    name, stored_name = keep_upload(session, filename, data, settings)
    run = ImportRun(user_id=user.id, kind=kind, event_id=event_id, filename=name, stored_name=stored_name,
                    size=len(data), dry_run=True, links=[], state="queued")
    session.add(run)
    session.flush()
    return run


def link_value(row, candidate_id) -> str:
    """The value of the checkbox that confirms a preview's similar name: ``"<row>:<candidate id>"``."""
    return f"{row}:{candidate_id}"


def _chosen_links(preview: ImportRun, values: Iterable) -> list[list[int]]:
    """The ``[row, candidate id]`` pairs among ``values`` that the preview offered."""
    offered = {(s["row"], s["candidate_id"]) for s in (preview.result or {}).get("similar", [])}
    chosen = {}
    for value in values:
        row, _, candidate = str(value).partition(":")
        try:
            pair = (int(row), int(candidate))
        except ValueError:
            continue
        if pair in offered:
            chosen[pair[0]] = pair[1]
    return [[row, candidate] for row, candidate in sorted(chosen.items())]


def confirm_preview(session: Session, user, preview_id: int, links: Iterable,
                    settings: ImportSettings) -> tuple[ImportRun, bool]:
    """Add the import that confirms a finished preview (state ``queued``); start it with :func:`~.jobs.launch`.

    ``links`` are the similar names the organiser confirmed, each as
    :func:`link_value` of the preview's row and the stored enterprise it offered:
    that row goes to that enterprise (if the enterprise has not changed since).
    Returns the import and whether it is new: a preview already confirmed returns
    that import, so a second click imports nothing twice. A confirming import that
    stopped without finishing is recorded as failed, and a new one is added.
    """
    preview = run_for(session, preview_id, user)
    session.execute(select(ImportRun.id).where(ImportRun.id == preview.id).with_for_update())
    if not preview.dry_run:
        raise ServiceError(tr("这次导入已经执行。", "This import has already run."))
    if preview.state == "failed" or stopped(preview):
        raise ServiceError(tr("这次预览没有成功，请修改文件后重新上传。", "This preview failed; fix the file and upload it again."))
    if preview.state != "done":
        raise ServiceError(tr("预览尚未完成，请稍候。", "The preview is not finished yet; please wait."))
    for dead in session.scalars(select(ImportRun).where(ImportRun.preview_id == preview.id,
                                                        ImportRun.state.in_(("queued", "running")))):
        if stopped(dead):
            # Recorded, so that its job can never commit once a new import has started.
            dead.state, dead.error, dead.finished_at = "failed", dict(STOPPED), utcnow()
    existing = confirmation_of(session, preview)
    if existing is not None:
        return existing, False
    if not (settings.folder / preview.stored_name).is_file():
        raise ServiceError(tr(EXPIRED["zh"], EXPIRED["en"]))
    if preview.kind == "participants":
        event = session.get(Event, preview.event_id) if preview.event_id else None
        if event is None:
            raise ServiceError(tr("对接会已不存在。", "The fair no longer exists."))
        manageable(user, event)
    run = ImportRun(user_id=user.id, kind=preview.kind, event_id=preview.event_id, filename=preview.filename,
                    stored_name=preview.stored_name, size=preview.size, dry_run=False, preview_id=preview.id,
                    links=_chosen_links(preview, links), state="queued")
    session.add(run)
    session.flush()
    return run, True
