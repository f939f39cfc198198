"""The OpenAPI document (``/api/v1/openapi.json``) and a readable listing of it (``/api/docs``)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from ..version import __version__
from .openapi_spec import build_spec

bp = Blueprint("api_openapi", __name__)


def current_spec() -> dict:
    return build_spec(per_page=current_app.config.get("PER_PAGE", 20), version=__version__)


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(current_spec())


def resolve(spec: dict, node: dict) -> dict:
    """Follow a local ``$ref`` (parameters, responses) to the object it names."""
    while "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _schema_text(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "")
    text = " | ".join(kind) if isinstance(kind, list) else kind
    if "format" in schema:
        text += f" ({schema['format']})"
    if "enum" in schema:
        text += ": " + ", ".join(str(v) for v in schema["enum"] if v is not None)
    if "minimum" in schema and "maximum" in schema:
        text += f" {schema['minimum']}–{schema['maximum']}"
    return text


def inline_code(text: str | None) -> list[tuple[str, bool]]:
    """Split a description at its `backticks`: ``(piece, is_code)`` pairs, for the template."""
    return [(piece, i % 2 == 1) for i, piece in enumerate((text or "").split("`")) if piece]


def docs_operations(spec: dict) -> list[dict]:
    """One row per operation, with its parameters and answers spelled out, for the docs page."""
    rows = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            rows.append({
                "method": method.upper(), "path": spec["servers"][0]["url"] + path, "op": op,
                "auth": "required" if op["security"] == [{"bearerAuth": []}]
                        else "optional" if op["security"] else "none",
                "description": inline_code(op.get("description")),
                "params": [dict(p, type=_schema_text(p["schema"]), text=inline_code(p.get("description")))
                           for p in (resolve(spec, x) for x in op.get("parameters", []))],
                "responses": [(code, inline_code(resolve(spec, r)["description"]))
                              for code, r in op["responses"].items()],
            })
    return rows


def docs():
    spec = current_spec()
    return render_template("api/docs.html", spec=spec, operations=docs_operations(spec))


@bp.record_once
def _register_docs(state) -> None:
    # The human page lives beside, not inside, the versioned prefix this blueprint is mounted at.
    state.app.add_url_rule("/api/docs", "api_docs", docs, methods=["GET"])
