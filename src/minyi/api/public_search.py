"""``GET /api/v1/public/search``: the public answer search as JSON (no token; masked texts only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel

from minyi.accountability.search import COUNT_CAP, parse_query, search
from minyi.http.deps import AppSettings, DbSession
from minyi.http.transactions import Router

router = Router()
Param = Annotated[str, Query(max_length=200)]


class PublicHit(BaseModel):
    """One public answer (texts masked)."""

    number: str
    title: str
    body: str
    reply: str
    department: str
    category: str
    region: str
    status: str
    received_at: datetime
    replied_at: datetime | None


class PublicSearchOut(BaseModel):
    """A page of public answers; ``total`` is counted up to ``count_cap`` (``more`` beyond)."""

    total: int
    more: bool
    count_cap: int
    page: int
    pages: int
    words: list[str]
    hits: list[PublicHit]


@router.get("/api/v1/public/search", response_model=PublicSearchOut, tags=["public"])
def public_search(
    db: DbSession,
    settings: AppSettings,
    q: Param = "",
    code: Param = "",
    department: Param = "",
    category: Param = "",
    region: Param = "",
    date_from: Annotated[str, Query(alias="from", max_length=20)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=20)] = "",
    status: Param = "",
    page: Annotated[str, Query(max_length=10)] = "",
    size: Annotated[str, Query(max_length=10)] = "",
) -> PublicSearchOut:
    """Search the answers their authors agreed to publish: every word must match; newest first.

    `code` (or a `q` shaped like a tracking code) finds the one public case of that code.
    A wrong value answers 422 naming the parameter.
    """
    params = {"q": q, "code": code, "department": department, "category": category, "region": region}
    params |= {"from": date_from, "to": date_to, "status": status, "page": page, "size": size}
    result = search(db, parse_query(params, settings.public_page_size))
    return PublicSearchOut(
        total=min(result.total, COUNT_CAP),
        more=result.more,
        count_cap=COUNT_CAP,
        page=result.query.page,
        pages=result.pages,
        words=result.words,
        hits=[PublicHit(**hit.to_dict()) for hit in result.hits],
    )
