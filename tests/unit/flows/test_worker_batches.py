"""A worker storing several messages a transaction writes what it writes one message at a time.

The batch path (issues locked up front, one flush a batch, rules read once) must leave the
same rows as the one-message path: analyses, hot issues and their numbers, cases, events,
alerts. Two databases get the same messages, one processed each way, and are compared.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from tests.conftest import fresh_database_url

from minyi.alerts.models import Alert
from minyi.alerts.rules import create_rule
from minyi.analysis.models import MessageAnalysis
from minyi.analysis.provider import PipelineProvider
from minyi.cases.models import Case, CaseEvent
from minyi.db.session import Database
from minyi.demo import factories
from minyi.flows import processing, workers
from minyi.intake import services as intake
from minyi.intake.models import Message, ProcessingState
from minyi.issues.models import HotIssue
from minyi.issues.online import IssueTracker
from minyi.schema import migrate
from minyi.settings import Settings

NOISE = [
    "滨江新城旁搅拌站夜间施工噪音扰民，严重影响休息",
    "滨江新城小区旁的搅拌站每晚噪音很大，孩子无法入睡",
    "投诉滨江新城附近搅拌站凌晨还在作业，噪音扰民",
    "滨江新城搅拌站噪音问题什么时候能解决",
    "滨江新城搅拌站噪音扰民，晚上十一点还在施工",
    "滨江新城搅拌站半夜施工噪音太大了",
]
WELL = [
    "人民路井盖缺失很危险，晚上有人掉进去",
    "人民路口井盖不见了，车辆经过很危险",
    "人民路井盖缺失一周了没人管",
    "人民路的井盖缺失，老人孩子出行危险",
]
OTHER = [
    "东塘公交站台顶棚破损漏雨，请尽快维修",
    "岳麓区图书馆开放时间太短，希望延长",
    "东塘公交站台顶棚破损漏雨，请尽快维修",  # an exact duplicate of the first
]


def _texts():
    """Groups that reach the issue size inside a batch and across batches, and a duplicate."""
    rows = []
    for n in range(max(len(NOISE), len(WELL))):
        rows.extend(group[n] for group in (NOISE, WELL) if n < len(group))
        if n < len(OTHER):
            rows.append(OTHER[n])
    return rows


def _database(tmp_path, name, *, routed=False):
    database = Database(fresh_database_url(tmp_path, name))
    migrate.upgrade(database.engine)
    with database.session() as session:
        create_rule(session, name="井盖", kind="keyword", params={"keywords": ["井盖"]})
        if routed:  # categories: the pipeline guesses one, and each case gets a routing row
            roads = factories.make_department(session, code="JTJ", name="交通运输局")
            factories.make_category(session, name="交通运输", department=roads)
            factories.make_category(session, name="噪音", department=roads)
        ids = []
        for n, text in enumerate(_texts()):
            data = factories.make_message_in(
                title=text[:14], body=text + "。", author=f"p{n % 4}", likes=n % 3
            )
            ids.append(intake.accept(session, data, channel="api", key="k").message.id)
        session.commit()
    return database, ids


def _snapshot(database, ids):
    """The derived rows, with the ids of issues and cases replaced by the messages they hold."""
    order = {message_id: n for n, message_id in enumerate(ids)}
    with database.session() as session:
        messages = {m.id: m for m in session.scalars(select(Message))}
        analyses = {a.message_id: a for a in session.scalars(select(MessageAnalysis))}
        by_issue: dict[str | None, list[int]] = {}
        for message_id, analysis in analyses.items():
            by_issue.setdefault(analysis.issue_id, []).append(order[message_id])
        issues = sorted(
            (
                sorted(by_issue.get(issue.id, [])),
                issue.title,
                issue.size,
                issue.authors,
                issue.likes,
                issue.timeline,
                issue.categories,
                issue.posts_counted,
                issue.people_likes,
            )
            for issue in session.scalars(select(HotIssue))
        )
        case_of = {m.case_id: order[m.id] for m in sorted(messages.values(), key=lambda m: order[m.id])[::-1]}
        cases = sorted(
            (case_of[c.id], c.title, c.status, c.category_id, c.department_id, c.urgent, c.urgent_reason)
            for c in session.scalars(select(Case))
        )
        events = sorted(
            (case_of[e.case_id], e.action, e.to_status) for e in session.scalars(select(CaseEvent))
        )
        rows = [
            (
                order[m.id],
                m.state,
                case_of.get(m.case_id),
                analyses[m.id].category_label,
                analyses[m.id].duplicate_of_id is not None,
                analyses[m.id].issue_id is None,
            )
            for m in messages.values()
        ]
        alerts = sorted(
            (a.scope_key, a.repeat_count, a.measured["keywords"]) for a in session.scalars(select(Alert))
        )
    return sorted(rows), issues, cases, events, alerts


def _run(database, ids, per_transaction):
    settings = Settings()
    tracker = IssueTracker(min_size=3)
    context = workers.ProcessingContext(database, PipelineProvider(settings), tracker)
    with database.session() as session:
        tracker.rebuild(session)
    for start in range(0, len(ids), 10):
        workers.process_ids(context, ids[start : start + 10], per_transaction=per_transaction)


def test_a_batch_writes_its_routing_rows_after_their_cases(tmp_path, caplog):
    """A routing row names its case by id only: a mid-batch autoflush wrote some first, the
    foreign key refused, and the batch was stored again one message at a time (soak test)."""
    from minyi.cases.routing import CaseRouting

    one, one_ids = _database(tmp_path, "minyi_batches_routed_one", routed=True)
    many, many_ids = _database(tmp_path, "minyi_batches_routed", routed=True)
    try:
        _run(one, one_ids, per_transaction=1)
        _run(many, many_ids, per_transaction=8)
        assert "together failed" not in caplog.text
        counts = []
        for database in (one, many):
            with database.session() as session:
                counts.append(session.scalar(select(func.count()).select_from(CaseRouting)))
        assert counts[0] == counts[1] > 0
    finally:
        one.engine.dispose()
        many.engine.dispose()


def test_a_batch_stores_what_one_message_a_transaction_stores(tmp_path):
    one, one_ids = _database(tmp_path, "minyi_batches_one")
    many, many_ids = _database(tmp_path, "minyi_batches_many")
    try:
        _run(one, one_ids, per_transaction=1)
        _run(many, many_ids, per_transaction=8)
        expected = _snapshot(one, one_ids)
        assert _snapshot(many, many_ids) == expected
        rows, issues, _, _, alerts = expected
        assert all(row[1] == ProcessingState.PROCESSED for row in rows)
        assert len(issues) >= 2  # both groups became issues
        assert alerts  # the keyword rule fired (read once a batch)
    finally:
        one.engine.dispose()
        many.engine.dispose()


@pytest.mark.parametrize("with_tracker", [False, True])
def test_a_failing_batch_is_stored_again_one_message_at_a_time(tmp_path, monkeypatch, with_tracker):
    database, ids = _database(tmp_path, "minyi_batches_poison")
    real = processing.process

    def poison(session, message, *args, **kwargs):
        if message.id == ids[2]:
            session.flush()
            raise ValueError("poison")
        return real(session, message, *args, **kwargs)

    monkeypatch.setattr(workers, "process", poison)
    tracker = IssueTracker(min_size=3) if with_tracker else None
    context = workers.ProcessingContext(database, PipelineProvider(Settings()), tracker)
    try:
        assert workers.process_ids(context, ids, per_transaction=8) == len(ids)
        with database.session() as session:
            states = {m.id: (m.state, m.processing_error) for m in session.scalars(select(Message))}
            plain = session.scalar(select(Case).join(Message).where(Message.id == ids[2]))
            # its case is opened for a person to sort (no category, waiting at the desk)
            assert plain is not None
            assert plain.category_id is None
            assert plain.department_id is None
        assert states.pop(ids[2]) == (
            ProcessingState.PROCESSED,
            processing.WITHOUT_ANALYSIS + "ValueError: poison",
        )
        assert set(states.values()) == {(ProcessingState.PROCESSED, None)}
    finally:
        database.engine.dispose()


def test_ids_this_database_never_held_are_logged(tmp_path, caplog):
    """A restore drill sharing production's stream: its ids were acknowledged without a word."""
    database, ids = _database(tmp_path, "minyi_batches_unknown")
    context = workers.ProcessingContext(database, PipelineProvider(Settings()), None)
    try:
        with caplog.at_level("WARNING", logger="minyi.flows.workers"):
            taken = workers.process_ids(context, [*ids[:2], "01-not-here"], per_transaction=8)
        assert taken == 2
        [line] = [r.getMessage() for r in caplog.records if "not in this database" in r.getMessage()]
        assert "01-not-here" in line
        assert "MINYI_NATS_STREAM" in line
        caplog.clear()
        with caplog.at_level("WARNING", logger="minyi.flows.workers"):
            workers.process_ids(context, ids[:2], per_transaction=8)  # known, already processed
        assert not [r for r in caplog.records if "not in this database" in r.getMessage()]
    finally:
        database.engine.dispose()
