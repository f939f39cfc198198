"""JSON API v1 and its OpenAPI document."""
from __future__ import annotations

from importlib import import_module

from flask import Flask

from ..extensions import csrf

#: API modules, each exposing ``bp`` mounted under ``/api/v1``.
MODULES = ("core", "accounts", "postings", "events", "openapi")


def init_app(app: Flask) -> None:
    for name in MODULES:
        module = import_module(f"{__name__}.{name}")
        csrf.exempt(module.bp)
        app.register_blueprint(module.bp, url_prefix="/api/v1")
