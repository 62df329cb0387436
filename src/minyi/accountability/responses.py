"""How the office answered each kind of appeal its own way, counted for the public dashboard.

建设性意见要吸纳: how many suggestions were adopted, adopted in part or not (``cases.kinds``);
一次办结: how many consultations were answered at once from the knowledge base (直接答复,
``knowledge.uses``). Counted by when the decision or the answer was given, over the
dashboard's months, for the whole office (not narrowed by department, region or category).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from minyi.accountability.scorecard import Filter
from minyi.cases.kinds import adoption_counts
from minyi.core import localtime
from minyi.knowledge.uses import direct_answer_counts


@dataclass(frozen=True)
class Responses:
    """Suggestions decided (by outcome) and direct answers given in a period."""

    adopted: int
    partly_adopted: int
    not_adopted: int
    direct_answers: int


def _month_start(month: str) -> datetime:
    return datetime(int(month[:4]), int(month[5:7]), 1, tzinfo=localtime.zone())


def _next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def responses(session: Session, flt: Filter) -> Responses:
    """The counts over ``flt``'s months (every month when it names none)."""
    start = _month_start(flt.start) if flt.start else datetime(1900, 1, 1, tzinfo=localtime.zone())
    end = _month_start(_next_month(flt.end)) if flt.end else datetime(3000, 1, 1, tzinfo=localtime.zone())
    adoption = adoption_counts(session, start, end)
    return Responses(
        adopted=adoption["adopted"],
        partly_adopted=adoption["partly_adopted"],
        not_adopted=adoption["not_adopted"],
        direct_answers=direct_answer_counts(session, start, end),
    )
