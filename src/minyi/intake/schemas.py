"""What a channel hands to intake: one validated message."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, StrictBool, field_validator

MAX_TITLE_CHARS = 200
MAX_BODY_CHARS = 100_000
MAX_COUNT = 2**31 - 1
PHONE_PATTERN = r"^[0-9+\-() ]{5,40}$"


def _no_nul(value: str | None) -> str | None:
    """Refuse NUL, which no database stores (every channel; the HTTP boundary refuses all C0 controls)."""
    if value is not None and "\x00" in value:
        msg = "must not contain NUL characters"
        raise ValueError(msg)
    return value


_NUMBER = re.compile(r"\s*[-+]?\d+(?:\.\d+)?\s*")


def written_time(value: object) -> object:
    """A date and time as JSON carries it (ISO 8601 text), not a number of seconds.

    Pydantic's lax mode would read ``1700000000`` (or the text ``"1700000000"``) as a Unix
    time, which a caller never means in a field documented as a date-time; its strict mode
    refuses every text, which is how JSON sends one (a crawler could post no message
    with its author's time). Numbers are refused here; text is parsed as ISO 8601.
    """
    if isinstance(value, bool | int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        msg = "a date and time such as 2026-11-24T10:00:00+08:00"
        raise ValueError(msg)
    return value


#: The earliest time a message can have been written (before any online message board).
EARLIEST_WRITTEN = datetime(1990, 1, 1, tzinfo=UTC)
#: How far ahead of this server's clock a writer's clock may run.
CLOCK_SKEW = timedelta(days=1)


def written_between(value: datetime) -> datetime:
    """``value`` if a message can have been written then: from 1990 until (about) now.

    A message "written" in year 1 or 9999 was stored and then broke the public statistics
    (their months, the dashboard's default period of the last months with data); one dated
    2099 hid every real figure behind its empty year. Such a time is refused, naming the field.
    """
    if value < EARLIEST_WRITTEN:
        msg = "is before 1990-01-01: not a time a message was written"
        raise ValueError(msg)
    if value > datetime.now(UTC) + CLOCK_SKEW:
        msg = "is in the future: a message cannot have been written yet"
        raise ValueError(msg)
    return value


#: A date-time field of a JSON body: ISO 8601 text (or a datetime), never a number.
DateTimeIn = Annotated[datetime, BeforeValidator(written_time)]


class ContactIn(BaseModel):
    """How the office may reach the author. Kept private, never shown in public."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, max_length=120)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    email: EmailStr | None = None

    @field_validator("name")
    @classmethod
    def _storable(cls, value: str | None) -> str | None:
        return _no_nul(value)

    @field_validator("phone", "email", mode="before")
    @classmethod
    def _half_width(cls, value: object) -> object:
        """Full-width forms as ASCII: ０７３１－８４１２３４５６ → 0731-84123456.

        What a Chinese input method types in full-width mode (also ｊｏｈｎ＠ｑｑ．ｃｏｍ) was refused
        as "not in the right form" on every channel (thirteenth probe); NFKC changes nothing
        else a phone or an address holds.
        """
        return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


class MessageIn(BaseModel):
    """A message as a channel received it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=MAX_TITLE_CHARS, description="留言主题")
    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS, description="留言详情")
    category_id: str | None = Field(default=None, max_length=36)
    region: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    is_public: StrictBool = Field(default=False, description="Whether the case may be published")
    language: str = Field(default="zh", max_length=10)
    contact: ContactIn | None = None
    external_id: str | None = Field(default=None, max_length=200)
    author: str | None = Field(
        default=None, max_length=200, description="The source's author id; only a pseudonym is kept"
    )
    submitted_at: DateTimeIn | None = None
    likes: int = Field(default=0, ge=0, le=MAX_COUNT)
    dislikes: int = Field(default=0, ge=0, le=MAX_COUNT)
    reposts: int = Field(default=0, ge=0, le=MAX_COUNT)
    replies_count: int = Field(default=0, ge=0, le=MAX_COUNT)

    @field_validator("title", "body")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            msg = "must not be empty or only whitespace"
            raise ValueError(msg)
        return value

    @field_validator("title", "body", "category_id", "region", "address", "language", "external_id", "author")
    @classmethod
    def _storable(cls, value: str | None) -> str | None:
        return _no_nul(value)

    @field_validator("submitted_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = "needs a timezone, e.g. 2026-11-24T10:00:00+08:00"
            raise ValueError(msg)
        return written_between(value)
