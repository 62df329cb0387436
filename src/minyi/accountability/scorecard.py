"""Reading the scorecard: totals, rows per department / region / category / month, rankings, trends.

Everything here reads the pre-aggregated ``scorecard_cells`` only (never the cases), so a
page answers in milliseconds at any volume. Each query picks the roll-up level that has
exactly the dimensions it filters or groups by, so it sums a few rows per month.

The small API other modules use::

    flt = parse_filter(start="2019-01", end="2019-06", department=dept_id)
    total = totals(session, flt)               # one Row; total.value("satisfaction_rate")
    rows = grouped(session, flt, "department")  # Rows, largest volume first
    table = ranking(session, flt, "department", "on_time_rate", min_volume=20)
    series = trend(session, flt)                # one Row per month, empty months included

A :class:`Row` holds summed counts; its figures come from
:mod:`minyi.accountability.definitions`, so every consumer shows the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Select, String, func, literal, select, union_all
from sqlalchemy.orm import Session

from minyi.accountability.definitions import FIGURE_KEYS, RANKABLE, figure
from minyi.accountability.models import CATEGORY, CELL_COUNTS, CELLS, DEPARTMENT, REGION
from minyi.core.errors import InvalidInput
from minyi.departments.models import Category, Department

Dimension = Literal["department", "region", "category", "month"]
DIMENSIONS: tuple[Dimension, ...] = ("department", "region", "category", "month")
GROUPABLE: tuple[Dimension, ...] = ("department", "region", "category")
BITS = {"department": DEPARTMENT, "region": REGION, "category": CATEGORY}
COLUMNS = {"department": "department_id", "region": "region", "category": "category_id", "month": "month"}
UNKNOWN = {
    "department": ("未派单", "Not dispatched"),
    "region": ("未注明区域", "Region not given"),
    "category": ("未分类", "Not categorised"),
    "month": ("", ""),
}
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
IDENT = re.compile(r"^[0-9A-Za-z-]{1,36}$")
MAX_REGION = 200
MAX_MONTHS = 240  # a trend covers at most 20 years


@dataclass(frozen=True)
class Filter:
    """What the figures are narrowed to: a range of local months and at most one of each dimension."""

    start: str | None = None  # first month, "YYYY-MM", inclusive
    end: str | None = None  # last month, inclusive
    department_id: str | None = None
    region: str | None = None
    category_id: str | None = None

    def bits(self) -> int:
        """The dimensions this filter fixes, as level bits."""
        fixed = (self.department_id, self.region, self.category_id)
        return sum(
            bit for bit, value in zip((DEPARTMENT, REGION, CATEGORY), fixed, strict=True) if value is not None
        )


def _month(text: str, name: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    match = MONTH.match(text)
    if match is None or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 2999:  # noqa: PLR2004
        raise InvalidInput(f"{name}: a month written YYYY-MM, such as 2019-05", field=name)
    return text


def parse_filter(
    start: str = "", end: str = "", department: str = "", region: str = "", category: str = ""
) -> Filter:
    """A :class:`Filter` from query values; InvalidInput naming the field of a bad one.

    Empty values do not filter; ``"-"`` selects the rows where the dimension is not known.
    """
    first, last = _month(start, "start"), _month(end, "end")
    if first and last and first > last:
        raise InvalidInput("end: the last month comes before the first", field="end")
    values: dict[str, str | None] = {}
    for name, raw in (("department", department), ("category", category)):
        text = raw.strip()
        if text and text != "-" and not IDENT.match(text):
            raise InvalidInput(f"{name}: no such {name}", field=name)
        values[name] = None if not text else ("" if text == "-" else text)
    place = region.strip()
    if len(place) > MAX_REGION:
        raise InvalidInput(f"region: at most {MAX_REGION} characters", field="region")
    values["region"] = None if not place else ("" if place == "-" else place)
    return Filter(first, last, values["department"], values["region"], values["category"])


def check_known(session: Session, flt: Filter) -> None:
    """Refuse a filter naming a department or category that does not exist (InvalidInput).

    An unknown id answered 200 with no case, which reads as "no complaints here" (a typo in
    a link, or an id of another deployment), where the reader should be told it is wrong.
    """
    for name, model, value in (
        ("department", Department, flt.department_id),
        ("category", Category, flt.category_id),
    ):
        if value and session.get(model, value) is None:
            raise InvalidInput(f"{name}: no such {name}", field=name)


@dataclass(frozen=True)
class Row:
    """Summed counts of one group (a department, a month …) with its label."""

    key: str
    label_zh: str
    label_en: str
    counts: Mapping[str, int] = field(default_factory=dict)

    def label(self, language: str) -> str:
        """The label in ``language``."""
        return self.label_en if language == "en" else self.label_zh

    @property
    def volume(self) -> int:
        """How many cases the row counts."""
        return int(self.counts.get("cases", 0))

    def value(self, key: str) -> float | None:
        """The figure ``key`` of this row (see :mod:`minyi.accountability.definitions`)."""
        return figure(key).value(self.counts)

    def figures(self) -> dict[str, float | None]:
        """Every figure of this row, by key."""
        return {key: self.value(key) for key in FIGURE_KEYS}


@dataclass(frozen=True)
class Ranked:
    """A row of a ranking: its place, or ``None`` when it has too few cases (样本不足) or no value."""

    row: Row
    rank: int | None
    enough: bool


def _level_query(flt: Filter, group: Sequence[str]) -> Select[Any]:
    """Summed counts at the level that keeps the filtered and grouped dimensions."""
    table = CELLS
    level = flt.bits() | sum(BITS.get(name, 0) for name in group)
    keys = [table.c[COLUMNS[name]] for name in group]
    sums = [func.sum(table.c[name]).label(name) for name in CELL_COUNTS]
    query = select(*keys, *sums).where(table.c.level == level)
    if flt.start:
        query = query.where(table.c.month >= flt.start)
    if flt.end:
        query = query.where(table.c.month <= flt.end)
    for name, value in (
        ("department_id", flt.department_id),
        ("region", flt.region),
        ("category_id", flt.category_id),
    ):
        if value is not None:
            query = query.where(table.c[name] == value)
    return query.group_by(*keys) if keys else query


def _counts(values: Sequence[Any]) -> dict[str, int]:
    return {name: int(value or 0) for name, value in zip(CELL_COUNTS, values, strict=True)}


def names(session: Session, dimension: str) -> dict[str, tuple[str, str]]:
    """Key → (Chinese, English) label of the departments or the categories (top level)."""
    if dimension == "department":
        rows = session.execute(select(Department.id, Department.name, Department.name_en))
        return {ident: (name, name_en or name) for ident, name, name_en in rows}
    if dimension == "category":
        top = Category.parent_id.is_(None)
        tops = session.execute(select(Category.id, Category.name, Category.name_en).where(top))
        return {ident: (name, name_en or name) for ident, name, name_en in tops}
    return {}


def _label(dimension: str, key: str, known: Mapping[str, tuple[str, str]]) -> tuple[str, str]:
    if not key:
        return UNKNOWN[dimension]
    return known.get(key, (key, key))


def totals(session: Session, flt: Filter) -> Row:
    """The counts of everything the filter selects, as one row."""
    values = session.execute(_level_query(flt, [])).one()
    return Row("", "合计", "Total", _counts(values))


def _rows(by: str, found: Sequence[Any], known: Mapping[str, tuple[str, str]]) -> list[Row]:
    rows = []
    for values in found:
        key = values[0] or ""
        zh, en = _label(by, key, known)
        rows.append(Row(key, zh, en, _counts(values[1:])))
    if by == "month":
        return sorted(rows, key=lambda row: row.key)
    return sorted(rows, key=lambda row: (-row.volume, row.label_zh))


def grouped(session: Session, flt: Filter, by: Dimension) -> list[Row]:
    """One row per department, region, category or month: largest volume first (months in order)."""
    if by not in DIMENSIONS:
        raise InvalidInput(f"by: one of {', '.join(DIMENSIONS)}", field="by")
    return _rows(by, list(session.execute(_level_query(flt, [by]))), names(session, by))


def summary(session: Session, flt: Filter) -> tuple[Row, dict[str, list[Row]]]:
    """The totals and the rows of every dimension (months included) in one round trip.

    What a dashboard needs at once: one ``UNION ALL`` of the level queries of
    :func:`totals` and :func:`grouped`, split again here.
    """
    parts = [_level_query(flt, []).add_columns(literal("", String()).label("tag"), literal("", String()))]
    for by in DIMENSIONS:
        query = _level_query(flt, [by])
        key = query.selected_columns[0]
        parts.append(
            query.with_only_columns(*query.selected_columns[1:], literal(by, String()), key.cast(String()))
        )
    found: dict[str, list[Any]] = {by: [] for by in DIMENSIONS}
    total: Sequence[Any] = [0] * len(CELL_COUNTS)
    for values in session.execute(union_all(*parts)):
        *counts, tag, key = values
        if tag:
            found[tag].append((key, *counts))
        elif counts[0] is not None:
            total = counts
    known = {"department": names(session, "department"), "category": names(session, "category")}
    groups: dict[str, list[Row]] = {by: _rows(by, found[by], known.get(by, {})) for by in DIMENSIONS}
    return Row("", "合计", "Total", _counts(total)), groups


def rank_rows(rows: Sequence[Row], figure_key: str, min_volume: int) -> list[Ranked]:
    """``rows`` ranked by a figure, best first; rows under ``min_volume`` cases are not ranked.

    Nor is a row without a value (nothing to divide) or the row of the cases whose dimension
    is not known (no department yet, no region given): they follow the ranked rows.
    """
    if figure_key not in RANKABLE:
        raise InvalidInput(f"rank: one of {', '.join(RANKABLE)}", field="rank")
    chosen = figure(figure_key)
    sign = -1.0 if chosen.better == "higher" else 1.0
    ranked: list[tuple[float, Row]] = []
    rest: list[Ranked] = []
    for row in rows:
        value = row.value(figure_key)
        enough = row.volume >= min_volume
        if enough and value is not None and row.key:  # the "not known" row is shown, never ranked
            ranked.append((sign * value, row))
        else:
            rest.append(Ranked(row, None, enough))
    ranked.sort(key=lambda pair: (pair[0], -pair[1].volume, pair[1].label_zh))
    out: list[Ranked] = []
    for index, (score, row) in enumerate(ranked):
        same = index and score == ranked[index - 1][0]
        out.append(Ranked(row, out[-1].rank if same else index + 1, enough=True))
    return out + rest


def ranking(session: Session, flt: Filter, by: Dimension, figure_key: str, min_volume: int) -> list[Ranked]:
    """The rows of :func:`grouped`, ranked by ``figure_key`` above ``min_volume`` cases."""
    return rank_rows(grouped(session, flt, by), figure_key, min_volume)


def month_span(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), at most :data:`MAX_MONTHS` (the latest)."""
    year, number = int(first[:4]), int(first[5:7])
    months: list[str] = []
    while f"{year:04d}-{number:02d}" <= last:
        months.append(f"{year:04d}-{number:02d}")
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)  # noqa: PLR2004
    return months[-MAX_MONTHS:]


def trend(session: Session, flt: Filter, months: Sequence[Row] | None = None) -> list[Row]:
    """One row per month of the filter's period (of the data when open-ended), empty months as zeros.

    ``months`` are the filter's rows per month when the caller has them (from :func:`summary`).
    """
    rows = {row.key: row for row in (grouped(session, flt, "month") if months is None else months)}
    if not rows and not (flt.start and flt.end):
        return []
    first = flt.start or min(rows)
    last = flt.end or max(rows)
    return [rows.get(month, Row(month, month, month, {})) for month in month_span(first, last)]


def data_months(session: Session) -> tuple[str, str] | None:
    """The first and last month with any case, or ``None`` before the first refresh."""
    table = CELLS
    first, last = session.execute(
        select(func.min(table.c.month), func.max(table.c.month)).where(table.c.level == 0)
    ).one()
    return (first, last) if first else None


def regions(session: Session) -> list[str]:
    """The regions the scorecard knows, for a filter's choices."""
    table = CELLS
    query = select(table.c.region).where(table.c.level == REGION, table.c.region != "").distinct()
    return sorted(session.scalars(query))


def detail(session: Session, flt: Filter, dims: Sequence[str]) -> Iterator[dict[str, Any]]:
    """The table's rows, month × ``dims``, for the open data: keys, labels, counts (month order)."""
    unknown = [name for name in dims if name not in GROUPABLE]
    if unknown:
        raise InvalidInput(f"by: any of {', '.join(GROUPABLE)}", field="by")
    group = ["month", *[name for name in GROUPABLE if name in dims]]
    known = {name: names(session, name) for name in group}
    query = _level_query(flt, group).order_by(*[CELLS.c[COLUMNS[n]] for n in group])
    for values in session.execute(query):
        item: dict[str, Any] = {}
        for name, key in zip(group, values[: len(group)], strict=True):
            item[COLUMNS[name]] = key or ""
            if name != "month":
                item[name], item[f"{name}_en"] = _label(name, key or "", known[name])
        item.update(_counts(values[len(group) :]))
        yield item
