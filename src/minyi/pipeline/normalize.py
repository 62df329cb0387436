"""Bring citizens' messages to one normal form before anything else reads them.

Messages arrive from web forms, WeChat, e-mail and hotline transcripts.  The same
words come in many shapes: HTML fragments, Traditional characters, full-width
digits typed with a Chinese input method, stray control characters and runs of
odd spaces.  :class:`TextNormalizer` turns them into one plain form so that the
later stages (privacy masking, classification, deduplication) see one spelling.

Steps, in order:

1. *Truncate*: a text longer than ``max_chars`` is analysed on a truncated copy
   and the result says ``truncated=True``; the caller keeps the original.
2. *HTML* (only when the text holds ``<`` or ``&``): ``script``/``style``
   contents and comments are dropped, block tags (``<br>``, ``<p>``, ``<div>``,
   ``<li>`` ...) become a space, other tags are removed, entities are unescaped
   with :func:`html.unescape`.  A ``<`` not followed by a tag name (``价格<100元``)
   is plain text and stays.
3. *Width and control characters*, in one :meth:`str.translate` pass:

   - full-width ASCII letters, digits and symbols (U+FF01–U+FF5E) become their
     ASCII forms, **except** the Chinese sentence punctuation
     ``，！？：；（）``, which stays full-width because that is how Chinese
     text is written (``。``, ``、`` and the quotation marks ``“”‘’`` are not
     full-width forms and are never touched);
   - the ideographic space U+3000, no-break and other Unicode spaces, tabs and
     line breaks become an ASCII space;
   - control characters (C0 except whitespace, DEL, C1) and invisible marks
     (zero-width space, word joiner, BOM) are removed.  The zero-width joiner
     stays: emoji sequences need it.
4. *Traditional → Simplified* with OpenCC's ``t2s`` configuration, skipped for a text
   that it would return unchanged (most are Simplified already): an exact test, see
   :mod:`minyi.pipeline._opencc_fixed`.
5. *Whitespace*: every run of whitespace becomes one space; ends are trimmed.

Emoji and other scripts pass through unchanged.  Empty or whitespace-only input
gives an empty text, never an exception.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, Self

from minyi.pipeline._opencc_fixed import FixedPoints, load_fixed_points

__all__ = ["KEPT_FULLWIDTH", "NormalizedText", "TextNormalizer"]

#: Full-width punctuation that is kept as it is: Chinese sentence punctuation.
KEPT_FULLWIDTH = frozenset("，！？：；（）")

_FULLWIDTH_FIRST, _FULLWIDTH_LAST = 0xFF01, 0xFF5E
_FULLWIDTH_OFFSET = 0xFEE0
_SPACES = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    chr(c) for c in range(0x2000, 0x200B)
)
_INVISIBLE = "\u200b\u2060\ufeff"

_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_BLOCK_TAG = re.compile(
    r"</?(?:br|p|div|li|ul|ol|tr|td|th|table|thead|tbody|h[1-6]|hr|section|article|blockquote|pre"
    r"|header|footer|dd|dt|dl)\b[^<>]*>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<![^<>]*>")
_DANGLING_TAG = re.compile(r"<[A-Za-z/!][^<>]*\Z")


class _Converter(Protocol):
    """What this module needs from ``opencc.OpenCC``."""

    def convert(self, text: str) -> str:
        """Convert ``text``."""
        ...


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """One normalised message.

    Attributes:
        text: the normal form (possibly of a truncated copy).
        truncated: whether only the first ``max_chars`` characters were analysed.
        original_length: length of the text as received, in characters.
    """

    text: str
    truncated: bool
    original_length: int


def build_translation_table(
    *, fullwidth_to_halfwidth: bool = True, keep_line_breaks: bool = False
) -> dict[int, str | None]:
    """The :meth:`str.translate` table for step 3 (width, spaces, control characters).

    Args:
        fullwidth_to_halfwidth: whether full-width ASCII forms become ASCII.
        keep_line_breaks: keep tabs, line feeds and carriage returns as they are
            (used when whitespace is not collapsed); otherwise they become a space.

    Returns:
        A mapping from code point to replacement (``None`` deletes).
    """
    table: dict[int, str | None] = {}
    for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]:
        table[code] = None
    for char in _SPACES:
        table[ord(char)] = " "
    for char in _INVISIBLE:
        table[ord(char)] = None
    if keep_line_breaks:
        for char in "\t\n\r":
            del table[ord(char)]
    if fullwidth_to_halfwidth:
        for code in range(_FULLWIDTH_FIRST, _FULLWIDTH_LAST + 1):
            if chr(code) not in KEPT_FULLWIDTH:
                table[code] = chr(code - _FULLWIDTH_OFFSET)
    return table


def strip_html(text: str) -> str:
    """``text`` without HTML markup; entities unescaped, block tags become spaces.

    Texts without ``<`` or ``&`` are returned as they are (fast path).
    """
    if "<" in text:
        text = _SCRIPT_STYLE.sub(" ", text)
        text = _COMMENT.sub(" ", text)
        text = _BLOCK_TAG.sub(" ", text)
        text = _ANY_TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text


class TextNormalizer:
    """Normalise message texts (see the module docstring for the steps).

    Follows scikit-learn conventions: settings are stored by ``__init__``,
    :meth:`fit` prepares the state (``table_``, ``converter_``) and learns nothing
    from the data, :meth:`transform` applies.  ``transform`` fits lazily when
    ``fit`` was not called.

    Args:
        to_simplified: convert Traditional to Simplified characters (OpenCC ``t2s``).
        fullwidth_to_halfwidth: full-width ASCII forms become ASCII (Chinese
            sentence punctuation is kept, see :data:`KEPT_FULLWIDTH`).
        strip_html: remove markup and unescape entities.
        collapse_whitespace: runs of whitespace become one space; ends trimmed.
        max_chars: longest text analysed; longer texts are truncated first.
            ``None`` means no limit.
    """

    def __init__(
        self,
        *,
        to_simplified: bool = True,
        fullwidth_to_halfwidth: bool = True,
        strip_html: bool = True,
        collapse_whitespace: bool = True,
        max_chars: int | None = 20000,
    ) -> None:
        """Store the settings unchanged (scikit-learn convention)."""
        self.to_simplified = to_simplified
        self.fullwidth_to_halfwidth = fullwidth_to_halfwidth
        self.strip_html = strip_html
        self.collapse_whitespace = collapse_whitespace
        self.max_chars = max_chars

    def fit(self, texts: Iterable[str] | None = None) -> Self:  # noqa: ARG002 - API symmetry
        """Check the settings and build the translation table and converter.

        Args:
            texts: ignored; accepted for pipeline symmetry.

        Returns:
            ``self``.

        Raises:
            ValueError: when ``max_chars`` is not positive.
        """
        if self.max_chars is not None and self.max_chars < 1:
            raise ValueError(f"max_chars must be positive or None, not {self.max_chars!r}")
        self.table_ = build_translation_table(
            fullwidth_to_halfwidth=self.fullwidth_to_halfwidth,
            keep_line_breaks=not self.collapse_whitespace,
        )
        # With whitespace collapsed afterwards, ``str.split`` already turns the space-like
        # characters into one space: only the other entries need ``translate`` (slow, a
        # dict look-up per character), and only when one of them occurs at all.
        needed = {
            code: value
            for code, value in self.table_.items()
            if not (self.collapse_whitespace and value == " " and chr(code).isspace())
        }
        self.fast_table_ = needed
        chars = "".join(re.escape(chr(c)) for c in sorted(needed))
        self.needs_table_ = re.compile(f"[{chars}]" if chars else "(?!)")
        self.converter_: _Converter | None = None
        self.fixed_points_: FixedPoints | None = None
        if self.to_simplified:
            import opencc  # local: loading the dictionaries costs a few milliseconds

            self.converter_ = opencc.OpenCC("t2s")
            self.fixed_points_ = load_fixed_points(self.converter_)
        # One scan for steps 3 and 4 together: a text with neither a character to translate
        # nor a witness of OpenCC's (most of them) is left alone by both.
        self.quiet_ = (
            None if self.fixed_points_ is None else re.compile(f"[{chars}{self.fixed_points_.char_class}]")
        )
        return self

    def _simplified(self, text: str) -> str:
        """``text`` in Simplified characters; the converter is not called when it would change nothing."""
        if self.converter_ is None or text.isascii():
            return text
        if self.fixed_points_ is not None and self.fixed_points_.unchanged(text):
            return text
        return self.converter_.convert(text)

    def transform_one(self, text: str | None) -> NormalizedText:
        """Normalise one text; ``None`` or blank input gives an empty text."""
        if not hasattr(self, "table_"):
            self.fit()
        if not text:
            return NormalizedText(text="", truncated=False, original_length=0)
        original_length = len(text)
        truncated = self.max_chars is not None and original_length > self.max_chars
        if truncated:
            text = text[: self.max_chars]
            if self.strip_html:
                text = _DANGLING_TAG.sub("", text)
        if self.strip_html and ("<" in text or "&" in text):
            text = strip_html(text)
        if self.quiet_ is None or self.quiet_.search(text) is not None:
            if self.needs_table_.search(text):
                text = text.translate(self.fast_table_)
            text = self._simplified(text)
        if self.collapse_whitespace:
            text = " ".join(text.split())
        return NormalizedText(text=text, truncated=truncated, original_length=original_length)

    def transform(self, texts: Iterable[str]) -> list[NormalizedText]:
        """Normalise each text, in order."""
        return [self.transform_one(text) for text in texts]

    def fit_transform(self, texts: Iterable[str]) -> list[NormalizedText]:
        """:meth:`fit` then :meth:`transform`."""
        return self.fit(None).transform(texts)
