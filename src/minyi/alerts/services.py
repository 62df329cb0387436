"""Evaluate alert rules, store alerts with a cool-down, queue their delivery; never commits.

* :func:`check` (the periodic job ``minyi alerts check``) evaluates the enabled burst,
  trend and threshold rules over hourly counts per hot issue, category or region.
* :func:`watch_message` (called at intake, right after the analysis is stored) looks
  for the keywords of the enabled keyword rules in the message's normalised text.

A hit for a rule and scope key that already fired within the rule's cool-down (counted
from that alert's ``fired_at``) updates that alert (``last_seen_at``, ``repeat_count``,
the latest ``measured`` values) and sends nothing. A new alert is queued in the notify
outbox in the same transaction (:mod:`minyi.alerts.delivery`).
"""

from __future__ import annotations

import hashlib
import logging
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.alerts import delivery, spikes
from minyi.alerts import params as rule_params
from minyi.alerts.models import Alert, AlertRule, AlertStatus, RuleKind, Scope
from minyi.alerts.rules import keyword_rules, list_rules
from minyi.alerts.series import ScopeSeries, first_message_at, hourly
from minyi.analysis.models import MessageAnalysis
from minyi.core.errors import Conflict, NotFound
from minyi.db.base import utcnow
from minyi.departments.models import Category
from minyi.intake.models import Message
from minyi.issues.models import HotIssue
from minyi.pipeline.privacy import mask_text
from minyi.settings import Settings, get_settings

log = logging.getLogger(__name__)

MAX_LINKED_MESSAGES = 50
KEYWORD_MAX_AGE = timedelta(hours=24)  # an emergency word in an old (imported) message is no alert
SNIPPET_CHARS = 30
ALL_LABEL = "全部留言"
NO_KEY = "-"
NO_LABEL = {Scope.ISSUE: "未归入热点问题", Scope.CATEGORY: "未分类", Scope.REGION: "未注明区域"}


class AlertError(Conflict, ValueError):
    """A request about an alert that cannot be carried out now; the text says why."""


def acknowledge_by_id(session: Session, user: User, alert_id: str) -> Alert:
    """Acknowledge alert ``alert_id`` as ``user`` (not committed).

    Raises:
        Forbidden: The user's role does not acknowledge alerts.
        NotFound: No such alert.
        AlertError: The alert was acknowledged already.
    """
    require(user, Action.ACKNOWLEDGE_ALERT)
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound("no such alert")
    acknowledge(session, alert, user)
    return alert


@dataclass
class Hit:
    """What a rule saw about one topic."""

    scope_key: str
    label: str
    measured: dict[str, Any]
    issue_id: str | None = None
    category_id: str | None = None
    message_ids: list[str] = field(default_factory=list)


# --- storing an alert, once per cool-down ----------------------------------------------


def _dedupe_key(rule: AlertRule, scope_key: str, now: datetime) -> str:
    period = int(now.timestamp() // (max(rule.cooldown_minutes, 1) * 60))
    digest = hashlib.sha256(scope_key.encode("utf-8")).hexdigest()[:24]
    return f"{rule.id}:{digest}:{period}"


def _recent(session: Session, rule: AlertRule, scope_key: str, now: datetime) -> Alert | None:
    since = now - timedelta(minutes=rule.cooldown_minutes)
    query = (
        select(Alert)
        .where(Alert.rule_id == rule.id, Alert.scope_key == scope_key, Alert.fired_at > since)
        .order_by(Alert.fired_at.desc())
        .limit(1)
    )
    return session.scalar(query)


#: Alerts raised (not repeated) by the calls in this process: see :func:`is_new`.
_RAISED: weakref.WeakSet[Alert] = weakref.WeakSet()


def _repeat(alert: Alert, hit: Hit, now: datetime) -> Alert:
    """The hit seen again in the cool-down: a repeat counts only when it brings something new.

    A keyword hit is new when its message is not linked yet; a count rule's when what it
    measured changed. The periodic check finds a lasting spike on every run: counting each
    run made 次数 the number of runs (12 an hour at a 5-minute timer), not of new evidence.
    """
    _RAISED.discard(alert)  # returned as a repeat now
    alert.last_seen_at = max(alert.last_seen_at, now)
    fresh = [mid for mid in hit.message_ids if mid not in alert.message_ids]
    measured = dict(hit.measured)
    if "messages" in measured:  # a keyword rule: one message per hit
        measured["messages"] = int(alert.measured.get("messages", 0)) + len(fresh)
        changed = bool(fresh)
    else:
        changed = measured != alert.measured
    if changed:
        alert.repeat_count += 1
        alert.message_ids = list(dict.fromkeys([*alert.message_ids, *fresh]))[:MAX_LINKED_MESSAGES]
        alert.measured = measured
    return alert


def fire(session: Session, rule: AlertRule, hit: Hit, now: datetime, settings: Settings) -> Alert:
    """Store ``hit`` as a new alert and queue its delivery, or update the one in cool-down."""
    existing = _recent(session, rule, hit.scope_key, now)
    if existing is not None:
        return _repeat(existing, hit, now)
    key = _dedupe_key(rule, hit.scope_key, now)
    alert = Alert(
        rule=rule,
        kind=rule.kind,
        scope_kind=rule.scope,
        scope_key=hit.scope_key[:300],
        label=hit.label[:300],
        fired_at=now,
        last_seen_at=now,
        repeat_count=0,
        measured=hit.measured,
        status=AlertStatus.OPEN,
        issue_id=hit.issue_id,
        category_id=hit.category_id,
        message_ids=hit.message_ids[:MAX_LINKED_MESSAGES],
        dedupe_key=key,
    )
    try:
        with session.begin_nested():
            session.add(alert)
    except IntegrityError:  # a concurrent writer stored it first
        stored = session.scalar(select(Alert).where(Alert.dedupe_key == key))
        if stored is None:
            raise
        return _repeat(stored, hit, now)
    delivery.queue(session, alert, rule, settings)
    _RAISED.add(alert)
    return alert


# --- keyword rules, at intake ----------------------------------------------------------


def _written_at(message: Message) -> datetime:
    return message.submitted_at or message.received_at or utcnow()


def _snippet(masked: str, word: str) -> str:
    at = masked.find(word)
    if at < 0:
        return masked[: 2 * SNIPPET_CHARS]
    start = max(at - SNIPPET_CHARS, 0)
    return ("…" if start else "") + masked[start : at + len(word) + SNIPPET_CHARS] + "…"


def _keyword_scope(
    session: Session, scope: str, message: Message, analysis: MessageAnalysis | None
) -> tuple[str, str]:
    """The (key, label) of the message's topic for a keyword rule of ``scope``."""
    if scope == Scope.REGION:
        region = (message.region or "").strip()
        return region or NO_KEY, region or NO_LABEL[Scope.REGION]
    if scope == Scope.CATEGORY and analysis is not None and analysis.category_id:
        category = session.get(Category, analysis.category_id)
        return analysis.category_id, category.path if category is not None else analysis.category_id
    if scope == Scope.ISSUE and analysis is not None and analysis.issue_id:
        issue = session.get(HotIssue, analysis.issue_id)
        return analysis.issue_id, issue.title if issue is not None else analysis.issue_id
    if scope == Scope.ALL:
        return "", ALL_LABEL
    return NO_KEY, NO_LABEL.get(Scope(scope), NO_KEY)


def _keyword_hit(
    session: Session, rule: AlertRule, words: list[str], message: Message, analysis: MessageAnalysis | None
) -> Hit:
    key, label = _keyword_scope(session, rule.scope, message, analysis)
    word = words[0]
    title = analysis.normalized_title if analysis is not None else message.title
    body = analysis.normalized_body if analysis is not None else message.body
    measured = {
        "keyword": word,
        "keywords": words,
        "messages": 1,
        "snippet": _snippet(mask_text(f"{title} {body}"), word),
    }
    return Hit(
        scope_key=f"{key}|{word}" if key else word,
        label=f"{label} · {word}" if rule.scope != Scope.ALL and label else word,
        measured=measured,
        issue_id=analysis.issue_id if analysis is not None else None,
        category_id=analysis.category_id if analysis is not None else None,
        message_ids=[message.id],
    )


def watch_message(
    session: Session,
    message: Message,
    analysis: MessageAnalysis | None,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> list[Alert]:
    """Alerts of the enabled keyword rules whose words the message contains.

    The words are looked for in the normalised text (Simplified, full-width folded),
    else in the text as received. A message written more than 24 hours ago (an import
    of old posts) raises nothing. One alert per rule at most.
    """
    now = now or utcnow()
    if now - _written_at(message) > KEYWORD_MAX_AGE:
        return []
    rules = keyword_rules(session)
    if not rules:
        return []
    settings = settings or get_settings()
    if analysis is not None:
        text = f"{analysis.normalized_title}\n{analysis.normalized_body}"
    else:
        text = f"{message.title}\n{message.body}"
    fired = []
    for rule in rules:
        keywords = rule.params.get("keywords") or []
        words = [word for word in keywords if isinstance(word, str) and word and word in text]
        if words:
            hit = _keyword_hit(session, rule, words, message, analysis)
            fired.append(fire(session, rule, hit, now, settings))
    return fired


# --- count rules, by the periodic job --------------------------------------------------


def _labels(session: Session, scope: str, keys: Sequence[str]) -> dict[str, str]:
    if scope == Scope.ISSUE and keys:
        rows = session.execute(select(HotIssue.id, HotIssue.title).where(HotIssue.id.in_(keys)))
        return {str(k): str(v) for k, v in rows}
    if scope == Scope.CATEGORY and keys:
        rows = session.execute(select(Category.id, Category.path).where(Category.id.in_(keys)))
        return {str(k): str(v) for k, v in rows}
    if scope == Scope.ALL:
        return dict.fromkeys(keys, ALL_LABEL)
    return {key: key for key in keys}


def _evaluate(rule: AlertRule, checked: dict[str, Any], data: ScopeSeries, history_days: int) -> Any:
    if rule.kind == RuleKind.BURST:
        return spikes.burst(data.counts, **checked)
    if rule.kind == RuleKind.TREND:
        return spikes.trend(data.counts, history_days=history_days, **checked)
    if rule.kind == RuleKind.THRESHOLD:
        return spikes.threshold(data.counts, data.likes, **checked)
    return None


def _hits(session: Session, rule: AlertRule, data: dict[str, ScopeSeries], history_days: int) -> list[Hit]:
    try:
        checked = rule_params.validate(rule.kind, rule.params)
    except rule_params.RuleError as exc:
        log.warning("alert rule %r skipped: %s", rule.name, exc)
        return []
    found: dict[str, dict[str, Any]] = {}
    for key, series in data.items():
        signal = _evaluate(rule, checked, series, history_days)
        if signal is not None:
            found[key] = signal.measured
    labels = _labels(session, rule.scope, list(found))
    return [
        Hit(
            scope_key=key,
            label=labels.get(key, key),
            measured=measured,
            issue_id=key if rule.scope == Scope.ISSUE else None,
            category_id=key if rule.scope == Scope.CATEGORY else None,
        )
        for key, measured in sorted(found.items())
    ]


def _history_days(session: Session, now: datetime) -> int:
    """Whole days of data before the last 24 h (for the trend rules' baseline)."""
    first = first_message_at(session)
    if first is None:
        return 0
    return max(int((now - first - timedelta(hours=24)) / timedelta(days=1)), 0)


def check(
    session: Session,
    now: datetime | None = None,
    *,
    settings: Settings | None = None,
    rules: Sequence[AlertRule] | None = None,
) -> list[Alert]:
    """Evaluate the enabled burst, trend and threshold rules; return the alerts raised or repeated.

    Counts are read once per scope, over the longest window its rules need.
    """
    now = now or utcnow()
    settings = settings or get_settings()
    chosen = [
        rule
        for rule in (rules if rules is not None else list_rules(session, enabled_only=True))
        if rule.enabled and rule.kind != RuleKind.KEYWORD
    ]
    spans: dict[str, int] = {}
    for rule in chosen:
        spans[rule.scope] = max(spans.get(rule.scope, 1), rule_params.hours_needed(rule.kind, rule.params))
    data = {scope: hourly(session, scope, now, hours).series for scope, hours in spans.items()}
    history = _history_days(session, now) if any(r.kind == RuleKind.TREND for r in chosen) else 0
    fired = [
        fire(session, rule, hit, now, settings)
        for rule in chosen
        for hit in _hits(session, rule, data[rule.scope], history)
    ]
    session.flush()
    return fired


# --- reading and acknowledging ---------------------------------------------------------


def list_alerts(
    session: Session, *, status: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[Alert], int]:
    """Alerts, most recently seen first, and how many there are in all."""
    query = select(Alert)
    if status is not None:
        query = query.where(Alert.status == status)
    page = query.order_by(Alert.last_seen_at.desc(), Alert.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(page)), count_alerts(session, status)


def count_alerts(session: Session, status: str | None = None) -> int:
    """How many alerts there are (with ``status``)."""
    query = select(func.count()).select_from(Alert)
    if status is not None:
        query = query.where(Alert.status == status)
    return int(session.scalar(query) or 0)


def acknowledge(session: Session, alert: Alert, user: User, now: datetime | None = None) -> Alert:
    """Mark ``alert`` acknowledged by ``user`` (AlertError when it already is)."""
    if alert.status == AlertStatus.ACKNOWLEDGED:
        raise AlertError("the alert is already acknowledged")
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by_id = user.id
    alert.acknowledged_at = now or utcnow()
    session.flush()
    return alert


def is_new(alert: Alert) -> bool:
    """Whether ``alert`` was raised (not repeated) by the call that returned it."""
    return alert in _RAISED
