"""Who may do what: every role check of the web pages, the JSON API and the CLI is made here.

A role grants actions everywhere (:data:`ROLE_ACTIONS`). Besides, a user whose department
handles a case may take the department's own actions on that case
(:data:`OWN_DEPARTMENT_ACTIONS`): department staff act only on their department's cases.
Pass the case's ``department_id`` to :func:`can` and :func:`require` for actions on a case.

What a user may *see* follows the same rule: :func:`department_filter` gives the departments
whose cases, messages and case numbers a user may read (every department for admins,
dispatchers and supervisors; their own for department staff), and every listing, card and
count is narrowed by it in the domain services. A public reply belongs to the case's
department (and admins): dispatchers and supervisors add internal notes (``Action.NOTE``).

The lifecycle's plain status changes name the action each one needs
(``minyi.cases.lifecycle.STATUS_CHANGES``); the rules themselves live only here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from minyi.accounts.models import Role, User
from minyi.core.errors import Forbidden


class Action(enum.StrEnum):
    """Something a staff member does."""

    VIEW_ALL_DEPARTMENTS = "view_all_departments"  # every department's cases
    VIEW_CASE = "view_case"
    DISPATCH = "dispatch"  # send a case to a department (派单), reassign it
    ACCEPT = "accept"  # received → accepted (受理)
    SIGN = "sign"  # dispatched → signed (签收)
    START_WORK = "start_work"  # signed → in progress
    REPLY = "reply"  # the public reply (答复): the case's department and admins
    NOTE = "note"  # an internal note on the case
    RETURN = "return"  # 退单
    REQUEST_EXTENSION = "request_extension"  # 延期
    DECIDE_EXTENSION = "decide_extension"
    SUPERVISE = "supervise"  # 督办
    REOPEN = "reopen"  # 重办
    MERGE = "merge"  # 并案
    FOLLOW_UP = "follow_up"  # replied → follow-up (回访)
    CLOSE = "close"  # 办结
    RECATEGORISE = "recategorise"
    PUBLISH_STATEMENT = "publish_statement"  # 权威发布
    ACKNOWLEDGE_ALERT = "acknowledge_alert"
    EDIT_ISSUES = "edit_issues"  # rename, merge, split hot issues
    ADMINISTER = "administer"  # open the administration pages and API
    MANAGE_USERS = "manage_users"
    MANAGE_DEPARTMENTS = "manage_departments"
    MANAGE_TEMPLATES = "manage_templates"
    MANAGE_RULES = "manage_rules"  # deadline rules
    MANAGE_ALERT_RULES = "manage_alert_rules"
    IMPORT_MESSAGES = "import_messages"  # upload files of messages (/staff/imports): admins
    DECIDE_SUGGESTION = "decide_suggestion"  # 建议: adopt, partly adopt or not, with a reason
    FLAG_CALLBACK = "flag_callback"  # 求助: flag for a call back, record the call
    MANAGE_KNOWLEDGE = "manage_knowledge"  # write and change knowledge articles (知识库)
    DIRECT_ANSWER = "direct_answer"  # 直接答复: answer a consultation at intake, and close it


A = Action

#: What a department does on its own cases.
DEPARTMENT_WORK = frozenset(
    {
        A.VIEW_CASE,
        A.SIGN,
        A.START_WORK,
        A.REPLY,
        A.NOTE,
        A.RETURN,
        A.REQUEST_EXTENSION,
        A.RECATEGORISE,
        A.PUBLISH_STATEMENT,
        A.DECIDE_SUGGESTION,
        A.FLAG_CALLBACK,
        A.MANAGE_KNOWLEDGE,
    }
)
#: What everyone who sees all departments may do.
_OVERSIGHT = frozenset(
    {A.VIEW_ALL_DEPARTMENTS, A.VIEW_CASE, A.NOTE, A.RECATEGORISE, A.ACKNOWLEDGE_ALERT, A.EDIT_ISSUES}
)

#: Actions each role may take on any case.
ROLE_ACTIONS: Mapping[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.DISPATCHER: _OVERSIGHT
    | {
        A.DISPATCH,
        A.ACCEPT,
        A.FOLLOW_UP,
        A.CLOSE,
        A.REOPEN,
        A.MERGE,
        A.PUBLISH_STATEMENT,
        A.FLAG_CALLBACK,
        A.MANAGE_KNOWLEDGE,
        A.DIRECT_ANSWER,
    },
    Role.SUPERVISOR: _OVERSIGHT | {A.DECIDE_EXTENSION, A.SUPERVISE, A.REOPEN},
    Role.STAFF: frozenset(),
}

#: Actions each role may take on the cases of the user's own department.
OWN_DEPARTMENT_ACTIONS: Mapping[Role, frozenset[Action]] = {
    Role.ADMIN: DEPARTMENT_WORK,
    Role.DISPATCHER: DEPARTMENT_WORK,
    Role.SUPERVISOR: DEPARTMENT_WORK - {A.PUBLISH_STATEMENT},  # supervisors publish no statements
    Role.STAFF: DEPARTMENT_WORK,
}

_WHAT: Mapping[Action, str] = {
    A.VIEW_ALL_DEPARTMENTS: "see other departments' cases",
    A.VIEW_CASE: "see this case",
    A.DISPATCH: "dispatch cases",
    A.ACCEPT: "accept cases",
    A.SIGN: "sign for this case",
    A.START_WORK: "start work on this case",
    A.REPLY: "publish the reply to this case (its department answers it)",
    A.NOTE: "add a note to this case",
    A.RETURN: "return this case",
    A.REQUEST_EXTENSION: "ask for an extension",
    A.DECIDE_EXTENSION: "decide extension requests",
    A.SUPERVISE: "supervise cases",
    A.REOPEN: "reopen cases",
    A.MERGE: "merge cases",
    A.FOLLOW_UP: "start the follow-up of cases",
    A.CLOSE: "close cases",
    A.RECATEGORISE: "change the category of this case",
    A.PUBLISH_STATEMENT: "publish statements for these cases",
    A.ACKNOWLEDGE_ALERT: "acknowledge alerts",
    A.EDIT_ISSUES: "edit hot issues",
    A.ADMINISTER: "administer the site",
    A.MANAGE_USERS: "manage users",
    A.MANAGE_DEPARTMENTS: "manage departments",
    A.MANAGE_TEMPLATES: "manage reply templates",
    A.MANAGE_RULES: "manage deadline rules",
    A.MANAGE_ALERT_RULES: "manage alert rules",
    A.IMPORT_MESSAGES: "import files of messages",
    A.DECIDE_SUGGESTION: "decide on adopting a suggestion",
    A.FLAG_CALLBACK: "flag a help request for a callback",
    A.MANAGE_KNOWLEDGE: "write knowledge articles",
    A.DIRECT_ANSWER: "answer consultations directly from the knowledge base",
}


def actions_of(user: User, department_id: str | None = None) -> frozenset[Action]:
    """Every action ``user`` may take (on a case of ``department_id``, when given)."""
    try:
        role = Role(user.role)
    except ValueError:  # a role this version does not know grants nothing
        return frozenset()
    actions = ROLE_ACTIONS[role]
    if department_id is not None and department_id == user.department_id:
        actions |= OWN_DEPARTMENT_ACTIONS[role]
    return actions


def can(user: User, action: Action, department_id: str | None = None) -> bool:
    """Whether ``user`` may take ``action`` (on a case of ``department_id``, when given)."""
    return action in actions_of(user, department_id)


def require(user: User, action: Action, department_id: str | None = None) -> None:
    """Nothing if ``user`` may take ``action``; else :class:`~minyi.core.errors.Forbidden`."""
    if not can(user, action, department_id):
        raise Forbidden(f"{user.role} users may not {_WHAT[action]}")


def may_at_all(user: User, action: str) -> bool:
    """Whether ``user`` may take ``action`` somewhere (on their own department's cases at least).

    For menus and links: the action itself is checked again, on the case, when it is taken.
    """
    return Action(action) in actions_of(user, user.department_id)


def sees_all_departments(user: User) -> bool:
    """Whether ``user`` sees every department's cases (admins, dispatchers, supervisors)."""
    return can(user, Action.VIEW_ALL_DEPARTMENTS)


def can_view_case(user: User, department_id: str | None) -> bool:
    """Whether ``user`` may see a case handled by ``department_id`` (``None``: not dispatched)."""
    return can(user, Action.VIEW_CASE, department_id)


def department_filter(user: User) -> frozenset[str] | None:
    """The departments whose cases ``user`` may see: ``None`` for every one, else a set.

    Admins, dispatchers and supervisors see every department; department staff see their
    own department's cases only (none when they have no department). Services narrow every
    listing, card and count with it; cases without a department count as another department's.
    """
    if sees_all_departments(user):
        return None
    return frozenset({user.department_id}) if user.department_id else frozenset()


def can_use_template(user: User, department_id: str | None) -> bool:
    """Whether ``user`` may read a reply template of ``department_id`` (``None``: shared by all).

    Templates belong to their department; administrators, who manage them, read them all.
    """
    if department_id is None or can(user, Action.MANAGE_TEMPLATES):
        return True
    return department_id == user.department_id
