"""English counts read as English (docs/security-probes.md, "Thirteenth probe"): the tracking
page's timeline said "1 working day(s)" and an alert "in 1 message(s)"."""

from __future__ import annotations

import pytest

from minyi.alerts.wording import describe_alert
from minyi.cases.models import CaseEvent, EventAction
from minyi.web.timeline_details import event_details


@pytest.mark.parametrize(
    ("days", "en", "zh"), [(1, "1 working day", "1 个工作日"), (3, "3 working days", "3 个工作日")]
)
def test_an_extension_counts_working_days_in_english(days, en, zh):
    event = CaseEvent(action=EventAction.EXTENSION_REQUESTED, payload={"working_days": days})
    assert event_details(event, "en") == [en]
    assert event_details(event, "zh") == [zh]


def test_an_emergency_word_alert_counts_messages_in_english():
    assert (
        describe_alert("keyword", {"keyword": "gas leak", "messages": 1}, "en")
        == 'Emergency word "gas leak" in 1 message'
    )
    assert (
        describe_alert("keyword", {"keyword": "gas leak", "messages": 3}, "en")
        == 'Emergency word "gas leak" in 3 messages'
    )
