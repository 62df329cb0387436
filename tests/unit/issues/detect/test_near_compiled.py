"""The compiled near-copy index (``minyi._issuestate.NearIndex``) finds what the dicts find.

:class:`~minyi.issues.detect._near.NearCopies` runs its dicts (the reference) when
``index_`` is ``None``; both are fed the same calls and must answer the same, keep the same
items and hold every posting's items in the same order (that order breaks ties between
candidates, so it decides which copy is found).
"""

from __future__ import annotations

import random

import pytest

from minyi.issues.detect import _fast
from minyi.issues.detect._near import NearCopies
from minyi.pipeline.dedupe import make_key

near = pytest.mark.skipif(_fast.compiled_near() is None, reason="minyi._issuestate was not built")

_DAY = 86400.0
_CHARS = "路灯不亮小区噪音扰民停车收费太高abcXYZ0129"


def _pair(**settings: float) -> tuple[NearCopies, NearCopies]:
    compiled, reference = NearCopies(**settings), NearCopies(**settings)  # type: ignore[arg-type]
    reference.index_ = None
    assert compiled.index_ is not None
    return compiled, reference


def _same_state(compiled: NearCopies, reference: NearCopies) -> None:
    assert len(compiled) == len(reference)
    postings = compiled.index_.postings()
    assert postings == {value: list(items) for value, items in reference.postings_.items()}
    for item_id in reference.items_:
        assert item_id in compiled


def _texts(rng: random.Random, count: int) -> list[str]:
    """Short texts, many near copies of a few (one character changed, added or cut) and some exact copies."""
    bases = ["".join(rng.choices(_CHARS, k=rng.randint(4, 40))) for _ in range(12)]
    found: list[str] = []
    for _ in range(count):
        text = list(rng.choice(found) if found and rng.random() < 0.3 else rng.choice(bases))
        for _ in range(rng.choice((0, 0, 1, 2, 5))):
            at = rng.randrange(len(text) + 1)
            edit = rng.random()
            if edit < 0.4 and at < len(text):
                text[at] = rng.choice(_CHARS)
            elif edit < 0.7:
                text.insert(at, rng.choice(_CHARS + "，。 _!"))
            elif text:
                del text[min(at, len(text) - 1)]
        found.append("".join(text))
    return found


def _replay(rng: random.Random, compiled: NearCopies, reference: NearCopies, count: int) -> int:
    """Feed both the same adds (ids repeated, equal and out-of-order stamps) and removes."""
    matches = 0
    stamp = 0.0
    for index, text in enumerate(_texts(rng, count)):
        stamp += rng.choice((0.0, 0.0, 0.3, 1.0, 7.0)) * _DAY
        when = stamp - rng.choice((0.0, 0.0, 0.0, 3.0)) * _DAY  # now and then an older message
        item_id = f"m{rng.randrange(index + 1)}" if rng.random() < 0.1 else f"m{index}"
        found = compiled.add(item_id, text, when)
        assert found == reference.add(item_id, text, when), (index, item_id, text)
        matches += found is not None
        if rng.random() < 0.1:
            gone = f"m{rng.randrange(index + 1)}"
            assert compiled.remove(gone) == reference.remove(gone)
        if index % 25 == 0:
            _same_state(compiled, reference)
    _same_state(compiled, reference)
    return matches


@near
@pytest.mark.parametrize("seed", range(6))
def test_the_compiled_index_finds_the_copies_the_dicts_find(seed: int) -> None:
    compiled, reference = _pair(window_days=20.0)
    assert _replay(random.Random(seed), compiled, reference, 600) > 50


@near
@pytest.mark.parametrize(
    "settings",
    [
        {"sketch": 0},
        {"sketch": 1, "min_shared": 1},
        {"sketch": 3, "max_verify": 1},
        {"sketch": 40, "min_shared": 5},
        {"max_postings": 0},
        {"max_postings": 1},
        {"max_postings": 3, "max_verify": 1},
        {"max_verify": 0},
        {"min_shared": 0},
        {"threshold": 0.0, "max_verify": 1},
        {"threshold": 0.5, "shingle_size": 1},
        {"threshold": 1.0, "shingle_size": 5},
        {"shingle_size": 8, "min_chars": 2},
        {"window_days": 0.5},
        {"window_days": 3},
        {"window_days": 1e9, "min_chars": 0},
    ],
)
def test_every_setting_gives_the_same_copies(settings: dict[str, float]) -> None:
    compiled, reference = _pair(**settings)
    _replay(random.Random(len(str(settings))), compiled, reference, 400)


@near
def test_ties_are_broken_as_the_stable_sort_breaks_them() -> None:
    """Equal counts and equal stamps: the candidate met first is verified first."""
    compiled, reference = _pair(max_verify=1, threshold=0.5)
    rng = random.Random(3)
    for index in range(300):
        text = "".join(rng.choices("甲乙丙丁戊", k=12))
        assert compiled.add(f"t{index}", text, 1000.0) == reference.add(f"t{index}", text, 1000.0)
    _same_state(compiled, reference)


@near
def test_items_expire_and_leave_their_postings() -> None:
    compiled, reference = _pair(window_days=1.0)
    for index in range(40):
        for copies in (compiled, reference):
            copies.add(f"e{index}", f"第{index}号楼的路灯不亮已经很久了", index * _DAY / 4)
    _same_state(compiled, reference)
    assert len(compiled) == 5  # within a day of the newest, the edge included
    assert compiled.remove("e39")
    assert not compiled.remove("e39")
    assert not compiled.remove("e0")
    assert "e38" in compiled
    assert "e0" not in compiled


@near
def test_the_index_refuses_what_it_cannot_hold() -> None:
    kind = type(NearCopies().index_)
    index = kind(0.8, 90.0, 3, 8, 2, 200, 4)
    with pytest.raises(TypeError):
        index.add(1, "abcdef", 0.0)
    with pytest.raises(TypeError):
        index.add("a", b"abcdef", 0.0)
    with pytest.raises(RuntimeError):
        index.__init__(0.8, 90.0, 3, 8, 2, 200, 4)
    with pytest.raises(ValueError, match="shingle_size"):
        kind(0.8, 90.0, 0, 8, 2, 200, 4)
    blank = kind.__new__(kind)
    with pytest.raises(RuntimeError):
        blank.add("a", "abcdef", 0.0)
    with pytest.raises(RuntimeError):
        blank.remove("a")
    assert len(blank) == 0
    assert index.add("a", "abcdef", 0.0) is None
    assert index.add("b", "abcdef", 1.0) == "a"
    assert index.nbytes() > 0


@near
def test_the_key_is_make_keys_for_every_character() -> None:
    """Every code point, in runs (str.lower's final sigma looks at the neighbours), alone and mixed."""
    key = type(NearCopies().index_).key
    for start in range(0, 0x110000, 512):
        run = "".join(map(chr, range(start, min(start + 512, 0x110000))))
        assert key(run) == make_key(run), hex(start)
        assert key("ΑΣ_" + run[::7] + "Σ ΟΣ.") == make_key("ΑΣ_" + run[::7] + "Σ ΟΣ.")
    rng = random.Random(4)
    for _ in range(2000):
        text = "".join(rng.choices(_CHARS + "ABCÀÉİẞΣσς_- ,。！１２３ⅣⅫ②", k=rng.randint(0, 30)))
        assert key(text) == make_key(text), text
    assert key("") == ""
    assert key("__ ,.") == ""
    with pytest.raises(TypeError):
        key(b"abc")


def test_settings_that_slice_from_the_end_stay_with_the_dicts() -> None:
    assert NearCopies(max_verify=-1).index_ is None
    assert NearCopies(sketch=-2).index_ is None


def test_the_pure_python_switch_keeps_the_dicts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_fast, "COMPILED", False)
    copies = NearCopies()
    assert copies.index_ is None
    assert copies.add("a", "路灯不亮路灯不亮", 0.0) is None
    assert copies.add("b", "路灯不亮路灯不亮", 1.0) == "a"
    assert "a" in copies
    assert len(copies) == 2
