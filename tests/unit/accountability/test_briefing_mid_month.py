"""A month briefing ending mid-month is compared with the same days of the month before.

docs/security-probes.md, tenth probe, left open: ``minyi report --period month --end
2027-02-15`` put fifteen days of February beside the whole of January, a fall by half that
nobody saw; the briefing did not say what it was compared with either.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from minyi.accountability.briefing import assemble, period_of
from minyi.demo import factories
from minyi.web.briefing import render_html

TZ = ZoneInfo("Asia/Shanghai")


def _arrived(session, n: int, day: str) -> None:
    case = factories.make_case(session, status="accepted", key=f"mid-month-{n}", title=f"路灯不亮{n}号")
    for message in case.messages:
        message.submitted_at = datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=TZ)
    session.flush()


@pytest.mark.parametrize(
    ("last", "first_before", "last_before"),
    [
        (date(2027, 2, 15), date(2027, 1, 1), date(2027, 1, 15)),  # the same fifteen days
        (date(2027, 3, 30), date(2027, 2, 1), date(2027, 2, 28)),  # clipped at February's end
        (date(2028, 3, 29), date(2028, 2, 1), date(2028, 2, 29)),  # a leap February, whole
        (date(2027, 3, 1), date(2027, 2, 1), date(2027, 2, 1)),
        (date(2027, 3, 31), date(2027, 2, 1), date(2027, 2, 28)),  # a whole month: as before
        (date(2027, 2, 28), date(2027, 1, 1), date(2027, 1, 31)),
        (date(2027, 1, 15), date(2026, 12, 1), date(2026, 12, 15)),  # across the year end
    ],
)
def test_a_month_is_compared_with_the_same_days_of_the_month_before(last, first_before, last_before):
    before = period_of("month", last, TZ).previous(TZ)
    assert (before.first, before.last) == (first_before, last_before)


def test_weeks_and_days_are_compared_as_before():
    assert period_of("week", date(2027, 2, 14), TZ).previous(TZ).last == date(2027, 2, 7)
    assert period_of("day", date(2027, 3, 1), TZ).previous(TZ).first == date(2027, 2, 28)


def test_the_briefing_counts_and_names_the_same_days(session):
    for n, day in enumerate(["2027-01-05", "2027-01-20", "2027-01-31", "2027-02-03", "2027-02-10"]):
        _arrived(session, n, day)
    now = datetime(2027, 2, 16, 2, tzinfo=TZ)
    briefing = assemble(session, "month", date(2027, 2, 15), TZ, now=now)
    assert briefing.figures.volume == 2
    assert briefing.previous.volume == 1  # 01-05 only: not 01-20 and 01-31
    assert briefing.volume_change == pytest.approx(1.0)
    compared = briefing.compared_with
    assert (compared.first, compared.last) == (date(2027, 1, 1), date(2027, 1, 15))
    assert "环比对比期间：2027-01-01 — 2027-01-15" in render_html(briefing, "zh", site_name="民意")
    assert "Compared with: 2027-01-01 — 2027-01-15" in render_html(briefing, "en", site_name="Minyi")
    whole = assemble(session, "month", date(2027, 1, 31), TZ, now=now)
    assert (whole.compared_with.first, whole.compared_with.last) == (date(2026, 12, 1), date(2026, 12, 31))
