"""Open a text file and find its encoding, with errors that point at the bad byte.

Text files are decoded with the encoding given; else as UTF-8 (with or without a BOM);
else as GB18030, which covers GBK and GB2312. A file starting with a UTF-16 byte-order
mark is read as UTF-16. :mod:`minyi.interop.tabular` reads the rows; this module only
decides how the bytes become text, so its checks stay in one place.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = ["FALLBACK_ENCODING", "ImportFileError", "choose_encoding", "decode_error", "decoded", "open_file"]

FALLBACK_ENCODING = "gb18030"
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
        head = stream.read(4)
    if head.startswith(_UTF16_BOMS):
        return "utf-16"
    utf8 = _first_bad_byte(path, "utf-8")
    if utf8 is None:
        return "utf-8-sig" if head.startswith(_UTF8_BOM) else "utf-8"
    fallback = _first_bad_byte(path, FALLBACK_ENCODING)
    if fallback is None:
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
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        name = "utf-8" if candidate == "utf-8-sig" and not data.startswith(_UTF8_BOM) else candidate
        return name, text
    raise decode_error(path, choose_encoding(path, encoding), "the whole file")


def decode_error(path: Path, encoding: str, where: str) -> ImportFileError:
    """The error for a file that failed to decode at ``where``, naming the byte when it can."""
    bad = _first_bad_byte(path, encoding) if _ascii_compatible(encoding) else None
    if bad is not None:
        return _bad_byte_error(path, encoding, bad)
    return ImportFileError(f"{path.name}, {where}: the text is not valid {encoding}; give its encoding")
