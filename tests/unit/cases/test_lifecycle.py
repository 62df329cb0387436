from __future__ import annotations

import itertools

import pytest

from minyi.cases import lifecycle
from minyi.cases.models import Case, CaseStatus, EventAction


def test_happy_path_is_allowed():
    path = ["received", "accepted", "dispatched", "signed", "in_progress", "replied", "follow_up", "closed"]
    for current, target in itertools.pairwise(path):
        assert lifecycle.check_transition(current, target) == CaseStatus(target)


@pytest.mark.parametrize(
    ("current", "target"), [("received", "dispatched"), ("closed", "received"), ("replied", "dispatched")]
)
def test_illegal_transitions_are_refused_with_the_allowed_ones(current, target):
    with pytest.raises(lifecycle.TransitionError, match="allowed:"):
        lifecycle.check_transition(current, target)


def test_unknown_status():
    with pytest.raises(lifecycle.TransitionError, match="unknown status 'lost'"):
        lifecycle.check_transition("received", "lost")
    with pytest.raises(lifecycle.TransitionError, match="unknown status 'lost'"):
        lifecycle.check_transition("lost", "received")


TABLE = [(src, dst) for src, targets in lifecycle.TRANSITIONS.items() for dst in targets]
OTHERS = [(src, dst) for src in CaseStatus for dst in CaseStatus if dst not in lifecycle.TRANSITIONS[src]]


def test_the_table_covers_every_status():
    assert set(lifecycle.TRANSITIONS) == set(CaseStatus)
    assert all((src, dst) in TABLE for (src, dst) in lifecycle.STATUS_CHANGES)


@pytest.mark.parametrize(("current", "target"), TABLE)
def test_move_makes_every_transition_of_the_table(current, target):
    case = Case(status=current)
    assert lifecycle.move(case, target) == target
    assert case.status is target


@pytest.mark.parametrize(("current", "target"), OTHERS)
def test_move_refuses_every_other_pair_and_leaves_the_case_as_it_was(current, target):
    case = Case(status=current)
    with pytest.raises(lifecycle.TransitionError, match=f"cannot become {target.value}"):
        lifecycle.move(case, target)
    assert case.status is current


def test_staying_put_is_no_move():
    assert all(status not in lifecycle.TRANSITIONS[status] for status in CaseStatus)


def test_an_illegal_event_records_nothing(session):
    from minyi.cases.services import record
    from minyi.demo import factories

    case = factories.make_case(session, status="received")
    events = len(case.events)
    with pytest.raises(lifecycle.TransitionError):
        record(session, case, EventAction.CLOSED_BY_RATING, to_status=CaseStatus.FOLLOW_UP)
    assert len(case.events) == events
    assert case.status == CaseStatus.RECEIVED


def test_every_status_has_labels_in_both_languages():
    for status in CaseStatus:
        assert lifecycle.label(status, "zh") != lifecycle.label(status, "en")


def test_reply_events_name_their_reply(session):
    from minyi.demo import factories

    case = factories.make_case(session, status="replied")
    replied = next(e for e in case.events if e.action == "replied")
    assert replied.payload["reply_id"] == case.replies[-1].id
