"""The fourteenth probe: the leadership's numbers (docs/security-probes.md, fourteenth probe).

The head of the centre reads the week's and the month's briefing beside the big screen and
the scorecard. A figure that appears in two places must agree, or the page must say why
they differ (cases against messages, arrived in the period against the whole backlog); the
page must read in Chinese, with units and bases named.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.functional.conftest import login

from minyi.accountability import briefing, refresh, scorecard, screen
from minyi.accountability.briefing_sources import Forecast, ForecastWeek
from minyi.accountability.scorecard import Filter
from minyi.alerts.models import Alert, AlertRule
from minyi.cases import workflow
from minyi.demo import factories
from minyi.web.briefing import render_html

BEIJING = ZoneInfo("Asia/Shanghai")


def _at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=BEIJING)


def _case(session, world, key: str, written: datetime, status: str = "dispatched"):
    return factories.make_case(
        session, status=status, category=world.road_category, key=key, submitted_at=written.isoformat()
    )


def _month(session, month: str) -> dict[str, int]:
    refresh.refresh(session, full=True)
    session.flush()
    total, _ = scorecard.summary(session, Filter(start=month, end=month))
    return dict(total.counts)


def _text(page: str) -> str:
    """What a reader sees of a rendered briefing: no style, no tags, entities decoded."""
    page = re.sub(r"<style.*?</style>", "", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_a_case_merged_across_the_month_end_counts_once_in_its_first_messages_month(session, world):
    """23:30 Beijing on 11-30 (15:30 UTC) merged into a case of 12-01: November, once, everywhere."""
    early = _case(session, world, "merge-early", _at("2026-11-30", "23:30"))
    late = _case(session, world, "merge-late", _at("2026-12-01", "09:00"))
    workflow.merge_cases(session, world.admin, late, early)
    session.flush()
    now = datetime.now(UTC)
    november = briefing.assemble(session, "month", date(2026, 11, 30), BEIJING, now=now)
    december = briefing.assemble(session, "day", date(2026, 12, 1), BEIJING, now=now)
    week = briefing.assemble(session, "week", date(2026, 12, 6), BEIJING, now=now)
    assert november.figures.volume == 1
    assert december.figures.volume == 0
    assert week.figures.volume == 1  # Monday 11-30 to Sunday 12-06: the one case
    assert _month(session, "2026-11")["cases"] == 1
    assert _month(session, "2026-12").get("cases", 0) == 0
    assert dict(november.figures.counts) == _month(session, "2026-11")


def test_a_week_is_monday_to_sunday_in_beijing_time(session, world):
    _case(session, world, "sunday-night", _at("2026-11-29", "23:30"))  # 15:30 UTC Sunday
    _case(session, world, "monday-early", _at("2026-11-30", "00:10"))  # 16:10 UTC Sunday
    session.flush()
    now = datetime.now(UTC)
    before = briefing.assemble(session, "week", date(2026, 11, 29), BEIJING, now=now)
    this = briefing.assemble(session, "week", date(2026, 12, 6), BEIJING, now=now)
    assert (before.period.first, before.period.last) == (date(2026, 11, 23), date(2026, 11, 29))
    assert (before.figures.volume, this.figures.volume) == (1, 1)
    assert this.compared_with.first == date(2026, 11, 23)
    assert this.volume_change == 0.0


def test_the_overdue_count_is_the_screens_and_says_it_is_the_whole_backlog(session, world):
    """386 overdue beside an on-time rate of 89 % over 47 cases read as a contradiction."""
    old = factories.make_case(session, key="backlog", category=world.road_category)
    old.due_at = datetime.now(UTC) - timedelta(days=20)
    for message in old.messages:
        message.submitted_at = datetime.now(UTC) - timedelta(days=40)
    factories.make_case(session, key="today", category=world.road_category)
    session.flush()
    now = datetime.now(UTC)
    today = briefing.assemble(session, "day", now.astimezone(BEIJING).date(), BEIJING, now=now)
    assert today.overdue_total == screen.counts(session, now, BEIJING)["overdue"] == 1
    assert today.figures.value("on_time_rate") is None  # today's case is not due: nothing late today
    text = _text(render_html(today, "zh", site_name="民意"))
    assert "全部在办案件中" in text
    assert "不限于本期受理的案件" in text
    assert "与大屏“已超期”同一口径" in text


def _forecast() -> Forecast:
    weeks = tuple(ForecastWeek(date(2026, 12, 7) + timedelta(weeks=n), 182.0, 146.0, 219.0) for n in range(4))
    return Forecast(weeks, "MASE", 0.76, 0.91, "ets")


def test_a_chinese_briefing_reads_in_chinese_with_units_and_bases(session, world):
    """No MASE, no field names, no “99.0 小时” beside a definition that says days; 3/4, not 75.0 %."""
    answered = _case(session, world, "answered", _at("2026-11-02", "10:00"), status="replied")
    answered.replied_at = _at("2026-11-06", "10:00")  # four days
    _case(session, world, "waiting", _at("2026-11-03", "10:00"))
    session.flush()
    month = briefing.assemble(session, "month", date(2026, 11, 30), BEIJING, now=datetime.now(UTC))
    page = render_html(replace(month, forecast=_forecast()), "zh", site_name="民意")
    text = _text(page)
    numbers = re.sub(r"\b\d{8}-[0-9A-Z]{8}\b", "", text)  # case numbers are letters and digits
    assert re.findall(r"[A-Za-z_]{2,}", numbers) == []
    assert '<b id="fig-response_rate">1/2</b>' in page  # two cases: a fraction
    assert re.search(r'<b id="fig-median_reply_hours">\d+\.\d 天</b>', page)  # four days: in days
    assert "小时" not in re.sub(r"以小时计|多少小时", "", text.split("口径说明")[0])
    assert "基数 2 件" in text
    assert "预计留言数（条）" in text
    assert "80% 预测区间（条）" in text
    assert "与按案件计的诉求量不同" in text
    assert "照搬上周" in text  # what the error is measured against


def test_the_alert_and_reopened_lists_say_how_many_there_were_in_all(session, world, monkeypatch):
    monkeypatch.setattr(briefing, "ALERT_LIMIT", 1)
    monkeypatch.setattr(briefing, "CASE_LIST_LIMIT", 1)
    rule = AlertRule(name="probe14-burst", kind="burst", scope="all", params={})
    session.add(rule)
    session.flush()
    now = datetime.now(UTC)
    for n in range(3):
        session.add(
            Alert(
                rule_id=rule.id, kind="burst", scope_kind="all", scope_key="all", label=f"燃气{n}",
                measured={"count": 12, "hours": 1}, dedupe_key=f"probe14-{n}", fired_at=now - timedelta(hours=n + 1),
            )
        )  # fmt: skip
    for n in range(2):
        case = factories.make_case(session, status="replied", category=world.road_category, key=f"reopen-{n}")
        workflow.reopen(session, case, "没有解决")
    session.flush()
    report = briefing.assemble(session, "day", now.astimezone(BEIJING).date(), BEIJING, now=now)
    if (now - timedelta(hours=3)).astimezone(BEIJING).date() != now.astimezone(BEIJING).date():
        report = briefing.assemble(session, "week", now.astimezone(BEIJING).date(), BEIJING, now=now)
    assert (report.alerts_total, len(report.alerts)) == (3, 1)
    assert (report.reopened_total, len(report.reopened)) == (2, 1)
    text = _text(render_html(report, "zh", site_name="民意"))
    assert "本期共触发预警 3 条。下表列出最早的 1 条。" in text
    assert "本期内被重办的案件共 2 件" in text
    assert "下表按案件编号列出前 1 件。" in text


def test_the_screen_names_messages_and_cases_apart(client, world):
    """Its 近 7 日各区域诉求量 counted messages; 诉求量 is the briefing's count of cases."""
    login(client, "road")
    page = client.get("/screen")
    assert page.status_code == 200
    assert "今日收到留言（条）" in page.text
    assert "近 7 日各区域留言量（条）" in page.text
    assert "诉求量" not in page.text
    assert "近 30 日已答复案件按期率" in page.text


def test_the_headline_gives_the_period_before_and_what_is_not_yet_counted(session, world):
    """A week's 89 % beside last week's 100 % (its cases not due yet) read as a fall; +150 % over 2."""
    for n in range(2):
        _case(session, world, f"before-{n}", _at("2026-11-24", "10:00"))
    for n in range(5):
        _case(session, world, f"this-{n}", _at("2026-12-01", "10:00"), status="replied")
    waiting = _case(session, world, "this-waiting", _at("2026-12-02", "10:00"))
    waiting.due_at = datetime.now(UTC) + timedelta(days=3)
    session.flush()
    week = briefing.assemble(session, "week", date(2026, 12, 6), BEIJING, now=datetime.now(UTC))
    page = render_html(week, "zh", site_name="民意")
    assert week.volume_change == 2.0
    assert '<span id="change-volume">环比 上期 2 件</span>' in page  # not “+200.0%” over two cases
    assert '<span id="previous-response_rate">上期 0/2</span>' in page
    assert "本期受理的 6 件中，1 件尚未答复、也未到答复期限，暂不计入按期办结率" in _text(page)
