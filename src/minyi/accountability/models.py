"""The pre-aggregated scorecard: counts per month × department × region × category.

Pages, downloads and briefings read only this table, never the cases, so they answer in
milliseconds whatever the number of cases. ``minyi stats refresh`` (and the end of
``minyi import``) rewrites the rows of the months whose cases changed.

Each row also carries a **level**, the set of dimensions it keeps (bit 1 department, 2
region, 4 category): level 7 rows are the full table; the refresh also stores every
roll-up (level 0 = all departments, regions and categories of the month, level 1 = per
department, …), so that a page grouping by department reads the few level-1 rows of the
period instead of summing thousands of level-7 rows. A dimension a row does not keep is
stored as ``""``; in a row that keeps it, ``""`` means "not known" (no department yet, no
region given, no category).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from minyi.accountability.definitions import BUCKET_COLUMNS, COUNT_COLUMNS
from minyi.db.base import ID_LENGTH, Base, IdMixin, utcnow

DEPARTMENT, REGION, CATEGORY = 1, 2, 4
ALL_LEVELS = tuple(range(8))
REGION_LENGTH = 200  # Message.region


class ScorecardCell(Base):
    """The counts of one month × department × region × category (or a roll-up, see ``level``)."""

    __tablename__ = "scorecard_cells"
    __table_args__ = (
        UniqueConstraint("month", "level", "department_id", "region", "category_id"),
        Index("ix_scorecard_cells_level_month", "level", "month"),
        # a page filtered on two dimensions reads level-7 rows: find them without a scan
        Index("ix_scorecard_cells_department_region", "level", "department_id", "region", "category_id"),
        Index("ix_scorecard_cells_region_category", "level", "region", "category_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # local month, "2019-05"
    level: Mapped[int] = mapped_column(Integer)
    department_id: Mapped[str] = mapped_column(String(ID_LENGTH), default="")
    region: Mapped[str] = mapped_column(String(REGION_LENGTH), default="")
    category_id: Mapped[str] = mapped_column(String(ID_LENGTH), default="")

    cases: Mapped[int] = mapped_column(Integer, default=0)
    sign_due: Mapped[int] = mapped_column(Integer, default=0)
    signed_on_time: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    completion_due: Mapped[int] = mapped_column(Integer, default=0)
    completed_on_time: Mapped[int] = mapped_column(Integer, default=0)
    solved_rated: Mapped[int] = mapped_column(Integer, default=0)
    solved: Mapped[int] = mapped_column(Integer, default=0)
    rated: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)
    basically_satisfied: Mapped[int] = mapped_column(Integer, default=0)
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    reply_seconds: Mapped[int] = mapped_column(BigInteger, default=0)

    reply_h00: Mapped[int] = mapped_column(Integer, default=0)
    reply_h01: Mapped[int] = mapped_column(Integer, default=0)
    reply_h02: Mapped[int] = mapped_column(Integer, default=0)
    reply_h03: Mapped[int] = mapped_column(Integer, default=0)
    reply_h04: Mapped[int] = mapped_column(Integer, default=0)
    reply_h05: Mapped[int] = mapped_column(Integer, default=0)
    reply_h06: Mapped[int] = mapped_column(Integer, default=0)
    reply_h07: Mapped[int] = mapped_column(Integer, default=0)
    reply_h08: Mapped[int] = mapped_column(Integer, default=0)
    reply_h09: Mapped[int] = mapped_column(Integer, default=0)
    reply_h10: Mapped[int] = mapped_column(Integer, default=0)
    reply_h11: Mapped[int] = mapped_column(Integer, default=0)
    reply_h12: Mapped[int] = mapped_column(Integer, default=0)
    reply_h13: Mapped[int] = mapped_column(Integer, default=0)
    reply_h14: Mapped[int] = mapped_column(Integer, default=0)
    reply_h15: Mapped[int] = mapped_column(Integer, default=0)
    reply_h16: Mapped[int] = mapped_column(Integer, default=0)
    reply_h17: Mapped[int] = mapped_column(Integer, default=0)
    reply_h18: Mapped[int] = mapped_column(Integer, default=0)
    reply_h19: Mapped[int] = mapped_column(Integer, default=0)
    reply_h20: Mapped[int] = mapped_column(Integer, default=0)
    reply_h21: Mapped[int] = mapped_column(Integer, default=0)
    reply_h22: Mapped[int] = mapped_column(Integer, default=0)
    reply_h23: Mapped[int] = mapped_column(Integer, default=0)
    reply_h24: Mapped[int] = mapped_column(Integer, default=0)
    reply_h25: Mapped[int] = mapped_column(Integer, default=0)


#: The table itself, for bulk statements (``INSERT … SELECT``, ``DELETE``) and sums.
CELLS = cast("Table", ScorecardCell.__table__)

#: Every counted column of a cell, in the order of the open data (counts, then the histogram).
CELL_COUNTS: tuple[str, ...] = (*COUNT_COLUMNS, *BUCKET_COLUMNS)
_missing = [name for name in CELL_COUNTS if name not in CELLS.columns]
if _missing:  # pragma: no cover - the definitions and the table are written together
    raise RuntimeError(f"scorecard_cells lacks the columns {_missing}")


class ScorecardRefresh(IdMixin, Base):
    """One run of ``minyi stats refresh``: when, full or not, which months it rewrote."""

    __tablename__ = "scorecard_refreshes"

    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column()
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    months: Mapped[list[Any]] = mapped_column(JSON, default=list)
    cases: Mapped[int] = mapped_column(Integer, default=0)
    cells: Mapped[int] = mapped_column(Integer, default=0)
