"""Files that would hurt the reader or be read wrongly: an .xlsx zip bomb, Big5 read as GBK."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from minyi.interop import xlsx_fast, zip_guard
from minyi.interop.tabular import read_rows, read_rows_once
from minyi.interop.text_files import (
    ImportFileError,
    check_gb_text,
    choose_encoding,
    decoded,
    utf16_without_bom,
)

ROWS = "留言主题,留言详情\n噪音扰民,工地夜间施工噪音很大，影响居民休息，请有关部门尽快处理。\n路灯不亮,小区门口路灯坏了两个星期\n"
TRADITIONAL = "留言主題,留言詳情\n噪音擾民,工地夜間施工噪音很大，影響居民休息，請有關部門盡快處理。\n路燈不亮,小區門口路燈壞了兩個星期\n"


def workbook(path: Path, shared_strings: int = 0) -> Path:
    """A minimal .xlsx; ``shared_strings`` repeats of one string make its shared strings a bomb."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", "<workbook/>")
        if shared_strings:
            with archive.open("xl/sharedStrings.xml", "w") as part:
                part.write(b"<sst>")
                for _ in range(shared_strings // 10_000):
                    part.write(b"<si><t>x</t></si>" * 10_000)
                part.write(b"</sst>")
    return path


def test_a_part_expanding_more_than_a_hundred_times_is_refused(tmp_path):
    bomb = workbook(tmp_path / "bomb.xlsx", shared_strings=200_000)  # 3.4 MB from a few KB
    with pytest.raises(ImportFileError, match=r"bomb\.xlsx: part xl/sharedStrings\.xml would expand"):
        zip_guard.check_xlsx(bomb)
    # every reader of tabular files refuses it before openpyxl reads the strings whole
    with pytest.raises(ImportFileError, match="zip bomb"):
        read_rows(bomb)
    with pytest.raises(ImportFileError, match="zip bomb"):
        read_rows_once(bomb)
    with pytest.raises(ImportFileError, match="zip bomb"):  # the fast reader of issues detect
        xlsx_fast.read_table(bomb)


def test_ordinary_workbooks_and_small_parts_pass(tmp_path):
    zip_guard.check_xlsx(workbook(tmp_path / "plain.xlsx"))
    small = workbook(tmp_path / "small.xlsx", shared_strings=50_000)  # 850 KB: under the grace
    zip_guard.check_xlsx(small)
    zip_guard.check_xlsx(tmp_path / "missing.xlsx")  # not a zip: the reader's own error says so
    (tmp_path / "text.xlsx").write_text("a,b\n")
    zip_guard.check_xlsx(tmp_path / "text.xlsx")


def test_too_many_parts_or_too_large_in_all_is_refused(tmp_path, monkeypatch):
    path = workbook(tmp_path / "parts.xlsx")
    monkeypatch.setattr(zip_guard, "MAX_PARTS", 1)
    with pytest.raises(ImportFileError, match="holds 2 parts"):
        zip_guard.check_xlsx(path)
    monkeypatch.setattr(zip_guard, "MAX_PARTS", 10)
    monkeypatch.setattr(zip_guard, "MAX_EXPANDED_BYTES", 10)
    with pytest.raises(ImportFileError, match="would expand to"):
        zip_guard.check_xlsx(path)


def test_big5_is_refused_rather_than_read_as_gbk_mojibake(tmp_path):
    big5 = tmp_path / "big5.csv"
    big5.write_bytes(TRADITIONAL.encode("big5"))
    big5.read_bytes().decode("gb18030")  # the bytes do decode as GB18030: only as rare characters
    gbk_traditional = tmp_path / "gbk-traditional.csv"
    gbk_traditional.write_bytes(TRADITIONAL.encode("gbk"))  # GBK holds Traditional characters too
    assert read_rows(gbk_traditional).columns == ["留言主題", "留言詳情"]
    with pytest.raises(ImportFileError, match=r"big5\.csv: read as GB18030, \d+% .*Big5"):
        choose_encoding(big5, None)
    with pytest.raises(ImportFileError, match="Big5"):
        decoded(big5, None)
    with pytest.raises(ImportFileError, match="Big5"):
        read_rows(big5)
    # asked for by name, Big5 is read as Big5
    assert read_rows(big5, encoding="big5").columns == ["留言主題", "留言詳情"]


def test_gbk_and_utf8_are_still_read(tmp_path):
    for name, data, encoding in (
        ("gbk.csv", ROWS.encode("gbk"), "gb18030"),
        ("bom.csv", b"\xef\xbb\xbf" + ROWS.encode(), "utf-8-sig"),
        ("utf16.csv", ROWS.encode("utf-16"), "utf-16"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        assert choose_encoding(path, None) == encoding
        assert decoded(path, None)[1].lstrip("\ufeff") == ROWS
        assert read_rows(path).columns == ["留言主题", "留言详情"]


def test_a_few_rare_characters_in_real_gbk_text_pass(tmp_path):
    check_gb_text(tmp_path / "x.csv", "王喆反映：" + "小区门口路灯坏了" * 10)  # 喆 is outside GB2312
    check_gb_text(tmp_path / "x.csv", "喆昇")  # too little text to judge


def test_utf16_without_a_byte_order_mark_is_told_by_its_zero_bytes(tmp_path):
    text = "留言主题,留言时间\n一路灯不亮,2019-04-25 09:32:09\n"  # 一 is U+4E00: a zero byte too
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        assert utf16_without_bom(path.read_bytes()) == encoding
        assert choose_encoding(path, None) == encoding
        assert decoded(path, None) == (encoding, text)
        assert list(read_rows(path).rows) == [
            (2, {"留言主题": "一路灯不亮", "留言时间": "2019-04-25 09:32:09"})
        ]
    assert utf16_without_bom(ROWS.encode()) is None
    assert utf16_without_bom(b"a,b\nc\x00d,e\n") is None  # a stray NUL is not UTF-16
    assert utf16_without_bom(b"") is None
