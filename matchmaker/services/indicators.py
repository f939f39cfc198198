"""融通 indicators: what each large enterprise (and 链主) in a region did with SMEs over a period.

For the 携手行动 evaluation of large enterprises' integration with SMEs. Every
indicator (:data:`INDICATORS`) has a stable key, a Chinese and an English name,
a one-sentence definition and a unit; :func:`compute` returns one row per
enterprise in the viewer's region (:mod:`matchmaker.services.scope`), the
region's totals (sums, distinct SMEs and overall shares, never an average of
shares) and monthly trend series. Periods are dates in Beijing time, both ends
included.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from ..domain import payment
from ..domain._sme_tiers import LITTLE_GIANT, SRDI
from ..domain.errors import PaymentTermError
from ..domain.qualifications import qualification_set
from ..i18n import tr
from ..models import (
    Application,
    AuditLog,
    Demand,
    Enterprise,
    Event,
    EventParticipant,
    Meeting,
    OpenResource,
    Qualification,
    ResourceRequest,
)
from .payment_terms import buyer_of
from .postings.fields import json_list_contains_any, today
from .scope import Scope, enterprise_clause

__all__ = ["INDICATORS", "INVITE_ACTIONS", "SME_SIZES", "Indicator", "Period", "Report", "Row", "compute",
           "default_period", "indicator", "sort_rows"]

BEIJING = ZoneInfo("Asia/Shanghai")
SME_SIZES = ("micro", "small", "medium")
INVITE_ACTIONS = ("demand.invite_apply", "demand.invite_meet")
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Indicator:
    """One indicator: ``kind`` is ``count``, ``amount`` (万元) or ``share`` (0–1)."""

    key: str
    zh: str
    en: str
    definition_zh: str
    definition_en: str
    unit_zh: str
    unit_en: str
    kind: str = "count"

    @property
    def name(self) -> str:
        return tr(self.zh, self.en)

    @property
    def definition(self) -> str:
        return tr(self.definition_zh, self.definition_en)

    @property
    def unit(self) -> str:
        return tr(self.unit_zh, self.unit_en)

    def explained(self, days: int, lang: str | None = None) -> str:
        """The definition with N replaced by ``days``; ``lang`` zh, en or None for the reader's language."""
        zh, en = self.definition_zh.replace("N 天", f"{days} 天"), self.definition_en.replace("N days", f"{days} days")
        return {"zh": zh, "en": en}.get(lang) or tr(zh, en)


def _i(key, zh, en, dzh, den, uzh="项", uen="items", kind="count"):
    return Indicator(key, zh, en, dzh, den, uzh, uen, kind)


_PCT = ("%", "%", "share")
INDICATORS: tuple[Indicator, ...] = (
    _i("demands_posted", "发布采购需求", "Procurement demands posted",
       "期内发布（发布时间在期内）的采购需求条数。", "Procurement demands published in the period."),
    _i("challenges_posted", "发布揭榜挂帅", "Challenges posted",
       "期内发布的揭榜挂帅榜单条数。", "Open challenges published in the period."),
    _i("answered_share", "需求按时响应率", "Demands answered in time",
       "期内发布的需求和榜单中，发布后 N 天内收到至少一份报名（报价或揭榜）的比例。",
       "Share of the demands and challenges published in the period that received at least one application "
       "within N days of publication.", *_PCT),
    _i("smes_invited", "邀请中小企业", "SMEs invited",
       "期内该企业就其需求邀请报名或洽谈的中小企业家数（去重）。",
       "Distinct SMEs the enterprise invited, in the period, to apply to or meet about one of its demands.",
       "家", "SMEs"),
    _i("smes_applied", "报名中小企业", "SMEs applied",
       "期内向该企业需求提交报名的中小企业家数（去重）。",
       "Distinct SMEs that applied to the enterprise's demands in the period.", "家", "SMEs"),
    _i("smes_shortlisted", "入围中小企业", "SMEs shortlisted",
       "期内报名且目前处于入围或已接受状态的中小企业家数（去重）。",
       "Distinct SMEs whose applications made in the period are shortlisted or accepted.", "家", "SMEs"),
    _i("smes_contracted", "达成合作中小企业", "SMEs contracted",
       "期内报名并被接受，或与该企业（采购方）在对接会后签约（签约日期在期内）的中小企业家数（去重）。",
       "Distinct SMEs whose application made in the period was accepted, or that signed a contract dated in the "
       "period with the enterprise as buyer after a fair.", "家", "SMEs"),
    _i("challenge_awards", "揭榜挂帅揭榜", "Challenge awards",
       "该企业榜单上期内提交并被接受的揭榜申请数。",
       "Applications to the enterprise's challenges made in the period and accepted."),
    _i("resources_published", "发布开放资源", "Open resources published",
       "期内新发布的开放创新资源数。", "Open innovation resources the enterprise published in the period."),
    _i("resources_used", "开放资源使用", "Open resources used",
       "期内提出、已获同意的开放资源使用申请数。",
       "Requests to use the enterprise's open resources made in the period and approved.", "次", "requests"),
    _i("fairs_attended", "参加对接会", "Fairs attended",
       "该企业作为采购方获准参加、且举办日期在期内的对接会场数。",
       "Fairs dated in the period that the enterprise attended as an approved buyer.", "场", "fairs"),
    _i("meetings_held", "洽谈场次", "Meetings held",
       "期内对接会上该企业作为采购方实际举行（已签到）的洽谈场次。",
       "Meetings checked in as held, at fairs dated in the period, with the enterprise as buyer.",
       "场", "meetings"),
    _i("contracts_signed", "与中小企业签约", "Contracts signed with SMEs",
       "对接会洽谈后签约、签约日期在期内、该企业为采购方、供应方为中小企业的合同数。",
       "Contracts signed after fair meetings, dated in the period, with the enterprise as buyer and an SME as "
       "supplier.", "项", "contracts"),
    _i("contract_amount", "签约金额", "Contract amount",
       "上述与中小企业所签合同的金额合计（万元）。", "Total amount of those contracts with SMEs, in 10k CNY.",
       "万元", "10k CNY", "amount"),
    _i("srdi_share", "专精特新占比", "SRDI share",
       "达成合作的中小企业中，持有经核验的专精特新中小企业（省级）或专精特新“小巨人”资质的比例；仅申报未核验的不计。",
       "Share of the contracted SMEs holding a verified provincial SRDI or “Little Giant” designation; "
       "unverified claims do not count.", *_PCT),
    _i("little_giant_share", "小巨人占比", "Little Giant share",
       "达成合作的中小企业中，持有经核验的专精特新“小巨人”资质的比例。",
       "Share of the contracted SMEs holding a verified “Little Giant” designation.", *_PCT),
    _i("payment_compliant_share", "付款期限合规率", "Payment terms within the limit",
       "期内发布的需求中，所填付款条款符合《保障中小企业款项支付条例》（大型企业自交付起 60 日内付款）的比例；"
       "未填写付款期限的计入分母、不算合规。",
       "Share of the demands published in the period whose stated payment terms keep to 《保障中小企业款项支付条例》 "
       "(60 days from delivery for a large buyer); demands stating no term count in the base, not as compliant.",
       *_PCT),
    _i("payment_undeclared", "未填付款期限", "No payment term stated",
       "期内发布的需求中未填写付款期限的条数。", "Demands published in the period that state no payment term."),
)
_BY_KEY = {ind.key: ind for ind in INDICATORS}
#: Shares: (numerator, denominator) names in :attr:`Row.parts`.
SHARES = {"answered_share": ("answered", "published"), "srdi_share": ("srdi", "contracted"),
          "little_giant_share": ("little_giant", "contracted"),
          "payment_compliant_share": ("compliant", "published")}
_SME_SETS = ("smes_invited", "smes_applied", "smes_shortlisted", "smes_contracted")
TREND_SERIES = ("demands", "applications", "contracts", "amount")


def indicator(key: str) -> Indicator:
    return _BY_KEY[key]


@dataclass(frozen=True)
class Period:
    """Dates in Beijing time, both included."""

    start: dt.date
    end: dt.date

    def _utc(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), BEIJING).astimezone(dt.UTC)

    @property
    def start_utc(self) -> dt.datetime:
        return self._utc(self.start)

    @property
    def end_utc(self) -> dt.datetime:
        """The first instant after the period."""
        return self._utc(self.end + dt.timedelta(days=1))

    def months(self) -> list[str]:
        out, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def default_period(now: dt.datetime | None = None) -> Period:
    """This calendar year to date, in Beijing time."""
    today = (now or dt.datetime.now(dt.UTC)).astimezone(BEIJING).date()
    return Period(dt.date(today.year, 1, 1), today)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite hands stored UTC back naive


def _month(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        value = _aware(value).astimezone(BEIJING)
    return f"{value.year:04d}-{value.month:02d}"


@dataclass
class Row:
    """One enterprise's indicators (``enterprise`` is None for the region's totals)."""

    enterprise: Enterprise | None
    counts: Counter = field(default_factory=Counter)
    amount: float = 0.0
    smes: dict[str, set] = field(default_factory=lambda: {key: set() for key in _SME_SETS})
    parts: Counter = field(default_factory=Counter)
    trend: dict[str, Counter] = field(default_factory=lambda: {s: Counter() for s in TREND_SERIES})

    def value(self, key: str):
        """The indicator's value: a count, 万元, or a share 0–1 (None when its base is empty)."""
        if key in SHARES:
            num, den = SHARES[key]
            return self.parts[num] / self.parts[den] if self.parts[den] else None
        if key in self.smes:
            return len(self.smes[key])
        if key == "contract_amount":
            return round(self.amount, 2)
        return self.counts[key]

    def values(self) -> dict:
        return {ind.key: self.value(ind.key) for ind in INDICATORS}

    def share_parts(self, key: str) -> tuple[int, int]:
        num, den = SHARES[key]
        return self.parts[num], self.parts[den]

    def funnel(self) -> list[tuple[str, int]]:
        return [(tr("发布需求", "Demands posted"), self.counts["demands_posted"] + self.counts["challenges_posted"]),
                (tr("报名中小企业", "SMEs applied"), len(self.smes["smes_applied"])),
                (tr("入围中小企业", "SMEs shortlisted"), len(self.smes["smes_shortlisted"])),
                (tr("达成合作中小企业", "SMEs contracted"), len(self.smes["smes_contracted"]))]

    def series(self, months: list[str]) -> dict[str, list[float]]:
        return {s: [round(float(self.trend[s][m]), 2) for m in months] for s in TREND_SERIES}


@dataclass
class Report:
    scope: Scope
    period: Period
    days: int
    rows: list[Row]
    totals: Row
    months: list[str]
    #: The chain the report is limited to (None: every chain), named in exports' titles.
    chain: str | None = None


def _candidates(session: Session, scope: Scope, chain_nodes, chain: str | None, enterprise_id: int | None):
    stmt = select(Enterprise).where(or_(Enterprise.size == "large",
                                        and_(Enterprise.verified.is_(True), Enterprise.chain_leader_of.isnot(None))))
    clause = enterprise_clause(scope)
    if clause is not None:
        stmt = stmt.where(clause)
    if enterprise_id is not None:
        stmt = stmt.where(Enterprise.id == enterprise_id)
    found = [e for e in session.scalars(stmt.order_by(Enterprise.name, Enterprise.id)) if e.is_large or e.is_chain_leader]
    if chain is None:
        return found
    on_chain = set()
    if chain_nodes:
        on_chain = set(session.scalars(select(Demand.enterprise_id).where(
            Demand.enterprise_id.in_([e.id for e in found]), json_list_contains_any(Demand.chain_nodes, chain_nodes))))
    return [e for e in found if chain in (e.chains or []) or e.id in on_chain]


def _compliant(demand: Demand) -> bool:
    try:
        return payment.review(buyer_of(demand.enterprise), demand.payment_days, acceptance_days=demand.acceptance_days,
                              method=demand.payment_method, instrument_days=demand.instrument_days,
                              third_party=bool(demand.third_party_condition), terms_text=demand.payment_terms).ok
    except PaymentTermError:
        return False


def _in(column, period: Period):
    return and_(column >= period.start_utc, column < period.end_utc)


def _demands(session, rows, period, days):
    ids = list(rows)
    owner = dict(session.execute(select(Demand.id, Demand.enterprise_id).where(Demand.enterprise_id.in_(ids))).all())
    kinds = dict(session.execute(select(Demand.id, Demand.kind).where(Demand.enterprise_id.in_(ids))).all())
    published = list(session.scalars(select(Demand).where(Demand.enterprise_id.in_(ids), _in(Demand.published_at, period))))
    first_answer: dict[int, dt.datetime] = {}
    if published:
        for demand_id, created in session.execute(select(Application.demand_id, Application.created_at).where(
                Application.demand_id.in_([d.id for d in published]))):
            created = _aware(created)
            if demand_id not in first_answer or created < first_answer[demand_id]:
                first_answer[demand_id] = created
    for d in published:
        row = rows[d.enterprise_id]
        row.counts["demands_posted" if d.kind == "procurement" else "challenges_posted"] += 1
        row.trend["demands"][_month(d.published_at)] += 1
        row.parts["published"] += 1
        answer = first_answer.get(d.id)
        if answer is not None and answer <= _aware(d.published_at) + dt.timedelta(days=days):
            row.parts["answered"] += 1
        if d.payment_days is None:
            row.counts["payment_undeclared"] += 1
        elif _compliant(d):
            row.parts["compliant"] += 1
    return owner, kinds


def _applications(session, rows, period, owner, kinds):
    applicant = aliased(Enterprise)
    stmt = (select(Application.demand_id, Application.enterprise_id, Application.status, Application.created_at,
                   applicant.size).join(Demand, Demand.id == Application.demand_id)
            .join(applicant, applicant.id == Application.enterprise_id)
            .where(Demand.enterprise_id.in_(list(rows)), _in(Application.created_at, period)))
    for demand_id, sme_id, status, created, size in session.execute(stmt):
        row = rows[owner[demand_id]]
        row.trend["applications"][_month(created)] += 1
        if status == "accepted" and kinds[demand_id] == "challenge":
            row.counts["challenge_awards"] += 1
        if size not in SME_SIZES:
            continue
        row.smes["smes_applied"].add(sme_id)
        if status in ("shortlisted", "accepted"):
            row.smes["smes_shortlisted"].add(sme_id)
        if status == "accepted":
            row.smes["smes_contracted"].add(sme_id)


def _invitations(session, rows, period, owner):
    entries = session.execute(select(AuditLog.object_id, AuditLog.details).where(
        AuditLog.action.in_(INVITE_ACTIONS), AuditLog.object_type == "Demand", _in(AuditLog.created_at, period))).all()
    invited = []
    for object_id, details in entries:
        try:
            demand_id, supplier = int(object_id), int((details or {}).get("supplier"))
        except (TypeError, ValueError):
            continue
        if demand_id in owner:
            invited.append((owner[demand_id], supplier))
    if not invited:
        return
    smes = set(session.scalars(select(Enterprise.id).where(
        Enterprise.id.in_({s for _e, s in invited}), Enterprise.size.in_(SME_SIZES))))
    for enterprise_id, supplier in invited:
        if supplier in smes:
            rows[enterprise_id].smes["smes_invited"].add(supplier)


def _resources(session, rows, period):
    ids = list(rows)
    for enterprise_id, in session.execute(select(OpenResource.enterprise_id).where(
            OpenResource.enterprise_id.in_(ids), _in(OpenResource.created_at, period))):
        rows[enterprise_id].counts["resources_published"] += 1
    for enterprise_id, in session.execute(
            select(OpenResource.enterprise_id).join(ResourceRequest, ResourceRequest.resource_id == OpenResource.id)
            .where(OpenResource.enterprise_id.in_(ids), ResourceRequest.status == "approved",
                   _in(ResourceRequest.created_at, period))):
        rows[enterprise_id].counts["resources_used"] += 1


def _fairs(session, rows, period):
    ids = list(rows)
    # A fair counts once it has taken place (not a draft, not still ahead).
    in_period = and_(Event.date >= period.start, Event.date <= min(period.end, today()),
                     Event.status != "draft")
    for enterprise_id, in session.execute(
            select(EventParticipant.enterprise_id).join(Event, Event.id == EventParticipant.event_id)
            .where(EventParticipant.enterprise_id.in_(ids), EventParticipant.role == "buyer",
                   EventParticipant.status == "approved", in_period)):
        rows[enterprise_id].counts["fairs_attended"] += 1
    buyer = aliased(EventParticipant)
    for enterprise_id, in session.execute(
            select(buyer.enterprise_id).join(Meeting, Meeting.buyer_id == buyer.id).join(Event, Event.id == Meeting.event_id)
            .where(buyer.enterprise_id.in_(ids), Meeting.status == "scheduled", Meeting.checkin == "held",
                   in_period)):
        rows[enterprise_id].counts["meetings_held"] += 1


def _contracts(session, rows, period):
    buyer, supplier, firm = aliased(EventParticipant), aliased(EventParticipant), aliased(Enterprise)
    stmt = (select(buyer.enterprise_id, supplier.enterprise_id, Meeting.contract_amount, Meeting.contract_date)
            .join(buyer, buyer.id == Meeting.buyer_id).join(supplier, supplier.id == Meeting.supplier_id)
            .join(firm, firm.id == supplier.enterprise_id)
            .where(buyer.enterprise_id.in_(list(rows)), Meeting.status == "scheduled", Meeting.stage == "signed",
                   firm.size.in_(SME_SIZES),
                   Meeting.contract_date >= period.start, Meeting.contract_date <= period.end))
    for enterprise_id, sme_id, amount, date in session.execute(stmt):
        row = rows[enterprise_id]
        row.counts["contracts_signed"] += 1
        row.amount += float(amount or 0)
        row.smes["smes_contracted"].add(sme_id)
        row.trend["contracts"][_month(date)] += 1
        row.trend["amount"][_month(date)] += float(amount or 0)


def _tiers(session, contracted: set) -> dict[int, set]:
    """The quality-SME tiers (:data:`SRDI`, :data:`LITTLE_GIANT`) each SME holds by verified qualifications."""
    names: dict[int, list] = defaultdict(list)
    if contracted:
        for enterprise_id, name in session.execute(select(Qualification.enterprise_id, Qualification.name).where(
                Qualification.enterprise_id.in_(contracted), Qualification.verified.is_(True))):
            names[enterprise_id].append(name)
    return {e: {t for t in (SRDI, LITTLE_GIANT) if t in qualification_set(n)} for e, n in names.items()}


def _count_tiers(row: Row, tiers: dict[int, set]) -> None:
    contracted = row.smes["smes_contracted"]
    row.parts["contracted"] = len(contracted)
    row.parts["srdi"] = sum(1 for e in contracted if SRDI in tiers.get(e, ()))
    row.parts["little_giant"] = sum(1 for e in contracted if LITTLE_GIANT in tiers.get(e, ()))


def _total(rows: list[Row], tiers) -> Row:
    total = Row(None)
    for row in rows:
        total.counts.update(row.counts)
        total.amount += row.amount
        for key in _SME_SETS:
            total.smes[key] |= row.smes[key]
        for key in ("published", "answered", "compliant"):
            total.parts[key] += row.parts[key]
        for series in TREND_SERIES:
            total.trend[series].update(row.trend[series])
    _count_tiers(total, tiers)
    return total


def compute(session: Session, scope: Scope, period: Period, days: int = DEFAULT_DAYS, chain: str | None = None,
            chain_nodes: list[str] | None = None, enterprise_id: int | None = None) -> Report:
    """The indicators of the large enterprises and 链主 in ``scope`` over ``period``.

    ``chain`` keeps the enterprises on that chain (listed in their chains, or
    posting demands on one of its ``chain_nodes``); ``enterprise_id`` only that
    one (none when it is outside ``scope``). ``days`` is the N of the answered share.
    """
    enterprises = _candidates(session, scope, chain_nodes or [], chain, enterprise_id)
    rows = {e.id: Row(e) for e in enterprises}
    if rows:
        owner, kinds = _demands(session, rows, period, days)
        _applications(session, rows, period, owner, kinds)
        _invitations(session, rows, period, owner)
        _resources(session, rows, period)
        _fairs(session, rows, period)
        _contracts(session, rows, period)
    ordered = list(rows.values())
    tiers = _tiers(session, set().union(*(r.smes["smes_contracted"] for r in ordered)) if ordered else set())
    for row in ordered:
        _count_tiers(row, tiers)
    return Report(scope, period, days, ordered, _total(ordered, tiers), period.months(), chain)


def sort_rows(rows: list[Row], key: str | None) -> list[Row]:
    """Rows by an indicator, highest first (blank shares last), or by name for ``name`` or an unknown key."""
    if key not in _BY_KEY:
        return sorted(rows, key=lambda r: (r.enterprise.name, r.enterprise.id))
    return sorted(rows, key=lambda r: (r.value(key) is None, -(r.value(key) or 0), r.enterprise.name, r.enterprise.id))
