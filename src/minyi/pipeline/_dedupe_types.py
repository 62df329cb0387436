"""Result types of :mod:`minyi.pipeline.dedupe` (re-exported there)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Candidate", "DuplicateGroup", "DuplicateMatch", "Group", "Kind", "Relation"]

Kind = Literal["exact", "near"]
Relation = Literal["same_author_repeat", "joint_letter", "different_authors"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """An indexed item similar to a queried text.

    Attributes:
        item_id: the indexed item.
        kind: ``"exact"`` (same key) or ``"near"``.
        similarity: exact Jaccard similarity of the shingle sets (the MinHash
            estimate when texts are not kept, see ``keep_texts``).
        estimated_similarity: the MinHash estimate.
        author: the indexed item's author.
    """

    item_id: str
    kind: Kind
    similarity: float
    estimated_similarity: float
    author: str | None


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    """What :meth:`DuplicateDetector.add` found for a new message.

    Attributes:
        kind: ``"exact"`` or ``"near"``.
        matched_id: the best earlier item (exact copies first, then highest similarity).
        similarity: verified Jaccard similarity with ``matched_id`` (1.0 for exact).
        estimated_similarity: the MinHash estimate for ``matched_id``.
        relation: ``same_author_repeat``, ``joint_letter`` or ``different_authors``.
        group_id: the group both items now belong to.
        distinct_authors: distinct authors in the group, this message included.
    """

    kind: Kind
    matched_id: str
    similarity: float
    estimated_similarity: float
    relation: Relation
    group_id: int
    distinct_authors: int


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """A read-only view of a group of duplicates (members in insertion order)."""

    group_id: int
    member_ids: tuple[str, ...]
    distinct_authors: int
    relation: Relation


@dataclass(slots=True)
class Group:
    """Members (id → author) and a count of members per known author."""

    members: dict[str, str | None] = field(default_factory=dict)
    authors: Counter[str] = field(default_factory=Counter)

    def add(self, item_id: str, author: str | None) -> None:
        self.members[item_id] = author
        if author is not None:
            self.authors[author] += 1

    def discard(self, item_id: str) -> None:
        author = self.members.pop(item_id, None)
        if author is not None:
            self.authors[author] -= 1
            if self.authors[author] <= 0:
                del self.authors[author]

    def relation_of(self, author: str | None, joint_min_authors: int) -> Relation:
        """The relation of a new member by ``author`` to this group (before it is added)."""
        if author is not None and author in self.authors:
            return "same_author_repeat"
        distinct = len(self.authors) + (author is not None)
        return "joint_letter" if distinct >= joint_min_authors else "different_authors"

    def view(self, group_id: int, joint_min_authors: int) -> DuplicateGroup:
        """A read-only view of this group."""
        distinct = len(self.authors)
        relation: Relation = "different_authors"
        if distinct >= joint_min_authors:
            relation = "joint_letter"
        elif distinct == 1 and None not in self.members.values():
            relation = "same_author_repeat"
        return DuplicateGroup(group_id, tuple(self.members), distinct, relation)
