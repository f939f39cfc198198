"""Bulk imports started from the site: the uploaded file, the run's progress and its result."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ._types import choice, created_at

IMPORT_RUN_STATES = ("queued", "running", "done", "failed")


class ImportRun(Base):
    """One pass over an uploaded file: a dry run (the preview) or the import that confirms one.

    The file is kept under a random name in the instance folder; the confirming run
    names its preview in ``preview_id`` and reads the same stored file. ``done`` and
    ``total`` count the records handled so far; ``result`` is the import's
    :meth:`~matchmaker.services.imports.ImportResult.to_dict` (large: one entry per row)
    and ``counts`` its counts alone, for lists of runs; ``error`` holds a failed run's
    message in both languages (``{"zh": ..., "en": ...}``). ``runner`` names the
    process running it (machine and process id), so that a run whose process is gone
    is known to have stopped.
    """

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=True)
    preview_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id", ondelete="SET NULL"), index=True)
    #: The similar-name matches of the preview the organiser confirmed: ``[[row, candidate id], ...]``.
    links: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(choice(*IMPORT_RUN_STATES, name="import_run_state"), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict | None] = mapped_column(JSON)
    counts: Mapped[dict | None] = mapped_column(JSON)
    runner: Mapped[str | None] = mapped_column(String(120))
    error: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = created_at()
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
