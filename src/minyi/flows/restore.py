"""Restore the cases of a Minyi export after its messages were imported (``minyi import``).

``minyi import`` reads an export's messages (the ``minyi`` preset) and opens new cases for
them through the pipeline; it leaves the export's case columns alone. :func:`restore_cases`
reads the same file again (CSV or XLSX, :mod:`minyi.interop.export_layout`) and, for each
exported case (the consecutive rows of one 案件编号; a number whose rows come again after
another case's refuses the file, as the export never writes it so):

- gathers the imported messages of its rows into one case, the case of its first message,
  which takes the exported 案件编号 when no other case has it; a case left without
  messages is deleted (the import's placeholders) — unless staff or a citizen have worked
  on it (:func:`_worked_on`): such a case is kept with its history, noted, and named in
  the report (:attr:`RestoreReport.kept`). A message is found by its 留言编号 (``external_id``) *within what
  the import of this file stored* (channel ``import``, source the file's name or the
  ``source`` given to both commands): another file's or channel's message with the same
  id is never touched;
- gives an exported case a case of its own when the import had merged its messages into
  a case another exported case of the file already restored (near copies are merged as
  duplicates on import), so that every exported case is one case again;
- sets the case's status, opening (立案时间), acceptance, reply and closing times, urgency
  and supervision as exported, its department when a department of that code exists, and
  its title;
- adds the exported replies (答复记录) that the case does not already have (same text and
  time), so running it twice adds nothing;
- takes off the apostrophe the export put in front of a text a spreadsheet would run
  (:func:`~minyi.interop.export_layout.unescape_cell`).

A ``restored`` note is logged on each case (an internal note event). Works ``batch_size``
cases at a time: their messages, cases and replies read in a few queries, the changes
written in one flush and committed (one case at a time, a query and a flush each, it
restored 65 cases a second at 100k on PostgreSQL). At the end, like ``minyi import``, the
public figures and the knowledge base are brought up to date (a first case page after a
restore indexed two years of answers inside its request).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from minyi.cases import desk_due
from minyi.cases.models import (
    Case,
    CaseEvent,
    CaseRating,
    CaseStatus,
    EventAction,
    ExtensionRequest,
    Reply,
    StatementCase,
)
from minyi.cases.services import new_case_number
from minyi.core import localtime
from minyi.db.base import new_id, utcnow
from minyi.db.session import Database
from minyi.departments.models import Department
from minyi.flows.after_import import refresh_after_import
from minyi.intake.models import Message
from minyi.interop import export_layout as layout
from minyi.interop.tabular import ImportFileError, Record, cell_text, read_rows

__all__ = ["RestoreReport", "restore_cases"]

ACTOR = "restore"
#: The case columns holding times (立案, 受理, 答复期限, 答复, 办结), read back by :func:`_case_fields`.
TIME_HEADERS = ("立案时间", "受理时间", "答复期限", "签收期限", "答复时间", "办结时间")
#: The longest case number a case holds (``cases.number``).
NUMBER_LENGTH = 30
#: The years a restored time may have (as keyset cursors and the export's date bounds).
FIRST_YEAR, LAST_YEAR = 1900, 2999
RESTORED_NOTE = "restored from an export"
KEPT_NOTE = (
    "a restore moved every message of this case to other cases; "
    "the case is kept, with its history, for staff to check"
)


@dataclass(frozen=True)
class RestoreReport:
    """How many exported cases were restored, replies added, messages not found.

    ``kept``: the numbers of the cases the file left without messages that were kept, not
    deleted, because staff or a citizen had worked on them (a doctored or wrong file).
    """

    cases: int
    replies: int
    missing_messages: int
    kept: tuple[str, ...] = ()


def _text(record: Record, header: str) -> str:
    return layout.unescape_cell(cell_text(record.get(header)) or "")


def _time(value: str) -> datetime | None:
    """A time of the file (checked by :func:`_check_times`); one without its zone is the office's."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=localtime.zone())


def _check_file(path: Path) -> None:
    """Refuse the file, naming the row and column, if a time or case number of it cannot be stored.

    Checked before anything is written: a time without its zone (a spreadsheet's own date
    format) was refused by the database in the middle of the run, a year 1 at +14:00 or
    9999 at -14:00 overflowed in UTC, and two case numbers longer than a case number alike
    in their first 30 characters broke the unique index, each a traceback after the
    batches before were committed (eleventh probe). A time without its zone is now read in
    the office's timezone, as ``minyi import`` reads one.
    """
    began: dict[str, int] = {}  # each 案件编号 -> the row its case's rows began
    previous: str | None = None
    for line, record in read_rows(path).rows:
        number = _text(record, "案件编号")
        if len(number) > NUMBER_LENGTH:
            msg = f"{path.name}, row {line}, 案件编号: {number[:40]} has more than {NUMBER_LENGTH} characters"
            raise ImportFileError(msg)
        if number != previous:
            _check_repeat(number, began, f"{path.name}, row {line}")
            began.setdefault(number, line)
            previous = number
        for header in TIME_HEADERS:
            _check_time(_text(record, header), f"{path.name}, row {line}, {header}")
        for reply in _json_list(_text(record, layout.REPLIES_HEADER)):
            _check_time(str(reply.get("at") or ""), f"{path.name}, row {line}, {layout.REPLIES_HEADER}")


def _check_repeat(number: str, began: dict[str, int], where: str) -> None:
    """ImportFileError when the rows of case ``number`` began earlier, before another case's.

    An export writes a case's rows together; a number coming back after another's (rows
    sorted or pasted in a spreadsheet) was restored as a second case under a new number,
    counted as restored without a word (eleventh probe).
    """
    if number and number in began:
        msg = f"{where}, 案件编号: {number} comes again after other cases' rows"
        raise ImportFileError(f"{msg} (its rows began on row {began[number]})")


def _check_time(value: str, where: str) -> None:
    """ImportFileError naming ``where`` unless ``value`` is empty or a time of the years 1900–2999."""
    if not value:
        return
    try:
        moment = _time(value)
        year = moment.astimezone(UTC).year if moment is not None else 0
    except (ValueError, OverflowError):
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        shown = value if len(value) <= 40 else value[:40] + "…"  # noqa: PLR2004 - a cell's start
        raise ImportFileError(f"{where}: {shown} is not a time between {FIRST_YEAR} and {LAST_YEAR}")


def _groups(path: Path) -> Iterator[list[Record]]:
    """The file's rows, the consecutive rows of one case together."""
    table = read_rows(path)
    if not layout.is_export(table.columns):
        raise ImportFileError(
            f"{path.name}: not a Minyi export (it needs the columns 案件编号, 案件状态, 留言编号)"
        )
    _check_file(path)
    group: list[Record] = []
    for _, record in table.rows:
        if group and _text(record, "案件编号") != _text(group[0], "案件编号"):
            yield group
            group = []
        group.append(record)
    if group:
        yield group


def restore_cases(  # noqa: PLR0913 - the file, where its messages are, and how to report
    database: Database,
    path: Path,
    *,
    source: str | None = None,
    channel: str = "import",
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> RestoreReport:
    """Restore the exported cases of ``path`` over its imported messages (see the module text).

    ``source`` and ``channel``: what ``minyi import`` recorded on the file's messages
    (default: the file's name and ``import``, as the import's own defaults). ``progress``
    is told the number of exported cases read so far after each batch.
    """
    cases = replies = missing = read = 0
    stored = _Stored(channel, (source or Path(path).name)[:120], {})
    kept: list[str] = []
    with database.session() as session:
        for batch in _batches(_groups(Path(path)), batch_size):
            for added, lost in _restore_batch(session, batch, stored):
                cases += added >= 0
                replies += max(added, 0)
                missing += lost
            kept.extend(stored.kept)
            session.commit()
            session.expunge_all()
            stored.kept.clear()
            read += len(batch)
            if progress is not None:
                progress(read)
        desk_due.recount_waiting_cases(session)  # the restored kinds, categories and states at the desk
        session.commit()
    refresh_after_import(database)
    return RestoreReport(cases, replies, missing, tuple(kept))


def _batches(groups: Iterable[list[Record]], size: int) -> Iterator[list[list[Record]]]:
    """``size`` exported cases at a time."""
    iterator = iter(groups)
    while batch := list(itertools.islice(iterator, max(size, 1))):
        yield batch


@dataclass
class _Stored:
    """Where the import put the file's messages, and which case each exported number got."""

    channel: str
    source: str
    claimed: dict[str, str]  # case id -> the exported 案件编号 restored into it in this run
    departments: dict[str, Department | None] = field(default_factory=dict)  # by code, read once
    #: This batch's exported numbers -> the case holding each (None: free), kept up to date
    numbers: dict[str, str | None] = field(default_factory=dict)
    #: Cases a message of this batch left: deleted at the batch's end if they hold none
    left: dict[str, Case] = field(default_factory=dict)
    #: Numbers cases gave up in this batch (not yet written: taking one needs a flush first)
    freed: set[str] = field(default_factory=set)
    #: Numbers of the emptied cases kept for their history in this batch (for the report)
    kept: list[str] = field(default_factory=list)


_IN_SLICE = 900  # ids a query: under SQLite's older limit of 999 parameters


def _restore_batch(session: Session, batch: list[list[Record]], stored: _Stored) -> list[tuple[int, int]]:
    """Restore a batch of exported cases: read together, restored one by one, written in one flush."""
    ids = [_text(record, "留言编号") for group in batch for record in group]
    messages: dict[str, Message] = {}
    for start in range(0, len(ids), _IN_SLICE):
        query = (
            select(Message)
            .where(
                Message.external_id.in_(ids[start : start + _IN_SLICE]),
                Message.channel == stored.channel,
                Message.source == stored.source,
            )
            .options(selectinload(Message.case).selectinload(Case.replies))
        )
        messages.update((m.external_id or "", m) for m in session.scalars(query))
    exported = {_text(group[0], "案件编号") for group in batch} - {""}
    stored.numbers = dict.fromkeys(exported)
    ordered = sorted(exported)
    for start in range(0, len(ordered), _IN_SLICE):
        held = select(Case.number, Case.id).where(Case.number.in_(ordered[start : start + _IN_SLICE]))
        stored.numbers.update((number, case_id) for number, case_id in session.execute(held))
    with session.no_autoflush:
        results = [_restore(session, group, stored, messages) for group in batch]
    _drop_emptied(session, stored)
    return results


def _drop_emptied(session: Session, stored: _Stored) -> None:
    """Write the batch, then delete the cases its messages left that hold no message now.

    A case someone worked on is kept (:func:`_keep`): the events, replies and ratings of a
    case go with it (ON DELETE CASCADE), and a second run with a doctored file of the same
    source emptied, and so deleted, a case staff had answered (thirteenth probe).
    """
    session.flush()
    if stored.left:
        holding = set(
            session.scalars(select(Message.case_id).where(Message.case_id.in_(list(stored.left))).distinct())
        )
        emptied = [case_id for case_id in stored.left if case_id not in holding]
        worked = _worked_on(session, emptied)
        for case_id in emptied:
            if case_id in worked:
                _keep(session, stored.left[case_id], stored)
            else:
                session.delete(stored.left[case_id])
        session.flush()
    stored.left.clear()
    stored.freed.clear()


def _worked_on(session: Session, case_ids: list[str]) -> set[str]:
    """The cases of ``case_ids`` with a history a restore must not delete.

    An event a staff member made (dispatch, note, status …), a reply, a rating (回访), a
    request for more time or a statement answering it. The import's own steps (opened,
    routed by a rule) and a restore's note are made by no user: a placeholder has none.
    """
    found: set[str] = set()
    for start in range(0, len(case_ids), _IN_SLICE):
        ids = case_ids[start : start + _IN_SLICE]
        for column, extra in (
            (CaseEvent.case_id, CaseEvent.actor_user_id.is_not(None)),
            (Reply.case_id, None),
            (CaseRating.case_id, None),
            (ExtensionRequest.case_id, None),
            (StatementCase.case_id, None),
        ):
            query = select(column).where(column.in_(ids)).distinct()
            found.update(session.scalars(query if extra is None else query.where(extra)))
    return found


def _keep(session: Session, case: Case, stored: _Stored) -> None:
    """Keep an emptied case someone worked on: a note on it, its number in the report."""
    session.add(
        CaseEvent(
            id=new_id(), case_id=case.id, actor=ACTOR, action=EventAction.NOTE, payload={"note": KEPT_NOTE}
        )
    )
    stored.kept.append(case.number)


def _restore(
    session: Session, group: list[Record], stored: _Stored, messages: dict[str, Message]
) -> tuple[int, int]:
    """Restore one case: (replies added, or -1 when none of its messages is stored; messages missing)."""
    ids = [_text(record, "留言编号") for record in group]
    found = [messages[i] for i in ids if i in messages]
    if not found:
        return -1, len(ids)
    case = next((m.case for m in found if m.case is not None), None)
    if case is None:
        return -1, len(ids)
    exported = _text(group[0], "案件编号")
    if stored.claimed.get(case.id, exported) != exported:  # merged on import with another exported case
        case = _own_case(session, exported, found[0], stored)
    stored.claimed[case.id] = exported
    _take_number(session, case, exported, stored)
    for record in group:
        message = messages.get(_text(record, "留言编号"))
        if message is not None:
            _fix_texts(message, record)
            _join(case, message, stored)
    _case_fields(session, case, group[0], stored.departments)
    added = _replies(case, _json_list(_text(group[0], layout.REPLIES_HEADER)))
    # added, not appended: appending read every event of the case first
    session.add(
        CaseEvent(
            id=new_id(),
            case_id=case.id,
            actor=ACTOR,
            action=EventAction.NOTE,
            payload={"note": "restored from an export"},
        )
    )
    return added, len(ids) - len(found)


def _own_case(session: Session, exported: str, first: Message, stored: _Stored) -> Case:
    """A new case for an exported case whose messages the import merged into another's."""
    free = bool(exported) and _number_free(session, exported, stored)
    case = Case(
        id=new_id(),
        number=exported if free else new_case_number(session, utcnow()),
        title=(first.title or first.body)[:500],
        status=CaseStatus.RECEIVED,
        is_public=first.is_public,
    )
    session.add(case)  # written with the batch: its id is set, and a drawn number is random
    stored.numbers[case.number] = case.id
    return case


def _take_number(session: Session, case: Case, exported: str, stored: _Stored) -> None:
    """Give ``case`` the exported number citizens know, unless another case has it."""
    if not exported or case.number == exported:
        return
    if _number_free(session, exported, stored):
        if stored.numbers.get(case.number) == case.id:
            stored.numbers[case.number] = None
        stored.freed.add(case.number)
        case.number = exported
        stored.numbers[exported] = case.id


def _number_free(session: Session, number: str, stored: _Stored) -> bool:
    """Whether no case holds ``number``, as the database will have it once the batch is written.

    A number given up earlier in the batch, or held by a case the batch may empty, is
    settled by writing the batch so far first: one flush's order of updates must never
    hold one number twice (the unique index), and an emptied case's number is free.
    """
    holder = stored.numbers.get(number)
    if (holder is not None and holder in stored.left) or number in stored.freed:
        _drop_emptied(session, stored)
        holder = session.scalar(select(Case.id).where(Case.number == number))
        stored.numbers[number] = holder
    return holder is None


def _json_list(text: str) -> list[dict[str, Any]]:
    """The JSON list of a cell; empty when the cell is empty or cut (an XLSX cell holds 32 767 characters).

    Or nested past what the decoder follows (100,000 ``[``: a RecursionError's traceback).
    """
    try:
        value = json.loads(text or "[]")
    except (ValueError, RecursionError):
        return []
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _fix_texts(message: Message, record: Record) -> None:
    for attribute, header in (("title", "留言主题"), ("body", "留言详情"), ("address", "地址")):
        stored = getattr(message, attribute)
        if stored and stored.startswith("'") and layout.unescape_cell(stored) != stored:
            setattr(message, attribute, _text(record, header) or layout.unescape_cell(stored))


def _join(case: Case, message: Message, stored: _Stored) -> None:
    """Move ``message`` into ``case``; the case it leaves is deleted at the batch's end if emptied."""
    old = message.case
    if old is not None and old.id != case.id:
        stored.left[old.id] = old
    if old is None or old.id != case.id:
        message.case = case


def _case_fields(
    session: Session, case: Case, record: Record, departments: dict[str, Department | None]
) -> None:
    status = _text(record, "案件状态")
    if status in CaseStatus.__members__.values():
        case.status = CaseStatus(status)
    title = _text(record, "案件标题")
    if title:
        case.title = title[:500]
    code = _text(record, "承办部门")
    if code:
        if code not in departments:  # read once a run, not once a case
            departments[code] = session.scalar(select(Department).where(Department.code == code))
        department = departments[code]
        if department is not None:
            case.department = department
    case.urgent = _text(record, "紧急") in {"1", "True", "true"}
    case.supervised = _text(record, "督办") in {"1", "True", "true"}
    opened = _time(_text(record, "立案时间"))
    if opened is not None:  # two years of history landed on the import day: dates, filters, Open311
        case.created_at = opened
    for attribute, header in (
        ("accepted_at", "受理时间"),
        ("due_at", "答复期限"),
        ("replied_at", "答复时间"),
        ("closed_at", "办结时间"),
    ):
        setattr(case, attribute, _time(_text(record, header)))
    if "签收期限" in record:  # an export from before the acceptance deadline (0029) has no such column
        case.sign_due_at = _time(_text(record, "签收期限"))


def _replies(case: Case, exported: list[dict[str, Any]]) -> int:
    have = {(reply.body, reply.created_at) for reply in case.replies}
    added = 0
    for item in exported:
        body, at = str(item.get("body") or ""), _time(str(item.get("at") or ""))
        if not body or any(b == body and (at is None or t == at) for b, t in have):
            continue
        reply = Reply(id=new_id(), body=body, is_public=bool(item.get("public", True)))
        if at is not None:
            reply.created_at = at
        case.replies.append(reply)
        have.add((body, at))  # type: ignore[arg-type]
        added += 1
    return added
