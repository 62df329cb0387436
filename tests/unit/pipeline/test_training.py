import csv
import json

import openpyxl
import pytest
from tests.corpus import make_corpus

from minyi.pipeline.training import (
    CVReport,
    TrainingDataError,
    cross_validate,
    dedup_groups,
    evaluate,
    load_labelled,
    train,
)


def write_csv(path, rows, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_csv_with_header_and_title(tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["留言主题", "留言详情", "一级分类"],
            ["学校收费", "学费太高", "教育文体"],
            ["路灯", "路灯坏了", "城乡建设"],
        ],
    )
    texts, labels = load_labelled(path)
    assert texts == ["学校收费\n学费太高", "路灯\n路灯坏了"]
    assert labels == ["教育文体", "城乡建设"]


def test_headerless_two_column_csv_with_bom(tmp_path):
    path = write_csv(
        tmp_path / "dev.csv", [["教育文体", "学校乱收费"], ["交通运输", "公交太挤"]], "utf-8-sig"
    )
    assert load_labelled(path) == (["学校乱收费", "公交太挤"], ["教育文体", "交通运输"])


def test_gbk_csv(tmp_path):
    path = write_csv(
        tmp_path / "gbk.csv", [["text", "label"], ["学校乱收费", "教育"], ["噪音扰民", "环保"]], "gbk"
    )
    assert load_labelled(path) == (["学校乱收费", "噪音扰民"], ["教育", "环保"])


def test_named_columns(tmp_path):
    path = write_csv(
        tmp_path / "n.csv", [["id", "msg", "dept"], ["1", "学校", "教育局"], ["2", "公交", "交通局"]]
    )
    assert load_labelled(path, text_col="msg", label_col="dept") == (["学校", "公交"], ["教育局", "交通局"])


def test_missing_column_lists_columns_found(tmp_path):
    path = write_csv(tmp_path / "m.csv", [["id", "msg", "dept"], ["1", "学校", "教育局"]])
    with pytest.raises(TrainingDataError, match=r"columns found: \['id', 'msg', 'dept'\]"):
        load_labelled(path)
    with pytest.raises(TrainingDataError, match="no label column 'category'"):
        load_labelled(path, text_col="msg", label_col="category")


def test_empty_label_names_the_row(tmp_path):
    path = write_csv(
        tmp_path / "e.csv", [["text", "label"], ["学校", "教育"], ["公交", " "], ["噪音", "环保"]]
    )
    with pytest.raises(TrainingDataError, match="row 3 has an empty label"):
        load_labelled(path)


def test_one_class_file_is_rejected(tmp_path):
    path = write_csv(tmp_path / "o.csv", [["text", "label"], ["学校", "教育"], ["老师", "教育"]])
    with pytest.raises(TrainingDataError, match="two different labels"):
        load_labelled(path)


def test_undecodable_bytes_name_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes("text,label\n学校,教育\n".encode() + b"\xff\xfe\xff,x\n")
    with pytest.raises(TrainingDataError, match="line 3"):
        load_labelled(path)


def test_xlsx(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["留言编号", "留言主题", "留言详情", "一级分类"])
    sheet.append([1, "学校", "学费太高", "教育文体"])
    sheet.append([2, None, "公交太挤", "交通运输"])
    book.save(tmp_path / "a.xlsx")
    assert load_labelled(tmp_path / "a.xlsx") == (["学校\n学费太高", "公交太挤"], ["教育文体", "交通运输"])


def test_jsonl(tmp_path):
    path = tmp_path / "a.jsonl"
    lines = [
        json.dumps({"text": "学校", "label": "教育"}, ensure_ascii=False),
        "",
        json.dumps({"text": "公交", "label": "交通"}),
    ]
    path.write_text("\n".join(lines), "utf-8")
    assert load_labelled(path) == (["学校", "公交"], ["教育", "交通"])
    path.write_text(lines[0] + "\n{oops\n", "utf-8")
    with pytest.raises(TrainingDataError, match="line 2 is not valid JSON"):
        load_labelled(path)


def test_missing_file(tmp_path):
    with pytest.raises(TrainingDataError, match="no such file"):
        load_labelled(tmp_path / "nope.csv")


def test_dedup_groups():
    assert dedup_groups(["a b", "ab", "c", " a b "]) == [0, 0, 1, 0]


def test_train_evaluate_and_report():
    texts, labels = make_corpus()
    model = train(texts, labels, holdout=0.25, min_df=1)
    assert model.metrics_ is not None
    assert 0 <= model.metrics_["holdout"]["macro_f1"] <= 1
    report = evaluate(model, texts, labels)
    assert report.n == 36
    assert report.macro_f1 > 0.9
    assert sum(map(sum, report.confusion)) == 36
    assert set(report.to_dict()) >= {
        "precision",
        "recall",
        "f1",
        "support",
        "macro_f1",
        "accuracy",
        "confusion",
    }
    text = report.format_text()
    assert "macro-F1" in text
    assert "教育文体" in text
    chinese = report.format_text("zh")  # the command line's reader may read Chinese
    assert "宏平均 F1" in chinese
    assert "准确率" in chinese
    assert "混淆矩阵" in chinese
    assert "教育文体" in chinese
    assert "accuracy" not in chinese


def test_cross_validate():
    texts, labels = make_corpus(per_class=10)
    report = cross_validate(texts, labels, folds=3, min_df=1)
    assert isinstance(report, CVReport)
    assert len(report.macro_f1) == 3
    assert 0.5 < report.macro_f1_mean <= 1
    assert report.macro_f1_sd >= 0
    assert "3-fold macro-F1" in report.format_text()
    assert report.to_dict()["settings"] == {"min_df": 1}


def test_long_texts_are_truncated_for_analysis():
    texts, labels = make_corpus()
    model = train(texts, labels, min_df=1, max_chars=50)
    assert model.predict(["学校老师乱收学费" + "啊" * 100_000]) == ["教育文体"]
