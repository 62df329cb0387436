"""Cells that a spreadsheet will not run: CSV (and XLSX) output that is safe to open in Excel.

Text that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
programs skip before reading the rest as a formula) is run by Excel, LibreOffice and Google
Sheets as a formula when the file is opened: a message titled ``=HYPERLINK("http://x","y")``
would become a live link, ``=cmd|…`` worse. Following the OWASP guidance on CSV injection,
every text cell we write goes through :func:`safe_cell`, which puts an apostrophe in front
of such text; the apostrophe shows the text as text, and the rest is unchanged. Numbers
(``int``, ``float``) are written as they are.

Control characters (C0 other than tab, LF, CR) are removed first: an XLSX cell cannot hold
them, so the XLSX writers strip them, and a text starting with U+0001 and ``=HYPERLINK(…)`` (imported from
another system) became a live formula after the check had passed it (found in the seventh
probe). No cell we write holds them.

The full-width forms ``＝ ＋ － ＠`` (and the small forms ``﹦ ﹢ ﹣ ﹫``) get the apostrophe too:
Excel with an East Asian input method or locale may turn a leading full-width ``＝`` into
``=`` when a cell is edited or a CSV is read, and a text that is harmless only because of
its width is not worth the risk (found in the second probe; Excel was not at hand to check).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from minyi.core.controls import without_controls

#: What a cell may not start with: ASCII, full-width and small forms of = + - @, tab, CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫")


def safe_cell(value: object) -> object:
    """``value`` without control characters, with an apostrophe in front if a spreadsheet would run it."""
    if not isinstance(value, str):
        return value
    value = without_controls(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[object]) -> list[object]:
    """Every cell of ``row`` through :func:`safe_cell`."""
    return [safe_cell(value) for value in row]


class SafeWriter:
    """A ``csv.writer`` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, handle: Any, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[object]) -> None:
        """Write one row."""
        self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        """Write several rows."""
        for row in rows:
            self.writerow(row)
