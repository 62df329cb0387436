"""The follow-up call (电话回访): the centre calls the citizen and takes down the answer.

A 12345 centre asks most citizens by telephone whether the problem was solved and whether
they are satisfied; many have no tracking code at hand, and an imported message has no way
to rate online at all. Before this, staff could only move a case to 回访中 and wait for the
tracking page: a phone answer had nowhere to go, and the case closed as "not reached".

The answer is the citizen's, taken down by a staff member who may start follow-ups
(dispatchers, admins): it goes through :func:`minyi.cases.workflow.rate` like an online
rating (unsolved or unsatisfied reopens the case, 重办; otherwise it closes), the history
names who took it, and the scorecard counts it as any rating.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.cases.models import Case, CaseRating, CaseStatus
from minyi.cases.workflow import WorkflowError, WorkflowForbidden, rate
from minyi.core.errors import Forbidden

#: The answers a phone call records, as the form sends them.
SOLVED = {"yes": True, "no": False, "": None}


def record_by_phone(  # noqa: PLR0913 - the case, who called, and the three answers
    session: Session, user: User, case: Case, satisfaction: str, *, solved: str = "", comment: str = ""
) -> CaseRating:
    """Take down the citizen's answer to a follow-up call on ``case``.

    Raises:
        WorkflowForbidden: ``user`` may not start follow-ups.
        WorkflowError: the case has no answer to follow up (not 已答复 or 回访中), or the
            satisfaction is not 满意, 基本满意 or 不满意.
    """
    try:
        require(user, Action.FOLLOW_UP, case.department_id)
    except Forbidden as exc:
        raise WorkflowForbidden(exc.message) from exc
    if case.status not in {CaseStatus.REPLIED, CaseStatus.FOLLOW_UP} or not case.messages:
        raise WorkflowError("only an answered case (已答复 or 回访中) has a follow-up to record")
    if solved not in SOLVED:
        raise WorkflowError("solved: yes, no or not asked")
    return rate(session, case.messages[0], satisfaction, SOLVED[solved], comment, taken_by=user)
