"""The appeal model's character blocks for a whole batch, as integers (intake's hot path).

:meth:`~minyi.pipeline.appeal_features.FeatureMaker.one` names every character 1–2-gram
of the title (``t:``) and of the body part (``b:``) as a string, and
:meth:`~minyi.pipeline.appeal_model.AppealModel.logits` looks each name up in a dict:
about 600 strings a message, 80 % of the CPU of the bulk import's analysis workers.
Here the grams of a batch are integers computed with NumPy, with the same values:

* a code point fits in 21 bits, so a bigram is ``a << 21 | b`` and a unigram
  ``a << 21 | 0x1FFFFF`` (above U+10FFFF: never a character);
* bit 42 tells the title from the body and the bits above it number the text of the
  batch (``2 * message + block``), so one :func:`numpy.unique` gives each text's
  distinct grams, sorted, and :func:`numpy.bincount` their number ``n`` (each gram
  weighs ``1 / sqrt(n)``, the unit scaling of :func:`~minyi.pipeline.appeal_features._unit`);
* the model's ``t:``/``b:`` names become the same keys once, at load, in a hash table
  (:class:`~minyi.pipeline._ngrams.CodeTable`, compiled look-ups when built);
* the share of a message's distinct pairs the model knows (``_familiar``) comes from
  the same arrays.

The words (``w:``, a few dozen a message) are looked up without their prefix; the cue
features (``c:``, ``r:``, ``s:``, ``empty``) keep the named path
(:meth:`FeatureMaker.cues`).  The string path stays the
reference: training uses it, and the tests compare both on awkward texts.  Only the order
of the float64 sums differs, so logits agree to about 1e-15.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from minyi.pipeline._ngrams import CodeTable
from minyi.pipeline.appeal_features import _SPACES, FeatureMaker, Features

__all__ = ["BatchScores", "FastScorer", "GramTable"]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

_BITS = 21
_UNIGRAM = (1 << _BITS) - 1  # the second "code point" of a unigram
_BLOCK_SHIFT = 2 * _BITS  # bit 42: 0 title, 1 body
_LOCAL = (1 << (_BLOCK_SHIFT + 1)) - 1  # block bit and gram: the key the model knows
_BLOCKS = ("t:", "b:")
_SPACE_CODES = np.array(sorted(_SPACES), dtype=np.int64)  # what appeal_features removes
_CHUNK = 1 << 16  # messages a pass: text numbers stay far below 2**20 (keys below 2**63)
_TIMSORT_FROM = 2  # texts in a batch (title and body of one message: quicksort)
_MIN_PAIRS = 4  # as TrainedAppealClassifier._familiar
_MIN_KNOWN_SHARE = 0.15


class GramTable:
    """The model's ``t:``/``b:`` rows as sorted integer keys, built once per model.

    Args:
        names: the model's feature names, in row order.
    """

    def __init__(self, names: Sequence[str]) -> None:
        """Turn each 1–2-character ``t:``/``b:`` name into its key."""
        keys: list[int] = []
        rows: list[int] = []
        for row, name in enumerate(names):
            if name[:2] in _BLOCKS and len(name) in (3, 4):
                second = ord(name[3]) if len(name) == 4 else _UNIGRAM  # noqa: PLR2004 - "t:" + 2 chars
                keys.append(_BLOCKS.index(name[:2]) << _BLOCK_SHIFT | ord(name[2]) << _BITS | second)
                rows.append(row)
        order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
        self.keys: I64 = np.array(keys, dtype=np.int64)[order]
        self.rows: I64 = np.array(rows, dtype=np.int64)[order]
        self.hashed = CodeTable(self.keys)

    def find(self, local: I64) -> tuple[I64, NDArray[np.bool_]]:
        """Model row of each key (meaningless where absent), and whether the model has it."""
        pos = self.hashed.lookup(local)
        known = pos >= 0
        return self.rows[np.where(known, pos, 0)] if len(self.rows) else pos, known


@dataclass(frozen=True, slots=True)
class _Grams:
    """The known character grams of a batch: message, model row and value of each."""

    messages: I64
    rows: I64
    values: F64
    familiar: NDArray[np.bool_]


def _codes(texts: Sequence[str]) -> tuple[I64, I64]:
    """Code points of all texts (spaces removed) and the text number of each.

    The spaces go after encoding, in one pass over the batch, not by ``str.translate``
    on each text.
    """
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    joined = "".join(texts).encode("utf-32-le", "surrogatepass")  # lone surrogates too
    codes = np.frombuffer(joined, dtype="<u4").astype(np.int64)
    owners = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    kept = ~np.isin(codes, _SPACE_CODES)
    return codes[kept], owners[kept]


def _grams(table: GramTable, texts: Sequence[str]) -> _Grams:
    """Distinct 1–2-grams of ``[title0, part0, title1, part1, ...]``, looked up in the model."""
    codes, owners = _codes(texts)
    high = owners << _BLOCK_SHIFT
    unigrams = high | codes << _BITS | _UNIGRAM
    same = owners[1:] == owners[:-1]
    bigrams = (high[:-1] | codes[:-1] << _BITS | codes[1:])[same]
    # a batch's keys come in runs by text (its number is in the high bits), which timsort
    # ("stable") merges cheaply: 2 times faster than quicksort at 500 messages, 2 times
    # slower for one message alone; the same sorted keys either way
    kind: Literal["stable", "quicksort"] = "stable" if len(texts) > _TIMSORT_FROM else "quicksort"
    keys = np.sort(np.concatenate((unigrams, bigrams)), kind=kind)
    if len(keys):  # distinct: sorting and a mask is cheaper than np.unique (a hash set)
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    text = keys >> _BLOCK_SHIFT
    sizes = np.bincount(text, minlength=len(texts)).astype(np.float64)
    values = 1.0 / np.sqrt(sizes[text])
    rows, known = table.find(keys & _LOCAL)
    message = text >> 1
    n = len(texts) // 2
    pairs = (keys & _UNIGRAM) != _UNIGRAM
    n_pairs = np.bincount(message[pairs], minlength=n)
    n_known = np.bincount(message[pairs & known], minlength=n)
    familiar = (n_pairs < _MIN_PAIRS) | (n_known >= _MIN_KNOWN_SHARE * n_pairs)
    return _Grams(message[known], rows[known], values[known], familiar)


def _named(index: dict[str, int], features: Sequence[Features]) -> tuple[I64, I64, F64]:
    """Message, model row and value of each known named feature (C-level iteration, no loop)."""
    sizes = np.fromiter(map(len, features), dtype=np.int64, count=len(features))
    total = int(sizes.sum())
    names = itertools.chain.from_iterable(features)
    rows = np.fromiter(map(index.get, names, itertools.repeat(-1)), dtype=np.int64, count=total)
    values = np.fromiter(
        itertools.chain.from_iterable(f.values() for f in features), dtype=np.float64, count=total
    )
    known = rows >= 0
    messages = np.repeat(np.arange(len(features), dtype=np.int64), sizes)
    return messages[known], rows[known], values[known]


def _words(index: dict[str, int], words: Sequence[set[str]]) -> tuple[I64, I64, F64]:
    """Message, model row and value of each known word: a block of unit length per message."""
    sizes = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    names = itertools.chain.from_iterable(words)
    rows = np.fromiter(map(index.get, names, itertools.repeat(-1)), dtype=np.int64, count=int(sizes.sum()))
    values = np.repeat(1.0 / np.sqrt(np.maximum(sizes, 1).astype(np.float64)), sizes)
    known = rows >= 0
    messages = np.repeat(np.arange(len(words), dtype=np.int64), sizes)
    return messages[known], rows[known], values[known]


@dataclass(frozen=True, slots=True)
class BatchScores:
    """What the model says of a batch: logits, familiarity and the rules' reasons."""

    #: ``(n, len(KINDS))`` uncalibrated scores, as :meth:`AppealModel.logits` gives them.
    logits: F64
    #: whether enough of each text's distinct character pairs are known to the model.
    familiar: NDArray[np.bool_]
    #: the reasons of the cue rules that fired, per message.
    reasons: list[list[str]]


class FastScorer:
    """The integer path of one model: its gram table, built once, and the batch arithmetic.

    Args:
        maker: the named features (words, cues) and the body part.
        names: the model's feature names, in row order.
        weights: ``(len(names), len(KINDS))`` coefficients.
        intercepts: one per kind.
    """

    def __init__(
        self,
        maker: FeatureMaker,
        names: Sequence[str],
        weights: NDArray[np.float32],
        intercepts: NDArray[np.float32],
    ) -> None:
        """Index the names by block and keep the weights (about 8 MB for 80,000 names)."""
        self.maker = maker
        self.table = GramTable(names)
        self.words: dict[str, int] = {}
        self.cues: dict[str, int] = {}  # c:, r:, s:, empty: a hundred or so
        for row, name in enumerate(names):
            if name.startswith("w:"):
                self.words[name[2:]] = row
            elif not name.startswith(_BLOCKS):
                self.cues[name] = row
        self.weights = weights.astype(np.float64)  # once: a product with float32 would convert them each time
        self.intercepts = intercepts.astype(np.float64)

    def scores(self, pairs: Sequence[tuple[str, str]]) -> BatchScores:
        """Logits, familiarity and reasons of normalised ``(title, body)`` pairs."""
        logits = np.tile(self.intercepts, (len(pairs), 1))
        familiar = np.ones(len(pairs), dtype=bool)
        reasons: list[list[str]] = []
        for start in range(0, len(pairs), _CHUNK):
            chunk = pairs[start : start + _CHUNK]
            end = start + len(chunk)
            familiar[start:end] = self._add(chunk, logits[start:end], reasons)
        return BatchScores(logits, familiar, reasons)

    def _add(
        self, pairs: Sequence[tuple[str, str]], logits: F64, reasons: list[list[str]]
    ) -> NDArray[np.bool_]:
        """Add the weights of ``pairs`` to their rows of ``logits`` (in place); their familiarity."""
        maker = self.maker
        texts: list[str] = []
        words: list[set[str]] = []
        cues: list[Features] = []
        for title, body in pairs:
            part = maker.body_part(body)
            texts += (title, part)
            words.append(set(maker.words(title, part)))
            feats: Features = {}
            reasons.append(maker.cues(title, body, feats))
            cues.append(feats)
        grams = _grams(self.table, texts)
        blocks = (
            (grams.messages, grams.rows, grams.values),
            _words(self.words, words),
            _named(self.cues, cues),
        )
        logits += self._sums(len(pairs), *(np.concatenate(column) for column in zip(*blocks, strict=True)))
        return grams.familiar

    def _sums(self, n: int, messages: I64, rows: I64, values: F64) -> F64:
        """Each message's ``values @ weights[rows]``: one sparse product (no ``(k, kinds)`` temporary).

        A single message (a citizen's, at the form) skips building the matrix, which costs
        more than the product.
        """
        if n == 1:
            one: F64 = (values @ self.weights[rows])[None, :]
            return one
        order = np.argsort(messages, kind="stable")  # three runs already in message order
        indptr = np.searchsorted(messages[order], np.arange(n + 1))
        matrix = sp.csr_array((values[order], rows[order], indptr), shape=(n, len(self.weights)))
        out: F64 = matrix @ self.weights
        return out
