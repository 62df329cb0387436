"""Numbers for :mod:`minyi.pipeline.privacy`: cued numbers, public numbers, the allow-list, rooms.

The checksum rules of :mod:`~minyi.pipeline.privacy` find valid numbers anywhere.
People mistype, though: a wrong check digit, a card number failing Luhn, a mobile
number with a digit too many.  After an explicit cue (身份证号, 卡号, 手机, 电话, QQ …)
such a number is still the writer's personal data, so :func:`read_cued` and
:func:`read_cued_phone` take a digit run of a plausible length right after a cue
whatever its checksum.  :func:`cued_runs` finds those runs with one fast scan for
digit runs and, for the few preceded by a character that ends a cue word, one
anchored match of the reversed cue words: far cheaper than searching the text for
every cue, since masking runs on every message.

The opposite error is as bad: a citizen must be able to read 12345, 110 or a
department's hotline.  Public service numbers (:func:`is_service_number`) are never
masked by a cue, and :class:`KeepList` holds the numbers a caller wants readable
(a department's own numbers in its replies).

Also here: room numbers of homes (3栋**402**室, 5单元**1203**), masked as ``***``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from minyi.pipeline.privacy_text import ZERO_WIDTH

__all__ = [
    "CARD_MAX",
    "CARD_MIN",
    "DIGIT_RUN",
    "HAS_ID_CUE",
    "HAS_PHONE_CUE",
    "ID_PROVINCES",
    "ROOM",
    "ROOM_DASHED",
    "ROOM_ESTATE",
    "ROOM_NUMBERED",
    "Cued",
    "KeepList",
    "compact",
    "cued_runs",
    "has_building",
    "has_dashed_room",
    "has_estate_room",
    "has_numbered_room",
    "id_checksum_ok",
    "is_service_number",
    "keep_ends",
    "luhn_ok",
    "mask_room",
    "read_cued",
    "read_cued_phone",
    "resident_id_ok",
]


def compact(value: str) -> str:
    """``value`` without the spaces and dashes that group its digits."""
    return value.replace(" ", "").replace("-", "")


def keep_ends(value: str, head: int, tail: int, char: str) -> str:
    """``value`` with all but ``head`` leading and ``tail`` trailing characters masked."""
    return value[:head] + char * (len(value) - head - tail) + value[len(value) - tail :]


# --- checksums ------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
#: First two digits of resident IDs: the provinces (83: residence permits for Taiwan residents).
ID_PROVINCES = frozenset(
    str(n) for n in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55))
) | frozenset(str(n) for n in (*range(61, 66), 71, 81, 82, 83))
_ID18_LEN, _ID15_LEN = 18, 15
#: Lengths of bank card numbers.
CARD_MIN, CARD_MAX = 16, 19


def id_checksum_ok(number: str) -> bool:
    """Whether an 18-digit resident ID number has a valid check character."""
    if len(number) != _ID18_LEN or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def _birth_date_ok(year: int, month: int, day: int) -> bool:
    """Whether a birth date is a real day between 1900-01-01 and today."""
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()  # noqa: DTZ011 - a calendar day is meant


def resident_id_ok(number: str) -> bool:
    """Whether ``number`` (digits only) is a plausible 18- or 15-digit resident ID."""
    if number[:2] not in ID_PROVINCES:
        return False
    if len(number) == _ID18_LEN:
        birth = int(number[6:10]), int(number[10:12]), int(number[12:14])
        return _birth_date_ok(*birth) and id_checksum_ok(number)
    if len(number) == _ID15_LEN:
        return _birth_date_ok(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    return False


def luhn_ok(number: str) -> bool:
    """Whether a card number passes the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2  # noqa: PLR2004 - Luhn doubling
        total += d
    return total % 10 == 0


# --- public service numbers and the allow-list ---------------------------------------------

#: Public service numbers: 110, 119, 120, 122 …; 12xxx government lines (12345, 12315 …);
#: carriers' 100xx; 95xxx (and longer 95) and 96xxx service lines; 400/800 numbers.
_SERVICE = re.compile(r"11[0-9]|12[0-2]|999|12[0-9]{3}|100[0-9]{2}|95[0-9]{3,6}|96[0-9]{3}|[48]00[0-9]{7}")
_AREA_CODE = re.compile(r"0(?:10|2[0-9]|[3-9][0-9]{2})")


def is_service_number(digits: str) -> bool:
    """Whether ``digits`` is a public service number, maybe behind an area code (0731-12345)."""
    if _SERVICE.fullmatch(digits):
        return True
    area = _AREA_CODE.match(digits)
    return area is not None and _SERVICE.fullmatch(digits, area.end()) is not None


_KEY_TABLE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | dict.fromkeys(map(ord, " -()+\u3000（）－＋"))
_MOBILE_AFTER_86 = re.compile(r"(?:00)?86(1[0-9]{10})")
_AREA_LEN, _AREA_LEN_SHORT, _LANDLINE_MIN = 4, 3, 10


def _key(number: str) -> str:
    """``number`` as compared in a :class:`KeepList`: ASCII digits, no separators, no +86."""
    key = "".join(c for c in number.translate(_KEY_TABLE) if c not in ZERO_WIDTH).lower()
    mobile = _MOBILE_AFTER_86.fullmatch(key)
    return mobile[1] if mobile else key


def _local(key: str) -> str | None:
    """The number after the area code of a landline key (073184123456 → 84123456)."""
    if not key.startswith("0") or len(key) < _LANDLINE_MIN or not key.isdigit():
        return None
    return key[_AREA_LEN_SHORT if key[1] in "12" else _AREA_LEN :]


#: An extension written after a landline: ``-801``, ``转801``, ``ext. 801``, ``分机801``.
_EXTENSION = re.compile(r"\s*(?:[-－—]|转|分机|ext\.?|x)\s*\d{1,6}$", re.IGNORECASE)


class KeepList:
    """Numbers that stay readable: compared without spaces, dashes, parentheses or +86.

    A department may list a landline with or without its area code, and write it
    either way in a reply: ``0731-88888888`` in the list keeps ``(0731) 8888 8888``
    and ``88888888``; ``88888888`` in the list keeps ``0731-88888888``.
    """

    __slots__ = ("full", "local")

    def __init__(self, numbers: Iterable[str]) -> None:
        """Index ``numbers`` (any writing) by their compared forms."""
        self.full = frozenset(k for k in map(_key, numbers) if k)
        self.local = frozenset(filter(None, map(_local, self.full)))

    def __bool__(self) -> bool:
        """Whether the list holds any number."""
        return bool(self.full)

    def holds(self, value: str) -> bool:
        """Whether ``value``, as written in a text, is one of the listed numbers.

        An extension after a listed number (``0731-88001234-801``, ``…转801``) keeps it too: the
        landline rule reads the extension as part of the number, and a department's own number
        with its desk's extension was masked on public pages.
        """
        if self._holds(value):
            return True
        extension = _EXTENSION.search(value)
        return extension is not None and self._holds(value[: extension.start()])

    def _holds(self, value: str) -> bool:
        key = _key(value)
        if key in self.full or key in self.local:
            return True
        local = _local(key)
        return local is not None and local in self.full


# --- numbers after a cue -------------------------------------------------------------------

#: A run of digits (five characters at least) that single spaces or dashes may split, maybe
#: ending in X.  Loose on purpose (a fast scan): :func:`_prefixes` reads its groups.
DIGIT_RUN = re.compile(r"[0-9][0-9 -]{3,}[0-9Xx]")
_NUMBER_SUFFIXES = ("号码", "号", "")
#: Cue words by kind; a word in ``(…)`` may be followed by 号 or 号码.
_CUES: dict[str, tuple[str, ...]] = {
    "id_card": ("(身份证)", "(证件)", "(身份)"),
    "bank_card": ("(银行卡)", "(卡)", "(账)", "(帐)", "(账户)", "(帐户)"),
    "phone": (
        "(手机)",
        "(电话)",
        "(座机)",
        "固话",
        "联系方式",
        "热线",
        "回电",
        "致电",
        "来电",
        "拨打",
        "tel",
        "tel.",
    ),
    "qq": ("(qq)", "(扣扣)"),
    "wechat": ("(微信)", "(v信)", "(wx)", "(vx)"),
}


def _cue_words(words: tuple[str, ...]) -> list[str]:
    """``words`` with their 号/号码 forms, longest first; 卡 and 账 count only with 号 or 户 after them."""
    out = []
    for word in words:
        bare = word.strip("()")
        suffixes = _NUMBER_SUFFIXES if word.startswith("(") else ("",)
        out += [bare + suffix for suffix in suffixes if suffix or bare not in {"卡", "账", "帐", "身份"}]
    return sorted(out, key=len, reverse=True)


#: The cue right before a run, read backwards: matched at the start of the reversed text before it.
#: A cue may also come a few characters before 号码 (手机，号码是…), within one sentence.
_CUE_REVERSED = re.compile(
    r"(?i)\+?[ \t:：是为(（\[【*]{0,3}(?:码号[^。！？!?；;\n]{0,8}?)?(?:"
    + "|".join(
        f"(?P<{kind}>{'|'.join(re.escape(w[::-1]) for w in _cue_words(words))})"
        for kind, words in _CUES.items()
    )
    + ")"
)
_CUE_WINDOW = 20
_CUE_GLUE = frozenset(" \t:：是为+(（[【*")  # * for Markdown bold: **1381234567**
_CUE_ENDS = frozenset("证件号码卡户机话式线电打lL.QqXx信扣")
#: Quick tests: does a text hold a cue of the early kinds, of a phone?
HAS_ID_CUE = re.compile("[证份卡账帐Qq扣信Xx]").search
HAS_PHONE_CUE = re.compile("[机话式线电打Ll]").search
#: Lengths tried first (digits and a final X), then any length in the plausible range.
_LENGTHS: dict[str, tuple[tuple[int, ...], int, int]] = {
    "id_card": ((18, 15, 17, 19, 16), 14, 19),
    "bank_card": ((19, 18, 17, 16), 12, 25),
    "qq": ((), 5, 12),
    "wechat": ((), 6, 12),
}
_MOBILE_LEN, _AREA_NUMBER_LEN, _LOCAL_LEN = (10, 12), (9, 13), (7, 8)
_PHONE_LENGTHS = (11, 12, 10, 8, 7, 13, 9, 14, 15)  # 14 and 15: +86 or 0086 before a mobile
_DATE = re.compile(r"(?:19|20)[0-9]{2}([-/.])[0-9]{1,2}\1[0-9]{1,2}")
#: A cued number: its kind, where it ends in the text, its masked form.
Cued = tuple[str, int, str]


def cued_runs(text: str) -> list[tuple[re.Match[str], str]]:
    """The digit runs of ``text`` right after a cue, with the cue's kind (``phone`` for any phone cue)."""
    runs = []
    for m in DIGIT_RUN.finditer(text):
        start = m.start()
        if not start or (text[start - 1] not in _CUE_ENDS and text[start - 1] not in _CUE_GLUE):
            continue  # quick refusal of most runs: no cue word ends right before
        cue = _CUE_REVERSED.match(text[max(0, start - _CUE_WINDOW) : start][::-1])
        if cue is not None and cue.lastgroup is not None:
            runs.append((m, cue.lastgroup))
    return runs


def _prefixes(value: str) -> dict[int, int]:
    """``{digits: length}`` for each start of ``value`` that ends where a group of digits ends.

    ``"4301 0219 9003 0712 34 2"`` gives 4, 8, …, 18 and 19 digits: the run may hold
    the number and something after it, so the number is looked for among these.
    """
    if value.isalnum():
        return {len(value): len(value)}
    ends: dict[int, int] = {}
    digits = 0
    for i, c in enumerate(value):
        if c.isalnum():
            digits += 1
            if i + 1 == len(value) or not value[i + 1].isalnum():
                ends[digits] = i + 1
    return ends


def _pick(ends: dict[int, int], preferred: tuple[int, ...], low: int, high: int) -> int | None:
    """The number of digits to take: a preferred length, else the longest in ``[low, high]``."""
    for n in preferred:
        if n in ends:
            return n
    inside = [n for n in ends if low <= n <= high]
    return max(inside) if inside else None


def _pick_card(value: str, ends: dict[int, int]) -> int | None:
    """The longest start of ``value`` that is a card number passing Luhn, if any (its digits)."""
    for n in sorted(ends, reverse=True):
        digits = compact(value[: ends[n]])
        if CARD_MIN <= n <= CARD_MAX and digits.isdigit() and luhn_ok(digits):
            return n
    return None


def _phone_kind(value: str, digits: str) -> str | None:
    """``mobile`` or ``landline`` for a plausible phone number after a phone cue."""
    if is_service_number(digits):
        return None
    if digits[0] == "1" and _MOBILE_LEN[0] <= len(digits) <= _MOBILE_LEN[1]:
        return "mobile"
    if digits[0] == "0" and _AREA_NUMBER_LEN[0] <= len(digits) <= _AREA_NUMBER_LEN[1]:
        return "landline"
    if (
        digits[0] not in "01"
        and _LOCAL_LEN[0] <= len(digits) <= _LOCAL_LEN[1]
        and _DATE.fullmatch(value) is None
    ):
        return "landline"  # a local number without area code
    return None


def _mobile_digits(digits: str) -> tuple[str, str]:
    """``(country prefix digits, number)``: ``("86", "1381234567")`` for 861381234567."""
    for prefix in ("0086", "86"):
        rest = digits[len(prefix) :]
        if digits.startswith(prefix) and rest[:1] == "1" and _MOBILE_LEN[0] <= len(rest) <= _MOBILE_LEN[1]:
            return prefix, rest
    return "", digits


def _written_head(value: str, digits: int) -> str:
    """The start of ``value`` holding its first ``digits`` digits, with a separator that follows."""
    seen = end = 0
    while seen < digits:
        seen += value[end].isdigit()
        end += 1
    return value[: end + (value[end] in " -")]


def _mask_phone(kind: str, value: str, digits: str, char: str) -> str:
    """A cued mobile (138****5678) or landline (0731-******56, ******56) masked; prefixes as written."""
    if kind == "mobile":
        prefix, number = _mobile_digits(digits)
        return (_written_head(value, len(prefix)) if prefix else "") + keep_ends(number, 3, 4, char)
    if digits[0] != "0":
        return keep_ends(digits, 0, 2, char)
    area = _AREA_LEN_SHORT if digits[1] in "12" else _AREA_LEN
    return _written_head(value, area) + keep_ends(digits[area:], 0, 2, char)


def _read_phone(m: re.Match[str], char: str) -> Cued | None:
    """A mistyped phone number after a phone cue (valid ones were taken by their own rules)."""
    ends = _prefixes(m[0])
    for n in _PHONE_LENGTHS:
        if n not in ends:
            continue
        value = m[0][: ends[n]]
        digits = compact(value)
        kind = _phone_kind(value, _mobile_digits(digits)[1]) if digits.isdigit() else None
        if kind is not None:
            return kind, m.start() + len(value), _mask_phone(kind, value, digits, char)
    return None


def read_cued(m: re.Match[str], cue: str, char: str) -> Cued | None:
    """An ID, card, QQ or WeChat number of a run ``m`` of :func:`cued_runs`, by its ``cue``.

    Run before the checksum rules: after 身份证号 an 18-digit number is an ID
    whether or not its check digit is right, and a card number inside it must not
    be carved out.  None when there is no such cue or no plausible length.
    """
    if cue == "phone":
        return None
    ends = _prefixes(m[0])
    n = _pick_card(m[0], ends) if cue == "bank_card" else None
    n = _pick(ends, *_LENGTHS[cue]) if n is None else n
    if n is None:
        return None
    value = m[0][: ends[n]]
    digits = compact(value)
    if cue != "id_card" and not digits.isdigit():
        return None  # a final X belongs to IDs only
    if cue == "id_card":
        masked = keep_ends(digits, 3, 4, char)
    elif cue == "bank_card":
        masked = keep_ends(digits, 4, 4, char)
    elif cue == "wechat" and digits[0] == "1" and len(digits) >= _MOBILE_LEN[0]:
        masked = keep_ends(digits, 3, 4, char)
    else:
        masked = keep_ends(digits, 2, 2, char)
    return cue, m.start() + len(value), masked


def read_cued_phone(m: re.Match[str], cue: str, char: str) -> Cued | None:
    """A phone number of a run ``m`` of :func:`cued_runs` after a phone cue (手机, 电话, 联系方式 …).

    Run after the checksum rules, so valid mobiles and landlines keep their own
    spans; this takes what they left: a digit too many or too few, odd spacing, a
    landline without area code.  Public service numbers (12345, 95588, 0731-12345,
    400 numbers) are not taken.
    """
    return _read_phone(m, char) if cue == "phone" else None


# --- room numbers ----------------------------------------------------------------------------

#: The room after a building or unit: 3栋402室, 5单元1203, 12号楼2单元601, B座1205 (group ``v``).
#: Spaces may stand around 栋 and 单元 (3 栋 2 单元 1102 室); a room in numerals (五栋二单元一一零二室)
#: is taken before 室, 房 or 号 only.
ROOM = re.compile(
    r"(?:[0-9]{1,3}|[A-Za-z]|[一二三四五六七八九十]{1,3}) ?(?:栋|幢|座|号楼|单元) ?"
    r"(?:(?:[0-9]{1,2}|[一二三四五六七八九十]{1,2}) ?单元)?[- ]?"
    r"(?P<v>[0-9]{3,4}(?![0-9]|[年月日米元块平方万千百个人户次天层楼级岁多余%.])"
    r"|[〇零一二三四五六七八九幺]{3,4}(?= ?[室房号]))"
)
_HAS_BUILDING = re.compile("栋|幢|座|号楼|单元").search
#: 楼-单元-室 written with dashes, as most addresses are (梅溪郡12-3-402, 3-2-401室): the room
#: is masked after an estate's last character (小区, 花园, 苑, 湾, 郡 …), after 住/住在/地址： or
#: before 室/房. Full-width dashes reach here as ``-`` (privacy_text). A date (2019-4-25) starts
#: with four digits.
ROOM_DASHED = re.compile(
    r"(?:(?<=[区园苑寓村厦城郡湾府庭居院里住址])(?P<estate>)(?:[:：]|在)?\s?|(?<![0-9A-Za-z-]))"
    r"[0-9]{1,3}-[0-9]{1,2}-(?P<v>[0-9]{3,4})(?(estate)(?![0-9-])|(?=室|房))"
)
_HAS_DASHED_ROOM = re.compile("[0-9]-[0-9]{1,2}-[0-9]{3}").search


#: A room after a street's house number, before 室 or 房 (人民路12号305室, 12号3楼305室): the
#: door of one household, shown in full until the eleventh probe (only rooms after a building,
#: a unit or an estate were masked).  The house number stays: the street is what the case is about.
ROOM_NUMBERED = re.compile(
    r"(?<![0-9])[0-9]{1,4}号(?:院)?(?:[0-9]{1,2}楼)?[- ]?(?P<v>[0-9]{3,4})(?= ?[室房])"
)


#: A room written as a number after an estate (梅溪郡305号, 华海大厦405号, 公园西郡1008号房): the left-open
#: "305号 after an estate" of the eleventh probe.  Not after 区 alone nor 院 (A2区100号文件, 国务院590号令),
#: 村 (a village's house number, kept like a street's) or 城, nor before 令, 文, 楼 …: on the 附件 texts
#: it took the two rooms above and nothing else.
ROOM_ESTATE = re.compile(r"(?:小区|花园|公寓|大厦|家园|[苑郡])(?P<v>[0-9]{3,4})(?=号(?![令文楼栋院线车路]))")
_HAS_ESTATE_ROOM = re.compile("[0-9]{3}号").search


def has_estate_room(text: str) -> bool:
    """Whether ``text`` may hold a room after an estate (a quick test before :data:`ROOM_ESTATE`)."""
    return "号" in text and _HAS_ESTATE_ROOM(text) is not None


def has_numbered_room(text: str) -> bool:
    """Whether ``text`` may hold a room after a house number (substring tests before one scan)."""
    return "号" in text and ("室" in text or "房" in text)


def has_dashed_room(text: str) -> bool:
    """Whether ``text`` may hold a room written with dashes (a quick test before :data:`ROOM_DASHED`)."""
    return "-" in text and _HAS_DASHED_ROOM(text) is not None


def has_building(text: str) -> bool:
    """Whether ``text`` names a building or a unit (a quick test before :data:`ROOM`)."""
    return _HAS_BUILDING(text) is not None


def mask_room(m: re.Match[str], char: str) -> str:
    """Every digit of the room number masked: the building and unit stay readable."""
    return char * len(m["v"])
