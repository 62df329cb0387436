"""Grouping the waiting cases of one event for the inbox (``minyi.flows.grouping``)."""

from __future__ import annotations

from minyi.analysis.models import MessageAnalysis
from minyi.cases import merging
from minyi.cases import services as cases
from minyi.demo import factories
from minyi.flows import grouping
from minyi.intake.models import Message


def _duplicate(session, case, of_case, status=merging.AUTO) -> None:
    """The first message of ``case`` marked a duplicate of the first message of ``of_case``."""
    session.add(
        MessageAnalysis(
            message_id=case.messages[0].id,
            pipeline_version="test",
            duplicate_of_id=of_case.messages[0].id,
            duplicate_status=status,
        )
    )
    session.flush()


def _groups(session):
    user = factories.make_user(session, role="dispatcher")
    return [sorted(case.id for case in group.cases) for group in grouping.open_groups(session, user)]


def test_cases_linked_by_a_duplicate_are_one_group_unless_the_link_was_undone(session):
    first, second, third, fourth = (
        factories.make_case(session, status="received", title=f"第{n}件") for n in range(4)
    )
    _duplicate(session, second, first)
    _duplicate(session, fourth, third, status=merging.UNDONE)
    assert _groups(session) == [sorted([first.id, second.id])]


def test_an_urgent_case_with_many_messages_is_compared_by_its_first_ones(session):
    first = factories.make_case(session, status="received", title="锦绣家园燃气泄漏", body="3栋楼道")
    second = factories.make_case(session, status="received", title="闻到燃气味", body="楼道里")
    for n in range(grouping.MAX_TEXTS_A_CASE + 3):  # repeats of the second report, the place last
        body = "锦绣家园小区" if n == grouping.MAX_TEXTS_A_CASE + 2 else "还是有燃气味"
        message = factories.make_message(session, title=f"重复{n}", body=body)
        message.case = second
    session.flush()
    for case in (first, second):
        cases.mark_urgent(session, case, "燃气泄漏")
    assert _groups(session) == []  # the place is only in a later repeat of the second
    session.get(Message, second.messages[0].id).body = "锦绣家园小区楼道里"
    session.flush()
    assert _groups(session) == [sorted([first.id, second.id])]
