"""The text search index: postings' titles and descriptions in normalised form."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class SearchEntry(Base):
    """One searchable posting; ``title``/``body`` hold :func:`matchmaker.domain.text.normalize` output.

    Postings may be written in traditional or simplified Chinese, full- or half-width;
    storing the normalised text lets a plain ``LIKE`` match them all on every backend.
    ``source_updated_at`` is the posting's ``updated_at`` when it was indexed, so stale
    entries are found by comparing the two.
    """

    __tablename__ = "search_entry"
    __table_args__ = (UniqueConstraint("object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    source_updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
