"""Group messages about one concrete problem into issues, online, as they arrive.

:class:`IssueDetector` is a single-pass clusterer in the scikit-learn manner
(``__init__`` stores settings, learned state ends in ``_``).  For each new message
(:meth:`IssueDetector.assign`):

1. :class:`~minyi.issues.detect.features.Featurizer` makes a unit TF-IDF vector of its words
   and places (vocabulary and document frequencies grow as messages arrive);
2. an inverted index (term → live issues with that term in their centroid) gives the
   dot product with every live issue sharing a term; the ``candidates`` best are scored
   exactly as the cosine similarity with the issue centroid (the sum of its members'
   vectors);
3. the score counts only concretely (:class:`~minyi.issues.detect.gate.Gate`): at the same
   place the problem's words must agree too; another place (the same complaint at another
   estate is another issue) or a place on one side only scales it down;
4. :class:`~minyi.issues.detect._near.NearCopies` looks for a near copy (Jaccard similarity of
   character shingles, candidates from a MinHash sketch); a near copy joins its
   original's issue whatever the score;
5. the message joins the best issue scoring at least ``threshold``; else, if it names a
   place, an archived issue naming that place may wake (:mod:`~minyi.issues.detect._dormant`);
   else it opens a new one.

:meth:`IssueDetector.consolidate` (every ``consolidate_every`` messages or
``consolidate_days`` days of messages, and at the end of :meth:`IssueDetector.fit`)
repairs what a single pass gets wrong
(:mod:`minyi.issues.detect.consolidate`): it **merges** issues whose centroids turned out
similar (cosine ≥ ``merge_threshold``; the larger, then older, id survives and the other
id resolves to it through :meth:`IssueDetector.resolve`) and **splits** issues holding a
member unlike the rest (cosine with the others < ``split_threshold``), re-clustering
their members; the largest part keeps the id.

Online latency is bounded: :meth:`IssueDetector.fit` runs each due consolidation whole,
but :meth:`IssueDetector.assign` only queues the changed issues and then re-examines at
most ``consolidate_budget`` of them (and archives at most as many) per call, so no single
call pays for a whole consolidation.  The cost of examining one issue is bounded too:
candidate postings are capped (``max_postings``), at most ``max_vectors`` members per
issue keep their vectors, centroids keep at most ``max_centroid_terms`` terms.

The loops that run for every message (word counts and weights, the index probe, the
gated dot products, the near-copy shingles) are compiled when :mod:`minyi._speedups` was
built; their Python versions in :mod:`~minyi.issues.detect._fast` are the reference and
give the same issues.

Memory is bounded: an issue without a message for ``archive_after_days`` (measured
from the newest message seen) leaves the index; its frozen :class:`Issue` is kept in
``archived_`` (unless ``keep_archived`` is off; made when first read if the issue is kept
dormant, as it may wake) and passed to ``on_archive`` (made at once then).  A live
issue keeps per message only its id, time, author and counts once folded.
"""

from __future__ import annotations

import gc
import heapq
import inspect
import itertools
from collections.abc import Callable, Iterable
from typing import Any, Self

from minyi.issues.detect._archive import Archived, archive
from minyi.issues.detect._dormant import Dormant, wake
from minyi.issues.detect._fast import compiled_consolidation, probe
from minyi.issues.detect._near import NearCopies
from minyi.issues.detect._postings import new_postings
from minyi.issues.detect.consolidate import ConsolidationReport, consolidate_issues
from minyi.issues.detect.features import Features, Featurizer, SparseVector
from minyi.issues.detect.gate import Gate, state_score
from minyi.issues.detect.issue import Issue, IssueMessage, IssueState, Member, timestamp

__all__ = ["ConsolidationReport", "IssueDetector"]

_DAY = 86400.0


class IssueDetector:
    """Online detection of concrete issues with periodic consolidation.

    Args:
        threshold: Least cosine similarity for a message to join an issue.
        merge_threshold: Least centroid cosine for two issues to merge.
        split_threshold: A member whose cosine with the rest of its issue is below this
            makes the issue a candidate for a split.
        min_split_size: Smallest issue examined for a split.
        place_mismatch: Score factor when message and issue name places of different cores.
        unplaced: Score factor when one of the message and the issue names a place and the
            other none: a message joins an issue only if it names that place.
        unplaced_both: Score factor when neither names a place (a policy, a case).
        word_min: Least word part of the score (the cosine without place terms) for a
            message to join an issue naming the same place: the problem must agree too.
        candidates: Issues scored exactly per message.
        max_postings: Terms in more live issues than this are not used to find candidates.
        probe_terms: The heaviest terms of a message used to find candidates.
        archive_after_days: Days without a message after which an issue is archived.
        consolidate_every: Run :meth:`consolidate` after this many messages (0: never by count).
        consolidate_days: Run :meth:`consolidate` when messages this many days newer than the
            last consolidation arrive.
        use_dedupe: Let near copies join their original's issue.
        dedupe_threshold: Least Jaccard similarity of a near copy.
        dedupe_chars: Characters of the normalised title and body compared for near copies.
        consolidate_budget: Issues re-examined (merge and split), and issues archived, at
            most per :meth:`assign` call once a consolidation is due; the others wait for
            the next calls.  0: :meth:`assign` never consolidates nor archives (call
            :meth:`consolidate`, e.g. from a background job).  :meth:`fit` ignores it.
        max_vectors: Members per issue that keep their vectors (the newest); older ones
            are folded into the centroid (0: keep all).
        max_centroid_terms: Centroid terms kept per issue; beyond, the lightest quarter is
            dropped.
        keep_archived: Keep archived issues' summaries in ``archived_``.
        revive: Keep archived issues that name a place (compactly, at most ``max_dormant``)
            so that a later message naming that place with the same problem wakes them
            with their id (:mod:`~minyi.issues.detect._dormant`).
        max_dormant: Archived issues kept for waking.
        on_archive: Called with each archived issue's summary (which is then made as the issue is
            archived, even for an issue kept dormant that may wake: a cost).
        featurizer: Feature settings (a :class:`Featurizer`, default settings if ``None``).
    """

    def __init__(  # noqa: PLR0913 - one keyword per setting, scikit-learn style
        self,
        *,
        threshold: float = 0.18,
        merge_threshold: float = 0.18,
        split_threshold: float = 0.08,
        min_split_size: int = 4,
        place_mismatch: float = 0.5,
        unplaced: float = 0.5,
        unplaced_both: float = 0.8,
        word_min: float = 0.12,
        candidates: int = 4,
        max_postings: int = 200,
        probe_terms: int = 12,
        archive_after_days: float = 90.0,
        consolidate_every: int = 2000,
        consolidate_days: float = 7.0,
        use_dedupe: bool = True,
        dedupe_threshold: float = 0.8,
        dedupe_chars: int = 160,
        consolidate_budget: int = 2,
        max_vectors: int = 200,
        max_centroid_terms: int = 2000,
        keep_archived: bool = True,
        revive: bool = True,
        max_dormant: int = 20_000,
        on_archive: Callable[[Issue], None] | None = None,
        featurizer: Featurizer | None = None,
    ) -> None:
        self.threshold = threshold
        self.merge_threshold = merge_threshold
        self.split_threshold = split_threshold
        self.min_split_size = min_split_size
        self.place_mismatch = place_mismatch
        self.unplaced = unplaced
        self.unplaced_both = unplaced_both
        self.word_min = word_min
        self.candidates = candidates
        self.max_postings = max_postings
        self.probe_terms = probe_terms
        self.archive_after_days = archive_after_days
        self.consolidate_every = consolidate_every
        self.consolidate_days = consolidate_days
        self.use_dedupe = use_dedupe
        self.dedupe_threshold = dedupe_threshold
        self.dedupe_chars = dedupe_chars
        self.consolidate_budget = consolidate_budget
        self.max_vectors = max_vectors
        self.max_centroid_terms = max_centroid_terms
        self.keep_archived = keep_archived
        self.revive = revive
        self.max_dormant = max_dormant
        self.on_archive = on_archive
        self.featurizer = featurizer

    def get_params(self) -> dict[str, Any]:
        """The settings, as passed to ``__init__``.

        Read from its signature (scikit-learn's way), so a new setting cannot be left out.
        """
        names = inspect.signature(type(self).__init__).parameters
        return {name: getattr(self, name) for name in names if name != "self"}

    # --- set-up -----------------------------------------------------------------------------

    def reset(self) -> Self:
        """Check the settings and start with no issue."""
        if not 0.0 < self.threshold <= 1.0 or not 0.0 < self.merge_threshold <= 1.0:
            raise ValueError("threshold and merge_threshold must be in (0, 1]")
        if self.archive_after_days <= 0 or self.candidates < 1 or self.consolidate_every < 0:
            raise ValueError("archive_after_days and candidates must be positive")
        if self.consolidate_budget < 0 or self.max_vectors < 0 or self.max_centroid_terms < 1:
            raise ValueError("consolidate_budget and max_vectors must be ≥ 0, max_centroid_terms ≥ 1")
        base = self.featurizer or Featurizer()
        self.featurizer_ = Featurizer(**base.get_params()).reset()
        self.gate_ = Gate(self.place_mismatch, self.unplaced, self.word_min, self.unplaced_both)
        self.dormant_ = Dormant(max_issues=self.max_dormant)
        self.dedupe_ = NearCopies(threshold=self.dedupe_threshold, window_days=self.archive_after_days)
        self.active_: dict[int, IssueState] = {}
        self.postings_ = new_postings()
        self.issue_of_: dict[str, int] = {}
        self.alias_: dict[int, int] = {}
        self.archived_ = Archived(self.featurizer_.term)
        self.expiry_: list[tuple[float, int]] = []
        self.next_id_ = 1
        self.seen_ = 0
        self.newest_ = float("-inf")
        self.dirty_: set[int] = set()
        self.pending_: dict[int, None] = {}
        self.horizon_ = float("-inf")
        self.consolidated_at_ = (0, float("inf"))
        return self

    def _ready(self) -> None:
        if not hasattr(self, "active_"):
            self.reset()

    def fit(self, messages: Iterable[IssueMessage], *, in_order: bool = False) -> Self:
        """Start afresh, assign every message (in time order), then consolidate.

        ``in_order``: ``messages`` already come in time order (ties as ``sorted`` leaves them),
        so they are read as they come and a generator is never held whole.

        What is alive after a consolidation is set aside from Python's cyclic garbage
        collector until the run ends (:func:`gc.freeze`): a long run keeps hundreds of
        thousands of objects (summaries, members, names), and every full collection walked
        them all again (8 % of a 200,000-message run). They are handed back at the end
        (:func:`gc.unfreeze`), so nothing is kept from collection after ``fit``. A process
        that froze objects itself (a server forking workers) is left as it is.
        """
        self.reset()
        freeze = gc.get_freeze_count() == 0
        try:
            for message in messages if in_order else sorted(messages, key=lambda m: timestamp(m.when)):
                self._place(message)
                if self._consolidation_due(self.newest_):
                    self.consolidate()
                    if freeze:
                        gc.freeze()
            self.consolidate()
        finally:
            if freeze:
                gc.unfreeze()
        return self

    def partial_fit(self, messages: Iterable[IssueMessage]) -> Self:
        """Assign more messages, keeping what was learned."""
        for message in messages:
            self.assign(message)
        return self

    # --- online assignment --------------------------------------------------------------------

    def assign(self, message: IssueMessage) -> int:
        """Put ``message`` in an issue and return the issue's id (new or existing).

        When a consolidation is due, the changed issues are queued; each call then
        re-examines and archives at most ``consolidate_budget`` issues.
        """
        issue_id = self._place(message)
        if self.consolidate_budget:
            if self._consolidation_due(self.newest_):
                self.pending_.update(dict.fromkeys(sorted(self.dirty_)))
                self.dirty_.clear()
                self.consolidated_at_ = (self.seen_, self.newest_)
                self.horizon_ = self.newest_ - self.archive_after_days * _DAY
            self.consolidate_step(self.consolidate_budget)
        return self.resolve(issue_id)

    def consolidate_step(self, budget: int) -> ConsolidationReport:
        """Re-examine up to ``budget`` queued issues and archive up to ``budget`` expired ones.

        Expired means without a message for ``archive_after_days`` before the newest message
        seen when the consolidation was last due (as :meth:`consolidate` would archive then).
        """
        self._ready()
        batch: list[int] = []
        while self.pending_ and len(batch) < budget:
            issue_id = next(iter(self.pending_))
            del self.pending_[issue_id]
            batch.append(issue_id)
        merged, split = consolidate_issues(self, batch) if batch else ([], [])
        return ConsolidationReport(merged, split, self._archive_expired(self.horizon_, budget))

    def _place(self, message: IssueMessage) -> int:
        """Assign ``message`` without consolidating; returns its issue id."""
        self._ready()
        if message.message_id in self.issue_of_:
            return self.resolve(self.issue_of_[message.message_id])
        features = self.featurizer_.transform_one(message.title, message.body)
        stamp = timestamp(message.when)
        self.newest_ = max(self.newest_, stamp)
        best: int | None = None
        if self.use_dedupe and len(features.text) >= self.dedupe_.min_chars:
            text = features.text[: self.dedupe_chars]
            match = self.dedupe_.add(message.message_id, text, stamp)
            original = self.issue_of_.get(match) if match is not None else None
            if original is not None and self.resolve(original) in self.active_:
                best, score = self.resolve(original), 1.0
        if best is None:
            best, score = self._best(features)
        if (best is None or score < self.threshold) and self.revive and features.title_cores:
            best, score = wake(self, features, best, score)
        if best is None or score < self.threshold:
            best = self._open()
        self._join(self.active_[best], message, features)
        self.seen_ += 1
        return best

    def _consolidation_due(self, stamp: float) -> bool:
        if self.consolidate_every and self.seen_ - self.consolidated_at_[0] >= self.consolidate_every:
            return True
        return stamp - self.consolidated_at_[1] >= self.consolidate_days * _DAY

    def _best(self, features: Features) -> tuple[int | None, float]:
        """The best live issue for ``features`` and its score."""
        scored = self.score(features.vector, set(features.title_cores))
        return scored[0] if scored else (None, 0.0)

    def score(
        self, vector: SparseVector, cores: set[str], exclude: int | None = None
    ) -> list[tuple[int, float]]:
        """Live issues similar to ``vector``, best first, as ``(issue id, score)``.

        ``vector`` lists its terms heaviest first (as :class:`Featurizer` and
        :meth:`IssueState.unit_centroid` make them).  Partial dot products over the
        ``probe_terms`` heaviest terms come from the inverted index, skipping terms shared
        by more than ``max_postings`` issues (words and districts found everywhere); the
        ``candidates`` best are then scored exactly.
        """
        active = self.active_
        best = probe(
            vector,
            self.postings_,
            active,
            probe_terms=self.probe_terms,
            limit=self.max_postings,
            exclude=exclude,
            k=self.candidates,
        )
        kernels = compiled_consolidation()
        if kernels is not None:  # state_score for each, compiled: the same doubles
            places = self.featurizer_.place_ids_
            scores = kernels.state_scores(self.gate_, [active[i] for i in best], vector, cores, places)
            scored = list(zip(best, scores, strict=True))
        else:
            scored = [(issue_id, self._penalised(active[issue_id], vector, cores)) for issue_id in best]
        return sorted(scored, key=lambda item: -item[1])

    def _penalised(self, state: IssueState, vector: SparseVector, cores: set[str]) -> float:
        return state_score(self.gate_, state, vector, cores, self.featurizer_.place_ids_)

    def _open(self) -> int:
        issue_id = self._new_id()
        self.active_[issue_id] = self._new_state(issue_id)
        return issue_id

    def _new_state(self, issue_id: int) -> IssueState:
        """An empty issue with this detector's caps."""
        return IssueState(issue_id, created=issue_id, max_vectors=self.max_vectors)

    def _join(self, state: IssueState, message: IssueMessage, features: Features) -> None:
        cores = list(features.title_cores)
        names = [p.name for p in features.places if p.kind != "admin"]
        changed = state.add(Member.of(message, features.vector, names, cores), self.featurizer_.place_ids_)
        self._index(state.id, changed)
        self._trim(state)
        self.issue_of_[message.message_id] = state.id
        self.dirty_.add(state.id)
        if self.consolidated_at_[1] == float("inf"):
            self.consolidated_at_ = (0, state.last)
        heapq.heappush(self.expiry_, (state.last, state.id))

    def _index(self, issue_id: int, changed: SparseVector) -> None:
        """Record new centroid weights of ``issue_id`` (live) in the inverted index, with its length."""
        self.postings_.index(issue_id, changed, self.active_[issue_id].norm2)

    def _trim(self, state: IssueState) -> None:
        """Prune the centroid of ``state`` to ``max_centroid_terms`` (to three quarters, amortised)."""
        if len(state.centroid) > self.max_centroid_terms:
            self.postings_.drop(state.id, state.prune(max(1, 3 * self.max_centroid_terms // 4)), state.norm2)

    def _new_id(self) -> int:
        """A fresh issue id."""
        issue_id, self.next_id_ = self.next_id_, self.next_id_ + 1
        return issue_id

    # --- bounded memory -------------------------------------------------------------------------

    def _archive_expired(self, horizon: float, limit: int | None = None) -> list[int]:
        archived: list[int] = []
        while self.expiry_ and self.expiry_[0][0] < horizon and (limit is None or len(archived) < limit):
            last, issue_id = heapq.heappop(self.expiry_)
            state = self.active_.get(issue_id)
            if state is not None and state.last == last:
                self.archive(state)
                archived.append(issue_id)
        return archived

    def archive(self, state: IssueState) -> None:
        """Take ``state`` out of the in-memory index; its summary goes to ``archived_`` and ``on_archive``.

        The summary of an issue kept dormant is made only when read
        (see :func:`~minyi.issues.detect._archive.archive`).
        """
        archive(self, state)

    # --- consolidation and results ------------------------------------------------------------

    def live(self, issue_id: int) -> IssueState | None:
        """The working state of live issue ``issue_id``; ``None`` once merged away or archived."""
        return self.active_.get(issue_id)

    def merge(self, survivor: IssueState, absorbed: IssueState) -> None:
        """Move every member of live issue ``absorbed`` into ``survivor``; its id resolves there."""
        self.postings_.drop(absorbed.id, absorbed.centroid, None)
        self._index(survivor.id, survivor.absorb(absorbed))
        self._trim(survivor)
        for member in absorbed.members:
            self.issue_of_[member.message.message_id] = survivor.id
        self.alias_[absorbed.id] = survivor.id
        del self.active_[absorbed.id]
        heapq.heappush(self.expiry_, (survivor.last, survivor.id))

    def split(self, state: IssueState, parts: list[IssueState]) -> list[int]:
        """Move the members of each of ``parts`` to a new issue; returns the new ids.

        ``state`` (a live issue) keeps its id and the members in no part (folded ones too).
        """
        self.postings_.drop(state.id, state.centroid)
        new_ids: list[int] = []
        moved: list[Member] = []
        for part in parts:
            rebuilt = self._new_state(self._new_id())
            for member in part.members:
                rebuilt.add(member, self.featurizer_.place_ids_)
                self.issue_of_[member.message.message_id] = rebuilt.id
                moved.append(member)
            state.subtract(rebuilt)
            self.active_[rebuilt.id] = rebuilt
            self._index(rebuilt.id, dict(rebuilt.centroid))
            heapq.heappush(self.expiry_, (rebuilt.last, rebuilt.id))
            new_ids.append(rebuilt.id)
        state.remove(moved)
        self._index(state.id, dict(state.centroid))
        heapq.heappush(self.expiry_, (state.last, state.id))
        return new_ids

    def consolidate(self) -> ConsolidationReport:
        """Merge issues that are the same, split incoherent ones; ids stay stable."""
        self._ready()
        merged, split = consolidate_issues(self, sorted(self.dirty_.union(self.pending_)))
        self.dirty_.clear()
        self.pending_.clear()
        self.horizon_ = self.newest_ - self.archive_after_days * _DAY
        archived = self._archive_expired(self.horizon_)
        self.consolidated_at_ = (self.seen_, self.newest_)
        return ConsolidationReport(merged, split, archived)

    def resolve(self, issue_id: int) -> int:
        """The id that ``issue_id`` goes by now (after merges)."""
        seen = issue_id
        while seen in self.alias_:
            seen = self.alias_[seen]
        if seen != issue_id:
            self.alias_[issue_id] = seen  # shortcut: merge chains stay one step long
        return seen

    def issues(self, *, include_archived: bool = True) -> list[Issue]:
        """Summaries of the live (and archived) issues, largest first."""
        self._ready()
        found = [state.summary(self.featurizer_.term) for state in self.active_.values()]
        if include_archived:
            found += list(self.archived_.values())
        return sorted(found, key=lambda issue: (-issue.size, issue.id))

    def summary(self, issue_id: int, *, min_size: int = 1) -> Issue | None:
        """The summary of live issue ``issue_id`` if it has at least ``min_size`` messages."""
        state = self.active_.get(issue_id) if hasattr(self, "active_") else None
        if state is None or len(state.members) < min_size:
            return None
        return state.summary(self.featurizer_.term)

    def assignments(self) -> dict[str, int]:
        """Message id → current issue id, for every message of a live or kept issue.

        Read from the live issues' members and :meth:`Archived.assigned`, not through
        summaries: a summary's message ids are its members' (the order is the same).
        """
        self._ready()
        live = ((m.message.message_id, state.id) for state in self.active_.values() for m in state.members)
        return dict(itertools.chain(live, self.archived_.assigned()))

    def __len__(self) -> int:
        """Number of live issues."""
        return len(self.active_) if hasattr(self, "active_") else 0
