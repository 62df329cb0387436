"""Validation errors become short sentences in the page's language, naming the field's label."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from minyi.intake.schemas import MessageIn
from minyi.web import validation
from minyi.web.validation import field_name, plain_errors, plain_message

RAW = ("String should", "valid email", "Input should", "field required", "value_error")


def _errors() -> list[dict[str, object]]:
    with pytest.raises(ValidationError) as caught:
        MessageIn(title="", body="x" * 100_001, contact={"email": "x@", "phone": "ab"})  # type: ignore[arg-type]
    return [dict(e) for e in caught.value.errors()]


def test_portal_errors_in_chinese_and_english() -> None:
    zh = plain_errors(_errors(), "zh")
    assert zh == {
        "title": "请填写留言主题。",
        "body": "留言详情最多 100000 个字。",
        "phone": "联系电话格式不正确。",
        "email": "电子邮箱格式不正确。",
    }
    en = plain_errors(_errors(), "en")
    assert en["title"] == "Please fill in Subject."
    assert en["email"] == "E-mail is not a valid address."
    assert not any(raw in text for raw in RAW for text in [*zh.values(), *en.values()])


@pytest.mark.parametrize(
    ("error", "zh", "en"),
    [
        ({"type": "missing", "loc": ("body", "reason")}, "请填写理由。", "Please fill in Reason."),
        (
            {"type": "int_parsing", "loc": ("body", "working_days")},
            "工作日天数应为整数。",
            "Working days must be a whole number.",
        ),
        (
            {"type": "greater_than_equal", "loc": ("query", "page"), "ctx": {"ge": 1}},
            "页码不能小于 1。",
            "Page must be at least 1.",
        ),
        (
            {"type": "greater_than", "loc": ("ratio",), "ctx": {"gt": 1}},
            "倍数应大于 1。",
            "Ratio must be more than 1.",
        ),
        (
            {"type": "enum", "loc": ("query", "status"), "ctx": {"expected": "'open'"}},
            "请从列表中选择状态。",
            "Choose Status from the list.",
        ),
        (
            {"type": "literal_error", "loc": ("query", "status")},
            "请从列表中选择状态。",
            "Choose Status from the list.",
        ),
        (
            {"type": "something_new", "loc": ("body", "category_id")},
            "问题类别填写有误，请检查。",
            "Category is not valid; please check it.",
        ),
    ],
)
def test_each_kind_of_error(error: dict[str, object], zh: str, en: str) -> None:
    assert plain_message(error, "zh") == zh
    assert plain_message(error, "en") == en


def test_field_names_skip_where_the_value_came_from() -> None:
    assert field_name(("body", "title")) == "title"
    assert field_name(("body",)) == "body"
    assert field_name(("contact", "email")) == "email"
    assert field_name(("body", "message_ids", 0)) == "message_ids"


def test_a_staff_page_names_its_own_fields():
    """``body`` is a citizen's 留言详情 on the portal, a reply on a case page, a text on the admin pages."""
    assert validation.field_label("body", "zh") == "留言详情"
    assert validation.field_label("body", "zh", "/staff/cases/abc/reply") == "答复内容"
    assert validation.field_label("code", "zh", "/staff/admin/departments") == "代码"
    assert validation.field_label("title", "en", "/staff/statements") == "Title"
    assert validation.field_label("file", "zh", "/staff/imports") == "文件"
    error = {"type": "missing", "loc": ("body", "file")}
    assert validation.plain_errors([error], "zh", "/staff/imports") == {"file": "请填写文件。"}
