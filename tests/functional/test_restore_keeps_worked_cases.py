"""A restore never deletes a case someone worked on (the thirteenth probe's record, left open).

``minyi restore`` deletes a case the file's rows leave without messages: the placeholders
``minyi import`` opened. A second run with a doctored file of the same source (one case's
rows given another case's 案件编号) emptied a case staff had since worked on, and the
restore deleted it with its events and replies (ON DELETE CASCADE). Such a case is now
kept with its history and a note, and the report and the command name it.
"""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner
from sqlalchemy import select
from tests.functional.test_export_roundtrip import KEY, _export, _source, empty  # noqa: F401 - a fixture

from minyi.audit.models import AuditEvent
from minyi.cases.models import Case, CaseEvent, EventAction
from minyi.cli.main import cli
from minyi.db.base import new_id
from minyi.demo import factories
from minyi.flows.export import ExportFormat
from minyi.flows.imports import import_messages
from minyi.flows.restore import KEPT_NOTE, restore_cases
from minyi.interop.export_layout import REPLIES_HEADER
from minyi.settings import get_settings


def _restored(session, empty, tmp_path):  # noqa: F811 - the round trip's fixture
    """Export three cases, import and restore them; returns the file, its rows and two numbers.

    The first number is a case the file gives no reply (nothing but staff keeps it).
    """
    _source(session)
    session.commit()
    path = tmp_path / "export.csv"
    path.write_bytes(_export(session, ExportFormat.CSV))
    import_messages(empty, path, key=KEY, settings=None)
    restore_cases(empty, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index(REPLIES_HEADER)
    bare = [row[0] for row in rows[1:] if row[column] in {"", "[]"}]
    other = next(row[0] for row in rows[1:] if row[0] != bare[0])
    return path, rows, [bare[0], other]


def _doctor(path, rows, victim: str, into: str) -> None:
    """Give the victim's rows the number ``into``, right after that case's rows."""
    kept = [row for row in rows[1:] if row[0] not in {victim, into}]
    moved = [[into, *row[1:]] for row in rows[1:] if row[0] == victim]
    ours = [row for row in rows[1:] if row[0] == into]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([rows[0], *ours, *moved, *kept])


def _work_on(database, number: str) -> str:
    """A staff note on case ``number`` (its history); returns the case's id."""
    with database.transaction() as target:
        staff = factories.make_user(target, username="clerk", role="dispatcher")
        case = target.scalars(select(Case).where(Case.number == number)).one()
        target.add(
            CaseEvent(
                id=new_id(),
                case_id=case.id,
                actor=staff.username,
                actor_user_id=staff.id,
                action=EventAction.NOTE,
                payload={"note": "已电话联系"},
            )
        )
        return case.id


def test_a_doctored_file_does_not_delete_a_case_staff_worked_on(session, empty, tmp_path):  # noqa: F811
    path, rows, numbers = _restored(session, empty, tmp_path)
    victim, into = numbers
    case_id = _work_on(empty, victim)
    _doctor(path, rows, victim, into)

    report = restore_cases(empty, path)

    assert report.kept == (victim,)
    with empty.session() as target:
        case = target.get(Case, case_id)
        assert case is not None
        assert case.number == victim
        assert not case.messages
        notes = [e.payload.get("note") for e in case.events if e.action == EventAction.NOTE]
        assert "已电话联系" in notes
        assert KEPT_NOTE in notes


def test_a_case_nobody_worked_on_is_still_deleted(session, empty, tmp_path):  # noqa: F811
    """The import's placeholders go as before: only history keeps a case."""
    path, rows, numbers = _restored(session, empty, tmp_path)
    victim, into = numbers
    with empty.session() as target:
        case_id = target.scalars(select(Case.id).where(Case.number == victim)).one()
    _doctor(path, rows, victim, into)

    assert restore_cases(empty, path).kept == ()
    with empty.session() as target:
        assert target.get(Case, case_id) is None


def test_the_command_names_the_kept_case_and_what_to_do(session, empty, tmp_path, monkeypatch):  # noqa: F811
    path, rows, numbers = _restored(session, empty, tmp_path)
    victim, into = numbers
    _work_on(empty, victim)
    _doctor(path, rows, victim, into)
    monkeypatch.setenv("MINYI_DATABASE_URL", empty.url)
    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        done = CliRunner().invoke(cli, ["restore", str(path)])
        as_json = CliRunner().invoke(cli, ["restore", str(path), "--json"])
    finally:
        get_settings.cache_clear()
    assert done.exit_code == 0, done.output
    assert f"1 case kept, not deleted: {victim}" in done.output
    assert json.loads(as_json.output)["kept"] == []  # the second run finds nothing more to move
    with empty.session() as target:
        event = target.scalars(select(AuditEvent).where(AuditEvent.action == "restore")).first()
        assert event is not None
        assert event.details["kept"] == [victim]
