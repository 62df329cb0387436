"""Notices to staff about a case: its department's e-mail, and the supervisors (督办).

The outbox (:mod:`minyi.notify`) knows nothing of cases; this module writes the texts and
picks the recipients, and the workflow steps call it where they happen.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from minyi.cases.models import Case
from minyi.notify.models import NotifyChannel, OutboxMessage
from minyi.notify.services import enqueue
from minyi.pipeline.privacy import mask_text
from minyi.settings import Settings, get_settings

SUPERVISORS = "supervisors"
STAFF_FOOTER = "\n\n案件编号：{number}\n案件标题：{title}\n请登录工作台查看并办理。\n——{site}"


def _staff_text(case: Case, body: str, settings: Settings) -> str:
    return body + STAFF_FOOTER.format(
        number=case.number, title=mask_text(case.title), site=settings.site_name
    )


def _case_payload(case: Case, audience: str) -> dict[str, Any]:
    return {
        "audience": audience,
        "case_id": case.id,
        "case_number": case.number,
        "status": case.status,
        "department": case.department.code if case.department is not None else None,
    }


def notify_department(  # noqa: PLR0913 - the notification, then where the texts come from
    session: Session,
    case: Case,
    subject: str,
    body: str,
    dedupe_key: str,
    *,
    settings: Settings | None = None,
) -> OutboxMessage | None:
    """E-mail the case's department at its ``contact_email``; None when it has none."""
    settings = settings or get_settings()
    department = case.department
    address = (department.contact_email or "").strip() if department is not None else ""
    if not address:
        return None
    return enqueue(
        session,
        channel=NotifyChannel.EMAIL.value,
        recipient=address,
        subject=subject,
        body=_staff_text(case, body, settings),
        payload=_case_payload(case, "department"),
        case_id=case.id,
        dedupe_key=dedupe_key,
    )


def notify_supervisors(  # noqa: PLR0913 - the notification, then where the texts come from
    session: Session,
    case: Case,
    subject: str,
    body: str,
    dedupe_key: str,
    *,
    settings: Settings | None = None,
) -> list[OutboxMessage]:
    """Tell the supervisors (督办) about ``case``: their shared inbox and/or the staff webhook.

    Supervisor accounts have no e-mail address, so the notification goes to
    ``MINYI_SUPERVISOR_EMAIL`` and to ``MINYI_WEBHOOK_URL``, whichever are set. The
    dedupe key gets the channel as a suffix (``KEY:email``, ``KEY:webhook``). Returns the
    items queued now (empty when nothing is configured or all were queued before).
    """
    settings = settings or get_settings()
    text = _staff_text(case, body, settings)
    payload = _case_payload(case, SUPERVISORS)
    targets: list[tuple[NotifyChannel, str]] = []
    if settings.supervisor_email.strip():
        targets.append((NotifyChannel.EMAIL, settings.supervisor_email.strip()))
    if settings.webhook_url:
        targets.append((NotifyChannel.WEBHOOK, SUPERVISORS))
    queued = []
    for channel, recipient in targets:
        item = enqueue(
            session,
            channel=channel.value,
            recipient=recipient,
            subject=subject,
            body=text,
            payload=payload,
            case_id=case.id,
            dedupe_key=f"{dedupe_key}:{channel.value}",
        )
        if item is not None:
            queued.append(item)
    return queued
