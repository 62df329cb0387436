"""``minyi export --readable``: the reader's version for Excel (eleventh probe, left open).

The export is the file ``minyi restore`` reads: statuses, kinds and channels as codes and
ISO times under Chinese headers. The reader's version writes words and local times, in
the command line's language, masked as the export is, and restore refuses it.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import UTC, datetime

from openpyxl import load_workbook
from sqlalchemy import select
from tests.functional.test_export_cli import PHONE, env  # noqa: F401 - a fixture
from tests.unit.cli.test_i18n import clean_env

from minyi.audit.models import AuditEvent
from minyi.cases.models import Case
from minyi.cli.main import cli


def _rows(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_readable_csv_writes_words_and_local_times_and_is_not_restorable(env):  # noqa: F811
    runner, tmp, database = env
    with database.session() as session:
        case = session.scalar(select(Case).where(Case.title == "停水"))
        case.accepted_at = datetime(2026, 12, 7, 18, 12, 52, tzinfo=UTC)
        session.commit()
    out = tmp / "readable.csv"
    done = runner.invoke(cli, ["export", "--format", "csv", "--out", str(out), "--readable", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["readable"] is True
    rows = _rows(out)
    assert len(rows) == 2
    answered = next(row for row in rows if row["Case title"] == "停水")
    assert answered["Status"] == "Replied"
    assert answered["Accepted"] == "2026-12-08 02:12"  # the office's time (Asia/Shanghai), as pages
    assert answered["Urgent"] == "no"
    assert "T" not in answered["Opened"]
    assert "[{" not in answered["History"]  # lines of text, not JSON
    assert "Received" in answered["History"]
    assert PHONE not in out.read_text(encoding="utf-8-sig")  # masked as the export
    with database.session() as session:
        assert [event.action for event in session.scalars(select(AuditEvent))] == ["export_masked"]
    refused = runner.invoke(cli, ["restore", str(out)])
    assert refused.exit_code == 1
    assert "not a Minyi export" in refused.output
    said = runner.invoke(cli, ["export", "--format", "csv", "--out", str(tmp / "again.csv"), "--readable"])
    assert "minyi restore cannot read it" in said.output


def test_the_readable_xlsx_in_chinese(env, tmp_path):  # noqa: F811
    _runner, tmp, _database = env
    out = tmp / "readable.xlsx"
    done = subprocess.run(  # noqa: S603 - our own command, in Chinese (a process speaks one language)
        [sys.executable, "-m", "minyi", "export", "--format", "xlsx", "--out", str(out), "--readable"],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path, MINYI_CLI_LANG="zh", MINYI_DATA_DIR=str(tmp / "var")),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "供阅读的版本，不能用 minyi restore 恢复" in done.stdout
    sheet = load_workbook(out).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:3] == ["案件编号", "办理状态", "案件标题"]
    assert "案件状态" not in header  # not the export's layout: restore and import see no export
    statuses = {row[header.index("办理状态")] for row in rows[1:]}
    assert statuses <= {"已接收", "已受理", "已派单", "已签收", "办理中", "已答复", "回访中", "已办结"}
    assert "已答复" in statuses
    assert {row[header.index("紧急")] for row in rows[1:]} == {"否"}


def test_readable_is_for_csv_or_xlsx(env):  # noqa: F811
    runner, tmp, _database = env
    refused = runner.invoke(cli, ["export", "--format", "jsonl", "--out", str(tmp / "x.jsonl"), "--readable"])
    assert refused.exit_code == 2
    assert "--readable writes CSV or XLSX" in refused.output
    assert not (tmp / "x.jsonl").exists()
