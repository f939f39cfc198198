"""创新联合体: the partners a lead applicant names when answering a challenge, and their consent.

The lead names its partners by name, with a credit code where they have one.
A partner registered on the platform is asked to confirm: until it does, the
buyer sees it as named by the applicant, not as a member that agreed. A partner
that is not on the platform cannot confirm and is shown as such. A partner
sees a short page of its own (the challenge, the lead, its role, the other
members): never the proposal, price or files, which stay the lead's.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..domain import uscc as uscc_rules
from ..domain.organisations import PARTNER_ROLES, clean_partners
from ..i18n import tr
from ..models import Application, Demand, Enterprise
from . import audit
from .enterprises import bilingual
from .errors import NotAllowed, NotFound, ServiceError
from .postings.notices import tell_enterprise

__all__ = ["PARTNER_STATES", "answer", "name_partners", "partner_role_label", "partner_state_label",
           "partnership_of", "tell_partners"]

#: Where a named partner stands: asked and not answered, agreed, declined, or not on the platform.
PARTNER_STATES = {
    "pending": ("待成员确认", "awaiting the partner's confirmation"),
    "confirmed": ("成员已确认", "confirmed by the partner"),
    "declined": ("成员已拒绝", "declined by the partner"),
    "unregistered": ("未在平台注册，未经确认", "not on the platform, not confirmed"),
}


def partner_role_label(role: str | None) -> str:
    zh, en = PARTNER_ROLES.get(role or "member", PARTNER_ROLES["member"])
    return tr(zh, en)


def partner_state_label(state: str | None) -> str:
    zh, en = PARTNER_STATES.get(state or "unregistered", PARTNER_STATES["unregistered"])
    return tr(zh, en)


def _check_code(code: str) -> str:
    result = uscc_rules.validate(code)
    if not result.valid:
        zh, _, en = str(result.reason).partition(" / ")
        raise ValueError(f"统一社会信用代码无效：{zh} / invalid credit code: {en or zh}")
    return result.code


def name_partners(session: Session, demand: Demand, lead: Enterprise, rows) -> list[dict]:
    """The 联合体's partners as stored: ``{"name", "credit_code", "role", "enterprise_id", "state"}``.

    Raises :class:`ServiceError` (field ``partners``) naming every refused row at once.
    """
    partners, problems = clean_partners(rows or (), _check_code)
    if partners and demand.kind != "challenge":
        raise ServiceError(tr("联合体申报只适用于揭榜挂帅榜单；采购需求请以本单位名义报价。",
                              "Consortia answer challenges only; quote for a procurement in your own name."),
                           field="partners")
    owner = demand.enterprise
    for number, partner in enumerate(partners, start=1):
        code = partner["credit_code"]
        found = session.scalar(select(Enterprise).where(Enterprise.uscc == code)) if code else None
        if found is None and not code:
            found = session.scalar(select(Enterprise).where(Enterprise.name == partner["name"]))
        if (found is not None and found.id == lead.id) or partner["name"] == lead.name \
                or (code is not None and code == lead.uscc):
            problems.append((number, "牵头单位不必列为联合体成员 / the lead applicant is not its own partner"))
        elif (found is not None and found.id == demand.enterprise_id) or partner["name"] == owner.name \
                or (code is not None and code == owner.uscc):
            problems.append((number, "发榜单位不能作为联合体成员 / the challenge's owner cannot be a partner"))
        partner["enterprise_id"] = found.id if found is not None else None
        partner["state"] = "pending" if found is not None else "unregistered"
    if problems:
        raise ServiceError(tr("；", "; ").join(tr("第{n}位成员：{m}", "Partner {n}: {m}", n=n, m=bilingual(m))
                                              for n, m in sorted(problems)), field="partners")
    return partners


def tell_partners(session: Session, application: Application, link_for=None) -> None:
    """Ask every registered partner of ``application`` to confirm."""
    demand, lead = application.demand, application.enterprise
    for partner in application.partners or []:
        if partner.get("state") == "pending":
            tell_enterprise(session, partner["enterprise_id"],
                            tr("{e}将贵单位列为揭榜联合体成员（{r}），申报《{t}》；请确认或拒绝。",
                               "{e} named your organisation as a consortium partner ({r}) for “{t}”; "
                               "please confirm or decline.",
                               e=lead.name, r=partner_role_label(partner["role"]), t=demand.title),
                            link_for(application) if link_for else None)


def partnership_of(session: Session, application_id: int, enterprise_id: int | None) -> tuple[Application, dict]:
    """The application and this organisation's partner entry in it; :class:`NotFound` for anyone else."""
    application = session.get(Application, application_id,
                              options=[joinedload(Application.demand).joinedload(Demand.enterprise),
                                       joinedload(Application.enterprise)])
    entry = next((p for p in (application.partners or []) if p.get("enterprise_id") == enterprise_id), None) \
        if application is not None and enterprise_id is not None else None
    if entry is None:
        raise NotFound()
    return application, entry


def answer(session: Session, application: Application, enterprise_id: int, user_id: int | None, accept: bool,
           link: str | None = None) -> dict:
    """The named partner confirms or declines; the lead applicant and the buyer are told."""
    partners = [dict(p) for p in application.partners or []]
    entry = next((p for p in partners if p.get("enterprise_id") == enterprise_id), None)
    if entry is None:
        raise NotFound()
    if application.status in ("withdrawn", "rejected"):
        raise NotAllowed(tr("该申请已结束，无需再确认。", "This application is closed; nothing to confirm."))
    entry["state"] = "confirmed" if accept else "declined"
    application.partners = partners  # a new list, so the JSON column is written
    session.flush()
    audit.record(session, user_id, "application.partner_" + entry["state"], application, partner=enterprise_id)
    text = (tr("{p}确认参加{e}牵头的联合体（《{t}》）。", "{p} confirmed it is a partner of {e}'s consortium (“{t}”).",
               p=entry["name"], e=application.enterprise.name, t=application.demand.title) if accept else
            tr("{p}拒绝作为{e}牵头的联合体成员（《{t}》）。", "{p} declined to be a partner of {e}'s consortium (“{t}”).",
               p=entry["name"], e=application.enterprise.name, t=application.demand.title))
    for recipient in (application.enterprise_id, application.demand.enterprise_id):
        tell_enterprise(session, recipient, text, link)
    return entry
