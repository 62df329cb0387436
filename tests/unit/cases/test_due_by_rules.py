"""One rule for a deadline given by the rules: praise has none unless urgent (twelfth probe)."""

from __future__ import annotations

from datetime import UTC, datetime

from minyi.cases.deadlines import DeadlinePolicy
from minyi.cases.rules import due_by_rules

MONDAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


def test_praise_has_no_deadline_unless_urgent():
    policy = DeadlinePolicy()
    assert due_by_rules(policy, MONDAY, "praise", None, urgent=False) is None
    assert due_by_rules(policy, MONDAY, "praise", None, urgent=True) is not None


def test_other_kinds_get_the_policys_deadline():
    policy = DeadlinePolicy()
    for kind in ("complaint", "inquiry", "suggestion", None):
        assert due_by_rules(policy, MONDAY, kind, None, urgent=False) == policy.reply_due(MONDAY, kind, None)
