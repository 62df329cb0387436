"""The screen, the briefing and the scorecard count the desk's cases as before, from ``desk_due_at``.

They applied the rules to every case never accepted, in Python, on each refresh; they now read
the deadline stored at the desk (SQL counts on the screen and in the briefing, the column
on the scorecard). The release before's code is rebuilt here and must give the same numbers
on a history with holidays, a deadline rule of a category branch, a praise, accepted and
answered cases, and cases waiting at the desk for days or weeks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from minyi.accountability import briefing, facts, refresh, screen
from minyi.admin import services as admin
from minyi.cases import holiday_store, kind_corrections
from minyi.cases.holidays import DayKind, HolidayOverride
from minyi.cases.models import Case
from minyi.cases.rules import due_by_rules, rules_deadlines
from minyi.demo import factories

TZ = ZoneInfo("Asia/Shanghai")


def _old_deadline_in_force(row, rules, arrival):
    """The release before's :func:`facts.deadline_in_force`: the rules applied to every undated case."""
    answered_before = row.replied_at is not None and (
        row.accepted_at is None or row.accepted_at > row.replied_at
    )
    if not answered_before and row.due_at is not None:
        return row.due_at
    path = rules.paths.get(row.category_id or "")
    return due_by_rules(rules.policy, arrival, row.appeal_kind, path, urgent=bool(row.urgent))


def _old_overdue_without_due(session, rules, ids, at):
    """The release before's :func:`facts.overdue_without_due`, by :func:`_old_deadline_in_force`."""
    found = {}
    for row in facts.stream_facts(session, None, ids=ids):
        deadline = _old_deadline_in_force(row, rules, row.arrival or row.created_at)
        if deadline is not None and deadline < at:
            found[row.id] = deadline
    return found


def _old_screen_overdue(session, now):
    """The release before's 已超期 of the screen: due_at in SQL, the desk's cases by the rules."""
    rules = screen._rules(session, now)
    waiting = Case.status.in_(screen.IN_PROGRESS)
    dated = session.scalar(select(func.count(Case.id)).where(waiting, Case.due_at < now)) or 0
    undated = select(Case.id).where(waiting, Case.due_at.is_(None))
    return int(dated) + len(_old_overdue_without_due(session, rules, undated, now))


def _old_briefing_overdue(session, period, rules):
    """The release before's :func:`briefing._overdue`."""
    at = min(period.end, rules.now)
    query = select(Case).where(Case.due_at < at, *briefing._waiting_at(at))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    undated = select(Case.id).where(Case.due_at.is_(None), *briefing._waiting_at(at))
    deadlines = _old_overdue_without_due(session, rules, undated, at)
    lines = [
        briefing._case_line(c) for c in session.scalars(query.order_by(Case.due_at, Case.number).limit(50))
    ]
    earliest = sorted(deadlines, key=lambda ident: (deadlines[ident], ident))[:50]
    undated = session.scalars(select(Case).where(Case.id.in_(earliest)))
    lines.extend(replace(briefing._case_line(case), due_at=deadlines[case.id]) for case in undated)
    lines.sort(key=lambda line: (line.due_at or at, line.number))
    return int(total) + len(deadlines), tuple(lines[:50])


@pytest.fixture
def history(session):
    """Days off three weeks ago, a 3-working-day rule of one branch, and a mixed desk."""
    holiday_store.forget_cached()
    now = datetime.now(UTC)
    days = [(now - timedelta(days=n)).astimezone(TZ).date() for n in range(14, 22)]
    by_year = defaultdict(dict)
    for day in days:
        by_year[day.year][day] = HolidayOverride(day, DayKind.HOLIDAY, "测试假期")
    for year, entries in by_year.items():
        holiday_store.replace_year(session, year, entries)
    branch = factories.make_category(session, name="城乡建设")
    admin.add_rule(session, appeal_kind=None, category=branch, reply_working_days=3, reply_hours=None)
    boss = factories.make_user(session, username="boss", role="admin")
    for n in range(16):  # waiting at the desk 0 to 30 days, every other one in the branch
        factories.make_case(
            session,
            status="received",
            category=branch if n % 2 else None,
            key=f"desk-{n}",
            received_at=now - timedelta(days=2 * n, hours=n),
        )
    praise = factories.make_case(session, status="received", category=None, key="praise", received_at=now)
    kind_corrections.correct_kind(session, boss, praise, "praise")
    roads = factories.make_department(session, code="ROADS", name="交通局")
    for n, (status, due) in enumerate(
        (("dispatched", -3), ("signed", 2), ("in_progress", -1), ("replied", -5))
    ):
        case = factories.make_case(session, status=status, department=roads, key=f"dated-{n}")
        case.due_at = now + timedelta(days=due)
    session.flush()
    holiday_store.forget_cached()
    return now


def test_the_desk_deadlines_stored_are_the_rules(session, history):
    stored = dict(session.execute(select(Case.id, Case.desk_due_at).where(Case.due_at.is_(None))).all())
    rules = rules_deadlines(session)
    assert {ident: due for ident, due in stored.items() if due is not None} == rules
    assert len(rules) == 16  # the praise has none


def test_the_screen_counts_as_before(session, history):
    for at in (history, history - timedelta(days=9), history + timedelta(days=4)):
        figures = screen.counts(session, at, TZ)
        assert figures["overdue"] == _old_screen_overdue(session, at)
    assert 3 < screen.counts(session, history, TZ)["overdue"] < 20  # the fixture has both kinds


def test_the_briefing_counts_as_before(session, history):
    rules = screen._rules(session, history)
    for kind, days in (("day", 0), ("week", 7), ("month", 0), ("day", 12)):
        period = briefing.period_of(kind, (history - timedelta(days=days)).astimezone(TZ).date(), TZ)
        assert briefing._overdue(session, period, rules) == _old_briefing_overdue(session, period, rules)
    total, lines = briefing._overdue(
        session, briefing.period_of("day", history.astimezone(TZ).date(), TZ), rules
    )
    assert total > 3
    assert all(line.due_at is not None for line in lines)


def test_the_scorecard_counts_as_before(session, history, monkeypatch):
    for at in (history, history + timedelta(days=10)):
        rules = refresh.make_rules(session, 24.0, at)
        new, counted = refresh.count_cells(session, rules, None)
        with monkeypatch.context() as patch:
            patch.setattr(facts, "deadline_in_force", _old_deadline_in_force)
            old, counted_before = refresh.count_cells(session, rules, None)
        assert (new, counted) == (old, counted_before)
        assert sum(cells[facts.INDEX["completion_due"]] for cells in new.values()) > 3  # desk cases late
