"""The scorecard against hand-computed figures (tests/dashboarddata.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from tests import dashboarddata
from tests.dashboarddata import JUNE, MAY, MAY_FIGURES

from minyi.accountability import opendata, refresh, scorecard
from minyi.accountability.models import ScorecardCell
from minyi.accountability.scorecard import Filter, parse_filter
from minyi.cases.models import EventAction
from minyi.cases.services import record
from minyi.core.errors import InvalidInput
from minyi.db.base import utcnow


@pytest.fixture
def seeded(session):
    made = dashboarddata.seed(session)
    report = refresh.refresh(session, full=True)
    assert report.full
    return made


def test_may_totals_match_the_hand_computed_counts_and_figures(session, seeded):
    total = scorecard.totals(session, Filter("2019-05", "2019-05"))
    assert {name: total.counts[name] for name in MAY} == MAY
    for key, expected in MAY_FIGURES.items():
        assert total.value(key) == pytest.approx(expected), key


def test_a_case_belongs_to_the_local_month_of_its_first_message(session, seeded):
    june = scorecard.totals(session, Filter("2019-06", "2019-06"))
    assert {name: june.counts[name] for name in JUNE} == JUNE
    assert [row.key for row in scorecard.trend(session, Filter())] == ["2019-05", "2019-06"]


def test_rows_per_department_region_and_category(session, seeded):
    may = Filter("2019-05", "2019-05")
    by_department = {row.label_zh: row for row in scorecard.grouped(session, may, "department")}
    assert by_department["道路局"].volume == 3  # c1, c2, c7
    assert by_department["道路局"].value("on_time_rate") == pytest.approx(2 / 3)
    assert by_department["学校局"].volume == 2
    assert by_department["学校局"].value("sign_rate") == pytest.approx(0.5)
    by_region = {row.key: row.volume for row in scorecard.grouped(session, may, "region")}
    assert by_region == {"R1区": 3, "R2区": 2}
    by_category = {row.label_zh: row.volume for row in scorecard.grouped(session, may, "category")}
    assert by_category == {"道路交通": 3, "教育事务": 2}  # the top-level categories
    both = parse_filter("2019-05", "2019-06", department=seeded.schools.id)
    assert scorecard.totals(session, both).volume == 2
    unknown = parse_filter("2019-01", "2019-12", department="-")
    assert scorecard.totals(session, unknown).volume == 1  # c5 waits for a dispatcher


def test_rankings_only_above_the_minimum_volume(session, seeded, monkeypatch):
    may = Filter("2019-05", "2019-05")
    ranked = scorecard.ranking(session, may, "department", "on_time_rate", min_volume=3)
    assert [(item.row.label_zh, item.rank, item.enough) for item in ranked] == [
        ("道路局", 1, True),
        ("学校局", None, False),  # 2 cases: 样本不足
    ]
    from minyi.accountability import definitions

    monkeypatch.setattr(definitions, "MIN_OPINIONS", 1)  # 2 and 3 answered cases: the ranking's mechanics
    everyone = scorecard.ranking(session, may, "department", "reopen_rate", min_volume=1)
    assert [(item.row.label_zh, item.rank) for item in everyone] == [
        ("学校局", 1),
        ("道路局", 2),
    ]  # lower first
    with pytest.raises(InvalidInput):
        scorecard.ranking(session, may, "department", "volume", min_volume=1)


def test_roll_ups_sum_to_the_full_table(session, seeded):
    levels = dict(
        session.execute(
            select(ScorecardCell.level, func.sum(ScorecardCell.cases)).group_by(ScorecardCell.level)
        ).all()
    )
    assert set(levels) == set(range(8))
    assert {int(value) for value in levels.values()} == {6}


def test_incremental_refresh_rewrites_only_the_touched_months(session, seeded):
    none = refresh.refresh(session, margin=timedelta(0))
    # c3 still waits to be signed for, June's c5 to be accepted: their months are looked at again
    assert none.months == ["2019-05", "2019-06"]
    record(session, seeded.c5, EventAction.NOTE, payload={})
    session.flush()
    again = refresh.refresh(session, margin=timedelta(0))
    assert again.months == ["2019-05", "2019-06"]
    assert scorecard.totals(session, Filter("2019-05", "2019-06")).volume == 6


def test_a_case_never_accepted_is_looked_at_again_as_its_implied_deadline_may_pass(session, seeded):
    from datetime import UTC, datetime

    from minyi.demo import factories

    waiting = factories.make_case(
        session, status="received", submitted_at=datetime(2019, 7, 3, 2, tzinfo=UTC)
    )
    assert waiting.due_at is None
    refresh.refresh(session, full=True)
    again = refresh.refresh(session, margin=timedelta(0))  # no event since: only the rules' deadline passes
    assert "2019-07" in again.months


def test_open_data_rows_carry_counts_and_figures(session, seeded):
    table = opendata.build(session, Filter("2019-05", "2019-05"), ("department",), "CC BY 4.0")
    rows = opendata.read_csv_rows(opendata.to_csv(table))
    roads = next(row for row in rows if row["department"] == "道路局")
    assert roads["cases"] == "3"
    assert float(roads["on_time_rate"]) == pytest.approx(0.6667)
    assert opendata.to_csv(table).decode("utf-8-sig").startswith("# Minyi")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"start": "2019-13"}, "start"),
        ({"start": "May"}, "start"),
        ({"end": "2019-1"}, "end"),
        ({"start": "2019-06", "end": "2019-05"}, "end"),
        ({"department": "x" * 40}, "department"),
        ({"category": "a b"}, "category"),
        ({"region": "r" * 201}, "region"),
    ],
)
def test_bad_filters_name_their_field(values, field):
    with pytest.raises(InvalidInput) as caught:
        parse_filter(**values)
    assert caught.value.field == field


def test_nothing_refreshed_yet_reads_as_empty(session):
    assert scorecard.data_months(session) is None
    assert scorecard.totals(session, Filter()).volume == 0
    assert scorecard.trend(session, Filter()) == []
    assert utcnow()  # the session is usable after the empty reads


def test_counts_between_any_two_times_follow_the_same_definitions(session, seeded):
    may = refresh.counts_between(session, dashboarddata.local(1, 0), dashboarddata.local(1, 0, month=6))
    assert sum(counts["cases"] for counts in may.values()) == MAY["cases"]
    roads = may[seeded.roads.id]
    assert (roads["cases"], roads["answered"], roads["completed_on_time"]) == (3, 3, 2)
    week = refresh.counts_between(session, dashboarddata.local(20, 0), dashboarddata.local(27, 0))
    assert {key: counts["cases"] for key, counts in week.items()} == {seeded.schools.id: 2}  # c3, c4


def test_summary_is_totals_and_every_grouping_in_one_query(session, seeded):
    flt = Filter("2019-05", "2019-06")
    total, groups = scorecard.summary(session, flt)
    assert total == scorecard.totals(session, flt)
    for by in scorecard.DIMENSIONS:
        assert groups[by] == scorecard.grouped(session, flt, by), by
    empty_total, empty = scorecard.summary(session, Filter("2030-01", "2030-12"))
    assert empty_total.volume == 0
    assert all(rows == [] for rows in empty.values())


def test_opinions_over_enough_answers(session, seeded, monkeypatch):
    """With the floor lowered to the month's 2 and 3 answers, the hand-computed rates show."""
    from minyi.accountability import definitions

    monkeypatch.setattr(definitions, "MIN_OPINIONS", 2)
    total = scorecard.totals(session, Filter("2019-05", "2019-05"))
    assert total.value("resolution_rate") == pytest.approx(0.5)
    assert total.value("satisfaction_rate") == pytest.approx(2 / 3)
    assert total.value("reopen_rate") == pytest.approx(0.25)
    monkeypatch.setattr(definitions, "MIN_OPINIONS", 3)
    assert total.value("resolution_rate") is None  # 2 answers: one of them could be told apart
    assert total.value("satisfaction_rate") == pytest.approx(2 / 3)


def test_open_data_rows_leave_out_a_few_citizens_answers(session, seeded):
    table = opendata.build(
        session, Filter("2019-05", "2019-05"), ("department", "region", "category"), "CC BY 4.0"
    )
    rows = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
    assert sum(row["cases"] for row in rows) == MAY["cases"]  # the cases all stay
    assert all(row["rated"] in (None, 0) for row in rows)  # 3 answers over several rows: none shown
    assert all(row["satisfaction_rate"] is None for row in rows)
