"""The retrieval index: BM25 over segmented Chinese, in a Tantivy index on disk.

Why Tantivy (``tantivy`` on PyPI, the Rust search library behind Quickwit): a
top-k BM25 query over a million answered cases must answer in milliseconds on two cores,
for the case page and for a citizen typing on the portal. PostgreSQL's ``ts_rank`` and
SQLite FTS5's ``bm25()`` score every matching row before sorting, and a question of
ten common words matches a large part of a million rows; Tantivy's block-max WAND skips
what cannot reach the top k. It is one wheel with no server, works the same beside
SQLite and PostgreSQL, and keeps its files in ``MINYI_KNOWLEDGE_DIR``.

The text is segmented by the pipeline's segmenter (rjieba) before it reaches the index:
Tantivy's own tokenizer only splits on spaces and punctuation, so the words it sees are
ours. Everything stored here is already masked (see :mod:`minyi.knowledge.documents`).
This module knows nothing of the database: it takes :class:`Document` values and answers
:class:`Found` values.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import tantivy

from minyi.pipeline.segment import Segmenter

#: Field boosts: the title says what the question is about, the answer may add synonyms;
#: character bigrams of title and question catch what the segmenter cut differently
#: (人民路路灯 → 人民/路路/灯 in one text, 路灯 in another).
BOOSTS = {"t_title": 2.0, "t_question": 1.0, "t_answer": 0.4, "t_bigrams": 0.3}
MAX_QUERY_WORDS = 30  # the rarest words of a question (see KnowledgeIndex._query)
MAX_QUERY_BIGRAMS = 16
QUERY_FIELDS = ("t_title", "t_question")  # the answer's words: slower, no better (bench_knowledge)
BIGRAM_CHARS = 120  # bigrams of the question's start only: the title and its first sentences
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
WRITER_HEAP = 64_000_000
STATE_FILE = "minyi-state.json"
_WORD = re.compile(r"[\w\u4e00-\u9fff]")


@dataclass(frozen=True)
class Document:
    """One searchable thing: an answered case or an article, its texts already masked."""

    source: str  # "case" or "article"
    id: str
    title: str
    question: str
    answer: str
    department_id: str = ""
    department: str = ""
    category: str = ""
    date: str = ""  # ISO date of the answer (case) or of the last change (article)
    satisfaction: str = ""
    valid_to: str = ""  # ISO date after which an article is hidden; "" for never
    public: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The index key, unique across sources."""
        return f"{self.source}:{self.id}"

    @staticmethod
    def case_key(case_id: str) -> str:
        """The index key of case ``case_id``'s document (to drop it when it has none)."""
        return f"case:{case_id}"


@dataclass(frozen=True)
class Found:
    """A document found for a query, with its BM25 score, its relevance and the coverage.

    The BM25 score grows with the length of the question and the size of the index, so it
    means nothing to a reader. ``relevance`` (0 to 1) is the score over what the same query
    would give a document of average length holding each of the question's words once in
    its title and its question, and each of its bigrams once (:func:`_ideal`): the share of
    the question's telling words, weighted by rarity, that the document holds. ``coverage``
    (0 to 1, the same for every hit of a query) is the share of that ideal that the words
    some document holds make up: low when the index knows nothing of what the question is
    about (燃气泄漏 in an index of building and school answers), whatever it then finds.
    """

    document: Document
    score: float
    relevance: float = 0.0
    coverage: float = 1.0


@lru_cache(maxsize=1)
def segmenter() -> Segmenter:
    """The one segmenter of this process (its dictionary loads once)."""
    return Segmenter().fit()


def words(text: str) -> list[str]:
    """The words of ``text`` as the index sees them: segmented, stop words and punctuation out."""
    return [token.lower() for token in segmenter().tokens(text) if _WORD.search(token)]


def bigrams(text: str) -> list[str]:
    """The pairs of neighbouring Chinese characters of ``text``, once each, in order."""
    pairs = (run[i : i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1))
    return list(dict.fromkeys(pairs))


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    builder.add_text_field("department_id", stored=True, tokenizer_name="raw")
    builder.add_unsigned_field("public", indexed=True, fast=True, stored=True)
    for name in BOOSTS:
        builder.add_text_field(name, stored=False, tokenizer_name="whitespace")
    builder.add_json_field("doc", stored=True, tokenizer_name="raw")
    return builder.build()


SCHEMA = _schema()


class KnowledgeIndex:
    """A Tantivy index in ``path``: add or replace documents, search them.

    One process writes at a time (Tantivy holds a lock file); the others only read, and
    see new documents after :meth:`reload`. ``state`` is a small JSON file beside the index
    (when it was last synchronised with the database).
    """

    def __init__(self, path: Path) -> None:
        """Open the index in ``path``, creating it when missing."""
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
        self._lock = threading.Lock()

    def replace(
        self, documents: Iterable[Document], *, delete: Sequence[str] = (), clear: bool = False
    ) -> int:
        """Write ``documents`` (replacing any with the same key), drop ``delete`` keys; commit once."""
        count = 0
        with self._lock:
            writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)
            try:
                if clear:
                    writer.delete_all_documents()
                for key in delete:
                    writer.delete_documents_by_term("key", key)
                for document in documents:
                    if not clear:
                        writer.delete_documents_by_term("key", document.key)
                    writer.add_document(_to_tantivy(document))
                    count += 1
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
        self.index.reload()
        return count

    def purge_deleted(self) -> int:
        """Write again the live documents of every segment holding deleted ones; how many.

        Tantivy only marks a replaced or dropped document deleted: its text (the stored
        title, question and answer, masked) stays in its segment's files until a merge, which
        may never come for an old segment. After an erasure rewrote a case's texts, what it
        erased must leave the disk too (docs/security-probes.md, eleventh probe, privacy).
        The live documents of those segments are deleted and added again (from their stored
        fields: no database), so the old segments hold no live document, are dropped at the
        commit and their files collected. Costs the segmentation of the documents rewritten;
        run after an erasure, not after each synchronisation.
        """
        docs: list[Document] = []
        with self._lock:
            self.index.reload()
            searcher = self.index.searcher()
            segments = _segment_counts(self.path)
            if segments is None or any(deleted for _live, deleted in segments):
                docs = _documents_to_rewrite(searcher, segments)
                writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)
                try:
                    for document in docs:
                        writer.delete_documents_by_term("key", document.key)
                        writer.add_document(_to_tantivy(document))
                    writer.commit()
                    writer.wait_merging_threads()
                except BaseException:
                    writer.rollback()
                    raise
            self.index.reload()
            collector = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)
            collector.garbage_collect_files()  # files of dropped segments no reader uses any more
            collector.wait_merging_threads()
        return len(docs)

    def reload(self) -> None:
        """See what another process committed."""
        self.index.reload()

    def size(self) -> int:
        """How many documents the index holds."""
        return int(self.index.searcher().num_docs)

    def search(
        self,
        text: str,
        *,
        top: int = 5,
        public_only: bool = False,
        department_id: str | None = None,
        departments: frozenset[str] | None = None,
    ) -> list[Found]:
        """The ``top`` documents that best match ``text`` (BM25 over title, question and answer).

        ``departments``: when given, only public documents and those of these departments.
        """
        searcher = self.index.searcher()
        built = self._query(
            searcher, text, public_only=public_only, department_id=department_id, departments=departments
        )
        if built is None:
            return []
        query, ideal, coverage = built
        result = searcher.search(query, top)
        return [
            Found(
                _from_tantivy(searcher.doc(address)), float(score), min(1.0, float(score) / ideal), coverage
            )
            for score, address in result.hits
        ]

    def _query(
        self,
        searcher: tantivy.Searcher,
        text: str,
        *,
        public_only: bool,
        department_id: str | None,
        departments: frozenset[str] | None = None,
    ) -> tuple[tantivy.Query, float, float] | None:
        """The query of ``text``'s most telling words and bigrams.

        A question of several paragraphs has a hundred words; a query of all of them is
        slow on a million documents and no better. The rarest words (fewest documents hold
        them) say most about the question, so only those are kept; words no document
        holds find nothing and are left out of the query. Returns the query, the score
        of an ideal match (:func:`_ideal`), which counts those words too, and the share
        of it that the held words make up (:attr:`Found.coverage`).
        """
        held_terms, unheld_terms = _rarest(searcher, "t_question", words(text), MAX_QUERY_WORDS)
        held_pairs, unheld_pairs = _rarest(
            searcher, "t_bigrams", bigrams(text[:BIGRAM_CHARS]), MAX_QUERY_BIGRAMS
        )
        if not held_terms and not held_pairs:
            return None
        ideal = _ideal(searcher, held_terms + unheld_terms, held_pairs + unheld_pairs)
        coverage = _ideal(searcher, held_terms, held_pairs) / ideal
        terms, pairs = [term for _, term in held_terms], [pair for _, pair in held_pairs]
        term_query, boost_query = tantivy.Query.term_query, tantivy.Query.boost_query
        should = [
            (tantivy.Occur.Should, boost_query(term_query(SCHEMA, name, term), BOOSTS[name]))
            for term in terms
            for name in QUERY_FIELDS
        ]
        should += [
            (tantivy.Occur.Should, boost_query(term_query(SCHEMA, "t_bigrams", pair), BOOSTS["t_bigrams"]))
            for pair in pairs
        ]
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = [
            (tantivy.Occur.Must, tantivy.Query.boolean_query(should))
        ]
        if public_only:
            clauses.append((tantivy.Occur.Must, term_query(SCHEMA, "public", 1)))
        if department_id:
            clauses.append((tantivy.Occur.Must, term_query(SCHEMA, "department_id", department_id)))
        if departments is not None:
            visible = [(tantivy.Occur.Should, term_query(SCHEMA, "public", 1))]
            own = (term_query(SCHEMA, "department_id", code) for code in sorted(departments))
            visible += [(tantivy.Occur.Should, query) for query in own]
            clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(visible)))
        return tantivy.Query.boolean_query(clauses), ideal, coverage

    def state(self) -> dict[str, Any]:
        """What :meth:`save_state` last wrote (``{}`` for a new index)."""
        file = self.path / STATE_FILE
        if not file.exists():
            return {}
        loaded: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
        return loaded

    def save_state(self, state: dict[str, Any]) -> None:
        """Write ``state`` atomically (a rename), for the next synchronisation."""
        file = self.path / STATE_FILE
        partial = file.with_suffix(".tmp")
        partial.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        partial.replace(file)


def _segment_counts(path: Path) -> list[tuple[int, int]] | None:
    """``(live, deleted)`` documents of each segment, from Tantivy's ``meta.json``; None if unreadable."""
    try:
        segments = json.loads((path / "meta.json").read_text(encoding="utf-8"))["segments"]
        counts = []
        for segment in segments:
            deleted = int((segment.get("deletes") or {}).get("num_deleted_docs", 0))
            counts.append((int(segment["max_doc"]) - deleted, deleted))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return counts


def _documents_to_rewrite(
    searcher: tantivy.Searcher, segments: list[tuple[int, int]] | None
) -> list[Document]:
    """The live documents of the segments holding deleted ones (``segments`` from :func:`_segment_counts`).

    ``meta.json`` lists the segments in the order a searcher numbers them
    (``DocAddress.segment_ord``); when the live documents of each do not match that list
    (another commit in between, a format that changed), every live document is rewritten.
    """
    hits = searcher.search(tantivy.Query.all_query(), max(1, int(searcher.num_docs))).hits
    found = Counter(address.segment_ord for _, address in hits)
    if segments is not None and found == Counter({i: live for i, (live, _) in enumerate(segments) if live}):
        stale = {i for i, (_live, deleted) in enumerate(segments) if deleted}
        return [_from_tantivy(searcher.doc(a)) for _, a in hits if a.segment_ord in stale]
    return [_from_tantivy(searcher.doc(a)) for _, a in hits]


def _ideal(searcher: tantivy.Searcher, terms: list[Counted], pairs: list[Counted]) -> float:
    """The BM25 score of a document of average length holding each term once in each field.

    With one occurrence in a field of average length, Tantivy's BM25 term weight
    (``idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg))``) is the idf itself,
    ``ln(1 + (N - n + 0.5) / (n + 0.5))``. Words of the question that no document holds
    count too (as the rarest, ``n = 0``): an answer that shares only the question's common
    words (小区, 处理) must not read as a close match because the telling ones (燃气泄漏) are
    nowhere in the index.
    """
    total = max(1, int(searcher.num_docs))

    def idf(held: int) -> float:
        return math.log(1 + (total - held + 0.5) / (held + 0.5))

    titles = [int(searcher.doc_freq("t_title", term)) if held else 0 for held, term in terms]
    ideal = sum(BOOSTS["t_question"] * idf(held) for held, _term in terms)
    ideal += sum(BOOSTS["t_title"] * idf(held) for held in titles)
    ideal += sum(BOOSTS["t_bigrams"] * idf(held) for held, _pair in pairs)
    return max(ideal, 1e-9)


#: A term and how many documents hold it in the field it was counted in.
Counted = tuple[int, str]


def _rarest(
    searcher: tantivy.Searcher, field: str, terms: list[str], limit: int
) -> tuple[list[Counted], list[Counted]]:
    """The ``limit`` rarest of ``terms`` that some documents of ``field`` hold, and those none holds.

    Up to ``limit`` of each: the unheld find nothing, but say what no answer covers.
    """
    counted = sorted((int(searcher.doc_freq(field, term)), term) for term in dict.fromkeys(terms))
    return [c for c in counted if c[0] > 0][:limit], [c for c in counted if c[0] == 0][:limit]


def _to_tantivy(document: Document) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("key", document.key)
    doc.add_text("department_id", document.department_id)
    doc.add_unsigned("public", int(document.public))
    doc.add_text("t_title", " ".join(words(document.title)))
    doc.add_text("t_question", " ".join(words(document.question)))
    doc.add_text("t_answer", " ".join(words(document.answer)))
    doc.add_text("t_bigrams", " ".join(bigrams(f"{document.title}。{document.question}")))
    stored = {
        "source": document.source,
        "id": document.id,
        "title": document.title,
        "question": document.question,
        "answer": document.answer,
        "department": document.department,
        "category": document.category,
        "date": document.date,
        "satisfaction": document.satisfaction,
        "valid_to": document.valid_to,
        "extra": document.extra,
    }
    doc.add_json("doc", stored)
    return doc


def _from_tantivy(doc: tantivy.Document) -> Document:
    values = doc.to_dict()
    stored: dict[str, Any] = values["doc"][0]
    return Document(
        source=str(stored["source"]),
        id=str(stored["id"]),
        title=str(stored["title"]),
        question=str(stored["question"]),
        answer=str(stored["answer"]),
        department_id=str(values.get("department_id", [""])[0]),
        department=str(stored.get("department", "")),
        category=str(stored.get("category", "")),
        date=str(stored.get("date", "")),
        satisfaction=str(stored.get("satisfaction", "")),
        valid_to=str(stored.get("valid_to", "")),
        public=bool(values.get("public", [1])[0]),
        extra=dict(stored.get("extra") or {}),
    )
