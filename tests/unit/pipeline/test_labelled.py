"""Training files: columns found by name or content, header rows, sensible class counts, clear refusals."""

import csv

import openpyxl
import pytest
from tests.corpus import picks

from minyi.pipeline.labelled import TrainingDataError, load_labelled, max_classes


def write_csv(path, rows, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def token_rows(per_class=20):
    """Rows shaped like the shared token file: space-separated tokens, then the label."""
    return [[" ".join(words * 3), label] for label, words in picks(per_class, seed=1)]


def test_the_shared_token_file_shape_is_read_the_right_way_round(tmp_path):
    # tokens,label with a header: today's bug swapped the columns and read the header as data
    path = write_csv(tmp_path / "segmented.csv", [["tokens", "label"], *token_rows()], "utf-8-sig")
    texts, labels = load_labelled(path)
    assert len(texts) == 60
    assert set(labels) == {"教育文体", "交通运输", "环境保护"}
    assert "tokens" not in texts
    assert all(" " in text for text in texts)


def test_unknown_names_are_recognised_by_content_and_the_header_skipped(tmp_path):
    rows = [[label, text] for text, label in token_rows()]
    path = write_csv(tmp_path / "odd.csv", [["类目X", "留言Y"], *rows])
    texts, labels = load_labelled(path)
    assert len(texts) == 60
    assert set(labels) == {"教育文体", "交通运输", "环境保护"}
    swapped = write_csv(tmp_path / "swapped.csv", [["甲", "乙"], *token_rows()])
    texts, labels = load_labelled(swapped)
    assert set(labels) == {"教育文体", "交通运输", "环境保护"}


def test_headerless_file_by_content(tmp_path):
    path = write_csv(tmp_path / "noheader.csv", token_rows())  # text,label without a header
    texts, labels = load_labelled(path)
    assert len(texts) == 60
    assert set(labels) == {"教育文体", "交通运输", "环境保护"}


def test_one_named_column_and_the_other_by_content(tmp_path):
    rows = [["1", text, label] for text, label in token_rows()]
    path = write_csv(tmp_path / "one.csv", [["编号", "随便", "一级标签"], *rows])
    texts, labels = load_labelled(path)
    assert set(labels) == {"教育文体", "交通运输", "环境保护"}
    assert texts[0] == rows[0][1]


def test_too_many_classes_is_refused_with_the_columns_and_how_to_name_them(tmp_path):
    # both columns free text: the "label" would be one class per row
    rows = [
        [f"第{i}条 " + " ".join(words), " ".join(reversed(words))]
        for i, (_, words) in enumerate(picks(20, 2))
    ]
    path = write_csv(tmp_path / "text_only.csv", [["text", "label"], *rows])
    with pytest.raises(TrainingDataError) as caught:
        load_labelled(path)
    message = str(caught.value)
    assert "60 different values for 60 rows" in message
    assert "columns found: ['text', 'label']" in message
    assert "--text-col" in message
    assert "--label-col" in message


def test_columns_that_cannot_be_told_apart_are_refused(tmp_path):
    path = write_csv(tmp_path / "ids.csv", [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "6"]])
    with pytest.raises(TrainingDataError, match=r"columns found: \['a', 'b', 'c'\].*--text-col"):
        load_labelled(path)


def test_max_classes():
    assert max_classes(8266) == 200
    assert max_classes(500) == 100
    assert max_classes(12) == 10


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "holds no rows"),
        (b"\n\n  \n", "holds no rows"),
        (b"PK\x03\x04 not really a csv", "not CSV"),
        (b"text,label\x00\x00", "binary"),
        (b"text,label\n\xff\xfe\xff\xfe,x\n", "neither UTF-8 nor GB18030"),
    ],
)
def test_bad_files_give_a_message(tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(TrainingDataError, match=expected):
        load_labelled(path)


def test_broken_xlsx(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(TrainingDataError, match="not a readable XLSX"):
        load_labelled(path)


def test_xlsx_with_competition_columns(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级标签"])
    for i, (label, words) in enumerate(picks(5, 3)):
        sheet.append([i, f"U{i}", words[0], "2020-01-01", "，".join(words), label])
    book.save(tmp_path / "a.xlsx")
    texts, _labels = load_labelled(tmp_path / "a.xlsx")
    assert len(texts) == 15
    assert texts[0].split("\n")[0] == picks(5, 3)[0][1][0]  # the title, then the details
