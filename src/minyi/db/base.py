"""Declarative base and portable column types.

Ids are made in Python (time-ordered UUIDv7 strings) so every engine stores the same
values and rows can be created before they are flushed. Times are stored in UTC and
always come back timezone-aware, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import enum
import os
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from sqlalchemy import DateTime, MetaData, String
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 36


MAX_COUNTER = 0xFFF  # the 12 bits of rand_a
_id_lock = threading.Lock()
_id_state = [0, 0]  # the last millisecond, and the counter within it


def new_id() -> str:
    """A UUIDv7 (RFC 9562) string: unique, and sorted by creation time.

    Within one millisecond the 12-bit ``rand_a`` field counts up (RFC 9562, method 3),
    so ids made in one process sort in the order they were made.
    """
    with _id_lock:
        millis = max(time.time_ns() // 1_000_000, _id_state[0])
        if millis == _id_state[0]:
            _id_state[1] += 1
            if _id_state[1] > MAX_COUNTER:
                millis += 1
                _id_state[1] = 0
        else:
            _id_state[1] = int.from_bytes(os.urandom(1), "big")
        _id_state[0] = millis
        counter = _id_state[1]
    rand = int.from_bytes(os.urandom(8), "big")
    value = (millis & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= rand & 0x3FFF_FFFF_FFFF_FFFF
    return str(uuid.UUID(int=value))


def id_floor(when: datetime) -> str:
    """The smallest id :func:`new_id` can make at ``when``: ids made earlier sort below it.

    Ids are time-ordered, so "stored before ``when``" is ``id < id_floor(when)``, with no
    column of its own (a message's ``received_at`` may be a historical time).
    """
    millis = int(when.timestamp() * 1000) & 0xFFFF_FFFF_FFFF
    return str(uuid.UUID(int=(millis << 80) | (0x7 << 76) | (0b10 << 62)))


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        """Store ``value`` in UTC; naive datetimes are refused."""
        if value is None:
            return None
        if value.tzinfo is None:
            msg = "naive datetimes are not stored; pass a timezone-aware value"
            raise ValueError(msg)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        """Return ``value`` as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


E = TypeVar("E", bound=enum.StrEnum)


class StrEnumType(TypeDecorator[E]):
    """A string enum stored as its value in a VARCHAR, loaded back as the enum member.

    Binding accepts a member or its value and refuses anything else (ValueError), so an
    unknown status never reaches the database; the DDL stays a plain ``VARCHAR(length)``.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum_cls: type[E], length: int) -> None:
        """Store ``enum_cls`` values in a ``VARCHAR(length)``."""
        if any(len(member.value) > length for member in enum_cls):
            msg = f"a value of {enum_cls.__name__} is longer than {length} characters"
            raise ValueError(msg)
        super().__init__(length)
        self.enum_cls = enum_cls
        self.length = length

    @property
    def python_type(self) -> type[E]:
        """The enum class."""
        return self.enum_cls

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:  # noqa: ARG002
        """The value of the member ``value`` names; ValueError for an unknown value."""
        if value is None:
            return None
        return self.enum_cls(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:  # noqa: ARG002
        """The member stored as ``value``."""
        if value is None:
            return None
        return self.enum_cls(value)

    def __repr__(self) -> str:
        """The enum and the length, e.g. ``StrEnumType(CaseStatus, 20)``."""
        return f"{type(self).__name__}({self.enum_cls.__name__}, {self.length})"


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class IdMixin:
    """A primary key made in Python."""

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)


class TimestampMixin:
    """Creation and update times."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
