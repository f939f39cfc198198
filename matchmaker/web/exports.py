"""Downloads of enterprises, demands, capabilities and applications for organisers and admins.

Admins export everything; organisers what every signed-in user sees on the site
(enterprises, published demands, active capabilities), and no applications; an
organiser limited to a region exports only the enterprises located in it and
their demands and capabilities.
The files are the exchange formats of ``matchmaker import``.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import tempfile

from flask import Blueprint, abort, render_template, send_file
from flask_login import current_user

from ..db import get_session
from ..i18n import current_language, tr
from ..services import exports as service
from ..services.errors import NotAllowed
from ..services.scope import scope_of
from .access import organiser_required

bp = Blueprint("exports", __name__, url_prefix="/exports")

_MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "jsonl": "application/x-ndjson",
}
_IN_MEMORY = 8 * 1024 * 1024  # bytes; larger exports are sent from their temporary file
_KINDS = ",".join(service.EXPORT_KINDS)
_FORMATS = ",".join(service.EXPORT_FORMATS)


def _scope():
    """What the signed-in organiser or admin may export."""
    return None if current_user.is_admin else service.PUBLIC


@bp.app_context_processor
def _export_kinds():
    def export_kinds():
        """The exports the current user may download (none for others than organisers and admins)."""
        if not (current_user.is_authenticated and current_user.is_organiser):
            return ()
        return service.kinds_in_scope(_scope())
    return {"export_kinds": export_kinds, "export_formats": service.EXPORT_FORMATS}


@bp.get("/")
@organiser_required
def index():
    kinds = [(kind, service.export_title(kind)) for kind in service.kinds_in_scope(_scope())]
    return render_template("exports/index.html", kinds=kinds, everything=_scope() is None,
                           region=scope_of(current_user))


@bp.get(f"/<any({_KINDS}):kind>.<any({_FORMATS}):fmt>")
@organiser_required
def download(kind: str, fmt: str):
    # Spooled to a temporary file: an XLSX cannot be streamed, and a large export
    # should not sit in memory. The file is deleted when the response closes it.
    body = tempfile.TemporaryFile()  # noqa: SIM115 - closed below, or by the response that sends it
    try:
        service.write_export(get_session(), kind, body, fmt, scope=_scope(), region=scope_of(current_user),
                             header="en" if current_language() == "en" else "zh")
    except NotAllowed:
        body.close()
        abort(403)
    except BaseException:
        body.close()
        raise
    size = body.seek(0, os.SEEK_END)
    body.seek(0)
    if size <= _IN_MEMORY:
        # Small files are sent from memory and the temporary file is gone at once.
        with body:
            body = io.BytesIO(body.read())
    name = f"{kind}-{dt.date.today().isoformat()}.{fmt}"
    response = send_file(body, mimetype=_MIMETYPES[fmt], as_attachment=True, download_name=name,
                         max_age=0, etag=False, conditional=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.app_template_global("export_label")
def export_label(fmt: str) -> str:
    """The name of a download format on buttons."""
    return {"xlsx": tr("Excel 表格", "Excel"), "csv": "CSV", "jsonl": "JSON Lines"}[fmt]
