"""Published demands as Open Contracting Data Standard 1.1 releases.

Every published procurement demand and 揭榜挂帅 challenge is a contracting
process whose ``ocid`` is the configured prefix, ``-`` and the demand's id. Its
history becomes a list of releases, read from the demand, its accepted
applications and the audit log:

========================== =============================== ==================================
event                      source                          tag
========================== =============================== ==================================
publication                first ``demand.published``      ``tender``
                           (or ``published_at``)
closing, reopening,        ``demand.closed``,              ``tenderUpdate``
marking awarded            ``demand.published``,
                           ``demand.awarded``
a change to its content    ``demand.update`` after         ``tenderAmendment``
                           publication
an accepted application    ``application.accepted``        ``award``
cancellation               ``demand.cancelled``            ``tenderCancellation`` (and
                                                           ``awardCancellation`` with awards)
========================== =============================== ==================================

The n-th event of a demand is release ``<ocid>-<n>``: events only ever join the
end of a demand's history, so a release keeps its id for good (:mod:`.history`).
A release shows the demand as it stood then (:mod:`.facts`); the mapping to OCDS
fields is :mod:`matchmaker.io.ocds`.

Drafts, demands cancelled before they were published, applications not accepted,
proposals, messages and contact details never appear. Releases are listed oldest
first (by date, then ocid and sequence), so a page keeps its releases as new
ones arrive; ``since`` keeps those dated at or after it.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from sqlalchemy.orm import Session

from ...io import ocds as mapping
from .facts import node_names, release_facts
from .history import Event, read_histories, utc

__all__ = [
    "DEFAULT_LICENSE",
    "DEFAULT_OCID_PREFIX",
    "DEFAULT_PUBLISHER",
    "POLICY_PATH",
    "RELEASES_PATH",
    "release_package",
    "settings_from",
    "write_releases",
]

DEFAULT_OCID_PREFIX = "ocds-matchmaker"
DEFAULT_PUBLISHER = "融通对接平台（Matchmaker）"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
#: Where the API serves the releases, and the page that states the publication policy.
RELEASES_PATH = "/api/v1/ocds/releases"
POLICY_PATH = "/api/docs#listOcdsReleases"

_CHINA = dt.timezone(dt.timedelta(hours=8))


def settings_from(config: Mapping) -> dict:
    """The publication settings of an app's config, as keyword arguments of the functions here.

    ``MATCHMAKER_OCID_PREFIX`` (default ``ocds-matchmaker``; a prefix registered with
    the Open Contracting Partnership should be set in production),
    ``MATCHMAKER_OCDS_PUBLISHER`` and ``MATCHMAKER_OCDS_LICENSE`` (a licence URL).
    """
    prefix = str(config.get("MATCHMAKER_OCID_PREFIX") or DEFAULT_OCID_PREFIX).strip().rstrip("-")
    return {"ocid_prefix": prefix or DEFAULT_OCID_PREFIX,
            "publisher": str(config.get("MATCHMAKER_OCDS_PUBLISHER") or DEFAULT_PUBLISHER),
            "license_url": str(config.get("MATCHMAKER_OCDS_LICENSE") or DEFAULT_LICENSE)}


# -- packages ---------------------------------------------------------------------------

def _site(base_url: str) -> str:
    site = (base_url or "").strip().rstrip("/")
    parts = urlsplit(site)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base_url must be the site's absolute http(s) address, got {base_url!r}")
    return site


def _since(value) -> dt.datetime | None:
    """A ``since`` bound in UTC: a datetime (naive = UTC) or a date (its start in China)."""
    if value is None:
        return None
    if not isinstance(value, dt.date):
        raise TypeError(f"since must be a date or datetime, got {type(value).__name__}")
    try:
        if isinstance(value, dt.datetime):
            return utc(value)
        return dt.datetime.combine(value, dt.time(), _CHINA).astimezone(dt.UTC)
    except OverflowError:  # within hours of year 1 or 9999: before or after every release
        return (dt.datetime.min if value.year == 1 else dt.datetime.max).replace(tzinfo=dt.UTC)


def _ordered(histories: Mapping[int, list[Event]], since: dt.datetime | None) -> list[Event]:
    events = [e for history in histories.values() for e in history if since is None or e.date >= since]
    events.sort(key=lambda e: (e.date, e.demand_id, e.seq))
    return events


def _releases(session: Session, events: list[Event], histories: Mapping[int, list[Event]], *,
              site: str, ocid_prefix: str) -> list[dict]:
    wanted = {e.demand_id for e in events}
    facts = release_facts(session, {d: histories[d] for d in wanted}, ocid_prefix)
    nodes = node_names(session) if events else {}
    return [mapping.release(facts[(e.demand_id, e.seq)], nodes=nodes, site=site) for e in events
            if (e.demand_id, e.seq) in facts]


def _page_url(site: str, page: int, per_page: int, since: str | None) -> str:
    query = {"page": page, "per_page": per_page}
    if since:
        query["since"] = since
    return f"{site}{RELEASES_PATH}?{urlencode(query)}"


def release_package(session: Session, *, base_url: str, page: int = 1, per_page: int = 100,
                    since: dt.datetime | dt.date | None = None, ocid_prefix: str = DEFAULT_OCID_PREFIX,
                    publisher: str = DEFAULT_PUBLISHER, license_url: str | None = DEFAULT_LICENSE) -> dict:
    """One page of the releases as an OCDS 1.1 release package.

    Releases run oldest first; ``links.next`` / ``links.prev`` (Pagination
    extension) give the neighbouring pages, keeping ``per_page`` and ``since``.
    ``publishedDate`` is the date of the newest release on the page, so asking
    twice gives the same package. A page beyond the last holds no releases.
    """
    if page < 1 or per_page < 1:
        raise ValueError("page and per_page start at 1")
    site = _site(base_url)
    bound = _since(since)
    histories = read_histories(session)
    ordered = _ordered(histories, bound)
    first = (page - 1) * per_page
    chosen = ordered[first:first + per_page]
    releases = _releases(session, chosen, histories, site=site, ocid_prefix=ocid_prefix)
    since_text = bound.isoformat() if bound else None
    pages = max(1, -(-len(ordered) // per_page))
    links = {}
    if first + per_page < len(ordered):
        links["next"] = _page_url(site, page + 1, per_page, since_text)
    if page > 1:
        links["prev"] = _page_url(site, min(page - 1, pages), per_page, since_text)
    newest = max((e.date for e in chosen), default=None) or max((e.date for e in ordered), default=None)
    return mapping.release_package(
        releases, uri=_page_url(site, page, per_page, since_text),
        published=newest or dt.datetime.now(dt.UTC), publisher=publisher, site=site, license_url=license_url,
        policy_url=f"{site}{POLICY_PATH}", links=links)


def write_releases(session: Session, target, *, base_url: str, ocid_prefix: str = DEFAULT_OCID_PREFIX,
                   publisher: str = DEFAULT_PUBLISHER, license_url: str | None = DEFAULT_LICENSE,
                   chunk: int = 500) -> int:
    """Write every release as one release package (UTF-8 JSON) to ``target``; returns how many.

    ``target`` is a path (written under a temporary name and moved into place)
    or a binary file object. Releases are built ``chunk`` at a time and written
    one per line, so a large history never sits in memory as a whole.
    """
    site = _site(base_url)
    histories = read_histories(session)
    ordered = _ordered(histories, None)
    head = mapping.release_package(
        [], uri=f"{site}{RELEASES_PATH}", published=max((e.date for e in ordered), default=dt.datetime.now(dt.UTC)),
        publisher=publisher, site=site, license_url=license_url, policy_url=f"{site}{POLICY_PATH}")
    del head["releases"]

    def write(out) -> int:
        text = json.dumps(head, ensure_ascii=False)
        out.write((text[:-1] + ', "releases": [').encode("utf-8"))
        written = 0
        for start in range(0, len(ordered), chunk):
            for item in _releases(session, ordered[start:start + chunk], histories, site=site,
                                  ocid_prefix=ocid_prefix):
                out.write(((",\n" if written else "\n") + json.dumps(item, ensure_ascii=False)).encode("utf-8"))
                written += 1
        out.write(b"\n]}\n")
        return written

    if hasattr(target, "write"):
        return write(target)
    path = Path(target)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            count = write(out)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count
