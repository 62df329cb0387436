"""The detector's inverted index: term id → live issue id → the term's centroid weight.

A plain dict of dicts, so that :func:`~minyi.issues.detect._fast.probe` (compiled or not)
reads it directly; this class only keeps it in step with the centroids as issues change.
"""

from __future__ import annotations

from collections.abc import Iterable

from minyi.issues.detect._fast import postings_drop, postings_index
from minyi.issues.detect.features import SparseVector

__all__ = ["Postings"]


class Postings(dict[int, dict[int, float]]):
    """Term id → issue id → centroid weight, for every live issue's centroid terms."""

    def index(self, issue_id: int, changed: SparseVector) -> None:
        """Record the new centroid weights ``changed`` of ``issue_id``."""
        postings_index(self, issue_id, changed)

    def drop(self, issue_id: int, terms: Iterable[int]) -> None:
        """Forget ``issue_id`` under ``terms``; a term left with no issue goes."""
        postings_drop(self, issue_id, terms)
