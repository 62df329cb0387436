"""The keywords a reader sees of an issue: whole words as written, never a piece of a name.

The detector weighs segmenter tokens, folded to lower case: ``A2区丽发新城`` gives ``a2``,
``区丽发`` and ``新城``, because the segmenter knows neither the anonymised district ``A2区``
nor the estate.  Those tokens are right for comparing messages, and wrong to show: staff
and the public read ``a2 · 区丽发``.  :func:`readable_keywords` turns the heaviest tokens of
an issue into what its messages' titles say, and is the one place where shown keywords are
chosen (the stored issue, the pages, the briefing and ``minyi issues detect``'s files all
take :attr:`~minyi.issues.detect.issue.Issue.keywords`); it never touches the vectors, so
the detector's clustering stays what it was.

For each token, heaviest first, the first title holding it (ignoring case) decides:

* a token that is a whole name the place finder extracts (:mod:`~.places`: ``丽发新城``,
  ``360路``, ``A2区``) or lies outside every name is shown as the title writes it (``K9``,
  not ``k9``);
* a token that cuts a named place or route, or lies inside one (``区丽发``, ``丽发``), is
  replaced by that whole name (``丽发新城``);
* a token that only crosses an administrative unit (``县星沙`` of ``A7县星沙``, ``市经`` of
  ``A市经开区``) keeps its part outside the unit when that part is a word of two characters
  or more, else that part grown to the n-gram all the titles holding it share (``经`` →
  ``经开区``), else nothing; a token inside a unit (``a2``) becomes the unit (``A2区``).

A token found in no title (a word of the bodies, which the detector does not keep) is
shown as it is, unless it is the letter and digits of a unit code.  Keywords inside a
longer keyword and repeats are dropped, the order of weight is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from minyi.issues.detect.places import SUFFIXES, Place, extract_places

__all__ = ["readable_keywords"]

#: The most characters an n-gram may grow beyond its part (``经`` → ``经开区`` grows by 2).
MAX_GROWTH = 3
#: The longest place name shown for a token inside it; the place finder's longer names are
#: mostly a phrase ending in 路 or 园 (``职工权益取消伊景园``).
MAX_NAME = 8
#: Characters that end a name: an n-gram stops growing after one.
_NAME_ENDS = frozenset(suffix for suffix in SUFFIXES if len(suffix) == 1) | {"区"}
#: What a token of an administrative unit code looks like once lower-cased (``a2``, ``k9``).
_UNIT_CODE = re.compile(r"[a-z]\d{0,2}")
_WORD_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_Span = tuple[int, int, Place]
_SPARE = 2


@lru_cache(maxsize=1 << 12)
def _spans(text: str) -> tuple[_Span, ...]:
    """Every occurrence of every place ``text`` names, as ``(start, end, place)``."""
    found: list[_Span] = []
    for place in extract_places(text):
        start = text.find(place.name)
        while start >= 0:
            found.append((start, start + len(place.name), place))
            start = text.find(place.name, start + 1)
    return tuple(found)


def readable_keywords(tokens: Iterable[str], titles: Sequence[str], limit: int) -> tuple[str, ...]:
    """At most ``limit`` keywords to show for ``tokens`` (heaviest first) of an issue with ``titles``.

    Tokens are read until ``limit`` words and two spare ones are chosen (a word inside a
    longer one is dropped at the end): an issue's summary is made often, most tokens need not be.
    """
    lowered = [title.lower() for title in titles]
    chosen: list[str] = []
    for token in tokens:
        word = _readable(token, titles, lowered)
        if word and word not in chosen:
            chosen.append(word)
            if len(chosen) == limit + _SPARE:
                break
    joined = "\0".join(chosen)  # a word found twice in it is inside another word too
    return tuple([word for word in chosen if joined.count(word) == 1][:limit])


def _readable(token: str, titles: Sequence[str], lowered: Sequence[str]) -> str:
    """What to show for ``token``: a whole word of the titles, the token itself, or ``""`` (nothing)."""
    for title, low in zip(titles, lowered, strict=True):
        start = low.find(token)
        if start >= 0:
            return _in_title(title, start, start + len(token), titles)
    return "" if _UNIT_CODE.fullmatch(token) else token


def _in_title(title: str, start: int, end: int, titles: Sequence[str]) -> str:
    """The readable word for the token at ``title[start:end]`` (see the module's rules)."""
    touching = [span for span in _spans(title) if span[0] < end and start < span[1]]
    if any(span[:2] == (start, end) for span in touching):
        return title[start:end]
    units = [span for span in touching if span[2].kind == "admin"]
    left = max([start, *(span[1] for span in units if span[0] <= start)])
    right = min([end, *(span[0] for span in units if span[1] >= end)])
    if left >= right:  # inside units only: the one it shares most with
        return max(units, key=lambda span: min(end, span[1]) - max(start, span[0]))[2].name
    names = [
        span
        for span in touching
        if span[2].kind != "admin" and span[0] <= left and right <= span[1] and span[1] - span[0] <= MAX_NAME
    ]
    if names:
        return min(names, key=lambda span: span[1] - span[0])[2].name
    part = title[left:right]
    return part if len(part) >= 2 else _grown(part, titles)  # noqa: PLR2004 - one character is no word


def _grown(part: str, titles: Sequence[str]) -> str:
    """``part`` grown to the right by what every title holding it writes next (``""``: no word).

    Growing stops at a sign, where the titles differ, and after a character that ends a
    place name (``经开区``, ``禧和路``).
    """
    following = [title[title.find(part) + len(part) :] for title in titles if part in title]
    if len(following) < 2:  # noqa: PLR2004 - one title shares nothing with another
        return ""
    grown = part
    for position in range(MAX_GROWTH):
        nexts = {rest[position : position + 1] for rest in following}
        if len(nexts) != 1:
            break
        char = nexts.pop()
        if not _WORD_CHAR.fullmatch(char):
            break
        grown += char
        if char in _NAME_ENDS:
            break
    return grown if len(grown) >= 2 else ""  # noqa: PLR2004 - one character is no word
