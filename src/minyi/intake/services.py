"""The one intake service every channel calls: store a message exactly as received.

:func:`accept` stores it (the caller commits at once, so nothing accepted is ever lost).
Intake only stores: what happens next (pipeline, case, hot issue, alerts) is the
application layer's flow, :mod:`minyi.flows.processing`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnDefault, Insert, Table, delete, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, configure_mappers, make_transient_to_detached

from minyi.core.errors import Conflict, InvalidInput
from minyi.db.base import new_id, utcnow
from minyi.departments.models import Category
from minyi.intake import identity
from minyi.intake.models import IdempotencyKey, Message, MessageContact, ProcessingState
from minyi.intake.schemas import MessageIn

log = logging.getLogger(__name__)
MESSAGES = cast("Table", Message.__table__)
CONTACTS = cast("Table", MessageContact.__table__)
KEYS = cast("Table", IdempotencyKey.__table__)
CODE_QUERY_CHUNK = 500  # tracking codes looked up in one query
TRACKING_DRAWS = 5  # codes drawn for one message before giving up (one clash in a million: never 5)


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


def scoped_idempotency_key(client: str, key: str) -> str:
    """``key`` as one client's: an ``Idempotency-Key`` names a retry of *that* client's request.

    Unscoped, anyone who sent the same key and body (a crawled post's public text and id
    are guessable) got the first sender's answer back, its tracking secret included, and
    with it the right to read and rate the case. ``client`` is an integrator's name, or
    the address of a caller without a key.
    """
    digest = hashlib.sha256(f"{client}\n{key}".encode()).hexdigest()
    return f"api:{digest}"


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
    """A new Message (not yet added to a session) holding ``data`` as received.

    Its columns are set straight into the new object's dictionary, without attribute
    events: a new row has no history to keep, and both ways of writing it (a Core
    insert or ``COPY`` of its values, or a flush) read them from there. The events cost
    about 20 µs a message, a tenth of a bulk import's own work a row.
    """
    contact = data.contact
    author = data.author or (contact.phone or contact.email if contact else None)
    values = data.model_dump(exclude={"contact", "author", "category_id"})
    values.update(
        id=new_id(),
        channel=channel,
        source=source,
        requested_category_id=data.category_id or None,  # "" (a form left blank) is no category
        author_pseudonym=identity.pseudonym(key, author),
    )
    configure_mappers()  # as a constructor would (a no-op once done): the relationships below need it
    message: Message = inspect(Message).class_manager.new_instance()
    message.__dict__.update(values)
    if contact and (contact.name or contact.phone or contact.email):
        message.contact = MessageContact(
            name=contact.name, phone=contact.phone, email=str(contact.email or "") or None
        )
    draw_tracking_code(message, key)
    return message


def draw_tracking_code(message: Message, key: str) -> None:
    """Give ``message`` a fresh tracking code, and the hash of its secret under that code.

    Called again when the code drawn is taken: 31**8 codes meet by chance about once in
    a million messages (the birthday bound), so a large archive will see it.
    """
    message.tracking_code = identity.new_tracking_code()
    message.tracking_secret_hash = identity.hash_secret(
        message.tracking_code, identity.tracking_secret(key, message.id)
    )


def tracking_codes_taken(session: Session, codes: Sequence[str]) -> set[str]:
    """Which of ``codes`` stored messages hold (asked only after an insert skipped a row)."""
    taken: set[str] = set()
    for start in range(0, len(codes), CODE_QUERY_CHUNK):
        chunk = codes[start : start + CODE_QUERY_CHUNK]
        query = select(Message.tracking_code).where(Message.tracking_code.in_(chunk))
        taken.update(session.scalars(query))
    return taken


@functools.cache
def _insert_ignoring_conflicts(dialect_name: str, table: Table) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING pk`` for PostgreSQL or SQLite (built once).

    A clash (a used key, a known external_id) then returns no row instead of raising, so
    no savepoint is needed around the insert: two round trips fewer per message.
    """
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement: Insert = dialect.insert(table).on_conflict_do_nothing()
    return statement.returning(*table.primary_key.columns)  # no row back: a clash


def _row(obj: Message | MessageContact) -> dict[str, Any]:
    """The column values of a new object, with the Python-side defaults filled in."""
    table = CONTACTS if isinstance(obj, MessageContact) else MESSAGES
    row: dict[str, Any] = {}
    for column in table.columns:
        value = obj.__dict__.get(column.key)
        if value is None and isinstance(column.default, ColumnDefault) and column.default.is_scalar:
            value = column.default.arg
        setattr(obj, column.key, value)  # every column loaded: reading one never queries
        row[column.key] = value
    return row


def _insert(
    session: Session, message: Message, idempotency_key: str | None, data: MessageIn, key: str
) -> bool:
    """Write the message, its contact and its key with Core inserts; False on a clash.

    The ORM's unit of work costs several milliseconds a message; these are three plain
    statements. A clash of the key after the message row went in removes that row again
    (same transaction), so nothing half-written is left. A tracking code that is taken
    is no clash of the submission: a new one is drawn and the row inserted again.
    """
    connection = session.connection()
    dialect = connection.dialect.name
    message.received_at = message.received_at or utcnow()
    insert = _insert_ignoring_conflicts(dialect, MESSAGES)
    for _ in range(TRACKING_DRAWS):
        if connection.execute(insert, _row(message)).first() is not None:
            break
        if not tracking_codes_taken(session, [message.tracking_code]):
            return False  # the external id is stored already
        draw_tracking_code(message, key)
    else:
        return False
    if message.contact is not None:
        message.contact.message_id = message.id
        connection.execute(CONTACTS.insert(), _row(message.contact))
    if idempotency_key is None:
        return True
    key_row = {
        "key": idempotency_key,
        "request_hash": _request_hash(data),
        "message_id": message.id,
        "created_at": message.received_at,
    }
    if connection.execute(_insert_ignoring_conflicts(dialect, KEYS), key_row).first() is not None:
        return True
    connection.execute(delete(MessageContact).where(MessageContact.message_id == message.id))
    connection.execute(delete(Message).where(Message.id == message.id))
    return False


def _attach(session: Session, message: Message) -> None:
    """Make the inserted ``message`` a persistent object of ``session`` without reading it back."""
    contact = message.contact
    if contact is not None:
        make_transient_to_detached(contact)
    make_transient_to_detached(message)
    session.add(message)
    message.__dict__["case"] = None  # known to be absent: no lazy load when someone asks
    if contact is None:
        message.__dict__["contact"] = None


def accept(  # noqa: PLR0913 - the fields of one submission
    session: Session,
    data: MessageIn,
    *,
    channel: str,
    key: str,
    source: str = "",
    idempotency_key: str | None = None,
) -> Accepted:
    """Store ``data`` as a new message (or find the one this key stored before).

    The insert is tried first and the key looked up only when it clashes: a retry is
    rare, a new message the rule.
    """
    _check_category(session, data.category_id)
    message = build_message(data, channel=channel, source=source, key=key)
    if not _insert(session, message, idempotency_key, data, key):
        earlier = _replay(session, idempotency_key, data) if idempotency_key is not None else None
        if earlier is not None:  # the same request, stored before (or meanwhile by a concurrent retry)
            return Accepted(earlier, identity.tracking_secret(key, earlier.id), created=False)
        msg = "a message with this external_id was already received from this source"
        raise IntakeError(msg, field="external_id", status=409)
    _attach(session, message)
    return Accepted(message, identity.tracking_secret(key, message.id), created=True)


def find_by_tracking(session: Session, code: str, secret: str) -> Message | None:
    """The message with this tracking code, only if the secret matches."""
    normalised = identity.normalise_code(code)
    message = session.scalar(select(Message).where(Message.tracking_code == normalised))
    if message is None or not identity.secret_matches(normalised, secret, message.tracking_secret_hash):
        return None
    return message


def failed_count(session: Session) -> int:
    """How many stored messages could not be processed at all (no case: no one sees them)."""
    query = select(func.count()).select_from(Message).where(Message.state == ProcessingState.FAILED)
    return session.scalar(query) or 0
