"""Pieces the posting blueprints share: the chain graph, form choices, saving, uploads, labels."""
from __future__ import annotations

import datetime as dt

from flask import current_app, g, request
from flask_login import current_user

from .. import presentation
from ..db import get_session
from ..i18n import tr
from ..services import chains
from ..services.attachments import Upload, UploadSettings
from ..services.posting_fields import node_label
from .forms.choices import (
    as_select,
    chain_choices,
    chain_node_choices,
    choice_groups,
    region_choices,
)
from .service_calls import attempt

__all__ = [
    "arg",
    "arg_date",
    "current_graph",
    "fill_chain_choices",
    "is_admin",
    "save_posting",
    "template_helpers",
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


def save_posting(form, posting, create, update, saved_message: str):
    """Create (``posting`` is None) or update a demand, capability or resource from its form.

    ``create(session, enterprise, user_id, G, data)`` and ``update(session, posting,
    user_id, G, data)`` are the service's pair. Returns the saved posting, or None
    when the service refused (the reason is then on the form).
    """
    def save(session):
        data = form.data_for_service()
        if posting is None:
            return create(session, current_user.enterprise, current_user.id, current_graph(), data)
        return update(session, posting, current_user.id, current_graph(), data)
    _ok, saved = attempt(save, form=form, success=saved_message)
    return saved


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


def template_helpers() -> dict:
    """Labels for chain nodes, statuses and kinds, for every posting template."""
    from ..services import applications, demands, resources

    # Status labels of the fairs' pages are registered by event_helpers.
    return {
        "node_label": lambda node: node_label(current_graph(), node),
        "demand_status_label": presentation.demand_status_label,
        "demand_kind_label": demands.kind_label,
        "application_status_label": presentation.application_status_label,
        "application_action_label": applications.action_label,
        "resource_kind_label": resources.kind_label,
        "resource_request_status_label": presentation.resource_request_status_label,
        "verification_label": presentation.verification_label,
        "weak_link_status_label": presentation.weak_link_status_label,
        "chain_filter_choices": lambda: chain_choices(current_graph()),
        "region_filter_choices": region_choices,
        "money": _money,
        "choice_groups": choice_groups,
    }


def _money(value) -> str:
    """An amount the way each language reads it: 9000 万元 / CNY 90,000,000."""
    if value is None:
        return "—"
    value = float(value)
    if value >= 1e8:
        zh = f"{value / 1e8:,.4g} 亿元"
    elif value >= 1e4:
        zh = f"{value / 1e4:,.6g} 万元"
    else:
        zh = f"{value:,.2f}".rstrip("0").rstrip(".") + " 元"
    return tr(zh, f"CNY {value:,.0f}")
