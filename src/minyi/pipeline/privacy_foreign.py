"""Personal data as a foreign resident writes it, for :mod:`minyi.pipeline.privacy`.

The thirteenth probe (docs/security-probes.md) wrote as a foreign resident does, in
English or English mixed with Chinese, and found on every public view:

- **phone numbers with a foreign country code** (``+44 7700 900123``, ``+82 10-1234-5678``,
  ``+1 (650) 253-0000``) shown in full, and a US number (``+1 415 555 0132``) masked as
  if it were a Chinese mobile (``+141****0132``).  Kind ``mobile``: a ``+`` or ``00``, a
  country code other than 86, then 6–13 digits grouped by spaces, dashes, dots or a
  parenthesised area code.  Masked keeping the country code and the last four digits,
  each other digit a mask character and the grouping as written: ``+44 **** **0123``.
- **a phone number after an English cue** (phone, tel, mobile, cell, call me at, my number
  is, WhatsApp …) in a shape no Chinese rule takes (``(415) 555-0132``, ``07700 900456``):
  7–15 digits, masked the same way.  Tried after the Chinese mobile and landline rules,
  which keep their shapes (``Tel: 138****5678``).
- **the room of an English address** (``Room 1203, Building 5, 丽发新城``, ``Apt 502``,
  ``Flat 12B``, ``Rm. 1203``).  Kind ``address``: three or four digits (maybe a letter)
  after room, rm, apt, apartment, flat or suite; the digits are masked (``Room ****``),
  the building and the estate stay readable, as in ``5栋****室``.
- **a name introduced in English or in Latin letters** (``My name is John Smith``,
  ``I am Kim Min-jun (김민준)``, ``我叫Tanaka Yuki（田中由纪）``, ``name: Maria Garcia``), and
  a Korean name in Hangul after 我叫/my name is (a name in kana alone is not taken).
  Kind ``name``: two to four capitalised words (a hyphenated given name counts as one),
  maybe followed by the same name in other letters in brackets.  Each word keeps its
  first letter (``J*** S****``); the bracketed name its first character.  One
  capitalised word alone (``I am Chinese``) is not taken, nor words that follow ``I am``
  in a sentence (``I am Very Angry``: see :data:`_NOT_FIRST`).

Not taken (left open): a foreign name that is not introduced, a foreign number without
either a country code or a cue, addresses without a room word (``1203, Building 5``).
"""

from __future__ import annotations

import re

from minyi.pipeline.privacy_numbers import is_service_number

__all__ = [
    "INTL_PHONE",
    "LATIN_NAME",
    "PHONE_CUED_EN",
    "ROOM_EN",
    "has_intl_phone",
    "has_latin_name_intro",
    "has_phone_cue_en",
    "has_room_word",
    "latin_names_introduced",
    "mask_latin_name",
    "mask_phone_digits",
    "mask_room_en",
    "masked_word",
]


def _word_set(*lines: str) -> frozenset[str]:
    """The space-separated words of ``lines``."""
    return frozenset(" ".join(lines).split())


#: Cheap tests before the case-insensitive ones, which cost ten times as much on Chinese text
#: (thirteenth probe; bench/README.md): two lower-case letters in a row, a capitalised word, Hangul.
_LOWER_WORD = re.compile("[a-z][a-z]").search
_TITLE_WORD = re.compile("[A-Z][a-z]").search
_HANGUL = re.compile("[\uac00-\ud7a3]").search
_INTL_00 = re.compile("(?<![0-9])00 ?[1-9]").search

_MIN_DIGITS, _MAX_DIGITS = 6, 13  # after the country code (ITU-T E.164: 15 digits in all)
_CUED_MIN, _CUED_MAX = 7, 15
_KEEP = 4  # digits kept at the end, as a Chinese mobile keeps its last four

#: A number with a country code other than China's (+86 numbers are the Chinese rules').
INTL_PHONE = re.compile(
    r"(?<![0-9A-Za-z+])(?P<cc>(?:\+|00) ?(?!86)[1-9][0-9]{0,2})"
    r"(?P<n>[ .-]?(?:\([0-9]{1,4}\)|[0-9]{1,5})(?:[ .-]?(?:\([0-9]{1,4}\)|[0-9]{1,5})){1,5})"
    r"(?![0-9A-Za-z])"
)
_INTL_QUICK = re.compile(r"(?:\+|00) ?[1-9]").search

#: A phone number after an English cue: group ``v``.
PHONE_CUED_EN = re.compile(
    r"(?i:\b(?:phone|tel|telephone|mobile|cell|cellphone|whatsapp|call me|reach me|contact me|my number)\b)"
    r"(?:\s*(?i:no\.?|number|nr\.?|#|is|at|on|:|：)){0,3}\s*"
    r"(?P<v>(?:\+ ?[1-9][0-9]{0,2}[ .-]?)?\(?[0-9][0-9]{0,4}\)?(?:[ .-]?[0-9]{1,5}){1,5})(?![0-9A-Za-z])"
)
_EN_PHONE_QUICK = re.compile(
    r"(?i)phone|tel|mobile|cell|whatsapp|call me|reach me|contact me|my number"
).search

#: The room of an English address: group ``v``.
ROOM_EN = re.compile(
    r"(?i:\b(?:room|rm|apt|apartment|flat|suite)\b)\.?\s*(?:(?i:no)\.?\s*)?#?\s*"
    r"(?P<v>[0-9]{3,4}[A-Za-z]?)(?![0-9A-Za-z])"
)
_ROOM_QUICK = re.compile(r"(?i)room|rm|apt|apartment|flat|suite").search

_WORD = r"[A-Z][A-Za-z']{1,20}(?:-[A-Za-z][a-z']{1,20})?"
_OTHER_SCRIPT = r"[\uac00-\ud7a3\u3040-\u30ff\u4e00-\u9fff·・]{2,8}"
_INTRO = (
    r"(?:(?i:\bmy name is|\bmy name's|\bi am|\bi'm|\bname\s*[:：]|\bcontact(?: person)?\s*[:：])"
    r"|我叫|名叫|名字叫|名字是|我是|本人|姓名\s*[:：]?|联系人\s*[:：]?)"
)
#: A name in Latin letters after an introduction (group ``v``), maybe with the same name in
#: other letters in brackets right after it; or a Korean name in Hangul alone.
LATIN_NAME = re.compile(
    rf"{_INTRO}\s*(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?"
    rf"(?P<v>(?P<latin>{_WORD}(?: {_WORD}){{1,3}})(?:\s*[(（](?P<other>{_OTHER_SCRIPT})[)）])?"
    r"|(?P<hangul>[\uac00-\ud7a3]{2,4}))"
    r"(?![A-Za-z0-9\uac00-\ud7a3\u30a0-\u30ff])"
)
_INTRO_QUICK = re.compile(r"(?i)name|i am|i'm|contact|我叫|名叫|名字|我是|本人|姓名|联系人").search
#: Capitalised words that follow "I am" in a sentence, not a name (I am Very Angry, I am Resident Of …).
_NOT_FIRST = _word_set(
    "A An The Very Not So Writing Living Staying Working Studying From In At Here Also Really Still Just",
    "Extremely Deeply Resident Residents Owner Owners Tenant Tenants Foreign Foreigner Chinese English",
    "Building Room Unit Apartment Street Road District Community",
)


def has_intl_phone(text: str) -> bool:
    """Whether ``text`` may hold a number with a country code (a quick test before :data:`INTL_PHONE`)."""
    if "+" in text:
        return _INTL_QUICK(text) is not None
    return "00" in text and _INTL_00(text) is not None


def has_phone_cue_en(text: str) -> bool:
    """Whether ``text`` holds an English phone cue (a quick test before :data:`PHONE_CUED_EN`)."""
    return _LOWER_WORD(text) is not None and _EN_PHONE_QUICK(text) is not None


def has_room_word(text: str) -> bool:
    """Whether ``text`` holds an English room word (a quick test before :data:`ROOM_EN`)."""
    return _LOWER_WORD(text) is not None and _ROOM_QUICK(text) is not None


def has_latin_name_intro(text: str) -> bool:
    """Whether ``text`` may introduce a name in other letters (a quick test before :data:`LATIN_NAME`)."""
    letters = _TITLE_WORD(text) is not None or _HANGUL(text) is not None
    return letters and _INTRO_QUICK(text) is not None


def mask_phone_digits(value: str, char: str, *, lo: int = _CUED_MIN, hi: int = _CUED_MAX) -> str | None:
    """Every digit of ``value`` but the last four masked, the grouping kept; None for a wrong count."""
    count = sum(c.isdigit() for c in value)
    if not lo <= count <= hi:
        return None
    seen, out = 0, []
    for c in value:
        if c.isdigit():
            seen += 1
            out.append(c if seen > count - _KEEP else char)
        else:
            out.append(c)
    return "".join(out)


def mask_intl_phone(m: re.Match[str], char: str) -> str | None:
    """``+44 7700 900123`` → ``+44 **** **0123``: the country code and the last four digits kept."""
    masked = mask_phone_digits(m["n"], char, lo=_MIN_DIGITS, hi=_MAX_DIGITS)
    return None if masked is None else m["cc"] + masked


def mask_cued_phone(m: re.Match[str], char: str) -> str | None:
    """``(415) 555-0132`` after "phone:" → ``(***) ***-0132``; a leading ``+1`` stays."""
    value = m["v"]
    if is_service_number("".join(c for c in value if c.isdigit())):
        return None  # 0731-12345, 400-888-1234: public numbers stay readable after "call"
    head = re.match(r"\+ ?[1-9][0-9]{0,2}[ .-]?", value)
    cc = head[0] if head and not value[head.end() - 1].isdigit() else ""
    masked = mask_phone_digits(value[len(cc) :], char)
    return None if masked is None else cc + masked


def mask_room_en(m: re.Match[str], char: str) -> str:
    """``Room 1203`` → ``Room ****``: the room's digits masked, a letter after them too."""
    return char * len(m["v"])


def masked_word(word: str, char: str) -> str:
    """``Min-jun`` → ``M**-j**``: each part of a word keeps its first letter."""
    return "-".join(part[:1] + char * (len(part) - 1) for part in word.split("-"))


def mask_latin_name(m: re.Match[str], char: str) -> str | None:
    """``John Smith`` → ``J*** S****``; ``김민준`` → ``김**``; None when the words read as a sentence."""
    if m["hangul"]:
        return m["hangul"][:1] + char * (len(m["hangul"]) - 1)
    words = m["latin"].split(" ")
    if words[0] in _NOT_FIRST or words[1] in _NOT_FIRST:
        return None
    masked = " ".join(masked_word(word, char) for word in words)
    rest = m["v"][len(m["latin"]) :]
    if m["other"]:
        rest = rest.replace(m["other"], m["other"][:1] + char * (len(m["other"]) - 1))
    return masked + rest


def latin_names_introduced(text: str) -> list[str]:
    """The names :data:`LATIN_NAME` masks in ``text`` (the Latin and the bracketed forms), once each."""
    if not has_latin_name_intro(text):
        return []
    names: list[str] = []
    for m in LATIN_NAME.finditer(text):
        if mask_latin_name(m, "*") is None:
            continue
        names += [name for name in (m["latin"], m["other"], m["hangul"]) if name]
    return list(dict.fromkeys(names))
