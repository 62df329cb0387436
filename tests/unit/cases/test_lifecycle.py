from __future__ import annotations

import itertools

import pytest

from minyi.cases import lifecycle
from minyi.cases.models import CaseStatus


def test_happy_path_is_allowed():
    path = ["received", "accepted", "dispatched", "signed", "in_progress", "replied", "follow_up", "closed"]
    for current, target in itertools.pairwise(path):
        assert lifecycle.check_transition(current, target) == CaseStatus(target)


@pytest.mark.parametrize(
    ("current", "target"), [("received", "closed"), ("closed", "received"), ("replied", "dispatched")]
)
def test_illegal_transitions_are_refused_with_the_allowed_ones(current, target):
    with pytest.raises(lifecycle.TransitionError, match="allowed:"):
        lifecycle.check_transition(current, target)


def test_unknown_status():
    with pytest.raises(lifecycle.TransitionError, match="unknown status"):
        lifecycle.check_transition("received", "lost")


def test_every_status_has_labels_in_both_languages():
    for status in CaseStatus:
        assert lifecycle.label(status, "zh") != lifecycle.label(status, "en")


def test_reply_events_name_their_reply(session):
    from minyi.demo import factories

    case = factories.make_case(session, status="replied")
    replied = next(e for e in case.events if e.action == "replied")
    assert replied.payload["reply_id"] == case.replies[-1].id
