"""Enterprise profiles: details, size class, qualification claims, public profile data."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..domain import errors as domain_errors
from ..domain import size as size_rules
from ..domain import uscc as uscc_rules
from ..domain.organisations import ORG_TYPES, org_type_label, resolve_org_type
from ..domain.qualifications import display_name, meets, normalize_qualification
from ..domain.regions import english_name, normalize_region
from ..i18n import tr
from ..models import Capability, Demand, Enterprise, Qualification, User
from ..transactions import lock_for_write
from . import audit, verification
from .engines import enterprise_changed
from .errors import ServiceError
from .scope import enterprise_clause, sees_enterprise

__all__ = ["EnterpriseError", "NotAllowedError", "EnterpriseDetails", "Profile", "bilingual", "size_label", "size_rule_text", "industry_label", "region_label", "classify",
           "apply_details", "clean_name", "rename_needs_confirmation_text", "create_enterprise", "profile",
           "update_profile", "add_qualification",
           "remove_qualification", "get_enterprise", "is_member", "can_edit", "directory", "members",
           "org_label", "kind_label", "set_chain_leader"]

SIZE_NAMES = {"micro": ("微型企业", "Micro enterprise"), "small": ("小型企业", "Small enterprise"),
              "medium": ("中型企业", "Medium-sized enterprise"), "large": ("大型企业", "Large enterprise")}
_MEASURE_FIELDS = {"employees": ("employees", "从业人员", "employees"),
                   "revenue": ("revenue_wan", "营业收入", "revenue"),
                   "assets": ("assets_wan", "资产总额", "total assets")}
PROFILE_LIST_LIMIT = 50


class EnterpriseError(ServiceError):
    """A change to an enterprise was refused; ``field`` names the form field at fault."""


class NotAllowedError(EnterpriseError):
    """The user may not change this enterprise (views answer 403)."""


def bilingual(message: str) -> str:
    """Pick the user's half of a domain message written as ``'中文 / English'``."""
    zh, sep, en = str(message).partition(" / ")
    return tr(zh, en) if sep else str(message)


def size_label(size: str | None) -> str:
    zh, en = SIZE_NAMES.get(size or "", ("未划型", "Not classified"))
    return tr(zh, en)


_WAN_AMOUNT = re.compile(r"(?<![\d.,])(\d+(?:\.\d+)?)万元")


def _readable_amount(match: re.Match) -> str:
    wan = float(match.group(1))
    return f"{wan / 10_000:.8g}亿元" if wan >= 10_000 else match.group(0)


def size_rule_text(rule: str | None) -> str:
    """A stored size-class rule as shown on the profile.

    The rule is the standard's Chinese text (:mod:`matchmaker.domain.size` has no
    English one); amounts of 1亿元 and more read in 亿元 ("86亿元", not
    "860000万元"). English pages name the standard in their lead-in, so there the
    text starts after it.
    """
    if not rule:
        return ""
    text = _WAN_AMOUNT.sub(_readable_amount, rule)
    return tr(text, text.removeprefix(size_rules.STANDARD))


def region_label(region: str | None) -> str:
    """A province name in the user's language ('' when unknown)."""
    if not region:
        return ""
    return tr(region, english_name(region) or region)


def industry_label(industry: str | None) -> str:
    """The industry's name in the user's language (the stored name is the standard's Chinese one)."""
    if not industry:
        return "—"
    try:
        row = size_rules.get_industry(industry)
    except domain_errors.SizeError:
        return industry
    return tr(row.name, row.name_en.capitalize())


@dataclass
class EnterpriseDetails:
    """What an enterprise says about itself (everything but the credit code)."""

    name: str
    industry: str
    employees: int | None = None
    revenue_wan: float | None = None
    assets_wan: float | None = None
    region: str | None = None
    city: str | None = None
    description: str | None = None
    contact: dict = field(default_factory=dict)
    #: What the organisation says it is (:data:`~matchmaker.domain.organisations.ORG_TYPES`);
    #: the credit code's category decides between enterprise and 事业单位 etc.
    org_type: str | None = None


def org_label(org_type: str | None) -> str:
    """The organisation kind in the user's language (企业, 高等院校, 科研院所 …)."""
    zh, en = org_type_label(org_type)
    return tr(zh, en)


def kind_label(ent: Enterprise) -> str:
    """What a list shows of an organisation: an enterprise's size class, else its kind (高等院校 …)."""
    return size_label(ent.size) if ent.is_enterprise else org_label(ent.org_type)


def _org_type_of(code: str | None, declared: str | None, name: str) -> str:
    kind = uscc_rules.validate(code).entity_kind if code else None
    return resolve_org_type(kind, declared, name)


def _known_industry(name: str | None) -> str | None:
    try:
        return size_rules.get_industry(name).name if name else None
    except domain_errors.SizeError:
        return None


def classify(details: EnterpriseDetails) -> size_rules.SizeResult:
    """The size class of 工信部联企业〔2011〕300号 for ``details``, or an error naming the field."""
    try:
        row = size_rules.get_industry(details.industry)
    except domain_errors.UnknownIndustryError:
        raise EnterpriseError(tr("请选择所属行业。", "Choose the industry."), "industry") from None
    for measure in row.measures:
        name, measure_zh, measure_en = _MEASURE_FIELDS[measure]
        if getattr(details, name) is None:
            needed_zh = "、".join(_MEASURE_FIELDS[m][1] for m in row.measures)
            needed_en = " and ".join(_MEASURE_FIELDS[m][2] for m in row.measures)
            raise EnterpriseError(tr("{industry}按{needed}划型，请填写{measure}。",
                                     "{industry} is classified by {needed}; enter the {measure}.",
                                     industry=tr(row.name, row.name_en), needed=tr(needed_zh, needed_en),
                                     measure=tr(measure_zh, measure_en)), name)
    try:
        return size_rules.classify(row.name, details.employees, details.revenue_wan, details.assets_wan)
    except domain_errors.SizeError as exc:
        raise EnterpriseError(bilingual(str(exc))) from None


def apply_details(ent: Enterprise, details: EnterpriseDetails) -> size_rules.SizeResult | None:
    """Copy ``details`` onto ``ent`` and recompute its size class (stored with the rule used).

    The kind of organisation follows the credit code (a 事业单位 may say whether it is a
    university or an institute). Only enterprises have a size class: universities,
    institutes and other public bodies are not classed by the SME size standard, so
    for them the industry and the measures are optional and the result is None.
    """
    name = clean_name(details.name)
    if len(name) < 2:
        raise EnterpriseError(tr("请填写单位全称。", "Enter the organisation's full registered name."), "name")
    if details.org_type and details.org_type not in ORG_TYPES:
        raise EnterpriseError(tr("请选择单位类型。", "Choose the kind of organisation."), "org_type")
    org_type = _org_type_of(ent.uscc, details.org_type or ent.org_type, name)
    result = classify(details) if org_type == "enterprise" else None
    region = normalize_region(details.region) if details.region else None
    if details.region and region is None:
        raise EnterpriseError(tr("请选择省份。", "Choose a province."), "region")
    ent.name = name
    ent.org_type = org_type
    if result is None:
        ent.industry = _known_industry(details.industry)
        ent.size, ent.size_rule = None, None
    else:
        ent.industry = result.industry
    ent.employees = details.employees
    ent.revenue_wan = details.revenue_wan
    ent.assets_wan = details.assets_wan
    ent.region = region
    ent.city = (details.city or "").strip() or None
    ent.description = (details.description or "").strip() or None
    ent.contact = {k: v.strip() for k, v in (details.contact or {}).items() if v and v.strip()}
    if result is not None:
        ent.size = result.size
        ent.size_rule = result.rule
    return result


def create_enterprise(session: Session, uscc: str, details: EnterpriseDetails) -> Enterprise:
    """A new, unverified enterprise; ``uscc`` must already be validated and normalised."""
    ent = Enterprise(uscc=uscc, contact={}, chains=[], chain_leader_of=[])
    apply_details(ent, details)
    session.add(ent)
    session.flush()
    return ent


def get_enterprise(session: Session, enterprise_id: int) -> Enterprise | None:
    return session.get(Enterprise, enterprise_id)


def is_member(user, enterprise_id: int) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.enterprise_id == enterprise_id
                and user.role == "enterprise")


def can_edit(user, enterprise_id: int) -> bool:
    """Members edit their enterprise; admins may correct any."""
    return is_member(user, enterprise_id) or bool(getattr(user, "is_authenticated", False) and user.is_admin)


def _editable(session: Session, actor, enterprise_id: int) -> Enterprise:
    ent = session.get(Enterprise, enterprise_id)
    if ent is None:
        raise EnterpriseError(tr("企业不存在。", "No such enterprise."))
    if not can_edit(actor, enterprise_id):
        raise NotAllowedError(tr("只有本企业成员可以修改企业资料。", "Only members of the enterprise may change it."))
    return ent


@dataclass
class Profile:
    enterprise: Enterprise
    qualifications: list[Qualification]
    capabilities: list[Capability]
    demands: list[Demand]
    capability_count: int
    demand_count: int
    member_count: int


def profile(session: Session, enterprise_id: int) -> Profile | None:
    """Everything the public profile page shows, or None for an unknown id."""
    ent = session.get(Enterprise, enterprise_id, options=[selectinload(Enterprise.qualifications)])
    if ent is None:
        return None
    caps = select(Capability).where(Capability.enterprise_id == enterprise_id, Capability.active.is_(True))
    dems = select(Demand).where(Demand.enterprise_id == enterprise_id, Demand.status == "published")
    count = lambda stmt: session.scalar(select(func.count()).select_from(stmt.subquery())) or 0  # noqa: E731
    return Profile(
        enterprise=ent,
        qualifications=sorted(ent.qualifications, key=lambda q: (not q.verified, q.canonical)),
        capabilities=list(session.scalars(caps.order_by(Capability.updated_at.desc()).limit(PROFILE_LIST_LIMIT))),
        demands=list(session.scalars(dems.order_by(Demand.published_at.desc().nulls_last(), Demand.id.desc())
                                     .limit(PROFILE_LIST_LIMIT))),
        capability_count=count(caps),
        demand_count=count(dems),
        member_count=session.scalar(select(func.count()).select_from(User).where(
            User.enterprise_id == enterprise_id, User.active.is_(True))) or 0,
    )


def clean_name(name: str | None) -> str:
    """An organisation's name as stored: runs of spaces made one, none at the ends."""
    return " ".join((name or "").split())


def rename_needs_confirmation_text() -> str:
    return tr("已核验的单位更名后需平台重新核验。如确需更名，请勾选“我了解：更名后需重新核验”后再保存；否则请保留原名称。",
              "A verified organisation's new name must be checked again. To rename it, tick “I understand: a new "
              "name needs a new check” and save again; otherwise keep the present name.")


def update_profile(session: Session, actor, enterprise_id: int, details: EnterpriseDetails,
                   confirm_rename: bool = False) -> Enterprise:
    """Change an enterprise's details (see :mod:`.verification` for what that does to its verification).

    A member renaming a verified organisation must confirm that the new name needs a new check
    (``confirm_rename``); otherwise nothing changes and the refusal names the ``name`` field.
    """
    ent = _editable(session, actor, enterprise_id)
    ent = lock_for_write(session, ent)  # an admin deciding on its verification meanwhile waits, and the reverse
    old_name, old_size, old_type = ent.name, ent.size, ent.org_type
    rename_lifts = verification.needs_rename_confirmation(ent, clean_name(details.name), actor)
    apply_details(ent, details)  # refuses bad details first; a refusal below is rolled back all the same
    if rename_lifts and not confirm_rename:
        raise EnterpriseError(rename_needs_confirmation_text(), "name")
    renamed = ent.name != old_name
    outcome = verification.after_member_edit(ent, old_name, actor)
    audit.record(session, actor.id, "enterprise.update", ent, renamed_from=old_name if renamed else None,
                 size=ent.size if ent.size != old_size else None,
                 org_type=ent.org_type if ent.org_type != old_type else None, verification=outcome)
    return ent


def add_qualification(session: Session, actor, enterprise_id: int, name: str,
                      certificate_no: str | None = None, valid_until: dt.date | None = None) -> Qualification:
    """Add a qualification claim; it stays a claim until an admin verifies it."""
    ent = _editable(session, actor, enterprise_id)
    canonical = normalize_qualification(name or "")
    if not canonical:
        raise EnterpriseError(tr("请填写资质名称。", "Enter the qualification's name."), "name")
    # The same certificate however written: an undated ISO 9001 is the ISO 9001:2015 already listed.
    if any(meets([name], [q.name]) and meets([q.name], [name]) for q in ent.qualifications):
        raise EnterpriseError(tr("已登记该资质：{name}", "This qualification is already listed: {name}",
                                 name=display_name(canonical)), "name")
    if valid_until and valid_until < dt.date.today():
        raise EnterpriseError(tr("有效期已过，请上传仍在有效期内的证书。",
                                 "The certificate has expired; add one that is still valid."), "valid_until")
    qual = Qualification(name=" ".join(name.split())[:80], canonical=canonical[:80],
                         certificate_no=(certificate_no or "").strip() or None, valid_until=valid_until)
    ent.qualifications.append(qual)
    enterprise_changed(ent)
    session.flush()
    audit.record(session, actor.id, "qualification.claim", qual, enterprise_id=enterprise_id, name=qual.name)
    return qual


def remove_qualification(session: Session, actor, enterprise_id: int, qualification_id: int) -> None:
    ent = _editable(session, actor, enterprise_id)
    qual = session.get(Qualification, qualification_id)
    if qual is None or qual.enterprise_id != ent.id:
        raise EnterpriseError(tr("资质不存在。", "No such qualification."))
    audit.record(session, actor.id, "qualification.remove", qual, enterprise_id=enterprise_id, name=qual.name,
                 was_verified=qual.verified)
    ent.qualifications.remove(qual)
    enterprise_changed(ent)


def members(session: Session, enterprise_id: int) -> dict:
    """Active members and pending join requests of an enterprise."""
    return {
        "members": list(session.scalars(select(User).where(User.enterprise_id == enterprise_id)
                                        .order_by(User.created_at))),
        "pending": list(session.scalars(select(User).where(User.pending_enterprise_id == enterprise_id)
                                        .order_by(User.created_at))),
    }


def directory(region: str | None = None, size: str | None = None, verified: bool | None = None,
              org_type: str | None = None, within=None):
    """A select of organisations for the directory page, verified first, then by name.

    ``within`` (a :class:`~matchmaker.domain.scope.Scope`) keeps those located in an organiser's region.
    """
    stmt = select(Enterprise)
    clause = enterprise_clause(within) if within is not None else None
    if clause is not None:
        stmt = stmt.where(clause)
    if org_type in ORG_TYPES:
        stmt = stmt.where(Enterprise.org_type == org_type)
    if region:
        stmt = stmt.where(Enterprise.region == region)
    if size in SIZE_NAMES:
        stmt = stmt.where(Enterprise.size == size)
    if verified is not None:
        stmt = stmt.where(Enterprise.verified.is_(verified))
    return stmt.order_by(Enterprise.verified.desc(), Enterprise.name)


def set_chain_leader(session: Session, actor, enterprise_id: int, chain_ids, known_chains) -> Enterprise:
    """Designate an organisation 链主 of the chains ``chain_ids`` (an empty list withdraws it).

    链主 is a designation that organisers grant (携手行动: 链主企业 named by the
    authorities), not a size: only organisers and admins may set it, only for
    chains the platform knows, only for verified enterprises, and only within the organiser's region.
    """
    if not (getattr(actor, "is_authenticated", False) and actor.role in ("organiser", "admin")):
        raise NotAllowedError(tr("链主由组织方认定。", "Only organisers designate chain leaders."))
    ent = session.get(Enterprise, enterprise_id)
    if ent is None:
        raise EnterpriseError(tr("企业不存在。", "No such enterprise."))
    if not sees_enterprise(actor, ent):
        raise NotAllowedError(tr("该企业不在您的管辖范围内。", "This enterprise lies outside your region."))
    chosen = []
    for chain_id in chain_ids or ():
        if chain_id not in known_chains:
            raise EnterpriseError(tr("未知的产业链：{c}", "Unknown chain: {c}", c=chain_id), "chains")
        if chain_id not in chosen:
            chosen.append(chain_id)
    if chosen and not (ent.verified and ent.org_type == "enterprise"):
        raise EnterpriseError(tr("只有已核验的企业可以认定为链主。", "Only verified enterprises can be chain leaders."),
                              "chains")
    previous = list(ent.chain_leader_of or [])
    ent.chain_leader_of = chosen
    session.flush()
    audit.record(session, actor.id, "enterprise.chain_leader", ent, chains=chosen, previous=previous)
    return ent
