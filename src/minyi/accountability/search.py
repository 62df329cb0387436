"""Search the public answers: words, filters and tracking codes over the public search index.

The index (:mod:`minyi.accountability.search_index`) holds only listed cases, masked, so a
search can neither find a case its author kept private nor show personal data. Words are
cut by the pipeline's segmenter and every word must match:

- SQLite: ``public_search_fts MATCH '"w1" "w2"'`` (FTS5), joined to the index rows;
- PostgreSQL: ``search_vector @@ plainto_tsquery('simple', 'w1 w2')`` (GIN).

Results come newest first (highest index row first), which both engines produce by walking
the matches in row order and stopping after a page, without ranking every match: a common
word over a million answers costs as little as a rare one. Totals are counted up to
:data:`COUNT_CAP` ("more than 1000"), for the same reason. On PostgreSQL a query of common
words with at most one filter walks the filtered rows newest first and tests each row's
words (:mod:`minyi.accountability.search_walk`); other queries count and page through GIN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, column, func, literal_column, or_, select, table
from sqlalchemy.orm import Session

from minyi.accountability.open_cases import hour
from minyi.accountability.search_index import facets, tokens
from minyi.accountability.search_models import FTS_TABLE, PublicSearchDoc
from minyi.accountability.search_walk import MIN_SHARE, walk, word_share
from minyi.cases import services as cases
from minyi.cases.models import ANSWERED_STATUSES
from minyi.core.errors import InvalidInput
from minyi.core.localtime import zone
from minyi.departments.models import Category, Department

__all__ = ["COUNT_CAP", "Hit", "SearchQuery", "SearchResult", "parse_query", "search"]

COUNT_CAP = 1000
MAX_PAGE_SIZE = 100
MAX_QUERY = 100  # characters of a query
STATUSES = tuple(status.value for status in ANSWERED_STATUSES)
_FTS = table(FTS_TABLE, column("rowid"), column("tokens"))
_CODE = re.compile(r"^MY[0-9A-Z]{4,18}$")


@dataclass(frozen=True)
class SearchQuery:
    """What a reader asks for: words, filters, a page; or one tracking code."""

    text: str = ""
    code: str = ""
    department: str = ""  # a department code
    category: str = ""  # a category id (its sub-categories included)
    region: str = ""
    date_from: date | None = None  # received on or after (local date)
    date_to: date | None = None  # received on or before (local date)
    status: str = ""
    page: int = 1
    size: int = 20

    @property
    def filtered(self) -> bool:
        """Whether any filter besides the words is set."""
        return bool(self.department or self.category or self.region or self.status)


@dataclass(frozen=True)
class Hit:
    """One public answer as the reader sees it (texts masked when indexed)."""

    case_id: str
    number: str
    title: str
    body: str
    reply: str
    department: str
    category: str
    region: str
    status: str
    received_at: datetime
    replied_at: datetime | None
    #: the English names, for the English page (the JSON answer keeps its fields)
    department_en: str = ""
    category_en: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The hit for JSON: times in local time, cut to the hour, as in the open data.

        The JSON search gave them to the microsecond from the same rows the open data cuts
        to the hour, because a minute could single out a person who knows when he wrote
        (eleventh probe).
        """
        data = {key: value for key, value in self.__dict__.items() if key not in _NOT_IN_JSON}
        data["received_at"] = hour(self.received_at)
        data["replied_at"] = hour(self.replied_at)
        return data


_NOT_IN_JSON = frozenset({"case_id", "department_en", "category_en"})


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, the total (counted up to :data:`COUNT_CAP`) and the words searched."""

    query: SearchQuery
    hits: list[Hit]
    total: int
    words: list[str] = field(default_factory=list)

    @property
    def more(self) -> bool:
        """Whether there are more matches than counted."""
        return self.total > COUNT_CAP

    @property
    def pages(self) -> int:
        """How many pages the counted matches fill."""
        return max(1, -(-min(self.total, COUNT_CAP) // self.query.size))


MIN_DAY, MAX_DAY = date(1900, 1, 1), date(2999, 12, 31)


def _date(raw: str, name: str) -> date | None:
    """A ``YYYY-MM-DD`` date, or None when empty."""
    if not raw.strip():
        return None
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(f"{name}: a date like 2019-01-31", field=name) from None
    if not MIN_DAY <= day <= MAX_DAY:  # beyond, the day after or the local midnight overflows
        raise InvalidInput(f"{name}: a date like 2019-01-31, from 1900 to 2999", field=name)
    return day


def _number(raw: str, name: str, low: int, high: int, default: int) -> int:
    """A whole number from ``low`` to ``high``, or ``default`` when empty."""
    if not raw.strip():
        return default
    if not raw.strip().isdigit() or not low <= int(raw) <= high:
        raise InvalidInput(f"{name}: a whole number from {low} to {high}", field=name)
    return int(raw)


def parse_query(params: dict[str, str], default_size: int = 20) -> SearchQuery:
    """A :class:`SearchQuery` from raw query parameters; a wrong value raises ``InvalidInput``."""
    text_ = params.get("q", "").strip()
    if len(text_) > MAX_QUERY:
        raise InvalidInput(f"q: at most {MAX_QUERY} characters", field="q")
    status = params.get("status", "").strip()
    if status and status not in STATUSES:
        raise InvalidInput(f"status: one of {', '.join(STATUSES)}", field="status")
    found = SearchQuery(
        text=text_,
        code=params.get("code", "").strip()[:40],
        department=params.get("department", "").strip()[:40],
        category=params.get("category", "").strip()[:40],
        region=params.get("region", "").strip()[:200],
        date_from=_date(params.get("from", ""), "from"),
        date_to=_date(params.get("to", ""), "to"),
        status=status,
        page=_number(params.get("page", ""), "page", 1, COUNT_CAP, 1),
        size=_number(params.get("size", ""), "size", 1, MAX_PAGE_SIZE, default_size),
    )
    if found.date_from and found.date_to and found.date_from > found.date_to:
        raise InvalidInput("to: on or after the from date", field="to")
    return found


def _local_start(day: date) -> datetime:
    """The first instant of local ``day``."""
    return datetime.combine(day, time.min, tzinfo=zone())


def _category_ids(session: Session, category_id: str) -> list[str]:
    """``category_id`` and every category below it."""
    path = session.scalar(select(Category.path).where(Category.id == category_id))
    if path is None:
        return [category_id]
    below = Category.path.startswith(path + Category.PATH_SEPARATOR, autoescape=True)
    return list(session.scalars(select(Category.id).where(or_(Category.id == category_id, below))))


def _filters(session: Session, query: SearchQuery) -> list[ColumnElement[bool]]:
    """The filter conditions of ``query`` on the index rows."""
    doc = PublicSearchDoc
    conditions: list[ColumnElement[bool]] = []
    if query.department:
        department = select(Department.id).where(Department.code == query.department).scalar_subquery()
        conditions.append(doc.department_id == department)
    if query.category:
        conditions.append(doc.category_id.in_(_category_ids(session, query.category)))
    if query.region:
        conditions.append(doc.region == query.region)
    if query.status:
        conditions.append(doc.status == query.status)
    return conditions + _period(query)


def _period(query: SearchQuery) -> list[ColumnElement[bool]]:
    """The conditions of the query's period on the received time."""
    conditions: list[ColumnElement[bool]] = []
    if query.date_from:
        conditions.append(PublicSearchDoc.received_at >= _local_start(query.date_from))
    if query.date_to:
        conditions.append(PublicSearchDoc.received_at < _local_start(query.date_to + timedelta(days=1)))
    return conditions


def _period_rows(session: Session, query: SearchQuery) -> tuple[int, int] | None:
    """The lowest and highest index row received in the query's period (None: no row).

    Rows are numbered about in time order, so a period's rows lie in a narrow band of ids;
    bounding the walk by that band (always true of the period's rows, so it only narrows)
    spares walking every newer match of a common word first.
    """
    row = PublicSearchDoc.id + 0  # not the key itself: PostgreSQL would walk the key for min/max
    band = select(func.min(row), func.max(row)).where(*_period(query))
    low, high = session.execute(band).one()
    return None if low is None else (int(low), int(high))


def _match(
    session: Session, statement: Select[Any], words: list[str], band: tuple[int, int] | None = None
) -> Select[Any]:
    """``statement`` limited to rows holding every word (and within ``band``), newest first."""
    if words and session.get_bind().dialect.name == "sqlite":
        # each word split as unicode61 split the indexed text ("e-mail": "e" "mail"): a quoted
        # word of several tokens is a phrase, which an index with detail=none refuses (a 500)
        parts = dict.fromkeys(part for word in words for part in re.findall(r"[^\W_]+", word))
        phrase = " ".join(f'"{part}"' for part in parts) or '""'  # "": nothing matches
        statement = statement.join(_FTS, _FTS.c.rowid == PublicSearchDoc.id).where(
            literal_column(FTS_TABLE).op("MATCH")(phrase)
        )
        if band is not None:  # on the FTS5 rowid, which its index seeks to
            statement = statement.where(_FTS.c.rowid.between(*band))
        return statement.order_by(_FTS.c.rowid.desc())
    if words:
        query = func.plainto_tsquery("simple", " ".join(words))
        statement = statement.where(PublicSearchDoc.search_vector.op("@@")(query))
    if band is not None:
        statement = statement.where(PublicSearchDoc.id.between(*band))
    return statement.order_by(PublicSearchDoc.id.desc())


def _hits(session: Session, ids: list[int]) -> list[Hit]:
    """The hits of index rows ``ids``, in that order, with department and category names."""
    if not ids:
        return []
    doc = PublicSearchDoc
    named = (
        func.coalesce(Department.name, "").label("department"),
        func.coalesce(Category.name, "").label("category"),
        func.coalesce(doc.region, "").label("region"),
        func.coalesce(Department.name_en, "").label("department_en"),
        func.coalesce(Category.name_en, "").label("category_en"),
    )
    query = (
        select(doc.id, doc.case_id, doc.number, doc.title, doc.body, doc.reply, *named)
        .add_columns(doc.status, doc.received_at, doc.replied_at)
        .outerjoin(Department, Department.id == doc.department_id)
        .outerjoin(Category, Category.id == doc.category_id)
        .where(doc.id.in_(ids))
    )
    by_id = {row.id: row._asdict() for row in session.execute(query)}
    return [Hit(**{key: value for key, value in by_id[doc_id].items() if key != "id"}) for doc_id in ids]


def _by_code(session: Session, query: SearchQuery) -> SearchResult:
    """The one listed case of a tracking code; any other code finds nothing."""
    case = cases.public_case_by_code(session, query.code)
    doc_id = None
    if case is not None:
        doc_id = session.scalar(select(PublicSearchDoc.id).where(PublicSearchDoc.case_id == case.id))
    hits = _hits(session, [doc_id]) if doc_id is not None else []
    return SearchResult(query=query, hits=hits, total=len(hits))


def looks_like_code(text_: str) -> bool:
    """Whether ``text_`` is shaped like a tracking code (``MY`` and letters or digits)."""
    return bool(_CODE.match(text_.strip().upper().replace(" ", "").replace("-", "")))


def search(session: Session, query: SearchQuery) -> SearchResult:
    """One page of public answers matching ``query``, newest first (see the module docstring)."""
    if query.code or (query.text and looks_like_code(query.text)):
        code = query.code or query.text
        return _by_code(session, SearchQuery(code=code, page=1, size=query.size))
    words = tokens().query(query.text) if query.text else []
    if query.text and not words:
        raise InvalidInput(
            "q: the words are too short or too common; use words of two characters or more", field="q"
        )
    band = None
    if query.date_from or query.date_to:
        band = _period_rows(session, query)
        if band is None:
            return SearchResult(query=query, hits=[], total=0, words=words)
    if session.get_bind().dialect.name == "sqlite":
        statement = _match(session, select(PublicSearchDoc.id).where(*_filters(session, query)), words, band)
        ids, total = _page_then_count(session, statement, query)
    else:
        ids, total = _postgres(session, query, words, band)
    return SearchResult(query=query, hits=_hits(session, ids), total=total, words=words)


def _postgres(
    session: Session, query: SearchQuery, words: list[str], band: tuple[int, int] | None
) -> tuple[list[int], int]:
    """PostgreSQL: walk newest first when the words are common (:mod:`.search_walk`), else GIN."""
    filtered = select(PublicSearchDoc.id).where(*_filters(session, query))
    if band is not None:
        filtered = filtered.where(PublicSearchDoc.id.between(*band))
    offset = (query.page - 1) * query.size
    if words and _walkable(query) and word_share(session, words) >= MIN_SHARE:
        walked = walk(session, filtered, words, max(COUNT_CAP + 1, offset + query.size))
        if walked.complete:
            return walked.ids[offset : offset + query.size], min(len(walked.ids), COUNT_CAP + 1)
    terms = [*words, *_facet_terms(session, query)] if words else []
    return _count_then_page(session, _match(session, filtered, terms), query)


def _walkable(query: SearchQuery) -> bool:
    """Whether one index serves every filter of ``query`` in id order (see :mod:`.search_walk`).

    ``(department_id, id)``, ``(status, id)``, ``(region, id)`` or the key with the period's
    band: one of them. A second filter or a category (a list of ids) would be tested row by
    row, and a walk through rows that mostly fail them is slower than the GIN index.
    """
    return not query.category and sum(map(bool, (query.department, query.status, query.region))) <= 1


def _facet_terms(session: Session, query: SearchQuery) -> list[str]:
    """The filters of ``query`` as the index's facet tokens (the SQL conditions stay too)."""
    department_id = None
    if query.department:
        department_id = session.scalar(select(Department.id).where(Department.code == query.department))
        if department_id is None:
            return ["qdnone"]  # no such department: nothing matches
    return facets(department_id, query.status or None, query.region or None)


def _count(session: Session, statement: Select[Any]) -> int:
    """How many rows ``statement`` finds, counted up to one more than :data:`COUNT_CAP`."""
    counted = select(func.count()).select_from(statement.order_by(None).limit(COUNT_CAP + 1).subquery())
    return session.scalar(counted) or 0


def _page_then_count(session: Session, statement: Select[Any], query: SearchQuery) -> tuple[list[int], int]:
    """SQLite: FTS5 walks the matches newest first; count only when the page is full."""
    offset = (query.page - 1) * query.size
    ids = list(session.scalars(statement.limit(query.size).offset(offset))) if offset <= COUNT_CAP else []
    if offset == 0 and len(ids) < query.size:  # the first page holds every match: nothing to count
        return ids, len(ids)
    return ids, _count(session, statement)


def _count_then_page(session: Session, statement: Select[Any], query: SearchQuery) -> tuple[list[int], int]:
    """PostgreSQL: count first (the GIN index), then let the count choose the page's plan.

    The planner cannot know how rare a word is (it guesses 0.5 % of rows for any word its
    statistics do not list), and walking the primary key newest first is quick only when
    matches are dense. So: up to :data:`COUNT_CAP` matches are fetched through the indexes
    and sorted (``id + 0`` keeps the planner off the key order); more are walked newest
    first, where a page is found within a few thousand rows.
    """
    total = _count(session, statement)
    offset = (query.page - 1) * query.size
    if total == 0 or offset >= min(total, COUNT_CAP + 1):
        return [], total
    if total <= COUNT_CAP:
        statement = statement.order_by(None).order_by((PublicSearchDoc.id + 0).desc())
    return list(session.scalars(statement.limit(query.size).offset(offset))), total
