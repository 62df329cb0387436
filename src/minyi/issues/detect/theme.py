"""Concrete issues first: tell a theme from one concrete problem when ranking.

The detector's gate (:mod:`~minyi.issues.detect.gate`) keeps most themes apart, but a few
clusters still gather one *kind* of question rather than one problem: 公积金 loans asked
about by many people, every complaint about 楚行一卡通 payment, the road problems of one
area.  Heat ranks them high because many people write; a reader of the list wants the
concrete issues first.

What a concrete issue has and a theme lacks is a **key**: one or two title features that
most of its messages share and that few messages outside it share.  For an issue of ``n``
messages and a key ``k`` (one character bigram of the titles, or two together), with
``inside`` the members whose title has ``k`` and ``everywhere`` every message of the corpus
whose title has ``k``::

    specificity(k) = inside / n  ·  inside / everywhere

and the issue's specificity is the best over the ``TERMS`` most common bigrams of its
titles and their pairs (丽发新城搅拌站 of 附件3: 0.79; the 公积金 loan questions of 附件4:
0.40; the road problems of 附件3's 东六路 0.52, its metro line 3 stations 0.53).  An issue
below ``THEME_BELOW`` is a **theme**, and so is an issue below ``TOPIC_BELOW`` whose key
is a *topic*, words of the problem outside every name (公积金 questions of 附件3 when they
gather 19 messages: 0.59, key 公积; 58车贷 0.93 stays concrete): a name is one thing, a
topic word is asked about by many people for many reasons, so its key must be more
specific; and when ``TOPIC_MANY`` (5) titles of the issue or more share the topic key, more
specific still, ``TOPIC_MANY_BELOW`` (0.7): the 公积金 questions of 附件3 (25 messages about
loans, withdrawals, transfers and rates, 21 titles with 公积: 0.68) are one topic asked by many,
while a key of two titles of three (2/3 by chance) says little.  A theme stays in the list, ranked after
every concrete issue, once :func:`split_themes` has taken out of it the concrete issues it
holds.  Members sharing a pair of bigrams that is theirs (at least ``MIN_PART`` of them,
holding at least ``PART_OWN`` of the corpus's messages with the pair and with one of its
bigrams) become an issue of their own, unless the pair is made of place names only (东六路
and A7县 are an area, whose messages may be about anything): the 星沙 area's cluster of
附件3 gives 凉塘路旧城改造 (ten messages) and the 星沙派小区 building (three).  A part of a
*topic* theme must also add a problem word of its own, a bigram sharing no character with
the theme's key: the 人才 questions of 附件3 (租房 and 购房 subsidies, 36 messages) give
人才购房补贴 keyed 人才 + 补贴 (21 messages), not 人才 + A市, which is the theme again,
asked in one city (24 messages: 落户 and 技师奖励 questions came along).  What is left of a
theme stays a theme.

Character bigrams of titles need no segmentation (the whole file is read once, cheaply)
and catch names and their problem alike.  The thresholds were chosen on the tune halves of
the round-two labels (bench/README.md, "round three: ranking" and "round four").
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from minyi.issues.detect.heat import HeatWeights, rank
from minyi.issues.detect.issue import Issue, IssueMessage, people_counts
from minyi.issues.detect.places import extract_places

__all__ = [
    "MIN_PART",
    "PART_OWN",
    "THEME_BELOW",
    "TOPIC_BELOW",
    "TOPIC_MANY",
    "TOPIC_MANY_BELOW",
    "ConcreteRanking",
    "Concreteness",
    "Postings",
    "concrete_first",
    "concreteness",
    "rank_concrete",
    "split_themes",
    "title_grams",
]

#: Issues whose specificity is below this are themes (ranked after the concrete ones).
THEME_BELOW = 0.55
#: Issues whose key is a topic word (not in a name) and less specific than this are themes.
TOPIC_BELOW = 0.6
#: A topic key that at least ``TOPIC_MANY`` titles of the issue share must reach ``TOPIC_MANY_BELOW``.
TOPIC_MANY = 5
TOPIC_MANY_BELOW = 0.7
#: Most common title bigrams of an issue tried as keys, alone and in pairs.
TERMS = 20
#: Fewest messages of a concrete issue taken out of a theme.
MIN_PART = 3
#: Least share of the corpus's messages with a key that a part taken out of a theme must hold.
PART_OWN = 0.5
_NOT_WORD = re.compile(r"[\W_]+")


def title_grams(title: str) -> frozenset[str]:
    """The character bigrams of a title, lower-cased, without spaces and punctuation."""
    text = _NOT_WORD.sub("", title.lower())
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def _problem_grams(title: str) -> frozenset[str]:
    """The bigrams of ``title`` outside the names of the places it names."""
    text = title
    for place in extract_places(title):
        text = text.replace(place.name, "\n")
    return frozenset().union(*(title_grams(piece) for piece in text.split("\n")))


@dataclass(frozen=True, slots=True)
class Concreteness:
    """How concrete an issue is: its best key, that key's specificity (0 … 1), whether it is a topic.

    ``topic``: every bigram of the key is a word of the problem, outside the names of most
    titles that have it (公积金 of housing-fund questions, against 伊景园 or 58车贷); found only
    when it matters (specificity from ``THEME_BELOW`` to ``TOPIC_BELOW``).
    """

    specificity: float
    key: tuple[str, ...] = ()
    topic: bool = False
    held: int = 0

    @property
    def theme(self) -> bool:
        """Whether the issue is a theme rather than one concrete problem."""
        if not self.topic:
            return self.specificity < THEME_BELOW
        return self.specificity < (TOPIC_MANY_BELOW if self.held >= TOPIC_MANY else TOPIC_BELOW)


class Postings:
    """Which messages of the corpus have each title bigram (built once per corpus)."""

    def __init__(self, titles: Mapping[str, str]) -> None:
        self.grams = {message_id: title_grams(title) for message_id, title in titles.items()}
        self.titles = titles
        self._problem: dict[str, frozenset[str]] = {}
        self.having: defaultdict[str, set[str]] = defaultdict(set)
        for message_id, grams in self.grams.items():
            for gram in grams:
                self.having[gram].add(message_id)

    def problem(self, message_id: str) -> frozenset[str]:
        """The bigrams of a title that touch no place's name (an estate, a road, A7县).

        Computed when first asked (only the members of themes are), then kept.
        """
        found = self._problem.get(message_id)
        if found is None:
            found = self._problem[message_id] = _problem_grams(self.titles.get(message_id, ""))
        return found

    def both(self, left: str, right: str) -> int:
        """Messages whose title has both bigrams."""
        small, large = sorted((self.having[left], self.having[right]), key=len)
        return sum(1 for message_id in small if message_id in large)


def _top_grams(counts: Counter[str], least: int) -> list[str]:
    """The ``TERMS`` most shared bigrams named at least ``least`` times, ties by the bigram.

    Not ``Counter.most_common``: its ties keep insertion order, which comes from sets of
    strings and so from the hash seed — the same file gave 229 or 230 ranked issues.
    """
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TERMS]
    return [gram for gram, count in ranked if count >= least]


def _specificity(members: Sequence[str], postings: Postings) -> Concreteness:
    """The best key of one issue (see the module docstring)."""
    grams = [postings.grams.get(message_id, frozenset()) for message_id in members]
    counts = Counter(itertools.chain.from_iterable(grams))
    keys = _top_grams(counts, 2)  # shared by two titles at least
    size = len(members)
    best = Concreteness(0.0)
    for gram in keys:
        inside = counts[gram]
        found = Concreteness(inside / size * inside / len(postings.having[gram]), (gram,), held=inside)
        best = max(best, found, key=lambda c: c.specificity)
    for left, right in itertools.combinations(keys, 2):
        inside = sum(1 for have in grams if left in have and right in have)
        if inside < 2 or inside / size <= best.specificity:  # noqa: PLR2004 - shared, and could beat best
            continue
        found = Concreteness(inside / size * inside / postings.both(left, right), (left, right), held=inside)
        best = max(best, found, key=lambda c: c.specificity)
    below = TOPIC_MANY_BELOW if best.held >= TOPIC_MANY else TOPIC_BELOW
    if THEME_BELOW <= best.specificity < below and _topic(members, best.key, postings):
        return Concreteness(best.specificity, best.key, topic=True, held=best.held)
    return best


def _topic(members: Sequence[str], key: tuple[str, ...], postings: Postings) -> bool:
    """Whether every bigram of ``key`` is outside the place names in most members' titles with the key."""
    having = [m for m in members if all(gram in postings.grams.get(m, ()) for gram in key)]
    return bool(having) and all(
        2 * sum(1 for m in having if gram in postings.problem(m)) > len(having) for gram in key
    )


def concreteness(issues: Iterable[Issue], titles: Mapping[str, str] | Postings) -> dict[int, Concreteness]:
    """The concreteness of each issue, by id.

    Args:
        issues: The issues (their ``message_ids``).
        titles: Message id → title for **every** message of the corpus (not only the
            issues' members: a key is specific only if messages outside share it rarely),
            or their :class:`Postings`.
    """
    postings = titles if isinstance(titles, Postings) else Postings(titles)
    return {issue.id: _specificity(issue.message_ids, postings) for issue in issues}


def _peel(members: list[str], postings: Postings, topic: tuple[str, ...] = ()) -> list[str]:
    """The largest group of ``members`` sharing a key of their own (see ``split_themes``), or ``[]``.

    ``topic``: the key of a topic theme, whose words a part's problem word must not repeat.
    """
    grams = {message_id: postings.grams.get(message_id, frozenset()) for message_id in members}
    counts = Counter(itertools.chain.from_iterable(grams.values()))
    keys = _top_grams(counts, MIN_PART)
    best: tuple[float, list[str]] = (0.0, [])
    for left, right in itertools.combinations(keys, 2):
        if not set(left).isdisjoint(right):  # 东六 and 六路 are one word: a name, no problem
            continue
        part = [m for m in members if left in grams[m] and right in grams[m]]
        if len(part) < MIN_PART or len(part) == len(members):
            continue
        own = len(part) / postings.both(left, right)
        anchor = max(counts[gram] / len(postings.having[gram]) for gram in (left, right))
        if (
            min(own, anchor) >= PART_OWN
            and len(part) * own > best[0]
            and _problem(part, (left, right), postings, topic)
        ):
            best = (len(part) * own, part)
    return best[1]


def _problem(part: list[str], key: tuple[str, str], postings: Postings, topic: tuple[str, ...] = ()) -> bool:
    """Whether a bigram of ``key`` is about the problem (outside the place names of most of ``part``).

    A key made of names only (东六路 and A7县) is an area, whose messages may be about anything.
    A bigram sharing a character with ``topic`` (the key of a topic theme) is that theme's
    word, not a problem of the part's own: 公积金 + A市 is the 公积金 theme in one city.
    """
    problem = postings.problem
    taken = set().union(*topic)
    return any(
        taken.isdisjoint(gram) and 2 * sum(1 for m in part if gram in problem(m)) > len(part) for gram in key
    )


def _summary(issue: Issue, issue_id: int, part: list[IssueMessage]) -> Issue:
    """``issue`` restricted to the messages ``part`` (earliest first), under ``issue_id``."""
    titles = " ".join(message.title for message in part)
    timeline = Counter(message.when.date() for message in part)
    weighted_posts, people_likes = people_counts((m.author, m.likes) for m in part)
    return Issue(
        id=issue_id,
        title=part[0].title,
        keywords=tuple(word for word in issue.keywords if word in titles) or issue.keywords,
        places=tuple(place for place in issue.places if place in titles),
        first_time=part[0].when,
        last_time=max(message.when for message in part),
        size=len(part),
        authors=len({message.author for message in part if message.author}),
        likes=sum(message.likes for message in part),
        dislikes=sum(message.dislikes for message in part),
        reposts=sum(message.reposts for message in part),
        replies=sum(message.replies for message in part),
        timeline=dict(sorted(timeline.items())),
        representative_ids=tuple(message.message_id for message in part[:3]),
        message_ids=tuple(message.message_id for message in part),
        archived=issue.archived,
        weighted_posts=weighted_posts,
        people_likes=people_likes,
    )


@dataclass(frozen=True)
class ConcreteRanking:
    """Issues ranked concrete first, and what the themes' split changed.

    Attributes:
        ranked: Concrete issues by heat, then themes by heat, with their heat.
        moved: Message id → the new issue it moved to (taken out of a theme).
        themes: Ids of the themes (a theme's rest after the split stays one).
    """

    ranked: list[tuple[Issue, float]]
    moved: dict[str, int]
    themes: frozenset[int]


def split_themes(
    issues: Sequence[Issue],
    messages: Mapping[str, IssueMessage],
    postings: Postings,
    *,
    first_id: int | None = None,
) -> ConcreteRanking:
    """Take the concrete issues out of each theme among ``issues`` (heat not computed: 0).

    Returns the issues (a theme's rest keeps its id and stays a theme, each part gets a new
    id from ``first_id`` on, by default above every id in ``issues``), the messages that
    moved (message id → new issue id) and the ids of the themes.  When ``issues`` are only
    some of the detector's (those of ``--min-size`` messages), ``first_id`` must be above
    every id it gave: else a part takes the id of a smaller issue, and in the assignments
    that issue's messages seem to belong to the part (附件3: 17 parts, each with one or two
    unrelated messages).
    """
    next_id = max((issue.id for issue in issues), default=0) + 1 if first_id is None else first_id
    found: list[tuple[Issue, float]] = []
    moved: dict[str, int] = {}
    themes: set[int] = set()
    for issue in issues:
        found_key = _specificity(issue.message_ids, postings)
        if not found_key.theme:
            found.append((issue, 0.0))
            continue
        topic = found_key.key if found_key.topic else ()
        themes.add(issue.id)
        rest = [m for m in issue.message_ids if m in messages]
        while len(rest) > MIN_PART and (part := _peel(rest, postings, topic)):
            taken = set(part)
            rest = [m for m in rest if m not in taken]
            ordered = sorted((messages[m] for m in part), key=lambda m: (m.when, m.message_id))
            found.append((_summary(issue, next_id, ordered), 0.0))
            moved.update(dict.fromkeys(part, next_id))
            next_id += 1
        if len(rest) == len(issue.message_ids):
            found.append((issue, 0.0))
        elif rest:
            ordered = sorted((messages[m] for m in rest), key=lambda m: (m.when, m.message_id))
            found.append((_summary(issue, issue.id, ordered), 0.0))
    return ConcreteRanking(found, moved, frozenset(themes))


def concrete_first(
    ranked: Sequence[tuple[Issue, float]], themes: Collection[int]
) -> list[tuple[Issue, float]]:
    """``ranked`` with the ``themes`` moved after every concrete issue, each part in its order."""
    return [item for item in ranked if item[0].id not in themes] + [
        item for item in ranked if item[0].id in themes
    ]


def rank_concrete(  # noqa: PLR0913 - keyword options, as the CLI passes them
    issues: Sequence[Issue],
    messages: Sequence[IssueMessage],
    *,
    min_size: int = 1,
    period_end: datetime | None = None,
    weights: HeatWeights | None = None,
    first_id: int | None = None,
) -> ConcreteRanking:
    """Split the themes among ``issues``, rank every issue of ``min_size`` messages, themes last.

    ``messages``: every message of the corpus (the keys' specificity counts them all);
    ``period_end`` and ``weights`` as in :func:`~minyi.issues.detect.heat.rank`;
    ``first_id``: the first id of a part split out of a theme (see :func:`split_themes`).
    """
    postings = Postings({message.message_id: message.title for message in messages})
    by_id = {message.message_id: message for message in messages}
    split = split_themes(issues, by_id, postings, first_id=first_id)
    kept = [issue for issue, _ in split.ranked if issue.size >= min_size]
    ranked = rank(kept, period_end=period_end, weights=weights)
    return ConcreteRanking(concrete_first(ranked, split.themes), split.moved, split.themes)
