"""Open data of the scorecard: the aggregate table as CSV, JSON and XLSX, with a licence line.

One row per month × department × region × category (or fewer dimensions, ``by``), with
the names, every count of :mod:`minyi.accountability.definitions` and every figure. The
counts let anyone recompute a figure for any group (sum the counts, then divide), which
averaged rates would not. CSV cells go through :mod:`minyi.interop.safe_cells` (a
department named ``=…`` is shown, never run); the licence is a ``#`` comment line at the
top of the CSV, a field of the JSON and a note sheet of the XLSX.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from sqlalchemy.orm import Session

from minyi.accountability.definitions import FIGURES, OPINION_COUNTS, REPLY_BUCKET_HOURS, few_opinions
from minyi.accountability.models import CELL_COUNTS
from minyi.accountability.scorecard import GROUPABLE, Filter, check_known, detail
from minyi.interop.safe_cells import SafeWriter, safe_cell

SOURCE = "Minyi 民意 · /public/data/scorecard"
#: The key columns of each dimension, in order (id, Chinese name, English name).
KEY_COLUMNS = {
    "department": ("department_id", "department", "department_en"),
    "region": ("region",),
    "category": ("category_id", "category", "category_en"),
}


@dataclass(frozen=True)
class Table:
    """The rows of one download and what describes them."""

    columns: list[str]
    rows: list[list[Any]]
    licence: str
    dims: tuple[str, ...]
    flt: Filter


def parse_dims(text: str) -> tuple[str, ...]:
    """``by`` as dimensions (``"department,region"``); empty means all three."""
    from minyi.core.errors import InvalidInput

    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if any(name not in GROUPABLE for name in names):
        raise InvalidInput(f"by: any of {', '.join(GROUPABLE)}", field="by")
    return tuple(name for name in GROUPABLE if name in names) if names else GROUPABLE


def columns_for(dims: Sequence[str]) -> list[str]:
    """The column names of a download over ``dims``."""
    keys = [column for name in GROUPABLE if name in dims for column in KEY_COLUMNS[name]]
    return ["month", *keys, *CELL_COUNTS, *(figure.key for figure in FIGURES if figure.key != "volume")]


def build(session: Session, flt: Filter, dims: Sequence[str], licence: str) -> Table:
    """The table of the filter's rows over ``dims``, read from the aggregates."""
    check_known(session, flt)
    columns = columns_for(dims)
    figures = [figure for figure in FIGURES if figure.key != "volume"]
    rows = []
    for item in detail(session, flt, dims):
        values = [figure.value(item) for figure in figures]
        item.update({figure.key: _round(value) for figure, value in zip(figures, values, strict=True)})
        _hide_few_opinions(item)
        rows.append([item.get(column, "") for column in columns])
    return Table(columns, rows, licence, tuple(dims), flt)


def _hide_few_opinions(item: dict[str, Any]) -> None:
    """Empty the citizens' answers of a row holding fewer than :data:`MIN_OPINIONS` of them.

    A row is one month, department, region and category: often one case, whose citizen's
    rating its counts would publish. The rows' sums then miss those answers (the dashboard's
    totals have them, over groups large enough).
    """
    if few_opinions(item):  # the rule of the figures and of the JSON scorecard
        item.update(dict.fromkeys(OPINION_COUNTS))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _describe(table: Table) -> dict[str, Any]:
    return {
        "source": SOURCE,
        "licence": table.licence,
        "period": {"start": table.flt.start, "end": table.flt.end},
        "dimensions": ["month", *table.dims],
        "reply_bucket_upper_hours": list(REPLY_BUCKET_HOURS),
    }


def to_csv(table: Table) -> bytes:
    """UTF-8 with a BOM (Excel opens it), a ``#`` licence line, then the header and the rows."""
    out = io.StringIO()
    out.write(f"# {SOURCE} · licence: {table.licence}\n")
    writer = SafeWriter(out, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([["" if value is None else value for value in row] for row in table.rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_json(table: Table) -> bytes:
    """``{"licence", …, "columns", "rows": [{column: value}]}``."""
    body = {
        **_describe(table),
        "columns": table.columns,
        "rows": [dict(zip(table.columns, row, strict=True)) for row in table.rows],
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """A workbook: the sheet ``scorecard`` with the rows, and ``about`` with the licence and source."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("scorecard")
    sheet.append(table.columns)
    for row in table.rows:
        sheet.append([safe_cell(value) for value in row])
    about = book.create_sheet("about")
    for name, value in _describe(table).items():
        about.append(
            [name, json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_csv_rows(data: bytes) -> list[dict[str, str]]:
    """The rows of a CSV made by :func:`to_csv` (for tests and scripts): the comment line skipped."""
    lines = data.decode("utf-8-sig").splitlines()
    return list(csv.DictReader(line for line in lines if not line.startswith("#")))
