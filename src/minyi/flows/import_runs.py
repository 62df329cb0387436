"""Imports started from the staff upload page: staged files, dry runs, background runs.

An upload is streamed to ``MINYI_DATA_DIR/imports`` (at most ``max_upload_bytes``) and an
:class:`~minyi.interop.models.ImportRun` row (status ``uploaded``) remembers it, with the
detected layout and mapping. A dry run validates the file with the admin's mapping and keeps
the problems (by row number) in the run's report. :func:`start` runs the import in a
background thread that writes its progress into the row (``rows_read``, ``imported``,
``status``): ``running``, then ``done``, or ``refused`` (broken rows and the admin chose to
refuse the whole file: nothing written) or ``failed`` (the file became unreadable). The
import itself is :func:`minyi.flows.imports.import_messages`: batches commit, so a crash
keeps what was committed and a re-run skips the stored rows. Each import is recorded in the
audit trail (action ``import``).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.audit import services as audit
from minyi.db.base import new_id, utcnow
from minyi.db.session import Database
from minyi.flows.imports import ImportValidationError, detect_layout, import_messages
from minyi.interop.layout import Layout
from minyi.interop.models import ImportRun
from minyi.interop.tabular import ImportFileError, TabularFile, read_rows, sheet_names
from minyi.settings import Settings

log = logging.getLogger(__name__)

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".jsonl")
CHUNK = 1 << 16
UPLOADED, RUNNING, DONE, REFUSED, FAILED = "uploaded", "running", "done", "refused", "failed"
EXPIRED = "expired"  # uploaded, never started: its file deleted after STAGED_HOURS
#: Hours an uploaded file waits to be imported before it is deleted (it holds personal data).
STAGED_HOURS = 24


_THREADS: dict[str, threading.Thread] = {}


def wait(run_id: str, timeout: float | None = None) -> None:
    """Wait for the background import of ``run_id`` to end (if one runs in this process)."""
    thread = _THREADS.get(run_id)
    if thread is not None:
        thread.join(timeout)


class UploadError(ImportFileError):
    """The upload is unusable (type, size, header); nothing was kept."""


def staging_dir(settings: Settings) -> Path:
    """Where uploaded files wait for their import: readable by this server's user only.

    A file holds citizens' names and numbers in clear. It is deleted when its import ends
    (done, refused or failed: the rows are in the database, or nothing is) and when it waits
    over :data:`STAGED_HOURS` without being started (:func:`expire_staged`).
    """
    folder = Path(settings.data_dir) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def expire_staged(session: Session, settings: Settings) -> int:
    """Delete the files of uploads never started within :data:`STAGED_HOURS`; returns how many."""
    cutoff = utcnow() - timedelta(hours=STAGED_HOURS)
    waiting = select(ImportRun).where(ImportRun.status == UPLOADED, ImportRun.started_at < cutoff)
    expired = 0
    for run in session.scalars(waiting):
        stored_path(settings, run).unlink(missing_ok=True)
        run.status = EXPIRED
        expired += 1
    return expired


def stored_path(settings: Settings, run: ImportRun) -> Path:
    """The staged file of ``run``."""
    return staging_dir(settings) / str(run.report.get("stored_as", ""))


def receive(  # noqa: PLR0913 - the upload and where it goes
    session: Session, settings: Settings, user: User, name: str, stream: BinaryIO, *, max_bytes: int
) -> ImportRun:
    """Stream an upload to the staging folder and open its run (status ``uploaded``).

    Raises:
        UploadError: A file type not imported, a file above ``max_bytes``, or a header no
            layout reads; the file is not kept.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadError(f"{name}: choose a CSV, TSV, XLSX or JSONL file")
    run_id = new_id()
    path = staging_dir(settings) / f"{run_id}{suffix}"
    size = 0
    try:
        with path.open("wb") as out:
            path.chmod(0o600)  # names and numbers in clear: this server's user only
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadError(f"{name}: the file is larger than {max_bytes // 1_048_576} MiB")
                out.write(chunk)
        if not size:
            raise UploadError(f"{name}: the file is empty")
        table, layout = _readable_sheet(path, name)
    except ImportFileError as exc:
        path.unlink(missing_ok=True)
        # The uploader knows the file by its own name, not the staged uuid (full path, then bare name).
        raise UploadError(str(exc).replace(str(path), name).replace(path.name, name)) from None
    run = ImportRun(
        id=run_id,
        user_id=user.id,
        file_name=name[:300],
        layout=layout.name or "generic",
        mapping=layout.mapping,
        status=UPLOADED,
        report={
            "stored_as": path.name,
            "sheets": sheet_names(path),
            "size": size,
            **_table_report(table, layout),
        },
    )
    session.add(run)
    session.flush()
    return run


def _table_report(table: TabularFile, layout: Layout) -> dict[str, Any]:
    """What the run page shows of the table read: its sheet, columns and detected layout."""
    return {
        "sheet": table.sheet,
        "columns": table.columns,
        "layout_label": layout.label,
        "reply_columns": layout.reply,
    }


def choose_sheet(settings: Settings, run: ImportRun, sheet: str) -> None:
    """Read another sheet of the staged workbook of ``run`` (still ``uploaded``).

    Its columns, layout and mapping replace the first guess; an earlier dry run is dropped.

    Raises:
        ImportFileError: the workbook has no such sheet, or the sheet holds no messages (the
            run stays as it was).
    """
    if sheet not in run.report.get("sheets", []):
        raise ImportFileError(f"{run.file_name}: there is no sheet {sheet!r}")
    table = read_rows(stored_path(settings, run), sheet=sheet)
    layout = detect_layout(table.columns)
    _has_rows(table, f"{run.file_name} ({sheet})")
    run.layout, run.mapping = layout.name or "generic", layout.mapping
    report = {key: value for key, value in run.report.items() if key != "dry"}
    run.report = {**report, **_table_report(table, layout)}
    run.dry_run = False


def _readable_sheet(path: Path, name: str) -> tuple[TabularFile, Layout]:
    """The file's table and layout; of a workbook, its first sheet that holds messages.

    A workbook often starts with a sheet of notes (说明) before the data: the other sheets
    are tried in order, and the first whose header names a message's text is taken. When
    none does, the first sheet's refusal is the one given, with the sheets named.
    """
    try:
        table = read_rows(path)
        layout = detect_layout(table.columns)
        _has_rows(table, name)
    except ImportFileError as first:
        others = sheet_names(path)[1:]
        for sheet in others:
            try:
                table = read_rows(path, sheet=sheet)
                layout = detect_layout(table.columns)
                _has_rows(table, name)
            except ImportFileError:
                continue
            return table, layout
        if others:
            raise ImportFileError(f"{first} (sheets tried: {', '.join(sheet_names(path))})") from None
        raise
    return table, layout


def _has_rows(table: TabularFile, name: str) -> None:
    """Refuse, at upload, a file with a header and nothing below it (not after a click on 开始导入)."""
    rows = table.rows
    try:
        first = next(rows, None)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
    if first is None:
        raise ImportFileError(f"{name}: there are no data rows below the header")


#: What an import the server stopped in the middle of says (the rows it stored are kept).
INTERRUPTED = (
    "interrupted: the server stopped during this import; the rows read before were stored. "
    "Upload the file again to import the rest (rows already stored are recognised by their message id)"
)


def recover_interrupted(session: Session, settings: Settings) -> int:
    """Mark ``failed`` the running imports whose process on this host is gone; how many.

    A server killed during an import left the run ``running`` for ever, with its file
    (citizens' data in clear) kept and no way to start again (seventh probe). A run records
    the process and host that run it; if that process is not alive (or is this one, without
    the thread), the run ends as failed with :data:`INTERRUPTED`, its file deleted.
    """
    host = socket.gethostname()
    ended = 0
    for run in session.scalars(select(ImportRun).where(ImportRun.status == RUNNING)):
        pid, where = run.report.get("pid"), run.report.get("host")
        if not isinstance(pid, int) or where != host or _running(pid, run.id):
            continue
        stored_path(settings, run).unlink(missing_ok=True)
        run.status, run.finished_at = FAILED, utcnow()
        run.report = {**run.report, "error": INTERRUPTED}
        ended += 1
    return ended


def _running(pid: int, run_id: str) -> bool:
    """Whether process ``pid`` may still be running the import ``run_id``."""
    if pid == os.getpid():
        return run_id in _THREADS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process of that number: not ours, so ours is gone
        return False
    return True


def history(session: Session, limit: int = 50) -> list[ImportRun]:
    """The latest runs, newest first."""
    query = select(ImportRun).order_by(ImportRun.started_at.desc(), ImportRun.id.desc()).limit(limit)
    return list(session.scalars(query))


def _options(run: ImportRun) -> dict[str, Any]:
    # "generic" is passed on when the admin left the answers out: detection would find 附件4 again
    layout = (
        "generic"
        if run.report.get("skip_replies")
        else (None if run.layout in {"", "generic"} else run.layout)
    )
    sheet = run.report.get("sheet") or None
    return {"mapping": dict(run.mapping), "layout": layout, "source": run.file_name[:120], "sheet": sheet}


def dry_run(database: Database, settings: Settings, run: ImportRun, *, key: str) -> dict[str, Any]:
    """Validate the staged file with the run's mapping; the report (problems by row number)."""
    try:
        report = import_messages(
            database,
            stored_path(settings, run),
            key=key,
            dry_run=True,
            skip_invalid=True,
            settings=settings,
            tz=settings.timezone,
            **_options(run),
        )
    except ImportFileError as exc:
        return {"error": str(exc).replace(str(stored_path(settings, run)), run.file_name)}
    return report.to_dict()


def start(  # noqa: PLR0913 - the run and how it is imported
    database: Database, settings: Settings, run_id: str, *, key: str, skip_invalid: bool, actor: User
) -> threading.Thread:
    """Mark the run ``running`` and import its file in a background thread."""
    with database.session() as session:
        run = session.get(ImportRun, run_id)
        if run is None or run.status != UPLOADED:
            raise ImportFileError("this import has started already")
        run.status, run.dry_run, run.rows_read, run.imported = RUNNING, False, 0, 0
        run.report = {
            **run.report,
            "skip_invalid": skip_invalid,
            "pid": os.getpid(),
            "host": socket.gethostname(),
        }
        session.commit()
    who = (actor.id, actor.username)
    thread = threading.Thread(
        target=_run,
        args=(database, settings, run_id),
        kwargs={"key": key, "skip_invalid": skip_invalid, "who": who},
        name=f"import-{run_id}",
        daemon=True,
    )
    _THREADS[run_id] = thread
    thread.start()
    return thread


def _set(database: Database, run_id: str, **values: Any) -> None:
    with database.session() as session:
        run = session.get(ImportRun, run_id)
        if run is not None:
            for name, value in values.items():
                setattr(run, name, value)
            session.commit()


def _run(  # noqa: PLR0913 - the thread's arguments
    database: Database,
    settings: Settings,
    run_id: str,
    *,
    key: str,
    skip_invalid: bool,
    who: tuple[str, str],
) -> None:
    try:
        _import(database, settings, run_id, key=key, skip_invalid=skip_invalid, who=who)
    finally:
        _THREADS.pop(run_id, None)


def _import(  # noqa: PLR0913 - the thread's arguments
    database: Database,
    settings: Settings,
    run_id: str,
    *,
    key: str,
    skip_invalid: bool,
    who: tuple[str, str],
) -> None:
    with database.session() as session:
        run = session.get(ImportRun, run_id)
        if run is None:
            return
        path, options, base = stored_path(settings, run), _options(run), dict(run.report)
        name = run.file_name
    status, result = DONE, {}
    try:
        checked = import_messages(
            database,
            path,
            key=key,
            dry_run=True,
            skip_invalid=True,
            settings=settings,
            tz=settings.timezone,
            **options,
        )
        total = checked.rows_read
        _set(database, run_id, report={**base, "total": total})
        report = import_messages(
            database,
            path,
            key=key,
            skip_invalid=skip_invalid,
            settings=settings,
            tz=settings.timezone,
            progress=lambda n: _set(database, run_id, rows_read=n),
            **options,
        )
        result = report.to_dict()
    except ImportValidationError as exc:
        status, result = REFUSED, {**exc.report.to_dict(), "error": "broken rows: nothing was imported"}
    except ImportFileError as exc:  # the file's fault, said on the page: no traceback in the log
        log.warning("import %s refused: %s", run_id, exc)
        status, result = FAILED, {"error": str(exc).replace(str(path), name).replace(path.name, name)}
    except Exception as exc:  # the thread reports every failure in the run
        log.exception("import %s failed", run_id)
        status, result = FAILED, {"error": str(exc).replace(str(path), name).replace(path.name, name)}
    with database.session() as session:
        run = session.get(ImportRun, run_id)
        if run is None:
            return
        run.status, run.finished_at = status, utcnow()
        run.imported = int(result.get("imported", 0))
        run.rows_read = int(result.get("rows_read", run.rows_read))
        run.report = {**run.report, **result}
        audit.record(
            session,
            audit.IMPORT,
            actor=who[1],
            actor_user_id=who[0],
            subject=name,
            details={
                "run": run_id,
                "layout": run.layout,
                "status": status,
                "rows_read": run.rows_read,
                "imported": run.imported,
                "invalid_rows": result.get("invalid_rows", 0),
            },
        )
        session.commit()
    path.unlink(missing_ok=True)  # imported (or refused, or failed): the staged copy goes
