"""The data dictionary of every open data file: its columns, their types and meanings (zh, en).

``/public/data`` shows it. The public cases' columns are :data:`open_cases.CASE_COLUMNS`; the
scorecard's are read from the scorecard's own code (:func:`opendata.columns_for`, the figures
of :mod:`minyi.accountability.definitions`), so the page names exactly the columns the files
have, and a figure's meaning is its one public definition.
"""

from __future__ import annotations

from dataclasses import dataclass

from minyi.accountability.definitions import BUCKET_COLUMNS, FIGURES, REPLY_BUCKET_HOURS
from minyi.accountability.open_cases import CASE_COLUMNS, Column, OpenFormat
from minyi.accountability.opendata import columns_for
from minyi.accountability.scorecard import GROUPABLE

__all__ = ["DataFile", "data_files", "scorecard_columns"]

_KEYS: dict[str, tuple[str, str, str]] = {
    "month": (
        "string",
        "月份（YYYY-MM，按首条留言的本地时间）",
        "Month (YYYY-MM, local time of the first message)",
    ),
    "department_id": ("string", "承办单位编号（空：未知）", "Department id (empty: not known)"),
    "department": ("string", "承办单位名称", "Department name (Chinese)"),
    "department_en": ("string", "承办单位英文名称", "Department name (English)"),
    "region": ("string", "区域", "Region"),
    "category_id": ("string", "一级分类编号（空：未知）", "Top-level category id (empty: not known)"),
    "category": ("string", "一级分类名称", "Top-level category name (Chinese)"),
    "category_en": ("string", "一级分类英文名称", "Top-level category name (English)"),
}
#: Said of every count of citizens' answers: a row with few of them leaves them empty.
_FEW_ZH = "（回访不足 5 件或已答复 1–4 件的行留空）"
_FEW_EN = " (empty in a row with fewer than 5 follow-ups, or 1 to 4 answered cases)"
_COUNTS: dict[str, tuple[str, str]] = {
    "cases": ("案件数", "Cases"),
    "sign_due": (
        "应签收派单数（已签收、退单、答复或已超过签收时限；每次派单计入当时承办的部门，本行的部门可能不是案件现在的承办部门）",
        (
            "Dispatches due to be signed for (signed, sent back, answered, or past the limit; each "
            "counts for the department it went to, which may not be the case's department now)"
        ),
    ),
    "signed_on_time": (
        "其中按时签收（或退单、答复）数",
        "Of those, signed for (or sent back, answered) in time",
    ),
    "answered": ("已答复案件数", "Cases answered"),
    "completion_due": ("应办结案件数（已答复或已超期）", "Cases due (answered, or past their deadline)"),
    "completed_on_time": ("其中按时答复数", "Of those, answered in time"),
    "solved_rated": (
        "回访中表示是否解决的案件数" + _FEW_ZH,
        "Cases whose follow-up says whether it was solved" + _FEW_EN,
    ),
    "solved": ("其中已解决数" + _FEW_ZH, "Of those, solved" + _FEW_EN),
    "rated": ("回访中作出评价的案件数" + _FEW_ZH, "Cases rated at follow-up" + _FEW_EN),
    "satisfied": ("其中满意数" + _FEW_ZH, "Of those, satisfied" + _FEW_EN),
    "basically_satisfied": ("其中基本满意数" + _FEW_ZH, "Of those, basically satisfied" + _FEW_EN),
    "reopened": ("重办过的已答复案件数" + _FEW_ZH, "Answered cases reopened at least once" + _FEW_EN),
    "reply_seconds": ("首次答复用时之和（秒）", "Sum of the times to first reply (seconds)"),
}


@dataclass(frozen=True)
class DataFile:
    """One downloadable table: its name, what it holds, its links and columns."""

    key: str
    path: str  # without the extension
    columns: tuple[Column, ...]

    def links(self) -> list[str]:
        """The URLs of the file in every format."""
        return [f"{self.path}.{fmt.value}" for fmt in OpenFormat]


def _bucket(index: int) -> Column:
    """The histogram column ``index``: cases whose first reply took that long."""
    low = REPLY_BUCKET_HOURS[index - 1] if index else 0
    if index < len(REPLY_BUCKET_HOURS):
        high = REPLY_BUCKET_HOURS[index]
        return Column(
            BUCKET_COLUMNS[index],
            "integer",
            f"首次答复用时 {low:g}–{high:g} 小时的案件数",
            f"Cases first answered in {low:g}–{high:g} hours",
        )
    return Column(
        BUCKET_COLUMNS[index],
        "integer",
        f"首次答复用时 {low:g} 小时以上的案件数",
        f"Cases first answered in {low:g} hours or more",
    )


def scorecard_columns() -> tuple[Column, ...]:
    """Every column of the scorecard files (all dimensions), described."""
    figures = {figure.key: figure for figure in FIGURES}
    buckets = {name: index for index, name in enumerate(BUCKET_COLUMNS)}
    described = []
    for name in columns_for(GROUPABLE):
        if name in _KEYS:
            described.append(Column(name, *_KEYS[name]))
        elif name in _COUNTS:
            described.append(Column(name, "integer", *_COUNTS[name]))
        elif name in buckets:
            described.append(_bucket(buckets[name]))
        elif name in figures:
            figure = figures[name]
            zh = f"{figure.name_zh}：{figure.definition_zh}"
            described.append(Column(name, "number", zh, f"{figure.name_en}: {figure.definition_en}"))
        else:  # a column added later without a description here: named, never hidden
            described.append(Column(name, "", name, name))
    return tuple(described)


def data_files() -> tuple[DataFile, ...]:
    """Every open data table, in the order the page lists them."""
    return (
        DataFile("cases", "/public/data/cases", CASE_COLUMNS),
        DataFile("scorecard", "/public/data/scorecard", scorecard_columns()),
    )
