"""Alerts and rules in plain words (zh or en), from the numbers an alert measured.

Used by the staff page, the e-mail text and the webhook payload, so everyone reads the same
sentence: "近1小时 12 条，是前12小时均值的 4 倍", not ``ratio=4.0``. No score or symbol
(σ, z, k) reaches the reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from minyi.alerts.models import RuleKind, Scope

KIND_NAMES = {
    RuleKind.KEYWORD.value: ("关键词", "Keyword"),
    RuleKind.BURST.value: ("突增", "Burst"),
    RuleKind.TREND.value: ("趋势", "Trend"),
    RuleKind.THRESHOLD.value: ("阈值", "Threshold"),
}
SCOPE_NAMES = {
    Scope.ISSUE.value: ("热点问题", "Hot issue"),
    Scope.CATEGORY.value: ("类别", "Category"),
    Scope.REGION.value: ("区域", "Region"),
    Scope.ALL.value: ("全部", "All"),
}


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def kind_name(kind: str, language: str = "zh") -> str:
    """The name of a kind of rule."""
    return _pick(KIND_NAMES.get(kind, (kind, kind)), language)


def scope_name(scope: str, language: str = "zh") -> str:
    """The name of what a rule counts by."""
    return _pick(SCOPE_NAMES.get(scope, (scope, scope)), language)


def number(value: Any) -> str:
    """A count as a whole number, anything else with at most one decimal (``2.6``)."""
    if value is None:
        return "—"
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        return str(value)
    if as_float.is_integer():
        return str(int(as_float))
    return f"{as_float:.1f}"


def _burst(m: Mapping[str, Any], en: bool) -> str:
    recent, hours, base_hours = (
        number(m.get("recent")),
        number(m.get("recent_hours", 1)),
        number(m.get("baseline_hours", 12)),
    )
    ratio = m.get("ratio")
    if en:
        head = f"{recent} messages in the last {hours} h"
        if ratio is None:
            return f"{head}, none in the {base_hours} h before"
        return f"{head}, {number(ratio)} times the mean of the {base_hours} h before"
    head = f"近{hours}小时 {recent} 条"
    if ratio is None:
        return f"{head}，此前{base_hours}小时没有留言"
    return f"{head}，是前{base_hours}小时均值的 {number(ratio)} 倍"


def _trend(m: Mapping[str, Any], en: bool) -> str:
    today, days, mean, z = (number(m.get(k)) for k in ("last_24h", "baseline_days", "mean", "z"))
    if en:
        return (
            f"{today} messages in the last 24 h, above the {days}-day mean ({mean} a day) "
            f"by about {z} times its usual day-to-day swing"
        )
    return f"近24小时 {today} 条，比前{days}日平均每天（{mean} 条）高出约 {z} 倍的平常波动"


def _threshold(m: Mapping[str, Any], en: bool) -> str:
    hours = number(m.get("window_hours", 24))
    reached = m.get("reached") or ["count"]
    count, likes = number(m.get("count")), number(m.get("likes"))
    least, least_likes = number(m.get("min_count")), number(m.get("min_likes"))
    parts = []
    if "count" in reached:
        parts.append(
            f"{count} messages in {hours} h, reaching the limit of {least}"
            if en
            else f"近{hours}小时累计 {count} 条，达到阈值 {least}"
        )
    if "likes" in reached:
        parts.append(
            f"{likes} likes in {hours} h, reaching the limit of {least_likes}"
            if en
            else f"近{hours}小时点赞 {likes} 个，达到阈值 {least_likes}"
        )
    return ("; " if en else "；").join(parts)


def _keyword(m: Mapping[str, Any], en: bool) -> str:
    word, count = m.get("keyword", ""), number(m.get("messages", 1))
    if en:
        return f'Emergency word "{word}" in {count} message{"" if count == "1" else "s"}'
    return f"出现紧急关键词“{word}”，相关留言 {count} 条"


_SENTENCES = {
    RuleKind.BURST.value: _burst,
    RuleKind.TREND.value: _trend,
    RuleKind.THRESHOLD.value: _threshold,
    RuleKind.KEYWORD.value: _keyword,
}


def describe_alert(kind: str, measured: Mapping[str, Any], language: str = "zh") -> str:
    """What an alert of ``kind`` measured, as one sentence in ``language``."""
    sentence = _SENTENCES.get(kind)
    if sentence is None:
        return ""
    return sentence(measured, language == "en")


def _rule_burst(p: Mapping[str, Any], en: bool) -> str:
    hours, least = number(p.get("recent_hours", 1)), number(p.get("min_count", 5))
    ratio, base = number(p.get("ratio", 3)), number(p.get("baseline_hours", 12))
    if en:
        return f"at least {least} messages within {hours} h and {ratio} times the mean of the {base} h before"
    return f"{hours}小时内至少{least}条且为此前{base}小时均值的{ratio}倍"


def _rule_trend(p: Mapping[str, Any], en: bool) -> str:
    least, k = number(p.get("min_count", 10)), number(p.get("k", 3))
    days, history = number(p.get("baseline_days", 7)), number(p.get("min_history_days", 3))
    if en:
        return (
            f"at least {least} messages within 24 h, above the daily mean of the {days} days before "
            f"by more than {k} times its usual day-to-day swing (needs {history} days of data)"
        )
    return f"24小时内至少{least}条，且比此前{days}日平均每天高出{k}倍以上的平常波动（至少需{history}天数据）"


def _rule_threshold(p: Mapping[str, Any], en: bool) -> str:
    hours = number(p.get("window_hours", 24))
    parts = []
    if p.get("min_count") is not None:
        parts.append(
            f"at least {number(p['min_count'])} messages" if en else f"累计至少{number(p['min_count'])}条"
        )
    if p.get("min_likes") is not None:
        parts.append(
            f"at least {number(p['min_likes'])} likes" if en else f"点赞至少{number(p['min_likes'])}个"
        )
    if en:
        return f"{' or '.join(parts)} within {hours} h"
    return f"{hours}小时内" + "或".join(parts)


def _rule_keyword(p: Mapping[str, Any], en: bool) -> str:
    words = [str(w) for w in p.get("keywords") or []]
    if en:
        return "a message with any of: " + ", ".join(words)
    return "留言中出现任一关键词：" + "、".join(words)


_RULES = {
    RuleKind.BURST.value: _rule_burst,
    RuleKind.TREND.value: _rule_trend,
    RuleKind.THRESHOLD.value: _rule_threshold,
    RuleKind.KEYWORD.value: _rule_keyword,
}


def describe_rule(kind: str, params: Mapping[str, Any], language: str = "zh") -> str:
    """A rule's parameters in words: "1小时内至少5条且为此前12小时均值的3倍"."""
    sentence = _RULES.get(kind)
    if sentence is None:
        return ""
    return sentence(params, language == "en")
