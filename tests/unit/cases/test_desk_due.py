"""The rules' deadline of a case at the dispatch desk is stored and kept true (cases.desk_due).

The inbox computed it in Python for every case never accepted on each request and bound two
SQL parameters a case: an inbox of the hundreds of thousands of cases an import of old
messages leaves at the desk passed SQLite's 32,766 and PostgreSQL's 65,535 parameters.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from minyi.admin import services as admin
from minyi.cases import kind_corrections, queries, workflow
from minyi.cases import services as cases
from minyi.cases.holiday_store import replace_year
from minyi.cases.holidays import DayKind, HolidayOverride
from minyi.cases.models import DeadlineRuleRecord
from minyi.cases.rules import rules_deadlines
from minyi.demo import factories


def _desk_case(session, key, days_old):
    return factories.make_case(
        session,
        status="received",
        category=None,
        key=key,
        received_at=datetime.now(UTC) - timedelta(days=days_old),
    )


def _largest_parameter_count(session, admin_user):
    """The most parameters any statement of the inbox's pages, filter and counts binds."""
    counts = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        counts.append(len(parameters or ()))

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        first = queries.case_page(session, admin_user, queries.CaseFilter(limit=2))
        assert first.next_cursor is not None
        queries.case_page(session, admin_user, queries.CaseFilter(limit=2, cursor=first.next_cursor))
        queries.case_page(session, admin_user, queries.CaseFilter(due="overdue", limit=2))
        queries.due_counts(session, admin_user)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return max(counts)


def test_the_inbox_binds_no_parameter_a_case_at_the_desk(session):
    boss = factories.make_user(session, username="boss", role="admin")
    for n in range(3):
        _desk_case(session, f"few-{n}", 30 * n)
    session.flush()
    few = _largest_parameter_count(session, boss)
    for n in range(12):
        _desk_case(session, f"many-{n}", 10 * n)
    session.flush()
    assert _largest_parameter_count(session, boss) == few  # as many with 15 cases at the desk as with 3
    overdue = queries.case_page(session, boss, queries.CaseFilter(due="overdue", limit=100))
    late = {ident for ident, due in rules_deadlines(session).items() if due < datetime.now(UTC)}
    assert {case.id for case in overdue.items} == late
    assert overdue.total == len(late) == queries.due_counts(session, boss)["overdue"]


def test_opening_a_case_stores_what_the_rules_give(session):
    old, today = _desk_case(session, "old", 40), _desk_case(session, "today", 0)
    session.flush()
    rules = rules_deadlines(session)
    assert old.desk_due_at == rules[old.id] < datetime.now(UTC) < today.desk_due_at == rules[today.id]


def test_corrections_merges_rules_holidays_and_acceptance_keep_it_true(session):
    boss = factories.make_user(session, username="boss", role="admin")
    case, older = _desk_case(session, "kept", 3), _desk_case(session, "older", 50)
    session.flush()

    def stored_as_the_rules_say():
        session.flush()
        rules = rules_deadlines(session)
        return case.desk_due_at == rules.get(case.id)

    kind_corrections.correct_kind(session, boss, case, "praise")
    assert case.desk_due_at is None  # praise has no deadline
    kind_corrections.correct_kind(session, boss, case, "complaint")
    assert case.desk_due_at is not None
    assert stored_as_the_rules_say()
    before = case.desk_due_at
    branch = factories.make_category(session, name="城乡建设")
    admin.add_rule(session, appeal_kind=None, category=branch, reply_working_days=2, reply_hours=None)
    assert case.desk_due_at == before  # not this case's category yet
    cases.recategorise(session, boss, case, branch)
    assert case.desk_due_at < before
    assert stored_as_the_rules_say()
    admin.add_rule(session, appeal_kind="complaint", category=branch, reply_working_days=1, reply_hours=None)
    session.refresh(case)
    assert stored_as_the_rules_say()
    admin.remove_rule(
        session,
        session.query(DeadlineRuleRecord).filter_by(reply_working_days=1).one(),
        by=boss,
        address=None,
    )
    session.refresh(case)
    assert stored_as_the_rules_say()
    moved = case.desk_due_at
    days = [moved.date() - timedelta(days=n) for n in range(4)]
    entries = {day: HolidayOverride(day, DayKind.HOLIDAY, "测试") for day in days if day.year == moved.year}
    replace_year(session, moved.year, entries, by=boss, address=None)
    session.refresh(case)
    assert case.desk_due_at > moved
    assert stored_as_the_rules_say()
    replace_year(session, moved.year, {}, by=boss, address=None)
    workflow.merge_cases(session, boss, case, older)  # the older case's first message comes in
    assert case.desk_due_at < datetime.now(UTC)
    assert stored_as_the_rules_say()
    dept = factories.make_department(session, code="CGJ", name="城管局")
    cases.dispatch(session, boss, case, dept)
    assert case.due_at is not None
    assert case.desk_due_at is None
