"""Open a text file and find its encoding, with errors that point at the bad byte.

Text files are decoded with the encoding given; else as UTF-8 (with or without a BOM);
else as GB18030, which covers GBK and GB2312. A file starting with a UTF-16 byte-order
mark is read as UTF-16, and so is one without the mark whose zero bytes say it is UTF-16
(:func:`utf16_without_bom`). GB18030 decodes almost any bytes, so a file in another encoding
(Big5 for Traditional Chinese, Shift-JIS) would be read as rare characters without an
error: a detected GB18030 text whose characters are mostly in neither GB2312 nor Big5 is refused
(:func:`check_gb_text`) rather than imported as mojibake. :mod:`minyi.interop.tabular`
reads the rows; this module only decides how the bytes become text, so its checks stay in
one place.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = [
    "FALLBACK_ENCODING",
    "FOREIGN_SHARE",
    "ImportFileError",
    "check_gb_text",
    "choose_encoding",
    "decode_error",
    "decoded",
    "open_file",
    "utf16_without_bom",
]

FALLBACK_ENCODING = "gb18030"
#: Above this share of characters in neither GB2312 nor Big5 (among the non-ASCII ones),
#: detected GB18030 text is another encoding misread. In the 50-row chunks of 附件2–4: at most
#: 0.03 % as GBK (1.4 % in the worst single row), 1 % turned Traditional and saved as GBK;
#: 45–49 % saved as Big5 and 54–57 % as Shift-JIS, then read as GB18030.
FOREIGN_SHARE = 0.2
_MIN_NON_ASCII = 20  # fewer non-ASCII characters than this say nothing either way
_SAMPLE_SIZE = 1 << 20
_CHUNK_BYTES = 1 << 20
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class ImportFileError(ValueError):
    """A file (or an import option) that cannot be used; the text names the file and row."""


def open_file(path: Path, encoding: str | None = None, newline: str | None = None) -> IO[Any]:
    """``path`` opened as text in ``encoding`` (bytes without one); a clear error if it cannot be."""
    try:
        if encoding is None:
            return path.open("rb")
        return path.open(encoding=encoding, newline=newline)
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror})") from None


@dataclass(frozen=True)
class _BadByte:
    offset: int
    line: int
    byte: int


def _first_bad_byte(path: Path, encoding: str) -> _BadByte | None:
    """Where ``path`` first fails to decode as ``encoding`` (an ASCII-compatible one)."""
    offset = lines = 0
    pending = b""
    with open_file(path) as stream:
        while True:
            chunk = stream.read(_CHUNK_BYTES)
            data = pending + chunk
            cut = data.rfind(b"\n") + 1 if chunk else len(data)
            piece, pending = data[:cut], data[cut:]
            try:
                piece.decode(encoding)
            except UnicodeDecodeError as exc:
                line = lines + piece.count(b"\n", 0, exc.start) + 1
                return _BadByte(offset + exc.start, line, piece[exc.start])
            offset += len(piece)
            lines += piece.count(b"\n")
            if not chunk:
                return None


def _ascii_compatible(encoding: str) -> bool:
    try:
        return "a\n".encode(encoding) == b"a\n"
    except (UnicodeError, LookupError):
        return False


def _bad_byte_error(path: Path, encoding: str, bad: _BadByte) -> ImportFileError:
    return ImportFileError(
        f"{path.name}: byte 0x{bad.byte:02X} at offset {bad.offset} (line {bad.line}) is not valid "
        f"{encoding}; save the file as UTF-8, or give its encoding (--encoding)"
    )


def choose_encoding(path: Path, encoding: str | None) -> str:
    """The encoding to read ``path`` with: ``encoding`` if the file decodes in it, else detected.

    Reads the file through once (in chunks): a wrong guess would otherwise surface as a
    decoding error many rows into an import, after rows were validated.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ImportFileError(f"unknown encoding {encoding!r}; e.g. utf-8, gb18030, gbk") from None
        bad = _first_bad_byte(path, encoding) if _ascii_compatible(encoding) else None
        if bad is not None:
            raise _bad_byte_error(path, encoding, bad)
        return encoding
    with open_file(path) as stream:
        head = stream.read(_SAMPLE_SIZE)
    if head.startswith(_UTF16_BOMS):
        return "utf-16"
    guess = utf16_without_bom(head)
    if guess is not None and _decodes(path, guess):
        return guess
    utf8 = _first_bad_byte(path, "utf-8")
    if utf8 is None:
        return "utf-8-sig" if head.startswith(_UTF8_BOM) else "utf-8"
    fallback = _first_bad_byte(path, FALLBACK_ENCODING)
    if fallback is None:
        check_gb_text(path, head[: head.rfind(b"\n") + 1 or len(head)].decode(FALLBACK_ENCODING, "replace"))
        return FALLBACK_ENCODING
    # Point at the byte where the likelier encoding (the one that read further) broke down.
    raise _bad_byte_error(path, "UTF-8 or GB18030", max(utf8, fallback, key=lambda bad: bad.offset))


def decoded(path: Path, encoding: str | None) -> tuple[str, str]:
    """The encoding and the text of ``path``, read once.

    The file is read again only to point at a byte that cannot be decoded.
    """
    with open_file(path) as stream:
        data = stream.read()
    candidates = [encoding] if encoding else ["utf-8-sig", FALLBACK_ENCODING]
    if not encoding and data.startswith(_UTF16_BOMS):
        candidates = ["utf-16"]
    elif not encoding and (guess := utf16_without_bom(data[:_SAMPLE_SIZE])):
        candidates = [guess, *candidates]
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        name = "utf-8" if candidate == "utf-8-sig" and not data.startswith(_UTF8_BOM) else candidate
        if name == FALLBACK_ENCODING and not encoding:
            check_gb_text(path, text[:_SAMPLE_SIZE])
        return name, text
    raise decode_error(path, choose_encoding(path, encoding), "the whole file")


def decode_error(path: Path, encoding: str, where: str) -> ImportFileError:
    """The error for a file that failed to decode at ``where``, naming the byte when it can."""
    bad = _first_bad_byte(path, encoding) if _ascii_compatible(encoding) else None
    if bad is not None:
        return _bad_byte_error(path, encoding, bad)
    return ImportFileError(f"{path.name}, {where}: the text is not valid {encoding}; give its encoding")


def utf16_without_bom(head: bytes) -> str | None:
    r"""``utf-16-le`` or ``utf-16-be`` if ``head`` looks like UTF-16 without its byte-order mark.

    Such a file (some Windows tools write it) is valid UTF-8 when its text is ASCII, with a
    NUL after every character, and would be read as columns named ``t\x00i\x00…``. Text
    in UTF-8 or GBK holds no NUL; in UTF-16 every ASCII character (commas, line breaks,
    digits) has one, on the odd bytes (little-endian) or the even ones (big-endian).
    """
    half = len(head) // 2
    odd, even = head[1 : half * 2 : 2].count(0), head[0 : half * 2 : 2].count(0)
    most, least = max(odd, even), min(odd, even)
    if not half or most < max(2, half // 20) or least * 5 > most:
        return None
    return "utf-16-le" if odd > even else "utf-16-be"


def _decodes(path: Path, encoding: str) -> bool:
    with open_file(path) as stream:
        data = stream.read()
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def check_gb_text(path: Path, text: str) -> None:
    """Refuse ``text``, decoded from ``path`` as detected GB18030, when it reads as mojibake.

    Real text is almost all GB2312 (Simplified) or Big5 (Traditional, which GBK also holds);
    Big5 or Shift-JIS bytes read as GB18030 give characters that are in neither.

    Raises:
        ImportFileError: More than :data:`FOREIGN_SHARE` of its non-ASCII characters are
            in neither GB2312 nor Big5.
    """
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    if non_ascii < _MIN_NON_ASCII:
        return
    # An encoding error replaces one character by one "?": the positions line up.
    simplified = text.encode("gb2312", "replace").decode("gb2312")
    rare = "".join(char for char, seen in zip(text, simplified, strict=True) if seen == "?" != char)
    share = rare.encode("big5", "replace").count(b"?") / non_ascii
    if share > FOREIGN_SHARE:
        raise ImportFileError(
            f"{path.name}: read as GB18030, {share:.0%} of the text is rare characters "
            "(neither GB2312 nor Big5), so the file is likely in another encoding (Big5?); "
            "save it as UTF-8, or give its encoding (--encoding big5)"
        )
