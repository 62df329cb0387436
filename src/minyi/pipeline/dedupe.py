"""Find repeated messages: exact copies, near copies, one author repeating, joint letters.

A message is first normalised with :class:`~minyi.pipeline.normalize.TextNormalizer`;
its *key* is that text lower-cased with every character that is not a letter or
a digit removed (punctuation, spaces, emoji).  Two messages are

* **exact** duplicates when their keys are equal (a 64-bit BLAKE2b hash is compared);
* **near** duplicates when the Jaccard similarity of the sets of character
  ``shingle_size``-grams of their keys is at least ``threshold``.  Candidates come
  from MinHash LSH (:mod:`._minhash`), are ranked by the MinHash estimate and the
  best are verified with the exact Jaccard similarity of the shingle sets.

Only items whose time is within ``window_days`` of the new message are compared.
Memory is bounded: items older than the window (measured from the newest time
seen) and, beyond ``max_items``, the oldest items are evicted.

Matched items form *groups*.  Each group counts its distinct authors; a match is

* ``same_author_repeat`` when the new message's author is already in the group;
* ``joint_letter`` when it brings the group to ``joint_min_authors`` distinct
  authors or more (a 联名信: one text sent by many people);
* ``different_authors`` otherwise.

Anonymous messages (``author=None``) never count as a repeat and add no author.

Known gaps: group statistics only count items still in the window; reworded
copies (same request in other words) are not near duplicates; a near copy links
to its single best match, so groups never merge.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray

from minyi.pipeline import _dedupe_state
from minyi.pipeline._dedupe_batch import BatchPlan, BatchSearch, estimate_cut
from minyi.pipeline._dedupe_types import Candidate, DuplicateGroup, DuplicateMatch, Group, Kind
from minyi.pipeline._minhash import (
    LshRing,
    MinHasher,
    jaccard,
    lsh_params,
    shingle_hashes,
    unique_sorted,
)
from minyi.pipeline.normalize import TextNormalizer

__all__ = ["Candidate", "DuplicateDetector", "DuplicateGroup", "DuplicateMatch", "make_key"]

Item = tuple[str, str | None, str | None, datetime]

_NOT_WORD = re.compile(r"[\W_]+")
_DAY = 86400.0
_INITIAL_SLOTS = 1024
_BATCH = 256  # messages planned at once by add_many


def make_key(normalized: str) -> str:
    """The comparison key of a normalised text: lower case, letters and digits only."""
    return _NOT_WORD.sub("", normalized).lower()


def _key_hash(key: str) -> int:
    """Stable 63-bit hash of a key."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") >> 1


def _timestamp(when: datetime) -> float:
    """POSIX seconds; a naive ``when`` is taken as UTC."""
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


class DuplicateDetector:
    """Detect exact and near-duplicate messages in a sliding time window.

    Args:
        shingle_size: characters per shingle.
        num_perm: MinHash signature length.
        threshold: least Jaccard similarity of a near duplicate.
        window_days: only items this close in time are compared; older ones are evicted.
        max_items: most items kept; beyond it the oldest are evicted.
        joint_min_authors: distinct authors that make a group a joint letter.
        min_chars: keys shorter than this (``谢谢``, ``你好``) are neither matched nor indexed.
        keep_texts: keep each key to verify the exact Jaccard similarity of the best
            candidates (about two bytes per character); without it the estimate is used.
        max_verify: candidates verified per message, best estimates first.
        normalize: run :class:`TextNormalizer` first; pass ``False`` when the texts
            were already normalised by an earlier pipeline stage.
        seed: seed of the MinHash functions (part of the saved state).
    """

    def __init__(  # noqa: PLR0913 - one keyword per setting, scikit-learn style
        self,
        *,
        shingle_size: int = 3,
        num_perm: int = 128,
        threshold: float = 0.8,
        window_days: float = 30,
        max_items: int = 200_000,
        joint_min_authors: int = 3,
        min_chars: int = 6,
        keep_texts: bool = True,
        max_verify: int = 4,
        normalize: bool = True,
        seed: int = 1,
    ) -> None:
        """Store the settings unchanged (scikit-learn convention)."""
        self.shingle_size = shingle_size
        self.num_perm = num_perm
        self.threshold = threshold
        self.window_days = window_days
        self.max_items = max_items
        self.joint_min_authors = joint_min_authors
        self.min_chars = min_chars
        self.keep_texts = keep_texts
        self.max_verify = max_verify
        self.normalize = normalize
        self.seed = seed

    # --- set-up ---------------------------------------------------------------------------------

    def get_params(self) -> dict[str, Any]:
        """The settings, as passed to ``__init__``."""
        names = ("shingle_size", "num_perm", "threshold", "window_days", "max_items", "joint_min_authors")
        more = ("min_chars", "keep_texts", "max_verify", "normalize", "seed")
        return {name: getattr(self, name) for name in (*names, *more)}

    def reset(self) -> Self:
        """Check the settings and start with an empty index."""
        if self.shingle_size < 1 or self.num_perm < 1 or self.max_items < 1 or self.max_verify < 1:
            raise ValueError("shingle_size, num_perm, max_items and max_verify must be positive")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {self.threshold!r}")
        if self.window_days <= 0 or self.joint_min_authors < 2:  # noqa: PLR2004 - a joint letter needs two
            raise ValueError("window_days must be positive and joint_min_authors at least 2")
        self.normalizer_ = TextNormalizer().fit()
        self.hasher_ = MinHasher(self.num_perm, self.seed)
        bands, rows = lsh_params(self.threshold, self.num_perm)
        self.ring_ = LshRing(
            self.num_perm, bands=bands, rows=rows, capacity=_INITIAL_SLOTS, max_capacity=self.max_items
        )
        self.ids_: list[str | None] = [None] * self.ring_.capacity
        self.authors_: list[str | None] = [None] * self.ring_.capacity
        self.keys_: list[str] = [""] * self.ring_.capacity
        self.seq_of_: dict[str, int] = {}
        self.exact_: dict[int, int] = {}
        self.groups_: dict[int, Group] = {}
        self.next_group_ = 0
        self.newest_ = float("-inf")
        return self

    def fit(self, items: Iterable[Item]) -> Self:
        """Rebuild the index from ``(item_id, text, author, when)`` tuples, oldest first."""
        self.reset()
        self.add_many(items)
        return self

    @classmethod
    def rebuild(cls, items: Iterable[Item], **settings: Any) -> Self:
        """A detector with ``settings`` fitted on ``items`` (e.g. a server start-up from the database)."""
        return cls(**settings).fit(items)

    def _ready(self) -> None:
        if not hasattr(self, "ring_"):
            self.reset()

    # --- public operations ---------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of indexed (live) items."""
        return len(self.seq_of_) if hasattr(self, "seq_of_") else 0

    def __contains__(self, item_id: object) -> bool:
        """Whether ``item_id`` is indexed."""
        return hasattr(self, "seq_of_") and item_id in self.seq_of_

    def add(
        self, item_id: str, text: str | None, author: str | None, when: datetime
    ) -> DuplicateMatch | None:
        """Compare a message with the recent items, then index it.

        Re-adding a known ``item_id`` replaces it.  A message whose key is shorter
        than ``min_chars`` returns ``None`` and is not indexed.
        """
        self._ready()
        if item_id in self.seq_of_:
            self.remove(item_id)
        key = self._key(text)
        if len(key) < self.min_chars:
            return None
        stamp = _timestamp(when)
        self._evict(max(self.newest_, stamp), room=1)
        self.newest_ = max(self.newest_, stamp)
        hashes = shingle_hashes(key, self.shingle_size)
        signature = self.hasher_.signature(hashes)
        key_hash = _key_hash(key)
        keys = self.ring_.band_keys(signature)
        found = self._search(key_hash, hashes, signature, stamp, limit=1, keys=keys)
        seq = self._store(
            item_id, key, key_hash=key_hash, author=author, signature=signature, stamp=stamp, keys=keys
        )
        if not found:
            return None
        best = found[0]
        return self._join(best, seq, item_id, author)

    def check_many(self, items: Iterable[Item]) -> list[DuplicateMatch | None]:
        """:meth:`add` each ``(item_id, text, author, when)`` in order (imports); see :meth:`add_many`."""
        return self.add_many(items)

    def add_many(self, items: Iterable[Item]) -> list[DuplicateMatch | None]:
        """:meth:`add` each ``(item_id, text, author, when)`` in order, with the same results.

        Hashing, signatures and the look-up in the index as it was before the batch are
        done for batches of 256 at once (:mod:`._dedupe_batch`, well under half the cost);
        a message still matches an earlier one of the same batch.
        """
        self._ready()
        out: list[DuplicateMatch | None] = []
        iterator = iter(items)
        while batch := list(islice(iterator, _BATCH)):
            out.extend(self._add_batch(batch))
        return out

    def _add_batch(self, batch: list[Item]) -> list[DuplicateMatch | None]:
        """:meth:`add_many` for one batch (planned at once, then searched and stored in order)."""
        keys = [self._key(text) for _, text, _, _ in batch]
        rows = [r for r, key in enumerate(keys) if len(key) >= self.min_chars]
        if len(rows) < 2 or any(len(keys[r]) < self.shingle_size for r in rows):  # noqa: PLR2004
            return [self.add(*item) for item in batch]  # one key or padded shingles: one by one
        plan = BatchPlan.build(
            self,
            [keys[r] for r in rows],
            [_key_hash(keys[r]) for r in rows],
            [_timestamp(batch[r][3]) for r in rows],
        )
        row_of = {r: row for row, r in enumerate(rows)}
        search = BatchSearch(self, plan)
        out: list[DuplicateMatch | None] = []
        for r, (item_id, _, author, _) in enumerate(batch):
            if item_id in self.seq_of_:
                self.remove(item_id)
            row = row_of.get(r)
            if row is None:
                out.append(None)
                continue
            stamp = plan.stamps[row]
            self._evict(max(self.newest_, stamp), room=1)
            self.newest_ = max(self.newest_, stamp)
            if len(self.ring_) >= self.ring_.capacity:  # the ring grows: plan the rest again
                return [*out, self.add(*batch[r]), *self._add_batch(batch[r + 1 :])]
            best = search.best(row)
            seq = self._store(
                item_id,
                plan.keys[row],
                key_hash=plan.key_hashes[row],
                author=author,
                signature=plan.signatures[row],
                stamp=stamp,
                keys=plan.band_keys[row],
            )
            search.indexed(row, seq)
            out.append(None if best is None else self._join(best, seq, item_id, author))
        return out

    def query(self, text: str | None, when: datetime) -> list[Candidate]:
        """Indexed items duplicating ``text`` near ``when``, best first; indexes nothing."""
        self._ready()
        key = self._key(text)
        if len(key) < self.min_chars:
            return []
        hashes = shingle_hashes(key, self.shingle_size)
        signature = self.hasher_.signature(hashes)
        return self._search(_key_hash(key), hashes, signature, _timestamp(when), limit=self.max_verify)

    def remove(self, item_id: str) -> bool:
        """Forget ``item_id``; returns whether it was indexed."""
        self._ready()
        seq = self.seq_of_.get(item_id)
        if seq is None:
            return False
        self._forget(seq)
        self.ring_.alive[self.ring_.slot(seq)] = False
        return True

    def group_of(self, item_id: str) -> DuplicateGroup | None:
        """The group of ``item_id``, or ``None`` when it duplicates nothing indexed."""
        seq = self.seq_of_.get(item_id) if hasattr(self, "seq_of_") else None
        if seq is None:
            return None
        group_id = int(self.ring_.group[self.ring_.slot(seq)])
        return self.groups_[group_id].view(group_id, self.joint_min_authors) if group_id >= 0 else None

    def groups(self) -> list[DuplicateGroup]:
        """Every group with at least two indexed members, oldest group first."""
        if not hasattr(self, "groups_"):
            return []
        return [
            self.groups_[group_id].view(group_id, self.joint_min_authors) for group_id in sorted(self.groups_)
        ]

    # --- internals -----------------------------------------------------------------------------

    def _key(self, text: str | None) -> str:
        if not self.normalize:
            return make_key(text or "")
        return make_key(self.normalizer_.transform_one(text).text)

    def _evict(self, newest: float, room: int) -> None:
        """Evict items older than the window before ``newest`` and make ``room`` slots."""
        ring, horizon = self.ring_, newest - self.window_days * _DAY
        while len(ring) and (
            ring.when[ring.slot(ring.oldest)] < horizon or len(ring) + room > self.max_items
        ):
            seq = ring.oldest
            if ring.alive[ring.slot(seq)]:
                self._forget(seq)
            ring.oldest += 1

    def _forget(self, seq: int) -> None:
        """Drop the Python-side records of ``seq`` (its ring slot is left to the caller)."""
        slot = self.ring_.slot(seq)
        item_id = self.ids_[slot]
        if item_id is None:
            return
        del self.seq_of_[item_id]
        key_hash = int(self.ring_.key_hash[slot])
        if self.exact_.get(key_hash) == seq:
            del self.exact_[key_hash]
        group_id = int(self.ring_.group[slot])
        if group_id >= 0:
            self._leave(group_id, item_id)
        self.ids_[slot] = self.authors_[slot] = None
        self.keys_[slot] = ""

    def _leave(self, group_id: int, item_id: str) -> None:
        """Take ``item_id`` out of its group; a group left with one member is dissolved."""
        group = self.groups_[group_id]
        group.discard(item_id)
        if len(group.members) < 2:  # noqa: PLR2004 - a group is a pair or more
            for other in group.members:
                self.ring_.group[self.ring_.slot(self.seq_of_[other])] = -1
            del self.groups_[group_id]

    def _store(  # noqa: PLR0913 - the parts of one item
        self,
        item_id: str,
        key: str,
        *,
        key_hash: int,
        author: str | None,
        signature: NDArray[np.uint16],
        stamp: float,
        keys: NDArray[np.uint64] | None = None,
    ) -> int:
        """Put one item in the ring and the Python-side maps; returns its sequence number."""
        capacity = self.ring_.capacity
        seq = self.ring_.append(signature, stamp, key_hash, keys)
        if self.ring_.capacity != capacity:
            self._regrow(capacity)
        slot = self.ring_.slot(seq)
        self.ids_[slot], self.authors_[slot] = item_id, author
        self.keys_[slot] = key if self.keep_texts else ""
        self.seq_of_[item_id] = seq
        self.exact_[key_hash] = seq
        return seq

    def _regrow(self, old_capacity: int) -> None:
        """Move the Python-side columns after the ring grew from ``old_capacity`` slots."""
        ids: list[str | None] = [None] * self.ring_.capacity
        authors: list[str | None] = [None] * self.ring_.capacity
        keys = [""] * self.ring_.capacity
        for seq in range(self.ring_.oldest, self.ring_.next - 1):
            old, new = seq % old_capacity, self.ring_.slot(seq)
            ids[new], authors[new], keys[new] = self.ids_[old], self.authors_[old], self.keys_[old]
        self.ids_, self.authors_, self.keys_ = ids, authors, keys

    def _search(  # noqa: PLR0913 - the parts of one query
        self,
        key_hash: int,
        hashes: NDArray[np.uint64],
        signature: NDArray[np.uint16],
        stamp: float,
        *,
        limit: int,
        keys: NDArray[np.uint64] | None = None,
    ) -> list[Candidate]:
        """Up to ``limit`` verified candidates, exact copies first, then by similarity."""
        ring = self.ring_
        seqs = ring.candidates(signature, keys)
        exact_seq = self.exact_.get(key_hash)
        if exact_seq is not None:
            seqs = np.union1d(seqs, [exact_seq])
        if len(seqs) == 0:
            return []
        slots = seqs % ring.capacity
        near = ring.alive[slots] & (np.abs(ring.when[slots] - stamp) <= self.window_days * _DAY)
        seqs, slots = seqs[near], slots[near]
        estimates = (ring.signatures[slots] == signature).mean(axis=1)
        is_exact = ring.key_hash[slots] == np.uint64(key_hash)
        keep = is_exact | (estimates >= estimate_cut(self.threshold, self.num_perm))
        order = np.lexsort((-seqs[keep], -estimates[keep], ~is_exact[keep]))
        return self._verify(
            hashes,
            seqs[keep][order],
            estimates=estimates[keep][order],
            is_exact=is_exact[keep][order],
            limit=limit,
        )

    def _verify(
        self,
        hashes: NDArray[np.uint64],
        seqs: NDArray[np.int64],
        *,
        estimates: NDArray[np.float64],
        is_exact: NDArray[np.bool_],
        limit: int,
    ) -> list[Candidate]:
        """Exact Jaccard similarity for the first ``max_verify`` candidates; best ``limit`` kept.

        With ``limit == 1`` (:meth:`add`) the first candidate that passes is taken: exact
        copies come first, then the best MinHash estimates.
        """
        unique: NDArray[np.uint64] | None = None
        found: list[Candidate] = []
        for seq, estimate, exact in zip(
            seqs[: max(limit, self.max_verify)].tolist(), estimates.tolist(), is_exact.tolist(), strict=False
        ):
            slot = self.ring_.slot(seq)
            other = self.keys_[slot]
            similarity = 1.0 if exact else estimate
            if other and not exact:
                unique = unique_sorted(hashes) if unique is None else unique
                similarity = jaccard(unique, unique_sorted(shingle_hashes(other, self.shingle_size)))
            if exact or similarity >= self.threshold:
                kind: Kind = "exact" if exact else "near"
                found.append(
                    Candidate(self.ids_[slot] or "", kind, similarity, estimate, self.authors_[slot])
                )
                if limit == 1:
                    break
        found.sort(key=lambda c: (c.kind != "exact", -c.similarity))
        return found[:limit]

    def _join(self, best: Candidate, seq: int, item_id: str, author: str | None) -> DuplicateMatch:
        """Put the new item in ``best``'s group and name the relation."""
        ring = self.ring_
        other_slot = ring.slot(self.seq_of_[best.item_id])
        group_id = int(ring.group[other_slot])
        if group_id < 0:
            group_id, self.next_group_ = self.next_group_, self.next_group_ + 1
            self.groups_[group_id] = Group()
            self.groups_[group_id].add(best.item_id, best.author)
            ring.group[other_slot] = group_id
        group = self.groups_[group_id]
        relation = group.relation_of(author, self.joint_min_authors)
        group.add(item_id, author)
        ring.group[ring.slot(seq)] = group_id
        return DuplicateMatch(
            kind=best.kind,
            matched_id=best.item_id,
            similarity=best.similarity,
            estimated_similarity=best.estimated_similarity,
            relation=relation,
            group_id=group_id,
            distinct_authors=len(group.authors),
        )

    # --- persistence ---------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to restore the index: settings, live items, groups (numpy arrays inside)."""
        self._ready()
        return _dedupe_state.state_dict(self)

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Self:
        """A detector restored from :meth:`state_dict` (or :meth:`load`)."""
        _dedupe_state.check_version(state)
        return _dedupe_state.restore(cls(**state["settings"]).reset(), state)

    def save(self, path: str | Path) -> None:
        """Write :meth:`state_dict` to ``path`` (numpy ``.npz``; no pickles)."""
        _dedupe_state.save(self.state_dict(), Path(path))

    @classmethod
    def load(cls, path: str | Path) -> Self:
        """A detector restored from a file written by :meth:`save`."""
        return cls.from_state(_dedupe_state.load(Path(path)))
