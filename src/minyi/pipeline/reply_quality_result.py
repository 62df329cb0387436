"""Result types and working-day arithmetic of :mod:`minyi.pipeline.reply_quality`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Protocol

import numpy as np

__all__ = ["ComponentScore", "Finding", "ReplyQuality", "add_working_days", "working_days_between"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a reply.

    Attributes:
        code: stable English code (``missing_result``, ``late_reply``, ...).
        reason: what is wrong, in Chinese, for the official.
        component: ``relevance``, ``completeness``, ``timeliness`` or ``issues``.
    """

    code: str
    reason: str
    component: str


@dataclass(frozen=True, slots=True)
class ComponentScore:
    """The score of one component.

    Attributes:
        name: component name.
        score: 0–100, or ``None`` when the component could not be scored.
        findings: the problems found (empty when none).
        note: a one-line summary in Chinese (also given when nothing is wrong).
    """

    name: str
    score: float | None
    findings: tuple[Finding, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReplyQuality:
    """The result of :meth:`ReplyQualityChecker.check`.

    Attributes:
        score: overall score 0–100 (weighted mean of the scored components,
            capped when a blocking issue is found; 0 for an empty reply).
        relevance, completeness, timeliness, issues: the components.
        elements: completeness elements found: 1 present, 0.5 partly, 0 missing.
        key_terms: key terms taken from the message.
        missing_key_terms: key terms the reply does not mention.
        similarity: TF-IDF cosine between message and reply (``None`` if not computed).
        working_days: working days from receipt to reply (``None`` without times).
        days_late: working days after the due date (0 when on time, ``None`` without times).
        blocking: whether a problem must be fixed before publishing.
    """

    score: float
    relevance: ComponentScore
    completeness: ComponentScore
    timeliness: ComponentScore
    issues: ComponentScore
    elements: Mapping[str, float] = field(default_factory=dict)
    key_terms: tuple[str, ...] = ()
    missing_key_terms: tuple[str, ...] = ()
    similarity: float | None = None
    working_days: int | None = None
    days_late: int | None = None
    blocking: bool = False

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding of every component."""
        parts = (self.relevance, self.completeness, self.timeliness, self.issues)
        return tuple(f for part in parts for f in part.findings)

    @property
    def codes(self) -> frozenset[str]:
        """The codes of all findings."""
        return frozenset(f.code for f in self.findings)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class _Relevance:
    """Details of the relevance component."""

    similarity: float | None = None
    key_terms: tuple[str, ...] = ()
    missing_key_terms: tuple[str, ...] = ()


def working_days_between(start: date, end: date, holidays: Iterable[date] = ()) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    one = np.timedelta64(1, "D")
    hol = np.array(sorted(holidays), dtype="datetime64[D]")
    return int(np.busday_count(np.datetime64(start, "D") + one, np.datetime64(end, "D") + one, holidays=hol))


def add_working_days(start: date, days: int, holidays: Iterable[date]) -> date:
    """The date ``days`` working days after ``start``."""
    hol = np.array(sorted(holidays), dtype="datetime64[D]")
    day = np.busday_offset(np.datetime64(start, "D"), 0, roll="forward", holidays=hol)
    result: date = np.busday_offset(day, days, holidays=hol).astype(date)
    return result


class WorkingDays(Protocol):
    """An office's working calendar (``minyi.cases.calendar.WorkCalendar`` is one)."""

    def local_date(self, moment: datetime) -> date:
        """The local date of ``moment``."""

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days with a local date after ``start``'s, up to and including ``end``'s."""

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The deadline ``days`` working days after ``start``."""


def days_on_calendar(
    calendar: WorkingDays,
    received_at: datetime | None,
    replied_at: datetime,
    due_at: datetime | None,
    due_working_days: int,
) -> tuple[int | None, date, int]:
    """Working days used, the due date and working days late, by the office's local dates.

    With UTC dates and weekends only, a reply at 07:00 the morning after a 17:30 deadline
    read as on time, and the days of 国庆 as worked (time probe, eighth round).
    """
    used = calendar.working_days_between(received_at, replied_at) if received_at else None
    if due_at is None:
        assert received_at is not None  # the caller scores no timeliness without either
        due_at = calendar.add_working_days(received_at, due_working_days)
    late = max(0, calendar.working_days_between(due_at, replied_at))
    return used, calendar.local_date(due_at), late


def days_on_weekdays(
    received_at: datetime | None,
    replied_at: datetime,
    due_at: datetime | None,
    due_working_days: int,
    holidays: Iterable[date],
) -> tuple[int | None, date, int]:
    """Without an office calendar: the times' own dates, weekends and ``holidays``."""
    used = working_days_between(received_at.date(), replied_at.date(), holidays) if received_at else None
    if due_at is not None:
        due = due_at.date()
    else:
        assert received_at is not None  # the caller scores no timeliness without either
        due = add_working_days(received_at.date(), due_working_days, holidays)
    return used, due, max(0, working_days_between(due, replied_at.date(), holidays))
