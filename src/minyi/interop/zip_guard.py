"""Refuse an .xlsx that would expand far beyond its size (a zip bomb) before a reader opens it.

An .xlsx is a zip of XML parts, and openpyxl, even in read-only mode, reads the shared
strings and the styles whole into memory when it opens a workbook. An 810 KB upload whose
``xl/sharedStrings.xml`` expands to 340 MB (one string repeated: 412 times smaller when
compressed) held the import page's upload request for more than four CPU-minutes and 1 GB of
memory just to read the header; a 32 MiB upload of the same kind would have taken the
server's memory. Real workbooks compress 2.6 to 12 times (附件1–4, staff exports, the
teams' result files), so :func:`check_xlsx` refuses, as Apache POI's ``ZipSecureFile``
does, any part that expands more than :data:`MAX_RATIO` (100) times once it is larger than
:data:`GRACE_BYTES` (small parts, such as an empty sheet, compress better), a workbook of
more than :data:`MAX_PARTS` parts, and one that would expand to more than
:data:`MAX_EXPANDED_BYTES` in all.

The sizes checked are those the archive's directory declares. A directory that lies gains
nothing: :mod:`zipfile`, which openpyxl reads through, never inflates a part beyond its
declared size (it stops there, and the CRC check then fails), so no part can grow past
what was checked here.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from minyi.interop.text_files import ImportFileError

__all__ = ["GRACE_BYTES", "MAX_EXPANDED_BYTES", "MAX_PARTS", "MAX_RATIO", "check_archive", "check_xlsx"]

MAX_RATIO = 100
GRACE_BYTES = 1 << 20
MAX_PARTS = 10_000
MAX_EXPANDED_BYTES = 4 << 30
_MB = 1_048_576


def check_xlsx(path: Path) -> None:
    """Refuse ``path`` if its parts would expand beyond the limits above.

    A file that is not a zip archive at all is left to the reader, whose own error says so.

    Raises:
        ImportFileError: A part expands more than ``MAX_RATIO`` times, or the workbook has
            too many parts or would expand to more than ``MAX_EXPANDED_BYTES``.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        check_archive(archive, path.name)


def check_archive(archive: zipfile.ZipFile, name: str) -> None:
    """:func:`check_xlsx` for an archive a reader has already opened (``name`` for the error).

    Raises:
        ImportFileError: As :func:`check_xlsx`.
    """
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise ImportFileError(
            f"{name}: the workbook holds {len(parts)} parts (at most {MAX_PARTS}); "
            "save it again in Excel or as .csv"
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > GRACE_BYTES and ratio > MAX_RATIO:
            raise ImportFileError(
                f"{name}: part {part.filename} would expand to {part.file_size // _MB} MB, "
                f"{ratio:.0f} times its compressed size (at most {MAX_RATIO}); refused as a "
                "possible zip bomb; save it again in Excel or as .csv"
            )
    expanded = sum(part.file_size for part in parts)
    if expanded > MAX_EXPANDED_BYTES:
        raise ImportFileError(
            f"{name}: the workbook would expand to {expanded // _MB} MB "
            f"(at most {MAX_EXPANDED_BYTES // _MB} MB); split it or save it as .csv"
        )
