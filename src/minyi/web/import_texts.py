"""The import pages in the reader's language: fields, layouts, statuses and row problems.

The import flow (``minyi.flows.imports``, ``minyi.interop``) names fields by their keys
(``submitted_at``) and explains a row's problem in English, for the command line and the
logs. An operator on the Chinese page reads 留言时间 and 不是有效的日期时间; these are
looked up here, and an unknown text is shown as it is.
"""

from __future__ import annotations

import re

from minyi.interop.presets import LAYOUT_TITLES
from minyi.web.domain_texts import domain_text

__all__ = ["field_label", "layout_text", "problem_text", "run_status", "unused_columns"]

#: Each message field of an import, as the mapping table names it.
FIELDS: dict[str, tuple[str, str]] = {
    "external_id": ("留言编号", "Message id"),
    "author": ("留言用户", "Author"),
    "title": ("留言主题", "Title"),
    "body": ("留言详情", "Message"),
    "submitted_at": ("留言时间", "Written at"),
    "likes": ("点赞数", "Likes"),
    "dislikes": ("反对数", "Dislikes"),
    "reposts": ("转发数", "Reposts"),
    "replies_count": ("评论数", "Comments"),
    "region": ("地区", "Region"),
    "address": ("地址", "Address"),
    "latitude": ("纬度", "Latitude"),
    "longitude": ("经度", "Longitude"),
    "language": ("语言", "Language"),
    "is_public": ("是否公开", "Public"),
    "reply": ("答复意见", "Reply"),
    "replied_at": ("答复时间", "Replied at"),
}

#: The status of an import run (``minyi.flows.import_runs``).
STATUSES: dict[str, tuple[str, str]] = {
    "uploaded": ("已上传，待导入", "Uploaded"),
    "running": ("导入中", "Running"),
    "done": ("已完成", "Done"),
    "refused": ("已拒绝（文件有问题）", "Refused"),
    "failed": ("失败", "Failed"),
    "expired": ("已过期（上传后未导入，文件已删除）", "Expired (never started; file deleted)"),
}

#: The layouts :mod:`minyi.interop.presets` recognises, by name (shared with the command line).
LAYOUTS = LAYOUT_TITLES

#: (pattern, zh, en) of a row's problem or a warning of the import report.
PROBLEMS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), zh, en)
    for pattern, zh, en in (
        (r"must not be empty( or only whitespace)?", "不能为空", "must not be empty"),
        (
            r"must not be empty when there is a reply",
            "有答复时不能为空",
            "must not be empty when there is a reply",
        ),
        (
            r"not a real date and time: (?P<v>.*?)(?: \(.*\))?",
            "不是有效的日期时间：{v}",
            "not a real date and time: {v}",
        ),
        (
            r"expected a date and time such as (?P<e>.+), found (?P<v>.*)",
            "应为日期时间，例如 {e}，实际为 {v}",
            "expected a date and time such as {e}, found {v}",
        ),
        (
            r"the year of (?P<v>.*) is not between (?P<a>\d+) and (?P<b>\d+)",
            "{v} 的年份不在 {a} 到 {b} 之间",
            "the year of {v} is not between {a} and {b}",
        ),
        (
            r"is in the future: a message cannot have been written yet",
            "晚于现在：留言不可能写于将来",
            "is in the future: a message cannot have been written yet",
        ),
        (
            r"is before 1990-01-01: not a time a message was written",
            "早于 1990 年：不是留言的时间",
            "is before 1990-01-01: not a time a message was written",
        ),
        (
            r"expected a whole number, found (?:the date )?(?P<v>.*)",
            "应为整数，实际为 {v}",
            "expected a whole number, found {v}",
        ),
        (
            r"(?P<v>\d+) is too large for a count \(at most (?P<m>\d+)\)",
            "{v} 过大（最多 {m}）",
            "{v} is too large (at most {m})",
        ),
        (r"expected a number, found (?P<v>.*)", "应为数字，实际为 {v}", "expected a number, found {v}"),
        (
            r"expected 是/否 \(yes/no\), found (?P<v>.*)",
            "应为“是”或“否”，实际为 {v}",
            "expected yes or no, found {v}",
        ),
        (r"contains a NUL character.*", "含有无法保存的空字符（0x00）", "contains a NUL character (0x00)"),
        (r"contains an invalid character.*", "含有无效字符", "contains an invalid character"),
        (
            r"the file has no id column .*",
            (
                "文件没有留言编号列（如“留言编号”或“id”）：再次导入同一文件会重复保存其中的留言；"
                "请在上面的表格中为“留言编号”选择一列。"
            ),
            (
                "The file has no id column (such as 留言编号 or id): importing it again would store its "
                "messages again; choose a column for Message id in the table above."
            ),
        ),
    )
)


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def field_label(name: str, language: str = "zh") -> str:
    """The field ``name`` (``submitted_at``) as the reader calls it (留言时间)."""
    pair = FIELDS.get(name)
    return _pick(pair, language) if pair else name


def run_status(status: str, language: str = "zh") -> str:
    """An import run's status in words."""
    pair = STATUSES.get(status)
    return _pick(pair, language) if pair else status


def layout_text(layout: str, language: str = "zh") -> str:
    """A layout's name (``generic``, ``附件4``) in words."""
    pair = LAYOUTS.get(layout)
    return _pick(pair, language) if pair else layout


def problem_text(message: str, language: str = "zh") -> str:
    """A row's problem or a report's warning in the reader's language; else as it is."""
    text = message.strip()
    for pattern, zh, en in PROBLEMS:
        match = pattern.fullmatch(text)
        if match is not None:
            return (en if language == "en" else zh).format(**match.groupdict())
    return domain_text(text, language)


def unused_columns(columns: list[str], mapping: dict[str, str]) -> list[str]:
    """The file's columns that no field reads (shown, so that nothing is dropped unseen)."""
    used = set(mapping.values())
    return [column for column in columns if column and column not in used]
