"""The compiled place finder (minyi._issuestate.PlaceFinder) finds exactly what the regexes find."""

from __future__ import annotations

import random

import pytest

from minyi.issues.detect import _fast, places
from minyi.issues.detect.places import SUFFIXES, Place, extract_places, extract_places_reference

from .test_cluster import FUND, MIXING, PARKING, PLACES, messages
from .test_fast import _synthetic

pytestmark = pytest.mark.skipif(
    places._FINDER is None, reason="minyi._issuestate not built, or MINYI_PURE_PYTHON"
)

#: Hand-made texts: every rule of places.py, at the text's ends, in mixed scripts and digits.
EDGES = [
    "",
    " ",
    "路",
    "小区",
    "丽发小区",
    "投诉A2区丽发新城附近建搅拌站噪音扰民",
    "西地省A市A3区和A7县",
    "A１区Ａ3区A٣县A123区A12市a3区",  # full-width and Arabic-Indic digits are \d, ASCII letters only
    "坐138路公交车，地铁2号线很挤，轨道交通12号线，地铁123号线",
    "W12路车K1路2路3路12345路AB12路a12路１２路",
    "138路1",
    "138路",
    "5路公交",
    "A7县五矿万境K9县房屋质量问题，一期A12栋，B1县C2栋",
    "AK9县金桂花园K9县Z12栋",
    "五矿万境五矿万境五矿万境K9县",  # a name of more than 12 characters before a code
    "人民路靠近丽发小区路段有五六盏路灯不亮",
    "咨询丽发小区对口哪所小学，两所学校、5栋楼、３家公司",
    "物业说要等燃气公司和自来水公司来修，供电公司不管，请求A7县人民政府和市政府解决",
    "58车贷老板跑路美国，这是必经之路，万家丽路封闭",
    "A市暮云街道丽发新城社区，A7县星沙镇白沙乡",
    "建议A市经开区泉星公园项目规划进一步优化，高新区麓谷小区，保税区和自贸区",
    "A3区中海业主的小孩都没办法上中海幼儿园，就读长郡中学",
    "12345小区123路２３小区",
    "ABC小区abc花园Abc路x1y2学校",
    "丽发新城旁搅拌站。丽发新城居民和丽发小区居民都受影响",
    "丽发新城丽发新城",  # one name twice, and a name right after a suffix
    "新城新城新城",
    "有限公司有限公司",
    "聚利人普惠投资有限公司涉嫌诈骗",
    "这条路该小区某楼盘一家公司",
    "政府人民政府市政府政府",
    "𠀀𠀁小区é花园Ω路",  # outside the basic plane, Latin with accents, Greek
    "中文English混合Text小区，日本語の公園",
    "\n丽发小区\n",
    "２号线地铁２号线",
]

#: Pieces to build random texts from: the words of every table and characters around them.
PIECES = [
    *SUFFIXES,
    *places._CUT_WORDS,
    *(f"{district}区" for district in places._DISTRICTS),
    *places._SETTING_UP,
    *(f"{going}上" for going in places._GOING),
    *places._ENROLLING,
    *places._GENERIC_NAMES,
    *places._SERVICE_TRADES,
    *places._NOT_ROADS,
    *("地铁", "轨道交通", "号线", "地省", "政府", "公交", "车"),
]
CHARS = [
    *places._NUMERALS,
    *places._MEASURES,
    *places._CUT_CHARS,
    *places._GENERIC_START,
    *"金桂丽发星沙暮云五矿万境西地省路县栋市区",
    *"ABCKWZabz0123456789",
    *("１", "２", "０", "٣", "²", "Ａ", "，", "。", " ", "\n", "〇", "𠀀", "é", "_"),
]


def _random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(
            rng.choice(PIECES) if rng.random() < 0.4 else rng.choice(CHARS) for _ in range(rng.randint(0, 60))
        )
        for _ in range(count)
    ]


def _corpus_texts() -> list[str]:
    found = [
        *messages(MIXING, PLACES[0], 12, prefix="a"),
        *messages(PARKING, PLACES[2], 9, prefix="b"),
        *messages(FUND, PLACES[4], 6, prefix="c"),
        *_synthetic(600, seed=16),
    ]
    return [text for message in found for text in (message.title, message.body, message.title + message.body)]


@pytest.mark.parametrize("text", EDGES)
def test_hand_made_texts_give_what_the_regexes_give(text: str) -> None:
    assert places._FINDER is not None
    assert places._FINDER.find(text) == extract_places_reference(text)


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize(
    "before", ["", "丽", "丽发", "投诉丽发", "A3区丽发", "12", "这丽发", "燃气", "A市人民政", "跑"]
)
def test_every_suffix_gives_what_the_regexes_give(suffix: str, before: str) -> None:
    assert places._FINDER is not None
    for text in (before + suffix, before + suffix + "旁边", "反映" + before + suffix + "的问题"):
        assert places._FINDER.find(text) == extract_places_reference(text)


def test_the_test_corpora_give_what_the_regexes_give() -> None:
    assert places._FINDER is not None
    texts = _corpus_texts()
    assert [places._FINDER.find(text) for text in texts] == [extract_places_reference(text) for text in texts]


def test_random_texts_of_every_table_give_what_the_regexes_give() -> None:
    assert places._FINDER is not None
    texts = _random_texts(4000, seed=3)
    assert [places._FINDER.find(text) for text in texts] == [extract_places_reference(text) for text in texts]


def test_extract_places_uses_the_finder_unless_told_to_use_python(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "投诉A2区丽发新城附近，坐138路"
    compiled = extract_places(text)
    monkeypatch.setattr(_fast, "COMPILED", False)
    assert extract_places(text) == compiled == extract_places_reference(text)
    assert compiled[1] == Place("丽发新城", "named", "丽发")


def test_the_finder_refuses_what_it_cannot_read() -> None:
    assert places._FINDER is not None
    with pytest.raises(TypeError):
        places._FINDER.find(b"A3\xe5\x8c\xba")  # type: ignore[arg-type]
    finder = type(places._FINDER)
    with pytest.raises(TypeError):
        finder(
            Place, ("admin", "named", "route"), ("小区", ""), (0, 0), (), "", "", "", "", (), (), (), 12, 2
        )
    with pytest.raises(ValueError, match="one flag"):
        finder(Place, ("admin", "named", "route"), ("小区",), (), (), "", "", "", "", (), (), (), 12, 2)
