"""What the issue detector takes in, keeps for each live issue, and gives out.

:class:`IssueMessage` is one message as the detector sees it; :class:`Issue` is the
summary of one issue (frozen: a snapshot).  :class:`IssueState` is the detector's working
record of a live issue: its members with their compact vectors, the running sum of those
vectors (the *centroid*, whose direction is the issue's topic) and the places named.

The state of an issue that never goes quiet stays bounded where it is heavy: only the
newest ``max_vectors`` members keep their vectors (older ones are *folded*: their
vector stays in the centroid sum, their record keeps only what the summary counts),
and the centroid keeps at most ``max_terms`` terms (:meth:`IssueState.prune`).
"""

from __future__ import annotations

import heapq
import itertools
import math
import operator
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import NamedTuple, TypeVar

from minyi.issues.detect._fast import (
    PLACE_PREFIX,
    add_into,
    compiled_consolidation,
    member_dot,
    new_centroid,
    square_sum,
)
from minyi.issues.detect._tally import Counted, Tally, people_counts
from minyi.issues.detect.features import SparseVector
from minyi.issues.detect.readable import readable_keywords
from minyi.pipeline.privacy import mask_text

__all__ = ["Issue", "IssueMessage", "IssueState", "Member", "Sketch", "people_counts", "timestamp"]

REPRESENTATIVES = 3
#: Issues of this many members keep their summary's counts between summaries (see :meth:`IssueState.counts`).
TALLY_FROM = 8
KEYWORDS = 6
PLACES = 3
#: Tokens read to choose the keywords shown: some are dropped or merged (:mod:`~.readable`).
KEYWORD_TOKENS = 2 * KEYWORDS
#: The newest member titles the shown keywords are read in.
KEYWORD_TITLES = 64
_TINY = 1e-6
# Every folded member holds these two (never written to): two empty arrays each were 128
# bytes a member, and folded members are most of the members a long run keeps.
_NO_TERMS: array[int] = array("i")
_NO_WEIGHTS: array[float] = array("f")


def timestamp(when: datetime) -> float:
    """POSIX seconds; a naive ``when`` is taken as UTC."""
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


@dataclass(frozen=True, slots=True)
class IssueMessage:
    """One message, as the detector reads it.

    Attributes:
        message_id: Unique id (the file's 留言编号, the database id …).
        title: 留言主题 (may be empty).
        body: 留言详情 (may be empty, but not both).
        when: When it was posted.
        author: A pseudonymous author key, or ``None``; only distinct authors are counted.
        likes: 点赞数.
        dislikes: 反对数.
        reposts: 转发数.
        replies: 评论数 / 回复数.
    """

    message_id: str
    title: str
    body: str
    when: datetime
    author: str | None = None
    likes: int = 0
    dislikes: int = 0
    reposts: int = 0
    replies: int = 0


@dataclass(frozen=True, slots=True)
class Issue:
    """One issue: messages about one concrete problem, summarised.

    Attributes:
        id: Stable id; kept by the larger (then older) issue of a merge and by the
            larger part of a split.
        title: The title of the most central message, else places and keywords.
        keywords: The heaviest words of the issue's centroid.
        places: The places its messages name most often.
        first_time: The earliest message.
        last_time: The latest message.
        size: Number of messages.
        authors: Distinct authors (anonymous messages add none).
        likes: Sum of likes.
        dislikes: Sum of dislikes.
        reposts: Sum of reposts.
        replies: Sum of replies.
        timeline: Messages per day.
        representative_ids: The most central messages, most central first.
        message_ids: Every message, in order of arrival.
        archived: Whether the issue left the in-memory index (no message for a while).
        weighted_posts: Messages with one author's ``n`` counted as ``√n`` (``None``: not
            known, heat uses ``size``); see :mod:`minyi.issues.detect.heat`.
        people_likes: Likes with each author's best-liked message only (``None``: not
            known, heat uses ``likes``).
    """

    id: int
    title: str
    keywords: tuple[str, ...]
    places: tuple[str, ...]
    first_time: datetime
    last_time: datetime
    size: int
    authors: int
    likes: int
    dislikes: int
    reposts: int
    replies: int
    timeline: dict[date, int]
    representative_ids: tuple[str, ...]
    message_ids: tuple[str, ...]
    archived: bool = False
    weighted_posts: float | None = None
    people_likes: int | None = None


class Sketch(NamedTuple):
    """The part of a summary made before an issue's members are folded (:meth:`IssueState.sketch`)."""

    representative_ids: tuple[str, ...]
    title: str  # the most central member's, raw (masked when finished); "" if none
    keywords: tuple[str, ...] | None  # None: taken from the centroid when finished


@dataclass(slots=True)
class Member:
    """A message inside a live issue, with its vector stored compactly."""

    message: IssueMessage
    terms: array[int]
    weights: array[float]
    places: tuple[str, ...]
    cores: tuple[str, ...]

    @classmethod
    def of(
        cls, message: IssueMessage, vector: SparseVector, places: Iterable[str], cores: Iterable[str]
    ) -> Member:
        """A member holding ``vector`` as two flat arrays."""
        message = IssueMessage(
            message.message_id,
            message.title[:120],
            "",
            message.when,
            message.author,
            message.likes,
            message.dislikes,
            message.reposts,
            message.replies,
        )
        return cls(message, array("i", vector), array("f", vector.values()), tuple(places), tuple(cores))

    @property
    def vector(self) -> SparseVector:
        """The vector as a dict (empty once folded)."""
        return dict(zip(self.terms, self.weights, strict=True))

    def dot(self, centroid: SparseVector) -> float:
        """Dot product of the member's vector with ``centroid`` (0 once folded)."""
        return member_dot(self.terms, self.weights, centroid)

    def norm2(self) -> float:
        """Squared length of the member's vector (1 for a unit vector, 0 once folded)."""
        return float(sum(map(operator.mul, self.weights, self.weights)))

    @property
    def folded(self) -> bool:
        """Whether the vector was dropped (it still counts in the issue's centroid)."""
        return not self.terms

    def fold(self) -> None:
        """Drop the vector and the title, keeping what the summary counts."""
        self.terms, self.weights = _NO_TERMS, _NO_WEIGHTS
        self.message = replace(self.message, title="")


@dataclass
class IssueState:
    """A live issue: members, centroid (sum of member vectors), places, last time.

    ``max_vectors`` members at most keep their vectors (the newest; 0: all);
    ``members[:folded_upto]`` are folded.
    """

    id: int
    created: int
    members: list[Member] = field(default_factory=list)
    # A dict, or the compiled Centroid in flat arrays that reads as one (_fast.new_centroid).
    centroid: SparseVector = field(default_factory=new_centroid)
    norm2: float = 0.0
    last: float = float("-inf")
    cores: Counter[str] = field(default_factory=Counter)
    max_vectors: int = 0
    vectors: int = 0
    folded_upto: int = 0
    place_terms: set[int] = field(default_factory=set)
    # Computed once per state of the issue (every candidate issue is scored for many messages
    # between two changes); every method that changes members, cores or centroid clears them.
    _main: set[str] | None = field(default=None, repr=False, compare=False)
    _place_norm2: float | None = field(default=None, repr=False, compare=False)
    # The summary's member counts so far (issues of ``TALLY_FROM`` members or more); see :meth:`counts`.
    _tally: Tally | None = field(default=None, repr=False, compare=False)

    def main_cores(self, share: float = 0.25) -> set[str]:
        """The cores named by at least ``share`` of the members (at least once): the issue's places.

        Not every core ever named: one member naming a second place must not make the issue
        match every message about that place.  The set is shared between calls: do not change it.
        """
        if share == 0.25 and self._main is not None:  # noqa: PLR2004 - the default, cached
            return self._main
        least = max(1.0, share * len(self.members))
        found = {core for core, count in self.cores.items() if count >= least}
        if share == 0.25:  # noqa: PLR2004 - the default, cached
            self._main = found
        return found

    def place_norm2(self) -> float:
        """Squared length of the centroid's place terms (see :mod:`~minyi.issues.detect.gate`)."""
        if self._place_norm2 is None:
            self._place_norm2 = square_sum(self.centroid, self.place_terms)
        return self._place_norm2

    def changed(self) -> None:
        """Forget what was computed from the members, cores and centroid (they changed)."""
        self._main = self._place_norm2 = None

    def dot(self, vector: SparseVector) -> float:
        """Dot product of ``vector`` with the centroid."""
        products = map(operator.mul, vector.values(), map(self.centroid.get, vector, itertools.repeat(0.0)))
        return float(sum(products))

    def cosine(self, vector: SparseVector) -> float:
        """Cosine similarity of a unit ``vector`` with the centroid."""
        return self.dot(vector) / math.sqrt(self.norm2) if self.norm2 > 0.0 else 0.0

    def add(self, member: Member, places: Collection[int] = ()) -> SparseVector:
        """Add ``member``; returns the terms of the centroid that changed, with new weights.

        ``places``: the ids of place terms, to remember which of the member's terms are places.
        """
        self.changed()
        dot, own, changed = add_into(self.centroid, member.terms, member.weights, places, self.place_terms)
        self.norm2 += 2.0 * dot + own
        self.members.append(member)
        self.vectors += not member.folded
        self.cores.update(member.cores)
        self.last = max(self.last, timestamp(member.message.when))
        self._fold()
        return changed

    def absorb(self, other: IssueState) -> SparseVector:
        """Add every member of ``other``; returns the changed centroid terms."""
        self.changed()
        cross = sum(weight * self.centroid.get(term, 0.0) for term, weight in other.centroid.items())
        self.norm2 += 2.0 * cross + other.norm2
        changed: SparseVector = {}
        for term, weight in other.centroid.items():
            changed[term] = self.centroid[term] = self.centroid.get(term, 0.0) + weight
        self.members.extend(other.members)
        self.place_terms |= other.place_terms
        self.vectors += other.vectors
        self.cores.update(other.cores)
        self.last = max(self.last, other.last)
        self._fold()
        return changed

    def _fold(self) -> None:
        """Fold the oldest members that hold a vector until ``max_vectors`` remain."""
        if not self.max_vectors:
            return
        members = self.members
        while self.vectors > self.max_vectors and self.folded_upto < len(members):
            member = members[self.folded_upto]
            if not member.folded:
                member.fold()
                self.vectors -= 1
            self.folded_upto += 1

    def prune(self, limit: int) -> list[int]:
        """Keep the ``limit`` heaviest centroid terms; returns the terms dropped."""
        if len(self.centroid) <= limit:
            return []
        self.changed()
        ordered = sorted(self.centroid.items(), key=lambda item: -item[1])
        self.centroid = new_centroid(ordered[:limit])
        self.norm2 = sum(weight * weight for weight in self.centroid.values())
        return [term for term, _ in ordered[limit:]]

    def subtract(self, other: IssueState) -> None:
        """Take the centroid of ``other`` (a part split off) out of this centroid."""
        self.changed()
        centroid = self.centroid
        for term, weight in other.centroid.items():
            left = centroid.get(term, 0.0) - weight
            if left > _TINY:
                centroid[term] = left
            else:
                centroid.pop(term, None)
        self.norm2 = sum(weight * weight for weight in centroid.values())

    def remove(self, moved: Iterable[Member]) -> None:
        """Forget ``moved`` members (their vectors already subtracted, see :meth:`subtract`)."""
        self.changed()
        gone = {id(member) for member in moved}
        self.members = [member for member in self.members if id(member) not in gone]
        self._tally = None  # counted another list: start afresh
        self.vectors = sum(not member.folded for member in self.members)
        self.folded_upto = 0
        self.cores = Counter(core for member in self.members for core in member.cores)
        self.last = max(timestamp(member.message.when) for member in self.members)

    def unit_centroid(self, limit: int) -> SparseVector:
        """The ``limit`` heaviest centroid terms, scaled to unit length of the whole centroid.

        Equal weights keep the centroid's order (a stable sort). Compiled when built (the
        merge pass asks for it for every changed issue).
        """
        kernels = compiled_consolidation()
        if kernels is not None and limit >= 0:
            return kernels.unit_centroid(self.centroid, limit, self.norm2)  # type: ignore[no-any-return]
        if self.norm2 <= 0.0:
            return {}
        scale = 1.0 / math.sqrt(self.norm2)
        heaviest = _largest(limit, self.centroid.items(), operator.itemgetter(1))
        return {term: weight * scale for term, weight in heaviest}

    def summary(self, term: Callable[[int], str], *, archived: bool = False) -> Issue:
        """A frozen :class:`Issue` of the current members: :meth:`sketch`, then :meth:`finish`.

        The member counts come from the issue's :class:`~minyi.issues.detect._tally.Tally`,
        which counts only the members appended since the last summary (an issue woken and
        archived again many times is not recounted whole each time); small issues are counted
        afresh and keep no tally (memory).  :func:`~minyi.issues.detect._tally.counted` is
        the reference.
        """
        return self.finish(term, self.sketch(term), archived=archived)

    def sketch(self, term: Callable[[int], str] | None = None) -> Sketch:
        """What of the summary folding the members and pruning the centroid would destroy.

        The most central members (they need the members' vectors) with the raw title of the
        first (folding empties it); the keywords too if ``term`` is given (they need the
        centroid whole).  An issue kept dormant is sketched when archived and finished only
        when its summary is read (:mod:`~minyi.issues.detect._archive`).
        """
        # ``members[:folded_upto]`` are folded (the class docstring): only the rest may be central.
        live = [m for m in itertools.islice(self.members, self.folded_upto, None) if not m.folded]
        # nlargest(n) is sorted(..., reverse=True)[:n], stable: the order a full sort gives.
        central = _largest(REPRESENTATIVES, live, _dot(self.centroid))
        return Sketch(
            tuple(m.message.message_id for m in central),
            central[0].message.title if central else "",
            None if term is None else self._keywords(self.centroid, term),
        )

    def finish(
        self,
        term: Callable[[int], str],
        sketch: Sketch,
        *,
        archived: bool = False,
        centroid: SparseVector | None = None,
    ) -> Issue:
        """The summary from ``sketch`` (of these members) and the members' counts.

        ``centroid``: the one to take the keywords from when ``sketch`` has none (by default
        the issue's own); it must list the same terms in the same order as when sketched.
        """
        counts = self.counts()
        keywords = sketch.keywords
        if keywords is None:
            # A one-message issue sketched when archived: its title is the sketch's (folding emptied it).
            keywords = self._keywords(self.centroid if centroid is None else centroid, term, sketch.title)
        places = tuple(name for name, _ in counts.places if _shown(name))
        # Messages are read raw; what an issue shows (stored, on the screen, briefed, exported) is masked.
        title = mask_text(sketch.title) if sketch.title else ""
        return Issue(
            id=self.id,
            title=title or " · ".join((*places[:1], *keywords[:2])),
            keywords=keywords,
            places=places,
            first_time=counts.first_time,
            last_time=counts.last_time,
            size=counts.size,
            authors=counts.authors,
            likes=counts.likes,
            dislikes=counts.dislikes,
            reposts=counts.reposts,
            replies=counts.replies,
            timeline=counts.timeline,
            representative_ids=sketch.representative_ids,
            message_ids=tuple([member.message.message_id for member in self.members]),
            archived=archived,
            weighted_posts=counts.weighted_posts,
            people_likes=counts.people_likes,
        )

    def _keywords(
        self, centroid: SparseVector, term: Callable[[int], str], title: str = ""
    ) -> tuple[str, ...]:
        """The keywords shown: the heaviest word tokens of ``centroid`` as the newest titles write them.

        ``title``: the one to read when every member is folded (a sketched one-message issue).
        """
        tokens = _keywords(centroid, term, len(self.place_terms), KEYWORD_TOKENS)
        titles: list[str] = []
        for member in reversed(self.members):
            if member.message.title:
                titles.append(member.message.title)
                if len(titles) == KEYWORD_TITLES:
                    break
        if not titles and title:
            titles.append(title)
        return tuple([word for word in readable_keywords(tokens, titles, KEYWORDS) if _shown(word)])

    def counts(self) -> Counted:
        """The member counts of the summary; kept as a tally by issues of ``TALLY_FROM`` members or more."""
        tally = self._tally
        if tally is None or tally.members is not self.members:
            tally = Tally(self.members)
        tally.catch_up()
        self._tally = tally if len(self.members) >= TALLY_FROM else None
        return tally.counts(PLACES)


def _dot(centroid: SparseVector) -> Callable[[Member], float]:
    return lambda member: member_dot(member.terms, member.weights, centroid)


_T = TypeVar("_T")
_weight = operator.itemgetter(1)
#: Up to this many items, ``sorted`` (in C) beats ``heapq.nlargest`` (in Python) for a few largest.
_SORT_WHOLE = 400


@lru_cache(maxsize=1 << 16)
def _shown(word: str) -> bool:
    """Whether a keyword or place may be shown: no personal data in it (an e-mail, a plate …)."""
    return mask_text(word) == word


def _largest(n: int, items: Collection[_T], key: Callable[[_T], float]) -> list[_T]:
    """``heapq.nlargest(n, items, key=key)``, which is ``sorted(items, key=key, reverse=True)[:n]``.

    The same list either way (both stable: equal keys keep the order of ``items``); the
    sort runs in C, so it is the faster for the few hundred items of most centroids.
    """
    if len(items) <= _SORT_WHOLE:
        return sorted(items, key=key, reverse=True)[:n]
    return heapq.nlargest(n, items, key=key)


def _keywords(
    centroid: SparseVector, term: Callable[[int], str], places: int, count: int = KEYWORDS
) -> tuple[str, ...]:
    """The ``count`` heaviest word terms of ``centroid`` (``places``: place terms it may hold).

    Only the heaviest ``count + places`` terms are sorted; the whole centroid only when
    they hold too few words (``places`` too low a bound).
    """
    ordered: list[tuple[int, float]] | None = None
    for first in (count + places, len(centroid)):
        if ordered is None and len(centroid) <= _SORT_WHOLE:  # one sort serves both rounds
            ordered = sorted(centroid.items(), key=operator.itemgetter(1), reverse=True)
        heaviest = ordered[:first] if ordered is not None else _largest(first, centroid.items(), _weight)
        words = (
            word
            for word in map(term, map(operator.itemgetter(0), heaviest))
            if not word.startswith(PLACE_PREFIX) and _shown(word)
        )
        found = tuple(itertools.islice(words, count))
        if len(found) == count or len(heaviest) == len(centroid):
            break
    return found
