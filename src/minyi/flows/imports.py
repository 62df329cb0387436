"""Bulk import of messages and public posts from CSV, TSV, XLSX and JSONL files.

:func:`import_messages` is what ``minyi import FILE`` runs. It keeps the project's rule:
nothing lost, nothing half-written, and bad input gets an error naming the row and field.

1. **Columns.** The file's header is matched to message fields
   (:func:`minyi.interop.mapping.detect_mapping`): common Chinese and English names are
   recognised (``留言详情``, ``内容``, ``body`` …), ignoring case, spaces, underscores,
   hyphens and full-width forms; an explicit mapping (``--map body=内容``) wins. Without
   a title column the title is the first 30 characters of the body (whitespace
   collapsed); without a body column the body is the title. With neither, the import
   stops and lists the columns it found.
2. **Validation pass.** Every row becomes a :class:`~minyi.intake.schemas.MessageIn`; the
   problems are collected as :class:`RowError`. If there are any and ``skip_invalid`` is
   off, nothing is written and :class:`ImportValidationError` lists them.
3. **Storing pass.** The file is read again and the valid rows are stored in batches
   (:mod:`minyi.flows.import_batch`): each batch is analysed (in worker processes while
   the batches before are written), processed as a whole (opening cases) and stored with
   its cases in one transaction, each message written once with its case and state
   (by ``COPY`` on PostgreSQL, without the unit of work: :mod:`minyi.flows.import_write`). If
   that fails, nothing of the batch is written and it goes the safe way: its messages
   are stored and committed, then processed, message by message if need be, and a
   message whose processing fails is marked ``failed`` while the others go on
   (``minyi process`` retries it). A crash loses no committed batch and leaves no
   half-written one.

Re-running a file is idempotent when it has an id column: a row whose ``external_id`` is
already stored for the same channel and source is counted as a duplicate, as is a row
repeating an id seen earlier in the same file (the first one wins).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from minyi.analysis.provider import build_pipeline
from minyi.cases.services import CaseError, add_historical_reply
from minyi.core.localtime import DEFAULT_TIMEZONE
from minyi.db.session import Database
from minyi.flows.after_import import refresh_after_import
from minyi.flows.import_analysis import BatchAnalyser, Submitted, worker_is_useful
from minyi.flows.import_batch import process_messages, store_processed
from minyi.flows.import_report import ImportReport, ImportValidationError
from minyi.flows.import_store import (
    Prepared,
    Stored,
    analyse_tables,
    fresh_copy,
    insert_prepared,
    known_ids,
    prepare_messages,
)
from minyi.intake.models import Message, ProcessingState
from minyi.intake.schemas import MessageIn
from minyi.interop.layout import Layout, Rejects, Reply, ReplyReader, detect_layout
from minyi.interop.mapping import FIELD_ALIASES, RowConverter, RowError, detect_mapping
from minyi.interop.tabular import ImportFileError, Record, TabularFile, read_rows
from minyi.pipeline.runner import Analysis, TextPipeline
from minyi.settings import Settings

__all__ = [
    "FIELD_ALIASES",
    "ImportFileError",
    "ImportReport",
    "ImportValidationError",
    "RowError",
    "detect_layout",
    "detect_mapping",
    "import_messages",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

AHEAD = 3  # batches handed to the analysis workers before the oldest is written: they never wait
SOURCE_MAX_CHARS = 120  # Message.source is String(120)
CHANNEL_MAX_CHARS = 20  # Message.channel is String(20)


@dataclass(frozen=True)
class _Job:
    database: Database
    table: TabularFile
    convert: RowConverter
    key: str
    channel: str
    source: str
    batch_size: int
    progress: Callable[[int], None] | None
    pipeline: TextPipeline | None = None
    settings: Settings | None = None
    layout: Layout | None = None
    reply: ReplyReader | None = None
    parallel: bool = False


@dataclass(frozen=True)
class _Stored:
    """Counts of a storing pass (or, in a dry run, of what it would do)."""

    imported: int = 0
    duplicates: int = 0
    failed: int = 0
    replies: int = 0

    def __add__(self, other: _Stored) -> _Stored:
        """The counts of both."""
        return _Stored(
            self.imported + other.imported,
            self.duplicates + other.duplicates,
            self.failed + other.failed,
            self.replies + other.replies,
        )


@dataclass
class _Scan:
    rows_read: int = 0
    invalid: list[RowError] = field(default_factory=list)
    skip: set[int] = field(default_factory=set)
    repeated: int = 0
    ids: set[str] = field(default_factory=set)
    replies: int = 0
    answered: list[str | None] = field(default_factory=list)


def import_messages(  # noqa: PLR0913 - one keyword per option of `minyi import`
    database: Database,
    path: Path,
    *,
    key: str,
    source: str | None = None,
    mapping: dict[str, str] | None = None,
    channel: str = "import",
    batch_size: int = 500,
    skip_invalid: bool = False,
    dry_run: bool = False,
    tz: str = DEFAULT_TIMEZONE,
    progress: Callable[[int], None] | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    rejects: Path | None = None,
    pipeline: TextPipeline | None = None,
    settings: Settings | None = None,
    layout: str | None = None,
    parallel: bool | None = None,
) -> ImportReport:
    """Import the messages in a CSV, TSV, XLSX or JSONL file (see the module text).

    Args:
        database: Where to store them; the import commits once per batch.
        path: The file.
        key: The site secret, for author pseudonyms and tracking secrets.
        source: Names the origin for duplicate detection (default: the file name).
        mapping: Field → column, over the recognised headers (``{"body": "内容"}``).
        channel: The channel recorded on each message.
        batch_size: Rows per transaction.
        skip_invalid: Import the valid rows and report the others, instead of nothing.
        dry_run: Validate, and count what would be imported, but write nothing.
        tz: The IANA timezone of times given without an offset.
        progress: Called after each batch with how many data rows have been handled so far
            (while storing; in a dry run, while validating).
        encoding: The text encoding of a CSV/TSV/JSONL file (default: detected).
        sheet: The XLSX worksheet (default: the first).
        rejects: Write the invalid rows, with their errors, to this CSV file (UTF-8 with a
            BOM, so Excel opens it; it is written, header only, even when all rows are valid).
        pipeline: The text pipeline that analyses each stored message (default: the one
            built from the database, as the server would).
        settings: The settings the default pipeline is built with (default: from the
            environment).
        layout: A preset's name (``附件4``, see :mod:`minyi.interop.presets`), ``"generic"``
            for header recognition only, or ``None`` (default) to detect the preset. A file
            with replies (附件4) stores each 答复意见 as a historical public reply and closes
            its case with the 答复时间.
        parallel: Analyse the next batch in a forked worker process while this one is
            written (:mod:`minyi.flows.import_analysis`); ``None`` (default): when it is
            safe and useful (two CPUs, the main thread).

    Raises:
        ImportFileError: The file or an option is unusable; nothing was written.
        ImportValidationError: Rows are invalid and ``skip_invalid`` is off; nothing was written.
    """
    started = time.perf_counter()
    path = Path(path)
    _check_options(path, channel=channel, batch_size=batch_size, rejects=rejects)
    zone = _zone(tz)
    table = read_rows(path, sheet=sheet, encoding=encoding)
    found = detect_layout(table.columns, mapping, layout)
    convert = RowConverter(found.mapping, zone)
    source = _source(source, path)
    reply = ReplyReader(found.reply, zone) if found.reply else None
    job = _Job(
        database, table, convert, key, channel, source, batch_size, progress, pipeline, settings, found, reply
    )
    job = replace(job, parallel=worker_is_useful() if parallel is None else parallel)
    stamp = _stamp(path)
    scan = _scan(job, rejects, progress if dry_run else None)
    if scan.invalid and not skip_invalid:
        raise ImportValidationError(scan.invalid, _report(job, scan, started, _Stored(), dry_run=dry_run))
    if dry_run:
        known = _known(job, scan.ids)
        would = scan.rows_read - len(scan.skip) - len(known)
        closing = sum(1 for row_id in scan.answered if row_id is None or row_id not in known)
        stored = _Stored(imported=would, duplicates=len(known), replies=closing)
        return _report(job, scan, started, stored, dry_run=True)
    if _stamp(path) != stamp:
        raise ImportFileError(f"{path.name}: the file changed during the import; nothing was written")
    report = _report(job, scan, started, _store(job, scan))
    refresh_after_import(database, settings)
    _log(path, report)
    return report


def _log(path: Path, report: ImportReport) -> None:
    log.info(
        "imported %s as %s/%s: %d rows, %d stored, %d duplicates, %d invalid, %d failed processing",
        path.name,
        report.channel,
        report.source,
        report.rows_read,
        report.imported,
        report.duplicates,
        report.invalid_rows,
        report.failed_processing,
    )


def _check_options(path: Path, *, channel: str, batch_size: int, rejects: Path | None) -> None:
    if not 0 < len(channel) <= CHANNEL_MAX_CHARS:
        raise ImportFileError(f"the channel must be 1 to {CHANNEL_MAX_CHARS} characters, got {channel!r}")
    if batch_size < 1:
        raise ImportFileError(f"the batch size must be at least 1, got {batch_size}")
    if rejects is not None and rejects.resolve() == path.resolve():
        raise ImportFileError(f"{rejects}: the rejected rows cannot be written over the file being imported")


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportFileError(
            f"unknown timezone {tz!r}; use an IANA name such as {DEFAULT_TIMEZONE}"
        ) from None


def _source(source: str | None, path: Path) -> str:
    if source is None:
        return path.name[:SOURCE_MAX_CHARS]
    if len(source.strip()) > SOURCE_MAX_CHARS:
        raise ImportFileError(f"the source name must be at most {SOURCE_MAX_CHARS} characters")
    return source.strip()


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror}); nothing was written") from None
    return stat.st_size, stat.st_mtime_ns


def _scan_reply(  # noqa: PLR0913 - one row as _scan holds it
    reply: ReplyReader,
    scan: _Scan,
    number: int,
    record: Record,
    *,
    data: MessageIn | None,
    errors: list[RowError],
) -> MessageIn | None:
    """Read a row's historical reply into ``scan``; the row's message, or ``None`` if the reply is bad.

    Its id is remembered (the first time the file names it) so that a dry run can say how
    many cases the import would close with a reply, not only how many rows it would store.
    """
    answer, reply_errors = reply(number, record)
    errors += reply_errors
    if answer is not None and not errors:
        scan.replies += 1
        if data is not None and data.external_id not in scan.ids:
            scan.answered.append(data.external_id)
    return None if reply_errors else data


def _scan(job: _Job, rejects: Path | None, progress: Callable[[int], None] | None) -> _Scan:
    """Validate every row; remember which to skip and which ids the file holds."""
    scan = _Scan()
    with Rejects(rejects, job.table.columns) as out:
        for number, record in job.table.rows:
            scan.rows_read += 1
            data, errors = job.convert(number, record)
            if job.reply is not None:
                data = _scan_reply(job.reply, scan, number, record, data=data, errors=errors)
            if data is None:
                scan.invalid += errors
                scan.skip.add(number)
                out.write(number, record, errors)
            elif data.external_id is not None and data.external_id in scan.ids:
                scan.skip.add(number)
                scan.repeated += 1
            elif data.external_id is not None:
                scan.ids.add(data.external_id)
            if progress is not None and scan.rows_read % job.batch_size == 0:
                progress(scan.rows_read)
    if not scan.rows_read:
        raise ImportFileError(f"{job.table.path.name}: there are no data rows below the header")
    if progress is not None:
        progress(scan.rows_read)
    return scan


def _report(
    job: _Job, scan: _Scan, started: float, stored: _Stored, *, dry_run: bool = False
) -> ImportReport:
    warnings = []
    if "external_id" not in job.convert.mapping:
        warnings.append(
            "the file has no id column (such as 留言编号 or id): importing it again would store its "
            "messages again; map one with --map external_id=<column>"
        )
    return ImportReport(
        rows_read=scan.rows_read,
        imported=stored.imported,
        duplicates=scan.repeated + stored.duplicates,
        invalid=list(scan.invalid),
        failed_processing=stored.failed,
        source=job.source,
        elapsed_seconds=time.perf_counter() - started,
        channel=job.channel,
        dry_run=dry_run,
        mapping=dict(job.convert.mapping),
        warnings=warnings,
        layout=job.layout.name if job.layout else "",
        layout_label=job.layout.label if job.layout else "",
        extra_columns=list(job.layout.extra) if job.layout else [],
        replies=stored.replies,
    )


def _known(job: _Job, ids: set[str]) -> set[str]:
    with job.database.session() as session:
        return known_ids(session, job.channel, job.source, sorted(ids))


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _valid_rows(job: _Job, scan: _Scan) -> Iterator[tuple[int, MessageIn, Reply | None]]:
    """The rows to store, read again, each with its position among the data rows."""
    for position, (number, record) in enumerate(job.table.rows, start=1):
        if number in scan.skip:
            continue
        data, errors = job.convert(number, record)
        answer, reply_errors = job.reply(number, record) if job.reply is not None else (None, [])
        errors += reply_errors
        if data is None or errors:
            raise ImportFileError(f"{job.table.path.name}: the file changed during the import ({errors[0]})")
        yield position, data, answer


def _store(job: _Job, scan: _Scan) -> _Stored:
    """Store the valid rows batch by batch, analysing the next batch while writing this one."""
    total = _Stored()
    with job.database.session() as session:
        if job.pipeline is None:
            job = replace(job, pipeline=build_pipeline(job.settings or Settings(), session))
        with BatchAnalyser(job.pipeline, parallel=job.parallel) as analyser:
            waiting: deque[_Pending] = deque()
            try:
                for number, batch in enumerate(_chunks(_valid_rows(job, scan), job.batch_size), start=1):
                    pending = _prepare_batch(session, job, batch)
                    pending.future = analyser.submit(pending.prepared.messages)
                    waiting.append(pending)
                    if len(waiting) > AHEAD:
                        total += _finish(session, job, analyser, waiting.popleft())
                    if number & (number - 1) == 0:  # batches 1, 2, 4, 8 …: as the tables double
                        analyse_tables(session)
                        session.commit()
            except BaseException:
                while waiting:  # read and analysed already: store them before the error goes up
                    _finish_after_error(session, job, analyser, waiting.popleft())
                raise
            while waiting:
                total += _finish(session, job, analyser, waiting.popleft())
    if job.progress is not None:
        job.progress(scan.rows_read)
    return total


@dataclass
class _Pending:
    """A batch built and being analysed, waiting to be stored and processed."""

    prepared: Prepared
    answers: list[Reply | None]
    position: int  # the last data row of the batch, for the progress report
    future: Submitted | None = None


def _prepare_batch(session: Session, job: _Job, batch: list[tuple[int, MessageIn, Reply | None]]) -> _Pending:
    """Build the messages of a batch of valid rows (those not stored yet); nothing is written."""
    rows = [data for _, data, _ in batch]
    prepared = prepare_messages(session, rows, channel=job.channel, key=job.key, source=job.source)
    session.rollback()  # end the read-only transaction: no snapshot held while the batch waits
    return _Pending(prepared, [batch[at][2] for at in prepared.positions], batch[-1][0])


def _finish_after_error(session: Session, job: _Job, analyser: BatchAnalyser, pending: _Pending) -> None:
    """Store and process the batch that waited when the import failed; best effort, logged."""
    try:
        session.rollback()
        _finish(session, job, analyser, pending)
    except Exception:  # its rows were not stored: importing the file again stores them
        log.warning("the last batch was not stored after the import failed", exc_info=True)


def _finish(session: Session, job: _Job, analyser: BatchAnalyser, pending: _Pending) -> _Stored:
    """Store and process a batch in one transaction, else store it, commit, then process it.

    The second way is the safe one (:func:`_store_then_process`): it is taken when the
    first fails, so a bad row is stored and marked ``failed`` rather than lost.
    """
    prepared = pending.prepared
    results = analyser.results(prepared.messages, pending.future)
    answers = pending.answers
    try:
        stored = store_processed(session, prepared, job.pipeline, results, bulk=not any(answers))
        session.commit()
    except Exception as exc:  # noqa: BLE001 - nothing of the batch was written: store it first, then process
        log.warning("storing a processed batch failed (%s: %s); storing it first", type(exc).__name__, exc)
        session.rollback()
        stored, results, answers = _store_then_process(session, job, fresh_copy(prepared), results, answers)
    messages = stored.messages
    failed = sum(message.state == ProcessingState.FAILED.value for message in messages)
    replies = _add_replies(session, messages, answers)
    session.expunge_all()  # memory stays flat: nothing of a finished batch is kept
    if job.progress is not None:
        job.progress(pending.position)
    return _Stored(len(messages), stored.duplicates, failed, replies)


def _store_then_process(
    session: Session,
    job: _Job,
    prepared: Prepared,
    results: list[Analysis | None],
    answers: list[Reply | None],
) -> tuple[Stored, list[Analysis | None], list[Reply | None]]:
    """Store the messages as received and commit, then process them (row by row if need be)."""
    by_id = {
        m.id: (result, answer) for m, result, answer in zip(prepared.messages, results, answers, strict=True)
    }
    stored = insert_prepared(session, prepared, job.key)
    session.commit()
    results = [by_id[message.id][0] for message in stored.messages]
    process_messages(session, stored.messages, job.pipeline, results)
    session.commit()
    return stored, results, [by_id[message.id][1] for message in stored.messages]


def _add_replies(session: Session, messages: list[Message], answers: list[Reply | None]) -> int:
    """Store the historical replies of a processed batch, closing their cases; commit."""
    added = 0
    for message, answer in zip(messages, answers, strict=True):
        if answer is None or message.case is None:
            continue  # a message whose processing failed gets its reply by hand
        try:
            add_historical_reply(session, message.case, answer[0], answer[1])
        except CaseError as exc:  # a reply too long, or a case that cannot move: keep the message
            log.warning("historical reply of message %s not stored: %s", message.id, exc)
            continue
        added += 1
    session.commit()
    return added
