"""How the briefing writes a figure: a fraction over a small base, days above two days, the base's unit."""

from __future__ import annotations

from minyi.accountability.definitions import BUCKET_COLUMNS, COUNT_COLUMNS
from minyi.accountability.scorecard import Row
from minyi.web.briefing import base_text, hours_text, shown


def _row(**counts: int) -> Row:
    full = dict.fromkeys((*COUNT_COLUMNS, *BUCKET_COLUMNS), 0)
    full.update(counts)
    return Row("", "合计", "Total", full)


def test_a_rate_over_fewer_than_ten_is_a_fraction_not_a_percentage():
    """A department's “100.0%” over two cases read like a record beside 83.3 % over 24."""
    assert shown("on_time_rate", _row(completion_due=2, completed_on_time=2), "zh") == "2/2"
    assert shown("response_rate", _row(cases=9, answered=3), "zh") == "3/9"
    assert shown("response_rate", _row(cases=10, answered=3), "zh") == "30.0%"
    assert shown("on_time_rate", _row(), "zh") == "—"


def test_the_opinion_rates_stay_hidden_below_five_answers():
    assert shown("satisfaction_rate", _row(rated=4, satisfied=4), "zh") == "—"
    assert shown("satisfaction_rate", _row(rated=6, satisfied=5), "zh") == "5/6"


def test_the_median_is_in_days_above_two_days_as_its_definition_and_the_dashboard_say():
    assert hours_text(99.0, "zh") == "4.1 天"
    assert hours_text(36.0, "zh") == "36.0 小时"
    assert hours_text(99.0, "en") == "4.1 days"


def test_the_base_names_its_unit():
    row = _row(cases=193, answered=42, sign_due=116, signed_on_time=99)
    assert base_text("sign_rate", row, "zh") == "基数 116 次派单"
    assert base_text("response_rate", row, "zh") == "基数 193 件"
