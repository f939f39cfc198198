"""Who may take part in a fair: the organisations an organiser may pick, and whether unverified ones are admitted.

An organiser registering an organisation on its behalf searches for it the way
people remember names: part of the name, in traditional or simplified
characters, full-width letters, without 有限公司, with a slip of the pen, or its
credit code. Names are compared on :func:`~matchmaker.services.names.name_key`
with RapidFuzz ``WRatio``, as the site's enterprise search does; an exact credit
code comes first. An organiser limited to a region (:mod:`matchmaker.services.scope`)
finds only the organisations located in it.

A fair may admit only organisations the platform has verified
(``Event.unverified_may_register`` off): an unverified one cannot register
itself, and organisers register it only when they confirm it explicitly
(``override``), which the audit log records.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...i18n import tr
from ...models import Enterprise, Event, EventParticipant
from ..errors import NotAllowed, ServiceError
from ..scope import enterprise_clause, scope_of
from ..names import fuzzy_enterprises, name_key

__all__ = ["CANDIDATE_CUTOFF", "Candidate", "admits", "check_admission", "enterprise_candidates",
           "enterprise_to_register", "find_enterprise", "pending_unverified"]

#: Lowest name similarity (RapidFuzz WRatio of the name keys, 0-100) listed as a candidate: a little
#: above the site search's, so that a two-character query sharing one character with a name
#: (精工 and 化工, 60) is not offered, while a slip in a longer name (精攻科技 for 精工科技, 83) still is.
CANDIDATE_CUTOFF = 65.0
#: What may be part of a credit code: 18 digits and capitals, typed in any width.
_CODE_PART = re.compile(r"^[0-9A-Z]{6,18}$")


@dataclass
class Candidate:
    """An organisation an organiser may register: ``how`` it was found (``code`` or ``name``), and
    ``participant`` when it already has a registration at the fair."""

    enterprise: Enterprise
    score: float
    how: str
    participant: EventParticipant | None = None

    @property
    def registered(self) -> bool:
        """Already pending or approved at the fair (so it cannot be registered again)."""
        return self.participant is not None and self.participant.status in ("pending", "approved")


def admits(event: Event, enterprise: Enterprise) -> bool:
    """Whether the fair's rule lets ``enterprise`` register (any organisation, or only verified ones)."""
    return event.unverified_may_register is not False or bool(enterprise.verified)


def pending_unverified(session: Session, event: Event) -> int:
    """How many unverified organisations wait for the organisers to approve their registration."""
    return session.scalar(select(func.count()).select_from(EventParticipant)
                          .join(Enterprise, Enterprise.id == EventParticipant.enterprise_id)
                          .where(EventParticipant.event_id == event.id, EventParticipant.status == "pending",
                                 Enterprise.verified.isnot(True))) or 0


def check_admission(event: Event, enterprise: Enterprise, *, organiser: bool, override: bool = False) -> None:
    """Refuse an unverified organisation at a fair that admits only verified ones.

    Organisers may still register (or approve) one with ``override`` (their explicit confirmation).
    """
    if admits(event, enterprise) or (organiser and override):
        return
    if organiser:
        raise ServiceError(tr(
            "本场对接会只接受经平台核验的单位报名，“{n}”尚未通过核验。如确需邀请，请勾选“仍为未核验单位报名”后再提交。",
            "This fair admits only organisations the platform has verified, and “{n}” is not verified. To invite "
            "it all the same, tick “Register this unverified organisation anyway” and send again.",
            n=enterprise.name), field="admit_unverified")
    raise NotAllowed(tr(
        "本场对接会只接受经平台核验的单位报名，贵单位尚未通过核验。请在“我的单位”页面核对单位名称与统一社会信用代码，"
        "平台管理员核验后即可报名；如有疑问，请联系组织方。",
        "This fair admits only organisations the platform has verified, and yours is not verified yet. Check your "
        "organisation’s name and credit code on its page; once an administrator has verified them you can "
        "register. Questions: ask the organisers."))


def _code_of(text: str) -> str | None:
    """``text`` as (part of) a credit code, upper-case and half-width, or None when it cannot be one."""
    code = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text)).upper()
    return code if _CODE_PART.match(code) and any(ch.isdigit() for ch in code) else None


def enterprise_candidates(session: Session, event: Event, text: str | None, user, limit: int = 20
                          ) -> list[Candidate]:
    """The organisations ``user`` may register at ``event`` that ``text`` may mean, best first.

    An exact credit code comes first, then codes beginning with ``text``, then names
    by similarity (ties by name). Each candidate carries the organisation's existing
    registration at the fair, if any. Only organisations in the user's region are listed.
    """
    text = (text or "").strip()[:200]
    if not text:
        return []
    clause = enterprise_clause(scope_of(user))
    found: dict[int, tuple[int, float, str]] = {}  # id -> (rank: exact code, code prefix, name; score; how)
    code = _code_of(text)
    if code:
        stmt = select(Enterprise.id, Enterprise.uscc).where(Enterprise.uscc.startswith(code))
        if clause is not None:
            stmt = stmt.where(clause)
        for eid, uscc in session.execute(stmt.order_by(Enterprise.uscc).limit(limit)):
            found[eid] = (0, 100.0, "code") if uscc == code else (1, 100.0, "code")
    if name_key(text) and len(found) < limit:
        # The site's index of name keys, kept between searches, scores the names; the region is a filter.
        for e, score in fuzzy_enterprises(session, text, limit=limit, score_cutoff=CANDIDATE_CUTOFF, where=clause):
            found.setdefault(e.id, (2, score, "name"))
    if not found:
        return []
    rows = {e.id: e for e in session.scalars(select(Enterprise).where(Enterprise.id.in_(found)))}
    taken = {p.enterprise_id: p for p in session.scalars(select(EventParticipant).where(
        EventParticipant.event_id == event.id, EventParticipant.enterprise_id.in_(found)))}
    ranked = sorted((eid for eid in found if eid in rows),
                    key=lambda eid: (found[eid][0], -found[eid][1], rows[eid].name))
    return [Candidate(rows[eid], found[eid][1], found[eid][2], taken.get(eid)) for eid in ranked[:limit]]


def enterprise_to_register(session: Session, enterprise_id: int | None) -> Enterprise:
    """The organisation an organiser picked from the candidates (whether it is in their region,
    :func:`~matchmaker.services.events.core.register` checks)."""
    ent = session.get(Enterprise, enterprise_id) if enterprise_id is not None else None
    if ent is None:
        raise ServiceError(tr("请先查找并选择要报名的单位。", "Search for the organisation and pick it first."),
                           field="enterprise_id")
    return ent


def find_enterprise(session: Session, text: str, user=None) -> Enterprise:
    """An enterprise by exact name or credit code (for organisers registering on its behalf).

    An organiser limited to a region finds only the enterprises located in it.
    """
    text = (text or "").strip()
    stmt = select(Enterprise).where(or_(Enterprise.name == text, Enterprise.uscc == text.upper()))
    clause = enterprise_clause(scope_of(user))
    if clause is not None:
        stmt = stmt.where(clause)
    ent = session.scalar(stmt)
    if ent is None:
        if clause is not None:
            raise ServiceError(tr("您的管辖范围（{s}）内找不到名称或统一社会信用代码为“{t}”的企业。",
                                  "No enterprise named “{t}” or with that credit code in your region ({s}).",
                                  t=text, s=scope_of(user).label), field="enterprise")
        raise ServiceError(tr("找不到名称或统一社会信用代码为“{t}”的企业。",
                              "No enterprise named “{t}” or with that credit code.", t=text), field="enterprise")
    return ent
