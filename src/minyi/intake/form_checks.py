"""Checks the portal makes on what a citizen types, beyond the message schema.

The API and imports take what other systems send (a hotline's records, old posts): their
phone fields hold extensions, short numbers and notes, and refusing them would lose
messages. A citizen at the form can be asked again, and should be: a phone number staff
cannot call back (``12345``, ten digits) or a text of emoji alone got a receipt and then no
answer.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["phone_problem", "wordless"]

_SEPARATORS = re.compile(r"[\s\-()（）.·]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0[1-9]\d{8,10}")  # area code with its 0, then 7–8 digits
_LOCAL = re.compile(r"[2-9]\d{6,7}")  # a landline without its area code: the city's own
_ABROAD = re.compile(r"\+(?!86)[1-9]\d{6,14}")  # 香港 +852, 澳门 +853, 台湾 +886, elsewhere
_WORD = re.compile(r"\w")  # a letter, a digit or a Han character: emoji and signs are not


def phone_problem(phone: str) -> bool:
    """Whether ``phone`` cannot be a number to call back (empty is fine: it is optional)."""
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", phone))  # ０７３１－… typed full-width
    if not compact:
        return False
    if _ABROAD.fullmatch(compact):
        return False
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            compact = compact[len(prefix) :]
            break
    return not (_MOBILE.fullmatch(compact) or _LANDLINE.fullmatch(compact) or _LOCAL.fullmatch(compact))


def wordless(text: str) -> bool:
    """Whether ``text`` (not empty) holds no letter, digit or Han character: emoji or signs only."""
    return bool(text.strip()) and not _WORD.search(text)
