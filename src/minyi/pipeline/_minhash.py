"""Vectorised MinHash and a bounded, time-ordered LSH index (used by :mod:`.dedupe`).

Why not ``datasketch``: its ``MinHash.update_batch`` hashes every shingle with SHA-1
in Python and its ``MinHashLSH`` keeps one Python dict entry per item and band
(about 100 bytes each).  Here:

* a text's character shingles are hashed with numpy in one pass over its code
  points (a polynomial of the ``size`` code points, then the SplitMix64 finaliser);
* the ``num_perm`` hash functions are ``a*x + b mod 2**64`` (multiply-add, ``a``
  odd); the minimum is taken over the whole 64-bit value and bits 16–31 of each
  minimum are kept as a 16-bit signature value (b-bit MinHash: two different
  minima agree by chance with probability 2**-16);
* the LSH index is a ring of ``capacity`` slots in insertion order.  Each band has
  a power-of-two bucket table holding the newest sequence number that fell into
  the bucket; each slot keeps, per band, the previous sequence number of its bucket
  (a chain that runs strictly backwards in time) and 32 check bits of its band key.
  A sequence number ``p`` is live iff ``oldest <= p < next``, so evicting the
  oldest items is ``oldest += 1`` and stale chain links are recognised for free.
  Memory is ``20 * bands + 2 * num_perm`` bytes per slot plus the per-item
  columns kept by the caller.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from minyi.pipeline import _kernels

__all__ = ["LshRing", "MinHasher", "lsh_params", "shingle_hashes", "shingle_hashes_many"]

U64 = NDArray[np.uint64]
I64 = NDArray[np.int64]
SIG = NDArray[np.uint16]

_MASK64 = (1 << 64) - 1
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = 0x9E3779B97F4A7C15
_CHUNK = 4096  # shingles per block when hashing very long texts
_BATCH_CHUNK = 8192  # shingles per block when signing a batch


def _mix(values: U64) -> U64:
    """SplitMix64 finaliser, in place; returns ``values``."""
    values ^= values >> np.uint64(30)
    values *= _MIX1
    values ^= values >> np.uint64(27)
    values *= _MIX2
    values ^= values >> np.uint64(31)
    return values


def shingle_hashes(key: str, size: int) -> U64:
    """64-bit hashes of the character ``size``-grams of ``key`` (one per position).

    A key shorter than ``size`` gives one shingle (the key itself); an empty key
    gives an empty array.  The hashes are stable across processes.
    """
    if not key:
        return np.empty(0, dtype=np.uint64)
    points = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(points) < size:
        points = np.concatenate([points, np.zeros(size - len(points), dtype=np.uint64)])
    count = len(points) - size + 1
    hashes = points[:count] + np.uint64(1)
    for offset in range(1, size):
        hashes *= np.uint64(_GOLDEN)
        hashes += points[offset : offset + count]
    return _mix(hashes)


def shingle_hashes_many(keys: list[str], size: int) -> tuple[U64, I64]:
    """:func:`shingle_hashes` of many keys in one pass: ``(hashes, starts)``.

    The hashes of ``keys[i]`` are ``hashes[starts[i]:starts[i + 1]]``, equal to
    ``shingle_hashes(keys[i], size)``.  Every key must have at least ``size`` characters.
    """
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    if len(keys) == 0 or int(lengths.min()) < size:
        raise ValueError(f"every key needs at least {size} characters")
    points = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(points) - size + 1
    hashes = points[:count] + np.uint64(1)
    for offset in range(1, size):
        hashes *= np.uint64(_GOLDEN)
        hashes += points[offset : offset + count]
    counts = lengths - (size - 1)
    starts = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    begins = np.cumsum(lengths) - lengths
    positions = np.arange(int(starts[-1]), dtype=np.int64) + np.repeat(begins - starts[:-1], counts)
    return _mix(hashes[positions]), starts


def lsh_params(threshold: float, num_perm: int, recall: float = 0.99) -> tuple[int, int]:
    """``(bands, rows)`` for LSH candidates at Jaccard ``threshold``.

    The most selective split (largest ``rows``) whose probability of making a
    pair at exactly ``threshold`` a candidate is at least ``recall`` and that fits
    in ``num_perm``; candidates are then filtered on the full signature.
    """
    if threshold >= 1.0:
        return 1, num_perm
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        hit = threshold**rows
        bands = math.ceil(math.log(1 - recall) / math.log1p(-hit)) if hit > 0 else num_perm + 1
        if bands * rows > num_perm:
            break
        best = (bands, rows)
    return best


class MinHasher:
    """``num_perm`` multiply-add hash functions with a fixed seed."""

    def __init__(self, num_perm: int, seed: int = 1) -> None:
        """Draw the coefficients (``a`` odd) from a seeded generator."""
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.mult: U64 = rng.integers(0, 2**63, num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self.add: U64 = rng.integers(0, 2**63, num_perm, dtype=np.uint64)

    def signature(self, hashes: U64) -> SIG:
        """The 16-bit MinHash signature of a non-empty array of shingle hashes."""
        if _kernels.COMPILED:
            bounds = np.array([0, len(hashes)], dtype=np.int64)
            signature: SIG = _kernels.minhash(hashes, bounds, self.mult, self.add)[0]
            return signature
        minimum = np.full(self.num_perm, _MASK64, dtype=np.uint64)
        for start in range(0, len(hashes), _CHUNK):
            block = np.multiply.outer(hashes[start : start + _CHUNK], self.mult)
            block += self.add
            np.minimum(minimum, block.min(axis=0), out=minimum)
        return ((minimum >> np.uint64(16)) & np.uint64(0xFFFF)).astype(np.uint16)

    def signatures(self, hashes: U64, starts: I64) -> SIG:
        """Signatures ``(n, num_perm)`` of the non-empty runs ``hashes[starts[i]:starts[i + 1]]``.

        Equal to :meth:`signature` of each run; runs are processed in blocks of at most
        ``_BATCH_CHUNK`` shingles (one outer product and one ``minimum.reduceat`` per block).
        """
        if _kernels.COMPILED:
            return _kernels.minhash(hashes, starts, self.mult, self.add)
        bounds = starts.tolist()
        count = len(bounds) - 1
        out = np.empty((count, self.num_perm), dtype=np.uint16)
        first = 0
        while first < count:
            last = first + 1
            while last < count and bounds[last + 1] - bounds[first] <= _BATCH_CHUNK:
                last += 1
            if bounds[last] - bounds[first] > _BATCH_CHUNK:  # one long run: chunked
                out[first] = self.signature(hashes[bounds[first] : bounds[last]])
            else:  # (num_perm, shingles): reduceat along the contiguous axis is fast
                block = np.multiply.outer(self.mult, hashes[bounds[first] : bounds[last]])
                block += self.add[:, None]
                minimum = np.minimum.reduceat(block, starts[first:last] - bounds[first], axis=1)
                out[first:last] = ((minimum >> np.uint64(16)) & np.uint64(0xFFFF)).T
            first = last
        return out


class LshRing:
    """Signatures of the last ``capacity`` items in a ring, with banded LSH chains.

    Args:
        num_perm: signature length.
        bands: number of bands; ``bands * rows <= num_perm``.
        rows: signature values per band.
        capacity: initial number of slots (grows by doubling up to ``max_capacity``).
        max_capacity: the most slots ever held; beyond it the caller evicts.
        max_chain: most chain links followed per band and query (bounds the cost
            of a flood of identical texts).
    """

    def __init__(  # noqa: PLR0913 - all sizes of one structure
        self, num_perm: int, *, bands: int, rows: int, capacity: int, max_capacity: int, max_chain: int = 32
    ) -> None:
        """Allocate empty columns and tables."""
        self.num_perm, self.bands, self.rows = num_perm, bands, rows
        self.max_capacity, self.max_chain = max_capacity, max_chain
        rng = np.random.default_rng(7)
        self._band_mult: U64 = rng.integers(0, 2**63, (bands, rows), dtype=np.uint64) * np.uint64(2) + 1
        self._band_ids = np.arange(bands)
        self.oldest = 0
        self.next = 0
        self._allocate(min(capacity, max_capacity))

    def _allocate(self, capacity: int) -> None:
        """Fresh, empty arrays for ``capacity`` slots."""
        self.capacity = capacity
        self.table_size = 1 << max(4, (capacity - 1).bit_length())
        self.signatures: SIG = np.zeros((capacity, self.num_perm), dtype=np.uint16)
        self.when = np.zeros(capacity, dtype=np.float64)
        self.key_hash = np.zeros(capacity, dtype=np.uint64)
        self.alive = np.zeros(capacity, dtype=np.bool_)
        self.group = np.full(capacity, -1, dtype=np.int64)
        self._checks = np.zeros((capacity, self.bands), dtype=np.uint32)
        self._chain: I64 = np.full((capacity, self.bands), -1, dtype=np.int64)
        self._table: I64 = np.full((self.bands, self.table_size), -1, dtype=np.int64)

    def __len__(self) -> int:
        """Number of occupied slots (live or removed, not yet evicted)."""
        return self.next - self.oldest

    def slot(self, seq: int) -> int:
        """Slot of sequence number ``seq``."""
        return seq % self.capacity

    def band_keys(self, signatures: SIG) -> U64:
        """64-bit key of each band, for one signature ``(P,)`` or many ``(n, P)``."""
        used = signatures[..., : self.bands * self.rows].astype(np.uint64)
        shaped = used.reshape((*signatures.shape[:-1], self.bands, self.rows))
        return _mix((shaped * self._band_mult).sum(axis=-1, dtype=np.uint64))

    def full(self) -> bool:
        """Whether every slot up to ``max_capacity`` is taken."""
        return len(self) >= self.max_capacity

    def append(self, signature: SIG, when: float, key_hash: int, keys: U64 | None = None) -> int:
        """Store one item; returns its sequence number.  The caller evicts first when full.

        ``keys``: the signature's :meth:`band_keys`, when the caller has them already.
        """
        if len(self) >= self.capacity:
            self._grow()
        seq, slot = self.next, self.next % self.capacity
        keys = self.band_keys(signature) if keys is None else keys
        buckets = (keys & np.uint64(self.table_size - 1)).astype(np.int64)
        self.signatures[slot] = signature
        self.when[slot] = when
        self.key_hash[slot] = key_hash
        self.alive[slot] = True
        self.group[slot] = -1
        self._checks[slot] = (keys >> np.uint64(32)).astype(np.uint32)
        self._chain[slot] = self._table[self._band_ids, buckets]
        self._table[self._band_ids, buckets] = seq
        self.next += 1
        return seq

    def candidates(self, signature: SIG, keys: U64 | None = None) -> I64:
        """Live sequence numbers sharing at least one band with ``signature`` (newest chains first).

        ``keys``: the signature's :meth:`band_keys`, when the caller has them already.
        """
        keys = self.band_keys(signature) if keys is None else keys
        checks = (keys >> np.uint64(32)).astype(np.uint32)
        bands = self._band_ids
        heads = self._table[bands, (keys & np.uint64(self.table_size - 1)).astype(np.int64)]
        found: list[I64] = []
        for _ in range(self.max_chain):
            valid = heads >= self.oldest
            if not valid.any():
                break
            heads, bands, checks = heads[valid], bands[valid], checks[valid]
            slots = heads % self.capacity
            found.append(heads[self._checks[slots, bands] == checks])
            heads = self._chain[slots, bands]
        if not found:
            return np.empty(0, dtype=np.int64)
        seqs = np.unique(np.concatenate(found))
        return seqs[self.alive[seqs % self.capacity]]

    def links_many(self, keys: U64) -> tuple[I64, I64, I64, I64]:
        """The chain links of many queries at once, as :meth:`candidates` walks them.

        ``keys``: band keys ``(n, bands)``.  Returns ``(pair, seq, depth, walked)``: for
        every link whose check bits match, the query-band pair (``row * bands + band``),
        its sequence number and its depth in the chain (0 = newest); ``walked[pair]`` is
        the number of live links followed.  Removed items are included (see ``alive``).
        """
        flat = keys.reshape(-1)
        pairs = np.arange(len(flat), dtype=np.int64)
        bands = np.tile(self._band_ids, len(keys))
        checks = (flat >> np.uint64(32)).astype(np.uint32)
        heads = self._table[bands, (flat & np.uint64(self.table_size - 1)).astype(np.int64)]
        walked = np.zeros(len(flat), dtype=np.int64)
        found: list[tuple[I64, I64, int]] = []
        for depth in range(self.max_chain):
            valid = heads >= self.oldest
            if not valid.any():
                break
            pairs, heads, bands, checks = pairs[valid], heads[valid], bands[valid], checks[valid]
            walked[pairs] = depth + 1
            slots = heads % self.capacity
            hit = self._checks[slots, bands] == checks
            found.append((pairs[hit], heads[hit], depth))
            heads = self._chain[slots, bands]
        if not found:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty, walked
        depths = np.concatenate([np.full(len(p), d, dtype=np.int64) for p, _, d in found])
        return (
            np.concatenate([p for p, _, _ in found]),
            np.concatenate([s for _, s, _ in found]),
            depths,
            walked,
        )

    def _columns(self) -> tuple[NDArray[Any], ...]:
        """The per-slot columns that move when the ring grows."""
        return (self.signatures, self.when, self.key_hash, self.alive, self.group)

    def _grow(self) -> None:
        """Double the slots (up to ``max_capacity``), moving items and relinking chains."""
        old_capacity = self.capacity
        seqs = np.arange(self.oldest, self.next, dtype=np.int64)
        old_slots = seqs % old_capacity
        moved = [column[old_slots] for column in self._columns()]
        self._allocate(min(2 * old_capacity, self.max_capacity))
        new_slots = seqs % self.capacity
        for column, values in zip(self._columns(), moved, strict=True):
            column[new_slots] = values
        self.relink()

    def relink(self) -> None:
        """Rebuild every band table and chain from the stored signatures (vectorised)."""
        self._table.fill(-1)
        self._chain.fill(-1)
        seqs = np.arange(self.oldest, self.next, dtype=np.int64)
        if len(seqs) == 0:
            return
        slots = seqs % self.capacity
        keys = self.band_keys(self.signatures[slots])
        self._checks[slots] = (keys >> np.uint64(32)).astype(np.uint32)
        buckets = (keys & np.uint64(self.table_size - 1)).astype(np.int64)
        for band in range(self.bands):
            order = np.lexsort((seqs, buckets[:, band]))
            ordered_buckets = buckets[order, band]
            same = np.concatenate([[False], ordered_buckets[1:] == ordered_buckets[:-1]])
            previous = np.concatenate([[-1], seqs[order[:-1]]])
            self._chain[slots[order], band] = np.where(same, previous, -1)
            last = np.concatenate([ordered_buckets[1:] != ordered_buckets[:-1], [True]])
            self._table[band, ordered_buckets[last]] = seqs[order[last]]


def jaccard(left: NDArray[np.uint64], right: NDArray[np.uint64]) -> float:
    """Jaccard similarity of two sorted arrays of unique hashes."""
    if len(left) == 0 or len(right) == 0:
        return 0.0
    where = np.minimum(np.searchsorted(right, left), len(right) - 1)
    both = int(np.count_nonzero(right[where] == left))
    return both / (len(left) + len(right) - both)


def unique_sorted(values: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """The distinct values, sorted (faster than :func:`numpy.unique` on short arrays)."""
    ordered = np.sort(values)
    if len(ordered) < 2:  # noqa: PLR2004 - nothing to deduplicate
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
