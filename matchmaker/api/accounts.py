"""API: who am I, public enterprise profiles, search."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from ..db import get_session
from ..services import enterprises as enterprise_service
from ..services import names
from ..services import search as search_service
from ..services.scope import scope_of
from .auth import token_optional, token_required
from .params import ID, bad_parameter, choice_arg, error_response, page_args, text_arg

bp = Blueprint("api_accounts", __name__)


def _enterprise_summary(ent) -> dict:
    return {"id": ent.id, "name": ent.name, "region": ent.region, "city": ent.city, "industry": ent.industry,
            "size": ent.size, "org_type": ent.org_type, "chain_leader_of": list(ent.chain_leader_of or []),
            "verified": bool(ent.verified)}


@bp.get("/me")
@token_required
def me():
    user = current_user
    return jsonify({
        "id": user.id, "email": user.email, "name": user.name, "role": user.role,
        "organisation": user.organisation,
        "enterprise": _enterprise_summary(user.enterprise) if user.enterprise else None,
        "pending_enterprise_id": user.pending_enterprise_id,
        "scope": _scope_json(user),
    })


def _scope_json(user) -> dict | None:
    if user.role != "organiser":
        return None
    scope = scope_of(user)
    return {"level": scope.level, "province": scope.province, "city": scope.city, "district": scope.district,
            "label": scope.label}


@bp.get(f"/enterprises/<{ID}:enterprise_id>")
@token_optional
def enterprise(enterprise_id: int):
    profile = enterprise_service.profile(get_session(), enterprise_id)
    if profile is None:
        return error_response(404, "No such enterprise.")
    ent = profile.enterprise
    return jsonify({
        **_enterprise_summary(ent),
        "uscc": ent.uscc, "description": ent.description, "size_rule": ent.size_rule,
        "qualifications": [{"name": q.name, "canonical": q.canonical, "verified": bool(q.verified),
                            "valid_until": q.valid_until.isoformat() if q.valid_until else None}
                           for q in profile.qualifications],
        "capabilities": [{"id": c.id, "title": c.title} for c in profile.capabilities],
        "open_demands": [{"id": d.id, "title": d.title, "kind": d.kind,
                          "deadline": d.deadline.isoformat() if d.deadline else None} for d in profile.demands],
        "capability_count": profile.capability_count, "open_demand_count": profile.demand_count,
    })


@bp.get("/search")
@token_optional
def search():
    query = text_arg("q")
    if not query:
        bad_parameter("q", "Give the search terms in ?q=.")
    kind = choice_arg("kind", search_service.KINDS)
    page, per_page = page_args()
    session = get_session()
    found = search_service.search_postings(session, query, kind, page=page, per_page=per_page)
    matches = names.fuzzy_enterprises(session, query, limit=per_page)
    return jsonify({
        "query": query, "page": page, "per_page": per_page, "total": found.total, "total_capped": found.capped,
        "pages": max(1, -(-(found.total + found.capped) // per_page)),
        "results": [{"type": k, "id": obj.id, "title": obj.title, "enterprise": {"id": obj.enterprise_id,
                     "name": obj.enterprise.name}, "region": obj.region} for k, obj in found.items],
        "enterprises": [{**_enterprise_summary(e), "score": score} for e, score in matches],
    })
