"""API: published demands, capabilities, and the suppliers suggested for one's own demand.

Lists are paginated (``page``, ``per_page`` up to 100) and take the filters of the
web pages. A draft demand exists only for its own enterprise: anyone else gets
404, exactly as for an id that was never used.
"""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from ..db import get_session
from ..models.enterprise import SIZES
from ..models.posting import DEMAND_KINDS
from ..paging import paginate
from ..services import capabilities as capability_service
from ..services import demands as demand_service
from ..services import matching
from ..services.chains import current_graph
from ..services.errors import NotFound
from .auth import token_optional, token_required
from .params import ID, choice_arg, date_arg, error_response, page_args, text_arg, timestamp

bp = Blueprint("api_postings", __name__)


def _number(value):
    return float(value) if value is not None else None


def _enterprise(ent) -> dict:
    return {"id": ent.id, "name": ent.name, "region": ent.region, "size": ent.size, "org_type": ent.org_type,
            "chain_leader_of": list(ent.chain_leader_of or [])}


def demand_json(d, full: bool = False) -> dict:
    data = {
        "id": d.id, "kind": d.kind, "title": d.title, "enterprise": _enterprise(d.enterprise),
        "chain_nodes": list(d.chain_nodes or []), "region": d.region, "budget": _number(d.budget),
        "deadline": d.deadline.isoformat() if d.deadline else None, "status": d.status,
        "published_at": timestamp(d.published_at),
    }
    if full:
        data.update({
            "description": d.description, "quantity": _number(d.quantity), "unit": d.unit,
            "required_qualifications": list(d.required_qualifications or []), "payment_days": d.payment_days,
            "acceptance_days": d.acceptance_days, "payment_method": d.payment_method,
            "instrument_days": d.instrument_days, "third_party_condition": bool(d.third_party_condition),
            "payment_terms": d.payment_terms, "acceptance_criteria": d.acceptance_criteria, "ip_terms": d.ip_terms, "status_reason": d.status_reason,
        })
    return data


def capability_json(c) -> dict:
    return {"id": c.id, "title": c.title, "description": c.description, "enterprise": _enterprise(c.enterprise),
            "chain_nodes": list(c.chain_nodes or []), "region": c.region,
            "qualifications": list(c.qualifications or []), "capacity": c.capacity}


def _listing(page, to_json) -> dict:
    return {"items": [to_json(x) for x in page.items], "page": page.page, "per_page": page.per_page,
            "total": page.total, "pages": page.pages}


def _viewer_enterprise_id():
    return current_user.enterprise_id if current_user.is_authenticated else None


@bp.get("/demands")
@token_optional
def demands():
    session = get_session()
    page, per_page = page_args()
    stmt = demand_service.published_demands(current_graph(session), kind=choice_arg("kind", DEMAND_KINDS),
                                            chain=text_arg("chain"), region=text_arg("region"),
                                            deadline_before=date_arg("deadline_before"), q=text_arg("q"))
    return jsonify(_listing(paginate(session, stmt, per_page=per_page, page=page), demand_json))


@bp.get(f"/demands/<{ID}:demand_id>")
@token_optional
def demand(demand_id: int):
    try:
        d = demand_service.visible_demand(get_session(), demand_id, _viewer_enterprise_id())
    except NotFound:
        return _not_found()
    return jsonify(demand_json(d, full=True))


@bp.get(f"/demands/<{ID}:demand_id>/suggestions")
@token_required
def suggestions(demand_id: int):
    """Suppliers suggested for one's own demand, in the ranking format of formats.md plus names."""
    session = get_session()
    try:
        d = demand_service.owned_demand(session, demand_id, _viewer_enterprise_id())
    except NotFound:
        return _not_found()
    page, per_page = page_args()
    result = matching.suggested_suppliers(session, d, region=text_arg("region"),
                                          qualification=text_arg("qualification"), size=choice_arg("size", SIZES),
                                          page=page, per_page=per_page)
    ranked = [{"capability_id": str(s.capability.id), "score": s.score, "reasons": s.raw_reasons,
               "title": s.capability.title, "enterprise": _enterprise(s.enterprise)} for s in result.items]
    return jsonify({"demand_id": str(d.id), "ranked": ranked, "page": result.page, "per_page": result.per_page,
                    "total": result.total, "pages": result.pages})


@bp.get("/capabilities")
@token_optional
def capabilities():
    session = get_session()
    page, per_page = page_args()
    stmt = capability_service.public_capabilities(current_graph(session), chain=text_arg("chain"),
                                                  region=text_arg("region"), q=text_arg("q"),
                                                  size=choice_arg("size", SIZES))
    return jsonify(_listing(paginate(session, stmt, per_page=per_page, page=page), capability_json))


@bp.get(f"/capabilities/<{ID}:capability_id>")
@token_optional
def capability(capability_id: int):
    try:
        c = capability_service.visible_capability(get_session(), capability_id, _viewer_enterprise_id())
    except NotFound:
        return _not_found()
    return jsonify(capability_json(c))


def _not_found():
    return error_response(404, "Not found.")
