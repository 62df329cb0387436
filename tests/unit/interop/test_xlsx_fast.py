"""The fast .xlsx reader gives what openpyxl gives, or steps aside for openpyxl."""

from __future__ import annotations

import zipfile
from datetime import datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest

from minyi.interop.tabular import ImportFileError, read_rows_once
from minyi.interop.xlsx_fast import read_sheet, read_table

DATA = Path("/work/shared/data/tipdm2020_smart_gov")


def naive(*parts: int) -> datetime:
    """A time as Excel stores it: without a timezone."""
    return datetime(*parts)  # noqa: DTZ001 - Excel cells hold naive times


def both(path: Path, sheet: str | None = None):
    """The table as openpyxl reads it and as the fast reader reads it (which must not fall back)."""
    assert read_sheet(path, sheet) is not None, "the fast reader fell back to openpyxl"
    slow, fast = read_rows_once(path, sheet=sheet), read_table(path, sheet=sheet)
    slow_rows, fast_rows = list(slow.rows), list(fast.rows)
    return (slow.columns, slow.sheet, slow_rows), (fast.columns, fast.sheet, fast_rows)


def assert_same(path: Path, sheet: str | None = None) -> list:
    slow, fast = both(path, sheet)
    assert fast == slow
    types = [[type(v) for v in record.values()] for _, record in slow[2]]
    assert [[type(v) for v in record.values()] for _, record in fast[2]] == types
    return fast[2]


def test_values_of_every_common_kind_as_openpyxl(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "留言"
    sheet.append(["留言编号", "留言主题", "留言时间", "点赞数", "比例", "公开", "备注"])
    sheet.append([188006, "A市路灯不亮", naive(2019, 4, 25, 9, 32, 9), 3, 0.25, True, None])
    sheet.append([188007, "  前后有空格\n换行 ", naive(2019, 1, 1), -2, 1e-7, False, "=1+1"])
    sheet.append([])  # a blank row keeps its number
    sheet.append(["x", "<&>\"'", "2019/4/25 9:32:09", "1,234", 12.0, None, "_x000D_x005F_"])
    sheet["G8"] = "far right, below"
    sheet["C3"].number_format = "yyyy\\-mm\\-dd\\ hh:mm:ss"
    path = tmp_path / "m.xlsx"
    book.save(path)
    rows = assert_same(path)
    assert [number for number, _ in rows] == [2, 3, 5, 8]


def test_sheets_chosen_by_name_and_headers_below_blank_rows(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["只是说明"])
    other = book.create_sheet("数据")
    other.append([])
    other.append(["标题", None, "内容"])
    other.append(["路灯", "无表头", "坏了"])
    other.append(["路灯", None, "坏了", "多出来"])
    path = tmp_path / "m.xlsx"
    book.save(path)
    assert_same(path)
    with pytest.raises(ImportFileError, match="row 4: column D holds '多出来' but has no header"):
        assert_same(path, "数据")  # the rows before it are the same (checked in the first test)
    with pytest.raises(ImportFileError, match="no sheet named '没有'") as fast:
        read_table(path, sheet="没有")
    with pytest.raises(ImportFileError) as slow:
        read_rows_once(path, sheet="没有")
    assert str(fast.value) == str(slow.value)


def test_custom_and_builtin_date_formats(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["a", "b", "c", "d", "e"])
    sheet.append([43580.397, 43580.5, 43580, 1.5, 30])
    sheet["A2"].number_format = "yyyy/m/d h:mm"
    sheet["B2"].number_format = "mm-dd-yy"
    sheet["C2"].number_format = '"年"0'  # a letter in quotes is not a date
    sheet["D2"].number_format = "[h]:mm:ss"  # a duration
    sheet["E2"].number_format = "d-mmm-yy"  # before 1 March 1900
    path = tmp_path / "m.xlsx"
    book.save(path)
    rows = assert_same(path)
    assert rows[0][1]["a"] == naive(2019, 4, 25, 9, 31, 40, 800000)
    assert rows[0][1]["d"] == str(timedelta(days=1.5))


def test_times_of_day_are_left_to_openpyxl(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["时间"])
    book.active.append([time(9, 30)])
    path = tmp_path / "m.xlsx"
    book.save(path)
    assert read_sheet(path) is None
    assert list(read_table(path).rows) == list(read_rows_once(path).rows) == [(2, {"时间": "09:30:00"})]


def test_the_builtin_date_formats_are_openpyxls():
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    from minyi.interop import xlsx_fast

    assert {i for i in range(164) if is_date_format(BUILTIN_FORMATS.get(i))} == xlsx_fast._BUILTIN_DATES
    durations = {i for i in range(164) if is_timedelta_format(BUILTIN_FORMATS.get(i))}
    assert durations == xlsx_fast._BUILTIN_DURATIONS


# --- files written by hand: what openpyxl never writes but Excel and others do -------------

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'


def hand_made(
    path: Path, sheet: str, strings: str = "", workbook_pr: str = "", kind: str = "worksheet"
) -> Path:
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument'
        '.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(
            "_rels/.rels",
            f'<Relationships {_PKG}><Relationship Id="rId1" Type="{_RELS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook {_NS} {_R}>{workbook_pr}<sheets><sheet name="表" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships {_PKG}><Relationship Id="rId1" Type="{_RELS}/{kind}" '
            f'Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_RELS}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>',
        )
        archive.writestr("xl/sharedStrings.xml", f"<sst {_NS}>{strings}</sst>")
        archive.writestr(
            "xl/worksheets/sheet1.xml", f"<worksheet {_NS}><sheetData>{sheet}</sheetData></worksheet>"
        )
    return path


def test_rich_text_phonetics_inline_strings_and_missing_references(tmp_path):
    strings = (
        "<si><t>编号</t></si><si><t>标题</t></si>"
        '<si><r><rPr><b/></rPr><t xml:space="preserve">加粗 </t></r><r><t>路灯</t></r>'
        '<rPh sb="0" eb="2"><t>ろとう</t></rPh></si>'
        "<si><t>a_x005F_x000D_b</t></si><si><t/></si>"
    )
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row><c t="inlineStr"><is><t>内联</t></is></c><c t="s"><v>2</v></c></row>'
        # openpyxl: a row is as wide as the column of its last cell, B5 is dropped
        '<row r="5"><c r="B5" t="s"><v>4</v></c><c r="A5" t="s"><v>3</v></c></row>'
        '<row r="4"><c r="A4"><v>1</v></c></row>'  # out of order: openpyxl drops it
        '<row r="7"><c r="A7" t="e"><v>#N/A</v></c><c r="B7" t="str"><v>公式结果</v></c></row>'
        '<row r="8"><c r="A8" t="b"><v>1</v></c><c r="B8"><v>1.5E3</v></c><c r="C8"><v></v></c></row>'
    )
    path = hand_made(tmp_path / "m.xlsx", sheet, strings)
    rows = assert_same(path)
    assert rows[0] == (2, {"编号": "内联", "标题": "加粗 路灯"})
    assert [number for number, _ in rows] == [2, 5, 7, 8]
    assert rows[1] == (5, {"编号": "a_x000D_b", "标题": None})
    assert rows[3] == (8, {"编号": True, "标题": 1500.0})


@pytest.mark.parametrize(
    ("sheet", "workbook_pr", "kind"),
    [
        ('<row r="1"><c r="A1" t="d"><v>2019-04-25T09:32:09</v></c></row>', "", "worksheet"),
        ('<row r="1"><c r="A1"><v>1</v></c></row>', '<workbookPr date1904="1"/>', "worksheet"),
        ('<row r="1"><c r="A1"><v>1</v></c></row>', "", "chartsheet"),
        ('<row r="1"><c r="1A"><v>1</v></c></row>', "", "worksheet"),
        ('<row r="1"><c r="A1"><v>1</v></c></row', "", "worksheet"),  # damaged XML
    ],
)
def test_what_it_does_not_read_is_left_to_openpyxl(tmp_path, sheet, workbook_pr, kind):
    path = hand_made(tmp_path / "m.xlsx", sheet, workbook_pr=workbook_pr)
    if kind != "worksheet":
        path = hand_made(tmp_path / "c.xlsx", sheet, workbook_pr=workbook_pr, kind=kind)
    assert read_sheet(path) is None


def test_bad_files_give_openpyxls_errors(tmp_path):
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportFileError, match=r"cannot be opened as an Excel \.xlsx workbook"):
        read_table(broken)
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(ImportFileError, match="the file is empty"):
        read_table(empty)
    with pytest.raises(ImportFileError, match="no such file"):
        read_table(tmp_path / "没有.xlsx")


def test_csv_and_jsonl_are_read_as_before(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("标题,内容\n路灯,坏了\n", encoding="utf-8")
    assert list(read_table(path).rows) == [(2, {"标题": "路灯", "内容": "坏了"})]


@pytest.mark.skipif(not DATA.is_dir(), reason="the benchmark data is not on this machine")
@pytest.mark.parametrize("name", ["sample/附件3.xlsx", "official/附件1.xlsx"])
def test_the_benchmark_files_as_openpyxl(name):
    assert_same(DATA / name)
