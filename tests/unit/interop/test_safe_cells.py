from __future__ import annotations

import csv
import io

import pytest

from minyi.interop.safe_cells import SafeWriter, safe_cell, safe_row


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x","y")',
        "+1+2",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "=cmd|' /C calc'!A0",
        # Full-width and small forms: some Excel locales and input methods turn them into ASCII.
        '＝HYPERLINK("http://x","y")',
        "＋1＋cmd|' /C calc'!A0",
        "－2+3",
        "＠SUM(A1)",
        "﹦1+1",
        "﹢1",
        "﹣1",
        "﹫SUM(A1)",
    ],
)
def test_formula_text_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["留言 =1", "a-b", "", "'=already", "留言＝1", "Ａ＋Ｂ", "＃1", 12, -3, 1.5, None]
)
def test_other_values_are_unchanged(value):
    assert safe_cell(value) == value


def test_writer_makes_every_cell_safe():
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(["title", "likes"])
    writer.writerows([['=HYPERLINK("http://x","y")', -1], ["道路破损", 3]])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows == [["title", "likes"], ['\'=HYPERLINK("http://x","y")', "-1"], ["道路破损", "3"]]
    assert safe_row(["-x", 1]) == ["'-x", 1]


@pytest.mark.parametrize("text", ["＝1+1", "－2", "＋86 138", "＠SUM(A1)", "=1", "留言"])
def test_the_importer_takes_the_apostrophe_off_again(text):
    from minyi.interop.export_layout import unescape_cell

    assert unescape_cell(str(safe_cell(text))) == text


def test_control_characters_go_before_the_formula_check():
    # An XLSX writer drops U+0001; the apostrophe must already be there when it does.
    assert (
        safe_cell('\x01=HYPERLINK("http://evil.example/","点我")')
        == '\'=HYPERLINK("http://evil.example/","点我")'
    )
    assert safe_cell("\x1f\x0b+1") == "'+1"
    assert safe_cell("路灯\x07坏了\t\n") == "路灯坏了\t\n"
