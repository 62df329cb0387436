"""The one table of who may do what."""

from __future__ import annotations

import pytest

from minyi.accounts import permissions
from minyi.accounts.models import Role, User
from minyi.accounts.permissions import Action, can, require
from minyi.core.errors import Forbidden

A = Action


def user(role: str, department_id: str | None = None) -> User:
    return User(
        username=f"u-{role}", display_name=role, password_hash="x", role=role, department_id=department_id
    )


STAFF = user("staff", "roads")
ADMIN = user("admin")
DISPATCHER = user("dispatcher")
SUPERVISOR = user("supervisor")


def test_every_role_has_a_row_and_every_action_a_message():
    assert set(permissions.ROLE_ACTIONS) == set(Role) == set(permissions.OWN_DEPARTMENT_ACTIONS)
    for action in Action:
        assert permissions._WHAT[action]


def test_admins_may_do_everything_anywhere():
    assert all(can(ADMIN, action) for action in Action)
    assert all(can(ADMIN, action, "any") for action in Action)


@pytest.mark.parametrize(
    ("who", "sees_all"), [(ADMIN, True), (DISPATCHER, True), (SUPERVISOR, True), (STAFF, False)]
)
def test_who_sees_all_departments(who, sees_all):
    assert permissions.sees_all_departments(who) is sees_all
    assert who.sees_all_departments is sees_all
    assert permissions.can_view_case(who, "schools") is sees_all
    assert permissions.can_view_case(who, None) is sees_all


def test_department_staff_act_only_on_their_own_department():
    own = {A.VIEW_CASE, A.SIGN, A.START_WORK, A.REPLY, A.NOTE, A.RETURN, A.REQUEST_EXTENSION}
    own |= {A.RECATEGORISE, A.PUBLISH_STATEMENT, A.DECIDE_SUGGESTION, A.FLAG_CALLBACK, A.MANAGE_KNOWLEDGE}
    assert permissions.actions_of(STAFF, "roads") == own
    assert permissions.actions_of(STAFF, "schools") == frozenset()
    assert permissions.actions_of(STAFF) == frozenset()
    # a case nobody handles yet belongs to no department, not to staff without one
    assert permissions.actions_of(user("staff"), None) == frozenset()


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        (A.DISPATCH, {"admin", "dispatcher"}),
        (A.ACCEPT, {"admin", "dispatcher"}),
        (A.FOLLOW_UP, {"admin", "dispatcher"}),
        (A.CLOSE, {"admin", "dispatcher"}),
        (A.MERGE, {"admin", "dispatcher"}),
        (A.REOPEN, {"admin", "dispatcher", "supervisor"}),
        (A.SUPERVISE, {"admin", "supervisor"}),
        (A.DECIDE_EXTENSION, {"admin", "supervisor"}),
        (A.SIGN, {"admin"}),
        (A.RETURN, {"admin"}),
        (A.REQUEST_EXTENSION, {"admin"}),
        (A.ACKNOWLEDGE_ALERT, {"admin", "dispatcher", "supervisor"}),
        (A.EDIT_ISSUES, {"admin", "dispatcher", "supervisor"}),
        (A.PUBLISH_STATEMENT, {"admin", "dispatcher"}),
        (A.REPLY, {"admin"}),  # the public reply belongs to the case's department
        (A.NOTE, {"admin", "dispatcher", "supervisor"}),
        (A.ADMINISTER, {"admin"}),
        (A.MANAGE_USERS, {"admin"}),
        (A.MANAGE_ALERT_RULES, {"admin"}),
    ],
)
def test_who_may_act_on_another_departments_case(action, allowed):
    found = {role.value for role in Role if can(user(role.value, "mine"), action, "theirs")}
    assert found == allowed


def test_supervisors_of_a_department_publish_no_statements():
    assert can(user("dispatcher", "roads"), A.PUBLISH_STATEMENT, "roads")
    assert not can(user("supervisor", "roads"), A.PUBLISH_STATEMENT, "roads")
    assert can(user("supervisor", "roads"), A.SIGN, "roads")


def test_require_raises_forbidden_with_a_plain_message():
    require(DISPATCHER, A.DISPATCH)
    with pytest.raises(Forbidden, match="staff users may not dispatch cases") as caught:
        require(STAFF, A.DISPATCH, "roads")
    assert caught.value.status == 403


def test_an_unknown_role_may_do_nothing():
    stranger = user("king", "roads")
    assert permissions.actions_of(stranger, "roads") == frozenset()
    assert not can(stranger, A.VIEW_CASE, "roads")


def test_may_at_all_is_for_menus():
    assert permissions.may_at_all(STAFF, "publish_statement")  # on their department's cases
    assert not permissions.may_at_all(SUPERVISOR, "publish_statement")
    assert permissions.may_at_all(DISPATCHER, "publish_statement")
    assert permissions.may_at_all(ADMIN, "administer")
    assert not permissions.may_at_all(DISPATCHER, "administer")


def test_department_filter_gives_the_departments_a_user_sees():
    assert permissions.department_filter(ADMIN) is None
    assert permissions.department_filter(DISPATCHER) is None
    assert permissions.department_filter(SUPERVISOR) is None
    assert permissions.department_filter(STAFF) == frozenset({"roads"})
    assert permissions.department_filter(user("staff")) == frozenset()  # no department: nothing


def test_dispatchers_and_supervisors_note_but_reply_only_for_their_own_department():
    for role in ("dispatcher", "supervisor"):
        assert not can(user(role), A.REPLY, "roads")
        assert can(user(role), A.NOTE, "roads")
        assert can(user(role, "roads"), A.REPLY, "roads")
    assert can(STAFF, A.REPLY, "roads")
    assert not can(STAFF, A.NOTE, "schools")


def test_templates_belong_to_their_department():
    assert permissions.can_use_template(STAFF, None)
    assert permissions.can_use_template(STAFF, "roads")
    assert not permissions.can_use_template(STAFF, "schools")
    assert not permissions.can_use_template(DISPATCHER, "schools")
    assert not permissions.can_use_template(SUPERVISOR, "schools")
    assert permissions.can_use_template(ADMIN, "schools")
