"""Alerts and rules read as sentences, in Chinese and in English, with no symbols or parameter names."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

from minyi.alerts import delivery
from minyi.alerts.models import Alert, AlertRule
from minyi.alerts.wording import describe_alert, describe_rule, number
from minyi.settings import Settings

BURST = {"recent": 12, "recent_hours": 1, "baseline": 3.0, "baseline_hours": 12, "ratio": 4.0}
TREND = {"last_24h": 40, "baseline_days": 7, "mean": 20.0, "sigma": 7.6, "k": 3.0, "limit": 42.8, "z": 2.63}
THRESHOLD = {
    "count": 55,
    "likes": 3,
    "window_hours": 24,
    "min_count": 50,
    "min_likes": None,
    "reached": ["count"],
}
TECHNICAL = ("σ", "ratio", "min_count", "z ", "=", "None")


def test_numbers_read_as_counts_or_one_decimal() -> None:
    assert number(4.0) == "4"
    assert number(2.63) == "2.6"
    assert number(None) == "—"


def test_alerts_read_as_sentences_in_chinese() -> None:
    assert describe_alert("burst", BURST) == "近1小时 12 条，是前12小时均值的 4 倍"
    assert describe_alert("trend", TREND) == "近24小时 40 条，比前7日平均每天（20 条）高出约 2.6 倍的平常波动"
    assert describe_alert("threshold", THRESHOLD) == "近24小时累计 55 条，达到阈值 50"
    assert describe_alert("burst", {**BURST, "ratio": None}) == "近1小时 12 条，此前12小时没有留言"
    assert (
        describe_alert("keyword", {"keyword": "燃气泄漏", "messages": 3})
        == "出现紧急关键词“燃气泄漏”，相关留言 3 条"
    )
    likes = {**THRESHOLD, "likes": 600, "min_likes": 500, "reached": ["likes"]}
    assert describe_alert("threshold", likes) == "近24小时点赞 600 个，达到阈值 500"


def test_alerts_read_as_sentences_in_english() -> None:
    assert (
        describe_alert("burst", BURST, "en")
        == "12 messages in the last 1 h, 4 times the mean of the 12 h before"
    )
    text = describe_alert("trend", TREND, "en")
    assert text == (
        "40 messages in the last 24 h, above the 7-day mean (20 a day) "
        "by about 2.6 times its usual day-to-day swing"
    )
    for measured, kind in ((BURST, "burst"), (TREND, "trend"), (THRESHOLD, "threshold")):
        for language in ("zh", "en"):
            assert not any(word in describe_alert(kind, measured, language) for word in TECHNICAL)


def test_rules_read_in_words() -> None:
    burst = {"ratio": 3.0, "min_count": 5, "recent_hours": 1, "baseline_hours": 12}
    assert describe_rule("burst", burst) == "1小时内至少5条且为此前12小时均值的3倍"
    threshold = {"window_hours": 24, "min_count": 20, "min_likes": 500}
    assert describe_rule("threshold", threshold) == "24小时内累计至少20条或点赞至少500个"
    assert (
        describe_rule("threshold", threshold, "en")
        == "at least 20 messages or at least 500 likes within 24 h"
    )
    trend = {"k": 3.0, "min_count": 10, "baseline_days": 7, "min_history_days": 3, "sigma_floor": 1.0}
    assert describe_rule("trend", trend) == (
        "24小时内至少10条，且比此前7日平均每天高出3倍以上的平常波动（至少需3天数据）"
    )


def test_the_trend_alert_says_no_statisticians_words() -> None:
    """A centre's head reads 平常波动 (the day-to-day swing), not 标准差; the number stays."""
    trend = {"k": 3.0, "min_count": 10, "baseline_days": 7, "min_history_days": 3}
    for language in ("zh", "en"):
        said = describe_alert("trend", TREND, language) + describe_rule("trend", trend, language)
        assert "标准差" not in said
        assert "standard deviation" not in said
        assert "2.6" in said
    assert describe_rule("keyword", {"keywords": ["火灾", "塌方"]}) == "留言中出现任一关键词：火灾、塌方"


def _alert(kind: str, measured: dict[str, Any]) -> tuple[Alert, AlertRule]:
    rule = SimpleNamespace(name="区域一小时突增", kind=kind, params={"ratio": 3.0, "min_count": 5})
    alert = SimpleNamespace(
        id="a1",
        rule=rule,
        kind=kind,
        scope_kind="region",
        scope_key="A5区",
        label="A5区",
        fired_at=datetime(2026, 12, 6, 1, 0, tzinfo=UTC),
        measured=measured,
        issue_id=None,
        category_id=None,
        message_ids=[],
    )
    return cast("Alert", alert), cast("AlertRule", rule)


def test_mail_and_webhook_carry_the_sentence() -> None:
    alert, rule = _alert("burst", BURST)
    _subject, body = delivery.alert_text(alert, rule, Settings(site_name="民意"))
    assert "近1小时 12 条，是前12小时均值的 4 倍" in body
    assert "1小时内至少5条且为此前12小时均值的3倍" in body
    assert "突增" in body
    assert not any(word in body for word in ("ratio", "min_count", "倍数：", "burst"))
    _, english = delivery.alert_text(alert, rule, Settings(site_name="Minyi", default_language="en"))
    assert "12 messages in the last 1 h, 4 times the mean of the 12 h before" in english
    document = delivery.alert_document(alert)
    assert document["summary"] == {
        "zh": "近1小时 12 条，是前12小时均值的 4 倍",
        "en": "12 messages in the last 1 h, 4 times the mean of the 12 h before",
    }


def test_the_mail_says_the_office_time_not_utc() -> None:
    """An alert at 01:00 UTC fired at 09:00 in Beijing; the duty office read "01:00 UTC" (tenth probe)."""
    alert, rule = _alert("burst", BURST)
    _subject, body = delivery.alert_text(alert, rule, Settings(site_name="民意"))
    assert "时间：2026-12-06 09:00" in body
    assert "UTC" not in body
