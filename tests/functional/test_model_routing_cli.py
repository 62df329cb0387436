"""``minyi model train``/``evaluate``: input checks on the training file, routing at a chosen precision."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from tests.corpus import picks
from tests.functional.conftest import cli_database

from minyi.cli.main import cli


@pytest.fixture
def env(tmp_path, monkeypatch):
    with cli_database(tmp_path, monkeypatch, "minyi_test_route_cli") as database:
        yield database


def invoke(*args):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def write_tokens(path, per_class=25):
    """The shape of the shared token file: header ``tokens,label``, token text first, UTF-8 with BOM."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["tokens", "label"])
        for label, words in picks(per_class, seed=4):
            writer.writerow([" ".join(["关于", *words, "请", "尽快", "处理"]), label])
    return path


def test_the_token_file_trains_without_flags_and_stores_a_routing_threshold(env, tmp_path):
    data = write_tokens(tmp_path / "segmented_without_holdout.csv")
    model = tmp_path / "m.skops"
    result = invoke(
        "model", "train", "--data", str(data), "--out", str(model), "--holdout", "0",
        "--target-precision", "0.95", "--routing-folds", "3",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "on 75 messages, 3 classes" in result.output
    assert "routing threshold" in result.output
    assert "expected on new messages" in result.output
    meta = json.loads(model.with_name("m.skops.json").read_text("utf-8"))
    assert meta["routing"]["target_precision"] == 0.95
    assert meta["routing"]["threshold"] is not None

    evaluated = invoke("model", "evaluate", "--model", str(model), "--data", str(data), "--format", "json")
    assert evaluated.exit_code == 0, evaluated.output
    report = json.loads(evaluated.output.strip().splitlines()[-1])
    assert set(report["routing"]) == {"threshold", "coverage", "precision"}
    assert report["routing"]["threshold"] == meta["routing"]["threshold"]
    assert set(report["coverage_at_precision"]) == {"0.97", "0.98", "0.99"}


def test_a_file_that_makes_no_sense_is_refused_with_a_message(env, tmp_path):
    free_text = tmp_path / "two_texts.csv"
    with free_text.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i, (_, words) in enumerate(picks(10, 5)):
            writer.writerow([f"第{i}条" + "".join(words), "".join(reversed(words)) + str(i)])
    result = invoke("model", "train", "--data", str(free_text))
    assert result.exit_code == 1
    assert "30 different values for 30 rows" in result.output
    assert "--text-col" in result.output

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "holds no rows" in invoke("model", "train", "--data", str(empty)).output
    gbk_garbage = tmp_path / "garbage.csv"
    gbk_garbage.write_bytes(b"text,label\n\xff\xfe\xff\xfe,x\n")
    assert "neither UTF-8 nor GB18030" in invoke("model", "train", "--data", str(gbk_garbage)).output
    named = invoke("model", "train", "--data", str(free_text), "--text-col", "正文", "--label-col", "label")
    assert named.exit_code == 1
    assert "no text column '正文'" in named.output
    assert not (tmp_path / "var" / "models").exists()


def test_corrections_are_exported_as_training_data(env, tmp_path):
    from minyi.analysis.provider import PipelineProvider
    from minyi.cases.routing import note_correction
    from minyi.demo import factories
    from minyi.flows.processing import process

    with env.transaction() as session:
        roads = factories.make_department(session, code="JTJ", name="交通运输局")
        factories.make_category(session, name="交通运输", department=roads)
        schools = factories.make_category(session, name="教育文体")
        user = factories.make_user(session, username="disp", role="dispatcher")
        message = factories.make_message(
            session, title="交通运输问题", body="公交交通拥堵，运输混乱。电话13812345678", process=False
        )
        case = process(session, message, PipelineProvider().get(session))
        assert case.category_source == "keywords"
        assert note_correction(session, user, case, category=schools) is not None
    out = tmp_path / "corrections.csv"
    result = invoke("model", "corrections", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "wrote 1 routing corrections" in result.output
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0] == ["text", "label", "predicted", "corrected_at"]
    assert rows[1][1:3] == ["教育文体", "交通运输"]
    assert "13812345678" not in rows[1][0]
