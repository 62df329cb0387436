"""A merged case has one date on every public surface: the scorecard's month, cases.csv, Open311.

docs/security-probes.md, twelfth probe, left open: ``cases.csv`` dated a merged case by its
first public message (November), the scorecard by its first message (an older one merged in,
June).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from minyi.accountability import refresh, scorecard
from minyi.accountability.scorecard import Filter
from minyi.cases import workflow
from minyi.demo import factories

BEIJING = ZoneInfo("Asia/Shanghai")


def _month_cases(session, month: str) -> int:
    refresh.refresh(session, full=True)
    session.flush()
    total, _ = scorecard.summary(session, Filter(start=month, end=month))
    return int(dict(total.counts)["cases"])


def test_cases_csv_open311_and_the_scorecard_date_a_merged_case_alike(client, session, world):
    june = datetime(2026, 6, 1, 9, 30, tzinfo=BEIJING)
    november = datetime(2026, 11, 2, 10, 0, tzinfo=BEIJING)
    kept = factories.make_case(
        session,
        status="replied",
        category=world.road_category,
        is_public=True,
        key="kept",
        submitted_at=november.isoformat(),
    )
    older = factories.make_case(
        session, category=world.road_category, key="older", submitted_at=june.isoformat(), is_public=False
    )
    workflow.merge_cases(session, world.dispatcher, kept, older)
    session.commit()
    assert _month_cases(session, "2026-06") == 1
    assert _month_cases(session, "2026-11") == 0
    session.commit()

    text = client.get("/public/data/cases.csv").content.decode("utf-8-sig")
    rows = {row["number"]: row for row in csv.DictReader(io.StringIO(text.split("\n", 1)[1]))}
    assert rows[kept.number]["received_at"] == "2026-06-01T09:00:00+08:00"
    assert older.number not in rows
    record = client.get(f"/open311/v2/requests/{kept.number}.json").json()[0]
    assert record["requested_datetime"] == "2026-06-01T09:00:00+08:00"
