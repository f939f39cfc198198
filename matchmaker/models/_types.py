"""Column helpers shared by the models."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Enum
from sqlalchemy.orm import mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def created_at():
    return mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


def updated_at(index: bool = False):
    """Last change; ``index`` where the matching engine's freshness stamp reads its maximum."""
    return mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False, index=index)


def choice(*values: str, name: str):
    """A portable enum: VARCHAR plus a CHECK constraint (no native PostgreSQL type)."""
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=20,
                validate_strings=True)


JSONList = JSON
