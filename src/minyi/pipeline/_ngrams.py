"""Vectorised TF-IDF n-gram blocks over token lists (used by :mod:`.classify`).

scikit-learn's ``TfidfVectorizer`` builds every n-gram as a Python string and looks
it up in a dict, about 1,150 lookups per message for character 1–3-grams.  Here
the n-grams of a whole batch are integer codes computed with NumPy and looked up
in sorted code arrays with :func:`numpy.searchsorted`:

* :class:`WordNgrams`: word 1- and 2-grams.  Tokens map to ids with one dict
  look-up each; a bigram is ``left * n_words + right`` of two known words (a bigram
  with an unknown word is rarer than that word, so it never reaches ``min_df``).
* :class:`CharNgrams`: character n-grams inside words, like ``char_wb``: each
  token is padded with a space on both sides, so the grams mark word starts and
  ends, and no gram spans two words.  An n-gram of code points ``c1..cn`` is the
  integer ``c1 << 21(n-1) | ... | cn`` (a code point fits in 21 bits, so three fit
  in 63); each order has its own sorted array.

Both weight counts as scikit-learn does with ``sublinear_tf=True`` and the
default smooth idf, and scale each row to unit length.  The learned state is
plain arrays and lists (see ``state``), saved without pickle.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from typing import Any, Self

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from minyi.pipeline import _kernels

__all__ = ["CharNgrams", "CodeTable", "WordNgrams", "tfidf_rows"]

I64 = NDArray[np.int64]
_BITS = 21
_SPACE = 32
_SEPARATOR = 0  # between documents of a batch; normalised text holds no NUL


def tfidf_rows(docs: I64, features: I64, n_docs: int, idf: NDArray[np.float64]) -> sp.csr_matrix:
    """Sublinear TF-IDF rows of unit length from (document, feature) occurrence pairs."""
    width = len(idf)
    keys = np.sort(docs * width + features)
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else keys
    counts = np.diff(np.append(starts, len(keys)))
    rows, cols = np.divmod(keys[starts], width)
    values = (1.0 + np.log(counts)) * idf[cols]
    lengths = np.sqrt(np.bincount(rows, weights=values * values, minlength=n_docs))
    values /= lengths[rows]
    indptr = np.searchsorted(rows, np.arange(n_docs + 1))
    return sp.csr_matrix((values, cols, indptr), shape=(n_docs, width))


def _document_frequency(docs: I64, codes: I64) -> tuple[I64, I64]:
    """Distinct codes and how many documents hold each."""
    order = np.lexsort((codes, docs))
    codes, docs = codes[order], docs[order]
    first = np.ones(len(codes), dtype=bool)
    first[1:] = (codes[1:] != codes[:-1]) | (docs[1:] != docs[:-1])
    return np.unique(codes[first], return_counts=True)


def _idf(df: I64, n_docs: int) -> NDArray[np.float64]:
    """Smooth idf, as scikit-learn computes it."""
    idf: NDArray[np.float64] = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    return idf


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


class CodeTable:
    """Open-addressing hash table from int64 codes to their positions in a sorted array.

    Much faster than :func:`numpy.searchsorted` on a large vocabulary: one or two
    random reads per look-up instead of twenty.  Load factor at most one half.
    """

    def __init__(self, codes: I64) -> None:
        """Index ``codes`` (distinct, non-negative)."""
        self.codes = codes
        self.bits = max(4, (2 * len(codes)).bit_length())
        self.keys = np.full(1 << self.bits, -1, dtype=np.int64)
        self.values = np.full(1 << self.bits, -1, dtype=np.int64)
        pending, slots = np.arange(len(codes)), self._slots(codes)
        while len(pending):
            free = self.keys[slots] == -1
            taken, first = np.unique(slots[free], return_index=True)
            winners = pending[free][first]
            self.keys[taken], self.values[taken] = codes[winners], winners
            lost = np.ones(len(pending), dtype=bool)
            lost[np.flatnonzero(free)[first]] = False
            pending, slots = pending[lost], (slots[lost] + 1) & (len(self.keys) - 1)

    def _slots(self, codes: I64) -> I64:
        return ((codes.astype(np.uint64) * _GOLDEN) >> np.uint64(64 - self.bits)).astype(np.int64)

    def lookup(self, codes: I64) -> I64:
        """Position of each code in the indexed array, or -1."""
        if _kernels.COMPILED:
            return _kernels.lookup(self.keys, self.values, codes, self.bits)
        out = np.full(len(codes), -1, dtype=np.int64)
        index, slots, mask = np.arange(len(codes)), self._slots(codes), len(self.keys) - 1
        while len(index):
            keys = self.keys[slots]
            hit = keys == codes
            out[index[hit]] = self.values[slots[hit]]
            more = ~hit & (keys != -1)
            index, slots, codes = index[more], (slots[more] + 1) & mask, codes[more]
        return out


class WordNgrams:
    """Word 1-grams (and 2-grams when ``max_n == 2``) with TF-IDF weights.

    Args:
        max_n: longest n-gram, 1 or 2.
        min_df: fewest training documents an n-gram must occur in to be kept.
    """

    def __init__(self, max_n: int = 2, min_df: int = 2) -> None:
        """Store the settings."""
        if max_n not in (1, 2):
            raise ValueError(f"word n-grams go up to 1 or 2, not {max_n!r}")
        self.max_n = max_n
        self.min_df = min_df

    def _ids(self, docs: Sequence[Sequence[str]]) -> tuple[I64, I64]:
        """Word ids (-1: unknown) and document numbers of every token of a batch."""
        lengths = [len(doc) for doc in docs]
        tokens = itertools.chain.from_iterable(docs)
        ids = np.fromiter(map(self.words_.get, tokens, itertools.repeat(-1)), np.int64, sum(lengths))
        owners = np.repeat(np.arange(len(docs)), lengths)
        return ids, owners

    def _bigrams(self, ids: I64, owners: I64) -> tuple[I64, I64]:
        """Codes and owners of the bigrams of two known words within one document."""
        ok = (ids[:-1] >= 0) & (ids[1:] >= 0) & (owners[:-1] == owners[1:])
        return ids[:-1][ok] * len(self.words_) + ids[1:][ok], owners[:-1][ok]

    def fit(self, docs: Sequence[Sequence[str]]) -> Self:
        """Learn the vocabulary and idf from token lists."""
        counts = Counter(t for doc in docs for t in set(doc))
        kept = sorted(t for t, c in counts.items() if c >= self.min_df)
        self.words_ = {t: i for i, t in enumerate(kept)}
        df_words = np.array([counts[t] for t in kept], dtype=np.int64)
        self.bigrams_ = np.empty(0, dtype=np.int64)
        df_bigrams = np.empty(0, dtype=np.int64)
        if self.max_n == 2 and kept:  # noqa: PLR2004 - bigrams
            codes, owners = self._bigrams(*self._ids(docs))
            found, df = _document_frequency(owners, codes)
            self.bigrams_, df_bigrams = found[df >= self.min_df], df[df >= self.min_df]
        self.bigram_table_ = CodeTable(self.bigrams_)
        self.idf_ = _idf(np.concatenate([df_words, df_bigrams]), len(docs))
        return self

    def transform(self, docs: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """TF-IDF rows of token lists."""
        ids, owners = self._ids(docs)
        known = ids >= 0
        doc_parts, feature_parts = [owners[known]], [ids[known]]
        if self.max_n == 2 and len(ids):  # noqa: PLR2004 - bigrams
            codes, bigram_owners = self._bigrams(ids, owners)
            where = self.bigram_table_.lookup(codes)
            doc_parts.append(bigram_owners[where >= 0])
            feature_parts.append(where[where >= 0] + len(self.words_))
        return tfidf_rows(np.concatenate(doc_parts), np.concatenate(feature_parts), len(docs), self.idf_)

    def state(self) -> dict[str, Any]:
        """The learned state as plain values (for saving)."""
        return {"kind": "word", "max_n": self.max_n, "min_df": self.min_df, "words": list(self.words_),
                "bigrams": self.bigrams_, "idf": self.idf_}  # fmt: skip

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> WordNgrams:
        """Rebuild from :meth:`state`."""
        block = cls(int(state["max_n"]), int(state["min_df"]))
        block.words_ = {str(t): i for i, t in enumerate(state["words"])}
        block.bigrams_ = np.asarray(state["bigrams"], dtype=np.int64)
        block.bigram_table_ = CodeTable(block.bigrams_)
        block.idf_ = np.asarray(state["idf"], dtype=np.float64)
        return block


class CharNgrams:
    """Character ``min_n``..``max_n``-grams inside space-padded words, with TF-IDF weights.

    Args:
        min_n: shortest n-gram (1 to 3).
        max_n: longest n-gram (``min_n`` to 3).
        min_df: fewest training documents an n-gram must occur in to be kept.
    """

    def __init__(self, min_n: int = 1, max_n: int = 3, min_df: int = 2) -> None:
        """Store the settings."""
        if not 1 <= min_n <= max_n <= 3:  # noqa: PLR2004 - three code points fit in 63 bits
            raise ValueError(f"character n-grams must satisfy 1 <= min_n <= max_n <= 3, not {min_n}, {max_n}")
        self.min_n = min_n
        self.max_n = max_n
        self.min_df = min_df

    @staticmethod
    def _points(docs: Sequence[Sequence[str]]) -> NDArray[np.uint32]:
        """Code points of the documents, each padded with spaces, separated by 0."""
        text = "\0".join(" " + " ".join(doc) + " " for doc in docs)
        return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)

    def _codes(self, docs: Sequence[Sequence[str]]) -> list[tuple[I64, I64]]:
        """Per order: (codes, document numbers) of every n-gram of a batch."""
        points = self._points(docs).astype(np.int64)
        owners = np.cumsum(points == _SEPARATOR)
        out = []
        for n in range(self.min_n, self.max_n + 1):
            count = len(points) - n + 1
            if count <= 0:
                out.append((np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)))
                continue
            codes, ok = points[:count].copy(), points[:count] != _SEPARATOR
            for k in range(1, n):
                part = points[k : k + count]
                codes = (codes << _BITS) | part
                ok &= part != _SEPARATOR
            if n == 1:
                ok &= points[:count] != _SPACE
            elif n == 2:  # noqa: PLR2004 - no gram of two spaces
                ok &= (points[:count] != _SPACE) | (points[1 : 1 + count] != _SPACE)
            else:  # no space inside a gram
                ok &= points[1 : 1 + count] != _SPACE
            out.append((codes[ok], owners[:count][ok]))
        return out

    def fit(self, docs: Sequence[Sequence[str]]) -> Self:
        """Learn one sorted code array per order, and the idf."""
        self.codes_: list[I64] = []
        frequencies = []
        for codes, owners in self._codes(docs):
            found, df = _document_frequency(owners, codes)
            self.codes_.append(found[df >= self.min_df])
            frequencies.append(df[df >= self.min_df])
        self.idf_ = _idf(np.concatenate(frequencies), len(docs))
        self.tables_ = [CodeTable(c) for c in self.codes_]
        return self

    def transform(self, docs: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """TF-IDF rows of token lists."""
        if _kernels.COMPILED:
            return self._transform_compiled(docs)
        doc_parts, feature_parts, offset = [], [], 0
        for table, (codes, owners) in zip(self.tables_, self._codes(docs), strict=True):
            where = table.lookup(codes)
            doc_parts.append(owners[where >= 0])
            feature_parts.append(where[where >= 0] + offset)
            offset += len(table.codes)
        return tfidf_rows(np.concatenate(doc_parts), np.concatenate(feature_parts), len(docs), self.idf_)

    def _transform_compiled(self, docs: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """:meth:`transform` with the codes made and looked up in one compiled pass per order."""
        points = self._points(docs)
        doc_parts, feature_parts, offset = [], [], 0
        for n, table in zip(range(self.min_n, self.max_n + 1), self.tables_, strict=True):
            owners, features = _kernels.ngram_lookup(
                points, n, keys=table.keys, values=table.values, bits=table.bits, offset=offset
            )
            doc_parts.append(owners)
            feature_parts.append(features)
            offset += len(table.codes)
        return tfidf_rows(np.concatenate(doc_parts), np.concatenate(feature_parts), len(docs), self.idf_)

    def state(self) -> dict[str, Any]:
        """The learned state as plain values (for saving)."""
        return {"kind": "char", "min_n": self.min_n, "max_n": self.max_n, "min_df": self.min_df,
                "codes": list(self.codes_), "idf": self.idf_}  # fmt: skip

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> CharNgrams:
        """Rebuild from :meth:`state`."""
        block = cls(int(state["min_n"]), int(state["max_n"]), int(state["min_df"]))
        block.codes_ = [np.asarray(c, dtype=np.int64) for c in state["codes"]]
        block.tables_ = [CodeTable(c) for c in block.codes_]
        block.idf_ = np.asarray(state["idf"], dtype=np.float64)
        return block
