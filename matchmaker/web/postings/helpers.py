"""Reading a posting request: query arguments, the viewer, the chain graph, form choices, uploads."""
from __future__ import annotations

import datetime as dt

from flask import current_app, g, request
from flask_login import current_user

from ...db import get_session
from ...i18n import tr
from ...services import chains
from ...services.attachments import Upload, UploadSettings
from ..forms.choices import as_select, chain_node_choices, region_choices

__all__ = [
    "arg",
    "arg_date",
    "current_graph",
    "fill_chain_choices",
    "is_admin",
    "uploads_from_request",
    "viewer_enterprise",
    "viewer_enterprise_id",
]


def current_graph():
    """The chain graph for this request (read once per request)."""
    if "chain_graph" not in g:
        g.chain_graph = chains.current_graph(get_session())
    return g.chain_graph


def fill_chain_choices(form, node_field: str = "chain_nodes", region_field: str | None = "region") -> None:
    getattr(form, node_field).choices = chain_node_choices(current_graph())
    if region_field:
        getattr(form, region_field).choices = as_select(region_choices(tr("（请选择）", "(choose)")))


def uploads_from_request(field: str = "attachments") -> list[Upload]:
    """The files of a multipart field, each read up to one byte past the size limit."""
    settings = UploadSettings.from_config(current_app.config)
    uploads = []
    for storage in request.files.getlist(field):
        if storage is None or not storage.filename:
            continue
        uploads.append(Upload(filename=storage.filename, data=storage.stream.read(settings.max_bytes + 1),
                              settings=settings))
    return uploads


def arg(name: str) -> str | None:
    value = (request.args.get(name) or "").strip()
    return value or None


def arg_date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(arg(name) or "")
    except ValueError:
        return None


def viewer_enterprise_id() -> int | None:
    return current_user.enterprise_id if current_user.is_authenticated else None


def viewer_enterprise():
    return current_user.enterprise if current_user.is_authenticated and current_user.enterprise_id else None


def is_admin() -> bool:
    return current_user.is_authenticated and current_user.role == "admin"
