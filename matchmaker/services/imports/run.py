"""Running an import: read the file, apply its rows a chunk at a time, report."""
from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from sqlalchemy.orm import Session

from ...io.errors import RecordFileError
from ...io.records import read_records
from ...models import Event
from .. import audit
from ..events.core import can_manage
from .context import Context
from .enterprises import EnterpriseImport
from .lookup import SIMILAR_THRESHOLD, EnterpriseIndex
from .participants import ParticipantImport
from .postings import PostingImport
from .reasons import reader_problem
from .result import ImportResult

__all__ = ["CHUNK", "IMPORT_KINDS", "ImportRefused", "run_import"]

IMPORT_KINDS = ("enterprises", "demands", "capabilities", "participants")
_RECORD_KIND = {"enterprises": "enterprise", "demands": "demand", "capabilities": "capability",
                "participants": "participant"}
#: Rows applied together: one lookup query and one INSERT/UPDATE batch per chunk.
CHUNK = 2000


class ImportRefused(Exception):
    """The import as a whole cannot run (unreadable file, unknown event, not allowed)."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en

    def message(self, lang: str = "zh") -> str:
        return self.en if (lang or "").lower().startswith("en") else self.zh


def _event(session: Session, event_id, actor) -> Event:
    if event_id is None:
        raise ImportRefused("导入参会企业须指定对接会（--event 编号）",
                            "importing participants needs the fair: give --event ID")
    event = session.get(Event, event_id)
    if event is None:
        raise ImportRefused(f"没有编号为 {event_id} 的对接会", f"no fair with id {event_id}")
    if actor is not None and not can_manage(actor, event):
        raise ImportRefused("只有本场对接会的组织方可以导入参会企业",
                            "only the organisers of this fair may import its participants")
    if event.status in ("final", "archived"):
        raise ImportRefused("对接会日程已定稿，不再接受报名", "the agenda of this fair is final; registration is over")
    return event


def run_import(session: Session, kind: str, path, *, dry_run: bool = False, event_id: int | None = None,
               link_similar: bool | Collection | Mapping = False, actor=None,
               progress: Callable[[int, int], None] | None = None, filename: str | None = None) -> ImportResult:
    """Import the records of ``path`` (.xlsx, .csv or .jsonl) as ``kind``.

    Parameters
    ----------
    session : Session
        The caller commits (``session_scope``); a dry run keeps nothing (participants
        are registered inside a savepoint that is rolled back).
    kind : {'enterprises', 'demands', 'capabilities', 'participants'}
    dry_run : bool
        Work out every row's outcome without writing anything.
    event_id : int, optional
        The fair participants are registered for (needed for ``participants``).
    link_similar : bool, collection of int, or mapping of int to int
        True: a row whose enterprise is only similar by name (see
        :data:`~.lookup.SIMILAR_THRESHOLD`) goes to that enterprise; a collection:
        only the rows (numbers as in the file) listed; a mapping ``{row:
        candidate id}``: a row goes to its candidate only while that is still the
        candidate found (as confirmed on a preview); False: such rows are held for
        review. A name about as similar to several enterprises is never linked.
    actor : User, optional
        Who imports (None: the command line, acting as the system). Participants
        may be imported only by the fair's organisers and admins; organisers
        change no enterprise that has member accounts or is verified, nor its
        postings (on the site only its members and admins edit it).
    progress : callable(done, total), optional
        Called as rows are applied.
    filename : str, optional
        The name the user gave the file (an upload is stored under another one),
        for messages and the audit trail; default: the name of ``path``.

    Raises
    ------
    ImportRefused
        When the file cannot be read at all, or the import is not allowed.
    """
    if kind not in IMPORT_KINDS:
        raise ImportRefused(f"无法导入“{kind}”：可导入 {'、'.join(IMPORT_KINDS)}",
                            f"cannot import {kind!r}: use one of {', '.join(IMPORT_KINDS)}")
    event = _event(session, event_id, actor) if kind == "participants" else None
    name = filename or Path(str(path)).name
    try:
        read = read_records(path, _RECORD_KIND[kind])
    except RecordFileError as exc:
        raise ImportRefused(f"无法读取文件 {name}：{exc.reason}", f"cannot read {name}: {exc.reason}") from exc
    result = ImportResult(kind=kind, dry_run=dry_run, threshold=SIMILAR_THRESHOLD)
    bad_rows: dict = {}
    for error in read.errors:
        bad_rows.setdefault(error.line, []).append(error)
    for line, errors in bad_rows.items():
        for error in errors:
            column, value, zh, en = reader_problem(error)
            result.problem(line, column, value, zh, en)
        result.outcome(line, "rejected")
    for warning in read.warnings:
        if warning.line is None:
            _, _, zh, en = reader_problem(warning)
            result.file_warnings.append((zh, en))
    result.total = len(read.records) + len(bad_rows)
    ctx = Context(session, result, EnterpriseIndex(session), dry_run=dry_run, actor=actor,
                  link_similar=link_similar)
    if kind == "enterprises":
        applier = EnterpriseImport(ctx)
    elif kind == "participants":
        applier = ParticipantImport(ctx, event)
    else:
        applier = PostingImport(ctx, kind)
    rows = list(zip(read.rows, read.records))
    done = len(bad_rows)
    if progress:
        progress(done, result.total)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        applier.process(chunk)
        done += len(chunk)
        if progress:
            progress(done, result.total)
    applier.finish()
    ctx.write_audit()
    result.rows.sort(key=lambda r: (r.row is None, r.row or 0))
    result.problems.sort(key=lambda p: (p.row is None, p.row or 0))
    if not dry_run and (result.counts["created"] or result.counts["updated"]):
        audit.record(session, ctx.actor_id, f"import.{kind}", object_type="import",
                     file=name, event=event.id if event else None,
                     **{action: n for action, n in result.counts.items() if n})
    return result
