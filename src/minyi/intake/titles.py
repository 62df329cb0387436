"""A title cut from a longer text without cutting a number or an address in two.

Channels without a title (Open311's description, a file without 留言主题) take the text's
first characters. Cut in the middle of ``leako311@example.com`` the title kept
``leako311@exam``, which no masker recognises as an e-mail any more, so the staff API and
the export showed its user part in clear. A run of Latin letters, digits and signs at the
cut is dropped whole: what stays is either complete or absent.
"""

from __future__ import annotations

import re

_TAIL = re.compile(r"[!-~]+$")  # printable ASCII without the space: an e-mail, a URL, a number


def cut_title(text: str, limit: int) -> str:
    """The first ``limit`` characters of ``text``, without a token cut in two at the end."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if _TAIL.search(cut) and not text[limit].isspace() and text[limit].isascii():
        shorter = _TAIL.sub("", cut).rstrip()
        return shorter or cut  # a text that is one long token keeps its start
    return cut
