"""Keep the public search index (:class:`PublicSearchDoc`) in step with the cases.

What goes in
    A case is indexed while ``/public`` lists it: the author agreed to publish it
    (``Case.is_public``) and it is answered. Its title, first message and public replies are
    masked once, when indexed, by :class:`minyi.cases.public_text.PublicText` (the one place
    that decides what the public may read), so a search answers from stored masked text
    and never masks on the way out. Only masked text is segmented: a phone number or a name
    that was masked cannot be searched for.

Tokens
    The pipeline's :class:`minyi.pipeline.segment.Segmenter` (rjieba, the deployment's stop
    words) cuts the text; the document also gets jieba's search-mode sub-words of every
    longer word (``住房公积金`` → ``公积金``, ``住房``), so a query word found inside a longer
    word still matches. A query is cut by the same segmenter in accurate mode.

When it is written
    A session event (installed at import, once per process) notes every case whose case,
    message or reply rows were flushed with a change to what the index holds (its texts,
    publication, status, filters, dates), and re-indexes those cases just before the
    transaction commits: replies, statements, reopening (a reopened case leaves the
    index until answered again), merges, publishing and imports of historical answers are
    all covered without each of them knowing the index. ``minyi search reindex``
    (:func:`reindex`) rebuilds it in batches, e.g. after ``MINYI_PUBLIC_NUMBERS`` changed.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

from sqlalchemy import delete, event, func, insert, inspect, select, text, update
from sqlalchemy.orm import InstanceState, Session, selectinload
from sqlalchemy.orm.util import identity_key

from minyi.accountability.regions import public_region
from minyi.accountability.search_models import PublicSearchDoc
from minyi.cases.models import ANSWERED_STATUSES, Case, Reply
from minyi.cases.public_text import PublicText
from minyi.db.base import utcnow
from minyi.intake.models import Message
from minyi.pipeline.segment import Segmenter

__all__ = ["SearchTokens", "facets", "install", "is_listed", "reindex", "sync_cases", "tokens"]

PENDING_KEY = "minyi.public_search.pending"
NEW_KEY = "minyi.public_search.new"  # cases created in this transaction (no index row yet)
BATCH = 200  # cases per query while syncing or rebuilding
_LISTED_STATUSES = [status.value for status in ANSWERED_STATUSES]


class SearchTokens:
    """The pipeline's segmenter, used the same way for documents and queries."""

    def __init__(self, segmenter: Segmenter | None = None) -> None:
        """Use ``segmenter`` (the default segmenter with the packaged stop words when omitted)."""
        self.segmenter = (segmenter or Segmenter()).fit()

    def document(self, *texts: str) -> str:
        """The space-joined distinct tokens of ``texts``, with the sub-words of longer words."""
        words: dict[str, None] = {}
        keep = self.segmenter.memo_
        for text_ in texts:
            for token in self.segmenter.tokens(text_):
                words[token] = None
                if len(token) > 2:  # noqa: PLR2004 - a two-character word has no smaller word
                    for part in self.segmenter.jieba_.cut_for_search(token):
                        if part != token and keep[part]:
                            words[keep[part]] = None
        return " ".join(words)

    def query(self, text_: str) -> list[str]:
        """The distinct tokens of a query, in order."""
        return list(dict.fromkeys(self.segmenter.tokens(text_)))


@cache
def tokens() -> SearchTokens:
    """The process's tokenizer (the segmenter's dictionary loads once)."""
    return SearchTokens()


@cache
def _allow_list() -> tuple[str, ...]:
    """``MINYI_PUBLIC_NUMBERS``: numbers that stay readable (read once per process)."""
    from minyi.settings import Settings  # local: the settings are read only when a case is indexed

    try:
        return Settings().public_number_list
    except ValueError:  # invalid settings elsewhere: mask more, never fail a commit here
        return ()


def is_listed(case: Case) -> bool:
    """Whether ``/public`` lists ``case`` (and so the index holds it)."""
    return bool(case.is_public) and case.status in ANSWERED_STATUSES


def facets(department_id: str | None, status: str | None, region: str | None) -> list[str]:
    """Filter values as tokens (``qd…`` department, ``qs…`` status, ``qr…`` region).

    Stored with the words, so PostgreSQL intersects a common word with a filter inside the
    GIN index (its fast scan skips through the long list) instead of building the word's
    whole bitmap first. Plain ASCII letters and digits: one token for both engines' parsers.
    """
    found = []
    if department_id:
        found.append("qd" + re.sub(r"[^0-9a-z]", "", department_id.lower()))
    if status:
        found.append("qs" + re.sub(r"[^0-9a-z]", "", status.lower()))
    if region:
        found.append("qr" + hashlib.md5(region.encode(), usedforsecurity=False).hexdigest()[:16])
    return found


def document_values(case: Case, masker: PublicText, words: SearchTokens) -> dict[str, Any]:
    """The index row of ``case``: masked texts, filters and the tokens (key ``tokens``)."""
    first = case.public_message
    region = (public_region(first.region) or None) if first else None  # an area, never free text
    title = masker(case, case.title)
    body = masker(case, first.body) if first else ""
    reply = "\n\n".join(masker(case, r.body) for r in case.replies if r.is_public)
    return {
        "case_id": case.id,
        "number": case.number,
        "title": title[:500],
        "body": body,
        "reply": reply,
        "department_id": case.department_id,
        "category_id": case.category_id,
        "region": region,
        "status": str(case.status),
        # 留言时间 of the first message (the scorecard's month): when written, else when it arrived
        "received_at": case.written_at,
        "replied_at": case.replied_at,
        "tokens": " ".join(
            [words.document(title, body, reply), *facets(case.department_id, case.status, region)]
        ),
    }


def _load(session: Session, ids: list[str]) -> list[Case]:
    """The listed cases among ``ids``, with what masking and indexing read."""
    query = (
        select(Case)
        .where(Case.id.in_(ids), Case.is_public.is_(True), Case.status.in_(_LISTED_STATUSES))
        .options(selectinload(Case.messages).selectinload(Message.contact), selectinload(Case.replies))
        .order_by(Case.id)
    )
    return list(session.scalars(query))


def _write(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert or update the index rows ``rows`` and their full-text entries."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    query = select(PublicSearchDoc.case_id, PublicSearchDoc.id).where(
        PublicSearchDoc.case_id.in_([row["case_id"] for row in rows])
    )
    existing: dict[str, int] = {case_id: doc_id for case_id, doc_id in session.execute(query)}  # noqa: C416 - dict(Result) reads it as a mapping
    fts: list[dict[str, Any]] = []
    now = utcnow()
    for row in rows:
        values = {key: value for key, value in row.items() if key != "tokens"}
        values["indexed_at"] = now
        if not sqlite:
            values["search_vector"] = func.strip(func.to_tsvector("simple", row["tokens"]))
        doc_id = existing.get(row["case_id"])
        if doc_id is None:
            doc_id = session.execute(
                insert(PublicSearchDoc).values(**values).returning(PublicSearchDoc.id)
            ).scalar_one()
        else:
            session.execute(update(PublicSearchDoc).where(PublicSearchDoc.id == doc_id).values(**values))
        fts.append({"id": doc_id, "tokens": row["tokens"]})
    if sqlite and fts:
        session.execute(text("DELETE FROM public_search_fts WHERE rowid = :id"), fts)
        session.execute(text("INSERT INTO public_search_fts (rowid, tokens) VALUES (:id, :tokens)"), fts)


def sync_cases(session: Session, case_ids: Iterable[str]) -> int:
    """Index the listed cases among ``case_ids`` afresh and drop the others; how many are listed."""
    ids = sorted(set(case_ids))
    listed = 0
    masker: PublicText | None = None
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        cases = _load(session, chunk)
        gone = set(chunk) - {case.id for case in cases}
        if gone:
            session.execute(delete(PublicSearchDoc).where(PublicSearchDoc.case_id.in_(sorted(gone))))
        if cases:
            masker = masker or PublicText.of(session, _allow_list())
            _write(session, [document_values(case, masker, tokens()) for case in cases])
            listed += len(cases)
    return listed


def _listed_batches(session: Session, batch: int) -> Iterator[list[str]]:
    """The ids of the listed cases, ``batch`` at a time, in id (creation) order."""
    last = ""
    while True:
        query = (
            select(Case.id)
            .where(Case.id > last, Case.is_public.is_(True), Case.status.in_(_LISTED_STATUSES))
            .order_by(Case.id)
            .limit(batch)
        )
        ids = list(session.scalars(query))
        if not ids:
            return
        yield ids
        last = ids[-1]


def reindex(session: Session, batch: int = BATCH, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the cases; returns how many cases it holds.

    Rows are numbered afresh in case order (newest highest). Runs in the caller's
    transaction: readers keep the old index until the caller commits.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM public_search_fts"))
    session.execute(delete(PublicSearchDoc))
    total = 0
    for ids in _listed_batches(session, batch):
        total += sync_cases(session, ids)
        session.expunge_all()  # memory stays flat over a million cases
        if progress is not None:
            progress(len(ids))
    return total


def listed_count(session: Session) -> int:
    """How many cases ``/public`` lists (what a rebuild will index)."""
    query = select(func.count()).where(Case.is_public.is_(True), Case.status.in_(_LISTED_STATUSES))
    return session.scalar(query) or 0


# What the index reads of each row (:func:`document_values`, :func:`_load` and the masking):
# a row whose other columns changed (a deadline, a dispatch, a version, a purge's event)
# leaves the index as it is. Relationships are listed too: a message or reply moved in or
# out changes the case's texts.
_CASE_FIELDS = (
    "number", "title", "status", "is_public", "department_id", "category_id", "replied_at",
    "messages", "replies",
)  # fmt: skip
_MESSAGE_FIELDS = (
    "case_id",
    "title",
    "body",
    "is_public",
    "region",
    "received_at",
    "submitted_at",
    "contact",
)
_REPLY_FIELDS = ("case_id", "body", "is_public", "created_at")


def _changed(state: InstanceState[Any], names: tuple[str, ...]) -> bool:
    """Whether any of ``names`` holds a value other than the loaded one (never loads it)."""
    return any(state.attrs[name].history.has_changes() for name in names)


def _before(state: InstanceState[Any], name: str) -> Any:
    """The value of ``name`` as loaded, before this flush's change."""
    history = state.attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else getattr(state.obj(), name)


def _case_touches_index(case: Case) -> bool:
    """Whether a changed ``case`` row changes its index row (or whether it has one).

    A case neither listed before nor now has no index row and gets none (a dispatch, a
    signing for, a deadline of an open case): nothing to do whatever changed.
    """
    state = inspect(case)
    if not _changed(state, _CASE_FIELDS):
        return False
    was_listed = bool(_before(state, "is_public")) and _before(state, "status") in ANSWERED_STATUSES
    return was_listed or is_listed(case)


def _touched_cases(obj: object) -> set[str]:
    """The cases whose index row a changed (dirty) ``obj`` may change: old and new case."""
    if isinstance(obj, Case):
        return {obj.id} if _case_touches_index(obj) else set()
    if not isinstance(obj, Reply | Message):
        return set()
    state: InstanceState[Any] = inspect(obj)
    if not _changed(state, _REPLY_FIELDS if isinstance(obj, Reply) else _MESSAGE_FIELDS):
        return set()
    case_ids = {obj.case_id, *state.attrs["case_id"].history.deleted}  # a move: both cases
    return {case_id for case_id in case_ids if case_id}


def _note_changes(session: Session, _context: object) -> None:
    """After a flush: remember the cases whose indexed case, message or reply fields changed.

    New and deleted rows always count; a changed row only when a field the index reads
    changed (:func:`_touched_cases`): a retention purge, which changes none, re-indexed each
    case of its batch before (fourteenth probe).
    """
    ids: set[str] = set()
    for obj in itertools.chain(session.new, session.deleted):
        if isinstance(obj, Case):
            ids.add(obj.id)
        elif isinstance(obj, Reply | Message) and obj.case_id:
            ids.add(obj.case_id)
    for obj in session.dirty:
        ids |= _touched_cases(obj)
    if ids:
        session.info.setdefault(PENDING_KEY, set()).update(ids)
    created = {obj.id for obj in session.new if isinstance(obj, Case)}
    if created:
        session.info.setdefault(NEW_KEY, set()).update(created)


def _unlisted_new(session: Session, ids: set[str]) -> set[str]:
    """The cases among ``ids`` created in this transaction and not listed as they stand.

    Such a case has no index row yet and would get none, so syncing it would only load it
    and delete nothing: skipped (most cases a worker opens are not answered yet). A case
    no longer in the session is synced as usual.
    """
    created: set[str] = session.info.pop(NEW_KEY, set())
    skip: set[str] = set()
    for case_id in created & ids:
        case = session.identity_map.get(identity_key(Case, case_id))
        if isinstance(case, Case) and not is_listed(case):
            skip.add(case_id)
    return skip


def _sync_before_commit(session: Session) -> None:
    """Before a commit: re-index the cases noted since the last one.

    SQLAlchemy also calls this when a savepoint is released; the cases wait for the real
    commit then, so processing row by row in savepoints (an import) indexes each case once
    per transaction instead of once per row. A case whose savepoint rolled back is simply
    dropped from the index (it is gone) when the transaction commits.
    """
    if session.in_nested_transaction():
        return
    session.flush()
    ids: set[str] | None = session.info.pop(PENDING_KEY, None)
    if ids:
        ids -= _unlisted_new(session, ids)
    else:
        session.info.pop(NEW_KEY, None)
    if ids:
        sync_cases(session, ids)


def install() -> None:
    """Watch every session of this process (idempotent; done when this module is imported)."""
    if not event.contains(Session, "after_flush", _note_changes):
        event.listen(Session, "after_flush", _note_changes)
        event.listen(Session, "before_commit", _sync_before_commit)


install()
