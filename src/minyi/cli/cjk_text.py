"""Chinese help pages laid out as a terminal shows them.

click measures text by characters and wraps it at spaces: a Chinese character takes two
columns, and Chinese has no spaces. Left as it is, the option list loses its alignment beside
a Chinese metavar, a Chinese paragraph runs past the edge of the terminal, and a paragraph's
line break in the source comes out as a stray space between two characters. In a Chinese
process, :func:`install` gives click's help formatter a measure in columns and a wrapper that
may break between any two Chinese characters and joins their lines without a space.
"""

from __future__ import annotations

import contextvars
import importlib
import re
import textwrap
import unicodedata

# Han characters, CJK punctuation and the full-width forms (，。：；（）…).
CJK = re.compile(r"([\u2e80-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef])")
ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")
# Set while click writes a usage line: its pieces (``部门代码 名称``) are words, not a sentence.
_USAGE = contextvars.ContextVar("usage", default=False)


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes: two for a wide character, none for colour codes."""
    plain = ANSI.sub("", text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in plain)


def _chinese(char: str) -> bool:
    return CJK.fullmatch(char) is not None


# No line starts with a closing mark, and none ends with an opening one.
CLOSING = frozenset("，。、；：！？）」』》〉】…%)]}.,;:!?")
OPENING = frozenset("（「『《〈【([{")


def _breakable(before: str, after: str) -> bool:
    """Whether a line may end between these two pieces of one word of ``textwrap``."""
    return after[0] not in CLOSING and before[-1] not in OPENING


def _pieces(chunk: str) -> list[str]:
    """A chunk of ``textwrap`` cut between Chinese characters, where a line may end."""
    pieces: list[str] = []
    for piece in (piece for piece in CJK.split(chunk) if piece):
        if pieces and not _breakable(pieces[-1], piece):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return pieces


def split_chunks(chunks: list[str]) -> list[str]:
    """``textwrap``'s chunks cut between Chinese characters, and no space between two of them."""
    pieces = [piece for chunk in chunks for piece in _pieces(chunk)]
    kept: list[str] = []
    for index, piece in enumerate(pieces):
        following = pieces[index + 1] if index + 1 < len(pieces) else ""
        if piece.isspace() and kept and _chinese(kept[-1][-1]) and following and _chinese(following[0]):
            continue  # a line break of the source inside a Chinese sentence
        kept.append(piece)
    return kept


def install() -> None:
    """Make click measure in columns and wrap Chinese between characters, in this process."""
    formatting = importlib.import_module("click.formatting")
    wrapping = importlib.import_module("click._textwrap")
    base: type[textwrap.TextWrapper] = wrapping.TextWrapper

    class ChineseTextWrapper(base):  # type: ignore[valid-type,misc]
        """click's wrapper, breaking between Chinese characters too."""

        def _split(self, text: str) -> list[str]:
            chunks: list[str] = super()._split(text)
            return chunks if _USAGE.get() else split_chunks(chunks)

    usage = formatting.HelpFormatter.write_usage

    def write_usage(self: object, prog: str, args: str = "", prefix: str | None = None) -> None:
        """A usage line wrapped at its spaces only, each kept: ``部门代码 名称`` read as one word."""
        token = _USAGE.set(True)
        try:
            usage(self, prog, args, prefix)
        finally:
            _USAGE.reset(token)

    formatting.HelpFormatter.write_usage = write_usage
    formatting.term_len = columns  # type: ignore[attr-defined]
    wrapping.term_len = columns  # type: ignore[attr-defined]
    wrapping.TextWrapper = ChineseTextWrapper  # type: ignore[attr-defined]
