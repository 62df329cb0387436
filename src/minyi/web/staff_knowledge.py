"""Staff pages of the knowledge base (知识库): the case page's suggestions, and the articles.

On a case, "用作草稿" fills the reply editor with a drafted reply (checked at once) and
"直接答复" answers a consultation at intake and closes it. ``/staff/knowledge`` lists and
searches the articles; who may write them is ``Action.MANAGE_KNOWLEDGE``, every staff member
reads them. The handlers only read forms and call ``minyi.knowledge``.
"""

from __future__ import annotations

import contextlib
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, department_filter, may_at_all
from minyi.cases import services as cases
from minyi.core import localtime
from minyi.core.errors import Conflict, Forbidden, InvalidInput
from minyi.db.base import utcnow
from minyi.departments.services import list_categories, list_departments
from minyi.http.deps import (
    AppSettings,
    CsrfChecked,
    DbSession,
    StaffCase,
    StaffUser,
    client_address,
    require_user,
)
from minyi.http.transactions import Router
from minyi.knowledge import articles as kb_articles
from minyi.knowledge import search as knowledge_search
from minyi.knowledge import suggest, uses
from minyi.knowledge.models import KnowledgeArticle
from minyi.web.staff import _case_page
from minyi.web.templating import flash, render

router = Router(prefix="/staff", include_in_schema=False)
FormField = Annotated[str, Form()]


@router.post("/cases/{case_id}/knowledge-draft")
def knowledge_draft(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    user: StaffUser,
    case: StaffCase,
    case_id: str,
    source: FormField = "",
    id: FormField = "",  # noqa: A002 - the form's name
    _csrf: CsrfChecked = None,
) -> Response:
    """Fill the reply editor with the template and the chosen answer, checked; the use is kept."""
    draft = suggest.use_as_draft(db, settings, user, case, source, id)
    db.commit()
    quality = cases.check_reply(case, draft)
    return _case_page(request, db, user, case_id, draft=draft, quality=quality)


@router.post("/cases/{case_id}/direct-answer")
def direct_answer(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    user: StaffUser,
    case: StaffCase,
    case_id: str,
    source: FormField = "",
    id: FormField = "",  # noqa: A002 - the form's name
    reason: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """直接答复: reply with the knowledge base's answer and close the consultation."""
    min_score = float(settings.reply_min_score)
    try:
        uses.direct_answer(db, settings, user, case, source, id, min_score=min_score, reason=reason)
    except (Conflict, cases.CaseError) as exc:
        db.rollback()
        return _case_page(request, db, user, case_id, exc.message, 409)
    except InvalidInput as exc:
        db.rollback()
        if exc.field != "reason":
            raise
        hit = suggest.chosen(db, settings, case, user, source, id)
        draft = suggest.draft_text(db, user, case, hit, utcnow())
        quality = cases.check_reply(case, draft)
        return _case_page(request, db, user, case_id, exc.message, 422, draft=draft, quality=quality)
    db.commit()
    flash(request, "flash.kb.direct")
    return RedirectResponse(f"/staff/cases/{case_id}", status_code=303)


def _today() -> date:
    """Today in the site's time zone (articles are valid by local day)."""
    return localtime.local_date(datetime.now(UTC))


def _reindex(request: Request, db: DbSession) -> None:
    """Bring the index up to date after a change, so an expired article is gone at once."""
    with contextlib.suppress(ValueError):  # another process writes the index: the next search catches up
        knowledge_search.synchronise(db, request.app.state.settings)


def _may_write(user: User) -> bool:
    return may_at_all(user, Action.MANAGE_KNOWLEDGE)


def _list(request: Request, db: DbSession, settings: AppSettings, user: User, **extra: Any) -> Response:
    q = str(request.query_params.get("q", "")).strip()[: knowledge_search.MAX_QUERY]
    show_expired = request.query_params.get("expired") == "1"
    hits = knowledge_search.search(db, settings, q, top=20, departments=department_filter(user)) if q else []
    context = {
        "q": q,
        "hits": hits,
        "articles": [] if q else kb_articles.list_articles(db, on=_today(), include_expired=show_expired),
        "show_expired": show_expired,
        "today": _today(),
        "may_write": _may_write(user),
        "error": None,
        **extra,
    }
    return render(request, "staff/knowledge.html", context, int(extra.get("status", 200)))


@router.get("/knowledge")
def knowledge_page(request: Request, db: DbSession, settings: AppSettings, user: StaffUser) -> Response:
    """The articles (in force, or all), or the search of the whole knowledge base."""
    return _list(request, db, settings, user)


def _article_in(form: dict[str, str]) -> kb_articles.ArticleIn:
    def day(name: str) -> date | None:
        text = form.get(name, "").strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(f"{name}: a date like 2026-01-31", field=name) from None

    return kb_articles.ArticleIn(
        title=form.get("title", ""),
        body=form.get("body", ""),
        department=form.get("department", ""),
        category=form.get("category", ""),
        valid_from=day("valid_from"),
        valid_to=day("valid_to"),
        source_url=form.get("source_url", ""),
        tags=[t for t in form.get("tags", "").replace("，", ",").split(",") if t.strip()],
    )


def _form_page(
    request: Request,
    db: DbSession,
    user: User,
    article: KnowledgeArticle | None,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    context = {
        "article": article,
        "form": form or _form_of(article),
        "error": error,
        "may_write": _may_write(user),
        "departments": list_departments(db),
        "categories": list_categories(db),
        "today": _today(),
    }
    return render(request, "staff/knowledge_article.html", context, status)


def _form_of(article: KnowledgeArticle | None) -> dict[str, str]:
    if article is None:
        return {}
    return {
        "title": article.title,
        "body": article.body,
        "department": article.department.code if article.department else "",
        "category": article.category.path if article.category else "",
        "valid_from": article.valid_from.isoformat() if article.valid_from else "",
        "valid_to": article.valid_to.isoformat() if article.valid_to else "",
        "source_url": article.source_url or "",
        "tags": ", ".join(article.tags or []),
    }


def require_writer(user: Annotated[User, Depends(require_user)]) -> User:
    """The signed-in user, if they may write articles somewhere (``Action.MANAGE_KNOWLEDGE``).

    A dependency, so that a refusal comes before the form or the file is read.
    """
    if not _may_write(user):
        raise Forbidden(f"{user.role} users may not write knowledge articles")
    return user


Writer = Annotated[User, Depends(require_writer)]


@router.get("/knowledge/new")
def new_article(request: Request, db: DbSession, user: Writer) -> Response:
    """The form of a new article."""
    return _form_page(request, db, user, None)


async def _save(request: Request, db: DbSession, user: User, article_id: str | None) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    article = kb_articles.get_article(db, article_id) if article_id else None
    try:
        saved = kb_articles.save_article(
            db,
            user,
            _article_in(form),
            article_id,
            note=form.get("note", ""),
            address=client_address(request),
        )
    except InvalidInput as exc:
        db.rollback()
        return _form_page(request, db, user, article, form, exc.message, 422)
    db.commit()
    _reindex(request, db)
    flash(request, "flash.kb.saved")
    return RedirectResponse(f"/staff/knowledge/{saved.id}", status_code=303)


@router.post("/knowledge/new")
async def create_article(
    request: Request, db: DbSession, user: Writer, _csrf: CsrfChecked = None
) -> Response:
    """Save a new article (version 1)."""
    return await _save(request, db, user, None)


@router.get("/knowledge/{article_id}")
def article_page(request: Request, db: DbSession, user: StaffUser, article_id: str) -> Response:
    """One article: its text, its versions (who changed what), and the form to change it."""
    return _form_page(request, db, user, kb_articles.get_article(db, article_id))


@router.post("/knowledge/{article_id}")
async def edit_article(
    request: Request, db: DbSession, user: Writer, article_id: str, _csrf: CsrfChecked = None
) -> Response:
    """Save a change: the article's version goes up and the old text stays in its history."""
    return await _save(request, db, user, article_id)


@router.post("/knowledge/{article_id}/expire")
def expire_article(
    request: Request, db: DbSession, user: Writer, article_id: str, _csrf: CsrfChecked = None
) -> Response:
    """Expire the article from today (in force until yesterday): search stops offering it; it is kept."""
    kb_articles.expire_article(db, user, article_id, _today(), address=client_address(request))
    db.commit()
    _reindex(request, db)
    flash(request, "flash.kb.expired")
    return RedirectResponse(f"/staff/knowledge/{article_id}", status_code=303)


@router.post("/knowledge-import")
async def import_file(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    user: Writer,
    file: Annotated[UploadFile | None, File()] = None,
    _csrf: CsrfChecked = None,
) -> Response:
    """Import articles from a CSV, XLSX or Markdown file (title and body columns, or # headings)."""
    if file is None or not file.filename:
        return _list(request, db, settings, user, error="file: choose a file to upload", status=422)
    suffix = Path(file.filename or "upload.csv").suffix.lower()
    if suffix not in {".csv", ".xlsx", ".md", ".markdown"}:
        return _list(request, db, settings, user, error="file: a .csv, .xlsx or .md file", status=422)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"articles{suffix}"
        path.write_bytes(await file.read())
        try:
            saved = kb_articles.import_articles(
                db, path, user, address=client_address(request), name=file.filename
            )
        except (InvalidInput, Forbidden) as exc:
            db.rollback()
            return _list(request, db, settings, user, error=exc.message, status=422)
    db.commit()
    _reindex(request, db)
    flash(request, "flash.kb.imported", count=str(len(saved)))
    return RedirectResponse("/staff/knowledge", status_code=303)
