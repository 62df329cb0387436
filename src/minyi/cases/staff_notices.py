"""Notices to staff about a case: its department's e-mail, and the supervisors (督办).

Dispatch notices (新派单) go through a digest: the first of a quiet spell at once, the next
ones to the same address as one e-mail per :data:`DISPATCH_DIGEST_HOLD` listing the cases
(:func:`notify_department_dispatch`); an urgent case's notice is never held.

The outbox (:mod:`minyi.notify`) knows nothing of cases; this module writes the texts and
picks the recipients, and the workflow steps call it where they happen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from minyi.cases.models import Case
from minyi.notify import digests
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


#: Dispatch notices to one department's address after the first are sent at most once per
#: this window, as one digest listing the cases (a surge day: one e-mail, not 500).
DISPATCH_DIGEST_HOLD = timedelta(minutes=10)
#: The cases a digest lists one by one; the rest are counted (the inbox lists them all).
DIGEST_LINES = 200


def dispatch_entry(case: Case, sign_by: str | None, due: str) -> dict[str, Any]:
    """What a dispatch digest says of one case: number, masked title, deadlines."""
    return {
        "case_id": case.id,
        "number": case.number,
        "title": mask_text(case.title),
        "sign_by": sign_by,
        "due": due,
    }


def notify_department_dispatch(
    session: Session, case: Case, entry: dict[str, Any], event_key: str, *, settings: Settings | None = None
) -> OutboxMessage | None:
    """Tell the case's department of a dispatch, folded into its digest (:mod:`minyi.notify.digests`).

    None when the department has no ``contact_email`` or the event was told before.
    """
    settings = settings or get_settings()
    department = case.department
    address = (department.contact_email or "").strip() if department is not None else ""
    if not address:
        return None
    site = settings.site_name
    return digests.fold(
        session,
        channel=NotifyChannel.EMAIL.value,
        recipient=address,
        kind="dispatch",
        hold=DISPATCH_DIGEST_HOLD,
        entry=entry,
        event_key=event_key,
        render=lambda entries: _dispatch_texts(entries, site),
        base_payload={"audience": "department", "department": department.code if department else None},
        case_id=case.id,
    )


def _sign_text(entry: dict[str, Any]) -> str:
    if not entry.get("sign_by"):
        return "请及时签收办理，"
    return f"请于 {entry['sign_by']} 前签收（签收期限），"


def _dispatch_texts(entries: Sequence[dict[str, Any]], site: str) -> tuple[str, str]:
    """One case: the notice as before; more: one list of the cases (subject and body)."""
    first = entries[0]
    if len(entries) == 1:
        body = _sign_text(first) + f"答复时限：{first['due']}。"
        return f"新派单：{first['number']}", body + STAFF_FOOTER.format(
            number=first["number"], title=first["title"], site=site
        )
    lines = [
        f"{e['number']}  {e['title']}  答复时限：{e['due']}"
        + (f"  签收期限：{e['sign_by']}" if e.get("sign_by") else "")
        for e in entries[:DIGEST_LINES]
    ]
    more = len(entries) - DIGEST_LINES
    if more > 0:
        lines.append(f"……另有 {more} 件，请在工作台的待办中查看。")
    body = (
        f"以下 {len(entries)} 件案件已派给本单位，请及时签收办理：\n\n" + "\n".join(lines)
        + f"\n\n请登录工作台查看并办理。\n——{site}"
    )  # fmt: skip
    return f"新派单 {len(entries)} 件：{first['number']} 等", body
