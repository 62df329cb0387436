"""Search the knowledge base: answered cases and articles, best first.

:func:`search` is what the command line (``minyi knowledge search``), the staff API
(``GET /api/v1/knowledge/search``), the case page and the portal call. It brings the index
up to date first when it is older than ``MINYI_KNOWLEDGE_SYNC_SECONDS`` (one process at a
time: another that finds the index busy searches what is there), so a case answered a
minute ago is found without a job of its own. ``minyi knowledge reindex`` rebuilds it all.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from threading import Lock
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from minyi.cases.public_text import PublicText
from minyi.core import localtime
from minyi.core.errors import InvalidInput
from minyi.knowledge import documents
from minyi.knowledge.index import Document, Found, KnowledgeIndex
from minyi.settings import Settings

MAX_TOP = 50
MAX_QUERY = 2000
#: Replies stored this long before the last synchronisation began are looked at again:
#: another process may have committed them a little after it read.
OVERLAP = timedelta(minutes=2)
_indexes: dict[Path, KnowledgeIndex] = {}
_indexes_lock = Lock()
log = logging.getLogger(__name__)


#: Relevance (:attr:`minyi.knowledge.index.Found.relevance`) from which a hit reads as a
#: close (高) or a fair (中) match; below the second, 低. On bench_knowledge's tuning split
#: the best hit reaches 0.2 for 5 % of the questions and 0.08 for a third (median 0.056):
#: long questions hold many words no answer has. See bench/README.md, "Knowledge base".
HIGH_RELEVANCE = 0.2
FAIR_RELEVANCE = 0.08


@dataclass(frozen=True)
class Hit:
    """One answer of the knowledge base, as the CLI, the API and the pages show it.

    ``score`` is the raw BM25 score (it grows with the question's length: kept for the
    direct-answer setting and the record of uses); pages show :attr:`band` instead.
    """

    source: str  # "case" or "article"
    id: str
    title: str
    answer: str
    department: str
    date: str
    score: float
    question: str = ""
    category: str = ""
    satisfaction: str = ""
    number: str = ""  # the case number, for a case
    source_url: str = ""  # the source document, for an article
    relevance: float = 0.0  # 0 to 1, comparable across questions (see index.Found)
    coverage: float = 1.0  # 0 to 1: how much of the question the index knows (see index.Found)

    @property
    def band(self) -> str:
        """``high``, ``fair`` or ``low``: how closely the hit matches, for a person to read.

        Read from the relevance times the coverage: a question the base knows little of
        (公积金提取 where no answer speaks of 公积金) matched on its common words (需要…材料)
        read 相关度 高 from the relevance alone.
        """
        closeness = self.relevance * self.coverage
        if closeness >= HIGH_RELEVANCE:
            return "high"
        return "fair" if closeness >= FAIR_RELEVANCE else "low"

    def as_dict(self) -> dict[str, Any]:
        """The hit as JSON-ready values."""
        return asdict(self)


def index_dir(settings: Settings) -> Path:
    """Where the index lives: ``MINYI_KNOWLEDGE_DIR``, else ``data_dir/knowledge``."""
    return settings.knowledge_dir or settings.data_dir / "knowledge"


def open_index(settings: Settings) -> KnowledgeIndex:
    """The index of ``settings``, opened once per process."""
    path = index_dir(settings).resolve()
    with _indexes_lock:
        if path not in _indexes:
            _indexes[path] = KnowledgeIndex(path)
        return _indexes[path]


def search(  # noqa: PLR0913 - the query and its filters
    session: Session,
    settings: Settings,
    text: str,
    *,
    top: int = 5,
    public_only: bool = False,
    department_id: str | None = None,
    departments: frozenset[str] | None = None,
    today: date | None = None,
) -> list[Hit]:
    """The ``top`` best answers to ``text``; expired articles left out; public ones only if asked.

    ``departments``: what a department's staff may read
    (:func:`~minyi.accounts.permissions.department_filter`): public answers and articles of
    every department, the private cases of these departments only.
    ``None``: everything (admins, dispatchers, supervisors).
    """
    text = text.strip()
    if not text:
        raise InvalidInput("q: write what to search for", field="q")
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"q: at most {MAX_QUERY} characters", field="q")
    if not 1 <= top <= MAX_TOP:
        raise InvalidInput(f"top: a whole number from 1 to {MAX_TOP}", field="top")
    index = open_index(settings)
    refresh_if_stale(session, settings, index)
    day = (today or localtime.local_date(datetime.now(UTC))).isoformat()
    found = index.search(
        text, top=top * 3, public_only=public_only, department_id=department_id, departments=departments
    )
    current = [item for item in found if not item.document.valid_to or item.document.valid_to >= day]
    cases = [item.document.id for item in current if item.document.source == "case"]
    shown = documents.still_shown(session, cases, public_only=public_only, departments=departments)
    current = [item for item in current if item.document.source != "case" or item.document.id in shown]
    return [_hit(item) for item in current[:top]]


def _hit(found: Found) -> Hit:
    document = found.document
    return Hit(
        source=document.source,
        id=document.id,
        title=document.title,
        answer=document.answer,
        department=document.department,
        date=document.date,
        score=round(found.score, 4),
        relevance=round(found.relevance, 4),
        coverage=round(found.coverage, 4),
        question=document.question if document.source == "case" else "",
        category=document.category,
        satisfaction=document.satisfaction,
        number=str(document.extra.get("number", "")),
        source_url=str(document.extra.get("source_url", "")),
    )


#: A search synchronises the index inside its request for at most this many changed cases
#: (a few seconds). A larger backlog (a restore of two years of answers, an index never
#: built) is indexed by one background thread of the process while searches use what the
#: index holds: a first case page after a restore ran 15 minutes inside its request.
REQUEST_SYNC_CASES = 300
_background: set[Path] = set()  # indexes a background synchronisation is working on
_background_lock = Lock()


def _since(state: dict[str, Any], full: bool = False) -> datetime | None:
    """Where a synchronisation starts reading (None: everything)."""
    return None if full or "synced_at" not in state else datetime.fromisoformat(state["synced_at"]) - OVERLAP


def refresh_if_stale(session: Session, settings: Settings, index: KnowledgeIndex) -> bool:
    """Synchronise when the last synchronisation is older than the setting; False if not now.

    A backlog over :data:`REQUEST_SYNC_CASES` goes to a background thread instead.
    """
    state = index.state()
    last = float(state.get("synced_at_epoch", 0))
    if time.time() - last < settings.knowledge_sync_seconds:
        index.reload()
        return False
    backlog = documents.answered_case_count(session, _since(state), at_most=REQUEST_SYNC_CASES + 1)
    # (a session bound to one connection, a test's, reads uncommitted rows no thread can see)
    if backlog > REQUEST_SYNC_CASES and not isinstance(session.get_bind(), Connection):
        synchronise_in_background(session, settings, index)  # or one is running already
        index.reload()
        return False
    try:
        synchronise(session, settings, index)
    except ValueError:  # another process holds the writer: search what it has committed
        index.reload()
        return False
    return True


def synchronise_in_background(
    session: Session, settings: Settings, index: KnowledgeIndex
) -> threading.Thread | None:
    """Start one thread that synchronises ``index`` with a session of its own.

    Returns the thread, or None when one already runs or ``session`` is bound to one
    connection (whose uncommitted work another connection cannot read: the caller then
    synchronises itself).
    """
    bind = session.get_bind()
    if isinstance(bind, Connection):
        return None
    with _background_lock:
        if index.path in _background:
            return None
        _background.add(index.path)
    engine = bind

    def run() -> None:
        try:
            with Session(engine) as own:
                written = synchronise(own, settings, index)
            log.info("knowledge index brought up to date in the background: %d documents", written)
        except ValueError:  # another process holds the writer: it is doing the work
            log.info("knowledge index busy in another process; the background synchronisation stops")
        except Exception:  # a thread's end: logged, the next stale search tries again
            log.exception("the background synchronisation of the knowledge index failed")
        finally:
            with _background_lock:
                _background.discard(index.path)

    thread = threading.Thread(target=run, name="knowledge-sync", daemon=True)
    thread.start()
    return thread


def synchronise(
    session: Session,
    settings: Settings,
    index: KnowledgeIndex | None = None,
    *,
    full: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Bring the index up to date with the database; ``full`` rebuilds it. Returns documents written."""
    index = index or open_index(settings)
    started = datetime.now(UTC)
    state = index.state()
    since = _since(state, full)
    masker = PublicText.of(session, settings.public_numbers)
    written = 0
    first = True
    for batch in documents.changed_case_ids(session, since):
        docs = documents.case_documents(session, batch, masker)
        written += index.replace(docs, delete=_gone(batch, docs), clear=full and first)
        first = False
        if progress is not None:
            progress(len(batch))
    articles = [documents.article_document(article) for article in documents.changed_articles(session, since)]
    written += index.replace(articles, clear=full and first)
    index.save_state({"synced_at": started.isoformat(), "synced_at_epoch": started.timestamp()})
    return written


def resync_cases(session: Session, settings: Settings, case_ids: Sequence[str]) -> int:
    """Rewrite the documents of ``case_ids`` now (after their texts or consent changed).

    A synchronisation picks up cases with new replies only; a case whose question was
    erased or whose author withdrew consent has none, so its document is rewritten here.
    Nothing is done when the index was never built (the first synchronisation reads all).
    """
    if not case_ids or not index_dir(settings).exists():
        return 0
    masker = PublicText.of(session, settings.public_numbers)
    docs = documents.case_documents(session, list(case_ids), masker)
    return open_index(settings).replace(docs, delete=_gone(case_ids, docs))


def purge_deleted(settings: Settings, *, background: bool = False) -> threading.Thread | int:
    """Drop from the index's files what replaced documents held (after an erasure).

    See :meth:`KnowledgeIndex.purge_deleted`: it costs about what indexing the rewritten
    documents cost (a few minutes for a million in one segment), too long for a page or an
    API call, which pass ``background`` and get the thread; else the documents rewritten.
    Nothing is done when the index was never built.
    """
    if not index_dir(settings).exists():
        return 0
    index = open_index(settings)
    if not background:
        return index.purge_deleted()

    def run() -> None:
        try:
            log.info("knowledge index purged of deleted documents: %d rewritten", index.purge_deleted())
        except ValueError:  # another process holds the writer: the next erasure purges
            log.warning("knowledge index busy in another process; deleted documents not purged yet")
        except Exception:  # a thread's end: logged
            log.exception("purging the knowledge index of deleted documents failed")

    thread = threading.Thread(target=run, name="knowledge-purge")  # not a daemon: finish on shutdown
    thread.start()
    return thread


def _gone(case_ids: Sequence[str], docs: list[Document]) -> list[str]:
    """The index keys of the cases among ``case_ids`` that have no document any more."""
    kept = {doc.id for doc in docs}
    return [Document.case_key(case_id) for case_id in case_ids if case_id not in kept]


def write_documents(settings: Settings, items: list[Document]) -> int:
    """Write prepared documents (the benchmark and tests fill an index without a database)."""
    return open_index(settings).replace(items)
