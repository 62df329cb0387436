"""Mobile numbers written the ways the other rules of :mod:`minyi.pipeline.privacy` miss.

Two forms people use, in the portal's text and in hotline transcripts:

- **grouped with dots or long dashes**, 3-4-4 as printed on a business card:
  ``138.0013.8000``, ``138—0013—8000`` (an input method's dash), ``138–0013–8000``, also
  ``138_0013_8000``, ``138/0013/8000`` and ``138·0013·8000`` (third probe). Only
  the 3-4-4 grouping with one separator throughout is taken, so amounts and versions
  (``1.35``, ``13.5.2``) stay as written. Masked to the compact form: ``138****8000``.
- **in Chinese numerals**, as a number is read aloud or written to get past a filter:
  ``一三八零零一三八零零零``, ``幺三八 零零一三 八零零零``, ``壹叁捌…``. Eleven numerals (spaces
  allowed between them) forming a mobile number, 1 then 3–9; a run of eleven numerals
  is no word in Chinese prose, so nothing else is taken. Masked keeping the first three
  and last four numerals: ``一三八****八零零零``.
- **digits and numerals mixed**, ``138零零13八000``: the same eleven places, each an ASCII
  digit or a numeral, at least one numeral; not glued to other digits or letters.
  Masked the same way: ``138****八000``. Looked for only when a numeral follows an ASCII 1
  and its digits, spaces and dashes (``138零…``, ``138 零零13 八000``, ``1 3 8 零 …``) or the
  run starts with 一/幺/壹: a quick test for any digit next to a numeral cost 4.5 µs a text.

Between the places of the numeral and mixed forms a single space or dash may stand
(``138 零零13 八000``, ``一三八-零零一三-八零零零``, ``1 3 8 零 零 1 3 八 0 0 0``; full-width ones
reach here as ASCII), as in the third probe.

Also e-mail addresses with the @ or the dots spelt out, as people write them to get past
a filter (third probe): ``zhangsan#qq.com``, ``zhangsan(at)qq.com``, ``zhangsan at qq dot
com``, ``zhangsan艾特qq点com``.  The domain must end in a common top-level domain (com, cn,
net, org …) so that ``C#.net`` or a sentence with "at" is left alone.  Masked keeping the
first character and the rest as written: ``z***#qq.com``.
"""

from __future__ import annotations

import re

__all__ = [
    "EMAIL_SPOKEN",
    "MOBILE_SPOKEN",
    "has_email_spoken",
    "has_spoken",
    "mask_email_spoken",
    "mask_spoken",
]

_HAN_DIGITS = "〇零一二三四五六七八九幺壹贰叁肆伍陆柒捌玖"
_HAN_ONE = "一幺壹"
_HAN_THREE_TO_NINE = "三四五六七八九叁肆伍陆柒捌玖"

_GROUPED = (
    r"(?<![0-9A-Za-z./_])1[3-9][0-9](?P<sep>[.—–_/·])[0-9]{4}(?P=sep)[0-9]{4}(?![0-9A-Za-z]|[./_][0-9])"
)
_HAN = (
    rf"(?<![{_HAN_DIGITS}0-9A-Za-z])[1{_HAN_ONE}][ -]?[3-9{_HAN_THREE_TO_NINE}]"
    rf"(?:[ -]?[0-9{_HAN_DIGITS}]){{9}}"
    rf"(?![ -]*[0-9{_HAN_DIGITS}])"
)
#: Both forms in one pattern (one rule, one quick test: a rule costs a scan of every text).
MOBILE_SPOKEN = re.compile(f"(?P<n>{_GROUPED}|{_HAN})")
_GROUPED_QUICK = re.compile(r"1[3-9][0-9]([.—–_/·])[0-9]{4}\1[0-9]").search
_HAN_QUICK = re.compile(f"[{_HAN_ONE}] ?[3-9{_HAN_THREE_TO_NINE}]").search
# Starts with a literal 1 (a fast prefix search); 1[3-9]? … in any place was 4.5 µs a text.
_MIXED_QUICK = re.compile(f"1[ -]?(?:[3-9][0-9 -]{{0,16}}[{_HAN_DIGITS}]|[{_HAN_THREE_TO_NINE}])").search


def has_spoken(text: str) -> bool:
    """Whether ``text`` may hold either form (substring tests first: one regex scan cost 6 µs)."""
    if (
        "." in text or "—" in text or "–" in text or "_" in text or "/" in text or "·" in text
    ) and _GROUPED_QUICK(text):
        return True
    if ("一" in text or "幺" in text or "壹" in text) and _HAN_QUICK(text) is not None:
        return True
    return "1" in text and _MIXED_QUICK(text) is not None


def mask_spoken(m: re.Match[str], char: str) -> str | None:
    """``138.0013.8000`` → ``138****8000``; ``一三八 零零一三 八零零零`` → ``一三八****八零零零``.

    None for eleven ASCII digits (no numeral): the mobile rule's, which read them first.
    """
    if m["sep"]:
        kept = m["n"].replace(m["sep"], "")
    elif (kept := m["n"].replace(" ", "").replace("-", "")).isascii():
        return None
    return kept[:3] + char * 4 + kept[-4:]


_AT = r"(?:\s*[\[(（【{]\s*(?:at|AT|艾特|@)\s*[\])）】}]\s*|\s+(?:at|AT)\s+|\s*(?:艾特|圈a|#)\s*)"
_DOT = r"(?:\.|。|\s*[\[(（【{]\s*(?:dot|DOT|点)\s*[\])）】}]\s*|\s+(?:dot|DOT)\s+|点)"
_TLD = "(?:com|cn|net|org|edu|gov|cc|top|vip|me|io|info|hk|tw)"
#: An e-mail with @ or dots spelt out; group ``local`` is the part before the @.
EMAIL_SPOKEN = re.compile(
    rf"(?<![A-Za-z0-9._%+-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]{{2,63}}){_AT}"
    rf"(?:[A-Za-z0-9-]{{1,63}}{_DOT})+{_TLD}(?:{_DOT}(?:cn|hk|tw))?(?![A-Za-z0-9])"
)
_AT_WORD = re.compile(r"[ \[(（【{](?:at|AT)[ \])）】}]").search
_TLD_WORDS = ("com", "cn", "net", "org", "edu", "gov", "cc", "top", "vip", "me", "io", "info", "hk", "tw")


def has_email_spoken(text: str) -> bool:
    """Whether ``text`` may hold an e-mail with @ or dots spelt out (substring tests only)."""
    if "#" in text or "艾特" in text or "圈a" in text:
        return any(word in text for word in _TLD_WORDS)
    if ("at" in text or "AT" in text) and _AT_WORD(text) is not None:
        return any(word in text for word in _TLD_WORDS)
    return False


def mask_email_spoken(m: re.Match[str], char: str) -> str:
    """``zhangsan#qq.com`` → ``z***#qq.com``: the first character and what follows the name kept."""
    return m["local"][:1] + char * 3 + m[0][m.end("local") - m.start() :]
