"""Queue notifications in the outbox, in the caller's transaction.

Every function here adds and flushes, never commits: a notification is stored exactly
when the change that causes it is committed, and disappears with it on a rollback.

Texts are in Chinese (zh-CN). A citizen's notification names his tracking code (查询码),
never his tracking secret (only its hash is stored anyway), and carries nothing about
other citizens. Notifications to staff name the case number and mask personal data in
the case title: e-mail and chat are less private than the staff pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from minyi.db.base import utcnow
from minyi.intake.models import Message
from minyi.notify.models import PURGED_RECIPIENT, NotifyChannel, OutboxMessage, OutboxStatus
from minyi.settings import Settings, get_settings

MAX_SUBJECT_CHARS = 300
MAX_RECIPIENT_CHARS = 300

CITIZEN_EMAIL_FOOTER = (
    "\n\n留言查询码：{code}\n"
    "您可凭查询码和提交留言时获得的查询密码，在“查询留言”页面查看办理进度和答复。\n"
    "本邮件由系统自动发送，请勿直接回复。\n——{site}"
)
CITIZEN_SMS_FOOTER = "（查询码：{code}）【{site}】"
#: The footer's English, after the Chinese in an e-mail that has an English text.
CITIZEN_EMAIL_FOOTER_EN = (
    "\n\nTracking code: {code}\n"
    "With the code and the secret you got when you wrote, see the progress and the answer on the "
    "“Track” page.\nThis e-mail was sent automatically; please do not reply to it."
)


def enqueue(  # noqa: PLR0913 - the fields of one notification
    session: Session,
    *,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    payload: dict[str, Any] | None = None,
    case_id: str | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue one notification; None when ``dedupe_key`` is already queued.

    The row is flushed inside a savepoint, so a concurrent transaction that queued the
    same ``dedupe_key`` first makes this call return None instead of failing the caller's
    transaction. Raises ValueError for an unknown channel or an empty recipient.
    """
    checked = NotifyChannel(channel)
    recipient = recipient.strip()
    if not recipient or len(recipient) > MAX_RECIPIENT_CHARS:
        raise ValueError(f"a {checked.value} notification needs a recipient of 1-{MAX_RECIPIENT_CHARS} chars")
    if dedupe_key is not None and _queued(session, dedupe_key):
        return None
    now = utcnow()
    item = OutboxMessage(
        channel=checked.value,
        recipient=recipient,
        subject=" ".join(subject.split())[:MAX_SUBJECT_CHARS],  # one line: a mail header refuses breaks
        body=body,
        payload=payload or {},
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        dedupe_key=dedupe_key,
        case_id=case_id,
    )
    try:
        with session.begin_nested():
            session.add(item)
    except IntegrityError:
        if dedupe_key is not None and _queued(session, dedupe_key):
            return None
        raise
    return item


def _queued(session: Session, dedupe_key: str) -> bool:
    query = select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key).limit(1)
    return session.scalar(query) is not None


def notify_citizen(  # noqa: PLR0913 - the notification, then where the texts come from
    session: Session,
    message: Message,
    subject: str,
    body: str,
    dedupe_key: str,
    *,
    settings: Settings | None = None,
    english: tuple[str, str] | None = None,
) -> OutboxMessage | None:
    """Tell the author of ``message`` by e-mail, else by SMS; None without a contact.

    The texts get a footer with the message's tracking code. Nothing is sent to an
    author whose contact details were deleted by the retention policy.  ``english`` (subject,
    body) follows the Chinese in an e-mail, footer included: a foreign resident who wrote on
    the English portal could not read a Chinese-only notice (thirteenth probe), and nobody's
    language is stored to choose one.  An SMS stays Chinese: each language doubles its parts.
    """
    settings = settings or get_settings()
    contact = message.contact
    email = (contact.email or "").strip() if contact is not None else ""
    phone = (contact.phone or "").strip() if contact is not None else ""
    code = message.tracking_code
    payload = {"audience": "citizen", "message_id": message.id, "tracking_code": code}
    if email:
        channel, recipient = NotifyChannel.EMAIL, email
        text = body + CITIZEN_EMAIL_FOOTER.format(code=code, site=settings.site_name)
        if english is not None:
            subject = f"{subject} / {english[0]}"
            text += "\n\n" + english[1] + CITIZEN_EMAIL_FOOTER_EN.format(code=code)
    elif phone:
        channel, recipient = NotifyChannel.SMS, phone
        text = body + CITIZEN_SMS_FOOTER.format(code=code, site=settings.site_name)
    else:
        return None
    return enqueue(
        session,
        channel=channel.value,
        recipient=recipient,
        subject=subject,
        body=text,
        payload=payload,
        case_id=message.case_id,
        dedupe_key=dedupe_key,
    )


@dataclass(frozen=True)
class OutboxSummary:
    """How many items are in each status, and the oldest one still waiting."""

    counts: dict[str, int]
    oldest_waiting_created_at: datetime | None
    next_attempt_at: datetime | None


def summary(session: Session) -> OutboxSummary:
    """Counts per status (every status listed, zero included) and the oldest waiting item."""
    rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    counts = {status.value: 0 for status in OutboxStatus}
    counts.update({status: int(count) for status, count in rows})
    waiting = OutboxMessage.status.in_([OutboxStatus.PENDING.value, OutboxStatus.FAILED.value])
    oldest, upcoming = session.execute(
        select(func.min(OutboxMessage.created_at), func.min(OutboxMessage.next_attempt_at)).where(waiting)
    ).one()
    return OutboxSummary(counts, oldest, upcoming)


def retry_dead(session: Session, now: datetime | None = None) -> int:
    """Queue every ``dead`` item again (attempts reset, due now); returns how many.

    Not those whose address the retention policy deleted: there is no one to send them to.
    """
    now = now or utcnow()
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.DEAD.value, OutboxMessage.recipient != PURGED_RECIPIENT)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
