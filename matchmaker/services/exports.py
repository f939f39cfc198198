"""Bulk exports of enterprises, demands, capabilities and applications.

Enterprises, demands and capabilities come out in the record formats of
formats.md (the fields of :data:`matchmaker.io.schema.SCHEMAS`), so that a file
exported here imports again (``matchmaker import``) with the same content.
Demands and capabilities also carry their enterprise's credit code, which wins
over the name when the file is imported, and their ``id`` is the id they were
imported with, or ``D<n>``/``C<n>`` for those created on the site. A demand's
status, quantity and terms and a capability's ``active`` flag and capacity are
exported too, so a cancelled demand or a withdrawn capability stays so when the
file is imported again. Applications are exported for reading only: no import
reads them back.

An organiser limited to a region (``region``, a :class:`~matchmaker.services.scope.Scope`)
exports only the enterprises located in it and their demands and capabilities.

Rows are read from the database in batches and written as they come, so an
export of hundreds of thousands of rows never sits in memory.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..i18n import tr
from ..io.schema import SCHEMAS
from ..io.sheets import target_file, write_table
from ..models import Application, Capability, Demand, Enterprise, Qualification
from .errors import NotAllowed
from .scope import Scope, enterprise_clause

__all__ = ["EXPORT_FORMATS", "EXPORT_KINDS", "PUBLIC", "export_header", "export_records", "export_title",
           "kinds_in_scope", "write_export"]

EXPORT_KINDS = ("enterprises", "demands", "capabilities", "applications")
EXPORT_FORMATS = ("xlsx", "csv", "jsonl")
#: The scope of what every signed-in user sees on the site: every enterprise,
#: published demands and active capabilities (no applications).
PUBLIC = "public"
_SCOPES = (None, PUBLIC)
_BATCH = 2000
_WAN = Decimal(10_000)
_CHINA = dt.timezone(dt.timedelta(hours=8))

_RECORD_KIND = {"enterprises": "enterprise", "demands": "demand", "capabilities": "capability"}
_FIELDS = {
    "enterprises": list(SCHEMAS["enterprise"]),
    "demands": ["id", "enterprise", "credit_code", *(f for f in SCHEMAS["demand"] if f not in ("id", "enterprise"))],
    "capabilities": ["id", "enterprise", "credit_code",
                     *(f for f in SCHEMAS["capability"] if f not in ("id", "enterprise"))],
    "applications": ["demand_id", "demand_title", "buyer", "enterprise", "credit_code", "capability_id", "status",
                     "price", "submitted_at", "proposal", "message"],
}
_APPLICATION_HEADERS = {
    "demand_id": "需求编号", "demand_title": "需求名称", "buyer": "需求企业", "enterprise": "申请企业",
    "credit_code": "统一社会信用代码", "capability_id": "能力编号", "status": "状态", "price": "报价",
    "submitted_at": "提交时间", "proposal": "方案说明", "message": "回复",
}


def kinds_in_scope(scope=None) -> tuple[str, ...]:
    """The kinds that may be exported in ``scope``."""
    return EXPORT_KINDS if scope is None else tuple(k for k in EXPORT_KINDS if k != "applications")


def _check(kind: str, scope) -> None:
    if kind not in EXPORT_KINDS:
        raise ValueError(f"unknown export {kind!r}; choose one of {', '.join(EXPORT_KINDS)}")
    if scope not in _SCOPES:
        raise ValueError(f"unknown export scope {scope!r}")
    if kind not in kinds_in_scope(scope):
        raise NotAllowed(tr("只有平台管理员可以导出{kind}。", "Only administrators may export {kind}.",
                            kind=export_title(kind)))


def export_title(kind: str) -> str:
    """The name of an export in the user's language (also the worksheet's name)."""
    return {"enterprises": tr("企业", "Enterprises"), "demands": tr("需求", "Demands"),
            "capabilities": tr("能力", "Capabilities"), "applications": tr("申请", "Applications")}[kind]


def export_header(kind: str, language: str = "en") -> list[str]:
    """Column names of an export: English field names, or (``"zh"``) the first Chinese
    header of each field, which the importer reads as well."""
    fields = _FIELDS[kind]
    if language != "zh":
        return list(fields)
    if kind == "applications":
        return [_APPLICATION_HEADERS[f] for f in fields]
    schema = SCHEMAS[_RECORD_KIND[kind]]
    enterprise_schema = SCHEMAS["enterprise"]
    return [(schema.get(f) or enterprise_schema[f]).headers[0] for f in fields]


def _amount(value, scale=1):
    """A stored amount as CNY: an int when whole, else a float."""
    if value is None:
        return None
    value = Decimal(value) * scale
    return int(value) if value == value.to_integral_value() else float(value)


def _iso(value):
    return value.isoformat() if value is not None else None


def _china_time(value: dt.datetime | None) -> str | None:
    """A stored time (UTC; SQLite returns it without its zone) as China time to the second."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(_CHINA).isoformat(timespec="seconds")


def _posting_id(ref, prefix, ident):
    return ref or f"{prefix}{ident}"


def _in_region(stmt, region: Scope | None):
    """``stmt`` (over enterprises) limited to ``region``; unchanged for no region or the national one."""
    clause = enterprise_clause(region) if region is not None else None
    return stmt if clause is None else stmt.where(clause)


def _batches(session: Session, stmt):
    """Rows of ``stmt`` in lists of at most ``_BATCH``, read from a server-side cursor."""
    result = session.execute(stmt.execution_options(yield_per=_BATCH))
    try:
        yield from result.partitions()
    finally:
        result.close()


def _enterprise_rows(session: Session, scope, region: Scope | None) -> Iterator[dict]:
    e = Enterprise
    stmt = select(e.id, e.name, e.uscc, e.region, e.city, e.district, e.industry, e.employees, e.revenue_wan,
                  e.assets_wan, e.description, e.contact).order_by(e.id)
    stmt = _in_region(stmt, region)
    for batch in _batches(session, stmt):
        quals: dict[int, list[str]] = {}
        ids = [row.id for row in batch]
        for enterprise_id, name in session.execute(
                select(Qualification.enterprise_id, Qualification.name)
                .where(Qualification.enterprise_id.in_(ids))
                .order_by(Qualification.enterprise_id, Qualification.id)):
            quals.setdefault(enterprise_id, []).append(name)
        for row in batch:
            contact = row.contact or {}
            yield {"name": row.name, "credit_code": row.uscc, "region": row.region, "city": row.city,
                   "district": row.district, "industry": row.industry, "employees": row.employees,
                   "revenue": _amount(row.revenue_wan, _WAN), "assets": _amount(row.assets_wan, _WAN),
                   "qualifications": quals.get(row.id, []), "description": row.description,
                   "contact_name": contact.get("person") or contact.get("name"),
                   "contact_phone": contact.get("phone"), "contact_email": contact.get("email")}


def _demand_rows(session: Session, scope, region: Scope | None) -> Iterator[dict]:
    d, e = Demand, Enterprise
    stmt = (select(d.id, d.ref, e.name, e.uscc, d.kind, d.title, d.description, d.chain_nodes, d.region,
                   d.required_qualifications, d.budget, d.deadline, d.payment_days, d.acceptance_days, d.status,
                   d.quantity, d.unit, d.acceptance_criteria, d.ip_terms)
            .join(e, d.enterprise_id == e.id).order_by(d.id))
    if scope == PUBLIC:
        stmt = stmt.where(d.status == "published")
    stmt = _in_region(stmt, region)
    for batch in _batches(session, stmt):
        for row in batch:
            yield {"id": _posting_id(row.ref, "D", row.id), "enterprise": row.name, "credit_code": row.uscc,
                   "kind": row.kind, "title": row.title, "description": row.description or None,
                   "chain_nodes": list(row.chain_nodes or []), "region": row.region,
                   "required_qualifications": list(row.required_qualifications or []),
                   "budget": _amount(row.budget), "deadline": _iso(row.deadline),
                   "payment_days": row.payment_days, "acceptance_days": row.acceptance_days,
                   "status": row.status, "quantity": _amount(row.quantity), "unit": row.unit,
                   "acceptance_criteria": row.acceptance_criteria, "ip_terms": row.ip_terms}


def _capability_rows(session: Session, scope, region: Scope | None) -> Iterator[dict]:
    c, e = Capability, Enterprise
    stmt = (select(c.id, c.ref, e.name, e.uscc, c.title, c.description, c.chain_nodes, c.region,
                   c.qualifications, e.size, c.active, c.capacity)
            .join(e, c.enterprise_id == e.id).order_by(c.id))
    if scope == PUBLIC:
        stmt = stmt.where(c.active.is_(True))
    stmt = _in_region(stmt, region)
    for batch in _batches(session, stmt):
        for row in batch:
            yield {"id": _posting_id(row.ref, "C", row.id), "enterprise": row.name, "credit_code": row.uscc,
                   "title": row.title, "description": row.description or None,
                   "chain_nodes": list(row.chain_nodes or []), "region": row.region,
                   "qualifications": list(row.qualifications or []), "size": row.size,
                   "active": bool(row.active), "capacity": row.capacity}


def _application_rows(session: Session, scope, region: Scope | None) -> Iterator[dict]:
    a, d, c = Application, Demand, Capability
    applicant, buyer = aliased(Enterprise), aliased(Enterprise)
    stmt = (select(d.id.label("demand_id"), d.ref.label("demand_ref"), d.title, buyer.name.label("buyer"),
                   applicant.name, applicant.uscc, c.id.label("capability_id"), c.ref.label("capability_ref"),
                   a.status, a.price, a.created_at, a.proposal, a.message)
            .join(d, a.demand_id == d.id).join(buyer, d.enterprise_id == buyer.id)
            .join(applicant, a.enterprise_id == applicant.id).outerjoin(c, a.capability_id == c.id)
            .order_by(a.id))
    clause = enterprise_clause(region) if region is not None else None
    if clause is not None:  # applications between enterprises of the region only
        in_region = select(Enterprise.id).where(clause)
        stmt = stmt.where(buyer.id.in_(in_region), applicant.id.in_(in_region))
    for batch in _batches(session, stmt):
        for row in batch:
            yield {"demand_id": _posting_id(row.demand_ref, "D", row.demand_id), "demand_title": row.title,
                   "buyer": row.buyer, "enterprise": row.name, "credit_code": row.uscc,
                   "capability_id": None if row.capability_id is None
                   else _posting_id(row.capability_ref, "C", row.capability_id),
                   "status": row.status, "price": _amount(row.price), "submitted_at": _china_time(row.created_at),
                   "proposal": row.proposal, "message": row.message}


_ROWS = {"enterprises": _enterprise_rows, "demands": _demand_rows, "capabilities": _capability_rows,
         "applications": _application_rows}


def export_records(session: Session, kind: str, *, scope=None,
                   region: Scope | None = None) -> tuple[list[str], Iterator[list]]:
    """The header (English field names) and the rows of an export.

    Parameters
    ----------
    session : Session
    kind : {'enterprises', 'demands', 'capabilities', 'applications'}
    scope : None or PUBLIC
        None exports everything (administrators, the command line); :data:`PUBLIC`
        only what every signed-in user sees, and no applications.
    region : Scope, optional
        The organiser's region: only enterprises located in it, and their
        demands and capabilities (None or the national scope: all).

    Returns
    -------
    header : list of str
    rows : iterator of lists
        One list of cells per record, parallel to ``header``: text, numbers
        (amounts in CNY), ISO dates and lists. Rows are read lazily while the
        iterator is consumed.

    Raises
    ------
    NotAllowed
        ``kind`` is not exported in ``scope``.
    """
    _check(kind, scope)
    fields = list(_FIELDS[kind])
    records = _ROWS[kind](session, scope, region)
    return fields, ([record.get(f) for f in fields] for record in records)


def _json_line(header, row) -> bytes:
    record = {k: v for k, v in zip(header, row) if v is not None and v != []}
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def write_export(session: Session, kind: str, target, fmt: str, *, scope=None, header: str = "zh",
                 region: Scope | None = None) -> int:
    """Write an export to ``target`` (a path, written atomically, or a binary file object).

    ``fmt`` is ``"xlsx"``, ``"csv"`` (UTF-8 with BOM) or ``"jsonl"``. Spreadsheets
    get the Chinese headers (``header="zh"``) or the English field names
    (``header="en"``); JSON Lines always uses the field names and leaves out empty
    fields. Returns the number of rows written.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use xlsx, csv or jsonl")
    fields, rows = export_records(session, kind, scope=scope, region=region)
    count = 0

    def counted():
        nonlocal count
        for row in rows:
            count += 1
            yield row

    if fmt == "jsonl":
        with target_file(target) as fh:
            for row in counted():
                fh.write(_json_line(fields, row))
        return count
    write_table(target, export_header(kind, header), counted(), fmt=fmt, title=export_title(kind))
    return count
