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
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from datetime import datetime

from minyi.issues.detect.issue import Issue

__all__ = ["Archived", "compact", "expand"]

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


class Archived(MutableMapping[int, Issue]):
    """Issue id → archived summary, in the order stored (a dict's), one-message ones compact."""

    __slots__ = ("_kept",)

    def __init__(self) -> None:
        self._kept: dict[int, Issue | Compact] = {}

    def __getitem__(self, issue_id: int) -> Issue:
        kept = self._kept[issue_id]
        return kept if isinstance(kept, Issue) else expand(issue_id, kept)

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
            if isinstance(kept, Issue):
                for message_id in kept.message_ids:
                    yield message_id, kept.id
            else:
                yield kept[4], issue_id
