"""Storing and processing an import batch in bulk: a few statements a batch, not a dozen a row.

``minyi import`` used to accept each row through intake (one insert each) and process
each message in its own savepoint, flushing after every step: about 12 statements and
15 ms of CPU a row. Here a batch of rows (``--batch-size``, 500 by default) is

1. **prepared**: its messages are built (ids, tracking codes), those whose external id is
   stored already left out (:func:`prepare_messages`);
2. **analysed** with the pipeline's batch API (:meth:`TextPipeline.analyse_many`);
3. **processed and stored** in one transaction without autoflush (:func:`store_processed`):
   messages, analyses, cases, their events, routing records and notices are built as
   objects and written table by table without the unit of work
   (:mod:`minyi.flows.import_write`: ``COPY`` on PostgreSQL; one flush instead when the
   batch holds what only a flush writes alike, such as a recent message's alert), and
   the public-search index is brought up to date once, when the batch commits. If that
   fails, nothing was written: the messages are stored as received with one
   ``INSERT … ON CONFLICT DO NOTHING RETURNING`` and committed
   (:func:`insert_prepared`), then processed (:func:`process_messages`).

What the processing reads is loaded up front: the messages that the batch duplicates,
with their cases, in one query; categories are cached per session by
:func:`minyi.analysis.services.category_for_label`.

The processing does what :func:`minyi.flows.processing.process` does for one message (a
test imports one file both ways and compares every derived row). When anything in a
batch fails, the batch's processing is rolled back and the batch is processed again
message by message, each in its own savepoint (:func:`process_safely`), so one bad row
is marked ``failed`` with its error, as before, and the others are processed.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from minyi.alerts import services as alert_services
from minyi.alerts.services import KEYWORD_MAX_AGE
from minyi.analysis import services as analysis_services
from minyi.analysis.models import MessageAnalysis
from minyi.cases import routing
from minyi.cases import services as cases
from minyi.cases.deadlines import DeadlinePolicy
from minyi.cases.events import SYSTEM
from minyi.cases.models import Case, CaseEvent, CaseStatus, EventAction
from minyi.cases.rules import deadline_policy, due_by_rules
from minyi.core.localtime import local_date
from minyi.db.base import new_id, utcnow
from minyi.departments.models import Category
from minyi.flows.import_store import (
    ID_QUERY_CHUNK,
    Prepared,
    Stored,
    analyse_tables,
    fresh_copy,
    insert_prepared,
    known_ids,
    prepare_messages,
    store_messages,
)
from minyi.flows.import_write import NotBulk, write_new
from minyi.flows.processing import analyse_batch, process_safely, urgent_reason
from minyi.intake.models import Message, ProcessingState
from minyi.pipeline.runner import Analysis, TextPipeline

__all__ = [  # the storing side is re-exported from minyi.flows.import_store
    "CaseNumberClashError",
    "Prepared",
    "Stored",
    "analyse_tables",
    "fresh_copy",
    "insert_prepared",
    "known_ids",
    "prepare_messages",
    "process_messages",
    "store_messages",
    "store_processed",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # as minyi.cases.services draws them
NUMBER_LENGTH = 8
NUMBERS = len(NUMBER_ALPHABET) ** NUMBER_LENGTH  # one draw below this: 8 letters at once


class CaseNumberClashError(RuntimeError):
    """A drawn case number is taken (31**8 a day: never in practice); the batch goes row by row."""


@dataclass
class _Shared:
    """What the messages of a batch share while processed: ids known to exist, numbers drawn."""

    stored: set[str]
    targets: dict[str, Case | None]  # the stored messages it duplicates → their cases (held: see below)
    batch: dict[str, Message]  # the batch's messages by id (not in the identity map while pending)
    numbers: dict[str, str] = field(default_factory=dict)  # case number drawn → its case's id
    routings: list[tuple[Case, MessageAnalysis | None, float]] = field(default_factory=list)
    new: list[object] | None = None  # the batch's own new rows, kept out of the session (bulk only)
    policy: DeadlinePolicy | None = None  # the deadline rules, read once a batch (cases.desk_due)

    def desk_due(self, session: Session, case: Case, message: Message) -> datetime | None:
        """The rules' deadline of ``case`` at the desk counted from ``message`` (no query a row)."""
        if self.policy is None:
            self.policy = deadline_policy(session)
        start = message.submitted_at or message.received_at or utcnow()
        path = case.category.path if case.category else None
        return due_by_rules(self.policy, start, case.appeal_kind, path, urgent=bool(case.urgent))

    def keep(self, session: Session, row: object) -> None:
        """Hold a new row for :func:`write_new`; without ``new``, add it to the session as before.

        ``Session.add`` walks the save-update cascade from every object added (the largest
        item in a profile of the importing process, with the backref events it follows):
        the rows ``write_new`` writes itself need neither, and only the fallback flush
        needs them in the session (:func:`_write_batch` adds them then).
        """
        if self.new is None:
            session.add(row)
        else:
            self.new.append(row)


def store_processed(
    session: Session,
    prepared: Prepared,
    pipeline: TextPipeline | None,
    results: list[Analysis | None],
    *,
    bulk: bool = True,
) -> Stored:
    """Store prepared messages already processed: each row written once, in one transaction.

    The messages are inserted by the batch's flush with their case and state, after the
    cases: no ``UPDATE`` of every message just stored (on PostgreSQL a second version
    of each row and of its eight index entries). Anything failing raises (a message
    stored meanwhile by a concurrent import among them); the caller rolls back and
    stores first, then processes (:func:`insert_prepared`, :func:`process_messages`).
    The caller commits.

    With ``bulk`` the rows are written by :func:`minyi.flows.import_write.write_new`
    (``COPY`` on PostgreSQL, no unit of work) and the session is emptied: the messages
    returned are then detached, their cases not in the session (the caller adds no
    replies to them; a batch with replies passes ``bulk=False``).
    """
    session.add_all(prepared.messages)
    _process_together(session, prepared.messages, pipeline, results, bulk=bulk)
    return Stored(prepared.messages, prepared.positions, prepared.duplicates)


def process_messages(
    session: Session,
    messages: list[Message],
    pipeline: TextPipeline | None,
    results: list[Analysis | None] | None = None,
) -> None:
    """Process stored ``messages`` as one batch; row by row (in savepoints) if the batch fails.

    ``results`` are their analyses when the batch was analysed already (a None: analyse
    that message alone). The caller commits. Afterwards each message is ``processed``
    or, if processing it alone failed too, ``failed`` with the error (``minyi process``
    retries it).
    """
    if results is None:
        results = analyse_batch(pipeline, messages)
    try:
        _process_together(session, messages, pipeline, results)
    except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others: go row by row
        log.warning(
            "batch processing failed (%s: %s); processing %d messages one at a time",
            type(exc).__name__,
            exc,
            len(messages),
        )
        session.rollback()  # the messages were committed: only this batch's processing is undone
        for message, result in zip(messages, results, strict=True):
            process_safely(session, message, pipeline, result)


def _process_together(
    session: Session,
    messages: list[Message],
    pipeline: TextPipeline | None,
    results: list[Analysis | None],
    *,
    bulk: bool = False,
) -> None:
    """Process every message in memory, then write all of it at once (``bulk``: without a flush)."""
    with session.no_autoflush:
        targets = _load_duplicate_targets(session, messages, results)
        batch = {message.id: message for message in messages}
        shared = _Shared(set(batch) | set(targets), targets, batch)
        if bulk and not (pipeline is not None and any(_recent(message) for message in messages)):
            shared.new = []  # nothing flushes mid-batch: the batch's own rows stay out of the session
        for message, result in zip(messages, results, strict=True):
            _process_one(session, message, pipeline, result, shared)
        _check_numbers(session, shared.numbers)
        if bulk:
            _write_batch(session, shared)
            return
    session.flush()
    for case, analysis, threshold in shared.routings:  # a routing row names its case by id only:
        routing.record_routing(session, case, analysis, threshold)  # the cases must be written first
    session.flush()


def _write_batch(session: Session, shared: _Shared) -> None:
    """Write the batch with :func:`write_new`; if it refuses, flush, the routing rows last."""
    routings = [routing.record_routing(session, *planned) for planned in shared.routings]
    try:
        write_new(session, shared.new or ())
    except NotBulk as refusal:  # written nothing: flush as below, the routing rows last
        log.info("batch flushed by the unit of work: %s", refusal)
        for row in routings:
            if row is not None:
                session.expunge(row)
        session.add_all(shared.new or ())
        session.flush()
        session.add_all(row for row in routings if row is not None)
        session.flush()


def _recent(message: Message) -> bool:
    """Whether keyword alerts watch ``message`` (then its processing flushes mid-batch)."""
    return utcnow() - (message.submitted_at or message.received_at or utcnow()) <= KEYWORD_MAX_AGE


def _load_duplicate_targets(
    session: Session, messages: list[Message], results: list[Analysis | None]
) -> dict[str, Case | None]:
    """The stored messages the batch duplicates (outside the batch) → their cases, in one query.

    Only the cases are loaded, not the messages: a duplicate needs its earlier message's
    case, and loading every earlier message whole (its text too) was the largest item of
    the importing process once most rows duplicate (as in a file of repeated
    complaints). The caller keeps the mapping: the session's identity map holds objects
    weakly, so without it each case would be read again.
    """
    batch = {message.id for message in messages}
    wanted = sorted(
        {r.duplicate.matched_id for r in results if r is not None and r.duplicate is not None} - batch
    )
    found: dict[str, Case | None] = {}
    for start in range(0, len(wanted), ID_QUERY_CHUNK):
        query = (
            select(Message.id, Case)
            .outerjoin(Case, Case.id == Message.case_id)
            .where(Message.id.in_(wanted[start : start + ID_QUERY_CHUNK]))
        )
        found.update((message_id, case) for message_id, case in session.execute(query))
    return found


def _process_one(
    session: Session,
    message: Message,
    pipeline: TextPipeline | None,
    result: Analysis | None,
    shared: _Shared,
) -> None:
    """:func:`minyi.flows.processing.process` without a flush or a query per step."""
    analysis = None
    urgent = None
    if pipeline is not None:
        result = result or pipeline.analyse(analysis_services.pipeline_input(message))
        analysis = _analysis_row(session, message, result, shared)
        if _recent(message):
            session.flush()  # a recent message may raise an alert, which looks for earlier ones
            urgent = urgent_reason(alert_services.watch_message(session, message, analysis))
    case = _attach_duplicate(session, message, analysis, shared)
    if case is None:
        threshold = pipeline.route_threshold if pipeline is not None else 1.0
        case = _open_case(session, message, analysis, (threshold, urgent), shared)
        shared.routings.append((case, analysis, threshold))
    elif urgent:
        cases.mark_urgent(session, case, urgent)
    message.state = ProcessingState.PROCESSED
    message.processing_error = None


def _analysis_row(session: Session, message: Message, analysis: Analysis, shared: _Shared) -> MessageAnalysis:
    """The analysis row of a new message, as :func:`minyi.analysis.services.store` writes it."""
    values = {
        "message_id": message.id,
        "normalized_title": analysis.normalized_title,
        "normalized_body": analysis.normalized_body,
        "truncated": analysis.truncated,
        "original_length": analysis.original_length,
        "pii_kinds": analysis.pii_kinds,
        "appeal_kind": analysis.appeal_kind,
        "appeal_confidence": analysis.appeal_confidence,
        "appeal_reasons": analysis.appeal_reasons,
        "appeal_model": analysis.appeal_model,
        "pipeline_version": analysis.pipeline_version,
        "analysed_at": utcnow(),
    }
    match = analysis.duplicate
    if match is not None and match.matched_id in shared.stored:
        values.update(
            duplicate_of_id=match.matched_id,
            duplicate_kind=match.kind,
            duplicate_similarity=round(match.similarity, 4),
            duplicate_relation=match.relation,
            duplicate_status="auto",
        )
    row = _new_row(MessageAnalysis, values)
    analysis_services.apply_category(session, row, analysis.category)
    guess = analysis.category
    row.category = analysis_services.category_for_label(session, guess.label) if guess else None
    shared.keep(session, row)
    return row


def _new_row(model: type[T], values: dict[str, Any]) -> T:
    """A new object of ``model`` with its column ``values`` set straight, without attribute events.

    A new row has no history to keep: both ways of writing it (the batch's ``COPY``
    and a flush) read its values from the object's dictionary. About 20 instrumented
    attribute sets a row fewer (the ORM's bookkeeping was most of the importer's CPU).
    """
    row = inspect(model).class_manager.new_instance()
    row.__dict__.update(values)
    return cast("T", row)


def _attach_duplicate(
    session: Session, message: Message, analysis: MessageAnalysis | None, shared: _Shared
) -> Case | None:
    """:func:`minyi.cases.merging.attach_duplicate` without its flush."""
    if analysis is None or analysis.duplicate_of_id is None:
        return None
    earlier = shared.batch.get(analysis.duplicate_of_id)
    case = earlier.case if earlier is not None else shared.targets.get(analysis.duplicate_of_id)
    if case is None or case.status == CaseStatus.CLOSED:
        return None
    _join(message, case, shared)
    if case.due_at is None and case.desk_due_at is not None:  # an older message moves it earlier
        due = shared.desk_due(session, case, message)
        if due is not None and due < case.desk_due_at:
            case.desk_due_at = due
    payload = {
        "message_id": message.id,
        "duplicate_of": analysis.duplicate_of_id,
        "kind": analysis.duplicate_kind,
        "similarity": analysis.duplicate_similarity,
        "relation": analysis.duplicate_relation,
    }
    # by the case's id: no event appended to a stored case's log
    shared.keep(session, _new_row(CaseEvent, _event(case, EventAction.MERGED, payload)))
    return case


def _event(case: Case, action: EventAction, payload: dict[str, Any]) -> dict[str, Any]:
    """The column values of a system event that leaves the status, as :func:`cases.record` writes it."""
    return {
        "id": new_id(),
        "case_id": case.id,
        "actor": SYSTEM,
        "actor_user_id": None,
        "action": action,
        "from_status": case.status,
        "to_status": case.status,
        "payload": payload,
        "created_at": utcnow(),
    }


def _join(message: Message, case: Case, shared: _Shared) -> None:
    """Put ``message`` in ``case``: without attribute events when the batch is written in bulk.

    In bulk the message names its case straight (its foreign key and the relationship,
    which a later duplicate in the batch reads): no backref append to the case's
    messages, and no save-update cascade from the pending message into the case.
    """
    if shared.new is None:
        message.case = case
    else:
        message.__dict__.update(case=case, case_id=case.id)


def _choose_category(
    session: Session, message: Message, analysis: MessageAnalysis | None, threshold: float
) -> tuple[Category | None, str | None]:
    """The citizen's category, else a confident guess of the pipeline (as ``open_case`` chooses)."""
    if message.requested_category_id:
        return session.get(Category, message.requested_category_id), "citizen"
    if analysis is None or analysis.category is None or (analysis.category_confidence or 0) < threshold:
        return None, None
    model = analysis.category_model or ""
    return analysis.category, "keywords" if model.startswith("keywords:") else "classifier"


def _number(now: datetime, case_id: str, numbers: dict[str, str]) -> str:
    """A case number drawn as ``open_case`` draws it; checked against the database per batch."""
    day = f"{local_date(now):%Y%m%d}-"
    while True:
        number = day + _suffix(secrets.randbelow(NUMBERS))
        if number not in numbers:
            numbers[number] = case_id
            return number


def _suffix(drawn: int) -> str:
    """The 8 letters of a number drawn uniformly below 31**8 (as 8 uniform draws of a letter)."""
    letters = []
    for _ in range(NUMBER_LENGTH):
        drawn, at = divmod(drawn, len(NUMBER_ALPHABET))
        letters.append(NUMBER_ALPHABET[at])
    return "".join(letters)


def _check_numbers(session: Session, numbers: dict[str, str]) -> None:
    """Raise :class:`CaseNumberClashError` if a number drawn is another case's (then: row by row).

    Runs before the batch's flush; a case of the batch written earlier (a flush before a
    keyword check) is no clash.
    """
    drawn = sorted(numbers)
    for start in range(0, len(drawn), ID_QUERY_CHUNK):
        query = select(Case.number, Case.id).where(Case.number.in_(drawn[start : start + ID_QUERY_CHUNK]))
        for number, case_id in session.execute(query):
            if numbers[number] != case_id:
                raise CaseNumberClashError(f"case number {number} is taken")


def _open_case(
    session: Session,
    message: Message,
    analysis: MessageAnalysis | None,
    how: tuple[float, str | None],
    shared: _Shared,
) -> Case:
    """:func:`minyi.cases.services.open_case` without its flush and its number query.

    ``how`` is the routing threshold and the urgent reason (or None).
    """
    threshold, urgent = how
    now = utcnow()
    category, source = _choose_category(session, message, analysis, threshold)
    case_id = new_id()
    values = {
        "id": case_id,
        "number": _number(now, case_id, shared.numbers),
        "title": message.title,
        "category_source": source,
        "appeal_kind": analysis.appeal_kind if analysis else None,
        "is_public": message.is_public,
        "status": CaseStatus.RECEIVED,
        "created_at": now,
    }
    case = _new_row(Case, values)
    case.category = category
    shared.keep(session, case)
    _join(message, case, shared)
    payload = {"message_id": message.id, "channel": message.channel}
    if shared.new is None:
        cases.record(session, case, EventAction.RECEIVED, payload=payload)
    else:  # as cases.record writes it, by the case's id: the case stays out of the session
        shared.keep(session, _new_row(CaseEvent, _event(case, EventAction.RECEIVED, payload)))
    if urgent:
        cases.mark_urgent(session, case, urgent, now=now)
    cases.route_by_category(session, case)
    if case.due_at is None:  # waits at the desk: the rules' deadline, in the same write (cases.desk_due)
        case.__dict__["desk_due_at"] = shared.desk_due(session, case, message)
    return case
