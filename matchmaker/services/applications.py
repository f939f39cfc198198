"""Applications: an organisation answers a published demand (报价 for procurement, 揭榜 for a challenge).

Any organisation other than the demand's owner may apply: SMEs, but also larger
firms, universities and research institutes. A challenge may be answered by a
联合体: the applicant leads and names its partners (by name, with a credit code
when they have one); partners registered on the platform confirm (see :mod:`.consortia`).
One application per organisation and demand. The demand's owner moves it along
:data:`~matchmaker.models.posting.APPLICATION_TRANSITIONS` (shortlist, accept,
reject) with a message; the applicant may withdraw it while it is open. Each
move tells the other side. Only the applicant and the demand's owner ever see an
application; everyone else gets :class:`~.errors.NotFound`.
"""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from ..i18n import tr
from ..models import Application, Capability, Demand, Enterprise
from ..models.posting import APPLICATION_STATUSES, APPLICATION_TRANSITIONS
from ..presentation import application_status_label
from ..transactions import add_unique
from . import audit, consortia
from .attachments import Upload, store_upload
from .errors import NotAllowed, NotFound, ServiceError
from .postings.fields import clean_amount, clean_text, today
from .postings.notices import tell_enterprise

__all__ = [
    "REVIEW_ACTIONS",
    "action_label",
    "add_attachments",
    "applications_of",
    "applications_received",
    "apply",
    "review",
    "visible_application",
    "withdraw",
]

#: What the demand's owner may do to an application.
REVIEW_ACTIONS = ("shortlisted", "accepted", "rejected")


def action_label(status: str) -> str:
    return {"shortlisted": tr("入围", "Shortlist"), "accepted": tr("接受", "Accept"),
            "rejected": tr("不予采纳", "Reject"), "withdrawn": tr("撤回", "Withdraw")}.get(status, status)


def _answer_word(demand: Demand) -> str:
    return tr("揭榜", "challenge answer") if demand.kind == "challenge" else tr("报价", "quote")


def _store_files(session: Session, application: Application, uploads: list[Upload]) -> list[str]:
    refused = []
    for upload in uploads:
        try:
            with session.begin_nested():
                store_upload(session, application, upload)
        except ServiceError as exc:
            refused.append(exc.message)
    return refused


def apply(session: Session, demand: Demand, enterprise: Enterprise, user_id: int | None, data: dict,
          uploads: list[Upload] = (), link_for=None, partner_link_for=None) -> tuple[Application, list[str]]:
    """Submit ``enterprise``'s application to ``demand``.

    ``link_for(application)`` gives the address the demand's owner is sent to,
    ``partner_link_for(application)`` the one where a named 联合体 partner confirms.
    Returns the application and the messages of the files that were refused: a
    bad file does not lose the proposal or the good files sent with it.
    """
    if demand.enterprise_id == enterprise.id:
        raise NotAllowed(tr("不能申请本单位发布的需求。", "You cannot apply to your own organisation's demand."))
    if demand.status != "published":
        raise NotAllowed(tr("该需求目前不接受申请。", "This demand is not taking applications."))
    if demand.deadline is not None and demand.deadline < today():
        raise NotAllowed(tr("该需求已过截止日期。", "This demand's deadline has passed."))
    existing = session.scalar(select(Application).where(Application.demand_id == demand.id,
                                                        Application.enterprise_id == enterprise.id))
    if existing is not None:
        raise ServiceError(tr("贵企业已申请过该需求，可在“我的申请”中查看。",
                              "Your enterprise has already applied; see “My applications”."))
    proposal = clean_text(data.get("proposal"))
    if not proposal:
        raise ServiceError(tr("请填写方案说明。", "Describe your proposal."), field="proposal")
    capability_id = data.get("capability_id") or None
    if capability_id is not None:
        capability = session.get(Capability, int(capability_id))
        if capability is None or capability.enterprise_id != enterprise.id or not capability.active:
            raise ServiceError(tr("请选择贵企业在展的能力。", "Choose one of your active capabilities."),
                               field="capability_id")
    partners = consortia.name_partners(session, demand, enterprise, data.get("partners"))
    application = Application(demand_id=demand.id, enterprise_id=enterprise.id, capability_id=capability_id,
                              submitted_by_id=user_id, proposal=proposal, partners=partners,
                              price=clean_amount(data.get("price"), "price"), status="submitted")
    # Two submissions at once (a double click, two colleagues): one is stored, the other is told.
    _stored, added = add_unique(session, application, lambda: session.scalar(select(Application).where(
        Application.demand_id == demand.id, Application.enterprise_id == enterprise.id)))
    if not added:
        raise ServiceError(tr("贵单位已申请过该需求，可在“我的申请”中查看。",
                              "Your organisation has already applied; see “My applications”."))
    refused = _store_files(session, application, list(uploads))
    audit.record(session, user_id, "application.submit", application, demand=demand.id,
                 partners=[p["name"] for p in partners] or None)
    if partners:
        text = tr("{e}牵头的联合体（成员：{p}）对需求《{t}》提交了{w}。", "A consortium led by {e} (with {p}) sent a {w} for “{t}”.",
                  e=enterprise.name, p=tr("、", ", ").join(p["name"] for p in partners), t=demand.title, w=_answer_word(demand))
    else:
        text = tr("{e}对需求《{t}》提交了{w}。", "{e} sent a {w} for “{t}”.",
                  e=enterprise.name, t=demand.title, w=_answer_word(demand))
    tell_enterprise(session, demand.enterprise_id, text, link_for(application) if link_for else None)
    consortia.tell_partners(session, application, partner_link_for)
    return application, refused


def add_attachments(session: Session, application: Application, user_id: int | None,
                    uploads: list[Upload]) -> tuple[int, list[str]]:
    """Add files to an open application; returns (files stored, messages of refused files)."""
    if application.status not in ("submitted", "shortlisted"):
        raise NotAllowed(tr("申请已处理，不能再添加附件。", "The application is decided; no more files can be added."))
    before = len(application.attachments)
    refused = _store_files(session, application, list(uploads))
    stored = len(application.attachments) - before
    if stored:
        audit.record(session, user_id, "application.attach", application, files=stored)
    return stored, refused


def _move(application: Application, status: str) -> None:
    if status not in APPLICATION_TRANSITIONS.get(application.status, ()):
        raise NotAllowed(tr("申请不能从“{a}”变为“{b}”。", "An application cannot go from “{a}” to “{b}”.",
                            a=application_status_label(application.status), b=application_status_label(status)))
    application.status = status


def withdraw(session: Session, application: Application, user_id: int | None, link: str | None = None) -> Application:
    _move(application, "withdrawn")
    session.flush()
    audit.record(session, user_id, "application.withdraw", application)
    demand = application.demand
    tell_enterprise(session, demand.enterprise_id,
                    tr("{e}撤回了对需求《{t}》的{w}。", "{e} withdrew its {w} for “{t}”.",
                       e=application.enterprise.name, t=demand.title, w=_answer_word(demand)), link)
    return application


def review(session: Session, application: Application, user_id: int | None, status: str,
           message: str | None = None, link: str | None = None) -> Application:
    """The demand's owner shortlists, accepts or rejects an application, with an optional message."""
    if status not in REVIEW_ACTIONS:
        raise ServiceError(tr("无效的操作。", "Unknown action."))
    if application.demand.status == "cancelled":
        raise NotAllowed(tr("需求已取消，不能再处理申请。", "The demand is cancelled; applications can no longer change."))
    _move(application, status)
    application.message = clean_text(message, 2000) or None
    session.flush()
    audit.record(session, user_id, f"application.{status}", application)
    demand = application.demand
    text = tr("{o}处理了贵企业对《{t}》的{w}：{s}。", "{o} marked your {w} for “{t}” as: {s}.",
              o=demand.enterprise.name, t=demand.title, w=_answer_word(demand), s=application_status_label(status))
    if application.message:
        # Chinese runs on after 。 without a space; English needs one.
        text += tr("留言：{m}", " Message: {m}", m=application.message)
    tell_enterprise(session, application.enterprise_id, text, link)
    return application


def visible_application(session: Session, application_id: int, enterprise_id: int | None) -> Application:
    """The application if ``enterprise_id`` sent it or owns its demand; else :class:`NotFound`."""
    application = session.get(Application, application_id,
                              options=[joinedload(Application.demand), joinedload(Application.enterprise)])
    if application is None or enterprise_id is None:
        raise NotFound()
    if enterprise_id not in (application.enterprise_id, application.demand.enterprise_id):
        raise NotFound()
    return application


def applications_of(enterprise_id: int, status: str | None = None) -> Select:
    """What an SME has sent, newest first."""
    stmt = (select(Application).options(joinedload(Application.demand).joinedload(Demand.enterprise))
            .where(Application.enterprise_id == enterprise_id)
            .order_by(Application.created_at.desc(), Application.id.desc()))
    return stmt.where(Application.status == status) if status in APPLICATION_STATUSES else stmt


def applications_received(enterprise_id: int, demand_id: int | None = None, status: str | None = None) -> Select:
    """What a large enterprise has received on its demands, newest first."""
    stmt = (select(Application).join(Application.demand)
            .options(joinedload(Application.demand), joinedload(Application.enterprise))
            .where(Demand.enterprise_id == enterprise_id)
            .order_by(Application.created_at.desc(), Application.id.desc()))
    if demand_id:
        stmt = stmt.where(Application.demand_id == demand_id)
    return stmt.where(Application.status == status) if status in APPLICATION_STATUSES else stmt
