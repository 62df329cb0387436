"""A case opened without its analysis gets it later: ``minyi process`` analyses its message again."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from tests.conftest import fresh_database_url

from minyi.analysis.models import MessageAnalysis
from minyi.analysis.provider import PipelineProvider
from minyi.cases.models import CaseStatus, DeadlineRuleRecord
from minyi.cases.routing import routing_of
from minyi.cases.rules import rules_deadlines
from minyi.cli.main import cli
from minyi.db.session import Database
from minyi.demo import factories
from minyi.flows import processing, reanalysis
from minyi.intake import services as intake
from minyi.intake.models import Message, ProcessingState
from minyi.schema import migrate
from minyi.settings import Settings, get_settings

FIRST_LEVEL = ("路灯", "噪音", "交通运输")  # the keyword router (no trained model) finds the names


@pytest.fixture
def owned(tmp_path):
    database = Database(fresh_database_url(tmp_path, "minyi_reanalysis"))
    migrate.upgrade(database.engine)
    with database.transaction() as session:  # each category has a department
        for n, name in enumerate(FIRST_LEVEL):
            department = factories.make_department(session, code=f"D{n}", name=f"{name}局")
            factories.make_category(session, name=name, department=department)
    yield database
    database.engine.dispose()


def _open_without_analysis(database, title, body):
    """Store a message and open its case as ``mark_failed`` does when the pipeline fails."""
    with database.transaction() as session:
        data = factories.make_message_in(title=title, body=body)
        message = intake.accept(session, data, channel="api", key="k").message
        processing.mark_failed(session, message, RuntimeError("model file missing"))
        return message.id


def test_a_waiting_case_gets_its_category_kind_and_routing(owned):
    message_id = _open_without_analysis(
        owned, "小区路灯坏了", "我们小区的路灯坏了一个月，晚上很黑，请尽快维修。"
    )
    with owned.session() as session:
        assert reanalysis.opened_without_analysis_count(session) == 1
        case = session.scalars(select(Message)).one().case
        assert case.category_id is None
        assert case.status == CaseStatus.RECEIVED
    pipelines = PipelineProvider(Settings(), route_threshold=0.0)  # any guess routes
    with owned.transaction() as session:
        result = reanalysis.analyse_opened(session, pipelines.get(session))
    assert (result.processed, result.failed, result.last_id) == (1, 0, message_id)
    with owned.session() as session:
        message = session.get(Message, message_id)
        assert message.processing_error is None
        assert message.state == ProcessingState.PROCESSED
        assert session.get(MessageAnalysis, message_id) is not None
        case = message.case
        assert case.category_id is not None
        assert case.category_source in {"classifier", "keywords"}
        assert case.appeal_kind is not None
        assert case.department_id is not None  # dispatched, as intake would have
        assert case.due_at is not None
        assert routing_of(session, case).routed_automatically is True
        assert reanalysis.opened_without_analysis_count(session) == 0


def test_a_case_sorted_by_hand_meanwhile_keeps_what_the_person_chose(owned):
    message_id = _open_without_analysis(owned, "噪音扰民", "楼下饭店每天深夜噪音很大，影响休息。")
    with owned.transaction() as session:
        message = session.get(Message, message_id)
        message.case.category_source = "staff"  # a dispatcher sorted it (no category needed for the test)
        opened_due = message.case.desk_due_at  # the general rule's: no kind yet
        for kind in ("complaint", "help", "inquiry", "suggestion"):
            session.add(DeadlineRuleRecord(appeal_kind=kind, reply_working_days=3))
    pipelines = PipelineProvider(Settings(), route_threshold=0.0)
    with owned.transaction() as session:
        reanalysis.analyse_opened(session, pipelines.get(session))
    with owned.session() as session:
        case = session.get(Message, message_id).case
        assert case.category_source == "staff"
        assert case.category_id is None
        assert case.status == CaseStatus.RECEIVED
        assert routing_of(session, case).routed_automatically is False
        # its kind now picks the rule of its deadline at the desk (cases.desk_due)
        assert case.appeal_kind in {"complaint", "help", "inquiry", "suggestion"}
        assert case.desk_due_at == rules_deadlines(session)[case.id] < opened_due


def test_a_message_that_fails_again_keeps_its_note_and_the_others_go_on(owned, monkeypatch):
    first = _open_without_analysis(owned, "井盖缺失", "人民路井盖不见了，很危险。")
    second = _open_without_analysis(owned, "公交晚点", "138路公交车经常晚点半小时。")
    pipelines = PipelineProvider(Settings(), route_threshold=1.1)
    with owned.transaction() as session:
        pipeline = pipelines.get(session)
        real = pipeline.analyse

        def flaky(data):
            if data.message_id == first:
                raise ValueError("still broken")
            return real(data)

        monkeypatch.setattr(pipeline, "analyse", flaky)
        result = reanalysis.analyse_opened(session, pipeline)
    assert (result.processed, result.failed) == (1, 1)
    with owned.session() as session:
        assert session.get(Message, first).processing_error == (
            processing.WITHOUT_ANALYSIS + "ValueError: still broken"
        )
        assert session.get(MessageAnalysis, first) is None
        assert session.get(Message, second).processing_error is None
        assert session.get(Message, second).case.status == CaseStatus.RECEIVED  # below the threshold
        assert reanalysis.opened_without_analysis_count(session) == 1


def test_minyi_process_analyses_them(owned, monkeypatch):
    _open_without_analysis(owned, "小区路灯坏了", "我们小区的路灯坏了一个月，晚上很黑。")
    monkeypatch.setenv("MINYI_DATABASE_URL", owned.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MINYI_SECRET_KEY", "a-test-secret-key-of-enough-length-0123456789")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["process"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "analysed 1 messages whose cases were opened without analysis, 0 failed again" in result.output
    with owned.session() as session:
        assert reanalysis.opened_without_analysis_count(session) == 0
