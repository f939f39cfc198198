"""Matchmaking fairs (百场万企洽谈会): events, participants, requests and meetings."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, Text,
                        UniqueConstraint, true)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ._types import choice, created_at, updated_at
from .enterprise import Enterprise

EVENT_STATUSES = ("draft", "open", "closed", "provisional", "final", "archived")
PARTICIPANT_ROLES = ("buyer", "supplier")
PARTICIPANT_STATUSES = ("pending", "approved", "rejected", "withdrawn")
REQUEST_STATUSES = ("pending", "accepted", "declined", "expired", "cancelled")
REQUEST_SOURCES = ("participant", "suggestion", "organiser")
MEETING_STATUSES = ("scheduled", "cancelled")
CHECKIN_STATUSES = ("pending", "held", "no_show")
#: Where a meeting stands after the fair: 意向 → 洽谈中 → 签约, or 终止.
FOLLOWUP_STAGES = ("intent", "negotiating", "signed", "terminated")
#: What a signed contract is: 采购, 技术合作, 联合研发, 投资.
CONTRACT_TYPES = ("purchase", "technology", "joint_rnd", "investment")


class Event(Base):
    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    organisation: Mapped[str | None] = mapped_column(String(200))
    theme_chains: Mapped[list] = mapped_column(JSON, default=list)
    theme_nodes: Mapped[list] = mapped_column(JSON, default=list)
    venue: Mapped[str | None] = mapped_column(String(200))
    #: Where the fair is held: province (full name, :func:`matchmaker.domain.regions.normalize_region`),
    #: city and district; an organiser limited to a region sees only the fairs held in it.
    region: Mapped[str | None] = mapped_column(String(20), index=True)
    city: Mapped[str | None] = mapped_column(String(60))
    district: Mapped[str | None] = mapped_column(String(40))
    date: Mapped[dt.date] = mapped_column(Date)
    #: Last day of a fair over several days; None for a one-day fair.
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    start: Mapped[str] = mapped_column(String(5), default="09:00")
    end: Mapped[str] = mapped_column(String(5), default="12:00")
    meeting_minutes: Mapped[int] = mapped_column(Integer, default=20)
    breaks: Mapped[list] = mapped_column(JSON, default=list)
    slots: Mapped[list] = mapped_column(JSON, default=list)
    tables: Mapped[int] = mapped_column(Integer, default=10)
    registration_opens: Mapped[dt.date | None] = mapped_column(Date)
    registration_closes: Mapped[dt.date | None] = mapped_column(Date)
    max_meetings: Mapped[int | None] = mapped_column(Integer)
    max_open_requests: Mapped[int | None] = mapped_column(Integer)
    request_expiry_hours: Mapped[int] = mapped_column(Integer, default=72)
    status: Mapped[str] = mapped_column(choice(*EVENT_STATUSES, name="event_status"), default="draft")
    schedule_version: Mapped[int] = mapped_column(Integer, default=0)
    schedule_stats: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Whether organisations the platform has not verified yet may register (the organiser's choice per fair).
    unverified_may_register: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()

    participants: Mapped[list["EventParticipant"]] = relationship(
        back_populates="event", cascade="all, delete-orphan")


class EventParticipant(Base):
    __tablename__ = "event_participant"
    __table_args__ = (UniqueConstraint("event_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(choice(*PARTICIPANT_ROLES, name="participant_role"))
    status: Mapped[str] = mapped_column(choice(*PARTICIPANT_STATUSES, name="participant_status"),
                                        default="pending")
    table: Mapped[int | None] = mapped_column(Integer)
    unavailable: Mapped[list] = mapped_column(JSON, default=list)
    max_meetings: Mapped[int | None] = mapped_column(Integer)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = created_at()

    event: Mapped[Event] = relationship(back_populates="participants")
    enterprise: Mapped[Enterprise] = relationship()


class MeetingRequest(Base):
    __tablename__ = "meeting_request"
    __table_args__ = (UniqueConstraint("event_id", "buyer_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("event_participant.id", ondelete="CASCADE"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("event_participant.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_participant.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(choice(*REQUEST_SOURCES, name="request_source"),
                                        default="participant")
    priority: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(choice(*REQUEST_STATUSES, name="request_status"), default="pending")
    message: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    responded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = created_at()

    buyer: Mapped[EventParticipant] = relationship(foreign_keys=[buyer_id])
    supplier: Mapped[EventParticipant] = relationship(foreign_keys=[supplier_id])


class Meeting(Base):
    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_request.id", ondelete="SET NULL"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("event_participant.id", ondelete="CASCADE"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("event_participant.id", ondelete="CASCADE"))
    slot: Mapped[str] = mapped_column(String(20))
    table: Mapped[int] = mapped_column(Integer)
    priority: Mapped[int] = mapped_column(Integer, default=1)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(choice(*MEETING_STATUSES, name="meeting_status"), default="scheduled")
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    checkin: Mapped[str] = mapped_column(choice(*CHECKIN_STATUSES, name="checkin_status"), default="pending")
    intent: Mapped[bool | None] = mapped_column(Boolean)
    amount: Mapped[float | None] = mapped_column(Numeric(16, 2))
    notes: Mapped[str | None] = mapped_column(Text)
    #: Follow-up after the fair (:data:`FOLLOWUP_STAGES`); None until an intent is recorded.
    stage: Mapped[str | None] = mapped_column(choice(*FOLLOWUP_STAGES, name="followup_stage"), index=True)
    stage_reason: Mapped[str | None] = mapped_column(Text)
    stage_updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    stage_updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: The signed contract: amount in 万元, date and kind (:data:`CONTRACT_TYPES`).
    contract_amount: Mapped[float | None] = mapped_column(Numeric(16, 2))
    contract_date: Mapped[dt.date | None] = mapped_column(Date)
    contract_type: Mapped[str | None] = mapped_column(choice(*CONTRACT_TYPES, name="contract_type"))
    #: The buyer's demand or challenge this contract fulfilled.
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id", ondelete="SET NULL"), index=True)
    #: Follow-up reminders already sent, in days after the fair (30, 90).
    reminders_sent: Mapped[list | None] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()

    buyer: Mapped[EventParticipant] = relationship(foreign_keys=[buyer_id])
    supplier: Mapped[EventParticipant] = relationship(foreign_keys=[supplier_id])
