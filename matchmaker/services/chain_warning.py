"""Supply-chain early warning for each node of a chain, from the platform's postings.

Every node of a chain gets one warning level, the most severe of those its
postings meet, with every finding kept for the reason:

``none`` (无供应)
    no verified supplier on the platform, while buyers want the node (an open
    demand, or a demand published in the period).
``one_province`` (单一省份)
    every verified supplier sits in one and the same province (a single
    supplier included); a supplier of unknown province leaves this unsaid.
``concentrated`` (高度集中)
    the suppliers cluster in one province (:data:`TOP_PROVINCE_SHARE`,
    :data:`PROVINCE_HHI`) or one enterprise holds most of the node's
    capabilities (:data:`TOP_ENTERPRISE_SHARE`).
``demand_outpaces`` (需求增长快于供给)
    demands published in the period grew against the previous period of the
    same length (:data:`GROWTH_RATIO`, :data:`MIN_NEW_DEMANDS`) and now
    outnumber the verified suppliers.
``normal`` (正常)
    suppliers present and none of the above.
``idle`` (暂无供需)
    neither supplier nor demand: nothing to warn about yet.

Suppliers are counted as the chain map counts them (:func:`graph.weak_links`):
distinct *verified* enterprises with an active capability at the node, each in
the province of its first capability there that names one (else its own). Like
the coverage figures, the warning measures the platform, not the real chain.
"""
from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

import graph as chaingraph

from ..i18n import tr
from ..io.sheets import write_table
from ..models import Demand
from . import chain_analysis
from . import chains as chain_service

__all__ = ["DEFAULT_DAYS", "LEVELS", "MAX_DAYS", "MIN_DAYS", "WARNING_LEVELS", "NodeWarning", "Period",
           "WarningReport", "assess", "chain_warnings", "export_warnings", "level_label", "reason_text"]

#: Warning levels, most severe first; the first four are warnings.
LEVELS = ("none", "one_province", "concentrated", "demand_outpaces", "normal", "idle")
WARNING_LEVELS = LEVELS[:4]

#: Share of the verified suppliers (with a known province) in the largest province at or above
#: which a node is 高度集中: three in five suppliers from one province leaves the node exposed to
#: one province's policies, energy supply or logistics.
TOP_PROVINCE_SHARE = 0.6
#: Herfindahl-Hirschman index of the suppliers' provinces (sum of squared shares, 0-1) at or above
#: which a node is 高度集中 even when no province reaches :data:`TOP_PROVINCE_SHARE`: 0.4 is two
#: provinces splitting the suppliers about evenly or worse (the 0.25 of competition practice is
#: too low for the handful of suppliers a node has on the platform).
PROVINCE_HHI = 0.4
#: Share of the node's verified capability records held by one enterprise at or above which a
#: node is 高度集中: one enterprise offering most of what the node can supply.
TOP_ENTERPRISE_SHARE = 0.6
#: Demands published in the period must be at least this many times those of the previous period
#: (any number when the previous period had none) to count as growth ...
GROWTH_RATIO = 1.5
#: ... and at least this many, so that one new demand is not read as a trend.
MIN_NEW_DEMANDS = 2

#: The period's length in days: default, and the bounds a request may choose.
DEFAULT_DAYS, MIN_DAYS, MAX_DAYS = 90, 7, 365
#: Periods are calendar days in Beijing time.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
#: Demand statuses that were published (a demand cancelled or still a draft asks for nothing).
PUBLISHED = ("published", "closed", "awarded")


@dataclass(frozen=True)
class Period:
    """``days`` calendar days (Beijing time) ending on ``end``, inclusive."""

    end: dt.date
    days: int = DEFAULT_DAYS

    @classmethod
    def ending(cls, end: dt.date | None = None, days: int = DEFAULT_DAYS) -> Period:
        return cls(end or dt.datetime.now(LOCAL_TZ).date(), days)

    @property
    def start(self) -> dt.date:
        return self.end - dt.timedelta(days=self.days - 1)

    @property
    def previous(self) -> Period:
        return Period(self.start - dt.timedelta(days=1), self.days)

    def contains(self, moment: dt.datetime) -> bool:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return self.start <= moment.astimezone(LOCAL_TZ).date() <= self.end


@dataclass(frozen=True)
class NodeWarning:
    """The warning for one node, and the figures it rests on."""

    node: str
    name: str
    name_en: str
    chain: str
    level: str
    #: Every level whose condition holds (``level`` is the first), for the reason.
    findings: tuple[str, ...]
    suppliers: int
    suppliers_unverified: int
    #: Verified suppliers whose province is unknown.
    unknown_province: int
    provinces: int
    top_province: str | None
    top_province_share: float | None
    province_hhi: float | None
    top_enterprise: str | None
    top_enterprise_share: float | None
    open_demands: int
    demands_now: int
    demands_before: int

    @property
    def warned(self) -> bool:
        return self.level in WARNING_LEVELS


@dataclass
class WarningReport:
    chain: str
    period: Period
    #: One per node, most severe first, then in chain order.
    nodes: list[NodeWarning]
    as_of: dt.datetime

    @property
    def warned(self) -> list[NodeWarning]:
        return [w for w in self.nodes if w.warned]

    @property
    def single_province(self) -> list[NodeWarning]:
        """Nodes whose only verified suppliers sit in one province."""
        return [w for w in self.nodes if "one_province" in w.findings]


def assess(link: chaingraph.WeakLink, provinces: dict[str, str | None], demands_now: int,
           demands_before: int) -> NodeWarning:
    """The warning for one node from its coverage ``link`` and its suppliers' ``provinces``.

    Parameters
    ----------
    link : graph.WeakLink
        The node's coverage (verified suppliers, open demands, top enterprise's share).
    provinces : dict of str to (str or None)
        Each verified supplier at the node, with its province (None when unknown).
    demands_now, demands_before : int
        Demands on the node published in the period and in the previous one.
    """
    known = Counter(p for p in provinces.values() if p)
    total = sum(known.values())
    top_province, top_share, hhi = None, None, None
    if total:
        top_province = min(known, key=lambda p: (-known[p], p))
        top_share = known[top_province] / total
        hhi = sum((n / total) ** 2 for n in known.values())
    suppliers = link.suppliers
    findings = []
    if suppliers == 0 and (link.demands or demands_now):
        findings.append("none")
    if suppliers and len(known) == 1 and total == suppliers:
        findings.append("one_province")
    if suppliers and (
            (len(known) > 1 and (top_share >= TOP_PROVINCE_SHARE or hhi >= PROVINCE_HHI))
            or (link.enterprise_concentration or 0) >= TOP_ENTERPRISE_SHARE):
        findings.append("concentrated")
    if (demands_now >= MIN_NEW_DEMANDS and demands_now > demands_before
            and demands_now >= GROWTH_RATIO * demands_before and demands_now > suppliers):
        findings.append("demand_outpaces")
    if findings:
        level = findings[0]
    else:
        level = "normal" if suppliers else "idle"
    return NodeWarning(
        node=link.node, name=link.name, name_en=link.name_en, chain=link.chain, level=level,
        findings=tuple(findings), suppliers=suppliers, suppliers_unverified=link.suppliers_unverified,
        unknown_province=suppliers - total, provinces=len(known), top_province=top_province,
        top_province_share=top_share, province_hhi=hhi, top_enterprise=link.top_enterprise,
        top_enterprise_share=link.enterprise_concentration, open_demands=link.demands,
        demands_now=demands_now, demands_before=demands_before)


def _supplier_provinces(supply: list[dict]) -> dict[str, dict[str, str | None]]:
    """node -> verified supplier -> province, by the rule of :func:`graph.weak_links`."""
    out: dict[str, dict[str, str | None]] = {}
    for row in supply:
        if not row.get("verified"):
            continue
        mine = out.setdefault(row["node"], {})
        if mine.get(row["enterprise"]) is None:
            mine[row["enterprise"]] = row.get("region") or None
    return out


def _published_counts(session: Session, nodes: set[str], period: Period) -> tuple[Counter, Counter]:
    now, before = Counter(), Counter()
    previous = period.previous
    rows = session.execute(select(Demand.chain_nodes, Demand.published_at)
                           .where(Demand.status.in_(PUBLISHED), Demand.published_at.is_not(None)))
    for chain_nodes, published_at in rows:
        bucket = now if period.contains(published_at) else before if previous.contains(published_at) else None
        if bucket is not None:
            bucket.update(set(chain_nodes or ()) & nodes)
    return now, before


def chain_warnings(session: Session, chain: str, period: Period | None = None,
                   G: nx.DiGraph | None = None) -> WarningReport:
    """The early warning of every node of ``chain`` over ``period`` (default: the last 90 days).

    Raises :class:`graph.UnknownChainError` for a chain the stored graph does not have.
    """
    G = G if G is not None else chain_service.current_graph(session)
    if chain not in G.graph["chains"]:
        raise chaingraph.UnknownChainError(chain)
    period = period or Period.ending()
    capabilities = chain_analysis.active_capabilities(session)
    open_demands = chain_analysis.open_demands(session)
    supply, demand = chain_analysis.supply_and_demand(G, capabilities, open_demands)
    links = chaingraph.weak_links(G, supply, demand, chain=chain)
    provinces = _supplier_provinces(supply)
    now, before = _published_counts(session, {w.node for w in links}, period)
    order = {n: i for i, n in enumerate(chaingraph.chain_nodes(G, chain))}
    nodes = [assess(w, provinces.get(w.node, {}), now[w.node], before[w.node]) for w in links]
    nodes.sort(key=lambda w: (LEVELS.index(w.level), order[w.node]))
    return WarningReport(chain=chain, period=period, nodes=nodes, as_of=dt.datetime.now(dt.UTC))


def level_label(level: str) -> str:
    return {
        "none": tr("无供应", "No supply"),
        "one_province": tr("单一省份", "One province only"),
        "concentrated": tr("高度集中", "Highly concentrated"),
        "demand_outpaces": tr("需求增长快于供给", "Demand outpacing supply"),
        "normal": tr("正常", "Normal"),
        "idle": tr("暂无供需", "No postings"),
    }[level]


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def _finding_text(w: NodeWarning, kind: str, days: int) -> str:
    if kind == "none":
        text = tr("本平台尚无已核验供应商，而在招需求 {d} 项、近 {days} 天新发布需求 {n} 项",
                  "No verified supplier on the platform, against {d} open demands and {n} published "
                  "in the last {days} days", d=w.open_demands, n=w.demands_now, days=days)
        if w.suppliers_unverified:
            text += tr("（另有 {u} 家未核验企业）", " ({u} more enterprises not yet verified)",
                       u=w.suppliers_unverified)
        return text
    if kind == "one_province":
        if w.suppliers == 1:
            return tr("唯一的已核验供应商位于{p}", "The only verified supplier is in {p}", p=w.top_province)
        return tr("全部 {n} 家已核验供应商均位于{p}", "All {n} verified suppliers are in {p}",
                  n=w.suppliers, p=w.top_province)
    if kind == "concentrated":
        parts = []
        if w.provinces > 1 and (w.top_province_share >= TOP_PROVINCE_SHARE or w.province_hhi >= PROVINCE_HHI):
            parts.append(tr("{s} 的已核验供应商位于{p}（省份集中度 HHI {h:.2f}）",
                            "{s} of the verified suppliers are in {p} (province HHI {h:.2f})",
                            s=_pct(w.top_province_share), p=w.top_province, h=w.province_hhi))
        if (w.top_enterprise_share or 0) >= TOP_ENTERPRISE_SHARE:
            parts.append(tr("{e} 持有该环节 {s} 的已核验能力", "{e} holds {s} of the verified capabilities here",
                            e=w.top_enterprise, s=_pct(w.top_enterprise_share)))
        return tr("；", "; ").join(parts)
    if kind == "demand_outpaces":
        return tr("近 {days} 天发布需求 {now} 项，此前同样长的期间 {before} 项，而已核验供应商仅 {s} 家",
                  "{now} demands published in the last {days} days against {before} in the {days} days "
                  "before, and only {s} verified suppliers", days=days, now=w.demands_now,
                  before=w.demands_before, s=w.suppliers)
    if kind == "normal":
        return tr("已核验供应商 {n} 家，分布在 {k} 个省份，未触发预警",
                  "{n} verified suppliers in {k} provinces; no warning", n=w.suppliers, k=w.provinces)
    return tr("本平台在该环节暂无已核验供应商，也无需求", "No verified supplier and no demand on the platform")


def reason_text(w: NodeWarning, days: int = DEFAULT_DAYS) -> str:
    """The reason for ``w``'s level as one sentence (every finding, most severe first)."""
    kinds = w.findings or (w.level,)
    return tr("；", "; ").join(_finding_text(w, kind, days) for kind in kinds) + tr("。", ".")


def _share(value: float | None):
    return None if value is None else round(value * 100, 1)


def export_warnings(report: WarningReport, G: nx.DiGraph, fmt: str, lang: str = "zh") -> bytes:
    """The warnings of every node as an XLSX workbook or a CSV file (UTF-8 with BOM).

    The XLSX has a second sheet with the nodes supplied from one province only.
    """
    p = report.period
    header = [tr("环节", "Node"), tr("环节编号", "Node id"), tr("预警等级", "Warning level"), tr("原因", "Reason"),
              tr("已核验供应商", "Verified suppliers"), tr("省份数", "Provinces"),
              tr("第一省份", "Top province"), tr("第一省份占比（%）", "Top province share (%)"),
              tr("省份 HHI", "Province HHI"), tr("第一企业", "Top enterprise"),
              tr("第一企业能力占比（%）", "Top enterprise share (%)"), tr("在招需求", "Open demands"),
              tr("本期发布需求（{a} 至 {b}）", "Published {a} to {b}", a=p.start, b=p.end),
              tr("上期发布需求（{a} 至 {b}）", "Published {a} to {b}", a=p.previous.start, b=p.previous.end)]

    def name(w):
        return (w.name_en if lang == "en" else None) or w.name

    rows = [[name(w), w.node, level_label(w.level), reason_text(w, p.days), w.suppliers, w.provinces,
             w.top_province, _share(w.top_province_share),
             None if w.province_hhi is None else round(w.province_hhi, 3), w.top_enterprise,
             _share(w.top_enterprise_share), w.open_demands, w.demands_now, w.demands_before]
            for w in report.nodes]
    chain = G.graph["chains"][report.chain]
    title = (chain.get("name_en") if lang == "en" else None) or chain["name"]
    buf = io.BytesIO()
    sheets = []
    if fmt == "xlsx":
        sheets = [(tr("单一省份供应", "One province only"),
                   [tr("环节", "Node"), tr("环节编号", "Node id"), tr("省份", "Province"),
                    tr("已核验供应商", "Verified suppliers")],
                   [[name(w), w.node, w.top_province, w.suppliers] for w in report.single_province])]
    write_table(buf, header, rows, fmt=fmt, title=tr("{c}预警", "{c} warnings", c=title), sheets=sheets)
    return buf.getvalue()
