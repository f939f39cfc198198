"""People who sign in, their reset tokens and their notifications."""
from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ._types import choice, created_at
from .enterprise import Enterprise

ROLES = ("enterprise", "organiser", "admin")
#: How far an organiser's view reaches: the whole country, or one 省, 市 or 区县.
SCOPE_LEVELS = ("national", "province", "city", "district")


class User(UserMixin, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(choice(*ROLES, name="user_role"), default="enterprise")
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="SET NULL"), index=True)
    # A request to join an enterprise that an existing member (or an admin) has not
    # approved yet; until then enterprise_id stays empty and the user cannot act for it.
    pending_enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="SET NULL"), index=True)
    organisation: Mapped[str | None] = mapped_column(String(200))
    #: An organiser's region (:data:`SCOPE_LEVELS`): None or ``national`` sees every region; a
    #: province, city or district organiser sees, exports and reports only its own region's data.
    scope_level: Mapped[str | None] = mapped_column(choice(*SCOPE_LEVELS, name="scope_level"))
    scope_province: Mapped[str | None] = mapped_column(String(20))
    scope_city: Mapped[str | None] = mapped_column(String(40))
    scope_district: Mapped[str | None] = mapped_column(String(40))
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = created_at()
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Raised by log-out, a password change and a password reset: every session and
    # remember-me cookie issued before carries the old value and stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    enterprise: Mapped[Enterprise | None] = relationship(back_populates="users",
                                                         foreign_keys=[enterprise_id])
    pending_enterprise: Mapped[Enterprise | None] = relationship(foreign_keys=[pending_enterprise_id])

    def get_id(self) -> str:  # flask-login: what the session and the remember-me cookie hold
        return f"{self.id}:{self.session_version or 0}"

    @property
    def is_active(self) -> bool:  # flask-login
        return self.active

    @property
    def is_authenticated(self) -> bool:
        # A session opened before an admin deactivated the account must stop working too;
        # flask-login only checks is_active when logging in.
        return bool(self.active)

    @property
    def is_anonymous(self) -> bool:
        return not self.active

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_organiser(self) -> bool:
        return self.role in ("organiser", "admin")


class PasswordResetToken(Base):
    """Only the token's SHA-256 is stored; the token itself goes to the user once."""

    __tablename__ = "password_reset_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = created_at()


class Notification(Base):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = created_at()


class ApiToken(Base):
    """A personal API token; like reset tokens, only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = created_at()
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()
