"""API basics: health and the published demands."""
from __future__ import annotations

from flask import Blueprint, jsonify

from ..db import get_session
from ..services import postings

bp = Blueprint("api_core", __name__)


@bp.get("/health")
def health():
    return jsonify({"status": "ok"})


@bp.get("/overview")
def overview():
    data = postings.home_overview(get_session(), limit=20)
    return jsonify({
        "counts": data["counts"],
        "latest_demands": [
            {"id": d.id, "title": d.title, "kind": d.kind, "enterprise": d.enterprise.name,
             "region": d.region, "deadline": d.deadline.isoformat() if d.deadline else None}
            for d in data["demands"]
        ],
    })
