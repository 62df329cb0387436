"""The staff upload page for imports (``/staff/imports``): admins only.

Choose a file (streamed to ``MINYI_DATA_DIR/imports``, at most ``max_upload_bytes``; the
app's body-size limit is raised to that for ``POST /staff/imports`` only), see the detected
layout and the column mapping (editable), try a dry run (the problems by row number), then
import: broken rows are skipped and reported, or the whole file is refused, as the admin
chooses. The import runs in a background thread (:mod:`minyi.flows.import_runs`) and
``/static/import-progress.js`` polls ``/staff/imports/{run_id}/progress`` for the bar. The
history lists the runs, newest first.
"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from fastapi import Depends, File, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.core.errors import NotFound
from minyi.flows import import_runs
from minyi.http.deps import AppSettings, CsrfChecked, DbSession, require_user
from minyi.http.transactions import Router
from minyi.interop.mapping import FIELD_ALIASES
from minyi.interop.models import ImportRun
from minyi.interop.tabular import ImportFileError
from minyi.web import import_texts
from minyi.web.domain_texts import domain_text
from minyi.web.i18n import translate
from minyi.web.templating import language_of, render


def require_importer(user: Annotated[User, Depends(require_user)]) -> User:
    """The signed-in user, if they may import (admins)."""
    require(user, Action.IMPORT_MESSAGES)
    return user


Importer = Annotated[User, Depends(require_importer)]
router = Router(prefix="/staff/imports", include_in_schema=False, dependencies=[Depends(require_importer)])


def _run(db: Session, run_id: str) -> ImportRun:
    run = db.get(ImportRun, run_id)
    if run is None:
        raise NotFound("no such import")
    return run


def _list(request: Request, db: Session, error: str = "", status: int = 200) -> Response:
    if import_runs.recover_interrupted(db, request.app.state.settings):
        db.commit()
    context = {"runs": import_runs.history(db), "error": error}
    return render(request, "staff/imports.html", context, status_code=status)


def _percent(run: ImportRun) -> int:
    if run.status in {import_runs.DONE, import_runs.REFUSED}:
        return 100
    total = int(run.report.get("total") or 0)
    return min(99, run.rows_read * 100 // total) if total else 0


def progress_of(run: ImportRun, language: str = "zh") -> dict[str, Any]:
    """What the progress endpoint answers (``status_label``: the status in the reader's words)."""
    return {
        "status": run.status,
        "status_label": import_texts.run_status(run.status, language),
        "rows_read": run.rows_read,
        "imported": run.imported,
        "total": run.report.get("total"),
        "percent": _percent(run),
        "finished": run.status not in {import_runs.RUNNING, import_runs.UPLOADED},
    }


@router.get("")
def imports_page(request: Request, db: DbSession, settings: AppSettings) -> Response:
    """The upload form and the history of imports, newest first (uploads left too long expire)."""
    if import_runs.expire_staged(db, settings):
        db.commit()
    return _list(request, db)


@router.post("")
async def upload(
    request: Request,
    db: DbSession,
    user: Importer,
    settings: AppSettings,
    file: Annotated[UploadFile | None, File()] = None,
    _csrf: CsrfChecked = None,
) -> Response:
    """Stage the uploaded file and show its layout and mapping."""
    if file is None or not file.filename:  # the form again, with the error beside it
        return _list(request, db, translate("error.no_file", language_of(request)), 422)
    try:
        run = import_runs.receive(
            db, settings, user, file.filename or "upload", file.file, max_bytes=settings.max_upload_bytes
        )
    except ImportFileError as exc:
        db.rollback()
        return _list(request, db, domain_text(str(exc), language_of(request)), 422)
    db.commit()
    return RedirectResponse(f"/staff/imports/{run.id}", status_code=303)


@router.get("/{run_id}")
def run_page(request: Request, db: DbSession, run_id: str) -> Response:
    """One import: layout, mapping (editable before it runs), dry run, progress, report."""
    if import_runs.recover_interrupted(db, request.app.state.settings):
        db.commit()
    return _run_page(request, _run(db, run_id))


def _run_page(request: Request, run: ImportRun, error: str = "", status: int = 200) -> Response:
    context = {
        "run": run,
        "fields": list(FIELD_ALIASES),
        "columns": run.report.get("columns", []),
        "progress": progress_of(run),
        "error": error,
    }
    return render(request, "staff/import_run.html", context, status_code=status)


@router.post("/{run_id}/sheet")
async def choose_sheet(
    request: Request, db: DbSession, settings: AppSettings, run_id: str, _csrf: CsrfChecked = None
) -> Response:
    """Read another sheet of the workbook (its layout and mapping replace the first guess)."""
    run = _run(db, run_id)
    if run.status != import_runs.UPLOADED:
        return RedirectResponse(f"/staff/imports/{run.id}", status_code=303)
    sheet = (await request.form()).get("sheet")
    try:
        await run_in_threadpool(import_runs.choose_sheet, settings, run, str(sheet or ""))
    except ImportFileError as exc:
        db.rollback()
        return _run_page(request, _run(db, run_id), domain_text(str(exc), language_of(request)), 422)
    db.commit()
    return RedirectResponse(f"/staff/imports/{run.id}", status_code=303)


async def _mapping(request: Request, run: ImportRun) -> dict[str, str]:
    """The admin's mapping: field → column, ``""`` for a field set to "—".

    A field left at "—" is kept as ``""`` (not imported): dropped from the mapping, it
    was recognised again from its header, so a column the page listed as not imported
    (留言用户, the authors' ids) was imported all the same. A form without the selects (a
    script) keeps the mapping the page shows, the one detected at upload.
    """
    form = await request.form()
    if not any(str(name).startswith("map.") for name in form):
        return dict(run.mapping)
    columns = set(run.report.get("columns", []))
    chosen: dict[str, str] = {}
    for name in FIELD_ALIASES:
        value = form.get(f"map.{name}")
        if isinstance(value, str) and (value in columns or not value.strip()):
            chosen[name] = value.strip()
    return chosen


async def _skips_replies(request: Request) -> bool:
    """Whether the admin left a 附件4 file's answers out (its cases then stay open work).

    Without it, every row with a 答复意见 closed its case: a centre bringing an old board's
    unanswered backlog in had no way to keep it as work from the page.
    """
    form = await request.form()
    return form.get("replies") == "skip"


@router.post("/{run_id}/dry-run")
async def dry_run(
    request: Request, db: DbSession, settings: AppSettings, run_id: str, _csrf: CsrfChecked = None
) -> Response:
    """Save the mapping and validate the file with it: the problems by row number."""
    run = _run(db, run_id)
    if run.status != import_runs.UPLOADED:
        return RedirectResponse(f"/staff/imports/{run.id}", status_code=303)
    run.mapping = await _mapping(request, run)
    run.report = {**run.report, "skip_replies": await _skips_replies(request)}
    db.commit()
    database = request.app.state.db
    result = await run_in_threadpool(
        import_runs.dry_run, database, settings, run, key=settings.effective_secret_key
    )
    run.report = {**run.report, "dry": result}
    run.dry_run = True
    db.commit()
    return RedirectResponse(f"/staff/imports/{run.id}#dry-run", status_code=303)


@router.post("/{run_id}/start")
async def start(
    request: Request,
    db: DbSession,
    user: Importer,
    settings: AppSettings,
    run_id: str,
    _csrf: CsrfChecked = None,
) -> Response:
    """Start the import in the background (broken rows skipped, or the whole file refused)."""
    run = _run(db, run_id)
    if run.status == import_runs.UPLOADED:
        form = await request.form()
        run.mapping = await _mapping(request, run)
        run.report = {**run.report, "skip_replies": await _skips_replies(request)}
        db.commit()
        # Started by another request meanwhile: the page shows its progress.
        with contextlib.suppress(ImportFileError):
            import_runs.start(
                request.app.state.db,
                settings,
                run.id,
                key=settings.effective_secret_key,
                skip_invalid=form.get("broken") == "skip",
                actor=user,
            )
    return RedirectResponse(f"/staff/imports/{run.id}#progress", status_code=303)


@router.get("/{run_id}/progress")
def progress(request: Request, db: DbSession, run_id: str) -> Response:
    """The run's progress as JSON (polled by /static/import-progress.js)."""
    if import_runs.recover_interrupted(db, request.app.state.settings):
        db.commit()
    run = _run(db, run_id)
    return JSONResponse(progress_of(run, language_of(request)), headers={"Cache-Control": "no-store"})
