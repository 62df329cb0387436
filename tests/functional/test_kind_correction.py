"""Correcting the kind of appeal: the case page, the JSON API, and the corrections as training data.

Before, a case the model misread (or could not judge, 未能判断) kept that kind for ever: the
wrong deadline, no adoption decision for a suggestion read as a complaint.
"""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from tests.functional.conftest import bearer, cli_database, csrf_of, login

from minyi.cases import kind_corrections
from minyi.cases.models import Case
from minyi.cli.main import cli
from minyi.demo import factories

TEXT = {"title": "人民路路灯不亮", "body": "人民路北段路灯坏了一个月，晚上很黑，请尽快修好。"}


@pytest.fixture
def tokens(session, world):
    return {
        name: bearer(session, getattr(world, attr))
        for name, attr in [("road", "road_staff"), ("school", "school_staff"), ("dispatcher", "dispatcher")]
    }


def new_case(client, session, tokens, kind: str):
    created = client.post("/api/v1/messages", json=TEXT).json()
    case = session.get(Case, created["case_id"])
    case.appeal_kind = kind
    session.commit()
    url = f"/api/v1/cases/{created['case_id']}"
    assert (
        client.post(f"{url}/dispatch", json={"department": "JTJ"}, headers=tokens["dispatcher"]).status_code
        == 200
    )
    return created, url


def test_the_api_corrects_the_kind_for_the_case_s_department_only(client, session, tokens):
    _, url = new_case(client, session, tokens, "complaint")
    assert client.post(
        f"{url}/kind", json={"appeal_kind": "suggestion"}, headers=tokens["school"]
    ).status_code in {
        403,
        404,
    }
    done = client.post(f"{url}/kind", json={"appeal_kind": "suggestion"}, headers=tokens["road"])
    assert done.status_code == 200, done.text
    assert done.json()["appeal_kind"] == "suggestion"
    assert any(e["action"] == "kind_corrected" for e in done.json()["events"])
    again = client.post(f"{url}/kind", json={"appeal_kind": "suggestion"}, headers=tokens["road"])
    assert again.status_code == 409
    bad = client.post(f"{url}/kind", json={"appeal_kind": "undetermined"}, headers=tokens["road"])
    assert bad.status_code == 422


def test_the_case_page_form_corrects_the_kind_in_chinese(client, session, tokens):
    created, _ = new_case(client, session, tokens, "undetermined")
    login(client, "road")
    page = client.get(f"/staff/cases/{created['case_id']}")
    assert "更正诉求类型" in page.text
    form = {"appeal_kind": "", "csrf_token": csrf_of(page.text)}
    empty = client.post(f"/staff/cases/{created['case_id']}/kind", data=form)
    assert empty.status_code == 422
    assert "请选择诉求类型" in empty.text
    saved = client.post(
        f"/staff/cases/{created['case_id']}/kind",
        data=form | {"appeal_kind": "suggestion"},
        follow_redirects=True,
    )
    assert saved.status_code == 200
    assert "诉求类型已更正为“建议”" in saved.text
    assert "未能判断 → 建议" in saved.text  # the history says what changed
    assert "作出采纳决定" in saved.text  # a suggestion's own step is offered now
    english = client.get(f"/staff/cases/{created['case_id']}", params={"lang": "en"})
    assert "undetermined → suggestion" in english.text


@pytest.fixture
def env(tmp_path, monkeypatch):
    with cli_database(tmp_path, monkeypatch, "minyi_test_kind_cli") as database:
        yield database


def test_the_corrections_are_written_as_training_data(env, tmp_path):
    from minyi.analysis.provider import PipelineProvider
    from minyi.flows.processing import process

    with env.transaction() as session:
        dept = factories.make_department(session, code="CGJ", name="城管局")
        user = factories.make_user(session, username="pd", role="dispatcher")
        message = factories.make_message(
            session, title="小区门口井盖丢失", body="很危险，电话13812345678，请尽快处理", process=False
        )
        case = process(session, message, PipelineProvider().get(session))
        case.department = dept
        kind_corrections.correct_kind(session, user, case, "help" if case.appeal_kind != "help" else "report")
    out = tmp_path / "kinds.csv"
    result = CliRunner().invoke(cli, ["model", "appeal-corrections", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 1 corrections of the kind" in result.output
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0] == ["title", "body", "kind", "predicted", "corrected_at"]
    assert rows[1][0] == "小区门口井盖丢失"
    assert "13812345678" not in rows[1][1]
