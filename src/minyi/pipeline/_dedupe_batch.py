"""The batch path of :meth:`~minyi.pipeline.dedupe.DuplicateDetector.add_many`.

Everything that does not depend on the order of the batch is computed once, with a
few NumPy calls for the whole batch (:class:`BatchPlan`): shingle hashes, MinHash
signatures, band keys, and the candidates already in the index before the batch
(one vectorised walk of the LSH chains, MinHash estimates, time window and estimate
filters).  The sequential part (:class:`BatchSearch`) then only adds the items of
the same batch indexed so far (plain Python dicts, one per band), drops candidates
evicted or removed since the plan was made, and verifies the best ones.

The result is the same as :meth:`DuplicateDetector.add` one message at a time: the
chain of a bucket is the items of the batch in it (newest first) followed by the
chain of the index before the batch, and at most ``max_chain`` links of it count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from minyi.pipeline._dedupe_types import Candidate, Kind
from minyi.pipeline._minhash import jaccard, shingle_hashes, shingle_hashes_many, unique_sorted

if TYPE_CHECKING:
    from minyi.pipeline.dedupe import DuplicateDetector

__all__ = ["BatchPlan", "BatchSearch", "estimate_cut"]

_DAY = 86400.0

# (sequence number, MinHash estimate, same key) of one candidate
Hit = tuple[int, float, bool]


def estimate_cut(threshold: float, num_perm: int) -> float:
    """Least MinHash estimate worth verifying: ``threshold`` minus three standard errors."""
    margin = 3.0 * (threshold * (1 - threshold) / num_perm) ** 0.5 + 1.0 / num_perm
    return float(threshold - margin)


def _mates(buckets: NDArray[np.int64], table_size: int) -> dict[int, list[tuple[int, list[int]]]]:
    """Per row, the bands where earlier rows of the batch share its bucket: ``(band, rows)``."""
    bands = buckets.shape[1]
    flat = (buckets + np.arange(bands, dtype=np.int64) * table_size).reshape(-1)
    order = np.argsort(flat, kind="stable")  # rows ascending within a bucket
    ordered = flat[order]
    same = ordered[1:] == ordered[:-1]
    mates: dict[int, list[tuple[int, list[int]]]] = {}
    if not same.any():
        return mates
    starts = np.flatnonzero(np.concatenate(([True], ~same)))
    sizes = np.diff(np.append(starts, len(ordered)))
    for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
        members = order[start : start + size].tolist()
        rows = [member // bands for member in members]
        for position in range(1, size):
            mates.setdefault(rows[position], []).append((members[position] % bands, rows[:position]))
    return mates


def _shingled(detector: DuplicateDetector, earlier: list[list[Hit]]) -> dict[int, NDArray[np.uint64]]:
    """Shingle hashes of the indexed near candidates each row would verify first."""
    wanted: set[int] = set()
    for hits in earlier:
        near = sorted((hit for hit in hits if not hit[2]), key=lambda hit: (-hit[1], -hit[0]))
        wanted.update(seq for seq, _, _ in near[: detector.max_verify])
    capacity = detector.ring_.capacity
    seqs = [seq for seq in sorted(wanted) if len(detector.keys_[seq % capacity]) >= detector.shingle_size]
    if not seqs:
        return {}
    hashes, starts = shingle_hashes_many(
        [detector.keys_[seq % capacity] for seq in seqs], detector.shingle_size
    )
    bounds = starts.tolist()
    return {seq: hashes[bounds[k] : bounds[k + 1]] for k, seq in enumerate(seqs)}


@dataclass
class BatchPlan:
    """Order-independent work for a batch of keys (at least ``shingle_size`` characters each)."""

    keys: list[str]
    key_hashes: list[int]
    stamps: list[float]
    hashes: NDArray[np.uint64]
    bounds: list[int]
    signatures: NDArray[np.uint16]
    band_keys: NDArray[np.uint64]
    buckets: list[list[int]]
    checks: list[list[int]]
    mates: dict[int, list[tuple[int, list[int]]]]
    earlier: list[list[Hit]]
    walked: list[list[int]]
    links: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]
    others: dict[int, NDArray[np.uint64]]

    @classmethod
    def build(
        cls, detector: DuplicateDetector, keys: list[str], key_hashes: list[int], stamps: list[float]
    ) -> BatchPlan:
        """Hash, sign and look up ``keys`` against the index as it is now."""
        ring = detector.ring_
        hashes, starts = shingle_hashes_many(keys, detector.shingle_size)
        signatures = detector.hasher_.signatures(hashes, starts)
        band_keys = ring.band_keys(signatures)
        pair, seq, depth, walked = ring.links_many(band_keys)
        earlier = cls._earlier(
            detector,
            rows=pair // ring.bands,
            seqs=seq,
            signatures=signatures,
            key_hashes=key_hashes,
            stamps=stamps,
        )
        buckets = (band_keys & np.uint64(ring.table_size - 1)).astype(np.int64)
        return cls(
            keys=keys,
            key_hashes=key_hashes,
            stamps=stamps,
            hashes=hashes,
            bounds=starts.tolist(),
            signatures=signatures,
            band_keys=band_keys,
            buckets=buckets.tolist(),
            checks=(band_keys >> np.uint64(32)).tolist(),
            mates=_mates(buckets, ring.table_size),
            earlier=earlier,
            walked=walked.reshape(len(keys), ring.bands).tolist(),
            links=(pair, seq, depth),
            others=_shingled(detector, earlier),
        )

    @staticmethod
    def _earlier(  # noqa: PLR0913 - the parts of the batch
        detector: DuplicateDetector,
        *,
        rows: NDArray[np.int64],
        seqs: NDArray[np.int64],
        signatures: NDArray[np.uint16],
        key_hashes: list[int],
        stamps: list[float],
    ) -> list[list[Hit]]:
        """Per key, the indexed candidates that are live, in the window and close enough."""
        earlier: list[list[Hit]] = [[] for _ in key_hashes]
        if len(seqs) == 0:
            return earlier
        ring = detector.ring_
        stride = ring.next + 1
        rows, seqs = np.divmod(np.unique(rows * stride + seqs), stride)
        slots = seqs % ring.capacity
        when = np.asarray(stamps, dtype=np.float64)[rows]
        estimates = (ring.signatures[slots] == signatures[rows]).sum(axis=1) / detector.num_perm
        exact = ring.key_hash[slots] == np.asarray(key_hashes, dtype=np.uint64)[rows]
        keep = ring.alive[slots] & (np.abs(ring.when[slots] - when) <= detector.window_days * _DAY)
        keep &= exact | (estimates >= estimate_cut(detector.threshold, detector.num_perm))
        for row, seq, estimate, same in zip(
            rows[keep].tolist(),
            seqs[keep].tolist(),
            estimates[keep].tolist(),
            exact[keep].tolist(),
            strict=True,
        ):
            earlier[row].append((seq, estimate, same))
        return earlier

    def unique(self, row: int) -> NDArray[np.uint64]:
        """Sorted distinct shingle hashes of key ``row``."""
        return unique_sorted(self.hashes[self.bounds[row] : self.bounds[row + 1]])


class BatchSearch:
    """The sequential part: candidates of one key among the index and the batch so far."""

    def __init__(self, detector: DuplicateDetector, plan: BatchPlan) -> None:
        """Start with no item of the batch indexed."""
        self.detector, self.plan = detector, plan
        self.seqs: list[int] = []
        self.row_of: dict[int, int] = {}
        self.uniques: dict[int, NDArray[np.uint64]] = {}
        self.cut = estimate_cut(detector.threshold, detector.num_perm)

    def indexed(self, row: int, seq: int) -> None:
        """Record that key ``row`` (the next one) was stored as ``seq``."""
        self.row_of[seq] = row
        self.seqs.append(seq)

    def best(self, row: int) -> Candidate | None:
        """The first of the best ``max_verify`` candidates of ``row`` that passes (exact copies first)."""
        detector = self.detector
        hits = sorted(self.hits(row).values(), key=lambda hit: (not hit[2], -hit[1], -hit[0]))
        for seq, estimate, exact in hits[: detector.max_verify]:
            similarity = 1.0 if exact else estimate
            if not exact:
                verified = self.similarity(row, seq)
                similarity = estimate if verified is None else verified
            if exact or similarity >= detector.threshold:
                slot = seq % detector.ring_.capacity
                kind: Kind = "exact" if exact else "near"
                return Candidate(
                    detector.ids_[slot] or "", kind, similarity, estimate, detector.authors_[slot]
                )
        return None

    def hits(self, row: int) -> dict[int, Hit]:
        """Live candidates of key ``row`` within the window whose estimate is worth verifying."""
        detector, plan = self.detector, self.plan
        ring, max_chain = detector.ring_, detector.ring_.max_chain
        found: dict[int, Hit] = {}
        crowded: list[int] = []
        for band, rows in plan.mates.get(row, ()):
            if len(rows) + plan.walked[row][band] > max_chain:
                crowded.append(band)
            check = plan.checks[row][band]
            for other in rows[::-1][:max_chain]:
                seq = self.seqs[other]
                if (
                    plan.checks[other][band] == check
                    and seq not in found
                    and self._live(seq, plan.stamps[row])
                ):
                    found[seq] = self._hit(row, other, seq)
        earlier = plan.earlier[row]
        if crowded:
            allowed = self._allowed(row)
            earlier = [hit for hit in earlier if hit[0] in allowed]
        for hit in earlier:
            if hit[0] >= ring.oldest and ring.alive[hit[0] % ring.capacity]:
                found[hit[0]] = hit
        exact_seq = detector.exact_.get(plan.key_hashes[row])
        if exact_seq is not None and exact_seq not in found and self._live(exact_seq, plan.stamps[row]):
            found[exact_seq] = self._indexed_hit(row, exact_seq)
        return {seq: hit for seq, hit in found.items() if hit[2] or hit[1] >= self.cut}

    def _live(self, seq: int, stamp: float) -> bool:
        """Whether indexed ``seq`` is live and within the window of ``stamp``."""
        ring = self.detector.ring_
        slot = seq % ring.capacity
        near = abs(float(ring.when[slot]) - stamp) <= self.detector.window_days * _DAY
        return seq >= ring.oldest and bool(ring.alive[slot]) and near

    def _hit(self, row: int, other: int, seq: int) -> Hit:
        """Candidate ``seq`` (key ``other`` of this batch) for key ``row``."""
        plan = self.plan
        same = int(np.count_nonzero(plan.signatures[row] == plan.signatures[other]))
        return seq, same / self.detector.num_perm, plan.key_hashes[other] == plan.key_hashes[row]

    def _indexed_hit(self, row: int, seq: int) -> Hit:
        """Candidate ``seq`` (any indexed item) for key ``row``."""
        ring, plan = self.detector.ring_, self.plan
        slot = seq % ring.capacity
        same = int(np.count_nonzero(ring.signatures[slot] == plan.signatures[row]))
        return seq, same / self.detector.num_perm, int(ring.key_hash[slot]) == plan.key_hashes[row]

    def _allowed(self, row: int) -> set[int]:
        """Indexed sequence numbers still within ``max_chain`` links once the batch's items come first."""
        plan, bands = self.plan, self.detector.ring_.bands
        pair, seq, depth = plan.links
        mine = (pair >= row * bands) & (pair < (row + 1) * bands)
        room = np.full(bands, self.detector.ring_.max_chain, dtype=np.int64)
        for band, rows in plan.mates[row]:
            room[band] -= len(rows)
        pair, seq, depth = pair[mine], seq[mine], depth[mine]
        return set(seq[depth < room[pair - row * bands]].tolist())

    def similarity(self, row: int, seq: int) -> float | None:
        """Exact Jaccard similarity of key ``row`` and indexed ``seq``; ``None`` without its text."""
        detector = self.detector
        other_row = self.row_of.get(seq)
        other_key = detector.keys_[seq % detector.ring_.capacity]
        if not other_key:
            return None
        if other_row is not None:
            other = self._unique(other_row)
        elif seq in self.plan.others:
            other = unique_sorted(self.plan.others[seq])
        else:
            other = unique_sorted(shingle_hashes(other_key, detector.shingle_size))
        return jaccard(self._unique(row), other)

    def _unique(self, row: int) -> NDArray[np.uint64]:
        if row not in self.uniques:
            self.uniques[row] = self.plan.unique(row)
        return self.uniques[row]
