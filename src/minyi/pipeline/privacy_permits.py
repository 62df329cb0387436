"""Passport numbers and spaced-out plates, for :mod:`minyi.pipeline.privacy`.

Both were shown in full on public views in the second attacker probe
(docs/security-probes.md):

- **passports**: a Chinese passport is E or G and eight digits (``E12345678``), the
  newer E + a letter + seven digits (``EA1234567``); official and older ones P, D or S and
  seven or eight digits.  After 护照/护照号/护照号码/passport (no.) any one or two letters
  and seven to nine digits are taken, since the older forms are only told from an order
  or model number by that cue; without a cue only E or G and eight digits, standing alone
  (not inside a longer run of letters and digits: ``SKUE12345678`` stays).  Masked keeping
  the letters and the last two digits: ``E******78``.
- **plates written with spaces** between characters (``湘 A 1 2 3 4 5``, ``湘 A12345``,
  ``湘A 1 2 3 4 5``), a way to get past a filter that the plate rule of
  :mod:`minyi.pipeline.privacy` (one separator after the letter at most) misses.  The
  plate is taken only when, without its spaces, it is a plate the plate rule would take
  (five or six characters after the letter, at least three of them digits).  Masked to
  the compact form: ``湘A*****``.
- **other permits** (third probe), kind ``permit``: after the name of a permit, any one or
  two letters and 7–18 digits (maybe a final X, maybe a letter in brackets: 台胞证
  ``1234567890(B)``).  The names: 港澳通行证 and 往来港澳通行证 (C or K and eight digits),
  回乡证 / 港澳居民来往内地通行证 (H or M and eight or ten digits), 台湾通行证 / 大陆居民往来台湾
  通行证 (L or T and eight digits), 台胞证 / 台湾居民来往大陆通行证 (eight or ten digits), any
  other 通行证, 居住证, 驾驶证 / 驾照 / 驾驶执照 (their number is the holder's ID number, or a
  12-digit 档案编号), 社保卡 / 社会保障卡 / 医保卡, and 社保 / 医保 / 社会保障 / 医疗保险 followed by
  号, 号码, 卡号 or 编号; 军官证, 士兵证, 残疾证 / 残疾人证.  Without a name only C or K and eight
  digits standing alone (a 港澳通行证's card number; case numbers end in eight characters
  after a dash and tracking codes start with MY, so neither is one).  Masked like an ID when
  the value is 15 or 18 characters of digits (``430***********123X``), else keeping the
  letters and the last two digits (``C******78``).  A card number after 社保卡号 that passes
  Luhn, and a valid ID after 驾驶证号, are taken first by the card and ID rules.
  Not a permit on purpose: a company's 统一社会信用代码 (营业执照, 91430100MA4L1234X5) is
  public by law (国家企业信用信息公示系统) and identifies a business, not a person.
"""

from __future__ import annotations

import re

__all__ = [
    "PASSPORT",
    "PERMIT",
    "PLATE_SPACED",
    "has_passport",
    "has_permit",
    "has_spaced_plate",
    "mask_passport",
    "mask_permit",
    "mask_plate_spaced",
]

_CUE = r"(?:护照|(?i:passport))(?:号码|号|编号|(?i:\s*no\.?|\s*number))?"
#: Digits grouped by single spaces as a card is read out (C 1234 5678, E1234 5678; eleventh
#: probe: shown in full).  Only after a cue: the bare forms must be written whole.  The mask
#: functions count the digits (7-9 for a passport, 7-18 for a permit).
_GROUPED = "[0-9]{1,8}(?: [0-9]{1,8}){1,4}"
_END = "(?![0-9A-Za-z])"
#: The value is group ``v``: after a cue any one or two letters and 7-9 digits, else E/G + 8 digits.
PASSPORT = re.compile(
    rf"(?:{_CUE}\s*(?:[:：#]|是|为|(?i:is)(?= ))?\s*"
    rf"|(?<![0-9A-Za-z])(?=[EG][0-9]{{8}}{_END}|E[A-HJ-NP-Z][0-9]{{7}}{_END}))"
    rf"(?P<v>[A-Za-z]{{1,2}} ?(?:[0-9]{{7,9}}|{_GROUPED})"
    # after a cue, also a foreign passport's shape (thirteenth probe): nine digits (USA), 12AB34567 (France)
    rf"|(?<=[^0-9A-Za-z])(?:[0-9]{{8,9}}|[0-9]{{2}}[A-Za-z]{{2}}[0-9]{{5}}|[A-Za-z]{{2}}[0-9]{{6,7}}[A-Za-z]?)){_END}"
)
_PASSPORT_QUICK = re.compile("[EG][0-9A-Z][0-9]{7}").search

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_ALNUM = "A-HJ-NP-Za-hj-np-z0-9"
PLATE_SPACED = re.compile(
    rf"(?P<p>[{_PROVINCES}]) ?(?P<l>[A-HJ-NP-Za-hj-np-z]) ?[·•・.-]? ?"
    rf"(?P<t>[{_ALNUM}](?: ?[{_ALNUM}]){{3}}(?:(?: ?[{_ALNUM}]){{1,2}}| ?[挂学警港澳]))"
    rf"(?! ?[{_ALNUM}])"
)
_SPACED_QUICK = re.compile(
    f"[{_PROVINCES}] [A-Za-z]|[{_PROVINCES}][A-Za-z][·•・.-]? ?[0-9A-Za-z]{{0,5}} "
).search
_PLATE_MIN_DIGITS = 3
_PASSPORT_DIGITS = (7, 9)
_PERMIT_DIGITS = (7, 18)


def has_passport(text: str) -> bool:
    """Whether ``text`` may hold a passport number (substring tests before one scan)."""
    if "护照" in text or "assport" in text or "ASSPORT" in text:
        return True
    return ("E" in text or "G" in text) and _PASSPORT_QUICK(text) is not None


def mask_passport(m: re.Match[str], char: str) -> str | None:
    """``E12345678`` → ``E******78``; ``EA1234567`` → ``EA*****67``."""
    value = m["v"].replace(" ", "")
    if value[0].isdigit():  # a foreign passport after a cue: 123456789, 12AB34567
        if m[0] == m["v"]:
            return None  # no cue before it: a bare number is no passport
        return char * (len(value) - 2) + value[-2:]
    letters = 2 if value[1].isalpha() else 1
    if not _PASSPORT_DIGITS[0] <= len(value) - letters <= _PASSPORT_DIGITS[1]:
        return None  # grouped digits too few or too many for a passport
    return value[:letters] + char * (len(value) - letters - 2) + value[-2:]


def has_spaced_plate(text: str) -> bool:
    """Whether ``text`` may hold a plate with a space inside it."""
    return " " in text and _SPACED_QUICK(text) is not None


def mask_plate_spaced(m: re.Match[str], char: str) -> str | None:
    """``湘 A 1 2 3 4 5`` → ``湘A*****``; None when the tail is no plate's."""
    tail = m["t"].replace(" ", "")
    if sum(c.isdigit() for c in tail) < _PLATE_MIN_DIGITS:
        return None
    return f"{m['p']}{m['l']}{char * len(tail)}"


#: Names of permits after which a number is the holder's (no 号 needed after them).
_PERMIT_NAMES = (
    "(?:往来)?港澳(?:居民来往内地)?通行证|(?:大陆居民)?(?:往来)?台湾(?:居民来往大陆)?通行证|通行证|回乡证|台胞证"
    "|(?:港澳台居民)?居住证|驾驶证|驾驶执照|驾照|社会保障卡|社保卡|医保卡|医疗保险卡|军官证|士兵证|残疾人?证"
)
_PERMIT_SUFFIX = "(?:档案编号|证件号码|证号|卡号|号码|编号|号)"
#: The value is group ``v``.  The word before a bare 社保/医保 must be followed by a 号 word.
PERMIT = re.compile(
    rf"(?:(?:(?:{_PERMIT_NAMES}){_PERMIT_SUFFIX}?|(?:社保|医保|社会保障|医疗保险){_PERMIT_SUFFIX})"
    r"\s*(?:[:：]|是|为)?\s*"
    rf"|(?<![0-9A-Za-z])(?=[CK][0-9]{{8}}{_END}))"
    rf"(?P<v>[A-Za-z]{{0,2}} ?(?:[0-9]{{7,18}}|{_GROUPED})"
    rf"(?:[Xx][0-9]{{0,2}})?(?:[(（][A-Za-z0-9][)）])?){_END}"
)
#: The words every cue of :data:`PERMIT` holds (身份证 and 卡号 alone are not among them).
_PERMIT_WORDS = re.compile(
    "通行证|回乡证|台胞证|居住证|驾驶|驾照|社保|医保|社会保障|医疗保险|军官证|士兵证|残疾"
).search
_BARE_QUICK = re.compile("[CK][0-9]{8}").search
_PERMIT_PARTS = re.compile("(?P<head>[A-Za-z]*) ?(?P<digits>[0-9]+[Xx]?)(?P<tail>.*)")
_ID_LENGTHS = (15, 18)
_DATE_LEN = 8


def has_permit(text: str) -> bool:
    """Whether ``text`` may hold a permit's number (substring tests before one scan)."""
    if ("证" in text or "照" in text or "保" in text or "疾" in text) and _PERMIT_WORDS(text) is not None:
        return True  # one character first: a substring test costs a fifth of a regex scan
    return ("C" in text or "K" in text) and _BARE_QUICK(text) is not None


def _is_date(digits: str) -> bool:
    """Whether eight digits read as a day of 1900-2099 (驾驶证20210315到期 is a date)."""
    if len(digits) != _DATE_LEN or digits[:2] not in {"19", "20"}:
        return False
    month, day = int(digits[4:6]), int(digits[6:])
    return 1 <= month <= 12 and 1 <= day <= 31  # noqa: PLR2004 - months and days


def mask_permit(m: re.Match[str], char: str) -> str | None:
    """``C12345678`` → ``C******78``; a 15- or 18-digit number like an ID (``430***********123X``)."""
    parts = _PERMIT_PARTS.fullmatch(m["v"].replace(" ", ""))
    if parts is None:
        return None
    head, digits, tail = parts["head"], parts["digits"], parts["tail"]
    if not _PERMIT_DIGITS[0] <= len(digits.rstrip("Xx")) <= _PERMIT_DIGITS[1]:
        return None  # grouped digits too few or too many for a permit
    if not head and _is_date(digits):
        return None
    if not head and len(digits) in _ID_LENGTHS:
        return digits[:3] + char * (len(digits) - 7) + digits[-4:] + tail
    return head + char * (len(digits) - 2) + digits[-2:] + tail
