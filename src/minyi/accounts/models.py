"""User and API token models."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minyi.db.base import ID_LENGTH, Base, IdMixin, TimestampMixin, utcnow
from minyi.departments.models import Department


class Role(enum.StrEnum):
    """What a staff member may do."""

    ADMIN = "admin"
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    STAFF = "staff"


class User(IdMixin, TimestampMixin, Base):
    """A staff member. Citizens have no accounts: they hold tracking codes."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.STAFF.value)
    department_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column()

    department: Mapped[Department | None] = relationship()

    @property
    def sees_all_departments(self) -> bool:
        """Admins, dispatchers and supervisors see every department's cases (see ``permissions``)."""
        from minyi.accounts import permissions  # the rules import this model

        return permissions.sees_all_departments(self)


class ApiToken(IdMixin, Base):
    """A bearer token for the JSON API; only its hash is stored."""

    __tablename__ = "api_tokens"

    user_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship()
