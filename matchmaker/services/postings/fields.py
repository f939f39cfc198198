"""The fields postings share: cleaning regions, chain nodes, qualification lists and amounts; filtering by them."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import networkx as nx
from sqlalchemy import String, cast, or_

from ...domain.qualifications import normalize_qualification
from ...domain.regions import normalize_region
from ...i18n import tr
from ...models import Enterprise
from ..errors import NotFound, ServiceError

__all__ = [
    "clean_amount",
    "clean_chain_nodes",
    "clean_qualifications",
    "clean_region",
    "clean_text",
    "json_list_contains_any",
    "chain_label",
    "node_label",
    "nodes_of_chain",
    "owned_by",
    "split_list",
    "today",
    "where_chain_and_region",
    "where_text",
]

_SEPARATORS = re.compile(r"[;；、,，\n]+")


def today() -> dt.date:
    return dt.date.today()


def split_list(value) -> list[str]:
    """A list field typed as text (``ISO 9001；专精特新``) or given as a list, trimmed, no repeats."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else _SEPARATORS.split(str(value))
    out: list[str] = []
    for item in items:
        item = str(item).strip()
        if item and item not in out:
            out.append(item)
    return out


def clean_text(value, limit: int | None = None) -> str:
    text = (value or "").strip()
    return text[:limit] if limit else text


def clean_region(value) -> str | None:
    """The full province name, or None when blank; unknown names are refused."""
    text = (value or "").strip()
    if not text:
        return None
    region = normalize_region(text)
    if region is None:
        raise ServiceError(tr("无法识别的省份：{v}", "Unknown province: {v}", v=text), field="region")
    return region


def clean_chain_nodes(G: nx.DiGraph, nodes) -> list[str]:
    """Chain node ids that exist in the graph, in the order given; unknown ids are refused."""
    out = []
    for node in split_list(nodes):
        if node not in G:
            raise ServiceError(tr("产业链环节不存在：{n}", "No such chain node: {n}", n=node), field="chain_nodes")
        if node not in out:
            out.append(node)
    return out


def clean_qualifications(value) -> list[str]:
    """Qualification names as typed, without two spellings of the same certificate."""
    out, seen = [], set()
    for name in split_list(value):
        key = normalize_qualification(name) or name
        if key not in seen:
            seen.add(key)
            out.append(name[:80])
    return out


#: Below the Numeric(14, 2) limit of the amount columns: the one ceiling of every amount a form, a service
#: or an outcome takes.
MAX_AMOUNT = Decimal(10) ** 12


def clean_amount(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError(tr("请输入数字。", "Enter a number."), field=field) from None
    # Decimal takes "NaN", "Infinity" and "1e309": each gets its own message, never "negative".
    if not amount.is_finite():
        raise ServiceError(tr("请输入有效的数字。", "Enter a valid number."), field=field)
    if amount < 0:
        raise ServiceError(tr("数值不能为负。", "The amount cannot be negative."), field=field)
    if amount >= MAX_AMOUNT:
        raise ServiceError(tr("数值过大。", "The number is too large."), field=field)
    return amount


def nodes_of_chain(G: nx.DiGraph, chain_or_node: str | None) -> list[str]:
    """The node ids a chain filter stands for: a chain's nodes, or one node."""
    if not chain_or_node:
        return []
    if chain_or_node in G.graph.get("chains", {}):
        return [n for n, c in G.nodes(data="chain") if c == chain_or_node]
    return [chain_or_node] if chain_or_node in G else []


def json_list_contains_any(column, values):
    """A portable (SQLite and PostgreSQL) test that a JSON list column holds one of ``values``.

    JSON lists are stored as text such as ``["pv.cell", "pv.module"]``; each id is
    searched with its quotes so ``pv.cell`` never matches ``pv.cells``.
    """
    text = cast(column, String)
    return or_(*[text.contains(f'"{v}"', autoescape=True) for v in values])


def where_chain_and_region(stmt, model, G: nx.DiGraph, chain: str | None, region: str | None):
    """``stmt`` kept to postings of ``model`` on ``chain`` (a chain or one node) and in ``region``.

    An unknown chain or province matches nothing rather than being ignored, so a
    mistyped filter never shows everything.
    """
    if chain:
        nodes = nodes_of_chain(G, chain)
        stmt = stmt.where(json_list_contains_any(model.chain_nodes, nodes) if nodes else False)
    if region:
        try:
            stmt = stmt.where(model.region == clean_region(region))
        except ServiceError:
            stmt = stmt.where(False)
    return stmt


def where_text(stmt, model, q: str | None):
    """``stmt`` kept to postings whose title, description or enterprise name holds the text ``q``.

    ``stmt`` must already join the posting's enterprise.
    """
    text = clean_text(q, 100)
    if not text:
        return stmt
    return stmt.where(or_(model.title.contains(text, autoescape=True), model.description.contains(text, autoescape=True),
                          Enterprise.name.contains(text, autoescape=True)))


def owned_by(session, model, object_id: int, enterprise_id: int | None):
    """The posting of ``model`` with id ``object_id`` if ``enterprise_id`` owns it, else :class:`NotFound`."""
    obj = session.get(model, object_id)
    if obj is None or enterprise_id is None or obj.enterprise_id != enterprise_id:
        raise NotFound()
    return obj


def chain_label(G: nx.DiGraph, chain: str) -> str:
    """A chain's name in the user's language; readers never see its id."""
    meta = G.graph.get("chains", {}).get(chain)
    if meta is None:
        return tr("（已停用的产业链）", "(retired chain)")
    return tr(meta.get("name", ""), meta.get("name_en") or meta.get("name", ""))


def node_label(G: nx.DiGraph, node: str) -> str:
    """``链 · 环节`` in the user's language. A node the stored chains no longer have is
    named as such (its id stays on the posting, listed for admins on the chain upload page)."""
    if node not in G:
        return tr("（已停用的环节）", "(retired chain node)")
    data = G.nodes[node]
    chain = G.graph.get("chains", {}).get(data.get("chain"), {})
    chain_name = tr(chain.get("name", ""), chain.get("name_en") or chain.get("name", ""))
    node_name = tr(data.get("name", node), data.get("name_en") or data.get("name", node))
    return f"{chain_name} · {node_name}" if chain_name else node_name
