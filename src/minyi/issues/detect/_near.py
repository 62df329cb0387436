"""Near copies among the recent messages of the issue detector, found cheaply.

The same test as :class:`~minyi.pipeline.dedupe.DuplicateDetector` (whose general
index costs a few dozen numpy calls per message): a message's *key* is its normalised
text lower-cased, letters and digits only (:func:`~minyi.pipeline.dedupe.make_key`);
two keys are near copies when the Jaccard similarity of their sets of character
``shingle_size``-grams is at least ``threshold``.

Candidates come from a bottom-``sketch`` MinHash sketch: the ``sketch`` smallest
shingle hashes of each item are indexed (hash → items), and a candidate must share at
least ``min_shared`` of them.  Each of the smallest hashes of the union of two keys with
Jaccard similarity ``J`` is in both keys with probability ``J``, so a near copy
(``J ≥ 0.8``) shares fewer than 2 of 8 values only with probability ≈ 10⁻⁴.  Hash
values shared by more than ``max_postings`` items (boilerplate) do not find candidates.
The best candidates (most shared sketch values, then newest) are verified with the
exact Jaccard similarity of the shingle hash sets.

Only items within ``window_days`` of the newest message are kept; :meth:`NearCopies.remove`
forgets an item at once (the detector calls it when an issue is archived).

The dicts below are the reference. When :mod:`minyi._issuestate` was built (and the compiled
versions are in use, :func:`~minyi.issues.detect._fast.compiled_near`), its ``NearIndex`` makes
the key (without the regex) and holds the index: the same steps in the same order on flat
arrays (items in reused int32 slots, postings as arrays of slots in one hash table, expiry as
a heap of slots), so that a message costs a few µs there instead of ≈ 80 µs of regex, dict
and tuple work here; it finds the same copies (``tests/unit/issues/detect/test_near_compiled.py``).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from minyi.issues.detect._fast import compiled_near, overlap, shared_counts, shingle_set
from minyi.pipeline.dedupe import make_key

__all__ = ["NearCopies"]

_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class _Item:
    key: str
    hashes: NDArray[np.uint64]
    sketch: tuple[int, ...]
    stamp: float


class NearCopies:
    """A bounded index of recent keys that answers "which earlier item is a near copy?".

    Args:
        threshold: Least Jaccard similarity of a near copy.
        window_days: Items older than this before the newest item are forgotten.
        shingle_size: Characters per shingle.
        sketch: Smallest shingle hashes indexed per item.
        min_chars: Keys shorter than this are neither matched nor indexed.
        min_shared: Sketch values a candidate shares at least (fewer when the sketch is shorter).
        max_postings: Hash values shared by more items than this do not find candidates.
        max_verify: Candidates verified per message.
    """

    def __init__(  # noqa: PLR0913 - one keyword per setting
        self,
        *,
        threshold: float = 0.8,
        window_days: float = 90.0,
        shingle_size: int = 3,
        sketch: int = 8,
        min_chars: int = 6,
        min_shared: int = 2,
        max_postings: int = 200,
        max_verify: int = 4,
    ) -> None:
        self.threshold = threshold
        self.window_days = window_days
        self.shingle_size = shingle_size
        self.sketch = sketch
        self.min_chars = min_chars
        self.min_shared = min_shared
        self.max_postings = max_postings
        self.max_verify = max_verify
        self.items_: dict[str, _Item] = {}
        self.postings_: dict[int, dict[str, None]] = {}
        self.exact_: dict[str, str] = {}
        self.expiry_: list[tuple[float, str]] = []
        self.newest_ = float("-inf")
        self.index_ = self._compiled()

    def _compiled(self) -> Any:
        """The compiled index for these settings, or ``None`` (the dicts run).

        Settings that Python's slices read from the end (a negative ``sketch`` or
        ``max_verify``) stay with the dicts.
        """
        compiled = compiled_near()
        if compiled is None or self.shingle_size < 1 or self.sketch < 0 or self.max_verify < 0:
            return None
        return compiled(
            self.threshold,
            self.window_days,
            self.shingle_size,
            self.sketch,
            self.min_shared,
            self.max_postings,
            self.max_verify,
        )

    def __len__(self) -> int:
        """Number of items indexed."""
        return len(self.items_ if self.index_ is None else self.index_)

    def __contains__(self, item_id: object) -> bool:
        """Whether ``item_id`` is indexed."""
        return item_id in (self.items_ if self.index_ is None else self.index_)

    def add(self, item_id: str, text: str, stamp: float) -> str | None:
        """Index ``text`` and return the id of an earlier near copy of it, if any."""
        if self.index_ is not None:
            key = self.index_.key(text)
            if len(key) < self.min_chars:
                return None
            return self.index_.add(item_id, key, stamp)  # type: ignore[no-any-return]
        key = make_key(text)
        if len(key) < self.min_chars:
            return None
        self.remove(item_id)
        self.newest_ = max(self.newest_, stamp)
        self._expire()
        hashes = shingle_set(key, self.shingle_size)
        sketch = tuple(hashes[: self.sketch].tolist())
        match = self.exact_.get(key)
        if match is None:
            match = self._search(hashes, sketch, stamp)
        self.items_[item_id] = _Item(key, hashes, sketch, stamp)
        self.exact_[key] = item_id
        for value in sketch:
            self.postings_.setdefault(value, {})[item_id] = None
        heapq.heappush(self.expiry_, (stamp, item_id))
        return match

    def _search(self, hashes: NDArray[np.uint64], sketch: tuple[int, ...], stamp: float) -> str | None:
        shared = shared_counts(self.postings_, sketch, self.max_postings)
        least = min(self.min_shared, len(sketch))
        likely = [other for other, count in shared.items() if count >= least]
        if not likely:
            return None
        items, horizon = self.items_, self.window_days * _DAY
        ranked = sorted(likely, key=lambda other: (-shared[other], -items[other].stamp))
        for other in ranked[: self.max_verify]:
            item = items[other]
            if abs(item.stamp - stamp) > horizon:
                continue
            both = overlap(hashes, item.hashes)
            if both / (len(hashes) + len(item.hashes) - both) >= self.threshold:
                return other
        return None

    def remove(self, item_id: str) -> bool:
        """Forget ``item_id``; returns whether it was indexed."""
        if self.index_ is not None:
            return self.index_.remove(item_id)  # type: ignore[no-any-return]
        item = self.items_.pop(item_id, None)
        if item is None:
            return False
        for value in item.sketch:
            posting = self.postings_.get(value)
            if posting is not None:
                posting.pop(item_id, None)
                if not posting:
                    del self.postings_[value]
        if self.exact_.get(item.key) == item_id:
            del self.exact_[item.key]
        return True

    def _expire(self) -> None:
        """Forget items older than the window (lazily: stale heap entries are skipped)."""
        horizon = self.newest_ - self.window_days * _DAY
        while self.expiry_ and self.expiry_[0][0] < horizon:
            stamp, item_id = heapq.heappop(self.expiry_)
            item = self.items_.get(item_id)
            if item is not None and item.stamp == stamp:
                self.remove(item_id)
