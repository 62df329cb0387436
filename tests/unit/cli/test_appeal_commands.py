"""``minyi model train-appeal``: retrains on a small fixture and refuses bad input clearly."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from click.testing import CliRunner
from tests.appealdata import fixture_data

from minyi.cli.main import cli
from minyi.pipeline.appeal_model import AppealModel, TrainedAppealClassifier


@pytest.fixture
def data_dir(tmp_path):
    """A message file (附件4.xlsx layout) with the fixture messages, ids 1…n."""
    folder = tmp_path / "data"
    folder.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["留言编号", "留言用户", "留言主题", "留言时间", "留言详情"])
    pairs, _ = fixture_data()
    for i, (title, body) in enumerate(pairs, start=1):
        sheet.append([i, "u", title, "2020-01-01", f"\n\t{body}\n"])
    sheet.append([999, "u", "与本题无关", "2020-01-01", "投诉噪音扰民，苦不堪言。"])
    book.save(folder / "附件4.xlsx")
    return folder


def write_labels(path, rows, header=("file", "message_id", "kind", "split")):
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def labels(tmp_path):
    _, kinds = fixture_data()
    rows = [("附件4", i, kind, "test" if i % 8 == 0 else "train") for i, kind in enumerate(kinds, start=1)]
    return write_labels(tmp_path / "labels.csv", rows)


def run(*args):
    return CliRunner().invoke(cli, ["model", "train-appeal", *map(str, args)])


def test_train_appeal_writes_a_model_that_runs(tmp_path, data_dir, labels):
    out = tmp_path / "appeal.npz"
    result = run("--labels", labels, "--data-dir", data_dir, "--out", out, "--weak-weight", "0.2")
    assert result.exit_code == 0, result.output
    assert "trained appeal-nbsvm-" in result.output
    assert "6 rows held back" in result.output  # the test split
    model = AppealModel.load(out)
    assert "未能判断" not in model.names  # weights and feature names only
    # a model of a dozen rows knows too few character pairs to decide (未能判断); its vote,
    # given among the reasons, is what shows it learnt
    clf = TrainedAppealClassifier(model, normalize=True, threshold=0.0)
    result = clf.predict_one("举报违章建筑", "邻居私搭乱建。")
    assert result.reasons[0].startswith("model → report")


def test_train_appeal_also_trains_on_staff_corrections(tmp_path, data_dir, labels):
    """The file ``minyi model appeal-corrections`` writes: the texts come with it (masked)."""
    corrections = write_labels(
        tmp_path / "kinds.csv",
        [("建议增设公交站", "人民路一带居民多，建议增设公交站点", "suggestion", "complaint", "2026-12-07")]
        * 3,
        header=("title", "body", "kind", "predicted", "corrected_at"),
    )
    plain = run("--labels", labels, "--data-dir", data_dir, "--out", tmp_path / "a.npz")
    more = run(
        "--labels", labels, "--data-dir", data_dir, "--out", tmp_path / "b.npz", "--corrections", corrections
    )
    assert more.exit_code == 0, more.output
    count = int(plain.output.split(" on ")[1].split()[0])
    assert f" on {count + 3} labelled messages" in more.output


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        ([("标题", "正文", "grumble")], ("title", "body", "kind"), "unknown kind 'grumble'"),
        ([("标题", "正文")], ("title", "body"), "columns kind missing"),
        ([("", "", "complaint")], ("title", "body", "kind"), "title and body are both empty"),
    ],
)
def test_a_bad_corrections_file_is_refused_clearly(tmp_path, data_dir, labels, rows, header, message):
    corrections = write_labels(tmp_path / "kinds.csv", rows, header=header)
    result = run(
        "--labels", labels, "--data-dir", data_dir, "--out", tmp_path / "a.npz", "--corrections", corrections
    )
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        (
            [("附件4", 1, "grumble", "train")],
            ("file", "message_id", "kind", "split"),
            "unknown kind 'grumble'",
        ),
        ([("附件4", 1, "complaint")], ("file", "id", "label"), "columns message_id, kind missing"),
        (
            [("附件4", 1, "complaint", "dev")],
            ("file", "message_id", "kind", "split"),
            "split is train or test",
        ),
        (
            [("附件4", 12345, "complaint", "train")],
            ("file", "message_id", "kind", "split"),
            "no message 12345",
        ),
        (
            [("附件9", 1, "complaint", "train")],
            ("file", "message_id", "kind", "split"),
            "no message file 附件9",
        ),
        ([("附件4", 1, "complaint", "train")], ("file", "message_id", "kind", "split"), "too few labels"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(tmp_path, data_dir, rows, header, message):
    path = write_labels(tmp_path / "bad.csv", rows, header)
    result = run("--labels", path, "--data-dir", data_dir, "--out", tmp_path / "x.npz")
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.npz").exists()


def test_a_label_file_that_is_not_text_is_refused(tmp_path, data_dir):
    path = tmp_path / "labels.csv"
    path.write_bytes(b"\xff\xfe\x00binary")
    result = run("--labels", path, "--data-dir", data_dir, "--out", tmp_path / "x.npz")
    assert result.exit_code == 1
    assert "cannot read the label file" in result.output


def test_excluded_messages_are_not_trained_on(tmp_path, data_dir, labels):
    excluded = write_labels(
        tmp_path / "eval.csv", [("附件4", 999, "complaint")], ("file", "message_id", "kind")
    )
    out = tmp_path / "appeal.npz"
    result = run(
        "--labels", labels, "--data-dir", data_dir, "--out", out, "--exclude", excluded, "--weak-weight", "1"
    )
    assert result.exit_code == 0, result.output
    assert "(0 weak labels" in result.output  # message 999 was the only unlabelled one


def test_boundary_and_unsure_labels_can_weigh_less(tmp_path, data_dir):
    _, kinds = fixture_data()
    rows = [
        (
            "附件4",
            i,
            kind,
            "train",
            "unsure" if i % 3 == 0 else "sure",
            "boundary" if i % 4 == 0 else "random",
        )
        for i, kind in enumerate(kinds, start=1)
    ]
    header = ("file", "message_id", "kind", "split", "confidence", "sample")
    path = write_labels(tmp_path / "labels.csv", rows, header)
    plain, weighted = tmp_path / "plain.npz", tmp_path / "weighted.npz"
    assert run("--labels", path, "--data-dir", data_dir, "--out", plain).exit_code == 0
    result = run(
        "--labels",
        path,
        "--data-dir",
        data_dir,
        "--out",
        weighted,
        "--boundary-weight",
        "0.5",
        "--unsure-weight",
        "0.7",
    )
    assert result.exit_code == 0, result.output
    assert AppealModel.load(weighted).version != AppealModel.load(plain).version
    refused = run(
        "--labels", path, "--data-dir", data_dir, "--out", tmp_path / "x.npz", "--unsure-weight", "0"
    )
    assert refused.exit_code == 2  # a weight of 0 would drop the rows silently
    assert "Traceback" not in refused.output
