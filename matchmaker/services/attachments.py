"""Application attachments: checked, stored outside the web root, served only to their owners.

The site's rules come in an :class:`UploadSettings` (built by the caller from
``UPLOAD_FOLDER``, ``UPLOAD_EXTENSIONS`` and ``UPLOAD_MAX_BYTES``). A file is
accepted when its extension is allowed, it is not larger than the size limit,
and its first bytes are those of the type its extension claims (PDF, PNG, JPEG,
ZIP, and the ZIP-based Office formats, which must also hold their main part).
The file is written under a random name in the upload folder with its SHA-256;
the name the user gave is kept only for the download. Files written in a
transaction that rolls back are removed (:func:`store_file`, which the bulk
import's uploads use too).
"""
from __future__ import annotations

import hashlib
import io
import os
import secrets
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..i18n import tr
from ..models import Application, Attachment
from .errors import NotFound, ServiceError

__all__ = [
    "MAX_FILES_PER_APPLICATION",
    "Upload",
    "UploadSettings",
    "attachment_path",
    "check_upload",
    "downloadable_attachment",
    "remove_attachment",
    "store_file",
    "store_upload",
]

MAX_FILES_PER_APPLICATION = 10
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_OFFICE_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml", ".pptx": "ppt/presentation.xml"}
_CONTENT_TYPES = {
    ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".zip": "application/zip",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True)
class UploadSettings:
    """Where attachments are kept and which files the site accepts."""

    folder: Path
    extensions: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def from_config(cls, config: Mapping) -> UploadSettings:
        """The ``UPLOAD_FOLDER``, ``UPLOAD_EXTENSIONS`` and ``UPLOAD_MAX_BYTES`` of a site configuration."""
        return cls(folder=Path(config["UPLOAD_FOLDER"]),
                   extensions=tuple(e.lower() for e in config.get("UPLOAD_EXTENSIONS", ())),
                   max_bytes=int(config.get("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)))


@dataclass
class Upload:
    """A file as received: the name the user gave, its bytes (read at most
    ``settings.max_bytes + 1``) and the rules it is checked and stored by."""

    filename: str
    data: bytes
    settings: UploadSettings


def _clean_filename(name: str) -> str:
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[:200 - len(ext)] + ext
    return name


def _content_matches(ext: str, data: bytes) -> bool:
    if ext == ".pdf":
        return data.startswith(b"%PDF-")
    if ext == ".png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in (".jpg", ".jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if ext == ".zip":
        return data.startswith(_ZIP_MAGIC)
    if ext in _OFFICE_PART:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return False
        return "[Content_Types].xml" in names and _OFFICE_PART[ext] in names
    return True  # an extension the site allows but whose signature is not known here


def check_upload(upload: Upload) -> tuple[str, str, str]:
    """``(clean filename, extension, content type)`` of an acceptable upload; refuses it otherwise."""
    name = _clean_filename(upload.filename)
    ext = os.path.splitext(name)[1].lower()
    allowed = upload.settings.extensions
    limit = upload.settings.max_bytes
    shown = name or tr("（无名文件）", "(unnamed file)")
    if not name or ext not in allowed:
        raise ServiceError(tr("文件“{f}”的类型不允许；允许的类型：{a}。", "“{f}” is not an allowed type; allowed: {a}.",
                              f=shown, a=" ".join(allowed)), field="attachments")
    if len(upload.data) > limit:
        raise ServiceError(tr("文件“{f}”超过 {mb} MB 的上限。", "“{f}” is larger than the {mb} MB limit.",
                              f=shown, mb=_mb(limit)), field="attachments")
    if not upload.data:
        raise ServiceError(tr("文件“{f}”是空的。", "“{f}” is empty.", f=shown), field="attachments")
    if not _content_matches(ext, upload.data):
        raise ServiceError(tr("文件“{f}”的内容与扩展名 {e} 不符，可能已损坏或被改名。",
                              "The content of “{f}” is not a {e} file; it may be damaged or renamed.",
                              f=shown, e=ext), field="attachments")
    return name, ext, _CONTENT_TYPES.get(ext, "application/octet-stream")


def _mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g}"


def _folder(settings: UploadSettings) -> Path:
    settings.folder.mkdir(parents=True, exist_ok=True)
    return settings.folder


def attachment_path(attachment: Attachment, settings: UploadSettings) -> Path:
    """Where the attachment's file is kept."""
    return _folder(settings) / attachment.stored_name


def store_file(session: Session, folder: Path, data: bytes, suffix: str = "") -> str:
    """Write ``data`` under a new random name (plus ``suffix``) in ``folder``; returns the name.

    The file is created exclusively (never over another) and readable by the
    site's user and group only. It is removed again if the session's transaction
    rolls back, so a refused or failed request leaves no file behind.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(20) + suffix
    path = folder / stored_name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    _remove_on_rollback(session, path)
    return stored_name


def _remove_on_rollback(session: Session, path: Path) -> None:
    """Remove ``path`` if the session's transaction rolls back (forgotten once it commits)."""
    written = session.info.setdefault("stored_files_written", [])
    if not written:
        def _forget(sess):
            sess.info.pop("stored_files_written", None)

        def _remove(sess):
            for p in sess.info.pop("stored_files_written", []):
                Path(p).unlink(missing_ok=True)
        event.listen(session, "after_commit", _forget, once=True)
        event.listen(session, "after_rollback", _remove, once=True)
    written.append(str(path))


def store_upload(session: Session, application: Application, upload: Upload) -> Attachment:
    """Check and store one file for ``application``; refused files leave nothing behind."""
    if len(application.attachments) >= MAX_FILES_PER_APPLICATION:
        raise ServiceError(tr("每份申请最多 {n} 个附件。", "At most {n} attachments per application.",
                              n=MAX_FILES_PER_APPLICATION), field="attachments")
    name, _ext, content_type = check_upload(upload)
    stored_name = store_file(session, upload.settings.folder, upload.data)
    attachment = Attachment(filename=name, stored_name=stored_name, content_type=content_type,
                            size=len(upload.data), sha256=hashlib.sha256(upload.data).hexdigest())
    application.attachments.append(attachment)
    session.flush()
    return attachment


def downloadable_attachment(session: Session, attachment_id: int, enterprise_id: int | None,
                            settings: UploadSettings) -> Attachment:
    """The attachment if ``enterprise_id`` is the applicant or the demand's owner; else :class:`NotFound`."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or enterprise_id is None:
        raise NotFound()
    application = attachment.application
    if enterprise_id not in (application.enterprise_id, application.demand.enterprise_id):
        raise NotFound()
    if not attachment_path(attachment, settings).is_file():
        raise NotFound()
    return attachment


def remove_attachment(session: Session, attachment: Attachment, enterprise_id: int | None,
                      settings: UploadSettings) -> None:
    """The applicant removes a file from an application still under review."""
    application = attachment.application
    if application.enterprise_id != enterprise_id:
        raise NotFound()
    if application.status not in ("submitted", "shortlisted"):
        raise ServiceError(tr("申请已处理，附件不能再修改。", "The application is decided; its files can no longer change."))
    path = attachment_path(attachment, settings)
    session.delete(attachment)
    session.flush()
    # Removed only once the deletion is committed, so a rollback keeps file and row together.
    event.listen(session, "after_commit", lambda _s: path.unlink(missing_ok=True), once=True)
