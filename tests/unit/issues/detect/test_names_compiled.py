"""The compiled name index (minyi._issuestate.NameIndex) gives exactly what NameVariants gives in Python.

Each test feeds the same cores, in the same order, to an index working in C and to one working
through ``canonical_reference``, and compares every answer and every dict of both afterwards
(the short-form counts included), so a difference in the order of candidates, a key or a
count shows.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from minyi.issues.detect import _fast, names
from minyi.issues.detect.names import NameVariants
from minyi.issues.detect.places import extract_places_reference

from .test_places_compiled import EDGES, _corpus_texts, _random_texts

pytestmark = pytest.mark.skipif(
    _fast.compiled_names() is None, reason="minyi._issuestate not built, or MINYI_PURE_PYTHON"
)

#: Homophones (樃榔郎, 梨离李, 巴芭八 …), characters without a reading, white space, the supplementary plane.
ALPHABET = [*"樃榔郎梨离李巴芭八罗萝比笔中贸茂城北东方红一二期万科金域蓝华府星沙", *"长郡梅溪湖楚江技工贸"]
ODD = [*"aAé1２ ", "\u3000", "\n", "\ud800", "\udfff", "𠀀", "𠀁", "\U0001f600", "\x00"]
HAND_MADE = [
    *(
        "诺亚山林",
        "鹏基诺亚山林",
        "五矿万境",
        "汇金路五矿万境",
        "泉星",
        "经开泉星",
        "山水城",
        "湘江新区山水城",
    ),
    *("东方红", "东方红一期", "东方红二期", "东方红三期", "东方红四期", "中贸城北", "中茂", "中茂城北"),
    *(
        "国王陵考古遗址",
        "国王陵国家考古遗址",
        "斯拉同舟法车业",
        "斯拉同舟法电动车业",
        "长郡梅溪湖",
        "梅溪湖长郡",
    ),
    *(
        "楚江工贸技工",
        "楚江技工工贸",
        "万科金域华",
        "星沙东一",
        "万家丽北",
        "楚雅附二",
        "万科金域蓝",
        "星沙东六",
    ),
    *("樃梨", "榔梨", "芭比罗", "巴罗比", "巴比罗", "", "a", "ab", "abc", "abd", "acb", "ABC", "abcd"),
    *(
        "丽 发小区",
        "丽发 小区",
        "丽发\u3000小区",
        "  ",
        "   x",
        "\ud800\udfff丽",
        "丽\ud800\udfff",
        "𠀀𠀁小区",
    ),
    *("𠀁𠀀小区", "😀丽发", "丽😀发", "é丽发", "e丽发", "啊丽发", "a丽发", "\x00丽发", "丽发\x00"),
    "丽发" * 200,
    "丽发" * 199 + "丽",
    "长郡梅溪湖" * 40,
]


def _state(index: NameVariants) -> tuple[dict[str, Any], ...]:
    return (index.canonical_, index.forms_, index.by_deletion_, index.by_sound_, index.by_letters_)


def _same(cores: list[str], **settings: int) -> None:
    compiled, reference = NameVariants(**settings), NameVariants(**settings)
    assert compiled._index is not None
    got = [compiled.canonical(core) for core in cores]
    want = [reference.canonical_reference(core) for core in cores]
    assert got == want
    assert _state(compiled) == _state(reference)
    assert [list(part) for part in _state(compiled)] == [list(part) for part in _state(reference)]


def _edited(rng: random.Random, core: str) -> str:
    """``core`` with one of the edits the index matches (or a replaced character, which it must not)."""
    chars, at = list(core), rng.randrange(max(len(core), 1))
    edit = rng.randrange(7)
    if edit == 0 and len(chars) > 1:
        chars[at : at + 2] = chars[at : at + 2][::-1]
    elif edit == 1 and chars:
        del chars[at]
    elif edit == 2:
        chars.insert(at, rng.choice(ALPHABET))
    elif edit == 3 and chars:
        chars[at] = rng.choice(ALPHABET)
    elif edit == 4:
        chars.insert(at, rng.choice(ALPHABET) + rng.choice(ALPHABET))
    elif edit == 5 and len(chars) > 3:
        cut = rng.randrange(2, len(chars) - 1)
        chars = chars[cut:] + chars[:cut]
    else:
        chars.insert(0, rng.choice(ALPHABET + ODD))
    return "".join(chars)


def _random_cores(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    cores: list[str] = []
    for _ in range(count):
        if cores and rng.random() < 0.6:
            cores.append(_edited(rng, rng.choice(cores)))
        else:
            pool = ALPHABET + ODD if rng.random() < 0.2 else ALPHABET
            cores.append("".join(rng.choices(pool, k=rng.randint(0, 9))))
    return cores


@pytest.mark.parametrize("core", HAND_MADE)
def test_each_hand_made_core_after_the_others_gives_what_python_gives(core: str) -> None:
    _same([*HAND_MADE, core, core[::-1], core[1:], core[:-1]])


def test_the_hand_made_cores_give_what_python_gives() -> None:
    _same(HAND_MADE)
    _same(HAND_MADE[::-1])


@pytest.mark.parametrize("seed", range(6))
def test_random_cores_give_what_python_gives(seed: int) -> None:
    _same(_random_cores(3000, seed))


@pytest.mark.parametrize(
    "settings",
    [
        {"min_edit": 2},
        {"min_edit": 0, "min_short": 0, "min_block": 0},
        {"max_forms": 1, "min_short": 2},
        {"min_block": 3, "max_names": 200},
        {"max_names": 0},
        {"min_edit": 5, "max_forms": 0},
    ],
)
def test_other_settings_give_what_python_gives(settings: dict[str, int]) -> None:
    _same(_random_cores(1500, seed=len(settings)), **settings)


def test_the_cores_of_the_test_corpora_and_random_texts_give_what_python_gives() -> None:
    texts = [*EDGES, *_corpus_texts(), *_random_texts(2000, seed=5)]
    cores = [place.core for text in texts for place in extract_places_reference(text)]
    assert len(cores) > 1000
    _same(cores)


def test_the_two_paths_share_one_state_and_can_take_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    cores = _random_cores(2000, seed=11)
    turns, reference = NameVariants(), NameVariants()
    got = []
    for number, core in enumerate(cores):
        monkeypatch.setattr(_fast, "COMPILED", number % 3 != 0)
        got.append(turns.canonical(core))
    assert got == [reference.canonical_reference(core) for core in cores]
    assert _state(turns) == _state(reference)


def test_without_pypinyin_only_spellings_match(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(names, "_PINYIN", None)
    _same(["芭比罗", "巴罗比", "樃梨山", "榔梨山", "巴比罗", *_random_cores(1000, seed=2)])


def test_the_index_refuses_what_it_cannot_read() -> None:
    index_type = _fast.compiled_names()
    assert index_type is not None
    index = NameVariants()._index
    assert index is not None
    with pytest.raises(TypeError):
        index.canonical(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not initialised"):
        index_type.__new__(index_type).canonical("丽发")
    with pytest.raises(TypeError):
        index_type([], {}, {}, {}, {}, None, 3, 1, 3, 3, 4)
    with pytest.raises(ValueError, match="callable"):
        index_type({}, {}, {}, {}, {}, 5, 3, 1, 3, 3, 4)
    broken = index_type({}, {}, {}, {}, {}, lambda char: [char], 3, 9, 3, 3, 4)
    with pytest.raises(TypeError, match="tuple"):
        broken.canonical("丽发小区")
    failing = index_type({}, {}, {}, {}, {}, lambda _char: 1 / 0, 3, 9, 3, 3, 4)
    with pytest.raises(ZeroDivisionError):
        failing.canonical("丽发小区")
