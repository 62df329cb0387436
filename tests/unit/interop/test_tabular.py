from __future__ import annotations

import json
from datetime import date, datetime

import openpyxl
import pytest

from minyi.interop.tabular import ImportFileError, read_rows, read_rows_once

HEADER = "留言编号,留言主题,留言详情\n"
ROWS = "1,路灯不亮,小区门口路灯坏了三天\n2,噪音扰民,工地夜间施工\n"


def naive(*parts: int) -> datetime:
    """A time as Excel stores it: without a timezone."""
    return datetime(*parts)  # noqa: DTZ001 - Excel cells hold naive times


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_csv(tmp_path):
    table = read_rows(write(tmp_path, "m.csv", (HEADER + ROWS).encode()))
    assert table.columns == ["留言编号", "留言主题", "留言详情"]
    assert table.encoding == "utf-8"
    assert list(table.rows) == [
        (2, {"留言编号": "1", "留言主题": "路灯不亮", "留言详情": "小区门口路灯坏了三天"}),
        (3, {"留言编号": "2", "留言主题": "噪音扰民", "留言详情": "工地夜间施工"}),
    ]


def test_utf8_csv_with_bom_has_clean_headers(tmp_path):
    table = read_rows(write(tmp_path, "m.csv", b"\xef\xbb\xbf" + (HEADER + ROWS).encode()))
    assert table.columns[0] == "留言编号"
    assert table.encoding == "utf-8-sig"
    assert [number for number, _ in table.rows] == [2, 3]


def test_gbk_csv_is_read_as_gb18030(tmp_path):
    table = read_rows(write(tmp_path, "m.csv", (HEADER + ROWS).encode("gbk")))
    assert table.encoding == "gb18030"
    assert next(table.rows)[1]["留言主题"] == "路灯不亮"


def test_gb18030_csv_with_characters_outside_gbk(tmp_path):
    text = HEADER + "1,𠮷野家门口,䶮字和𠮷字都不在 GBK 里\n"
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    table = read_rows(write(tmp_path, "m.csv", text.encode("gb18030")))
    assert list(table.rows) == [
        (2, {"留言编号": "1", "留言主题": "𠮷野家门口", "留言详情": "䶮字和𠮷字都不在 GBK 里"})
    ]


def test_explicit_encoding_is_honoured(tmp_path):
    path = write(tmp_path, "m.csv", (HEADER + ROWS).encode("gbk"))
    table = read_rows(path, encoding="gbk")
    assert table.encoding == "gbk"
    assert next(table.rows)[1]["留言详情"] == "小区门口路灯坏了三天"


def test_wrong_explicit_encoding_names_the_line(tmp_path):
    path = write(tmp_path, "m.csv", HEADER.encode() + "1,主题,内容\n".encode("gbk"))
    with pytest.raises(
        ImportFileError, match=r"m\.csv: byte 0x.. at offset \d+ \(line 2\) is not valid utf-8"
    ):
        read_rows(path, encoding="utf-8")


def test_unknown_encoding_name(tmp_path):
    with pytest.raises(ImportFileError, match="unknown encoding 'klingon'"):
        read_rows(write(tmp_path, "m.csv", HEADER.encode()), encoding="klingon")


def test_undecodable_bytes_name_the_file_line_and_offset(tmp_path):
    data = (HEADER + "1,好,好\n").encode() + b"2,bad \xff byte,x\n"
    path = write(tmp_path, "broken.csv", data)
    with pytest.raises(ImportFileError) as info:
        read_rows(path)
    message = str(info.value)
    assert message.startswith("broken.csv: byte 0xFF")
    offset = data.index(b"\xff")
    assert f"offset {offset}" in message
    assert "(line 3)" in message
    assert "UTF-8 or GB18030" in message


def test_utf16_with_bom_is_detected(tmp_path):
    table = read_rows(write(tmp_path, "m.tsv", "编号\t内容\n1\t你好\n".encode("utf-16")))
    assert table.format == "tsv"
    assert list(table.rows) == [(2, {"编号": "1", "内容": "你好"})]


def test_row_numbers_count_blank_lines_and_quoted_newlines(tmp_path):
    text = '\nid,body\n1,"two\nlines"\n\n2,x\n'
    table = read_rows(write(tmp_path, "m.csv", text.encode()))
    assert [(n, row["body"]) for n, row in table.rows] == [(3, "two\nlines"), (5, "x")]


def test_rows_can_be_read_twice(tmp_path):
    table = read_rows(write(tmp_path, "m.csv", (HEADER + ROWS).encode()))
    assert list(table.rows) == list(table.rows)
    assert list(table) == list(table.rows)


def test_blank_and_repeated_headers_get_names(tmp_path):
    table = read_rows(write(tmp_path, "m.csv", " 时间 ,,时间,\n1,2,3,\n".encode()))
    assert table.columns == ["时间", "column 2", "时间.1"]
    assert list(table.rows) == [(2, {"时间": "1", "column 2": "2", "时间.1": "3"})]


def test_a_value_without_a_header_is_an_error(tmp_path):
    with pytest.raises(ImportFileError, match=r"m\.csv, row 3: column 3 holds 'oops' but has no header"):
        list(read_rows(write(tmp_path, "m.csv", b"a,b\n1,2\n1,2,oops\n")).rows)


def test_short_rows_are_padded_with_none(tmp_path):
    table = read_rows(write(tmp_path, "m.csv", b"a,b,c\n1\n"))
    assert list(table.rows) == [(2, {"a": "1", "b": None, "c": None})]


@pytest.mark.parametrize("data", [b"", b"\n  \n\n"])
def test_empty_file(tmp_path, data):
    with pytest.raises(ImportFileError, match=r"empty\.csv: the file is empty"):
        read_rows(write(tmp_path, "empty.csv", data))


@pytest.mark.parametrize(
    ("name", "expected"),
    [("m.txt", "unknown kind of file .txt"), ("m.xls", "save it as .xlsx or .csv"), ("m", "(no extension)")],
)
def test_unknown_extension(tmp_path, name, expected):
    with pytest.raises(ImportFileError, match=expected):
        read_rows(write(tmp_path, name, b"a,b\n"))


def test_missing_file(tmp_path):
    with pytest.raises(ImportFileError, match="no such file"):
        read_rows(tmp_path / "nope.csv")


def test_sheet_is_refused_for_csv(tmp_path):
    with pytest.raises(ImportFileError, match=r"only an \.xlsx file has sheets"):
        read_rows(write(tmp_path, "m.csv", b"a\n1\n"), sheet="Sheet1")


# --- XLSX ---


def write_xlsx(path, rows, title="留言", extra_sheet=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet(extra_sheet).append(["标题", "内容"])
    book.save(path)
    return path


ATTACHMENT3 = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "反对数", "点赞数"]


def test_xlsx_with_attachment3_headers_and_mixed_times(tmp_path):
    path = write_xlsx(
        tmp_path / "附件3.xlsx",
        [
            ATTACHMENT3,
            [
                188006,
                "A0102893",
                "A市经济学院体育场噪音扰民",
                naive(2019, 2, 28, 11, 25, 5),
                "\n\t体育场每天早上放音乐\n",
                0,
                0,
            ],
            [],
            [188007, "A909164", "建议增加公交线路", "2019/4/25 9:32:09", "希望开通到高铁站的公交", "2", 5.0],
            [188008, "A1204455", "道路积水", date(2019, 5, 1), "下雨天积水严重", None, "1,234"],
        ],
    )
    table = read_rows(path)
    assert table.format == "xlsx"
    assert table.sheet == "留言"
    assert table.encoding is None
    assert table.columns == ATTACHMENT3
    rows = list(table.rows)
    assert [number for number, _ in rows] == [2, 4, 5]
    first, second, third = (row for _, row in rows)
    assert first["留言编号"] == 188006
    assert first["留言时间"] == naive(2019, 2, 28, 11, 25, 5)
    assert first["留言详情"] == "\n\t体育场每天早上放音乐\n"
    assert second["留言时间"] == "2019/4/25 9:32:09"
    assert second["点赞数"] == 5
    assert third["留言时间"] == naive(2019, 5, 1)
    assert third["反对数"] is None


def test_xlsx_named_sheet_and_leading_blank_row(tmp_path):
    path = tmp_path / "m.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["ignored"])
    second = book.create_sheet("第二页")
    second["A2"] = "标题"
    second["B2"] = "内容"
    second["A3"] = "t"
    second["B3"] = "b"
    book.save(path)
    table = read_rows(path, sheet="第二页")
    assert table.columns == ["标题", "内容"]
    assert list(table.rows) == [(3, {"标题": "t", "内容": "b"})]


def test_xlsx_unknown_sheet_lists_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [["a"], [1]], extra_sheet="其他")
    with pytest.raises(ImportFileError, match=r"no sheet named 'x'; its sheets are: 留言, 其他"):
        read_rows(path, sheet="x")


def test_xlsx_that_cannot_be_opened(tmp_path):
    with pytest.raises(ImportFileError, match=r"fake\.xlsx: cannot be opened as an Excel \.xlsx workbook"):
        read_rows(write(tmp_path, "fake.xlsx", b"this is not a zip file"))


def test_empty_xlsx(tmp_path):
    with pytest.raises(ImportFileError, match="the file is empty"):
        read_rows(write_xlsx(tmp_path / "m.xlsx", []))


# --- JSONL ---


def test_jsonl_rows_are_numbered_by_line_and_keys_are_united(tmp_path):
    lines = [
        json.dumps({"id": 1, "text": "你好", "likes": 3}, ensure_ascii=False),
        "",
        json.dumps({"id": 2, "text": "再见", "tags": ["a", "b"], "region": "岳麓区"}, ensure_ascii=False),
    ]
    table = read_rows(write(tmp_path, "posts.jsonl", "\n".join(lines).encode()))
    assert table.columns == ["id", "text", "likes", "tags", "region"]
    assert list(table.rows) == [
        (1, {"id": 1, "text": "你好", "likes": 3, "tags": None, "region": None}),
        (3, {"id": 2, "text": "再见", "likes": None, "tags": '["a", "b"]', "region": "岳麓区"}),
    ]


def test_jsonl_nested_objects_become_dotted_columns(tmp_path):
    line = json.dumps({"id": 1, "user": {"id": 42, "profile": {"city": "长沙"}}, "pics": [], "geo": {}})
    table = read_rows(write(tmp_path, "posts.jsonl", line.encode()))
    assert table.columns == ["id", "user.id", "user.profile.city", "pics", "geo"]
    assert next(table.rows) == (
        1,
        {"id": 1, "user.id": 42, "user.profile.city": "长沙", "pics": "[]", "geo": "{}"},
    )


def test_jsonl_line_that_is_not_an_object(tmp_path):
    path = write(tmp_path, "posts.jsonl", b'{"text": "ok"}\n\n["not", "an", "object"]\n')
    with pytest.raises(
        ImportFileError, match=r"posts\.jsonl, line 3: expected a JSON object \{\.\.\.\}, found an array"
    ):
        read_rows(path)


def test_jsonl_line_that_is_not_json(tmp_path):
    path = write(tmp_path, "posts.jsonl", b'{"text": "ok"}\n{"text": \n')
    with pytest.raises(ImportFileError, match=r"posts\.jsonl, line 2: not valid JSON"):
        read_rows(path)


def test_jsonl_with_bom_and_gbk(tmp_path):
    data = '{"内容": "你好"}\n'.encode("gbk")
    assert list(read_rows(write(tmp_path, "a.jsonl", data)).rows) == [(1, {"内容": "你好"})]
    bom = b"\xef\xbb\xbf" + '{"内容": "你好"}\n'.encode()
    assert list(read_rows(write(tmp_path, "b.jsonl", bom)).rows) == [(1, {"内容": "你好"})]


def test_jsonl_without_objects_is_empty(tmp_path):
    with pytest.raises(ImportFileError, match="no JSON object"):
        read_rows(write(tmp_path, "posts.jsonl", b"{}\n\n"))


# --- read once ---

SAME_FILES = {
    "utf-8 csv": ("m.csv", (HEADER + ROWS).encode()),
    "csv with a BOM": ("m.csv", b"\xef\xbb\xbf" + (HEADER + ROWS).encode()),
    "gbk csv": ("m.csv", (HEADER + ROWS).encode("gbk")),
    "utf-16 tsv": ("m.tsv", (HEADER + ROWS).replace(",", "\t").encode("utf-16")),
    "blank lines and quoted newlines": ("m.csv", (HEADER + '\n1,"a\r\nb",c\r\n\r\n2,d,e\n').encode()),
    "jsonl": ("m.jsonl", '{"a": 1}\n\n{"b": {"c": [1]}}\n'.encode("gb18030")),
}


@pytest.mark.parametrize("name", SAME_FILES)
def test_read_once_gives_what_read_rows_gives(tmp_path, name):
    path = write(tmp_path, *SAME_FILES[name])
    table, once = read_rows(path), read_rows_once(path)
    assert (once.format, once.columns, once.encoding, once.sheet) == (
        table.format,
        table.columns,
        table.encoding,
        table.sheet,
    )
    assert list(once.rows) == list(table.rows)


def test_read_once_of_a_workbook_opens_it_once(tmp_path, monkeypatch):
    path = write_xlsx(
        tmp_path / "m.xlsx", [[], ATTACHMENT3[:3], [1, "路灯", naive(2019, 1, 2)], [], [2, "b", None]]
    )
    opened = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a) or real(*a, **k))
    once = read_rows_once(path)
    rows = list(once.rows)
    assert len(opened) == 1
    assert (once.sheet, once.columns) == ("留言", ATTACHMENT3[:3])
    assert rows == [
        (3, dict(zip(ATTACHMENT3[:3], [1, "路灯", naive(2019, 1, 2)], strict=True))),
        (5, {**dict.fromkeys(ATTACHMENT3[:3]), "留言编号": 2, "留言用户": "b"}),
    ]
    assert rows == list(read_rows(path).rows)
    with pytest.raises(RuntimeError, match="read once"):
        list(once.rows)


def test_read_once_of_a_text_file_opens_it_once(tmp_path, monkeypatch):
    path = write(tmp_path, "m.csv", (HEADER + ROWS).encode("gbk"))
    opened = []
    real = type(path).open
    monkeypatch.setattr(type(path), "open", lambda self, *a, **k: opened.append(self) or real(self, *a, **k))
    assert len(list(read_rows_once(path).rows)) == 2
    assert opened == [path]


@pytest.mark.parametrize(
    ("name", "data", "options", "message"),
    [
        (
            "m.csv",
            b"a,b\n1,\xff\xfe\xfd\n",
            {},
            r"byte 0xFF at offset 6 \(line 2\) is not valid UTF-8 or GB18030",
        ),
        ("m.csv", "a\n路灯\n".encode(), {"encoding": "ascii"}, "is not valid ascii"),
        ("m.csv", b"a\n1\n", {"encoding": "nope"}, "unknown encoding 'nope'"),
        ("m.csv", b"a\n1\n", {"sheet": "x"}, "only an .xlsx file has sheets"),
        ("m.csv", b"\n\n", {}, "the file is empty"),
        ("m.jsonl", b"\n[1]\n", {}, "line 2: expected a JSON object"),
        ("fake.xlsx", b"not a zip", {}, "cannot be opened as an Excel .xlsx workbook"),
    ],
)
def test_read_once_fails_as_read_rows_fails(tmp_path, name, data, options, message):
    path = write(tmp_path, name, data)
    with pytest.raises(ImportFileError, match=message):
        read_rows(path, **options).columns  # noqa: B018 - the error may come when reading
    with pytest.raises(ImportFileError, match=message):
        read_rows_once(path, **options).columns  # noqa: B018 - the error may come when reading


def test_read_once_of_an_unknown_sheet_lists_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [["a"], [1]], extra_sheet="其他")
    with pytest.raises(ImportFileError, match=r"no sheet named 'x'; its sheets are: 留言, 其他"):
        read_rows_once(path, sheet="x")
    assert read_rows_once(path, sheet="其他").columns == ["标题", "内容"]
