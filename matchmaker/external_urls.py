"""Absolute addresses for links that leave the site (password-reset e-mails and the like).

A link sent by e-mail must name the site itself, not whatever ``Host`` header the
request that caused it carried: otherwise anyone could ask for a password reset
of someone else's account with ``Host: evil.example`` and have the victim mailed
a link to their own server, token included. So the address comes from the
configuration:

1. ``MATCHMAKER_BASE_URL`` (e.g. ``https://match.example.cn`` or
   ``https://fairs.example.org/matchmaker``), else
2. ``SERVER_NAME`` with ``PREFERRED_URL_SCHEME`` and ``APPLICATION_ROOT``.

With neither set, the request's own address is used only when it cannot have
been forged: ``TRUSTED_HOSTS`` is set (Flask then answers any other ``Host``
with 400 before a view runs) or the host is this machine (a development site).
Otherwise the link is the bare path and a warning in the log says to set
``MATCHMAKER_BASE_URL``.
"""
from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, url_for

__all__ = ["init_app", "site_address", "external_url"]

log = logging.getLogger(__name__)

_LOCAL_NAMES = ("localhost", "localhost.localdomain")


def init_app(app: Flask) -> None:
    """Refuse a malformed ``MATCHMAKER_BASE_URL`` at start-up rather than in a user's mailbox."""
    site_address(app.config)


def site_address(config) -> tuple[str, str, str] | None:
    """``(scheme, host[:port], root path)`` of the configured site address, or None when none is set.

    Raises
    ------
    ValueError
        ``MATCHMAKER_BASE_URL`` is not an absolute http(s) address.
    """
    base = (config.get("MATCHMAKER_BASE_URL") or "").strip()
    if base:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"MATCHMAKER_BASE_URL must be the site's absolute http(s) address, "
                             f"e.g. https://match.example.cn; got {base!r}")
        return parts.scheme, parts.netloc, parts.path.rstrip("/") or "/"
    if config.get("SERVER_NAME"):
        return (config.get("PREFERRED_URL_SCHEME") or "http", config["SERVER_NAME"],
                config.get("APPLICATION_ROOT") or "/")
    return None


def _is_local(host: str) -> bool:
    name = urlsplit(f"//{host}").hostname or ""
    if name in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def external_url(endpoint: str, **values) -> str:
    """The absolute address of ``endpoint`` for a link sent out of the site (see the module notes).

    Parameters
    ----------
    endpoint : str
        As for :func:`flask.url_for`.
    **values
        The endpoint's arguments.
    """
    site = site_address(current_app.config)
    if site is not None:
        scheme, host, root = site
        current_app.inject_url_defaults(endpoint, values)
        adapter = current_app.url_map.bind(host, script_name=root, url_scheme=scheme)
        return adapter.build(endpoint, values, force_external=True)
    if has_request_context() and (current_app.config.get("TRUSTED_HOSTS") or _is_local(request.host)):
        return url_for(endpoint, _external=True, **values)
    log.warning("a link sent out of the site has no address to name (set MATCHMAKER_BASE_URL, e.g. "
                "https://match.example.cn); it carries the path only")
    return url_for(endpoint, **values)
