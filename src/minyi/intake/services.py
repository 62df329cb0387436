"""The one intake service every channel calls: store a message exactly as received.

:func:`accept` stores it (the caller commits at once, so nothing accepted is ever lost).
Intake only stores: what happens next (pipeline, case, hot issue, alerts) is the
application layer's flow, :mod:`minyi.flows.processing`.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from minyi.core.errors import Conflict, InvalidInput
from minyi.db.base import new_id
from minyi.departments.models import Category
from minyi.intake import identity
from minyi.intake.models import IdempotencyKey, Message, MessageContact
from minyi.intake.schemas import MessageIn

log = logging.getLogger(__name__)


class IntakeError(InvalidInput):
    """A submission that cannot be accepted; ``field`` names the culprit.

    ``status`` is 422 for a wrong value, 409 (code ``conflict``) for a clash with what is stored.
    """

    def __init__(self, message: str, field: str | None = None, status: int = 422) -> None:
        super().__init__(message, field=field)
        self.status = status
        if status == Conflict.status:
            self.code = Conflict.code


@dataclass(frozen=True)
class Accepted:
    """A stored message and the secret its author tracks it with."""

    message: Message
    tracking_secret: str
    created: bool


def _request_hash(data: MessageIn) -> str:
    return hashlib.sha256(data.model_dump_json().encode("utf-8")).hexdigest()


def _replay(session: Session, key: str, data: MessageIn) -> Message | None:
    row = session.get(IdempotencyKey, key)
    if row is None:
        return None
    if row.request_hash != _request_hash(data):
        msg = "this Idempotency-Key was already used for a different message"
        raise IntakeError(msg, field="Idempotency-Key", status=409)
    return session.get(Message, row.message_id)


def _check_category(session: Session, category_id: str | None) -> None:
    if category_id and session.get(Category, category_id) is None:
        raise IntakeError(f"no category with id {category_id!r}", field="category_id")


def build_message(data: MessageIn, *, channel: str, source: str, key: str) -> Message:
    """A new Message (not yet added to a session) holding ``data`` as received."""
    message = Message(
        channel=channel,
        source=source,
        tracking_code=identity.new_tracking_code(),
        **data.model_dump(exclude={"contact", "author", "category_id"}),
    )
    message.requested_category_id = data.category_id
    contact = data.contact
    author = data.author or (contact.phone or contact.email if contact else None)
    message.author_pseudonym = identity.pseudonym(key, author)
    if contact and (contact.name or contact.phone or contact.email):
        message.contact = MessageContact(
            name=contact.name, phone=contact.phone, email=str(contact.email or "") or None
        )
    message.id = new_id()
    message.tracking_secret_hash = identity.hash_secret(
        message.tracking_code, identity.tracking_secret(key, message.id)
    )
    return message


def accept(  # noqa: PLR0913 - the fields of one submission
    session: Session,
    data: MessageIn,
    *,
    channel: str,
    key: str,
    source: str = "",
    idempotency_key: str | None = None,
) -> Accepted:
    """Store ``data`` as a new message (or find the one this key stored before)."""
    if idempotency_key is not None:
        earlier = _replay(session, idempotency_key, data)
        if earlier is not None:
            return Accepted(earlier, identity.tracking_secret(key, earlier.id), created=False)
    _check_category(session, data.category_id)
    message = build_message(data, channel=channel, source=source, key=key)
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()  # the message row must exist before its idempotency key
            if idempotency_key is not None:
                session.add(
                    IdempotencyKey(
                        key=idempotency_key,
                        request_hash=_request_hash(data),
                        message_id=message.id,
                    )
                )
    except IntegrityError as exc:
        earlier = _replay(session, idempotency_key, data) if idempotency_key is not None else None
        if earlier is not None:  # the same request, stored meanwhile by a concurrent retry
            return Accepted(earlier, identity.tracking_secret(key, earlier.id), created=False)
        msg = "a message with this external_id was already received from this source"
        raise IntakeError(msg, field="external_id", status=409) from exc
    return Accepted(message, identity.tracking_secret(key, message.id), created=True)


def find_by_tracking(session: Session, code: str, secret: str) -> Message | None:
    """The message with this tracking code, only if the secret matches."""
    normalised = identity.normalise_code(code)
    message = session.scalar(select(Message).where(Message.tracking_code == normalised))
    if message is None or not identity.secret_matches(normalised, secret, message.tracking_secret_hash):
        return None
    return message
