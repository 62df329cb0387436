import itertools
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from minyi.accounts.models import Role, User
from minyi.accounts.services import verify_password
from minyi.cases import lifecycle
from minyi.cases.models import ANSWERED_STATUSES, Case, CaseStatus
from minyi.cases.services import SYSTEM, can_view
from minyi.demo.factories import (
    DEFAULT_TITLE,
    drive_case,
    make_case,
    make_category,
    make_department,
    make_message,
    make_message_in,
    make_user,
)
from minyi.departments.models import Category, Department
from minyi.intake.models import Message, ProcessingState
from minyi.intake.schemas import MessageIn


@pytest.fixture
def commits(session, monkeypatch):
    """The calls to ``session.commit`` while the test ran: the factories must make none."""
    seen: list[str] = []
    monkeypatch.setattr(session, "commit", lambda: seen.append("commit"))
    return seen


def test_make_department_gives_unique_codes_and_flushes(session):
    first, second = make_department(session), make_department(session)
    assert re.fullmatch(r"D\d{3}", first.code)
    assert first.code != second.code
    assert session.scalar(select(Department.code).where(Department.id == first.id)) == first.code


def test_make_department_takes_fields(session):
    department = make_department(session, code="ZJJ", name="住房和城乡建设局", contact_phone="0731-88001201")
    assert (department.code, department.name, department.contact_phone) == (
        "ZJJ",
        "住房和城乡建设局",
        "0731-88001201",
    )


def test_make_category_sets_level_path_and_department(session):
    department = make_department(session)
    root = make_category(session, name="城市管理", department=department)
    child = make_category(session, name="市政设施", parent=root)
    leaf = make_category(session, parent=child)
    assert [c.level for c in (root, child, leaf)] == [1, 2, 3]
    assert child.path == "城市管理" + Category.PATH_SEPARATOR + "市政设施"
    assert leaf.path == child.path + Category.PATH_SEPARATOR + leaf.name
    assert root.default_department is department
    assert leaf.parent_id == child.id
    with pytest.raises(ValueError, match="3 levels"):
        make_category(session, parent=leaf)


def test_make_category_default_names_are_unique(session):
    assert make_category(session).path != make_category(session).path


def test_make_user_staff_gets_a_department_and_a_working_password(session):
    user = make_user(session)
    assert user.role == Role.STAFF
    assert user.department is not None
    assert user.is_active
    assert verify_password(user.password_hash, "password123")


def test_make_user_reuses_one_hash_per_password(session):
    first = make_user(session, role="dispatcher", password="secret-pass")
    second = make_user(session, role="supervisor", password="secret-pass")
    assert first.password_hash == second.password_hash
    assert first.department is None
    assert first.username != second.username


def test_make_user_rejects_unknown_roles(session):
    with pytest.raises(ValueError):
        make_user(session, role="mayor")


def test_make_message_in_is_valid_and_takes_overrides():
    data = make_message_in(is_public=True, contact={"name": "张先生", "phone": "13812345678"})
    assert isinstance(data, MessageIn)
    assert data.title == DEFAULT_TITLE
    assert "路灯" in data.body
    assert data.is_public
    assert data.contact is not None
    assert data.contact.phone == "13812345678"


def test_make_message_accepts_and_processes(session, commits):
    message = make_message(session, title="噪音扰民", contact={"email": "a@example.com"})
    assert message.title == "噪音扰民"
    assert message.state == ProcessingState.PROCESSED
    assert message.case is not None
    assert message.case.status == CaseStatus.RECEIVED
    assert message.contact is not None
    assert message.author_pseudonym is not None
    assert commits == []


def test_make_message_can_stop_before_processing_and_backdate(session):
    when = datetime(2026, 10, 1, 2, 30, tzinfo=UTC)
    message = make_message(session, process=False, received_at=when, channel="portal")
    session.expire(message)
    stored = session.get(Message, message.id)
    assert stored is not None
    assert stored.case is None
    assert stored.state == ProcessingState.RECEIVED
    assert stored.received_at == when
    assert stored.channel == "portal"


def _check_event_log(case: Case) -> None:
    """The events chain from ``received`` to the case's status through allowed transitions."""
    events = list(case.events)
    assert events[0].action == "received"
    assert events[0].from_status == CaseStatus.RECEIVED
    for before, after in itertools.pairwise(events):
        assert after.from_status == before.to_status
    for item in events:
        if item.from_status != item.to_status:
            lifecycle.check_transition(item.from_status, item.to_status)
    assert events[-1].to_status == case.status


@pytest.mark.parametrize("status", list(CaseStatus))
def test_make_case_reaches_every_status_legitimately(session, commits, status):
    case = make_case(session, status=status.value)
    assert case.status == status
    assert len(case.messages) == 1
    _check_event_log(case)
    for item in case.events:
        if item.actor != SYSTEM:
            actor = session.get(User, item.actor_user_id)
            assert actor is not None
            assert can_view(actor, case)
    assert (case.department is None) == (status in {CaseStatus.RECEIVED, CaseStatus.ACCEPTED})
    assert (case.accepted_at is not None) == (status != CaseStatus.RECEIVED)
    public = [r for r in case.replies if r.is_public]
    assert bool(public) == (status in ANSWERED_STATUSES)
    assert (case.replied_at is not None) == (status in ANSWERED_STATUSES)
    assert (case.closed_at is not None) == (status == CaseStatus.CLOSED)
    assert commits == []


def test_make_case_routes_to_the_given_department(session):
    department = make_department(session)
    case = make_case(session, status="signed", department=department, title="小区电梯故障")
    assert case.department is department
    assert case.category is not None
    assert case.category.default_department is department
    assert case.messages[0].title == "小区电梯故障"


def test_make_case_uses_the_given_category_and_reply(session):
    department = make_department(session)
    root = make_category(session, name="环境保护", department=department)
    leaf = make_category(session, name="噪声污染", parent=root)
    case = make_case(session, status="closed", category=leaf, reply_body="您好！已处理。感谢您的监督。")
    assert case.category is leaf
    assert case.department is department
    assert [r.body for r in case.replies] == ["您好！已处理。感谢您的监督。"]


def test_make_case_reuses_staff_of_the_department(session):
    department = make_department(session)
    staff = make_user(session, department=department)
    dispatcher = make_user(session, role="dispatcher")
    case = make_case(session, status="follow_up", department=department)
    actors = {e.actor_user_id for e in case.events if e.actor != SYSTEM}
    assert actors == {staff.id, dispatcher.id}


def test_make_case_refuses_inconsistent_routing(session):
    department = make_department(session)
    with pytest.raises(ValueError, match="no department"):
        make_case(session, status="received", department=department)
    with pytest.raises(ValueError, match="routes to no department"):
        make_case(session, status="dispatched", category=make_category(session))
    other = make_category(session, department=make_department(session))
    with pytest.raises(ValueError, match="routes to"):
        make_case(session, status="dispatched", category=other, department=department)


def test_drive_case_moves_forward_only(session):
    case = make_case(session, status="dispatched")
    drive_case(session, case, "in_progress")
    assert case.status == CaseStatus.IN_PROGRESS
    with pytest.raises(ValueError, match="cannot drive"):
        drive_case(session, case, "signed")


def test_factories_leave_rows_visible_in_the_same_transaction(session):
    make_case(session, status="replied")
    assert session.scalar(select(Case.status)) == CaseStatus.REPLIED
    assert session.scalar(select(Message.title)) == DEFAULT_TITLE
