"""API: the published demands as Open Contracting Data Standard 1.1 releases (public, paged)."""
from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, current_app, jsonify, request

from .. import external_urls
from ..db import get_session
from ..extensions import limiter
from ..services import ocds
from .params import bad_parameter, page_args

bp = Blueprint("api_ocds", __name__)

#: Requests one address may make for the releases (open to anyone, and heavier than most pages).
DEFAULT_RATE_LIMIT = "60 per minute"

#: A date, or a date and time with its UTC offset (RFC 3339); the OpenAPI document publishes it.
SINCE_PATTERN = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
                 r"(?:T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2}))?$")
_SINCE = re.compile(SINCE_PATTERN.removeprefix("^").removesuffix("$"), re.ASCII)


def since_arg() -> dt.date | dt.datetime | None:
    value = request.args.get("since")
    if value is None:
        return None
    try:
        if not _SINCE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
    except ValueError:
        bad_parameter("since", "The query parameter 'since' must be a date (YYYY-MM-DD) or a date and time "
                               "with its offset (e.g. 2026-01-31T08:00:00+08:00).")


def site_address() -> str:
    """The site's configured address (``MATCHMAKER_BASE_URL``, or ``SERVER_NAME``), else the one this
    request came to (Flask refuses hosts outside ``TRUSTED_HOSTS`` when that is set)."""
    configured = external_urls.site_address(current_app.config)
    if configured is None:
        return request.url_root
    scheme, host, root = configured
    return f"{scheme}://{host}{root.rstrip('/')}/"


def _rate_limit() -> str:
    return current_app.config.get("OCDS_RATE_LIMIT", DEFAULT_RATE_LIMIT)


@bp.get("/ocds/releases")
@limiter.limit(_rate_limit)
def releases():
    page, per_page = page_args()
    package = ocds.release_package(get_session(), base_url=site_address(), page=page, per_page=per_page,
                                   since=since_arg(), **ocds.settings_from(current_app.config))
    return jsonify(package)
