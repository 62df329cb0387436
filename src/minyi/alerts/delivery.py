"""Queue a new alert in the notify outbox: webhook JSON posts and e-mail, in the caller's transaction.

Targets are the rule's own ``webhook_urls`` and ``emails``; a rule without webhook URLs
posts to ``MINYI_WEBHOOK_URL`` (when set), a rule without e-mail addresses writes to
``MINYI_ALERT_EMAILS``, else ``MINYI_SUPERVISOR_EMAIL`` (when set). The worker
(``minyi notify run``) signs the posts (``X-Minyi-Signature``), retries with back-off and
gives up into ``dead``. Texts are topic-level: the rule, the topic, the numbers and, for
a keyword, a short **masked** snippet; never an author, a pseudonym or a contact.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.orm import Session

from minyi.alerts.models import Alert, AlertRule
from minyi.alerts.wording import describe_alert, describe_rule, kind_name
from minyi.core.localtime import format_time
from minyi.notify.models import NotifyChannel, OutboxMessage
from minyi.notify.services import enqueue
from minyi.pipeline.privacy import mask_text
from minyi.settings import Settings

DEFAULT_WEBHOOK_RECIPIENT = "alerts"
STAFF_PATH = "/staff/alerts"


def alert_document(alert: Alert) -> dict[str, Any]:
    """The alert as JSON: what the webhook payload and the API carry (no personal data)."""
    return {
        "alert_id": alert.id,
        "rule": alert.rule.name if alert.rule is not None else None,
        "kind": alert.kind,
        "scope_kind": alert.scope_kind,
        "scope_key": alert.scope_key,
        "label": mask_text(alert.label),
        "fired_at": alert.fired_at.isoformat(),
        "measured": alert.measured,
        "summary": {
            "zh": describe_alert(alert.kind, alert.measured, "zh"),
            "en": describe_alert(alert.kind, alert.measured, "en"),
        },
        "issue_id": alert.issue_id,
        "category_id": alert.category_id,
        "message_ids": list(alert.message_ids),
        "url": f"{STAFF_PATH}#alert-{alert.id}",
    }


def alert_text(alert: Alert, rule: AlertRule, settings: Settings) -> tuple[str, str]:
    """The subject and body of the notification about ``alert``, in the site's language.

    The numbers read as a sentence ("近1小时 12 条，是前12小时均值的 4 倍"), the rule's
    parameters in words; no parameter names or symbols.
    """
    language = settings.default_language
    en = language == "en"
    label = mask_text(alert.label)
    summary = describe_alert(alert.kind, alert.measured, language)
    snippet = alert.measured.get("snippet")
    when = format_time(alert.fired_at)  # the office's clock: "15:30 UTC" was 23:30 in Beijing (tenth probe)
    kind, words = kind_name(rule.kind, language), describe_rule(rule.kind, rule.params, language)
    if en:
        subject = f"[Alert] {rule.name}: {label}"
        lines = [
            f"Rule: {rule.name} ({kind}: {words})",
            f"Topic: {label}",
            f"Time: {when}",
            f"What was seen: {summary}",
        ]
        if snippet:
            lines.append(f"Excerpt (personal data hidden): {mask_text(str(snippet))}")
        lines.append(f"\nSee the staff pages: {STAFF_PATH}\n-- {settings.site_name}")
        return subject, "\n".join(lines)
    subject = f"【预警】{rule.name}：{label}"
    lines = [
        f"规则：{rule.name}（{kind}：{words}）",
        f"对象：{label}",
        f"时间：{when}",
        f"情况：{summary}",
    ]
    if snippet:
        lines.append(f"摘要（已隐去个人信息）：{mask_text(str(snippet))}")
    lines.append(f"\n请登录工作台查看：{STAFF_PATH}\n——{settings.site_name}")
    return subject, "\n".join(lines)


def targets(rule: AlertRule, settings: Settings) -> list[tuple[NotifyChannel, str]]:
    """Where the alerts of ``rule`` go: (channel, recipient) pairs, maybe none."""
    found: list[tuple[NotifyChannel, str]] = []
    if rule.webhook_urls:
        found += [(NotifyChannel.WEBHOOK, url) for url in rule.webhook_urls]
    elif settings.webhook_url:
        found.append((NotifyChannel.WEBHOOK, DEFAULT_WEBHOOK_RECIPIENT))
    emails = rule.emails or split_addresses(settings.alert_emails or settings.supervisor_email)
    found += [(NotifyChannel.EMAIL, address) for address in emails]
    return found


def split_addresses(text: str) -> list[str]:
    """Addresses separated by commas, semicolons or spaces."""
    return [part for part in text.replace(";", ",").replace(" ", ",").split(",") if part]


def queue(session: Session, alert: Alert, rule: AlertRule, settings: Settings) -> list[OutboxMessage]:
    """Queue the notifications of a new ``alert``; one per target, each queued once."""
    subject, body = alert_text(alert, rule, settings)
    payload = {"audience": "alerts", **alert_document(alert)}
    queued = []
    for channel, recipient in targets(rule, settings):
        digest = hashlib.sha256(recipient.encode("utf-8")).hexdigest()[:16]
        item = enqueue(
            session,
            channel=channel.value,
            recipient=recipient,
            subject=subject,
            body=body,
            payload=payload,
            dedupe_key=f"alert:{alert.id}:{channel.value}:{digest}",
        )
        if item is not None:
            queued.append(item)
    return queued
