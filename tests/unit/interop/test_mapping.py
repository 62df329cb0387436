from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from minyi.interop import values
from minyi.interop.mapping import RowConverter, RowError, detect_mapping
from minyi.interop.tabular import ImportFileError

SHANGHAI = ZoneInfo("Asia/Shanghai")


def naive(*parts: int) -> datetime:
    """A time as Excel stores it: without a timezone."""
    return datetime(*parts)  # noqa: DTZ001 - Excel cells hold naive times


def test_attachment3_headers_are_recognised():
    columns = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "反对数", "点赞数"]
    assert detect_mapping(columns) == {
        "external_id": "留言编号",
        "author": "留言用户",
        "title": "留言主题",
        "submitted_at": "留言时间",
        "body": "留言详情",
        "dislikes": "反对数",
        "likes": "点赞数",
    }


def test_english_headers_ignore_case_spaces_bom_and_full_width():
    columns = [
        "\ufeffMessage ID",
        " Author ",
        "SUBJECT",
        "Ｃｏｎｔｅｎｔ",
        "Created-At",
        "Reposts",
        "Replies",
        "Lat",
        "LNG",
    ]
    assert detect_mapping(columns) == {
        "external_id": "\ufeffMessage ID",
        "author": " Author ",
        "title": "SUBJECT",
        "body": "Ｃｏｎｔｅｎｔ",
        "submitted_at": "Created-At",
        "reposts": "Reposts",
        "replies_count": "Replies",
        "latitude": "Lat",
        "longitude": "LNG",
    }


def test_explicit_mapping_wins_and_frees_nothing_else():
    mapping = detect_mapping(["标题", "备注", "内容"], {"title": "备注"})
    assert mapping == {"title": "备注", "body": "内容"}


def test_explicit_empty_mapping_leaves_a_field_unmapped():
    assert detect_mapping(["标题", "内容"], {"title": ""}) == {"body": "内容"}


def test_explicit_mapping_to_a_missing_column():
    with pytest.raises(
        ImportFileError, match=r"--map body=正文: the file has no column '正文'; columns found: a, b"
    ):
        detect_mapping(["a", "b"], {"body": "正文"})


def test_explicit_mapping_of_an_unknown_field():
    with pytest.raises(ImportFileError, match="'colour': it is not a message field"):
        detect_mapping(["内容"], {"colour": "内容"})


def test_no_text_column_lists_the_columns_and_the_way_out():
    with pytest.raises(ImportFileError) as info:
        detect_mapping(["序号", "摘要", "日期"])
    assert "columns found: 序号, 摘要, 日期" in str(info.value)
    assert "--map body=<column>" in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019/4/25 9:32:09", datetime(2019, 4, 25, 9, 32, 9, tzinfo=SHANGHAI)),
        ("2019-04-25 09:32", datetime(2019, 4, 25, 9, 32, tzinfo=SHANGHAI)),
        ("2019-04-25", datetime(2019, 4, 25, tzinfo=SHANGHAI)),
        ("2019年4月25日 9时32分", datetime(2019, 4, 25, 9, 32, tzinfo=SHANGHAI)),
        (" 2019.4.25 09:32:09.5 ", datetime(2019, 4, 25, 9, 32, 9, 500000, tzinfo=SHANGHAI)),
        ("2019-04-25T09:32:09Z", datetime(2019, 4, 25, 9, 32, 9, tzinfo=UTC)),
        ("2019-04-25T09:32:09+08:00", datetime(2019, 4, 25, 1, 32, 9, tzinfo=UTC)),
        ("Thu Apr 25 09:32:09 +0800 2019", datetime(2019, 4, 25, 1, 32, 9, tzinfo=UTC)),
        (naive(2019, 4, 25, 9, 32), datetime(2019, 4, 25, 9, 32, tzinfo=SHANGHAI)),
        (43580.5, datetime(2019, 4, 25, 12, 0, tzinfo=SHANGHAI)),
        (1556155929, datetime(2019, 4, 25, 1, 32, 9, tzinfo=UTC)),
        ("", None),
        (None, None),
    ],
)
def test_times(text, expected):
    parsed = values.parse_time(text, SHANGHAI)
    assert parsed == expected
    assert parsed is None or parsed.tzinfo is not None


def test_naive_times_use_the_given_zone():
    parsed = values.parse_time("2019-04-25 09:32", timezone(timedelta(hours=-5)))
    assert parsed == datetime(2019, 4, 25, 14, 32, tzinfo=UTC)


@pytest.mark.parametrize("text", ["yesterday", "2019/13/45 9:00", "25.4."])
def test_bad_times(text):
    with pytest.raises(values.CellValueError, match="date"):
        values.parse_time(text, SHANGHAI)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1,234", 1234),
        ("", None),
        (None, None),
        (" 7\n", 7),
        (12.0, 12),
        (3, 3),
        ("1.2万", 12000),
        ("3k", 3000),
    ],
)
def test_counts(value, expected):
    assert values.parse_count(value) == expected


@pytest.mark.parametrize("value", ["many", "1.5", float("nan")])
def test_bad_counts(value):
    with pytest.raises(values.CellValueError, match="whole number"):
        values.parse_count(value)


def test_text_is_stripped_of_padding():
    assert values.parse_text("\n\t 路灯 不亮 \ufeff\n") == "路灯 不亮"
    assert values.parse_text(" \n\t") is None
    assert values.parse_text(188006.0) == "188006"
    # An old system's stray control characters are dropped (tab and line breaks stay inside).
    assert values.parse_text('\x01=HYPERLINK("http://evil.example/")') == '=HYPERLINK("http://evil.example/")'
    assert values.parse_text("路灯\x07坏了\t三天") == "路灯坏了\t三天"


def test_converter_builds_a_message_and_derives_the_title():
    convert = RowConverter({"body": "内容", "likes": "赞"}, SHANGHAI)
    body = "  小区门口的路灯\n已经坏了三天，晚上出行很不方便，希望尽快修理，谢谢！再补充一句。  "
    message, errors = convert(5, {"内容": body, "赞": "1,234"})
    assert errors == []
    assert message.body == body.strip()
    assert message.title == "小区门口的路灯 已经坏了三天，晚上出行很不方便，希望尽快修理"
    assert len(message.title) == 30
    assert message.likes == 1234
    assert message.dislikes == 0


def test_converter_copies_the_title_when_there_is_no_body_column():
    message, _ = RowConverter({"title": "标题"}, SHANGHAI)(2, {"标题": "路灯不亮"})
    assert (message.title, message.body) == ("路灯不亮", "路灯不亮")


def test_converter_reports_every_problem_of_a_row_once():
    convert = RowConverter({"title": "标题", "body": "内容", "likes": "赞", "submitted_at": "时间"}, SHANGHAI)
    message, errors = convert(17, {"标题": "t", "内容": " \n ", "赞": "-3", "时间": "soon"})
    assert message is None
    assert [str(e) for e in errors] == [
        "row 17, field submitted_at: expected a date and time such as 2019-04-25 09:32:09, found 'soon' (column 时间)",
        "row 17, field body: must not be empty (column 内容)",
        "row 17, field likes: Input should be greater than or equal to 0 (column 赞)",
    ]


def test_converter_reports_an_empty_body_not_its_derived_title():
    _, errors = RowConverter({"body": "body"}, SHANGHAI)(3, {"body": ""})
    assert errors == [RowError(3, "body", "must not be empty", "body")]
    assert str(errors[0]) == "row 3, field body: must not be empty"


def test_text_no_database_can_store_is_refused_not_altered():
    with pytest.raises(values.CellValueError, match="NUL character"):
        values.parse_text("a\x00b")
    with pytest.raises(values.CellValueError, match="unpaired UTF-16 surrogate"):
        values.parse_text("a\ud800b")


def test_counts_must_fit_the_column():
    assert values.parse_count(str(values.MAX_COUNT)) == values.MAX_COUNT
    with pytest.raises(values.CellValueError, match="too large"):
        values.parse_count("99999999999")


@pytest.mark.parametrize("text", ["0219-04-25 09:00", "2919/4/25"])
def test_years_out_of_range_are_typos(text):
    with pytest.raises(values.CellValueError, match="is not between 1900 and 2100"):
        values.parse_time(text, SHANGHAI)
