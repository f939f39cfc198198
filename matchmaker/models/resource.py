"""Open innovation resources (开放创新资源) a large enterprise opens to SMEs."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ._types import choice, created_at, updated_at
from .enterprise import Enterprise

RESOURCE_KINDS = ("rnd", "design", "equipment", "test_site", "capacity")
RESOURCE_REQUEST_STATUSES = ("pending", "approved", "declined", "withdrawn")


class OpenResource(Base):
    __tablename__ = "open_resource"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(choice(*RESOURCE_KINDS, name="resource_kind"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    chain_nodes: Mapped[list] = mapped_column(JSON, default=list)
    conditions: Mapped[str | None] = mapped_column(Text)
    fee: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    availability: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()

    enterprise: Mapped[Enterprise] = relationship()


class ResourceRequest(Base):
    __tablename__ = "resource_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("open_resource.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(choice(*RESOURCE_REQUEST_STATUSES, name="resource_request_status"),
                                        default="pending")
    reply: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()

    resource: Mapped[OpenResource] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
