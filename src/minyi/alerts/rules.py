"""Alert rules: list, add, enable and disable (the caller commits)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from minyi.alerts import params as rule_params
from minyi.alerts.models import AlertRule, RuleKind, Scope
from minyi.alerts.params import RuleError
from minyi.audit import services as audit

MAX_TARGETS = 10
MAX_COOLDOWN_MINUTES = 30 * 24 * 60
_CACHE_KEY = "minyi.alerts.keyword_rules"  # in ``session.info``: the rules of a worker's batch


def list_rules(session: Session, *, enabled_only: bool = False, kind: str | None = None) -> list[AlertRule]:
    """Rules by name; only enabled ones, or one kind, when asked."""
    query = select(AlertRule).order_by(AlertRule.name)
    if enabled_only:
        query = query.where(AlertRule.enabled.is_(True))
    if kind is not None:
        query = query.where(AlertRule.kind == kind)
    return list(session.scalars(query))


def cache_rules(session: Session) -> None:
    """Read the keyword rules now, for :func:`keyword_rules` in the rest of ``session``.

    Only for a session that changes no rule: a worker's batch processes messages, and the
    rules read at its start are the rules of the whole (short) transaction. Read before
    anything is pending, the query flushes nothing (the batch's rows go in one flush).
    """
    session.info[_CACHE_KEY] = list_rules(session, enabled_only=True, kind=RuleKind.KEYWORD.value)


def keyword_rules(session: Session) -> list[AlertRule]:
    """The enabled keyword rules: those :func:`cache_rules` read, else read now."""
    if _CACHE_KEY not in session.info:
        return list_rules(session, enabled_only=True, kind=RuleKind.KEYWORD.value)
    rules: list[AlertRule] = session.info[_CACHE_KEY]
    return rules


def find_rule(session: Session, name_or_id: str) -> AlertRule | None:
    """The rule with this id or name."""
    query = select(AlertRule).where(or_(AlertRule.id == name_or_id, AlertRule.name == name_or_id))
    return session.scalars(query).first()


def _urls(values: Sequence[str]) -> list[str]:
    urls = [value.strip() for value in values if value.strip()]
    if len(urls) > MAX_TARGETS:
        raise RuleError("webhook_urls", f"at most {MAX_TARGETS}")
    for url in urls:
        if not url.startswith(("http://", "https://")) or len(url) > 300:  # noqa: PLR2004 - recipient size
            raise RuleError("webhook_urls", f"not an http(s) URL of at most 300 characters: {url[:80]!r}")
    return urls


def _emails(values: Sequence[str]) -> list[str]:
    emails = [value.strip() for value in values if value.strip()]
    if len(emails) > MAX_TARGETS:
        raise RuleError("emails", f"at most {MAX_TARGETS}")
    for address in emails:
        local, at, domain = address.partition("@")
        if not (at and local and "." in domain) or len(address) > 200 or " " in address:  # noqa: PLR2004
            raise RuleError("emails", f"not an e-mail address: {address[:80]!r}")
    return emails


def create_rule(  # noqa: PLR0913 - the fields of one rule
    session: Session,
    *,
    name: str,
    kind: str,
    scope: str = Scope.ALL.value,
    params: dict[str, Any] | None = None,
    cooldown_minutes: int = 60,
    webhook_urls: Sequence[str] = (),
    emails: Sequence[str] = (),
    enabled: bool = True,
) -> AlertRule:
    """Add a rule; RuleError names the field at fault (a name in use is ``name``)."""
    name = name.strip()
    if not name or len(name) > 120:  # noqa: PLR2004 - the column size
        raise RuleError("name", "1-120 characters")
    if kind not in {k.value for k in RuleKind}:
        raise RuleError("kind", f"one of {', '.join(k.value for k in RuleKind)}")
    if scope not in {s.value for s in Scope}:
        raise RuleError("scope", f"one of {', '.join(s.value for s in Scope)}")
    if not 1 <= cooldown_minutes <= MAX_COOLDOWN_MINUTES:
        raise RuleError("cooldown_minutes", f"1-{MAX_COOLDOWN_MINUTES}")
    if session.scalar(select(AlertRule.id).where(AlertRule.name == name)) is not None:
        raise RuleError("name", f"a rule named {name!r} exists already")
    rule = AlertRule(
        name=name,
        kind=kind,
        scope=scope,
        params=rule_params.validate(kind, params or {}),
        cooldown_minutes=cooldown_minutes,
        enabled=enabled,
        webhook_urls=_urls(webhook_urls),
        emails=_emails(emails),
    )
    session.add(rule)
    session.flush()
    return rule


def update_rule(  # noqa: PLR0913 - the fields of one rule
    session: Session,
    rule: AlertRule,
    *,
    name: str,
    scope: str,
    params: dict[str, Any],
    cooldown_minutes: int,
    webhook_urls: Sequence[str] = (),
    emails: Sequence[str] = (),
) -> AlertRule:
    """Change a rule's name, scope, parameters, cool-down and targets (its kind stays).

    Everything is checked before anything changes; RuleError names the field at fault.
    """
    name = name.strip()
    if not name or len(name) > 120:  # noqa: PLR2004 - the column size
        raise RuleError("name", "1-120 characters")
    if scope not in {s.value for s in Scope}:
        raise RuleError("scope", f"one of {', '.join(s.value for s in Scope)}")
    if not 1 <= cooldown_minutes <= MAX_COOLDOWN_MINUTES:
        raise RuleError("cooldown_minutes", f"1-{MAX_COOLDOWN_MINUTES}")
    taken = session.scalar(select(AlertRule.id).where(AlertRule.name == name, AlertRule.id != rule.id))
    if taken is not None:
        raise RuleError("name", f"a rule named {name!r} exists already")
    checked = rule_params.validate(rule.kind, params)
    urls, addresses = _urls(webhook_urls), _emails(emails)
    rule.name, rule.scope, rule.params = name, scope, checked
    rule.cooldown_minutes, rule.webhook_urls, rule.emails = cooldown_minutes, urls, addresses
    session.flush()
    return rule


def record(  # noqa: PLR0913 - the change, and who made it from where
    session: Session,
    action: str,
    rule: AlertRule,
    *,
    by: audit.Actor | None,
    address: str | None = None,
    new: bool = False,
) -> None:
    """A rule added, changed or switched, in the audit trail (``by`` None: the command line).

    Where its alerts go is what an intruder would change: the webhooks' hosts (never their
    paths, which may hold a secret) and the e-mail count are kept with the rule's kind and scope.
    """
    details: dict[str, Any] = {"kind": rule.kind, "scope": rule.scope, "enabled": bool(rule.enabled)}
    if action == audit.ALERT_RULE_SAVED:
        hosts = sorted({urlsplit(url).netloc for url in rule.webhook_urls or []})
        details |= {"new": new, "webhooks": hosts, "emails": len(rule.emails or [])}
    audit.record_by(session, action, by, subject=rule.name, address=address, details=details)


def set_enabled(session: Session, rule: AlertRule, enabled: bool) -> AlertRule:
    """Turn ``rule`` on or off."""
    rule.enabled = enabled
    session.flush()
    return rule
