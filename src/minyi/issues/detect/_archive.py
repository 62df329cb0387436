"""The summaries of archived issues, the one-message ones stored compactly.

A long run keeps the summary of every archived issue (``IssueDetector.archived_``: the
result lists them): 70,000 at 200,000 messages, three in four of a single message. For one
message most of an :class:`Issue` repeats itself or is fixed: the last time is the first,
the timeline is ``{that day: 1}``, the people counts are ``1.0`` and the likes, the message
ids are the one id, ``representative_ids`` that id or none. Such a summary is kept as one
tuple of what varies (≈ 400 bytes less than the object with its timeline dict, date, float
and two tuples; measured at 30k: 1,070 → 760 bytes a summary on average), and made an
:class:`Issue` again when read; :func:`compact` keeps a summary whole unless it has exactly
that shape, so :func:`expand` gives it back equal, field for field.

:class:`Archived` is the mapping ``issue id → Issue`` the detector kept as a dict, with the
dict's order; :meth:`Archived.assigned` reads the message ids without making the issues.

An issue kept dormant (:mod:`~minyi.issues.detect._dormant`) may be woken by a later message,
and in a long run half the archived ones are (200,000 streamed messages: ≈ 70,000 of
≈ 140,000 archives), which made their summaries (≈ 150–220 µs each) for nothing.
:func:`archive` keeps for those only what folding and pruning destroy (a
:class:`~minyi.issues.detect.issue.Sketch`: the central members' ids and raw title, the
keywords of an issue of several messages, read in the titles folding empties) as
:class:`Pending`; the summary is made, the same, when first read or when the dormant store
forgets the issue, and never if it wakes.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, MutableMapping
from datetime import datetime
from typing import TYPE_CHECKING

from minyi.issues.detect.issue import Issue, IssueState, Sketch

if TYPE_CHECKING:
    from minyi.issues.detect.cluster import IssueDetector

__all__ = ["Archived", "Pending", "archive", "compact", "expand"]

#: ``(title, keywords, places, when, message id, flags, likes, dislikes, reposts, replies)``;
#: flags: 1 the message is representative, 2 it has an author.
Compact = tuple[str, tuple[str, ...], tuple[str, ...], datetime, str, int, int, int, int, int]
_REPRESENTATIVE, _AUTHOR = 1, 2


def compact(issue: Issue) -> Issue | Compact:
    """``issue`` as a :data:`Compact` tuple if it is an archived one-message issue, else itself."""
    if issue.size != 1 or not issue.archived or issue.first_time is not issue.last_time:
        return issue
    (message_id,) = issue.message_ids
    one_day = {issue.first_time.date(): 1}
    if (
        issue.representative_ids not in ((), issue.message_ids)
        or issue.authors not in (0, 1)
        or issue.timeline != one_day
        or type(issue.weighted_posts) is not float
        or issue.weighted_posts != 1.0
        or type(issue.people_likes) is not type(issue.likes)
        or issue.people_likes != issue.likes
    ):
        return issue
    flags = (_REPRESENTATIVE if issue.representative_ids else 0) | (_AUTHOR if issue.authors else 0)
    return (
        issue.title,
        issue.keywords,
        issue.places,
        issue.first_time,
        message_id,
        flags,
        issue.likes,
        issue.dislikes,
        issue.reposts,
        issue.replies,
    )


def expand(issue_id: int, kept: Compact) -> Issue:
    """The :class:`Issue` that :func:`compact` made ``kept`` from."""
    title, keywords, places, when, message_id, flags, likes, dislikes, reposts, replies = kept
    return Issue(
        id=issue_id,
        title=title,
        keywords=keywords,
        places=places,
        first_time=when,
        last_time=when,
        size=1,
        authors=1 if flags & _AUTHOR else 0,
        likes=likes,
        dislikes=dislikes,
        reposts=reposts,
        replies=replies,
        timeline={when.date(): 1},
        representative_ids=(message_id,) if flags & _REPRESENTATIVE else (),
        message_ids=(message_id,),
        archived=True,
        weighted_posts=1.0,
        people_likes=likes,
    )


class Pending:
    """The summary of a dormant issue, not made yet.

    Its state (which the dormant store holds anyway), its
    :class:`~minyi.issues.detect.issue.Sketch` and its packed centroid (for the keywords):
    ≈ 300 bytes besides the title, where a made summary held ≈ 1 kB.
    """

    __slots__ = ("packed", "sketch", "state")

    def __init__(self, state: IssueState, sketch: Sketch, packed: tuple[array[int], array[float]]) -> None:
        self.state, self.sketch, self.packed = state, sketch, packed

    def summary(self, term: Callable[[int], str]) -> Issue:
        """The summary that archiving made at once before.

        The state's members are those it had then; its centroid was kept whole (the sketch has
        no keywords only then) and packed in the same order, so the keywords are the same.
        """
        centroid = None if self.sketch.keywords is not None else dict(zip(*self.packed, strict=True))
        return self.state.finish(term, self.sketch, archived=True, centroid=centroid)


class Archived(MutableMapping[int, Issue]):
    """Issue id → archived summary, in the order stored (a dict's), one-message ones compact.

    A dormant issue's summary may be :class:`Pending` (:meth:`defer`): made when first read,
    or when the issue leaves the dormant store (:meth:`settle`); dropped unmade if it wakes.
    ``term`` names a term id (the detector's vocabulary), for the keywords of those.
    """

    __slots__ = ("_kept", "_term")

    def __init__(self, term: Callable[[int], str] | None = None) -> None:
        self._kept: dict[int, Issue | Compact | Pending] = {}
        self._term = term

    def __getitem__(self, issue_id: int) -> Issue:
        kept = self._kept[issue_id]
        if isinstance(kept, Pending):
            return self._settle(issue_id, kept)
        return kept if isinstance(kept, Issue) else expand(issue_id, kept)

    def defer(self, pending: Pending) -> None:
        """Keep the summary of ``pending.state`` unmade for now (see the class docstring)."""
        self._kept[pending.state.id] = pending

    def settle(self, issue_id: int) -> None:
        """Make the summary of ``issue_id`` now if it is pending (its state is about to go)."""
        kept = self._kept.get(issue_id)
        if isinstance(kept, Pending):
            self._settle(issue_id, kept)

    def _settle(self, issue_id: int, pending: Pending) -> Issue:
        if self._term is None:
            raise ValueError("a pending summary needs the vocabulary (Archived(term))")
        issue = pending.summary(self._term)
        self._kept[issue_id] = compact(issue)  # the same place in the order
        return issue

    def __setitem__(self, issue_id: int, issue: Issue) -> None:
        self._kept[issue_id] = compact(issue) if issue.id == issue_id else issue

    def __delitem__(self, issue_id: int) -> None:
        del self._kept[issue_id]

    def __contains__(self, issue_id: object) -> bool:
        return issue_id in self._kept

    def __iter__(self) -> Iterator[int]:
        return iter(self._kept)

    def __len__(self) -> int:
        return len(self._kept)

    def __repr__(self) -> str:
        return f"Archived({len(self)} issues)"

    def drop(self, issue_id: int) -> None:
        """Forget ``issue_id`` if kept (``pop`` would make its summary first)."""
        self._kept.pop(issue_id, None)

    def assigned(self) -> Iterator[tuple[str, int]]:
        """``(message id, issue id)`` for every message of every kept summary, in order."""
        for issue_id, kept in self._kept.items():
            if isinstance(kept, Pending):
                for member in kept.state.members:
                    yield member.message.message_id, issue_id
            elif isinstance(kept, Issue):
                for message_id in kept.message_ids:
                    yield message_id, kept.id
            else:
                yield kept[4], issue_id


def archive(detector: IssueDetector, state: IssueState) -> None:
    """Take live ``state`` out of ``detector``'s index, keep its summary and maybe its state.

    A summary is made now only if it is final or wanted now: for ``on_archive``, or kept of
    an issue that will not be dormant.  An issue kept dormant may wake (half of them do in
    a long run) and its summary would be thrown away: it is only sketched (what folding and
    pruning destroy, and the keywords of an issue of several messages: they are read in the
    members' titles, which folding empties; a one-message issue's are read in the sketch's title
    when finished, from the packed centroid unless pruning will cut it) and finished when read
    (:class:`Pending`).
    """
    term, dormant = detector.featurizer_.term, detector.revive and detector.dormant_.takes(state)
    summary = sketch = None
    if detector.on_archive is not None or (detector.keep_archived and not dormant):
        summary = state.summary(term, archived=True)
    elif detector.keep_archived:
        # Keywords are read in titles, which folding empties: made now unless the sketch's title will do.
        whole = len(state.members) == 1 and len(state.centroid) <= detector.dormant_.centroid_terms
        sketch = state.sketch(None if whole else term)
    _unlink(detector, state)
    if dormant:
        for gone in detector.dormant_.keep(state):  # the longest dormant, forgotten: summarise now
            detector.archived_.settle(gone.id)
    if summary is not None:
        if detector.keep_archived:
            detector.archived_[state.id] = summary
        if detector.on_archive is not None:
            detector.on_archive(summary)
    elif sketch is not None:
        detector.archived_.defer(Pending(state, sketch, detector.dormant_.packed[state.id]))


def _unlink(detector: IssueDetector, state: IssueState) -> None:
    """Take ``state`` out of the live issues, the inverted index, the message map and near copies."""
    detector.postings_.drop(state.id, state.centroid, None)
    del detector.active_[state.id]
    issue_of, copies = detector.issue_of_, detector.dedupe_
    for message_id in [member.message.message_id for member in state.members]:
        issue_of.pop(message_id, None)
        if message_id in copies:  # mostly not: members archived before were removed then
            copies.remove(message_id)
