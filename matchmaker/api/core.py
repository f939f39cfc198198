"""API basics: health and the published demands."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ..db import get_session
from ..health import check_database
from ..services import postings

bp = Blueprint("api_core", __name__)


@bp.get("/health")
def health():
    """200 when the database answers, 503 when it cannot be reached."""
    database = check_database(current_app)
    body = {"status": "ok" if database.ok else "unavailable", "database": database.status}
    return jsonify(body), 200 if database.ok else 503


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
