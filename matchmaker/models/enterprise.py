"""Enterprises (large and SME) and their qualification claims."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ..domain import organisations
from ._types import choice, created_at, updated_at

if TYPE_CHECKING:
    from .user import User

SIZES = ("micro", "small", "medium", "large")
#: What kind of organisation it is (:data:`matchmaker.domain.organisations.ORG_TYPES`). Enterprises,
#: universities, research institutes and other public bodies all post and apply; the kind decides
#: the payment rule, never the right to act.
ORG_TYPES = tuple(organisations.ORG_TYPES)


class Enterprise(Base):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    #: Unified social credit code; None for an enterprise imported without one.
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    org_type: Mapped[str] = mapped_column(choice(*ORG_TYPES, name="org_type"), default="enterprise",
                                          server_default="enterprise")
    size: Mapped[str | None] = mapped_column(choice(*SIZES, name="enterprise_size"))
    size_rule: Mapped[str | None] = mapped_column(Text)
    industry: Mapped[str | None] = mapped_column(String(60))
    employees: Mapped[int | None] = mapped_column(Integer)
    revenue_wan: Mapped[float | None] = mapped_column(Numeric(14, 2))
    assets_wan: Mapped[float | None] = mapped_column(Numeric(14, 2))
    region: Mapped[str | None] = mapped_column(String(20), index=True)
    city: Mapped[str | None] = mapped_column(String(40))
    district: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[dict] = mapped_column(JSON, default=dict)
    chains: Mapped[list] = mapped_column(JSON, default=list)
    #: Chain ids for which an organiser designated this organisation 链主 (a designation, not a size).
    chain_leader_of: Mapped[list | None] = mapped_column(JSON, default=list)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: The name the platform checked when it verified this organisation; a rename away from it asks for a
    #: new check, and renaming back (before the check) restores the verification.
    verified_name: Mapped[str | None] = mapped_column(String(200))
    #: Why an administrator refused verification (shown to the organisation) and when; cleared on verification.
    verification_note: Mapped[str | None] = mapped_column(Text)
    verification_rejected_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at(index=True)

    qualifications: Mapped[list["Qualification"]] = relationship(
        back_populates="enterprise", cascade="all, delete-orphan", order_by="Qualification.id")
    users: Mapped[list["User"]] = relationship(back_populates="enterprise", foreign_keys="User.enterprise_id")

    @property
    def is_large(self) -> bool:
        """A large enterprise by the size standard (decides the payment rule, not any right)."""
        return self.size == "large"

    @property
    def is_enterprise(self) -> bool:
        return self.org_type == "enterprise"

    @property
    def is_chain_leader(self) -> bool:
        """Designated 链主 and still a verified enterprise (a rename that lifts verification hides it)."""
        return bool(self.chain_leader_of) and self.verified and self.is_enterprise

    def qualification_names(self, verified_only: bool = False) -> list[str]:
        return [q.name for q in self.qualifications if q.verified or not verified_only]

    def __repr__(self) -> str:
        return f"<Enterprise {self.id} {self.name}>"


class Qualification(Base):
    """A qualification an enterprise claims (专精特新, ISO 9001 …); a claim until verified."""

    __tablename__ = "qualification"
    __table_args__ = (UniqueConstraint("enterprise_id", "canonical"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    canonical: Mapped[str] = mapped_column(String(80))
    certificate_no: Mapped[str | None] = mapped_column(String(80))
    valid_until: Mapped[dt.date | None] = mapped_column()
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = created_at()

    enterprise: Mapped[Enterprise] = relationship(back_populates="qualifications")
