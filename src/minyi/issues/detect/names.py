"""One spelling for the variant forms of a name: 樃梨/榔梨, 芭比罗/巴罗比, 伊景园滨河苑/伊景滨河苑.

Messages about one estate, company or institution write its name in variant forms: a
character swapped (巴罗比 / 芭比罗 after 罗 and 比 trade places), dropped or added
(伊景园滨河苑 / 伊景滨河苑), replaced by a homophone (樃梨 / 榔梨, both ``langli``), or
shortened (领东汇 for 樃梨领东汇, already matched by containment in
:func:`~minyi.issues.detect.places.cores_differ`).  Exact n-grams see different names and
split the issue.

:class:`NameVariants` gives each core the spelling first seen for it (its *canonical*
form), so that every later variant becomes the same place term of the detector's vectors
and the same core in its place test.  Two cores are variants when they differ by:

* one adjacent transposition, one dropped or one added character, the shorter having at
  least ``min_edit`` (3) characters;
* homophones (same pinyin, tones ignored), alone or with one of the edits above
  (巴罗比 / 芭比罗), both of at least ``min_edit`` characters, when pypinyin is installed.

Any other replaced character makes another name (万科金域蓝湾 and 万科金域华府 are two
estates; 黄兴 and 黄花 two towns).

A core that *contains* a known core is its long form (鹏基诺亚山林 of 诺亚山林, 汇金路五矿万境
of 五矿万境: a developer or a road written before the name) and takes the known core's
spelling when the short form is a name and not a word (:meth:`NameVariants.short_form`): at
least ``min_short`` (3) characters, at least half of the long form, and the short form of
at most ``max_forms`` (3) longer cores so far (a part found in many names is a word or an
area).  The place test already took containment as the same place; with one spelling the
place term of both sides' vectors is the same term too.

Longer names (``min_block`` (4) characters or more) also match a known name when a word of
two characters was added inside (国王陵国家考古遗址 of 国王陵考古遗址, 斯拉同舟法电动车业 of
斯拉同舟法车业) or when two runs of two characters or more traded places (长郡梅溪湖 and
梅溪湖长郡, 楚江技工工贸 and 楚江工贸技工).  A replaced character still makes another name, so
the near names of the file that are not one (万科金域华府 and 万科金域蓝湾, 星沙东一路 and 星沙东六路,
万家丽北路 and 万家丽南路) stay apart.

Candidates come from a symmetric-deletion index (every core and its one-character
deletions point to the cores they came from), so a look-up costs a few dict probes, not
a scan of all names; the index holds at most ``max_names`` names (later names are only
matched, no longer remembered).

When :mod:`minyi._issuestate` was built and the compiled versions are in use, a new core is
matched by its ``NameIndex`` (the same steps in C, on this class's own dicts: a new core cost
≈ 40 µs in Python, ≈ 0.46 new cores a message); :meth:`NameVariants.canonical_reference`
stays the reference and under ``MINYI_PURE_PYTHON=1`` runs instead
(``tests/unit/issues/detect/test_names_compiled.py`` compares both).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, cast

from minyi.issues.detect import _fast

__all__ = ["NameVariants", "are_variants", "blocks_swapped"]

_CACHE = 1 << 15
#: The length of a word added inside a name, and the shortest run of two that trade places.
_WORD = 2


def _readings() -> dict[int, str] | None:
    """The readings of each character (code point → readings) in pypinyin's table; ``None`` without it.

    Read from its data file: importing the package also loads its phrase dictionaries
    (0.15 s of CPU when ``minyi issues detect`` starts), which the detector does not use.
    """
    spec = importlib.util.find_spec("pypinyin")
    if spec is None:  # pragma: no cover - pypinyin is a dependency; kept optional for slim installs
        return None
    folders = list(spec.submodule_search_locations or ())
    try:
        table = json.loads((Path(folders[0]) / "pinyin_dict.json").read_text(encoding="utf-8"))
        return {int(point): readings for point, readings in table.items()}
    except (IndexError, OSError, ValueError):  # pragma: no cover - another layout: import it
        from pypinyin.pinyin_dict import pinyin_dict  # local: see above

        return pinyin_dict  # type: ignore[no-any-return,unused-ignore]


def _load_pinyin() -> Callable[[str], str] | None:
    """Text → its toneless pinyin, character by character (the first reading of each)."""
    pinyin_dict = _readings()
    if pinyin_dict is None:  # pragma: no cover - pypinyin is a dependency; kept optional for slim installs
        return None

    @functools.lru_cache(maxsize=_CACHE)
    def sound(char: str) -> str:
        readings = pinyin_dict.get(ord(char))
        if not readings:
            return char
        first = unicodedata.normalize("NFD", readings.split(",")[0])
        return "".join(c for c in first if not unicodedata.combining(c))

    def key(text: str) -> str:
        return " ".join(map(sound, text))

    return key


_PINYIN = _load_pinyin()


def _sound_keys(text: str) -> set[str]:
    """The pinyin of ``text`` and its one-syllable deletions (empty without pypinyin)."""
    if _PINYIN is None:
        return set()
    syllables = _PINYIN(text).split()
    dropped = {" ".join(syllables[:i] + syllables[i + 1 :]) for i in range(len(syllables))}
    return {" ".join(syllables)} | dropped


def _pieces(char: str) -> tuple[str, ...]:
    """The syllables ``char`` adds to ``_PINYIN(text).split()``, interned (compared by identity in C).

    ``" ".join(sounds).split()`` is the concatenation of each sound split on white space, so
    the compiled index builds a text's syllables from these, one character at a time.
    """
    assert _PINYIN is not None  # only passed to the index when pypinyin is there
    return tuple(map(sys.intern, _PINYIN(char).split()))


class _Index(Protocol):
    """The compiled index (``minyi._issuestate.NameIndex``, see :func:`_fast.compiled_names`)."""

    def canonical(self, core: str, /) -> str: ...


def _deletions(text: str) -> set[str]:
    return {text[:i] + text[i + 1 :] for i in range(len(text))}


def _word_dropped(text: str, size: int = _WORD) -> list[str]:
    """``text`` without one run of ``size`` characters inside it (at an end it is a short form)."""
    return [text[:i] + text[i + size :] for i in range(1, len(text) - size)]


def blocks_swapped(left: str, right: str, *, size: int = _WORD) -> bool:
    """Whether two runs of ``size`` characters or more trade places between ``left`` and ``right``.

    What the two share at both ends is left aside first (楚江 of 楚江工贸技工 / 楚江技工工贸).
    """
    if len(left) != len(right) or left == right or sorted(left) != sorted(right):
        return False
    start, end = 0, len(left)
    while left[start] == right[start]:
        start += 1
    while left[end - 1] == right[end - 1]:
        end -= 1
    middle, other = left[start:end], right[start:end]
    return any(middle[k:] + middle[:k] == other for k in range(size, len(middle) - size + 1))


def _one_edit(left: Sequence[str], right: Sequence[str], min_edit: int) -> bool:
    """Equal, or one dropped/added item or one adjacent swap apart, the shorter ≥ ``min_edit``."""
    if list(left) == list(right):
        return True
    short, long = sorted((list(left), list(right)), key=len)
    if len(short) < min_edit or len(long) - len(short) > 1:
        return False
    if len(short) < len(long):
        return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
    differ = [i for i, (a, b) in enumerate(zip(short, long, strict=True)) if a != b]
    if len(differ) != 2 or differ[1] != differ[0] + 1:  # noqa: PLR2004 - an adjacent swap
        return False
    i = differ[0]
    return short[i] == long[i + 1] and short[i + 1] == long[i]


def are_variants(left: str, right: str, *, min_edit: int = 3) -> bool:
    """Whether two cores are variant spellings of one name (see the module docstring)."""
    if left == right:
        return True
    if _one_edit(left, right, min_edit):
        return True
    return _PINYIN is not None and _one_edit(_PINYIN(left).split(), _PINYIN(right).split(), min_edit)


class NameVariants:
    """Canonical spellings of cores, learned as they come (see the module docstring).

    Args:
        min_edit: Shortest core matched by an edit (swap, drop, add) or a homophone.
        max_names: Cores remembered at most.
    """

    def __init__(
        self,
        *,
        min_edit: int = 3,
        max_names: int = 200_000,
        min_short: int = 3,
        max_forms: int = 3,
        min_block: int = 4,
    ) -> None:
        self.min_edit = min_edit
        self.max_names = max_names
        self.min_short = min_short
        self.max_forms = max_forms
        self.min_block = min_block
        self.forms_: dict[str, int] = {}
        # Tuples, not lists: a tuple of strings is untracked by the garbage collector once it
        # has been seen, and these indexes hold hundreds of thousands of small groups at 200k
        # messages (about 9 % of the detector's time went to collections walking them).
        self.by_letters_: dict[str, tuple[str, ...]] = {}
        self.canonical_: dict[str, str] = {}
        self.by_deletion_: dict[str, tuple[str, ...]] = {}
        self.by_sound_: dict[str, tuple[str, ...]] = {}
        self._index = self._compiled_index()

    def _compiled_index(self) -> _Index | None:
        """The C index on this object's dicts, when built and the compiled versions are in use.

        It reads the settings once, here: they are ``__init__``'s, not to be changed afterwards.
        """
        index = _fast.compiled_names()
        if index is None:
            return None
        dicts = (self.canonical_, self.forms_, self.by_deletion_, self.by_sound_, self.by_letters_)
        settings = (self.min_edit, self.max_names, self.min_short, self.max_forms, self.min_block)
        return cast("_Index", index(*dicts, _pieces if _PINYIN is not None else None, *settings))

    def canonical(self, core: str) -> str:
        """The canonical spelling of ``core`` (``core`` itself when it is new and unlike any).

        In C when the index was built (:meth:`canonical_reference` otherwise, which both give);
        both read and write the same dicts, so the two can take turns.
        """
        if self._index is not None and _fast.COMPILED:
            return self._index.canonical(core)
        return self.canonical_reference(core)

    def canonical_reference(self, core: str) -> str:
        """:meth:`canonical` in Python: the reference the compiled index follows."""
        known = self.canonical_.get(core)
        if known is not None:
            return known
        found = core
        # A new core's deletion and sound keys, made once: looked up, then remembered.
        deletions: set[str] = set()
        sounds: set[str] = set()
        if len(core) >= self.min_edit:
            deletions, sounds = _deletions(core), _sound_keys(core)
            found = self._match(core, deletions, sounds) or core
        if len(self.canonical_) < self.max_names:
            self._remember(core, found, deletions, sounds)
        return found

    def _match(self, core: str, deletions: set[str], sounds: set[str]) -> str | None:
        candidates: list[str] = []
        # Keys in sorted order: a set of strings iterates in an order that changes with the
        # process's hash seed, and the first variant found wins.
        for key in (core, *sorted(deletions)):
            candidates += self.by_deletion_.get(key, ())
        for key in sorted(sounds):
            candidates += self.by_sound_.get(key, ())
        for other in candidates:
            if are_variants(core, other, min_edit=self.min_edit):
                return self.canonical_[other]
        return self.word_variant(core) or self.short_form(core)

    def word_variant(self, core: str) -> str | None:
        """The canonical spelling of a known core that ``core`` is with a word added or two runs swapped.

        Both of ``min_block`` characters or more (see the module docstring); a word added to a
        known core first, left to right, then swapped runs in the order the cores came.
        """
        if len(core) < self.min_block:
            return None
        for part in _word_dropped(core):
            if len(part) >= self.min_block and part in self.canonical_:
                return self.canonical_[part]
        for other in self.by_letters_.get("".join(sorted(core)), ()):
            if blocks_swapped(core, other):
                return self.canonical_[other]
        return None

    def short_form(self, core: str) -> str | None:
        """The canonical spelling of the longest known core that ``core`` contains, if it is a name.

        A known core of ``min_short`` characters or more, at least half of ``core``, and the
        short form of fewer than ``max_forms`` longer cores until now (see the module docstring);
        the longest first, then the leftmost.
        """
        shortest = max(self.min_short, (len(core) + 1) // 2)
        for length in range(len(core) - 1, shortest - 1, -1):
            for start in range(len(core) - length + 1):
                part = core[start : start + length]
                if part in self.canonical_ and self.forms_.get(part, 0) < self.max_forms:
                    self.forms_[part] = self.forms_.get(part, 0) + 1
                    return self.canonical_[part]
        return None

    def _remember(self, core: str, canonical: str, deletions: set[str], sounds: set[str]) -> None:
        """Remember ``core``; ``deletions`` and ``sounds`` are its keys (made when it has ``min_edit``)."""
        self.canonical_[core] = canonical
        if len(core) < self.min_edit:
            return
        for key in (core, *deletions):
            self.by_deletion_[key] = (*self.by_deletion_.get(key, ()), core)
        for key in sounds:
            self.by_sound_[key] = (*self.by_sound_.get(key, ()), core)
        if len(core) >= self.min_block:
            letters = "".join(sorted(core))
            self.by_letters_[letters] = (*self.by_letters_.get(letters, ()), core)
