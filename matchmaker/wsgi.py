"""The WSGI entry point for production servers: ``matchmaker.wsgi:app``.

With the shipped gunicorn configuration (:mod:`matchmaker.gunicorn_config`,
``preload_app``), this module is imported once in the master process: the
application is built, the matching kernels are loaded (compiled on the first
start of an installation, cached afterwards) and the engines are fitted from
the database *before* the workers fork, so every worker starts with them in
memory and its first matching page answers at once.
"""
from __future__ import annotations

import os

from . import create_app
from .services.engines import warm_up

__all__ = ["app"]


app = create_app()
if os.environ.get("MATCHMAKER_WARM", "1") != "0":
    warm_up(app)
