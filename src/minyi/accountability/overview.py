"""Everything the public dashboard shows, in one call: the page, the JSON and the big screen share it.

:func:`overview` reads the aggregates only (a dozen small queries on roll-up rows) and
returns plain values; formatting (percent, hours, language) is the interface's job.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from minyi.accountability import scorecard
from minyi.accountability.definitions import RANKABLE
from minyi.accountability.refresh import last_refresh
from minyi.accountability.responses import Responses, responses
from minyi.accountability.scorecard import Filter, Ranked, Row
from minyi.core.errors import InvalidInput

DEFAULT_RANK = "on_time_rate"
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class Choices:
    """What the filters offer: departments and top-level categories (id, zh, en), regions."""

    departments: list[tuple[str, str, str]]
    categories: list[tuple[str, str, str]]
    regions: list[str]


@dataclass(frozen=True)
class Overview:
    """The dashboard's content for one filter."""

    flt: Filter
    rank: str
    min_volume: int
    refreshed_at: datetime | None
    total: Row
    groups: dict[str, list[Ranked]]  # "department" | "region" | "category" → ranked rows
    trend: list[Row]
    choices: Choices
    responses: Responses | None = None  # suggestions adopted, direct answers (whole office)


def last_months(last: str, count: int) -> str:
    """The month ``count - 1`` months before ``last`` (``YYYY-MM``): the start of a period of ``count``."""
    year, month = int(last[:4]), int(last[5:7]) - (count - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


def with_default_period(session: Session, flt: Filter, months: int = DEFAULT_MONTHS) -> Filter:
    """``flt``, or, when it names no month, the last ``months`` months with data."""
    if flt.start or flt.end:
        return flt
    span = scorecard.data_months(session)
    if span is None:
        return flt
    return replace(flt, start=max(span[0], last_months(span[1], months)), end=span[1])


def choices(session: Session) -> Choices:
    """The departments, categories and regions a filter may pick."""
    departments = scorecard.names(session, "department")
    categories = scorecard.names(session, "category")
    return Choices(
        sorted(((key, zh, en) for key, (zh, en) in departments.items()), key=lambda item: item[1]),
        sorted(((key, zh, en) for key, (zh, en) in categories.items()), key=lambda item: item[1]),
        scorecard.regions(session),
    )


def overview(session: Session, flt: Filter, *, rank: str = DEFAULT_RANK, min_volume: int = 20) -> Overview:
    """The dashboard for ``flt`` (the last 12 months of data when it names none), ranked by ``rank``."""
    if rank not in RANKABLE:
        raise InvalidInput(f"rank: one of {', '.join(RANKABLE)}", field="rank")
    scorecard.check_known(session, flt)
    flt = with_default_period(session, flt)
    refreshed = last_refresh(session)
    total, rows = scorecard.summary(session, flt)
    groups: dict[str, list[Ranked]] = {
        by: scorecard.rank_rows(rows[by], rank, min_volume) for by in scorecard.GROUPABLE
    }
    return Overview(
        flt=flt,
        rank=rank,
        min_volume=min_volume,
        refreshed_at=refreshed.finished_at if refreshed else None,
        total=total,
        groups=groups,
        trend=scorecard.trend(session, flt, rows["month"]),
        choices=choices(session),
        responses=responses(session, flt),
    )
