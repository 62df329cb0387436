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
"""

from __future__ import annotations

import re

__all__ = [
    "PASSPORT",
    "PLATE_SPACED",
    "has_passport",
    "has_spaced_plate",
    "mask_passport",
    "mask_plate_spaced",
]

_CUE = r"(?:护照|(?i:passport))(?:号码|号|编号|(?i:\s*no\.?|\s*number))?"
_END = "(?![0-9A-Za-z])"
#: The value is group ``v``: after a cue any one or two letters and 7-9 digits, else E/G + 8 digits.
PASSPORT = re.compile(
    rf"(?:{_CUE}\s*(?:[:：]|是|为)?\s*|(?<![0-9A-Za-z])(?=[EG][0-9]{{8}}{_END}|E[A-HJ-NP-Z][0-9]{{7}}{_END}))"
    rf"(?P<v>[A-Za-z]{{1,2}} ?[0-9]{{7,9}}){_END}"
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


def has_passport(text: str) -> bool:
    """Whether ``text`` may hold a passport number (substring tests before one scan)."""
    if "护照" in text or "assport" in text or "ASSPORT" in text:
        return True
    return ("E" in text or "G" in text) and _PASSPORT_QUICK(text) is not None


def mask_passport(m: re.Match[str], char: str) -> str:
    """``E12345678`` → ``E******78``; ``EA1234567`` → ``EA*****67``."""
    value = m["v"].replace(" ", "")
    letters = 2 if value[1].isalpha() else 1
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
