"""The briefing's data: figures checked against values counted by hand on a small history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tests import dashboarddata
from tests.dashboarddata import MAY, MAY_FIGURES

from minyi.accountability.briefing import assemble, period_of
from minyi.accountability.briefing_charts import column_chart, hbar_chart, range_chart
from minyi.cases.models import CaseEvent, CaseRating, EventAction, Satisfaction
from minyi.core.errors import InvalidInput
from minyi.db.base import utcnow
from minyi.demo import factories

TZ = ZoneInfo("Asia/Shanghai")
PHONE = "13812345678"


def local(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=TZ)


def _case(session, n, department, opened, *, replied=None, due=None, closed=None, title=None):
    case = factories.make_case(
        session, status="replied", department=department, key=f"brief-{n}", title=title or f"路灯不亮{n}号"
    )
    for message in case.messages:
        message.submitted_at = opened
    case.replied_at, case.due_at, case.closed_at = replied, due, closed
    session.flush()
    return case


def _rate(session, case, satisfaction, at):
    session.add(CaseRating(case_id=case.id, satisfaction=satisfaction, created_at=at))


@pytest.fixture
def history(session):
    """March 2019 in Asia/Shanghai, counted by hand in the test below."""
    water = factories.make_department(session, code="WATER", name="水务局")
    roads = factories.make_department(session, code="ROADS", name="交通局")
    on_time = _case(
        session, 1, water, local("2019-03-05"), replied=local("2019-03-06"), due=local("2019-03-10")
    )
    late = _case(
        session, 2, water, local("2019-03-05", "11:00"), replied=local("2019-03-20"), due=local("2019-03-15"),
        closed=local("2019-03-21"),
    )  # fmt: skip
    overdue = _case(session, 3, water, local("2019-03-12"), due=local("2019-03-25"), title=f"请回电{PHONE}")
    february = _case(session, 4, roads, local("2019-02-28", "23:30"), replied=local("2019-03-02"))
    _case(session, 5, roads, local("2019-03-31", "23:59"))  # local March, UTC March 31 15:59
    _case(session, 6, roads, local("2019-04-01", "00:10"))  # local April, UTC still March 31
    _rate(session, on_time, Satisfaction.SATISFIED, local("2019-03-21"))
    _rate(session, late, Satisfaction.UNSATISFIED, local("2019-03-22"))
    _rate(session, february, Satisfaction.BASICALLY, local("2019-03-10"))
    _rate(session, february, Satisfaction.NOT_REACHED, local("2019-03-11"))
    session.add(
        CaseEvent(case_id=late.id, actor="test", action=EventAction.REOPENED, created_at=local("2019-03-23"))
    )
    late.reopened_count = 1
    session.flush()
    return {"overdue": overdue, "late": late}


def test_figures_are_the_scorecards_on_its_hand_computed_month(session):
    """tests/dashboarddata.py: May 2019 counted by hand for the public scorecard."""
    seeded = dashboarddata.seed(session)
    briefing = assemble(session, "month", date(2019, 5, 31), TZ, now=utcnow())
    assert {name: briefing.figures.counts[name] for name in MAY} == MAY
    for key, expected in MAY_FIGURES.items():
        assert briefing.figures.value(key) == pytest.approx(expected), key
    rows = {row.key: row for row in briefing.scorecard}
    assert rows[seeded.roads.id].volume == 3  # c1, c2, c7
    assert rows[seeded.roads.id].value("on_time_rate") == pytest.approx(2 / 3)
    assert rows[seeded.schools.id].value("sign_rate") == pytest.approx(0.5)
    assert [c[:1] + c[2:] for c in briefing.categories] == [("道路交通", 3), ("教育事务", 2)]
    june = assemble(session, "month", date(2019, 6, 30), TZ, now=utcnow())
    assert june.figures.volume == 1  # c5 arrived on June 1 in Beijing (still May 31 in UTC)
    assert june.previous.volume == 5
    assert june.volume_change == pytest.approx(-0.8)


def test_volume_and_case_lists(session, history):
    briefing = assemble(session, "month", date(2019, 3, 31), TZ, now=utcnow())
    assert briefing.figures.volume == 4  # cases 1, 2, 3 and 5; 4 is February's, 6 April's
    assert briefing.previous.volume == 1
    assert briefing.volume_change == pytest.approx(3.0)
    assert [(row.label_zh, row.volume) for row in briefing.scorecard] == [("水务局", 3), ("交通局", 1)]
    volume = dict(briefing.volume)
    assert len(volume) == 31
    assert (volume["3/5"], volume["3/12"], volume["3/31"]) == (2, 1, 1)
    assert sum(volume.values()) == briefing.figures.volume
    assert briefing.overdue_total == 1
    [overdue] = briefing.overdue
    assert overdue.number == history["overdue"].number
    assert overdue.department == "水务局"
    assert PHONE not in overdue.title
    assert [c.number for c in briefing.reopened] == [history["late"].number]


def test_a_day_and_a_week(session, history):
    day = assemble(session, "day", date(2019, 3, 5), TZ, now=utcnow())
    assert day.figures.volume == 2
    assert dict(day.volume)["10"] == 1
    assert dict(day.volume)["11"] == 1
    week = assemble(session, "week", date(2019, 3, 6), TZ, now=utcnow())
    assert (week.period.first, week.period.last) == (date(2019, 2, 28), date(2019, 3, 6))
    assert week.figures.volume == 3  # cases 4, 1 and 2


def test_period_bounds_are_local_days():
    month = period_of("month", date(2019, 3, 31), TZ)
    assert month.start == local("2019-03-01", "00:00")
    assert month.end - month.start == timedelta(days=31)
    assert month.key == "month:2019-03-01..2019-03-31"
    assert month.previous(TZ).first == date(2019, 2, 1)
    assert period_of("week", date(2019, 3, 10), TZ).previous(TZ).last == date(2019, 3, 3)
    with pytest.raises(InvalidInput, match="period"):
        period_of("decade", date(2019, 3, 31), TZ)  # a year is a period since the fourteenth probe


def test_an_end_out_of_range_is_named_not_an_overflow(session):
    """``minyi report --end 9999-12-31`` (or 0001-01-01) overflowed the period's bounds."""
    for last in (date(9999, 12, 31), date(1, 1, 1)):
        with pytest.raises(InvalidInput, match="end: a date from 1900-01-01 to 2999-12-31"):
            assemble(session, "week", last, TZ, now=utcnow())
    assert assemble(session, "day", date(1900, 1, 1), TZ, now=utcnow()).figures.volume == 0


def test_a_period_that_has_not_happened_is_refused(session):
    """Its overdue cases would be today's, shown beside a week with no messages yet."""
    now = datetime(2026, 12, 6, 20, tzinfo=UTC)  # 7 December in Beijing
    assert assemble(session, "week", date(2026, 12, 7), TZ, now=now).figures.volume == 0
    with pytest.raises(InvalidInput, match=r"end: a date up to today \(2026-12-07\)"):
        assemble(session, "week", date(2026, 12, 8), TZ, now=now)


def test_an_empty_database_gives_an_empty_briefing(session):
    briefing = assemble(session, "week", date(2019, 3, 31), TZ, now=utcnow())
    assert briefing.figures.volume == 0
    assert briefing.figures.value("on_time_rate") is None
    assert briefing.volume_change is None
    assert briefing.forecast is None
    assert briefing.overdue == ()


def test_charts_are_svg_with_escaped_labels():
    assert column_chart([], "x") == ""
    svg = column_chart([("3/1", 2), ("3/2", 0)], "每日")
    assert svg.startswith("<svg")
    assert ">2<" in svg
    bars = hbar_chart([("<水务局>", 0.5)], "按时", percent=True)
    assert "&lt;水务局&gt;" in bars
    assert "50.0%" in bars
    assert "17" in range_chart([("4/1", 17.0, 9.0, 26.0)], "预测")


def test_a_reopened_case_past_its_new_deadline_is_overdue(session, history):
    """It keeps the time of its first answer; it waits again (the numbers probe: it was left out)."""
    from minyi.cases.models import CaseStatus

    water = history["overdue"].department
    reopened = _case(
        session, 7, water, local("2019-03-01"), replied=local("2019-03-04"), due=local("2019-03-28")
    )
    reopened.status = CaseStatus.IN_PROGRESS  # reopened on 03-14 with a new deadline
    session.flush()
    briefing = assemble(session, "month", date(2019, 3, 31), TZ, now=utcnow())
    assert briefing.overdue_total == 2
    assert {line.number for line in briefing.overdue} == {history["overdue"].number, reopened.number}
    february = assemble(session, "month", date(2019, 2, 28), TZ, now=utcnow())
    assert reopened.number not in {line.number for line in february.overdue}  # not due yet then
