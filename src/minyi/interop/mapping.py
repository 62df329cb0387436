"""Which column feeds which message field, and how one file row becomes a message.

:func:`detect_mapping` recognises common Chinese and English headers (``留言详情``,
``内容``, ``body`` …), ignoring case, spaces, underscores, hyphens and full-width forms;
an explicit mapping wins. :class:`RowConverter` parses one row's cells
(:mod:`minyi.interop.values`) and validates them as a
:class:`~minyi.intake.schemas.MessageIn`, or returns every problem as a :class:`RowError`.

Without a title column a message's title is the first 30 characters of its body
(whitespace collapsed); without a body column its body is its title.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from minyi.intake.titles import cut_title
from minyi.interop import values
from minyi.interop.tabular import ImportFileError, Record, column_list

if TYPE_CHECKING:  # pydantic and the schemas load with the first row converted, not for detect_mapping
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

    from minyi.intake.schemas import MessageIn

TITLE_FROM_BODY_CHARS = 30

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": ("留言编号", "编号", "id", "message_id", "留言id", "帖子id", "微博id", "mid"),
    "author": (
        "留言用户",
        "用户",
        "author",
        "user",
        "用户名",
        "用户id",
        "user_id",
        "user.id",
        "发布人",
        "作者",
    ),
    "title": ("留言主题", "主题", "标题", "title", "subject"),
    "body": ("留言详情", "详情", "内容", "正文", "body", "content", "text", "留言内容", "微博正文"),
    "submitted_at": ("留言时间", "时间", "发布时间", "time", "created_at", "date", "datetime", "日期"),
    "likes": ("点赞数", "likes", "点赞", "like_count", "attitudes_count"),
    "dislikes": ("反对数", "dislikes", "反对", "dislike_count"),
    "reposts": ("转发数", "reposts", "转发", "reposts_count", "shares"),
    "replies_count": ("评论数", "回复数", "replies", "comments_count", "reply_count"),
    "region": ("地区", "区域", "region", "所属地区", "区县"),
    "address": ("地址", "address", "详细地址"),
    "latitude": ("纬度", "lat", "latitude"),
    "longitude": ("经度", "lon", "lng", "longitude"),
    "language": ("语言", "language", "lang"),
    "is_public": ("是否公开", "公开", "is_public", "public"),
}
TEXT_FIELDS = ("external_id", "author", "title", "body", "region", "address", "language")
COUNT_FIELDS = ("likes", "dislikes", "reposts", "replies_count")


@dataclass(frozen=True)
class RowError:
    """One problem in one row: the row number a person sees, the field, what is wrong."""

    row: int
    field: str
    message: str
    column: str | None = None

    def __str__(self) -> str:
        """``row 17, field body: must not be empty (column 留言详情)``."""
        where = f" (column {self.column})" if self.column and self.column != self.field else ""
        return f"row {self.row}, field {self.field}: {self.message}{where}"

    def to_dict(self) -> dict[str, Any]:
        """The error as plain JSON values."""
        return {"row": self.row, "field": self.field, "message": self.message, "column": self.column}


# --- columns -------------------------------------------------------------------------


def normalise_header(name: str) -> str:
    """A header as compared: full-width folded, case-folded, without spaces, ``_`` or ``-``."""
    text = unicodedata.normalize("NFKC", name).replace("\ufeff", "").casefold()
    return re.sub(r"[\s_\-]+", "", text)


def detect_mapping(columns: Sequence[str], mapping: Mapping[str, str] | None = None) -> dict[str, str]:
    """Which column feeds each message field: ``{"body": "留言详情", ...}``.

    ``mapping`` (field → column) wins over recognition; mapping a field to ``""`` leaves
    it unmapped (so ``title=""`` makes titles from the body). A column feeds at most one
    recognised field.

    Raises:
        ImportFileError: ``mapping`` names an unknown field or a missing column, or no
            column holds a body or a title (the message lists the columns found).
    """
    explicit = dict(mapping or {})
    unknown = [name for name in explicit if name not in FIELD_ALIASES]
    if unknown:
        fields = ", ".join(FIELD_ALIASES)
        raise ImportFileError(
            f"cannot map {unknown[0]!r}: it is not a message field; the fields are: {fields}"
        )
    by_name: dict[str, str] = {}
    for column in columns:
        by_name.setdefault(normalise_header(column), column)
    chosen: dict[str, str] = {}
    for name, column in explicit.items():
        if column.strip():
            found = by_name.get(normalise_header(column))
            if found is None:
                raise ImportFileError(
                    f"--map {name}={column}: the file has no column {column!r}; columns found: "
                    f"{column_list(columns)}"
                )
            chosen[name] = found
    used = set(chosen.values())
    for name, aliases in FIELD_ALIASES.items():
        if name in explicit:
            continue
        candidates = (by_name.get(normalise_header(alias)) for alias in (name, *aliases))
        found = next((column for column in candidates if column is not None and column not in used), None)
        if found is not None:
            chosen[name] = found
            used.add(found)
    if "body" not in chosen and "title" not in chosen:
        raise ImportFileError(
            f"no column holds the message text (such as 留言详情, 内容, body, or 留言主题, title); "
            f"columns found: {column_list(columns)}. Say which column holds it, e.g. "
            "--map body=<column> (and --map title=<column>)"
        )
    return chosen


# --- rows ----------------------------------------------------------------------------


def _parsers(zone: ZoneInfo) -> dict[str, values.Parser]:
    parsers: dict[str, values.Parser] = dict.fromkeys(TEXT_FIELDS, values.parse_text)
    parsers |= dict.fromkeys(COUNT_FIELDS, values.parse_count)
    parsers |= {"latitude": values.parse_float, "longitude": values.parse_float}
    parsers |= {"is_public": values.parse_bool, "submitted_at": values.time_parser(zone)}
    return parsers


def _error_text(error: ErrorDetails) -> str:
    if error["type"] in {"missing", "string_too_short"}:
        return "must not be empty"
    return error["msg"].removeprefix("Value error, ")


@dataclass(frozen=True)
class RowConverter:
    """Turns one file row into a :class:`MessageIn`, or into the list of its problems."""

    mapping: dict[str, str]
    zone: ZoneInfo
    parsers: dict[str, values.Parser] = field(init=False)

    def __post_init__(self) -> None:
        """Bind the time parser to the zone."""
        object.__setattr__(self, "parsers", _parsers(self.zone))

    def __call__(self, number: int, record: Record) -> tuple[MessageIn | None, list[RowError]]:
        """The message in row ``number``, or ``None`` and every problem found in it."""
        data: dict[str, object] = {}
        errors: list[RowError] = []
        for name, column in self.mapping.items():
            try:
                value = self.parsers[name](record.get(column))
            except values.CellValueError as exc:
                errors.append(RowError(number, name, str(exc), column))
                continue
            if value is not None:
                data[name] = value
        if "title" not in self.mapping and isinstance(data.get("body"), str):
            data["title"] = cut_title(" ".join(str(data["body"]).split()), TITLE_FROM_BODY_CHARS)
        if "body" not in self.mapping and "title" in data:
            data["body"] = data["title"]
        from pydantic import ValidationError  # local: `minyi issues detect` needs no pydantic

        from minyi.intake.schemas import MessageIn  # local: as above

        try:
            message = MessageIn.model_validate(data)
        except ValidationError as exc:
            errors += self._errors(number, exc, {e.field for e in errors})
            message = None
        return (None, errors) if errors else (message, [])

    def _errors(self, number: int, exc: ValidationError, seen: set[str]) -> list[RowError]:
        found = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "row"
            # A derived title or body is wrong only because its source is: report that one.
            if name in seen or (name in {"title", "body"} and name not in self.mapping):
                continue
            found.append(RowError(number, name, _error_text(error), self.mapping.get(name)))
        return found
