"""JSON API v1 and its OpenAPI document."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import import_module

from flask import Flask, request

from ..extensions import csrf
from .openapi_spec import build_spec
from .params import bad_parameter

#: API modules, each exposing ``bp`` mounted under ``/api/v1``.
MODULES = ("core", "accounts", "postings", "events", "ocds", "openapi")


def init_app(app: Flask) -> None:
    for name in MODULES:
        module = import_module(f"{__name__}.{name}")
        csrf.exempt(module.bp)
        app.register_blueprint(module.bp, url_prefix="/api/v1")
    app.before_request(_refuse_unknown_query_parameters)


def _refuse_unknown_query_parameters() -> None:
    """A query parameter the operation does not document answers 400 naming it.

    A misspelt filter (``?regoin=``) would otherwise be ignored silently and the
    caller would read an unfiltered list as a filtered one.
    """
    rule = request.url_rule
    if rule is None or not request.args or not rule.rule.startswith("/api/v1/"):
        return
    known = _documented_query_parameters(rule.rule, request.method)
    if known is None:
        return  # not an operation of the document (the document itself)
    for name in request.args:
        if name not in known:
            shown = name if name.isprintable() else name.encode("unicode_escape").decode("ascii")
            bad_parameter(name, f"Unknown query parameter '{shown}'; this operation takes "
                                f"{', '.join(sorted(known)) or 'none'}.")


@lru_cache(maxsize=256)
def _documented_query_parameters(rule: str, method: str) -> frozenset[str] | None:
    spec = build_spec()
    path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.removeprefix("/api/v1"))
    operation = spec["paths"].get(path, {}).get(method.lower())
    if operation is None:
        return None
    shared = spec["components"]["parameters"]
    names = set()
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = shared[parameter["$ref"].rsplit("/", 1)[-1]]
        if parameter["in"] == "query":
            names.add(parameter["name"])
    return frozenset(names)
