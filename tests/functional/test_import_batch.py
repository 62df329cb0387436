"""The batched import path derives exactly what processing message by message derives.

One small file (categories that route, duplicates within and across batches, a joint
letter, recent messages that keyword rules watch, public messages with official replies
that the public search indexes) is imported twice into two fresh databases: once as
``minyi import`` does now (bulk store, the pipeline in a worker process, one flush per
batch) and once through the
per-message path (:func:`minyi.flows.processing.process_batch`: a savepoint and flushes
per message). Every derived row is compared, keyed by the row's 留言编号.
"""

from __future__ import annotations

import csv
import logging
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.orm import Session

from minyi.accountability.search_models import PublicSearchDoc
from minyi.analysis.models import MessageAnalysis
from minyi.cases.models import ANSWERED_STATUSES, Case, CaseEvent
from minyi.cases.routing import CaseRouting
from minyi.cases.rules import rules_deadlines
from minyi.db.session import Database
from minyi.demo.factories import make_category, make_department
from minyi.flows import import_analysis, import_batch, imports, processing
from minyi.intake.models import Message
from minyi.schema import migrate

KEY = "import-batch-test-secret-0123456789-abcdef"
HEADER = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "是否公开", "答复意见", "答复时间"]
NOISE = "小区楼下的烧烤摊每天营业到凌晨两点，油烟和噪音严重影响居民休息，多次反映无果。"
BUS = "建议增加一条从火车站到高新区的公交线路，早晚高峰时段公交车太挤，等车时间太长。"


def _rows(*, plain: bool = False) -> list[list[str]]:
    """Thirty rows: repeated texts (duplicates, a joint letter), replies, recent messages.

    ``plain``: no replies and one recent message (row 3), so the batches after the first
    are written without the unit of work (:mod:`minyi.flows.import_write`).
    """
    texts = [
        ("噪音扰民", NOISE),
        ("公交线路", BUS),
        ("道路积水", "下雨天人民路和解放路路口积水严重，车辆无法通行，行人只能绕行。"),
        ("教育收费", "学校额外收取补课费和资料费，家长负担很重，请教育部门核查。"),
        ("燃气泄漏", "我家楼道里有很浓的燃气味，怀疑燃气泄漏，请马上派人处理！"),
    ]
    rows = []
    for n in range(30):
        title, body = texts[n % 5] if n < 20 else texts[n % 2]  # the last ten: one text, many authors
        recent = n == 3 if plain else n % 7 == 3
        when = "" if recent else f"2019/3/{1 + n % 27} 9:{n:02d}:00"  # no time: recent, watched
        public = "是" if n % 3 else "否"
        reply, replied = (
            ("", "") if n % 4 or plain else ("您好，已转交相关部门处理。", f"2019/4/{1 + n % 27} 10:00:00")
        )
        rows.append([str(1000 + n), f"U{n % 9}", title, when, body, public, reply, replied])
    return rows


def _fresh(tmp_path: Path, name: str) -> tuple[Database, str | None]:
    base = os.environ.get("MINYI_TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        database = Database(f"sqlite:///{tmp_path / (name + '.db')}")
        migrate.upgrade(database.engine)
        return database, None
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    dbname = f"minyi_test_import_batch_{name}_{os.getpid()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{dbname}"'))
    admin.dispose()
    database = Database(url.set(database=dbname).render_as_string(hide_password=False))
    migrate.upgrade(database.engine)
    return database, dbname


def _drop(dbname: str) -> None:
    base = os.environ["MINYI_TEST_DATABASE_URL"]
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def databases(tmp_path):
    made = [_fresh(tmp_path, name) for name in ("bulk", "single")]
    for database, _ in made:
        with database.transaction() as session:
            transport = make_department(session, code="JT", name="交通运输局")
            environment = make_department(session, code="HB", name="生态环境局")
            roads = make_category(session, name="交通运输", department=transport)
            nature = make_category(session, name="环境保护", department=environment)
            for name, parent in (("公交线路", roads), ("道路积水", roads), ("噪音扰民", nature)):
                make_category(session, name=name, parent=parent)
            make_category(session, name="教育文体")
    yield [database for database, _ in made]
    for database, dbname in made:
        database.engine.dispose()
        if dbname is not None:
            _drop(dbname)


def _per_message(session: Session, messages: list[Message], pipeline: Any, results: Any) -> None:
    """The path before batching: the batch's analyses, then a savepoint and flushes per message."""
    for message, result in zip(messages, results, strict=True):
        processing.process_safely(session, message, pipeline, result)


def _derived(database: Database) -> dict[str, Any]:
    """Every row the processing derived, keyed by external ids instead of generated ids."""
    with database.session() as session:
        ext: dict[str, str] = dict(session.execute(select(Message.id, Message.external_id)).all())  # type: ignore[arg-type]
        messages = session.scalars(select(Message)).all()
        analyses = {
            ext[row.message_id]: (
                row.normalized_title,
                row.normalized_body,
                row.category_label,
                row.category.path if row.category else None,
                [(top["label"], top["confidence"], top["department"]) for top in row.category_top],
                row.appeal_kind,
                row.appeal_confidence,
                ext.get(row.duplicate_of_id or ""),
                row.duplicate_kind,
                row.duplicate_status,
                row.pii_kinds,
            )
            for row in session.scalars(select(MessageAnalysis))
        }
        members: dict[str, list[str]] = {}
        for message in messages:
            members.setdefault(message.case_id or "", []).append(ext[message.id])
        key = {case_id: min(ids) for case_id, ids in members.items()}
        events = Counter(
            (key[event.case_id], str(event.action), str(event.to_status))
            for event in session.scalars(select(CaseEvent))
        )
        cases = {
            key[case.id]: (
                sorted(members[case.id]),
                case.title,
                str(case.status),
                case.category.path if case.category else None,
                case.category_source,
                case.department.code if case.department else None,
                case.appeal_kind,
                case.urgent,
                case.is_public,
                case.due_at is None,
                (case.due_at - case.accepted_at).total_seconds() if case.due_at else None,
                case.replied_at,
            )
            for case in session.scalars(select(Case))
        }
        routings = {
            key[row.case_id]: (row.routed_automatically, row.predicted_label, row.department_code)
            for row in session.scalars(select(CaseRouting))
        }
        search = sorted(
            (key[doc.case_id], doc.title, doc.body, doc.reply, doc.status)
            for doc in session.scalars(select(PublicSearchDoc))
        )
        states = {ext[m.id]: (m.state, m.processing_error) for m in messages}
        waiting = [case for case in session.scalars(select(Case)) if case.desk_due_at is not None]
        desk = {
            key[case.id]: case.desk_due_at
            for case in waiting
            if case.due_at is None and case.status not in ANSWERED_STATUSES
        }
        desk_rules = {key[case_id]: due for case_id, due in rules_deadlines(session).items()}
    return {
        "desk": desk,  # the rules' deadline stored for the cases at the dispatch desk (cases.desk_due)
        "desk_rules": desk_rules,  # what the rules give them, computed
        "states": states,
        "analyses": analyses,
        "cases": cases,
        "events": events,
        "routings": routings,
        "search": search,
    }


def _differences(got: Any, expected: Any) -> list[Any]:
    """The keys whose values differ, with both values (or the two lists), for a readable failure."""
    if not isinstance(expected, dict):
        return [got, expected]
    return [(key, got.get(key), value) for key, value in expected.items() if got.get(key) != value]


def _same_deadline_spans(got: dict, expected: dict) -> None:
    """Take the two imports' deadline spans as equal when they differ by seconds.

    The imports run seconds apart and a deadline counted from the next open office hour
    (accepted in the lunch break or at night) is as many seconds nearer: rounded to hours,
    the span flipped when the run fell on the half hour (CI at 13:00 Beijing time).
    """
    for key, row in expected.items():
        mine = got.get(key)
        if mine is None or mine[10] is None or row[10] is None:
            continue
        if abs(mine[10] - row[10]) <= 600:  # ten minutes: far more than the runs' gap
            got[key] = (*mine[:10], row[10], *mine[11:])


def test_batched_import_derives_what_the_per_message_path_derives(databases, tmp_path, monkeypatch, caplog):
    path = tmp_path / "附件4.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([HEADER, *_rows()])
    bulk, single = databases
    report = imports.import_messages(bulk, path, key=KEY, batch_size=8, parallel=True)
    assert "batch processing failed" not in caplog.text  # every batch went the bulk way
    monkeypatch.setattr(imports, "process_messages", _per_message)
    again = imports.import_messages(single, path, key=KEY, batch_size=8, parallel=False)
    assert (report.imported, report.failed_processing, report.replies) == (30, 0, 8)
    assert (again.imported, again.failed_processing, again.replies) == (30, 0, 8)
    got, expected = _derived(bulk), _derived(single)
    assert expected["search"], "the fixture must put some cases in the public search index"
    assert any(row[7] for row in expected["analyses"].values()), "the fixture must have duplicates"
    assert any(row[5] for row in expected["cases"].values()), "the fixture must route some cases"
    _same_deadline_spans(got["cases"], expected["cases"])
    for part, rows in expected.items():
        assert got[part] == rows, (part, _differences(got[part], rows))
    assert expected["desk"], "the fixture must leave cases at the dispatch desk"
    assert got["desk"] == got["desk_rules"]  # stored in the batch's write as the rules give it


def test_batches_written_without_the_unit_of_work_derive_the_same(databases, tmp_path, monkeypatch, caplog):
    path = tmp_path / "m.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([HEADER, *_rows(plain=True)])
    bulk, single = databases
    written: list[int] = []
    real = import_batch.write_new

    def write_new(session, *extra):
        written.append(real(session, *extra))
        return written[-1]

    monkeypatch.setattr(import_batch, "write_new", write_new)
    caplog.set_level(logging.INFO, logger=import_batch.__name__)
    report = imports.import_messages(bulk, path, key=KEY, batch_size=8, parallel=True)
    assert "storing a processed batch failed" not in caplog.text
    assert "batch flushed by the unit of work" in caplog.text  # the first batch: a recent message
    assert len(written) == 3, "batches 2 to 4 are written without a flush"
    monkeypatch.setattr(imports, "process_messages", _per_message)
    again = imports.import_messages(single, path, key=KEY, batch_size=8, parallel=False)
    assert (report.imported, report.failed_processing) == (again.imported, again.failed_processing) == (30, 0)
    got, expected = _derived(bulk), _derived(single)
    assert any(row[7] for row in expected["analyses"].values()), "the fixture must have duplicates"
    assert any(row[5] for row in expected["cases"].values()), "the fixture must route some cases"
    _same_deadline_spans(got["cases"], expected["cases"])
    for part, rows in expected.items():
        assert got[part] == rows, (part, _differences(got[part], rows))
    assert expected["desk"], "the fixture must leave cases at the dispatch desk"
    assert got["desk"] == got["desk_rules"]  # stored in the batch's write as the rules give it
    again = imports.import_messages(bulk, path, key=KEY, batch_size=8)
    assert (again.imported, again.duplicates) == (0, 30)  # idempotent by external id


def test_a_failing_batch_is_processed_row_by_row(databases, tmp_path, monkeypatch):
    path = tmp_path / "m.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(
            [["id", "body"], ["1", "fine"], ["2", "breaks routing"], ["3", "fine too"]]
        )
    real = import_batch.routing.record_routing

    def record_routing(session, case, analysis, threshold):
        if case.title == "breaks routing":
            raise ValueError("routing table unavailable")
        return real(session, case, analysis, threshold)

    monkeypatch.setattr(import_batch.routing, "record_routing", record_routing)
    report = imports.import_messages(databases[0], path, key=KEY)
    assert (report.imported, report.failed_processing) == (3, 1)
    with databases[0].session() as session:
        states = {m.external_id: (m.state, m.processing_error) for m in session.scalars(select(Message))}
        cases = {m.external_id: m.case_id is not None for m in session.scalars(select(Message))}
    assert states["2"] == ("failed", "ValueError: routing table unavailable")
    assert states["1"] == states["3"] == ("processed", None)
    assert cases == {"1": True, "2": False, "3": True}


def test_a_failing_index_worker_leaves_the_messages_analysed_here(databases, tmp_path, monkeypatch, caplog):
    path = tmp_path / "m.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([HEADER, *_rows(plain=True)])

    def broken(items):
        raise RuntimeError("index worker down")

    monkeypatch.setattr(import_analysis, "_match", broken)  # forked after this: the workers see it
    report = imports.import_messages(databases[0], path, key=KEY, batch_size=8, parallel=True)
    assert "batch analysis in the worker failed" in caplog.text
    assert (report.imported, report.failed_processing) == (30, 0)
    with databases[0].session() as session:
        assert session.scalar(select(func.count()).select_from(MessageAnalysis)) == 30


def test_a_refused_bulk_write_flushes_the_same_rows(databases, tmp_path, monkeypatch, caplog):
    """The rows a bulk batch keeps out of the session are flushed alike when ``write_new`` refuses."""
    path = tmp_path / "m.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([HEADER, *_rows(plain=True)])
    bulk, single = databases

    def refuse(session, *extra):
        raise import_batch.NotBulk("refused by the test")

    monkeypatch.setattr(import_batch, "write_new", refuse)
    caplog.set_level(logging.INFO, logger=import_batch.__name__)
    report = imports.import_messages(bulk, path, key=KEY, batch_size=8, parallel=False)
    assert "storing a processed batch failed" not in caplog.text
    assert caplog.text.count("refused by the test") == 4  # every batch flushed, three kept out of the session
    monkeypatch.setattr(imports, "process_messages", _per_message)
    again = imports.import_messages(single, path, key=KEY, batch_size=8, parallel=False)
    assert (report.imported, report.failed_processing) == (again.imported, again.failed_processing) == (30, 0)
    got, expected = _derived(bulk), _derived(single)
    _same_deadline_spans(got["cases"], expected["cases"])
    for part, rows in expected.items():
        assert got[part] == rows, (part, _differences(got[part], rows))
