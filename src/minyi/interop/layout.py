"""How a file's columns are read: its layout (preset or recognised headers), replies, rejects.

:func:`detect_layout` decides which column feeds which message field (a preset such as
附件4, else header recognition, an explicit mapping winning over both);
:class:`ReplyReader` reads a row's historical reply; :class:`Rejects` writes the rows
left out, with their errors, for the person who fixes them. Used by
:func:`minyi.flows.imports.import_messages` and the import page's preview.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self
from zoneinfo import ZoneInfo

from minyi.interop import values
from minyi.interop.mapping import RowError, detect_mapping
from minyi.interop.presets import Preset, detect_preset, preset_named
from minyi.interop.safe_cells import SafeWriter
from minyi.interop.tabular import ImportFileError, Record, cell_text

__all__ = ["Layout", "Rejects", "Reply", "ReplyReader", "detect_layout"]


class Rejects:
    """Writes invalid rows, with their errors, to a CSV file Excel opens (UTF-8 with BOM)."""

    def __init__(self, path: Path | None, columns: list[str]) -> None:
        self.path = path
        self.columns = columns
        self._stream: IO[str] | None = None
        self._writer: Any = None

    def __enter__(self) -> Self:
        """Open the file and write its header (nothing without a path)."""
        if self.path is not None:
            try:
                self._stream = self.path.open("w", encoding="utf-8-sig", newline="")
            except OSError as exc:
                raise ImportFileError(
                    f"{self.path}: cannot write the rejected rows ({exc.strerror})"
                ) from None
            self._writer = SafeWriter(self._stream)
            self._writer.writerow(["row", "errors", *self.columns])
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Close the file, whatever happened: the rows written so far stay readable."""
        if self._stream is not None:
            self._stream.close()

    def write(self, number: int, record: Record, errors: list[RowError]) -> None:
        """Write row ``number`` as read, after its problems."""
        if self._writer is not None:
            problems = "; ".join(f"{error.field}: {error.message}" for error in errors)
            self._writer.writerow([number, problems, *(cell_text(record.get(c)) for c in self.columns)])


Reply = tuple[str, datetime]


@dataclass(frozen=True)
class ReplyReader:
    """Reads a row's historical reply (答复意见, 答复时间) from the preset's reply columns."""

    columns: dict[str, str]
    zone: ZoneInfo

    def __call__(self, number: int, record: Record) -> tuple[Reply | None, list[RowError]]:
        """The reply text and time of row ``number`` (``None`` without a text), or the problems."""
        text_column, time_column = self.columns.get("reply"), self.columns.get("replied_at")
        if text_column is None:
            return None, []
        errors: list[RowError] = []
        text = time = None
        try:
            text = values.parse_text(record.get(text_column))
        except values.CellValueError as exc:
            errors.append(RowError(number, "reply", str(exc), text_column))
        if time_column is not None:
            try:
                time = values.parse_time(record.get(time_column), zone=self.zone)
            except values.CellValueError as exc:
                errors.append(RowError(number, "replied_at", str(exc), time_column))
        if errors or not isinstance(text, str) or not text.strip():
            return None, errors
        if not isinstance(time, datetime):
            return None, [
                RowError(number, "replied_at", "must not be empty when there is a reply", time_column)
            ]
        return (text, time), []


@dataclass(frozen=True)
class Layout:
    """How a file is read: its preset (if one matched), mapping and reply columns."""

    preset: Preset | None
    mapping: dict[str, str]
    reply: dict[str, str]
    extra: list[str]

    @property
    def name(self) -> str:
        """The preset's name, or ``""`` for a file read by header recognition."""
        return self.preset.name if self.preset else ""

    @property
    def label(self) -> str:
        """``附件4 (messages with official replies)``, or ``generic (headers recognised)``."""
        return self.preset.title if self.preset else "generic (headers recognised)"


def detect_layout(
    columns: Sequence[str], mapping: dict[str, str] | None = None, layout: str | None = None
) -> Layout:
    """The layout of a file with header ``columns``: a preset's, or recognised headers.

    ``layout`` names a preset (``附件4``), ``"generic"`` for header recognition only, or
    ``None`` to detect it. ``mapping`` (field → column) wins over the preset's.

    Raises:
        ImportFileError: ``layout`` names no preset, or the mapping is unusable.
    """
    preset: Preset | None
    if layout is None:
        preset = detect_preset(columns)
    elif layout == "generic":
        preset = None
    else:
        preset = preset_named(layout)
        if preset is None:
            raise ImportFileError(f"unknown layout {layout!r}")
        if not preset.matches(columns):
            missing = ", ".join(preset.required)
            raise ImportFileError(
                f"the file does not have the layout {preset.title}: it needs the columns {missing}"
            )
    explicit = dict(mapping or {})
    if preset is not None:
        explicit = {**preset.mapping_for(columns), **explicit}
    chosen = detect_mapping(columns, explicit)
    reply = preset.reply_for(columns) if preset else {}
    used = set(chosen.values()) | set(reply.values())
    return Layout(preset, chosen, reply, [column for column in columns if column not in used])
