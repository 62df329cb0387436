"""Keep the staff word index (:class:`CaseWords`) in step with the cases, and read it.

What goes in
    Every case, with the character pairs of its title, its number and the title and body
    of each of its messages, as they are stored (unmasked: the index is read only to find
    cases, never shown). ASCII letters are folded to lower case, as SQLite's ``LIKE`` folds
    them; PostgreSQL's ``LIKE`` is case-sensitive, which the check after the index settles.
    Pairs never cross from one text to the next (``LIKE`` reads each text alone).

When it is written
    As for the public index (:mod:`minyi.accountability.search_index`): a session event notes
    every case whose case or message rows were flushed and re-indexes those cases just before
    the transaction commits. So a stored, edited, merged or erased message (``flows.erasure``
    writes the placeholder over its words), a name masked by retention, or a deleted case
    leaves nothing of the old words behind once the transaction commits. A bulk writer that
    bypasses the unit of work notes its cases with :func:`note_cases`. ``minyi search
    reindex`` rebuilds it (:func:`reindex`); migration 0027 fills it on upgrade.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Iterator

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    bindparam,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.orm.state import InstanceState

from minyi.cases.models import Case
from minyi.cases.word_models import FTS_TABLE, CaseWords
from minyi.intake.models import Message

__all__ = [
    "MIN_QUERY",
    "catch_up",
    "exact_for",
    "grams",
    "matching_cases",
    "note_cases",
    "query_grams",
    "reindex",
    "sync_cases",
]

PENDING_KEY = "minyi.case_words.pending"
BATCH = 500  # cases per query while syncing or rebuilding
MIN_QUERY = 2  # a single character has no pair: such a query reads the texts (LIKE)
MAX_QUERY_GRAMS = 64  # a long query's first pairs narrow enough; LIKE checks the rest
_HAN_FIRST, _HAN_LAST = "\u4e00", "\u9fff"  # the CJK Unified Ideographs block
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _token(pair: str) -> str:
    """A pair as one token: two Han characters as they are, any other pair as hex.

    Han characters are letters to both engines' tokenizers, so ``路灯`` stays one token
    (6 bytes, not 10 of hex: most pairs of a Chinese text, and SQLite keeps each
    document's tokens); a pair with a space, a sign or a Latin letter could be split or
    folded, so it is written as the hex of both code points, which nothing alters.
    """
    first, second = pair[0], pair[1]
    if _HAN_FIRST <= first <= _HAN_LAST and _HAN_FIRST <= second <= _HAN_LAST:
        return pair
    return f"{(ord(first) << 21) | ord(second):x}"


def _pairs(text_: str) -> set[str]:
    """The distinct pair tokens of ``text_`` (ASCII folded)."""
    folded = text_.translate(_ASCII_LOWER)
    return {_token(pair) for pair in set(map(operator.add, folded, folded[1:]))}


def grams(*texts: str | None) -> set[str]:
    """The distinct pair tokens of ``texts`` (none across two texts)."""
    found: set[str] = set()
    for text_ in texts:
        if text_:
            found |= _pairs(text_)
    return found


def query_grams(words: str) -> list[str]:
    """The distinct pair tokens of a query, in order, at most :data:`MAX_QUERY_GRAMS`."""
    folded = words.translate(_ASCII_LOWER)
    pairs = map(operator.add, folded, folded[1:])
    return list(dict.fromkeys(_token(pair) for pair in pairs))[:MAX_QUERY_GRAMS]


def exact_for(dialect: str, words: str) -> bool:
    """Whether the index alone answers ``words`` exactly, with no ``LIKE`` check after it.

    A two-character query is one pair: a case holds it exactly when one of its texts
    contains it, as ``LIKE`` reads it on SQLite (ASCII folded both ways). PostgreSQL's
    ``LIKE`` tells ``Ab`` from ``ab``, so a query with an ASCII letter is checked there.
    """
    if len(words) != MIN_QUERY:
        return False
    return dialect == "sqlite" or not any(c.isascii() and c.isalpha() for c in words)


def matching_cases(dialect: str, words: str) -> Select[str]:
    """The ids of the cases holding every pair of ``words`` (at least two characters)."""
    wanted = query_grams(words)
    if dialect == "sqlite":
        match = " ".join(f'"{token}"' for token in wanted)  # hex or Han: nothing to escape
        found = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :pairs")  # noqa: S608 - a constant
        rows = found.bindparams(pairs=match).columns(rowid=CaseWords.id.type)
        return select(CaseWords.case_id).where(CaseWords.id.in_(rows.subquery().select()))
    holds: ColumnElement[bool] = CaseWords.grams.op("@>")(
        bindparam("pairs", wanted, type_=postgresql.ARRAY(Text()))
    )
    return select(CaseWords.case_id).where(holds)


def _texts(session: Session, ids: list[str]) -> dict[str, set[str]]:
    """The pairs of each existing case among ``ids`` (title, number, every message)."""
    found = {
        case_id: grams(title, number)
        for case_id, title, number in session.execute(
            select(Case.id, Case.title, Case.number).where(Case.id.in_(ids))
        )
    }
    rows = select(Message.case_id, Message.title, Message.body).where(Message.case_id.in_(ids))
    for case_id, title, body in session.execute(rows):
        if case_id in found:
            found[case_id] |= grams(title, body)
    return found


def _write(session: Session, found: dict[str, set[str]]) -> None:
    """Insert or update the index rows of ``found`` (case id → its pairs)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    ids = sorted(found)
    query = select(CaseWords.case_id, CaseWords.id).where(CaseWords.case_id.in_(ids))
    existing: dict[str, int] = {case_id: row_id for case_id, row_id in session.execute(query)}  # noqa: C416 - dict(Result) reads it as a mapping
    new = [case_id for case_id in ids if case_id not in existing]
    if sqlite:
        old = [{"id": row_id} for row_id in existing.values()]
        if old:  # only rows that were there: a new row has no entry to remove
            session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), old)  # noqa: S608
        if new:
            session.execute(insert(CaseWords), [{"case_id": case_id} for case_id in new])
            existing = {case_id: row_id for case_id, row_id in session.execute(query)}  # noqa: C416
        rows = [{"id": existing[case_id], "grams": " ".join(sorted(found[case_id]))} for case_id in ids]
        session.execute(text(f"INSERT INTO {FTS_TABLE} (rowid, grams) VALUES (:id, :grams)"), rows)  # noqa: S608
        return
    if new:
        session.execute(insert(CaseWords), [{"case_id": c, "grams": sorted(found[c])} for c in new])
    changed = [{"row": existing[c], "pairs": sorted(found[c])} for c in ids if c in existing]
    if changed:
        statement = update(CaseWords).where(CaseWords.id == bindparam("row"))
        session.connection().execute(statement.values(grams=bindparam("pairs")), changed)


def sync_cases(session: Session, case_ids: Iterable[str]) -> int:
    """Index the cases among ``case_ids`` afresh and drop the rows of those gone; how many exist."""
    ids = sorted(set(case_ids))
    indexed = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        found = _texts(session, chunk)
        gone = sorted(set(chunk) - set(found))
        if gone:  # the foreign key's cascade does it when the case row goes; this covers the rest
            session.execute(delete(CaseWords).where(CaseWords.case_id.in_(gone)))
        if found:
            _write(session, found)
            indexed += len(found)
    return indexed


def _case_batches(session: Session, batch: int) -> Iterator[list[str]]:
    """Every case id, ``batch`` at a time, in id order."""
    last = ""
    while ids := list(session.scalars(select(Case.id).where(Case.id > last).order_by(Case.id).limit(batch))):
        yield ids
        last = ids[-1]


def reindex(session: Session, batch: int = BATCH, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the cases, in the caller's transaction; how many cases."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"DELETE FROM {FTS_TABLE}"))  # noqa: S608 - a constant
    session.execute(delete(CaseWords))
    total = 0
    for ids in _case_batches(session, batch):
        total += sync_cases(session, ids)
        if progress is not None:
            progress(len(ids))
    return total


def case_count(session: Session) -> int:
    """How many cases a rebuild will index."""
    return session.scalar(select(func.count()).select_from(Case)) or 0


def note_cases(session: Session, case_ids: Iterable[str]) -> None:
    """Have the cases ``case_ids`` re-indexed at the commit (for writers that bypass the ORM)."""
    ids = {case_id for case_id in case_ids if case_id}
    if ids:
        session.info.setdefault(PENDING_KEY, set()).update(ids)


#: The columns the index reads: a case or message changed in others (a status, a deadline,
#: a reminder's stamp) is not indexed again, so a job touching many cases writes no index.
_CASE_TEXT = ("title", "number")
_MESSAGE_TEXT = ("title", "body", "case_id")


def _text_changed(obj: Case | Message, names: tuple[str, ...]) -> bool:
    """Whether a dirty row's indexed text changed in this flush (history is kept until after it)."""
    state: InstanceState[Case | Message] = inspect(obj)
    attrs = state.attrs
    return any(attrs[name].history.has_changes() for name in names)


def _note_changes(session: Session, _context: object) -> None:
    """After a flush: remember the cases whose indexed text (case or message rows) changed."""
    ids: set[str] = set()
    dirty = session.dirty
    for obj in itertools.chain(session.new, dirty, session.deleted):
        if isinstance(obj, Case):
            if obj not in dirty or _text_changed(obj, _CASE_TEXT):
                ids.add(obj.id)
        elif (
            isinstance(obj, Message)
            and obj.case_id
            and (obj not in dirty or _text_changed(obj, _MESSAGE_TEXT))
        ):
            ids.add(obj.case_id)
    note_cases(session, ids)


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    """Before a flush: a message moving to another case (并案) leaves its old case, note it too.

    After the flush the message's history is gone and only its new case would be noted.
    """
    moved: list[str] = []
    for obj in session.dirty:
        if isinstance(obj, Message):
            attrs = inspect(obj).attrs
            moved.extend(str(old) for old in attrs.case_id.history.deleted if old)
            # ``message.case = keep`` (并案) changes the relationship; case_id follows only in
            # the flush: the absorbed case kept its words, erased ones too (ninth probe)
            moved.extend(old.id for old in attrs.case.history.deleted if isinstance(old, Case))
    note_cases(session, moved)


def catch_up(session: Session) -> None:
    """Index the cases this transaction changed so far, before a search reads the index.

    The commit does it otherwise; a search later in the same transaction (a script, an
    import's check) would not find what it just wrote, which ``LIKE`` did.
    """
    session.flush()
    ids: set[str] | None = session.info.pop(PENDING_KEY, None)
    if ids:
        sync_cases(session, ids)


def _sync_before_commit(session: Session) -> None:
    """Before a commit (not a savepoint's release): re-index the cases noted since the last one."""
    if not session.in_nested_transaction():
        catch_up(session)


def install() -> None:
    """Watch every session of this process (idempotent; done when this module is imported)."""
    if not event.contains(Session, "after_flush", _note_changes):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _note_changes)
        event.listen(Session, "before_commit", _sync_before_commit)


install()
