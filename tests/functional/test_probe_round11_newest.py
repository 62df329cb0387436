"""The newest features as an attacker sees them (docs/security-probes.md, eleventh probe)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from tests.conftest import TEST_SECRET
from tests.functional.test_export_roundtrip import KEY, _export, _source, empty  # noqa: F401 - a fixture

from minyi.cases.models import Case
from minyi.cli.main import cli
from minyi.flows.export import ExportFormat
from minyi.flows.imports import import_messages
from minyi.flows.restore import restore_cases
from minyi.interop.tabular import ImportFileError
from minyi.settings import get_settings


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MINYI_SECRET_KEY", TEST_SECRET)
    monkeypatch.delenv("MINYI_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgresql://minyi:S3cret-pw@127.0.0.1:abc/minyi", "cannot be read as a URL"),
        ("postgresql://minyi:S3cret-pw@[::1/minyi", "cannot be read as a URL"),
        ("postgresql+foo://minyi:S3cret-pw@127.0.0.1/minyi", "'postgresql+foo'"),
        ("postgresql+psycopg2://minyi:S3cret-pw@127.0.0.1/minyi", "'postgresql+psycopg2'"),
        ("sqlitex:///minyi.db", "'sqlitex'"),
    ],
)
def test_a_database_url_the_engine_cannot_open_is_one_line_without_its_password(env, url, said):
    """A mistyped port or driver: 60 lines of SQLAlchemy's traceback for every command."""
    env.setenv("MINYI_DATABASE_URL", url)
    get_settings.cache_clear()
    for command in (["db", "check"], ["serve", "--port", "8313"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert result.output.startswith("Error: invalid settings: MINYI_DATABASE_URL")
        assert said in result.output
        assert "S3cret-pw" not in result.output


def _edit_export(path, column: str, value: str, row: int = 1, number: str = "") -> None:
    """Write ``value`` into ``column`` of the export's data row ``row`` (1: the first), or of case ``number``'s."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    for index in [i for i, cells in enumerate(rows) if i and cells[0] == number] or [row]:
        rows[index][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("答复期限", "9999-12-31T23:59:59-14:00"),  # overflows once in UTC
        ("立案时间", "0001-01-01T00:00:00+14:00"),
        ("受理时间", "2026-13-45T00:00:00+08:00"),
        ("答复记录", '[{"at": "9999-12-31T23:59:59-14:00", "body": "已办理"}]'),
    ],
)
def test_a_restore_file_with_a_time_out_of_range_is_refused_before_anything_is_written(
    session,
    empty,  # noqa: F811 - the round trip's fixture
    tmp_path,
    column,
    value,
):
    """A crafted or spreadsheet-mangled export: a traceback after the batches before were committed."""
    _source(session)
    session.commit()
    path = tmp_path / "export.csv"
    path.write_bytes(_export(session, ExportFormat.CSV))
    import_messages(empty, path, key=KEY, settings=None)
    _edit_export(path, column, value, row=3)
    with empty.session() as target:
        before = {case.id: (case.status, case.number) for case in target.scalars(select(Case))}

    with pytest.raises(ImportFileError, match=f"export.csv, row 4, {column}: .* is not a time between"):
        restore_cases(empty, path, batch_size=1)
    with empty.session() as target:
        assert {case.id: (case.status, case.number) for case in target.scalars(select(Case))} == before


def test_a_restore_file_time_without_its_zone_is_the_offices(session, empty, tmp_path):  # noqa: F811
    """A spreadsheet's own date format (no +08:00): the database refused it in the middle of the run."""
    numbers = _source(session)
    session.commit()
    path = tmp_path / "export.csv"
    path.write_bytes(_export(session, ExportFormat.CSV))
    import_messages(empty, path, key=KEY, settings=None)
    _edit_export(path, "受理时间", "2025-03-04 17:30:00", number=numbers[0])

    assert restore_cases(empty, path).cases == 3
    with empty.session() as target:
        case = target.scalar(select(Case).where(Case.number == numbers[0]))
        assert case.accepted_at == datetime(2025, 3, 4, 17, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_refused_restore_time_is_said_in_chinese():
    from minyi.web.domain_texts import domain_text

    said = domain_text(
        "a.csv, row 4, 答复期限: 9999-12-31T23:59:59-14:00 is not a time between 1900 and 2999", "zh"
    )
    assert said.startswith("a.csv 第 4 行“答复期限”：9999-12-31T23:59:59-14:00 不是 1900–2999 年之间的时间")
    assert "未恢复任何案件" in said


def _listed(page: str) -> str:
    """The key of the recount list a page showed (the shift form's hidden field)."""
    import re

    found = re.search(r'name="listed" value="([0-9a-f]+)"', page)
    assert found, "the page lists no recount"
    return found.group(1)


def test_the_recount_moves_only_the_list_the_administrator_confirmed(client, session, world):
    """Another admin's schedule entered between the page and the click moved cases nobody checked."""
    from tests.functional.conftest import csrf_of, login

    from minyi.cases import holiday_store
    from minyi.cases.models import CaseEvent, EventAction
    from minyi.demo import factories

    shanghai = ZoneInfo("Asia/Shanghai")
    first = factories.make_case(session, status="dispatched", department=world.roads)
    first.due_at = datetime(2027, 2, 9, 17, 30, tzinfo=shanghai)
    other = factories.make_case(session, status="dispatched", department=world.roads)
    other.due_at = datetime(2027, 3, 10, 17, 30, tzinfo=shanghai)
    session.commit()
    holiday_store.forget_cached()
    try:
        login(client, "boss")
        token = csrf_of(client.get("/staff/admin").text)
        client.post(
            "/staff/admin/holidays",
            data={"csrf_token": token, "year": "2027", "schedule": "2027-02-06~2027-02-13,放假"},
        )
        seen = client.get("/staff/admin").text
        assert first.number in seen
        assert other.number not in seen
        # meanwhile, in another tab: March entered by mistake
        holiday_store.replace_year(
            session,
            2027,
            holiday_store.parse_schedule("2027-02-06~2027-02-13,放假\n2027-03-01~2027-03-31,放假", 2027),
        )
        session.commit()

        for listed in (_listed(seen), ""):  # the list seen, and none (a hand-made POST)
            refused = client.post("/staff/admin/holidays/shift", data={"csrf_token": token, "listed": listed})
            assert refused.status_code == 409
            assert "需重新计算的答复期限已有变化" in refused.text
            assert other.number in refused.text  # the list as it is now, to check again
        session.expire_all()
        assert session.scalar(select(CaseEvent).where(CaseEvent.action == EventAction.DEADLINE_MOVED)) is None

        moved = client.post(
            "/staff/admin/holidays/shift", data={"csrf_token": token, "listed": _listed(refused.text)}
        )
        assert moved.status_code == 200
        assert "已按节假日安排重新计算 2 件案件的期限" in moved.text
    finally:
        holiday_store.forget_cached()  # the entries roll back with the test; the cache must not keep them


def test_who_entered_the_holidays_and_recounted_the_deadlines_is_in_the_audit_trail(client, session, world):
    """A month of days off moves overdue cases out of "overdue": nothing said who entered it."""
    from tests.functional.conftest import csrf_of, login

    from minyi.audit.models import AuditEvent
    from minyi.cases import holiday_store
    from minyi.demo import factories

    case = factories.make_case(session, status="dispatched", department=world.roads)
    case.due_at = datetime(2027, 2, 9, 17, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    session.commit()
    holiday_store.forget_cached()
    try:
        login(client, "boss")
        token = csrf_of(client.get("/staff/admin").text)
        schedule = "2027-02-06~2027-02-13,放假\n2027-02-14,上班"
        client.post("/staff/admin/holidays", data={"csrf_token": token, "year": "2027", "schedule": schedule})
        page = client.get("/staff/admin").text
        client.post("/staff/admin/holidays/shift", data={"csrf_token": token, "listed": _listed(page)})

        session.expire_all()
        events = {event.action: event for event in session.scalars(select(AuditEvent))}
        entered = events["holidays_changed"]
        assert (entered.actor, entered.subject) == ("boss", "2027")
        assert entered.details["days"] == 9
        assert entered.details["off"] == 8
        assert entered.details["first_changed"] == "2027-02-06"
        recounted = events["deadlines_recounted"]
        assert recounted.actor == "boss"
        assert recounted.details == {"moved": 1, "were_overdue": 0}
        trail = client.get("/staff/admin/audit").text
        assert "修改节假日安排" in trail
        assert "按节假日安排重新计算期限" in trail
    finally:
        holiday_store.forget_cached()


def test_a_restore_file_with_case_numbers_longer_than_a_case_number_is_refused(session, empty, tmp_path):  # noqa: F811
    """Two numbers alike in their first 30 characters broke the unique index (PostgreSQL: a traceback)."""
    _source(session)
    session.commit()
    path = tmp_path / "export.csv"
    path.write_bytes(_export(session, ExportFormat.CSV))
    import_messages(empty, path, key=KEY, settings=None)
    _edit_export(path, "案件编号", "L" * 30 + "A", row=1)
    _edit_export(path, "案件编号", "L" * 30 + "B", row=3)
    with empty.session() as target:
        before = {case.id: (case.status, case.number) for case in target.scalars(select(Case))}

    with pytest.raises(
        ImportFileError, match=r"export.csv, row 2, 案件编号: L{30}A has more than 30 characters"
    ):
        restore_cases(empty, path)
    with empty.session() as target:
        assert {case.id: (case.status, case.number) for case in target.scalars(select(Case))} == before


def test_a_suggestion_merged_into_another_is_one_adopted_suggestion_on_the_dashboard(client, session, world):
    """并案 counts a case in the case that absorbed it: two decided copies were two adopted suggestions."""
    from tests.functional.conftest import bearer

    from minyi.cases import kinds

    road, dispatcher = bearer(session, world.road_staff), bearer(session, world.dispatcher)
    urls, numbers = [], []
    for text in (
        {"title": "建议在人民路增设公交站", "body": "人民路一带居民多，建议增设公交站点，方便出行。"},
        {"title": "建议开通夜班公交", "body": "高新区加班的人多，建议开通到火车站的夜班公交线路。"},
    ):
        created = client.post("/api/v1/messages", json=text).json()
        session.get(Case, created["case_id"]).appeal_kind = "suggestion"
        session.commit()
        url = f"/api/v1/cases/{created['case_id']}"
        assert (
            client.post(f"{url}/dispatch", json={"department": "JTJ"}, headers=dispatcher).status_code == 200
        )
        decided = client.post(
            f"{url}/adoption", json={"decision": "adopted", "reason": "纳入明年方案"}, headers=road
        )
        assert decided.status_code == 200
        urls.append(url)
        numbers.append(decided.json()["number"])
    session.expire_all()
    assert kinds.adoption_counts(session)["adopted"] == 2

    merged = client.post(f"{urls[0]}/merge", json={"other": numbers[1]}, headers=dispatcher)
    assert merged.status_code == 200
    session.expire_all()
    assert kinds.adoption_counts(session) == {"adopted": 1, "partly_adopted": 0, "not_adopted": 0}


@pytest.mark.parametrize(
    ("asked", "expected"),
    [("", "Usage: minyi [OPTIONS] COMMAND [ARGS]..."), ("zh", "??: minyi [??] ?? [??]...")],
)
def test_a_terminal_that_cannot_write_chinese_gets_english_or_question_marks_not_a_traceback(asked, expected):
    """LANG=de_DE.ISO-8859-1: Chinese by default, and every command died with UnicodeEncodeError."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINYI_", "LC_"))}
    env |= {"LANG": "de_DE.ISO-8859-1", "PYTHONIOENCODING": "latin-1", "MINYI_CLI_LANG": asked}
    done = subprocess.run(
        [sys.executable, "-m", "minyi", "--help"], env=env, capture_output=True, timeout=60, check=False
    )
    said = done.stdout.decode("latin-1") + done.stderr.decode("latin-1")
    assert done.returncode == 0, said
    assert "Traceback" not in said
    assert said.startswith(expected)


def test_writes_chinese_reads_the_streams_encoding():
    import io

    from minyi.cli.i18n import writes_chinese

    assert writes_chinese(io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    assert writes_chinese(io.TextIOWrapper(io.BytesIO(), encoding="gb18030"))
    assert not writes_chinese(io.TextIOWrapper(io.BytesIO(), encoding="latin-1"))
    assert writes_chinese(object())  # no encoding said: as click's test runner


def test_a_restore_file_with_replies_nested_past_the_decoder_restores_without_them(session, empty, tmp_path):  # noqa: F811
    """答复记录 of 100,000 ``[``: a RecursionError's traceback."""
    _source(session)
    session.commit()
    path = tmp_path / "export.csv"
    path.write_bytes(_export(session, ExportFormat.CSV))
    import_messages(empty, path, key=KEY, settings=None)
    _edit_export(path, "答复记录", "[" * 100_000, row=1)

    assert restore_cases(empty, path).cases == 3


def test_a_holidays_file_nested_past_the_json_decoder_is_one_line(env, tmp_path):
    """MINYI_HOLIDAYS_FILE of 100,000 ``[``: a RecursionError's traceback at every start-up."""
    nested = tmp_path / "holidays.json"
    nested.write_text("[" * 100_000, encoding="utf-8")
    env.setenv("MINYI_HOLIDAYS_FILE", str(nested))
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["serve", "--port", "8313"])  # read before serving
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "MINYI_HOLIDAYS_FILE" in result.output
    assert "JSON nested too deeply" in result.output


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("nats://natsuser:S3cret-pw@10.0.0.5:4222", "nats://natsuser:***@10.0.0.5:4222"),
        ("tls://S3cret-pw@nats.example.cn:4222", "tls://***@nats.example.cn:4222"),
        ("nats://127.0.0.1:4222", "nats://127.0.0.1:4222"),
        ("nats://a:S3cret-pw@h1:4222, nats://h2:4222", "nats://a:***@h1:4222,nats://h2:4222"),
        ("nats://a:S3cret-pw@[::1:4222", "nats://***"),
    ],
)
def test_a_nats_url_is_logged_and_printed_without_its_password(url, shown, caplog):
    """The worker's start line, its error and the server's outage lines wrote the password."""
    import logging

    from minyi.core.logs import shown_url
    from minyi.flows.nats_outage import NatsOutage

    assert shown_url(url) == shown
    with caplog.at_level(logging.WARNING, logger="minyi.flows.jetstream"):
        outage = NatsOutage(url)
        outage.failed(ConnectionRefusedError("connection refused"))
        outage.reached()
    assert caplog.records
    assert all("S3cret-pw" not in record.getMessage() for record in caplog.records)


def test_several_nats_servers_are_given_to_the_client_as_a_list():
    """The setting takes several, separated by commas; the client was given the text whole (a traceback)."""
    from minyi.flows.jetstream import servers

    assert servers("nats://h1:4222, nats://h2:4222,") == ["nats://h1:4222", "nats://h2:4222"]
    assert servers("nats://127.0.0.1:4222") == ["nats://127.0.0.1:4222"]
