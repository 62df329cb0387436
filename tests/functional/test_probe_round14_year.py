"""Fourteenth probe: a centre that has run for a year (docs/security-probes.md).

The retention run purges a year's closed cases in batches, each committed and audited, and a
run stopped midway is finished by the next; the public numbers stay what they were; a case
that arrived after midnight of 12-31 in Beijing counts in January of the new year.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from tests.conftest import TEST_SECRET
from tests.functional.conftest import login

from minyi.accountability.refresh import refresh
from minyi.audit import services as audit
from minyi.audit.models import AuditEvent
from minyi.cases import lifecycle
from minyi.cases.models import Case, CaseEvent
from minyi.cli.main import cli
from minyi.db.base import utcnow
from minyi.db.session import Database
from minyi.demo import factories
from minyi.flows.retention import purge_contacts
from minyi.intake.models import MessageContact
from minyi.settings import get_settings


def _closed_long_ago(session, department, n: int, days: int = 400) -> list[Case]:
    cases = []
    for index in range(n):
        case = factories.make_case(
            session,
            status="closed",
            department=department,
            title=f"路灯不亮{index}",
            contact={"name": "王建国", "phone": f"1390000{index:04d}"},
        )
        case.closed_at = utcnow() - timedelta(days=days)
        cases.append(case)
    session.flush()
    return cases


@pytest.fixture
def year_env(tmp_path, monkeypatch):
    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MINYI_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("MINYI_PROCESSING", "inline")
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    database = Database(get_settings().effective_database_url)
    with database.session() as session:
        department = factories.make_department(session)
        _closed_long_ago(session, department, 5)
        recent = factories.make_case(
            session, status="closed", department=department, contact={"phone": "13800000000"}
        )
        recent.closed_at = utcnow() - timedelta(days=10)
        session.commit()
    yield runner, database
    database.engine.dispose()
    get_settings.cache_clear()


def _count(database: Database, what) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(what)) or 0


def test_retention_runs_in_batches_each_committed_and_in_the_audit_trail(year_env):
    runner, database = year_env
    dry = runner.invoke(cli, ["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would delete contact details of 5 messages in 5 cases" in dry.output
    assert _count(database, MessageContact) == 6

    done = runner.invoke(cli, ["retention", "run", "--batch", "2"])
    assert done.exit_code == 0, done.output
    assert "deleted contact details of 5 messages in 5 cases closed over 365 days ago" in done.output
    assert _count(database, MessageContact) == 1  # the case closed ten days ago keeps its contact
    with database.session() as session:
        batches = list(session.scalars(select(AuditEvent).where(AuditEvent.action == audit.RETENTION_RUN)))
    assert sorted(event.details["cases"] for event in batches) == [1, 2, 2]  # one event a transaction
    assert {event.actor for event in batches} == {audit.COMMAND_LINE}
    assert all("139" not in str(event.details) for event in batches)  # counts only, no numbers

    again = runner.invoke(cli, ["retention", "run", "--batch", "2"])
    assert again.exit_code == 0, again.output
    assert "deleted contact details of 0 messages in 0 cases" in again.output


def test_a_retention_run_stopped_midway_is_finished_by_the_next(year_env):
    runner, database = year_env
    with database.transaction() as session:  # the first batch of a run then killed (kill -9)
        first = purge_contacts(session, 365, limit=2)
    assert (first.contacts, first.cases) == (2, 2)
    assert _count(database, MessageContact) == 4

    rest = runner.invoke(cli, ["retention", "run", "--batch", "2"])
    assert rest.exit_code == 0, rest.output
    assert "deleted contact details of 3 messages in 3 cases" in rest.output
    with database.session() as session:
        purged = session.scalars(select(CaseEvent.case_id).where(CaseEvent.action == "contact_purged")).all()
    assert len(purged) == len(set(purged)) == 5  # each case purged once, none twice, none left


def test_a_bad_batch_size_is_named(year_env):
    runner, _database = year_env
    refused = runner.invoke(cli, ["retention", "run", "--batch", "0"])
    assert refused.exit_code == 2
    assert "--batch" in refused.output
    assert "Traceback" not in refused.output


def test_purging_a_years_contacts_leaves_the_public_numbers_as_they_were(client, session):
    department = factories.make_department(session, name="城管局")
    cases = _closed_long_ago(session, department, 3, days=200)
    factories.make_case(session, status="closed", department=department, contact={"phone": "13811112222"})
    session.commit()
    refresh(session, full=True)
    session.commit()
    start = f"{min(c.created_at for c in cases).astimezone(UTC):%Y-%m}"
    url = f"/api/v1/public/scorecard?start={start}"
    before = client.get(url).json()
    opendata = client.get("/public/data/scorecard.csv?by=department").content

    while purge_contacts(session, 180, limit=2).cases:
        session.commit()
    refresh(session, full=True)
    session.commit()
    after = client.get(url).json()
    before.pop("refreshed_at", None)
    after.pop("refreshed_at", None)
    assert after == before
    assert client.get("/public/data/scorecard.csv?by=department").content == opendata


@pytest.mark.parametrize(
    ("arrived", "month"),
    [
        (datetime(2026, 12, 31, 15, 59, tzinfo=UTC), "2026-12"),  # 23:59 on 12-31 in Beijing
        (datetime(2026, 12, 31, 16, 1, tzinfo=UTC), "2027-01"),  # 00:01 on 01-01 in Beijing
    ],
)
def test_the_year_turns_at_midnight_in_beijing_not_in_utc(client, session, arrived, month):
    department = factories.make_department(session, name="水务局")
    case = factories.make_case(session, status="closed", department=department, received_at=arrived)
    case.created_at = arrived
    case.closed_at = arrived + timedelta(days=2)
    session.commit()
    refresh(session, full=True, now=datetime(2027, 1, 5, tzinfo=UTC))
    session.commit()
    body = client.get("/api/v1/public/scorecard?start=2026-12&end=2027-01").json()
    assert {row["key"]: row["counts"]["cases"] for row in body["trend"] if row["counts"].get("cases")} == {
        month: 1
    }


def test_an_annual_briefing_covers_the_year_in_beijing_time_and_compares_it_with_the_last(year_env, tmp_path):
    runner, database = year_env
    tz = ZoneInfo("Asia/Shanghai")
    with database.session() as session:
        water = factories.make_department(session, code="WATER", name="水务局")
        moments = ("2025-06-10T09:00", "2026-03-04T09:00", "2026-11-30T23:30", "2026-12-01T00:10")
        for n, moment in enumerate(moments):
            case = factories.make_case(
                session, status="replied", department=water, key=f"y{n}", title=f"停水{n}"
            )
            case.messages[0].submitted_at = datetime.fromisoformat(moment).replace(tzinfo=tz)
            case.replied_at = case.messages[0].submitted_at + timedelta(days=2)
        session.commit()
    out = tmp_path / "2026.html"  # the year so far: a briefing ends by today (2026-12-08 as written)
    args = ["report", "--period", "year", "--end", "2026-11-30", "--format", "html", "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "2 cases" in result.output  # 03-04 and 23:30 on 11-30 in Beijing; not 00:10 on 12-01
    page = out.read_text(encoding="utf-8")
    assert "民意年报" in page
    assert "2026-01-01" in page
    assert "2025-01-01" in page  # compared with the year before (同比)
    assert "每月受理量" in page
    assert "11月" in page
    wrong = runner.invoke(cli, ["report", "--period", "decade", "--format", "html", "--out", str(out)])
    assert wrong.exit_code == 2
    assert "--period" in wrong.output


def test_a_case_page_with_a_loaded_history_whose_first_event_has_no_status_is_no_500(client, session, world):
    case = factories.make_case(session, status="closed", category=world.road_category, title="路灯")
    for week in range(40):  # a case worked on every week of a year: its page lists every step
        session.add(
            CaseEvent(case_id=case.id, actor="system", action="note", payload={"note": f"第{week}周"})
        )
    loaded = CaseEvent(
        case_id=case.id, actor="system", action="received", from_status=None, to_status="received"
    )
    session.add(loaded)
    session.commit()
    login(client, "boss")
    page = client.get(f"/staff/cases/{case.id}")
    assert page.status_code == 200
    assert "第39周" in page.text
    assert f"— → {lifecycle.label('received')}" in page.text


def test_open_data_of_a_year_and_of_the_next(client):
    for year in ("2026", "2027"):
        answer = client.get(f"/public/data/scorecard.csv?by=department&start={year}-01&end={year}-12")
        assert answer.status_code == 200, answer.text
    bad = client.get(
        "/public/data/scorecard.csv?by=department&start=2027-13", headers={"Accept-Language": "zh-CN"}
    )
    assert bad.status_code == 422
    assert "start" in bad.text or "起始" in bad.text
