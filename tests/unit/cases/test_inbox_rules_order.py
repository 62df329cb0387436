"""The inbox sorts a case never accepted by its rules' deadline, as its 已超期 filter judges it.

docs/security-probes.md, twelfth probe, left open: such a case has no deadline of its own and
was listed among the cases without one, below every case with a deadline, although the
filter ``due=overdue`` counted it overdue.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from minyi.cases import desk_due, inbox_pages, queries
from minyi.cases.models import ANSWERED_STATUSES, Case
from minyi.cases.rules import rules_deadlines
from minyi.demo import factories


def _inbox(session):
    """Cases of every group: accepted with early and late deadlines, never accepted old and new."""
    now = datetime.now(UTC)
    dept = factories.make_department(session, code="SWJ", name="水务局")
    made = {}
    for name, days in (("due_soon", 1), ("due_late", 200)):
        made[name] = factories.make_case(session, department=dept, key=name)
        made[name].due_at = now + timedelta(days=days)
    for name, days in (("old", 60), ("older", 90), ("today", 0)):
        made[name] = factories.make_case(
            session, status="received", category=None, key=name, received_at=now - timedelta(days=days)
        )
    made["praise"] = factories.make_case(session, status="received", category=None, key="praise")
    made["praise"].appeal_kind = "praise"  # no deadline by the rules
    desk_due.recount(session, made["praise"])  # as the services changing a kind do (kind_corrections)
    made["urgent"] = factories.make_case(session, department=dept, key="urgent")
    made["urgent"].urgent = True
    made["answered"] = factories.make_case(session, status="replied", department=dept, key="answered")
    session.flush()
    return made


def test_a_case_never_accepted_sorts_by_its_rules_deadline(session):
    made = _inbox(session)
    admin = factories.make_user(session, username="boss", role="admin")
    order = [case.id for case in queries.list_cases(session, admin, queries.CaseFilter(limit=50))[0]]
    at = {name: order.index(case.id) for name, case in made.items()}
    assert at["urgent"] == 0
    # the overdue ones first, oldest deadline first; then by deadline; praise among the ones without
    assert at["older"] < at["old"] < at["due_soon"] < at["today"] < at["due_late"] < at["praise"]
    assert at["praise"] < at["answered"]
    overdue = queries.list_cases(session, admin, queries.CaseFilter(due="overdue"))[0]
    assert {case.id for case in overdue} == {made["older"].id, made["old"].id}
    assert [case.id for case in overdue] == order[1:3]  # the filter's cases are the inbox's first


def test_the_cursor_carries_the_rules_deadline(session):
    made = _inbox(session)
    rules = rules_deadlines(session)
    assert set(rules) >= {made["old"].id, made["older"].id, made["today"].id}
    assert made["praise"].id not in rules
    key = inbox_pages.inbox_key(made["old"])
    assert key[:3] == [1, 0, rules[made["old"].id]]
    # the stored deadline is the one the rules give (cases.desk_due), for every case at the desk
    assert all(session.get(Case, ident).desk_due_at == due for ident, due in rules.items())
    assert inbox_pages.inbox_key(made["praise"])[:3] == [1, 1, None]
    assert made["answered"].status in ANSWERED_STATUSES
    assert inbox_pages.inbox_key(made["answered"])[:3] == [1, 2, None]


def test_cursor_pages_give_every_case_once_in_the_offset_order(session):
    _inbox(session)
    admin = factories.make_user(session, username="boss", role="admin")
    whole = [case.id for case in queries.list_cases(session, admin, queries.CaseFilter(limit=100))[0]]
    for limit in (1, 2, 3):
        seen, cursor = [], None
        while True:
            page = queries.case_page(session, admin, queries.CaseFilter(limit=limit, cursor=cursor))
            seen += [case.id for case in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert seen == whole, limit
