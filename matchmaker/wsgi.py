"""The WSGI entry point for production servers: ``matchmaker.wsgi:app``.

With the shipped gunicorn configuration (:mod:`matchmaker.gunicorn_config`,
``preload_app``), this module is imported once in the master process: the
application is built, the matching kernels are loaded (compiled on the first
start of an installation, cached afterwards) and the engines are fitted from
the database *before* the workers fork, so every worker starts with them in
memory and its first matching page answers at once.
"""
from __future__ import annotations

import logging
import os

from . import create_app
from .services.engines import warm_up

__all__ = ["app"]


_log = logging.getLogger("matchmaker")
if not _log.handlers and not logging.getLogger().handlers:
    # the server configures its own loggers only: say what the application does at start-up
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"))
    _log.addHandler(_handler)
    _log.setLevel(logging.INFO)

app = create_app()
if os.environ.get("MATCHMAKER_WARM", "1") != "0":
    warm_up(app)
