"""未能判断 (undetermined kind of appeal): no rule may name it; such a case takes the general rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from minyi.cases.deadlines import DeadlinePolicy, DeadlineRule
from minyi.cases.models import AppealKind

START = datetime(2026, 11, 2, 2, tzinfo=UTC)  # a Monday morning in Shanghai


def test_a_rule_cannot_name_undetermined():
    with pytest.raises(ValueError, match="undetermined is not a kind"):
        DeadlineRule(appeal_kind=AppealKind.UNDETERMINED, reply_working_days=3)
    with pytest.raises(ValueError, match="not a valid AppealKind"):
        DeadlineRule(appeal_kind="grumble", reply_working_days=3)


def test_an_undetermined_case_falls_back_to_the_general_rule():
    general = DeadlineRule(reply_working_days=10)
    policy = DeadlinePolicy([DeadlineRule(appeal_kind="complaint", reply_working_days=3), general])
    assert policy.reply_rule("undetermined", None) is general
    assert policy.reply_due(START, "undetermined") == policy.reply_due(START, None)
    assert policy.reply_due(START, "complaint") < policy.reply_due(START, "undetermined")


def test_an_undetermined_case_takes_the_category_rule_without_a_kind():
    roads = DeadlineRule(category_path_prefix="城乡建设", reply_working_days=7)
    policy = DeadlinePolicy(
        [DeadlineRule(appeal_kind="complaint", category_path_prefix="城乡建设", reply_working_days=2), roads]
    )
    assert policy.reply_rule("undetermined", "城乡建设 / 道路") is roads
