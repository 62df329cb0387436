"""Validation errors in plain words, in the page's language, with the field's label.

Pydantic speaks to programmers ("String should have at least 1 character"); people read
"请填写留言主题。". :func:`plain_errors` turns the errors of a ``ValidationError`` (or of a
``RequestValidationError``) into ``{field: message}`` for the forms and the error page. The
JSON API keeps pydantic's English words for integrators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from minyi.web import i18n

#: Labels of form fields that have no ``field.*`` text of their own.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "name": ("名称", "Name"),
    "reason": ("理由", "Reason"),
    "note": ("说明", "Note"),
    "comment": ("意见", "Comment"),
    "working_days": ("工作日天数", "Working days"),
    "due_date": ("时限", "Due date"),
    "department_id": ("承办单位", "Department"),
    "status": ("状态", "Status"),
    "page": ("页码", "Page"),
    "q": ("搜索词", "Search words"),
    "days": ("天数", "Days"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "kind": ("类型", "Kind"),
    "scope": ("统计范围", "Counted by"),
    "cooldown_minutes": ("冷却期", "Cool-down"),
    "ratio": ("倍数", "Ratio"),
    "min_count": ("最少留言数", "Least messages"),
    "min_likes": ("最少点赞数", "Least likes"),
    "recent_hours": ("统计时段（小时）", "Recent hours"),
    "baseline_hours": ("对比时段（小时）", "Baseline hours"),
    "k": ("平常波动的倍数", "Times the usual swing"),
    "baseline_days": ("对比天数", "Baseline days"),
    "min_history_days": ("最少历史天数", "Least days of history"),
    "sigma_floor": ("最小波动", "Least spread"),
    "window_hours": ("统计时段（小时）", "Window hours"),
    "keywords": ("关键词", "Keywords"),
    "webhook_urls": ("Webhook 地址", "Webhook URLs"),
    "emails": ("邮箱", "E-mail addresses"),
    "message_ids": ("留言", "Messages"),
    "by": ("统计维度", "Grouped by"),
    "weeks": ("周数", "Weeks"),
    "end": ("截止日期", "End date"),
    "from": ("起始日期", "From"),
    "to": ("截止日期", "To"),
    "top": ("条数", "Number of hits"),
    "decision": ("采纳决定", "Decision"),
    "outcome": ("回电结果", "Outcome"),
    "file": ("文件", "File"),
    "target_id": ("要并入的问题", "Issue to merge into"),
    "template_id": ("答复模板", "Reply template"),
    "case_lines": ("案件编号", "Case numbers"),
}
#: Fields that mean something else on a staff page than on the portal's message form
#: (``body`` is a citizen's 留言详情 there, a reply here): (path prefix, field) → label.
PAGE_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("/staff/cases/", "body"): ("答复内容", "Reply"),
    ("/staff/statements", "title"): ("标题", "Title"),
    ("/staff/statements", "body"): ("正文", "Text"),
    ("/staff/admin", "code"): ("代码", "Code"),
    ("/staff/admin", "name"): ("名称", "Name"),
    ("/staff/admin", "body"): ("正文", "Text"),
    ("/staff/admin", "title"): ("标题", "Title"),
    ("/staff/knowledge", "title"): ("标题", "Title"),
    ("/staff/knowledge", "body"): ("正文", "Text"),
    ("/staff/issues/", "title"): ("标题", "Title"),
}
#: Form fields whose label is the text of another field (``category_id`` is labelled "category").
ALIASES = {"category_id": "category", "is_public": "public"}
GENERIC_LABEL = ("此项", "This field")

#: Pydantic error type → (zh, en); ``{label}`` and the error's context (``{min_length}`` …).
MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("请填写{label}。", "Please fill in {label}."),
    "string_too_short": ("请填写{label}。", "Please fill in {label}."),
    "string_too_long": ("{label}最多 {max_length} 个字。", "{label}: at most {max_length} characters."),
    "too_short": ("{label}至少需要 {min_length} 项。", "{label}: at least {min_length} needed."),
    "too_long": ("{label}最多 {max_length} 项。", "{label}: at most {max_length} allowed."),
    "string_pattern_mismatch": ("{label}格式不正确。", "{label} is not in the right form."),
    "int_parsing": ("{label}应为整数。", "{label} must be a whole number."),
    "int_from_float": ("{label}应为整数。", "{label} must be a whole number."),
    "float_parsing": ("{label}应为数字。", "{label} must be a number."),
    "bool_parsing": ("{label}应为“是”或“否”。", "{label} must be yes or no."),
    "greater_than": ("{label}应大于 {gt}。", "{label} must be more than {gt}."),
    "greater_than_equal": ("{label}不能小于 {ge}。", "{label} must be at least {ge}."),
    "less_than": ("{label}应小于 {lt}。", "{label} must be less than {lt}."),
    "less_than_equal": ("{label}不能大于 {le}。", "{label} must be at most {le}."),
    "enum": ("请从列表中选择{label}。", "Choose {label} from the list."),
    "literal_error": ("请从列表中选择{label}。", "Choose {label} from the list."),
    "date_parsing": ("{label}应为日期，如 2026-12-31。", "{label} must be a date, e.g. 2026-12-31."),
    "date_from_datetime_parsing": (
        "{label}应为日期，如 2026-12-31。",
        "{label} must be a date, e.g. 2026-12-31.",
    ),
    "datetime_parsing": ("{label}应为时间。", "{label} must be a date and time."),
    "datetime_from_date_parsing": ("{label}应为时间。", "{label} must be a date and time."),
    "url_parsing": ("{label}不是有效的网址。", "{label} is not a valid web address."),
    "extra_forbidden": ("不认识的字段：{label}。", "Unknown field: {label}."),
}
#: ``value_error`` messages are our own validators' or the e-mail checker's: matched by words.
VALUE_ERRORS: tuple[tuple[str, tuple[str, str]], ...] = (
    ("email", ("{label}格式不正确。", "{label} is not a valid address.")),
    ("@", ("{label}格式不正确。", "{label} is not a valid address.")),
    ("empty", ("请填写{label}。", "Please fill in {label}.")),
    ("blank", ("请填写{label}。", "Please fill in {label}.")),
    ("nul", ("{label}含有无法保存的字符。", "{label} holds characters that cannot be stored.")),
    ("control", ("{label}含有无法保存的字符。", "{label} holds characters that cannot be stored.")),
    ("timezone", ("{label}需要带时区的时间。", "{label} needs a time with its time zone.")),
    ("in the future", ("{label}不能晚于现在。", "{label} cannot be in the future.")),
    ("before 1990", ("{label}不能早于 1990 年。", "{label} cannot be before 1990.")),
)
DEFAULT_MESSAGE = ("{label}填写有误，请检查。", "{label} is not valid; please check it.")
_PARENTHESES = re.compile(r"\s*[（(][^）)]*[）)]\s*$")
_LOCATIONS = {"body", "query", "path", "header", "cookie", "form"}


def field_name(loc: Iterable[Any]) -> str:
    """The form field an error is about: the last named part of its location.

    FastAPI puts where the value came from first (``("body", "title")``); a model's own
    error starts with the field (``("body",)`` is the field ``body``).
    """
    parts = [str(p) for p in loc if not isinstance(p, int)]
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return parts[-1] if parts else "form"


def field_label(field: str, language: str, path: str = "") -> str:
    """The field's label as the form at ``path`` shows it, without "(optional)"."""
    key = f"field.{ALIASES.get(field, field)}"
    page = next(
        (pair for (prefix, name), pair in PAGE_LABELS.items() if name == field and path.startswith(prefix)),
        None,
    )
    if page is not None:
        text = page[1] if language == "en" else page[0]
    elif key in i18n.TEXTS:
        text = i18n.translate(key, language)
    elif field in FIELD_LABELS or field == "form":
        pair = FIELD_LABELS.get(field, GENERIC_LABEL)
        text = pair[1] if language == "en" else pair[0]
    else:  # a field with no label of its own (a query parameter): its own name, so it is named
        text = f"“{field}”"
    return _PARENTHESES.sub("", text) or text


def _template(error: Mapping[str, Any], field: str) -> tuple[str, str]:
    kind = str(error.get("type", ""))
    if kind == "value_error" or kind.startswith("value_error"):
        text = str(error.get("msg", "")).lower()
        if field == "email":
            return VALUE_ERRORS[0][1]
        for needle, pair in VALUE_ERRORS:
            if needle in text:
                return pair
        return DEFAULT_MESSAGE
    return MESSAGES.get(kind, DEFAULT_MESSAGE)


def _shown(value: float | str) -> float | str:
    """A bound as people write it: 1, not 1.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def plain_message(error: Mapping[str, Any], language: str, field: str | None = None, path: str = "") -> str:
    """One pydantic error as a short sentence in ``language`` (``path``: the page's, for its labels)."""
    field = field or field_name(error.get("loc", ()))
    label = field_label(field, language, path)
    zh, en = _template(error, field)
    template = en if language == "en" else zh
    context = {k: _shown(v) for k, v in (error.get("ctx") or {}).items() if isinstance(v, int | float | str)}
    if language == "en" and template.startswith("{label}"):
        label = label[:1].upper() + label[1:]
    try:
        return template.format(label=label, **context)
    except (KeyError, IndexError, ValueError):
        zh, en = DEFAULT_MESSAGE
        return (en if language == "en" else zh).format(label=label)


def plain_errors(errors: Iterable[Mapping[str, Any]], language: str, path: str = "") -> dict[str, str]:
    """``{field: message}`` for a form at ``path``; the first error of each field wins."""
    found: dict[str, str] = {}
    for error in errors:
        field = field_name(error.get("loc", ()))
        found.setdefault(field, plain_message(error, language, field, path))
    return found
