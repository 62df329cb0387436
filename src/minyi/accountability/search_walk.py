"""PostgreSQL: find the newest matches of a common word by walking rows, not the GIN index.

A GIN index answers only with a bitmap of *every* match, so counting up to 1000 matches of a
word that 40 % of a million answers hold, ANDed with a department or a month, first builds
and intersects lists of hundreds of thousands of rows (100–140 ms). Such a word is dense:
walking the filtered rows newest first (the primary key, or ``(department_id, id)``,
``(status, id)``, ``(region, id)``) and testing each row's ``tsvector`` finds 1000 matches
within a few thousand rows and yields them already in page order.

Which way is cheaper depends on how common the words are, which the planner does not weigh
here (it builds the bitmap either way), so :func:`word_share` reads the column's statistics
(``pg_stats.most_common_elems``: ANALYZE keeps the share of rows holding each of the ~1000
most common lexemes), and the search walks only when the words are expected in at least
:data:`MIN_SHARE` of the rows. A walk visits at most :data:`BUDGET` filtered rows; when it
runs out before finding enough (words rarer among these rows than overall), the caller falls
back to the GIN index, so a wrong estimate costs time, never a wrong answer.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, text
from sqlalchemy.orm import Session

from minyi.accountability.search_models import PublicSearchDoc

__all__ = ["BUDGET", "MIN_SHARE", "Walked", "walk", "word_share"]

#: Walk when the words are expected in at least this share of rows (1001 matches within
#: ~10 000 rows); below, the GIN index's lists are short enough.
MIN_SHARE = 0.1
#: Filtered rows a walk may visit before it gives up (the GIN index answers then).
BUDGET = 20_000
#: How the walk is planned. The planner underestimates a period's rows (its id band and its
#: times go together) and would fetch them all and sort them: sorting off, it walks an index
#: in id order. It prices ``(status, id)`` as random reads (status is not in table order) and
#: prefers the key, filtering out 90 % of the rows: ``random_page_cost`` 1.1, as for cached
#: or SSD pages, lets it take the filter's index.
PLANNER = {"enable_sort": "off", "random_page_cost": "1.1"}
STATS_TTL = 600.0  # seconds a process keeps the statistics it read
_STATS = text(
    "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
    "WHERE schemaname = current_schema() AND tablename = 'public_search' AND attname = 'search_vector'"
)
_cache: dict[str, tuple[float, dict[str, float]]] = {}


def _shares(session: Session) -> dict[str, float]:
    """The share of rows holding each of the most common lexemes (empty before ANALYZE)."""
    key = session.get_bind().engine.url.render_as_string()
    cached = _cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < STATS_TTL:
        return cached[1]
    row = session.execute(_STATS).first()
    shares: dict[str, float] = {}
    if row is not None and row[0] is not None and row[1] is not None:
        shares = dict(zip(row[0], row[1], strict=False))  # the frequencies end with 3 summary values
    _cache[key] = (time.monotonic(), shares)
    return shares


def word_share(session: Session, words: list[str]) -> float:
    """The expected share of rows holding every word (0 for a word the statistics do not list).

    Words are taken as independent; words that go together are underestimated, which only
    sends such a query to the GIN index.
    """
    shares = _shares(session)
    share = 1.0
    for word in words:
        share *= shares.get(word.lower(), 0.0)  # lexemes of the 'simple' configuration
    return share if words else 0.0


@contextmanager
def _planner(session: Session, settings: dict[str, str]) -> Iterator[None]:
    """Planner settings for one statement of this transaction, then back as they were."""
    names = list(settings)
    previous = session.execute(select(*(func.current_setting(name) for name in names))).one()
    for name in names:
        session.execute(select(func.set_config(name, settings[name], True)))  # noqa: FBT003 - is_local
    try:
        yield
    finally:
        for name, value in zip(names, previous, strict=True):
            session.execute(select(func.set_config(name, value, True)))  # noqa: FBT003 - is_local


@dataclass(frozen=True)
class Walked:
    """The matches a walk found, newest first, and whether it saw every filtered row."""

    ids: list[int]
    complete: bool


def walk(session: Session, statement: Select[Any], words: list[str], limit: int) -> Walked:
    """Up to ``limit`` matches of ``words`` among the rows of ``statement``, newest first.

    ``statement`` selects the filtered index rows (no word condition); it is walked by
    ``id`` descending, at most :data:`BUDGET` rows. The word test is a function call, not the
    ``@@`` operator, so the planner cannot turn it into a GIN bitmap; ``row_number`` marks the
    last row of the budget, so one query tells whether the walk ran out.
    """
    doc = PublicSearchDoc
    query = select(func.plainto_tsquery("simple", " ".join(words))).scalar_subquery()  # once, not per row
    filtered = statement.with_only_columns(doc.id, doc.search_vector).order_by(doc.id.desc()).limit(BUDGET)
    rows = filtered.subquery("walked")
    matched: ColumnElement[bool] = func.ts_match_vq(rows.c.search_vector, query)
    seen = func.row_number().over(order_by=rows.c.id.desc())
    marked = select(rows.c.id, matched.label("matched"), seen.label("seen")).subquery("marked")
    found = (
        select(marked.c.id, marked.c.matched, marked.c.seen)
        .where(marked.c.matched | (marked.c.seen == BUDGET))
        .order_by(marked.c.id.desc())
        .limit(limit)
    )
    with _planner(session, PLANNER):
        walked = session.execute(found).all()
    ids, ran_out = [], False
    for doc_id, is_match, position in walked:
        if is_match:
            ids.append(int(doc_id))
        ran_out = ran_out or position == BUDGET
    return Walked(ids=ids, complete=len(ids) >= limit or not ran_out)
