"""Where the uploads of the import page are kept, and for how long."""
from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from ..attachments import Upload, UploadSettings, check_upload, store_file
from ..errors import ServiceError

__all__ = ["ALLOWED_EXTENSIONS", "DEFAULT_MAX_MB", "EXPIRED", "KEEP_DAYS", "ImportSettings", "keep_upload",
           "progress_file"]

ALLOWED_EXTENSIONS = (".xlsx", ".csv", ".jsonl")
DEFAULT_MAX_MB = 20
#: Uploads are removed once imported, and files of previews never confirmed after this many days.
KEEP_DAYS = 7
#: The message of a run whose upload is no longer kept.
EXPIRED = {"zh": "上传的文件已过期，请重新上传。", "en": "The uploaded file has expired; please upload it again."}
_STORED = re.compile(r"^[0-9a-f]{40}\.(xlsx|csv|jsonl)$")
_PROGRESS = re.compile(r"^progress-\d+\.json$")


@dataclass(frozen=True)
class ImportSettings:
    """Where uploaded files are kept and how large one may be."""

    folder: Path
    max_bytes: int = DEFAULT_MAX_MB * 1024 * 1024

    @classmethod
    def from_config(cls, config: Mapping, instance_path: str | os.PathLike) -> ImportSettings:
        """``imports/`` in the instance folder, and ``MATCHMAKER_IMPORT_MAX_MB`` (default 20) of the configuration."""
        max_mb = float(config.get("MATCHMAKER_IMPORT_MAX_MB", DEFAULT_MAX_MB))
        return cls(folder=Path(instance_path) / "imports", max_bytes=int(max_mb * 1024 * 1024))

    @property
    def max_mb(self) -> str:
        return f"{round(self.max_bytes / (1024 * 1024), 2):g}"


def _prune(folder: Path, now: float) -> None:
    """Remove uploads (and stray progress files) older than :data:`KEEP_DAYS`."""
    limit = now - KEEP_DAYS * 86400
    for entry in os.scandir(folder):
        if (_STORED.match(entry.name) or _PROGRESS.match(entry.name)) and entry.stat().st_mtime < limit:
            Path(entry.path).unlink(missing_ok=True)


def keep_upload(session: Session, filename: str, data: bytes, settings: ImportSettings) -> tuple[str, str]:
    """Check an uploaded file and keep it; returns ``(clean file name, stored name)``.

    ``data`` holds at most ``settings.max_bytes + 1`` bytes of the file. A refused
    file raises :class:`ServiceError` (for the form's ``file`` field) and leaves
    nothing behind; a kept one is removed again if the session rolls back.
    Uploads older than :data:`KEEP_DAYS` are removed on the way.
    """
    try:
        name, ext, _type = check_upload(Upload(filename, data, UploadSettings(
            folder=settings.folder, extensions=ALLOWED_EXTENSIONS, max_bytes=settings.max_bytes)))
    except ServiceError as exc:
        raise ServiceError(exc.message, field="file") from None
    settings.folder.mkdir(parents=True, exist_ok=True)
    _prune(settings.folder, time.time())
    return name, store_file(session, settings.folder, data, suffix=ext)


def progress_file(folder: Path, run_id: int) -> Path:
    """Where a run on SQLite writes its progress (the import's transaction holds the database)."""
    return folder / f"progress-{run_id}.json"
