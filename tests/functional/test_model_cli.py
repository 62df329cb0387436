"""The model commands end to end: train, evaluate, cross-validate, activate, re-classify, export."""

from __future__ import annotations

import csv
import json
import re

import pytest
from click.testing import CliRunner
from tests.corpus import picks
from tests.functional.conftest import cli_database

from minyi.analysis.models import MessageAnalysis, ModelRecord
from minyi.cases.models import Case
from minyi.cli.main import cli
from minyi.demo import factories
from minyi.intake.models import Message


def write_corpus(path, per_class=30, seed=0):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["留言主题", "留言详情", "一级分类"])
        for label, picked in picks(per_class, seed):
            writer.writerow([f"关于{picked[0]}的问题", "，".join(picked), label])
    return path


@pytest.fixture
def env(tmp_path, monkeypatch):
    with cli_database(tmp_path, monkeypatch, "minyi_test_cli") as database:
        yield database


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_train_evaluate_cross_validate(env, tmp_path):
    data = write_corpus(tmp_path / "train.csv")
    model_path = tmp_path / "m.skops"
    trained = run("model", "train", "--data", str(data), "--out", str(model_path), "--holdout", "0.2")
    assert trained.exit_code == 0, trained.output
    assert "held-out macro-F1" in trained.output
    assert model_path.exists()

    evaluated = run("model", "evaluate", "--model", str(model_path), "--data", str(data), "--format", "json")
    assert evaluated.exit_code == 0, evaluated.output
    report = json.loads(evaluated.output.strip().splitlines()[-1])
    assert report["macro_f1"] > 0.9
    assert report["accuracy"] > 0.9

    cv = run("model", "cross-validate", "--data", str(data), "--folds", "3", "--format", "json")
    assert cv.exit_code == 0, cv.output
    assert json.loads(cv.output.strip().splitlines()[-1])["macro_f1_mean"] > 0.8

    meta = model_path.with_name(model_path.name + ".json")
    old = json.loads(meta.read_text("utf-8"))
    meta.write_text(json.dumps({**old, "format_version": 1}), "utf-8")
    stale = CliRunner().invoke(cli, ["model", "evaluate", "--model", str(model_path), "--data", str(data)])
    assert stale.exit_code == 1
    assert "train the model again" in stale.output
    assert "Traceback" not in stale.output


def test_bad_training_files_give_clear_errors(env, tmp_path):
    one_class = tmp_path / "one.csv"
    one_class.write_text("text,label\n学校收费,教育\n老师辛苦,教育\n", encoding="utf-8")
    result = run("model", "train", "--data", str(one_class))
    assert result.exit_code == 1
    assert "two different labels" in result.output
    missing = tmp_path / "missing.csv"
    missing.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("model", "train", "--data", str(missing), "--text-col", "正文", "--label-col", "类别")
    assert result.exit_code == 1
    assert "a, b" in result.output or "columns" in result.output
    assert not (tmp_path / "var" / "models").exists()


def test_activate_reclassifies_but_keeps_people_s_choices(env, tmp_path):
    with env.transaction() as session:
        schools = factories.make_department(session, code="JYJ", name="教育局")
        factories.make_category(session, name="教育文体", department=schools)
        roads = factories.make_department(session, code="JTJ", name="交通运输局")
        factories.make_category(session, name="交通运输", department=roads)
        factories.make_category(session, name="环境保护")
    pending = _message(env, "学校乱收学费", "老师要求学生交课程费用，幼儿园也收费。")
    corrected = _message(env, "公交线路", "公交司机拒载，线路拥堵。")
    with env.transaction() as session:
        case = session.get(Message, corrected).case
        case.category_source = "staff"
        case.category = None

    data = write_corpus(tmp_path / "train.csv")
    trained = run("model", "train", "--data", str(data), "--holdout", "0", "--activate")
    assert trained.exit_code == 0, trained.output
    assert "re-classified 2 messages" in trained.output
    with env.transaction() as session:
        record = session.query(ModelRecord).one()
        assert record.is_active
        analysis = session.get(MessageAnalysis, pending)
        assert analysis.category_label == "教育文体"
        assert analysis.category_model == record.version
        routed = session.get(Message, pending).case
        assert routed.department.code == "JYJ"
        assert routed.category_source == "classifier"
        kept = session.get(Message, corrected).case
        assert kept.category_source == "staff"
        assert kept.department is None

    listed = run("model", "list")
    assert listed.output.startswith("* ")
    again = run("model", "reclassify")
    assert "re-classified 0 messages" in again.output

    out = tmp_path / "corrections.csv"
    exported = run("model", "export-training", "--out", str(out))
    assert exported.exit_code == 0
    assert "wrote 0 labelled messages" in exported.output  # the staff case has no category yet


def _message(database, title, body):
    from minyi.analysis.provider import PipelineProvider

    with database.transaction() as session:
        pipeline = PipelineProvider(route_threshold=1.1).get(session)  # keywords must not route here
        message = factories.make_message(session, title=title, body=body, process=False)
        from minyi.flows.processing import process

        process(session, message, pipeline)
        assert session.get(Case, message.case_id).department is None
        return message.id


def test_activate_unknown_version(env):
    result = run("model", "activate", "nope")
    assert result.exit_code == 1
    assert "no model with version" in result.output


def test_a_trained_version_is_found_by_its_name_before_it_is_activated(env, tmp_path):
    data = write_corpus(tmp_path / "train.csv")
    assert "no registered model" in run("model", "list").output
    trained = run("model", "train", "--data", str(data))
    assert trained.exit_code == 0, trained.output
    version = re.search(r"trained (\S+) on", trained.output).group(1)
    assert "not activated" in trained.output
    evaluated = run("model", "evaluate", "--model", version[:12], "--data", str(data))
    assert evaluated.exit_code == 0, evaluated.output
    wrong = run("model", "evaluate", "--model", str(data), "--data", str(data))
    assert wrong.exit_code == 1
    assert "is not a model" in wrong.output
