"""The text as the rules of :mod:`minyi.pipeline.privacy` read it, and the spans they take.

Rules match ASCII digits and letters and never see invisible characters: people
write numbers in full-width digits (１３８…) and paste text holding zero-width
characters (U+200B–U+200D, U+FEFF) that split a number without showing.  The rules
read a copy with full-width forms made ASCII and zero-width characters dropped;
findings are mapped back to the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort

__all__ = ["ZERO_WIDTH", "Spans", "in_masked_number", "probe_text"]

#: Zero-width characters, dropped before matching (they split digits invisibly).
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\ufeff")
_PROBE_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0b\uff0d\uff20\u3000\u200b-\u200d\ufeff]")
_ZERO_WIDTH_RE = re.compile("[\u200b-\u200d\ufeff]")
_NEAR = 24  # a masked number has fewer mask characters in a row than this
_FULLWIDTH_TABLE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def probe_text(text: str) -> tuple[str, list[int] | None]:
    """The copy of ``text`` the rules read, and where its characters are in ``text``.

    Full-width digits and letters become ASCII (same length); zero-width characters
    are dropped, so ``index[i]`` is the offset in ``text`` of the copy's ``i``-th
    character (None when nothing was dropped).
    """
    if _PROBE_RE.search(text) is None:
        return text, None
    index = None
    if _ZERO_WIDTH_RE.search(text):
        index = [i for i, c in enumerate(text) if c not in ZERO_WIDTH]
        text = "".join([text[i] for i in index])
    return text.translate(_FULLWIDTH_TABLE), index


class Spans:
    """Disjoint ``(start, end)`` spans already taken, kept sorted."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps no taken span."""
        i = bisect_left(self.spans, (start, end))
        if i > 0 and self.spans[i - 1][1] > start:
            return False
        return not (i < len(self.spans) and self.spans[i][0] < end)

    def take(self, start: int, end: int) -> None:
        """Mark ``[start, end)`` as taken."""
        insort(self.spans, (start, end))


def in_masked_number(text: str, start: int, end: int, char: str) -> bool:
    """Whether ``text[start:end]`` is the kept head or tail of a number masked with ``char``.

    ``130****0000`` keeps digits on both sides of the mask; read again, ``130`` or
    ``0000`` could join the digits before or after into a new match, and masking
    would not be idempotent.  Digits merely wrapped in the mask character
    (``**13812345678**``, Markdown bold) are not taken for such a part.
    """
    after = text[end : end + _NEAR].lstrip(" -")  # a masked landline keeps its separator: 0731-******56
    rest = after.lstrip(char)
    if len(rest) < len(after) and rest[:1].isdigit():
        return True
    before = text[max(0, start - _NEAR) : start].rstrip(" -")
    rest = before.rstrip(char)
    return len(rest) < len(before) and rest[-1:].isdigit()
