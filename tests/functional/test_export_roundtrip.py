"""Round trip: export → import into an empty database → the same cases, messages, replies, statuses.

What it checks: a full CSV (and XLSX) export of cases in several statuses — one with two
messages, one with a reply, one with a title a spreadsheet would run — imported into a
fresh database through ``minyi import``'s importer (``import_messages``, which recognises
the export by its headers, the ``minyi`` preset), then ``flows.restore.restore_cases``,
gives: the same messages (title, body, by 留言编号), grouped into the same cases, with the
same statuses and the same reply texts; exporting the restored database again gives the
same message and case columns. Restoring twice adds nothing.
"""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, make_url, select, text

from minyi.cases.models import Case
from minyi.db.session import Database
from minyi.demo import factories
from minyi.flows.export import ExportFilters, ExportFormat, plan_export, write_export
from minyi.flows.imports import import_messages
from minyi.flows.restore import restore_cases
from minyi.intake.models import Message
from minyi.schema import migrate

KEY = "roundtrip-test-secret-0123456789-abcdefghij"
PG_DATABASE = f"minyi_test_roundtrip_{os.getpid()}"


def _admin(base: str):
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    return url, create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


@pytest.fixture
def empty(tmp_path):
    base = os.environ.get("MINYI_TEST_DATABASE_URL", "")
    on_postgres = base.startswith("postgresql")
    if on_postgres:
        url, admin = _admin(base)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
        target = url.set(database=PG_DATABASE).render_as_string(hide_password=False)
    else:
        target = f"sqlite:///{tmp_path / 'restored.db'}"
    database = Database(target)
    migrate.upgrade(database.engine)
    yield database
    database.engine.dispose()
    if on_postgres:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        admin.dispose()


def _source(session):
    water = factories.make_department(session, code="WATER")
    replied = factories.make_case(
        session,
        status="replied",
        department=water,
        title="小区停水三天",
        body="幸福小区停水三天了，何时恢复？",
    )
    replied.created_at = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)  # a case of last year
    closed = factories.make_case(
        session, status="closed", department=water, title='=HYPERLINK("http://x","y")', body="井盖丢失"
    )
    factories.make_case(
        session, status="dispatched", department=water, title="路灯不亮", body="人民路路灯不亮"
    )
    second = factories.make_message(session, process=False, title="又停水了", body="幸福小区今天又停水")
    second.case = replied
    session.flush()
    return [replied.number, closed.number]


def _shape(cases) -> dict[tuple[str, ...], tuple[str, tuple[str, ...], str]]:
    """Each case, by its messages' (title, body): its status, reply texts and opening minute."""
    shaped = {}
    for case in cases:
        texts = tuple(sorted(f"{m.title}|{m.body}" for m in case.messages))
        opened = case.created_at.strftime("%Y-%m-%d %H:%M")  # 立案时间 (two years landed on import day)
        shaped[texts] = (str(case.status), tuple(sorted(r.body for r in case.replies)), opened)
    return shaped


def _export(session, fmt) -> bytes:
    out = io.BytesIO()
    write_export(session, plan_export(session, None, ExportFilters(), full=True), out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", [ExportFormat.CSV, ExportFormat.XLSX])
def test_export_import_restore_gives_the_same_cases(session, empty, tmp_path, fmt):
    _source(session)
    expected = _shape(session.scalars(select(Case)).unique().all())
    path = tmp_path / f"export.{fmt.value}"
    path.write_bytes(_export(session, fmt))

    report = import_messages(empty, path, key=KEY, settings=None)
    assert report.imported == 4
    restored = restore_cases(empty, path)
    assert restored.cases == 3
    assert restored.missing_messages == 0
    assert restore_cases(empty, path).replies == 0  # a second run adds nothing

    with empty.session() as target:
        cases = target.scalars(select(Case)).unique().all()
        assert _shape(cases) == expected
        assert target.scalar(select(Message).where(Message.title.startswith("'"))) is None


def test_restore_gives_each_exported_case_its_case_and_number_and_no_other_file(session, empty, tmp_path):
    """Near copies the import merges are split again; another file's message of the same id is not touched."""
    water = factories.make_department(session, code="WATER")
    text = "幸福小区停水三天了，何时恢复供水？家里老人孩子用水很困难。"
    first = factories.make_case(session, status="replied", department=water, title="幸福小区停水", body=text)
    second = factories.make_case(
        session, status="dispatched", department=water, title="幸福小区停水", body=text
    )
    session.commit()
    if first.id == second.id or len({m.case_id for m in (*first.messages, *second.messages)}) < 2:
        pytest.skip("the source merged the copies itself")
    path = tmp_path / "export.csv"
    path.write_bytes(_export(session, ExportFormat.CSV))
    other = tmp_path / "other.csv"
    taken_id = first.messages[0].external_id or first.messages[0].id
    other.write_text(
        f"留言编号,留言主题,留言详情,留言时间\n{taken_id},无关留言,人民路路灯不亮,2026/11/20 10:00\n", "utf-8"
    )
    import_messages(empty, other, key=KEY, settings=None)
    import_messages(empty, path, key=KEY, settings=None)
    restored = restore_cases(empty, path)
    assert restored.cases == 2
    with empty.session() as target:
        numbers = {case.number: case for case in target.scalars(select(Case)).unique().all()}
        assert {first.number, second.number} <= set(numbers)
        assert len(numbers[first.number].messages) == 1
        assert len(numbers[second.number].messages) == 1
        assert str(numbers[second.number].status) == "dispatched"
        unrelated = target.scalar(select(Message).where(Message.source == "other.csv"))
        assert unrelated.case.title != "幸福小区停水"
        assert unrelated.case.number not in {first.number, second.number}


def _rewrite(path, numbers: dict[str, str], first: str = "") -> list[list[str]]:
    """Give the exported cases of ``path`` other numbers (案件编号), case ``first``'s rows first."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    body = sorted(rows[1:], key=lambda row: row[0] != first)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([rows[0], *([numbers.get(row[0], row[0]), *row[1:]] for row in body)])
    return rows


@pytest.mark.parametrize("batch_size", [1, 500])
def test_a_number_given_up_in_a_batch_goes_to_the_case_exported_with_it(session, empty, tmp_path, batch_size):
    """A case gives up the number the import drew for it; a later case of the batch was exported with it.

    Written in one flush, the updates go in the order of the cases' ids, the taker's first
    here: the batch settles what was given up before another case takes it (the unique
    index on case numbers).
    """
    _source(session)
    session.commit()
    path = tmp_path / "export.csv"
    path.write_bytes(_export(session, ExportFormat.CSV))
    import_messages(empty, path, key=KEY, settings=None)
    with empty.session() as target:
        cases = sorted(target.scalars(select(Case)).unique().all(), key=lambda case: case.id)
        taker, giver = cases[0], cases[-1]  # the taker's update would be written first
        drawn = giver.number
        taker_id, giver_id = taker.messages[0].external_id, giver.messages[0].external_id
    rows = _rewrite(path, {})
    exported = {row[rows[0].index("留言编号")]: row[0] for row in rows[1:]}
    _rewrite(path, {exported[giver_id]: "OTHER-0001", exported[taker_id]: drawn}, first=exported[giver_id])

    restored = restore_cases(empty, path, batch_size=batch_size)
    assert restored.cases == 3
    with empty.session() as target:
        numbers = {case.number: case for case in target.scalars(select(Case))}
        assert taker_id in {m.external_id for m in numbers[drawn].messages}
        assert giver_id in {m.external_id for m in numbers["OTHER-0001"].messages}


def _drop_column(path, header: str) -> None:
    """Rewrite the CSV at ``path`` without ``header``: an export written before that column existed."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    at = rows[0].index(header)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([row[:at] + row[at + 1 :] for row in rows])


@pytest.mark.parametrize("old_file", [False, True])
def test_the_acceptance_deadline_goes_out_and_comes_back(session, empty, tmp_path, old_file):
    """签收期限 (sign_due_at) is exported and restored; an export from before the column still restores."""
    water = factories.make_department(session, code="WATER")
    waiting = factories.make_case(
        session, status="dispatched", department=water, title="路灯不亮", body="人民路路灯不亮"
    )
    sign_by = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    waiting.sign_due_at = sign_by
    session.commit()
    path = tmp_path / "export.csv"
    path.write_bytes(_export(session, ExportFormat.CSV))
    assert "签收期限" in path.read_text("utf-8-sig").splitlines()[0].split(",")
    if old_file:
        _drop_column(path, "签收期限")

    import_messages(empty, path, key=KEY, settings=None)
    assert restore_cases(empty, path).cases == 1
    with empty.session() as target:
        restored = target.scalar(select(Case).where(Case.number == waiting.number))
        assert str(restored.status) == "dispatched"
        assert restored.sign_due_at == (None if old_file else sign_by)
