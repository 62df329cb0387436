"""The detector's inverted index: term id → live issue id → the term's centroid weight.

:class:`Postings` is the reference: a plain dict of dicts, so that
:func:`~minyi.issues.detect._fast.probe` (compiled or not) reads it directly; the class only
keeps it in step with the centroids as issues change.  When :mod:`minyi._issuestate` was
built (and the compiled loops are in use), :func:`new_postings` gives its ``Postings``
instead: the same index in flat arrays (per term, int32 issue ids and double weights; one
hash table from (term, issue) to the position), with the same ``index``, ``drop`` and a
``probe`` that gives what the reference gives (``tests/unit/issues/detect/test_fast.py``).
The detector tells it each live centroid's squared length with every change (the
``norm2`` of ``index`` and ``drop``), so that its probe divides by a double it holds instead
of reading a Python attribute of every candidate issue.
The arrays hold an entry in ≈ 30 bytes instead of a dict slot and a float object (≈ 100),
and the probe reads them without the dict API.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from minyi.issues.detect._fast import ArrayProbe, compiled_postings, postings_drop, postings_index
from minyi.issues.detect.features import SparseVector

__all__ = ["Postings", "PostingsIndex", "new_postings"]


class PostingsIndex(ArrayProbe, Protocol):
    """What the detector asks of its inverted index (either kind)."""

    def index(self, issue_id: int, changed: SparseVector, norm2: float | None = ..., /) -> None: ...

    def drop(self, issue_id: int, terms: Iterable[int], norm2: float | None = ..., /) -> None: ...

    def items(self) -> Iterable[tuple[int, dict[int, float]]]: ...

    def values(self) -> Iterable[dict[int, float]]: ...

    def __len__(self) -> int: ...


def new_postings() -> PostingsIndex | Postings:
    """An empty index: the compiled one when it is in use, else the reference dict of dicts."""
    compiled = compiled_postings()
    return compiled() if compiled is not None else Postings()


class Postings(dict[int, dict[int, float]]):
    """Term id → issue id → centroid weight, for every live issue's centroid terms."""

    def index(self, issue_id: int, changed: SparseVector, norm2: float | None = None, /) -> None:  # noqa: ARG002
        """Record the new centroid weights ``changed`` of ``issue_id``.

        ``norm2``: the centroid's squared length now, which the compiled index keeps for its
        probe (this one reads it from the live issues instead).
        """
        postings_index(self, issue_id, changed)

    def drop(self, issue_id: int, terms: Iterable[int], norm2: float | None = None, /) -> None:  # noqa: ARG002
        """Forget ``issue_id`` under ``terms``; a term left with no issue goes (``norm2``: see ``index``)."""
        postings_drop(self, issue_id, terms)
