"""Knowledge articles: write, change (each change a version), expire, and import them from files.

Staff curate articles so that a recurring question gets one consistent answer (一次办结).
Every save keeps what the article said before as an :class:`ArticleVersion`, with who
changed it, so an answer given last month can be explained today. An article whose
``valid_to`` has passed is hidden from search but kept. Each creation, change and expiry is
also in the audit trail (subject: the article's id; who, from where, the version and title),
where the office reads every staff change together (thirteenth probe).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.audit import services as audit
from minyi.core.errors import InvalidInput, NotFound
from minyi.db.base import new_id, utcnow
from minyi.departments.models import Category, Department
from minyi.interop.tabular import ImportFileError, cell_text, read_rows
from minyi.knowledge.models import ArticleVersion, KnowledgeArticle

MAX_TITLE = 300
MAX_BODY = 20_000
MAX_TAGS = 20
#: A title's characters in an audit event (the trail's details stay short).
AUDIT_TITLE = 80


@dataclass
class ArticleIn:
    """What a person writes for an article (department and category by code or name)."""

    title: str
    body: str
    department: str = ""
    category: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    source_url: str = ""
    tags: list[str] = field(default_factory=list)


def _checked(data: ArticleIn) -> ArticleIn:
    title, body = data.title.strip(), data.body.strip()
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput(f"title: 1 to {MAX_TITLE} characters", field="title")
    if not body or len(body) > MAX_BODY:
        raise InvalidInput(f"body: 1 to {MAX_BODY} characters", field="body")
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        raise InvalidInput("valid_to: before valid_from", field="valid_to")
    url = data.source_url.strip()
    if url and not re.match(r"^https?://\S+$", url):
        raise InvalidInput("source_url: an http(s) address", field="source_url")
    tags = list(dict.fromkeys(tag.strip() for tag in data.tags if tag.strip()))[:MAX_TAGS]
    return ArticleIn(title, body, data.department, data.category, data.valid_from, data.valid_to, url, tags)


def _department(session: Session, name: str) -> Department | None:
    name = name.strip()
    if not name:
        return None
    query = select(Department).where((Department.code == name) | (Department.name == name))
    found = session.scalars(query).first()
    if found is None:
        raise InvalidInput(f"department: no department {name!r}", field="department")
    return found


def _category(session: Session, name: str) -> Category | None:
    name = name.strip()
    if not name:
        return None
    query = select(Category).where((Category.name == name) | (Category.path == name))
    found = session.scalars(query).first()
    if found is None:
        raise InvalidInput(f"category: no category {name!r}", field="category")
    return found


def save_article(  # noqa: PLR0913 - the article, who, and from where
    session: Session,
    user: User | None,
    data: ArticleIn,
    article_id: str | None = None,
    note: str = "",
    *,
    address: str | None = None,
) -> KnowledgeArticle:
    """Create an article, or change one (the old text kept as a version). ``user`` None: the CLI."""
    article = _write(session, user, data, article_id, note)
    action = audit.ARTICLE_CREATED if article_id is None else audit.ARTICLE_CHANGED
    _record(session, action, user, article, address)
    return article


def _record(
    session: Session,
    action: str,
    user: User | None,
    article: KnowledgeArticle,
    address: str | None,
    **extra: str,
) -> None:
    """The change in the audit trail: the article's id, its version and title (never its text)."""
    details: dict[str, Any] = {"version": article.version, "title": article.title[:AUDIT_TITLE], **extra}
    audit.record_by(session, action, user, subject=article.id, address=address, details=details)


def _write(
    session: Session, user: User | None, data: ArticleIn, article_id: str | None, note: str
) -> KnowledgeArticle:
    """Create or change the article after the checks; a new version, not yet in the trail."""
    data = _checked(data)
    department, category = _department(session, data.department), _category(session, data.category)
    if user is not None:
        require(user, Action.MANAGE_KNOWLEDGE, department.id if department else None)
    if article_id is None:
        article = KnowledgeArticle(id=new_id(), version=0, created_at=utcnow())
        session.add(article)
    else:
        article = get_article(session, article_id)
        if user is not None:  # the article's own department decides too: no taking over another's
            require(user, Action.MANAGE_KNOWLEDGE, article.department_id)
    article.title, article.body = data.title, data.body
    article.department, article.category = department, category
    article.department_id = department.id if department else None
    article.category_id = category.id if category else None
    article.valid_from, article.valid_to = data.valid_from, data.valid_to
    article.source_url, article.tags = data.source_url or None, data.tags
    article.version += 1
    article.updated_at, article.updated_by_id = utcnow(), user.id if user else None
    session.add(_version(article, user, note))
    return article


def _version(article: KnowledgeArticle, user: User | None, note: str) -> ArticleVersion:
    fields = {
        "department": article.department.name if article.department else "",
        "category": article.category.name if article.category else "",
        "valid_from": article.valid_from.isoformat() if article.valid_from else "",
        "valid_to": article.valid_to.isoformat() if article.valid_to else "",
        "source_url": article.source_url or "",
        "tags": list(article.tags or []),
    }
    return ArticleVersion(
        id=new_id(),
        article_id=article.id,
        version=article.version,
        title=article.title,
        body=article.body,
        fields=fields,
        changed_by_id=user.id if user else None,
        changed_at=utcnow(),
        note=note.strip()[:300],
    )


def expire_article(
    session: Session, user: User | None, article_id: str, day: date, *, address: str | None = None
) -> KnowledgeArticle:
    """Expire the article from ``day`` on (in force until the day before; a new version).

    Search stops offering it at once; it is kept, with its history.
    """
    article = get_article(session, article_id)
    last = day - timedelta(days=1)
    data = ArticleIn(
        title=article.title,
        body=article.body,
        department=article.department.code if article.department else "",
        category=article.category.path if article.category else "",
        valid_from=min(article.valid_from, last) if article.valid_from else None,
        valid_to=last,
        source_url=article.source_url or "",
        tags=list(article.tags or []),
    )
    expired = _write(session, user, data, article_id, note=f"expired on {day.isoformat()}")
    _record(session, audit.ARTICLE_EXPIRED, user, expired, address, valid_to=last.isoformat())
    return expired


def get_article(session: Session, article_id: str) -> KnowledgeArticle:
    """The article, or NotFound."""
    article = session.get(KnowledgeArticle, article_id)
    if article is None:
        raise NotFound("no such article")
    return article


def list_articles(
    session: Session, *, on: date | None = None, include_expired: bool = False
) -> list[KnowledgeArticle]:
    """Articles, newest change first; those not in force ``on`` the day left out unless asked."""
    articles = list(session.scalars(select(KnowledgeArticle).order_by(KnowledgeArticle.updated_at.desc())))
    if include_expired or on is None:
        return articles
    return [article for article in articles if article.valid_on(on)]


def import_articles(
    session: Session,
    path: Path,
    user: User | None = None,
    *,
    address: str | None = None,
    name: str | None = None,
) -> list[KnowledgeArticle]:
    """Articles from a CSV/XLSX table (columns title, body, …) or a Markdown file (# title per article).

    An article already stored under the same title and department is changed (a new
    version) when the file says something else, and left alone when it does not: importing
    a file again adds nothing. A refusal names the row (table) or the article (Markdown).
    Each article created or changed is an event of the audit trail naming the file
    (``name``: the uploaded file's name, when ``path`` is a temporary copy). Returns them.
    """
    shown = Path(name).name[:AUDIT_TITLE] if name else path.name[:AUDIT_TITLE]
    markdown = path.suffix.lower() in {".md", ".markdown"}
    items = (
        [(f"article {n}", item) for n, item in enumerate(_markdown_articles(path), 1)]
        if markdown
        else _table_articles(path)
    )
    if not items:
        raise InvalidInput(f"{shown}: no article found", field="file")
    saved = []
    for where, item in items:
        try:
            data = _checked(item)
            known = _stored_as(session, data)
            if known is not None and _same(known, data, _category(session, data.category)):
                continue
            note = f"imported from {shown}"
            article = _write(session, user, item, known.id if known else None, note)
            action = audit.ARTICLE_CHANGED if known else audit.ARTICLE_CREATED
            _record(session, action, user, article, address, file=shown)
            saved.append(article)
        except InvalidInput as exc:
            raise InvalidInput(f"{where}: {exc.message}", field=exc.field) from None
    return saved


def _stored_as(session: Session, data: ArticleIn) -> KnowledgeArticle | None:
    """The stored article with ``data``'s title and department (the newest, if several)."""
    department = _department(session, data.department)
    query = select(KnowledgeArticle).where(
        KnowledgeArticle.title == data.title,
        KnowledgeArticle.department_id == department.id
        if department
        else KnowledgeArticle.department_id.is_(None),
    )
    return session.scalars(query.order_by(KnowledgeArticle.created_at.desc())).first()


def _same(article: KnowledgeArticle, data: ArticleIn, category: Category | None) -> bool:
    """Whether ``article`` already says what ``data`` says."""
    return (
        article.body == data.body
        and article.category_id == (category.id if category else None)
        and (article.valid_from, article.valid_to) == (data.valid_from, data.valid_to)
        and (article.source_url or "") == data.source_url
        and list(article.tags or []) == data.tags
    )


COLUMNS = {
    "title": ("title", "标题", "问题"),
    "body": ("body", "正文", "内容", "答案", "答复"),
    "department": ("department", "部门", "责任部门"),
    "category": ("category", "类别", "分类"),
    "valid_from": ("valid_from", "生效日期"),
    "valid_to": ("valid_to", "失效日期"),
    "source_url": ("source_url", "来源", "链接"),
    "tags": ("tags", "标签", "关键词"),
}


def _table_articles(path: Path) -> list[tuple[str, ArticleIn]]:
    try:
        table = read_rows(path)
    except ImportFileError as exc:
        raise InvalidInput(str(exc), field="file") from exc
    found = {
        key: next((c for c in table.columns if c.strip().lower() in names), None)
        for key, names in COLUMNS.items()
    }
    if found["title"] is None or found["body"] is None:
        raise InvalidInput(
            f"{path.name}: needs a title column and a body column (found: {', '.join(table.columns)})",
            field="file",
        )
    items = []
    for number, row in table.rows:
        value = {key: cell_text(row.get(column)) if column else "" for key, column in found.items()}
        if not value["title"] and not value["body"]:
            continue
        items.append(
            (
                f"row {number}",
                ArticleIn(
                    title=value["title"],
                    body=value["body"],
                    department=value["department"],
                    category=value["category"],
                    valid_from=_date(value["valid_from"], f"row {number}: valid_from"),
                    valid_to=_date(value["valid_to"], f"row {number}: valid_to"),
                    source_url=value["source_url"],
                    tags=re.split(r"[,，;；、\s]+", value["tags"]) if value["tags"] else [],
                ),
            )
        )
    return items


def _date(text: str, where: str) -> date | None:
    text = text.strip()[:10].replace("/", "-")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{where}: a date like 2026-01-31", field="file") from None


_FIELD_LINE = re.compile(
    r"^(department|category|valid_from|valid_to|source_url|tags|部门|类别|标签)\s*[:：]\s*(.*)$"
)


def _markdown_articles(path: Path) -> list[ArticleIn]:
    """``# Title`` starts an article; ``key: value`` lines right under it set its fields."""
    items: list[ArticleIn] = []
    for chunk in re.split(r"(?m)^# ", path.read_text(encoding="utf-8"))[1:]:
        title, _, rest = chunk.partition("\n")
        fields: dict[str, str] = {}
        lines = rest.strip("\n").splitlines()
        while lines and (match := _FIELD_LINE.match(lines[0].strip())):
            fields[match.group(1)] = match.group(2)
            lines.pop(0)
        items.append(
            ArticleIn(title=title.strip(), body="\n".join(lines).strip(), **_markdown_fields(fields))
        )
    return items


def _markdown_fields(fields: dict[str, str]) -> dict[str, Any]:
    alias = {"部门": "department", "类别": "category", "标签": "tags"}
    named = {alias.get(key, key): value.strip() for key, value in fields.items()}
    return {
        "department": named.get("department", ""),
        "category": named.get("category", ""),
        "valid_from": _date(named.get("valid_from", ""), "valid_from"),
        "valid_to": _date(named.get("valid_to", ""), "valid_to"),
        "source_url": named.get("source_url", ""),
        "tags": re.split(r"[,，;；、\s]+", named["tags"]) if named.get("tags") else [],
    }
