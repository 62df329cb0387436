"""Queue a briefing's e-mail to its recipients through the outbox, once per period.

``minyi report send`` renders the PDF, writes it under ``MINYI_DATA_DIR/reports`` and calls
:func:`queue`; ``minyi notify run`` delivers it (the SMTP sender attaches the file the item
names). Each e-mail's dedupe key is the period and the recipient, so a timer that fires twice,
or a run repeated by hand, queues nothing the second time; a recipient added later still
gets the briefing. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.notify.models import NotifyChannel, OutboxMessage
from minyi.notify.services import enqueue

PDF_TYPE = "application/pdf"


def split_recipients(text: str) -> list[str]:
    """The addresses of a comma- or semicolon-separated list, in order, each once."""
    found = [part.strip() for part in text.replace(";", ",").split(",")]
    return list(dict.fromkeys(address for address in found if address))


def dedupe_key(period_key: str, language: str, recipient: str) -> str:
    """The outbox key of one recipient's copy of one briefing."""
    return f"briefing:{period_key}:{language}:{recipient.lower()}"[:200]


def waiting_for(session: Session, period_key: str, language: str, recipients: Sequence[str]) -> list[str]:
    """The recipients who have not been queued this briefing yet."""
    keys = {dedupe_key(period_key, language, r): r for r in recipients}
    queued = set(session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys))))
    return [recipient for key, recipient in keys.items() if key not in queued]


@dataclass(frozen=True)
class Mail:
    """The e-mail of one briefing: subject, body and the PDF it carries."""

    subject: str
    body: str
    pdf: Path
    filename: str


def queue(
    session: Session, period_key: str, language: str, recipients: Sequence[str], mail: Mail
) -> list[str]:
    """Queue ``mail`` for each recipient not yet sent this briefing; the ones queued now."""
    attachment = {"path": str(mail.pdf), "filename": mail.filename, "content_type": PDF_TYPE}
    queued = []
    for recipient in recipients:
        item = enqueue(
            session,
            channel=NotifyChannel.EMAIL.value,
            recipient=recipient,
            subject=mail.subject,
            body=mail.body,
            payload={"kind": "briefing", "period": period_key, "attachments": [attachment]},
            dedupe_key=dedupe_key(period_key, language, recipient),
        )
        if item is not None:
            queued.append(recipient)
    return queued
