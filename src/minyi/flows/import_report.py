"""What an import reports: :class:`ImportReport`, and :class:`ImportValidationError`.

Kept apart from :mod:`minyi.flows.imports` (which re-exports both) so that the report a
user reads, on the command line, the import page or as JSON, is defined in one short place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from minyi.interop.mapping import RowError
from minyi.interop.tabular import ImportFileError

__all__ = ["ImportReport", "ImportValidationError"]

MAX_ERRORS_SHOWN = 20


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, in a dry run, would do).

    ``rows_read`` counts the non-blank data rows; ``imported`` the messages stored;
    ``duplicates`` the rows skipped because their id was already stored, or repeated in
    the file; ``invalid`` lists the problems of the rows left out; ``failed_processing``
    counts stored messages whose processing failed (stored, to be retried).
    """

    rows_read: int
    imported: int
    duplicates: int
    invalid: list[RowError]
    failed_processing: int
    source: str
    elapsed_seconds: float
    channel: str = "import"
    dry_run: bool = False
    mapping: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    layout: str = ""
    layout_label: str = ""
    extra_columns: list[str] = field(default_factory=list)
    replies: int = 0

    @property
    def invalid_rows(self) -> int:
        """How many rows were invalid (a row may have several errors)."""
        return len({error.row for error in self.invalid})

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON values."""
        return {
            "source": self.source,
            "channel": self.channel,
            "dry_run": self.dry_run,
            "rows_read": self.rows_read,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "invalid_rows": self.invalid_rows,
            "invalid": [error.to_dict() for error in self.invalid],
            "failed_processing": self.failed_processing,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
            "mapping": dict(self.mapping),
            "warnings": list(self.warnings),
            "layout": self.layout,
            "layout_label": self.layout_label,
            "extra_columns": list(self.extra_columns),
            "replies": self.replies,
        }


class ImportValidationError(ImportFileError):
    """Rows that failed validation; nothing was written. ``errors`` lists every problem."""

    def __init__(self, errors: list[RowError], report: ImportReport) -> None:
        """Keep the errors and the report of the pass that found them."""
        self.errors = errors
        self.report = report
        rows = report.invalid_rows
        lines = [f"{report.source}: {rows} invalid row{'s' if rows != 1 else ''}; nothing was imported"]
        lines += [f"  {error}" for error in errors[:MAX_ERRORS_SHOWN]]
        if len(errors) > MAX_ERRORS_SHOWN:
            lines.append(f"  … and {len(errors) - MAX_ERRORS_SHOWN} more")
        lines.append("Fix these rows, or import the others with --skip-invalid.")
        super().__init__("\n".join(lines))
