"""Find the places and objects a Chinese message is about.

A hot issue is one concrete problem at one place, so the detector needs the names of
estates, roads, schools and companies that messages mention.  No gazetteer is needed:
names are found by their ending, the way a reader recognises them.

Three kinds of mention are returned, in order of appearance, each once:

``admin``
    Administrative units: the anonymised ``A市``, ``A3区``, ``A7县``, ``西地省`` of the
    message board, and towns and subdistricts (``星沙镇``, ``暮云街道``, ``白沙乡``).  They
    are too broad to tell issues apart, so the detector gives them little weight.
``named``
    A name followed by a place or object word: ``丽发新城``, ``伊景园滨河苑``,
    ``万家丽南路``, ``暮云街道``, ``金鼎村``, ``经济学院``, ``某某置业有限公司``.  The
    words that end a name are :data:`SUFFIXES`.  The name is cut after the last
    administrative unit or verb-like word in front of it (``投诉A2区丽发新城`` →
    ``丽发新城``) and must keep at least two characters before its ending, so
    ``道路``, ``马路`` and ``农村`` are not names. Counted things (``五六盏路灯``, ``两所学校``),
    question words (``对口哪所小学``) and trades that act rather than places where a problem
    is (``燃气公司``, ``自来水公司``) are not names either.
``route``
    Bus and metro lines: ``138路``, ``W12路``, ``地铁2号线``.

Each place has a :attr:`Place.core`: the name without its ending (``丽发新城`` and
``丽发小区`` both have the core ``丽发``), which is what the detector compares, so two
spellings of one estate match.

The regexes below are the reference (:func:`extract_places_reference`).  When
``minyi._issuestate`` was built, :func:`extract_places` runs its ``PlaceFinder`` instead,
built from this module's tables (suffixes, cut words, generic names, trades, verbs in 路):
it matches each pattern as the regex engine does, in C, and returns the same places in the
same order at about a seventh of the time (``tests/unit/issues/detect/test_places_compiled.py``
compares both).  Place extraction was 13 % of the detector's time with the regexes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal, Protocol, cast

from minyi.issues.detect import _fast

__all__ = [
    "SUFFIXES",
    "Place",
    "PlaceKind",
    "cores_differ",
    "extract_places",
    "extract_places_reference",
    "place_cores",
]

PlaceKind = Literal["admin", "named", "route"]

#: Words that end a place or object name; longer words first so ``小学`` beats ``学``.
SUFFIXES: tuple[str, ...] = (
    "有限公司",
    "幼儿园",
    "商业街",
    "步行街",
    "高速",
    "小区",
    "花园",
    "新城",
    "公馆",
    "大道",
    "街道",
    "社区",
    "学校",
    "小学",
    "中学",
    "学院",
    "大学",
    "医院",
    "公司",
    "楼盘",
    "广场",
    "公寓",
    "家园",
    "山庄",
    "大厦",
    "市场",
    "公园",
    "集团",
    "苑",
    "园",
    "府",
    "城",
    "湾",
    "路",
    "街",
    "村",
    "镇",
    "乡",
)

_HAN = "\u4e00-\u9fff"
_ADMIN = re.compile(rf"[A-Z]\d{{0,2}}[市区县]|[{_HAN}]地省")
_ADMIN_CODE = re.compile(r"[A-Z]\d{0,2}[市区县]")
_PROVINCE = re.compile(rf"[{_HAN}]地省")
_ROUTE = re.compile(r"(?:地铁|轨道交通)\d{1,2}号线|(?<![\dA-Za-z])[A-Z]?\d{1,4}路(?=公交|车|$|[^\d])")
_ROUTE_HINT = re.compile(r"\d(?:路|号线)")
# A building or estate named with an anonymised code: ``五矿万境K9县``.
_CODED = re.compile(rf"(?<![A-Z\d])([{_HAN}]{{2,12}})[A-Z]\d{{1,2}}[县栋]")
_CODE = re.compile(r"[A-Z]\d{1,2}[县栋]")
_CACHE_SIZE = 1 << 14
_SUFFIX_PATTERN = "|".join(re.escape(suffix) for suffix in SUFFIXES)
_SUFFIX = re.compile(_SUFFIX_PATTERN)
_NAME_TAIL = re.compile(rf"[{_HAN}A-Za-z0-9]+\Z")
_MAX_NAME = 12
# Words in front of a name that are not part of it: the name starts after the last one.
_CUT_WORDS = (
    *("投诉", "反映", "举报", "咨询", "请问", "关于", "位于", "建议", "希望", "要求", "我们", "我是"),
    *("本人", "业主", "居民", "附近", "靠近", "旁边", "对面", "门口", "周边", "里面", "一个", "一些"),
    *("这个", "那个", "没有", "进行", "已经", "只能", "只好", "考虑", "或者", "可以", "需要", "应该"),
    *("能否", "是否", "如何", "怎么", "什么", "因为", "所以", "但是", "而且", "如果", "导致", "造成"),
    *("影响", "几个", "等待"),
)
# Development zones and districts are areas in front of a name (经开区泉星公园 is 泉星公园).
_DISTRICTS = ("经开", "高新", "开发", "新", "片", "园", "保税", "自贸", "工业")  # + 区
# Verbs of setting up: 门口设置医院 names no place 设置, 建议公示A7县 no place 公示.
_SETTING_UP = ("设置", "设立", "公示", "开设", "拟建", "兴建", "筹建")
# Going to a school is not its name: 没办法上中海幼儿园 names 中海幼儿园, not 办法上中海.
_GOING = ("无法", "没法", "办法", "不能", "难以", "想", "能")  # + 上
_ENROLLING = ("就读", "入读", "报读")
# A number and a measure word count things, they do not name them: 五六盏路(灯), 两所学校.
_NUMERALS = "一二三四五六七八九十两几"
_MEASURES = "盏条根座栋家所处辆块台只间位名户"
_CUT_CHARS = "的在和与及是了到从对给向把被为由至于将请去没说要让就都也还又再才过着把有送等哪谁"
_CUT = re.compile(
    rf"[A-Z]\d{{0,2}}[市区县]|[{_HAN}]地省|{'|'.join(_CUT_WORDS)}|(?:{'|'.join(_DISTRICTS)})区|"
    rf"{'|'.join(_SETTING_UP)}|(?:{'|'.join(_GOING)})上|{'|'.join(_ENROLLING)}|"
    rf"[{_NUMERALS}\d]+[{_MEASURES}]|[{_CUT_CHARS}]"
)
# A name may not begin with these (``这条路``, ``该小区``, ``某楼盘``, ``一家公司``).
_GENERIC_START = frozenset("这那该此本某每各一两几多上下大小新老旧其我你他她它")
# Whole names that are common nouns, not places.
_GENERIC_NAMES = frozenset(
    {
        "物业公司",
        "开发公司",
        "房地产公司",
        "地产公司",
        "置业公司",
        "建筑公司",
        "施工公司",
        "保险公司",
        "装修公司",
        "有限公司",
        "中小学",
        "农贸市场",
        "菜市场",
        "人民医院",
        "中心医院",
        "公办学校",
        "民办学校",
        "职业学院",
        "城乡",
        "进城",
        "县城",
        "市区",
        "水泥路",
        "公路",
    }
)
# Trades and utilities: ``燃气公司`` is who should act, not where the problem is.
_SERVICE_TRADES = frozenset(
    {
        *("燃气", "天然气", "煤气", "自来水", "供水", "水务", "供电", "电力", "电网", "热力", "供暖"),
        *("电信", "移动", "联通", "广电", "公交", "客运", "出租车", "物流", "快递", "外卖"),
        *("保安", "保洁", "中介", "房产中介", "租赁", "停车", "环卫", "绿化", "拆迁", "城投"),
    }
)
_ORGANISATION_SUFFIXES = frozenset({"公司", "有限公司", "集团"})
# Verbs and idioms ending in 路 (跑路 abscond, 修路, 套路, 必经之路 …): a name ending in one
# names no road.
_NOT_ROADS = (
    *("跑路", "修路", "套路", "思路", "出路", "退路", "走路"),
    *("让路", "带路", "问路", "绕路", "迷路", "无路", "之路"),
)
_MIN_PREFIX = 2
# Towns and subdistricts hold thousands of unrelated problems: administrative units.
_AREA_SUFFIXES = frozenset({"镇", "乡", "街道"})


@dataclass(frozen=True, slots=True)
class Place:
    """One place or object mentioned in a text.

    Attributes:
        name: The name as written (``丽发新城``, ``A3区``, ``138路``).
        kind: ``admin``, ``named`` or ``route``.
        core: What is compared: a named place without its ending (``丽发``); the name
            itself for the other kinds.
    """

    name: str
    kind: PlaceKind
    core: str


def _trim(prefix: str) -> str:
    """The part of ``prefix`` after the last cut word."""
    last = 0
    for match in _CUT.finditer(prefix):
        last = match.end()
    return prefix[last:]


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _named_at(window: str, suffix: str) -> Place | None:
    """The name ending in ``suffix`` whose text before the suffix is ``window``, if any."""
    tail = _NAME_TAIL.search(window)
    prefix = _trim(tail.group()) if tail else ""
    name = prefix + suffix
    if len(prefix) < _MIN_PREFIX or prefix[0] in _GENERIC_START or name in _GENERIC_NAMES or prefix.isdigit():
        return None
    if suffix == "路" and name.endswith(_NOT_ROADS):
        return None
    if suffix in _ORGANISATION_SUFFIXES and prefix in _SERVICE_TRADES:
        return None
    if suffix == "府" and prefix.endswith("政"):  # 政府, 人民政府: who should act, not where
        return None
    if suffix in _AREA_SUFFIXES:
        return Place(name, "admin", name)
    return Place(name, "named", prefix)


def _named(text: str) -> list[Place]:
    """Names ending in a suffix; a name starts after the previous suffix at the latest."""
    found: list[Place] = []
    previous_end = 0
    for match in _SUFFIX.finditer(text):
        start = match.start()
        place = _named_at(text[max(previous_end, start - _MAX_NAME) : start], match.group())
        previous_end = match.end()
        if place is not None:
            found.append(place)
    return found


def _coded(text: str) -> list[tuple[int, Place]]:
    """Names written before an anonymised code (``五矿万境K9县``), found from the codes."""
    spans: list[tuple[int, Place]] = []
    previous_end = 0
    for code in _CODE.finditer(text):
        match = _CODED.search(text, max(previous_end, code.start() - _MAX_NAME), code.end())
        if match is None:
            continue
        previous_end = match.end()
        prefix = _trim(match.group(1))
        if len(prefix) >= _MIN_PREFIX and prefix[0] not in _GENERIC_START:
            spans.append((match.start(1) + len(match.group(1)) - len(prefix), Place(prefix, "named", prefix)))
    return spans


def extract_places(text: str) -> list[Place]:
    """The places and objects ``text`` mentions, in order of first appearance, each once.

    Found by the compiled finder (``minyi._issuestate.PlaceFinder``, one C pass per pattern
    over the text, about a tenth of the regexes' time) when it was built and the compiled
    versions are in use (:data:`~minyi.issues.detect._fast.COMPILED`); otherwise by the
    regexes of :func:`extract_places_reference`, which is what both return.

    Args:
        text: A message (title and body), preferably normalised
            (:class:`~minyi.pipeline.normalize.TextNormalizer`) so that full-width
            letters and digits are ASCII.

    Returns:
        Administrative units, named places and routes, de-duplicated by name.
    """
    if _FINDER is not None and _fast.COMPILED:
        return _FINDER.find(text)
    return extract_places_reference(text)


def extract_places_reference(text: str) -> list[Place]:
    """:func:`extract_places` with Python regexes: the reference the compiled finder follows."""
    if not text:
        return []
    spans: list[tuple[int, Place]] = [
        (m.start(), Place(m.group(), "admin", m.group())) for m in _ADMIN_CODE.finditer(text)
    ]
    if "地省" in text:
        spans += [(m.start(), Place(m.group(), "admin", m.group())) for m in _PROVINCE.finditer(text)]
    if _ROUTE_HINT.search(text):
        spans += [(m.start(), Place(m.group(), "route", m.group())) for m in _ROUTE.finditer(text)]
    spans += _coded(text)
    routes = {place.name for _, place in spans if place.kind == "route"}
    for place in _named(text):
        if not any(place.name.endswith(route) or route.endswith(place.name) for route in routes):
            spans.append((text.find(place.name), place))
    seen: set[str] = set()
    ordered: list[Place] = []
    for _, place in sorted(spans, key=lambda item: item[0]):
        if place.name not in seen:
            seen.add(place.name)
            ordered.append(place)
    return ordered


def _finder() -> object | None:
    """The compiled finder over this module's tables, when ``minyi._issuestate`` was built."""
    finder = _fast.compiled_places()
    if finder is None:
        return None

    def flags(suffix: str) -> int:  # the rules of _named_at that depend on the suffix
        return (
            (suffix == "路") * _ROAD
            | (suffix in _ORGANISATION_SUFFIXES) * _ORGANISATION
            | (suffix == "府") * _GOVERNMENT
            | (suffix in _AREA_SUFFIXES) * _AREA
        )

    return finder(  # type: ignore[no-any-return]
        functools.lru_cache(maxsize=_CACHE_SIZE)(Place),
        ("admin", "named", "route"),
        SUFFIXES,
        tuple(map(flags, SUFFIXES)),
        (
            *_CUT_WORDS,
            *(f"{d}区" for d in _DISTRICTS),
            *_SETTING_UP,
            *(f"{g}上" for g in _GOING),
            *_ENROLLING,
        ),
        _NUMERALS,
        _MEASURES,
        _CUT_CHARS,
        "".join(sorted(_GENERIC_START)),
        tuple(sorted(_GENERIC_NAMES)),
        tuple(sorted(_SERVICE_TRADES)),
        _NOT_ROADS,
        _MAX_NAME,
        _MIN_PREFIX,
    )


class _Finder(Protocol):
    def find(self, text: str, /) -> list[Place]: ...


_ROAD, _ORGANISATION, _GOVERNMENT, _AREA = 1, 2, 4, 8  # the flags of _issuestate_places.c
_FINDER = cast("_Finder | None", _finder())


def place_cores(places: list[Place], *, include_admin: bool = False) -> set[str]:
    """The cores of ``places`` (administrative units only when ``include_admin``)."""
    return {place.core for place in places if include_admin or place.kind != "admin"}


def cores_differ(left: Collection[str], right: Collection[str]) -> bool:
    """Whether two non-empty sets of cores name different places.

    Cores that are equal or contain one another (``涉外经济`` and ``经济``) are the same place;
    an empty side says nothing, so it never differs.
    """
    if not left or not right:
        return False
    for core in left:  # loops, not any() over generators: called for every candidate issue
        if core in right:
            return False
    for a in left:
        for b in right:
            if a in b or b in a:
                return False
    return True
