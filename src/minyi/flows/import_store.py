"""Storing an import batch's messages: a few statements a batch, not one a row.

:func:`prepare_messages` builds a batch's new messages (ids, tracking codes) and leaves
out the rows whose external id is stored already; :mod:`minyi.flows.import_batch` then
stores them with their cases in one transaction. When that fails, they are stored as
received (:func:`insert_prepared`: one ``INSERT … ON CONFLICT DO NOTHING RETURNING`` for
the messages, by ``COPY`` on PostgreSQL, and one for their contacts) and committed before
they are processed. :func:`analyse_tables` keeps PostgreSQL's statistics of the growing
tables current.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, cast

from sqlalchemy import Connection, Table, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.schema import ColumnDefault

from minyi.analysis.models import MessageAnalysis
from minyi.cases.models import Case, CaseEvent
from minyi.cases.routing import CaseRouting
from minyi.db.base import utcnow
from minyi.departments.models import Category
from minyi.intake import services as intake
from minyi.intake.models import Message, MessageContact, ProcessingState
from minyi.intake.schemas import MessageIn

__all__ = [
    "ID_QUERY_CHUNK",
    "Prepared",
    "Stored",
    "analyse_tables",
    "fresh_copy",
    "insert_prepared",
    "known_ids",
    "prepare_messages",
    "store_messages",
]

ID_QUERY_CHUNK = 500  # ids per IN (…) query, well below every database's parameter limit
MESSAGES = cast("Table", Message.__table__)
CONTACTS = cast("Table", MessageContact.__table__)


@dataclass(frozen=True)
class Stored:
    """The messages a batch stored (in row order) and how many rows were already stored."""

    messages: list[Message]
    positions: list[int]  # each message's index in the batch
    duplicates: int


def known_ids(session: Session, channel: str, source: str, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` are already stored as external ids for ``channel`` and ``source``."""
    known: set[str] = set()
    for start in range(0, len(ids), ID_QUERY_CHUNK):
        query = select(Message.external_id).where(
            Message.channel == channel,
            Message.source == source,
            Message.external_id.in_(ids[start : start + ID_QUERY_CHUNK]),
        )
        known.update(found for found in session.scalars(query) if found is not None)
    return known


def _check_categories(session: Session, rows: Sequence[MessageIn]) -> None:
    """Raise as intake does when a row asks for a category that does not exist."""
    wanted = sorted({data.category_id for data in rows if data.category_id})
    if not wanted:
        return
    found = set(session.scalars(select(Category.id).where(Category.id.in_(wanted))))
    for category_id in wanted:
        if category_id not in found:
            raise intake.IntakeError(f"no category with id {category_id!r}", field="category_id")


def _row(obj: Message | MessageContact, table: Table) -> dict[str, Any]:
    """The column values of a new object, Python-side defaults filled in (and set on it)."""
    row: dict[str, Any] = {}
    for column in table.columns:
        value = obj.__dict__.get(column.key)
        if value is None and isinstance(column.default, ColumnDefault) and column.default.is_scalar:
            value = column.default.arg
        setattr(obj, column.key, value)  # every column loaded: reading one never queries
        row[column.key] = value
    return row


def _insert_messages(session: Session, rows: list[dict[str, Any]]) -> set[str]:
    """Insert message rows, skipping those whose external id is stored; the ids inserted."""
    if not rows:
        return set()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return _copy_messages(connection, rows)
    statement = sqlite.insert(MESSAGES).on_conflict_do_nothing().returning(MESSAGES.c.id)
    return set(connection.execute(statement, rows).scalars())


def _copy_messages(connection: Connection, rows: list[dict[str, Any]]) -> set[str]:
    """PostgreSQL: ``COPY`` the rows into a temporary table, then one ``INSERT … SELECT``.

    The same ``ON CONFLICT DO NOTHING RETURNING`` as a multi-row ``INSERT``, without
    one: psycopg re-parsed its 13,000 placeholders every batch (about 13 % of the
    importing process). The temporary table is the connection's, emptied after each use.
    """
    columns = [column.name for column in MESSAGES.columns]
    names = ", ".join(f'"{name}"' for name in columns)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS minyi_import_stage (LIKE messages INCLUDING DEFAULTS)"
        )
        with cursor.copy(f"COPY minyi_import_stage ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_plain(row[column.key]) for column in MESSAGES.columns])
        cursor.execute(
            f"INSERT INTO messages ({names}) SELECT {names} FROM minyi_import_stage "  # noqa: S608 - the model's column names
            "ON CONFLICT DO NOTHING RETURNING id"
        )
        inserted = {found for (found,) in cursor.fetchall()}
        cursor.execute("TRUNCATE minyi_import_stage")
    return inserted


def _plain(value: object) -> object:
    """A value as COPY writes it: an enum member (the processing state) as its value."""
    return value.value if isinstance(value, Enum) else value


def _attach(session: Session, message: Message) -> None:
    """Make an inserted message a persistent object of ``session`` without reading it back."""
    contact = message.contact
    if contact is not None:
        make_transient_to_detached(contact)
    make_transient_to_detached(message)
    session.add(message)
    message.__dict__["case"] = None  # known to be absent: no lazy load when someone asks
    if contact is None:
        message.__dict__["contact"] = None


@dataclass(frozen=True)
class Prepared:
    """A batch's new messages, built (ids, tracking codes) but not stored yet."""

    messages: list[Message]
    positions: list[int]  # each message's index in the batch
    duplicates: int  # rows whose external id is stored already


def prepare_messages(
    session: Session, rows: Sequence[MessageIn], *, channel: str, source: str, key: str
) -> Prepared:
    """Build the messages of ``rows`` whose external id is not stored yet; nothing is written."""
    _check_categories(session, rows)
    ids = [data.external_id for data in rows if data.external_id is not None]
    known = known_ids(session, channel, source, ids)
    fresh = [(at, data) for at, data in enumerate(rows) if data.external_id not in known]
    built = [intake.build_message(data, channel=channel, source=source, key=key) for _, data in fresh]
    now = utcnow()
    for message in built:
        message.received_at = message.received_at or now
    return Prepared(built, [at for at, _ in fresh], len(rows) - len(fresh))


def insert_prepared(session: Session, prepared: Prepared, key: str) -> Stored:
    """Store prepared messages with two multi-row inserts, as received; the caller commits.

    A message whose external id was stored meanwhile (by a concurrent import) is
    counted as a duplicate, as intake would answer it. One whose tracking code is taken
    (``key``, the site secret, hashes the secret of the code drawn instead) is stored
    with another: it was once counted as a duplicate, lost from an import of a million.
    """
    built = prepared.messages
    inserted = _insert_messages(session, [_row(message, MESSAGES) for message in built])
    for _ in range(intake.TRACKING_DRAWS):  # a tracking code taken: drawn again, the row inserted again
        skipped = {m.tracking_code: m for m in built if m.id not in inserted}
        taken = intake.tracking_codes_taken(session, sorted(skipped)) if skipped else set()
        if not taken:
            break
        for code in taken:
            intake.draw_tracking_code(skipped[code], key)
        inserted |= _insert_messages(session, [_row(skipped[code], MESSAGES) for code in taken])
    kept = [(at, m) for at, m in zip(prepared.positions, built, strict=True) if m.id in inserted]
    contacts = []
    for _, message in kept:
        if message.contact is not None:
            message.contact.message_id = message.id
            contacts.append(message.contact)
    if contacts:
        session.connection().execute(CONTACTS.insert(), [_row(contact, CONTACTS) for contact in contacts])
    for _, message in kept:
        _attach(session, message)
    duplicates = prepared.duplicates + len(built) - len(kept)
    return Stored([m for _, m in kept], [at for at, _ in kept], duplicates)


def store_messages(
    session: Session, rows: Sequence[MessageIn], *, channel: str, source: str, key: str
) -> Stored:
    """Store ``rows`` as new messages (:func:`prepare_messages`, :func:`insert_prepared`)."""
    prepared = prepare_messages(session, rows, channel=channel, source=source, key=key)
    return insert_prepared(session, prepared, key)


def fresh_copy(prepared: Prepared) -> Prepared:
    """The prepared messages again, as built, for a second attempt after a rolled-back one."""
    copies = []
    for message in prepared.messages:
        values = {column.key: message.__dict__.get(column.key) for column in MESSAGES.columns}
        values.update(state=ProcessingState.RECEIVED, case_id=None, processing_error=None)
        copy = Message(**values)
        contact = message.contact
        if contact is not None:
            copy.contact = MessageContact(name=contact.name, phone=contact.phone, email=contact.email)
        copies.append(copy)
    return Prepared(copies, prepared.positions, prepared.duplicates)


def analyse_tables(session: Session) -> None:
    """Refresh PostgreSQL's statistics of the tables an import fills (``ANALYZE``); the caller commits.

    Without them a table that grew from empty is planned as if nearly empty: the lookup
    of a batch's external ids then used only ``(channel, source)`` of the unique index and
    filtered every message of the file, a scan per batch that grew with the import (64 ms
    a batch at 15,000 rows instead of 0.1 ms). Autovacuum analyses such tables in time
    when it runs; the import does not rely on it (it is off on some servers, and it lags
    a fast import). On SQLite nothing is done.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in (Message, MessageContact, MessageAnalysis, Case, CaseEvent, CaseRouting):
        session.execute(text(f"ANALYZE {model.__tablename__}"))
