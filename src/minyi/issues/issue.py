"""What the issue detector takes in, keeps for each live issue, and gives out.

:class:`IssueMessage` is one message as the detector sees it; :class:`Issue` is the
summary of one issue (frozen: a snapshot).  :class:`IssueState` is the detector's working
record of a live issue: its members with their compact vectors, the running sum of those
vectors (the *centroid*, whose direction is the issue's topic) and the places named.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from minyi.issues.features import PLACE_PREFIX, SparseVector

__all__ = ["Issue", "IssueMessage", "IssueState", "Member", "timestamp"]

REPRESENTATIVES = 3
KEYWORDS = 6
PLACES = 3


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
        """The vector as a dict."""
        return dict(zip(self.terms, self.weights, strict=True))


@dataclass
class IssueState:
    """A live issue: members, centroid (sum of member vectors), places, last time."""

    id: int
    created: int
    members: list[Member] = field(default_factory=list)
    centroid: SparseVector = field(default_factory=dict)
    norm2: float = 0.0
    last: float = float("-inf")
    cores: Counter[str] = field(default_factory=Counter)

    def dot(self, vector: SparseVector) -> float:
        """Dot product of ``vector`` with the centroid."""
        centroid = self.centroid
        return sum(weight * centroid.get(term, 0.0) for term, weight in vector.items())

    def cosine(self, vector: SparseVector) -> float:
        """Cosine similarity of a unit ``vector`` with the centroid."""
        return self.dot(vector) / math.sqrt(self.norm2) if self.norm2 > 0.0 else 0.0

    def add(self, member: Member) -> SparseVector:
        """Add ``member``; returns the terms of the centroid that changed, with new weights."""
        vector = member.vector
        self.norm2 += 2.0 * self.dot(vector) + sum(w * w for w in vector.values())
        changed: SparseVector = {}
        for term, weight in vector.items():
            changed[term] = self.centroid[term] = self.centroid.get(term, 0.0) + weight
        self.members.append(member)
        self.cores.update(member.cores)
        self.last = max(self.last, timestamp(member.message.when))
        return changed

    def absorb(self, other: IssueState) -> SparseVector:
        """Add every member of ``other``; returns the changed centroid terms."""
        cross = sum(weight * self.centroid.get(term, 0.0) for term, weight in other.centroid.items())
        self.norm2 += 2.0 * cross + other.norm2
        changed: SparseVector = {}
        for term, weight in other.centroid.items():
            changed[term] = self.centroid[term] = self.centroid.get(term, 0.0) + weight
        self.members.extend(other.members)
        self.cores.update(other.cores)
        self.last = max(self.last, other.last)
        return changed

    def unit_centroid(self, limit: int) -> SparseVector:
        """The ``limit`` heaviest centroid terms, scaled to unit length of the whole centroid."""
        if self.norm2 <= 0.0:
            return {}
        scale = 1.0 / math.sqrt(self.norm2)
        heaviest = sorted(self.centroid.items(), key=lambda item: -item[1])[:limit]
        return {term: weight * scale for term, weight in heaviest}

    def summary(self, term: Callable[[int], str], *, archived: bool = False) -> Issue:
        """A frozen :class:`Issue` of the current members."""
        messages = [member.message for member in self.members]
        central = sorted(self.members, key=lambda m: -self.dot(m.vector))
        keywords = tuple(
            word
            for word in (term(t) for t, _ in sorted(self.centroid.items(), key=lambda item: -item[1]))
            if not word.startswith(PLACE_PREFIX)
        )[:KEYWORDS]
        places = tuple(name for name, _ in _place_counts(self.members).most_common(PLACES))
        title = central[0].message.title if central and central[0].message.title else ""
        timeline = Counter(message.when.date() for message in messages)
        return Issue(
            id=self.id,
            title=title or " · ".join((*places[:1], *keywords[:2])),
            keywords=keywords,
            places=places,
            first_time=min(message.when for message in messages),
            last_time=max(message.when for message in messages),
            size=len(messages),
            authors=len({message.author for message in messages if message.author}),
            likes=sum(message.likes for message in messages),
            dislikes=sum(message.dislikes for message in messages),
            reposts=sum(message.reposts for message in messages),
            replies=sum(message.replies for message in messages),
            timeline=dict(sorted(timeline.items())),
            representative_ids=tuple(m.message.message_id for m in central[:REPRESENTATIVES]),
            message_ids=tuple(message.message_id for message in messages),
            archived=archived,
        )


def _place_counts(members: list[Member]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for member in members:
        counts.update(member.places)
    return counts
