"""Postings: what large enterprises need (demands) and what SMEs offer (capabilities)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ..domain.payment import PAYMENT_METHODS
from ._types import choice, created_at, updated_at
from .enterprise import Enterprise

DEMAND_KINDS = ("procurement", "challenge")
#: An organiser's tag for a demand that mends a chain: 补链 (fills a missing link), 固链 (secures a
#: weak one), 强链 (strengthens a key one).
CHAIN_TAGS = ("fill", "secure", "strengthen")
DEMAND_STATUSES = ("draft", "published", "closed", "awarded", "cancelled")
#: Allowed lifecycle moves; anything else is refused by the service layer.
DEMAND_TRANSITIONS = {
    "draft": ("published", "cancelled"),
    "published": ("closed", "awarded", "cancelled"),
    "closed": ("awarded", "cancelled", "published"),
    "awarded": (),
    "cancelled": (),
}


class Demand(Base):
    __tablename__ = "demand"
    __table_args__ = (UniqueConstraint("enterprise_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(40))  # the id used in imported files
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(choice(*DEMAND_KINDS, name="demand_kind"), default="procurement")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    chain_nodes: Mapped[list] = mapped_column(JSON, default=list)
    quantity: Mapped[float | None] = mapped_column(Numeric(14, 2))
    unit: Mapped[str | None] = mapped_column(String(20))
    budget: Mapped[float | None] = mapped_column(Numeric(16, 2))
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    region: Mapped[str | None] = mapped_column(String(20), index=True)
    required_qualifications: Mapped[list] = mapped_column(JSON, default=list)
    payment_days: Mapped[int | None] = mapped_column(Integer)
    #: Days from delivery to the end of acceptance (验收期限), when acceptance applies.
    acceptance_days: Mapped[int | None] = mapped_column(Integer)
    #: How the SME is paid (:data:`matchmaker.domain.payment.PAYMENT_METHODS`): cash or bank
    #: transfer, 商业汇票 or 应收账款电子凭证; None when not stated.
    payment_method: Mapped[str | None] = mapped_column(choice(*PAYMENT_METHODS, name="payment_method"))
    #: For a bill or voucher: days from issue to maturity, which count toward the payment term.
    instrument_days: Mapped[int | None] = mapped_column(Integer)
    #: The buyer states that payment depends on, or is proportional to, a third party's payment.
    third_party_condition: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The payment terms in the buyer's own words.
    payment_terms: Mapped[str | None] = mapped_column(Text)
    acceptance_criteria: Mapped[str | None] = mapped_column(Text)
    ip_terms: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(choice(*DEMAND_STATUSES, name="demand_status"),
                                        default="draft", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    #: :data:`CHAIN_TAGS`; set by organisers for the chain's 补链/固链/强链 project list.
    chain_tag: Mapped[str | None] = mapped_column(choice(*CHAIN_TAGS, name="chain_tag"))
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at(index=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    enterprise: Mapped[Enterprise] = relationship()
    applications: Mapped[list["Application"]] = relationship(
        back_populates="demand", cascade="all, delete-orphan")

    def can_move_to(self, status: str) -> bool:
        return status in DEMAND_TRANSITIONS.get(self.status, ())


class Capability(Base):
    __tablename__ = "capability"
    __table_args__ = (UniqueConstraint("enterprise_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(40))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    chain_nodes: Mapped[list] = mapped_column(JSON, default=list)
    chain_nodes_inferred: Mapped[bool] = mapped_column(default=False)
    qualifications: Mapped[list] = mapped_column(JSON, default=list)
    capacity: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(20), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at(index=True)

    enterprise: Mapped[Enterprise] = relationship()


APPLICATION_STATUSES = ("submitted", "shortlisted", "accepted", "rejected", "withdrawn")
APPLICATION_TRANSITIONS = {
    "submitted": ("shortlisted", "accepted", "rejected", "withdrawn"),
    "shortlisted": ("accepted", "rejected", "withdrawn"),
    "accepted": (),
    "rejected": (),
    "withdrawn": (),
}


class Application(Base):
    """An SME answering a demand (a quote, or 揭榜 for a challenge)."""

    __tablename__ = "application"
    __table_args__ = (UniqueConstraint("demand_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    capability_id: Mapped[int | None] = mapped_column(ForeignKey("capability.id", ondelete="SET NULL"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    proposal: Mapped[str] = mapped_column(Text)
    price: Mapped[float | None] = mapped_column(Numeric(16, 2))
    status: Mapped[str] = mapped_column(choice(*APPLICATION_STATUSES, name="application_status"),
                                        default="submitted", index=True)
    message: Mapped[str | None] = mapped_column(Text)
    #: A 联合体's other members: ``[{"name", "credit_code", "enterprise_id", "role"}]``; empty when alone.
    partners: Mapped[list | None] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()

    demand: Mapped[Demand] = relationship(back_populates="applications")
    enterprise: Mapped[Enterprise] = relationship()
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="application", cascade="all, delete-orphan")


class Attachment(Base):
    """A file stored outside the web root under a random name; served only to its owners."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = created_at()

    application: Mapped[Application] = relationship(back_populates="attachments")
