import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from minyi.accounts.models import Role, User
from minyi.accounts.services import authenticate
from minyi.admin.models import ReplyTemplate
from minyi.cases.models import Case, CaseStatus, Reply
from minyi.demo import texts
from minyi.demo.factories import make_user
from minyi.demo.hot import HOT_PROBLEMS
from minyi.demo.seed import DemoSummary, plan_messages, seed_demo
from minyi.departments.models import Category, Department
from minyi.intake.models import Message, MessageContact

KEY = "test-secret-key-0123456789-abcdefghijklmnop"
NOW = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)
MOBILE = re.compile(r"1[3-9]\d{9}")


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _titles(session) -> list[str]:
    return list(session.scalars(select(Message.title).order_by(Message.received_at, Message.title)))


@pytest.fixture
def no_commit(session, monkeypatch):
    def refuse():
        raise AssertionError("seed_demo must leave committing to its caller")

    monkeypatch.setattr(session, "commit", refuse)


def test_seed_demo_loads_the_full_demo(session, no_commit):
    summary = seed_demo(session, key=KEY, now=NOW)

    assert summary.created
    assert (summary.departments, summary.users, summary.messages) == (8, 11, 500)
    assert "500 messages" in str(summary)
    assert _count(session, Message) == 500
    assert _count(session, Case) == 500
    assert _count(session, ReplyTemplate) >= 8 + 3  # some per department, some shared

    codes = set(session.scalars(select(Department.code)))
    assert codes == {"ZJJ", "HBJ", "JTJ", "JYJ", "RSJ", "WJW", "SCJ", "CGJ"}
    assert (
        session.scalar(select(Department.name_en).where(Department.code == "HBJ"))
        == "Ecology and Environment Bureau"
    )

    roots = list(session.scalars(select(Category).where(Category.level == 1)))
    assert len(roots) == 8
    assert all(root.default_department is not None for root in roots)
    assert set(session.scalars(select(Category.level))) == {1, 2, 3}

    roles = {user.username: user.role for user in session.scalars(select(User))}
    assert roles["admin"] == Role.ADMIN
    assert roles["dispatcher"] == Role.DISPATCHER
    assert roles["supervisor"] == Role.SUPERVISOR
    staff = session.scalars(select(User).where(User.role == Role.STAFF)).all()
    assert sorted(u.username for u in staff) == sorted(c.lower() for c in codes)
    assert all(u.department is not None and u.department.code.lower() == u.username for u in staff)
    assert authenticate(session, "admin", "minyi-admin") is not None
    assert authenticate(session, "zjj", "minyi-demo") is not None
    _check_cases(session, summary)


def _check_cases(session, summary):
    """Every status is present, ~60% routed, answered cases carry official replies and a timeline."""
    statuses = Counter(session.scalars(select(Case.status)))
    assert set(statuses) == {s.value for s in CaseStatus}
    assert dict(summary.statuses) == dict(statuses)
    routed = _count(session, Case) - statuses["received"] - statuses["accepted"]
    assert 0.5 <= routed / 500 <= 0.7
    assert session.scalar(select(func.count()).where(Case.department_id.is_(None))) == (
        statuses["received"] + statuses["accepted"]
    )

    public_replies = session.scalars(select(Reply).where(Reply.is_public.is_(True))).all()
    assert len(public_replies) == summary.public_replies > 100
    assert all(r.body.startswith("您好！") and "0731-880012" in r.body for r in public_replies)
    assert any("经核查" in r.body for r in public_replies)

    closed = session.scalars(select(Case).where(Case.status == "closed")).first()
    assert closed is not None
    times = [e.created_at for e in closed.events]
    assert times == sorted(times)
    assert closed.messages[0].received_at <= closed.created_at <= closed.replied_at <= closed.closed_at <= NOW
    assert closed.due_at is not None
    assert closed.due_at > closed.accepted_at


def test_seed_demo_messages_are_varied_and_spread_over_sixty_days(session):
    summary = seed_demo(session, key=KEY, now=NOW)

    messages = session.scalars(select(Message)).all()
    received = [m.received_at for m in messages]
    assert all(t.tzinfo is not None for t in received)
    assert NOW - timedelta(days=61) <= min(received)
    assert max(received) <= NOW
    assert len({t.date() for t in received}) > 40
    assert all(m.submitted_at is not None and m.submitted_at <= m.received_at for m in messages)

    public = sum(m.is_public for m in messages)
    assert 250 <= public <= 450
    assert 100 <= _count(session, MessageContact) <= 250
    assert sum(bool(MOBILE.search(m.body)) for m in messages) >= 20
    assert any("@example.com" in m.body for m in messages)
    assert {m.channel for m in messages} == {"portal", "api", "import"}
    assert all(m.title and m.body and m.region and m.region.startswith("A市") for m in messages)
    _check_hot_problems(session, summary)


def _check_hot_problems(session, summary):
    """At least four local problems, each reported 20–60 times by different people in different words."""
    assert len(summary.hot_problems) >= 4
    for problem in HOT_PROBLEMS:
        reports = session.scalars(select(Message).where(Message.body.contains(problem.keyword))).all()
        assert 20 <= len(reports) <= 60, problem.name
        assert len({m.author_pseudonym for m in reports}) == len(reports)
        assert len({m.body for m in reports}) == len(reports)
        assert len({m.title for m in reports}) >= 5
        assert sum(m.likes for m in reports) > 10 * len(reports)
        days = {m.received_at.date() for m in reports}
        assert 3 <= len(days) <= problem.span_days + 2


def test_seed_demo_is_deterministic(session):
    seed_demo(session, key=KEY, seed=7, messages=60, now=NOW)
    first = _titles(session)
    session.rollback()
    assert _count(session, Message) == 0
    seed_demo(session, key=KEY, seed=7, messages=60, now=NOW)
    assert _titles(session) == first
    assert len(first) == 60


def test_same_seed_same_texts_whatever_the_date():
    earlier = plan_messages(2026, 100, NOW - timedelta(days=30))
    later = plan_messages(2026, 100, NOW)
    assert sorted(p.text.body for p in earlier) == sorted(p.text.body for p in later)
    other = plan_messages(2027, 100, NOW)
    assert sorted(p.text.body for p in other) != sorted(p.text.body for p in later)


def test_seed_demo_is_idempotent(session):
    first = seed_demo(session, key=KEY, messages=20, now=NOW)
    again = seed_demo(session, key=KEY, messages=20, now=NOW)
    assert first.created
    assert again == DemoSummary(created=False, reason="user 'admin' exists")
    assert "already present" in str(again)
    assert _count(session, Message) == 20
    assert _count(session, Department) == 8


def test_seed_demo_leaves_a_database_with_an_admin_alone(session):
    make_user(session, username="admin", role="admin")
    assert not seed_demo(session, key=KEY, now=NOW).created
    assert _count(session, Department) == 0


def test_a_small_demo_still_has_every_status(session):
    seed_demo(session, key=KEY, messages=12, now=NOW)
    assert set(session.scalars(select(Case.status))) == {s.value for s in CaseStatus}


def test_texts_name_their_hot_problem_and_fill_every_slot():
    generated = texts.generate_messages(random.Random(1), 500)
    for text in generated:
        assert "{" not in text.title + text.body + text.topic
        if text.hot is not None:
            keyword = next(p.keyword for p in HOT_PROBLEMS if p.key == text.hot)
            assert keyword in text.body
    paths = {" / ".join((row["一级分类"], row["二级分类"], row["三级分类"])) for row in texts.category_rows()}
    assert {t.category for t in generated} <= paths
    assert {row["一级分类"] for row in texts.category_rows()} == set(texts.CATEGORY_DEPARTMENTS)
