"""The audit trail as a CSV file for a supervision office (审计日志导出, /staff/admin/audit.csv).

The office that asks who did what to a case reads a spreadsheet, not a page: the same
columns as the page (time in local time, actor, action, subject, address, details), in the
reader's language, every cell through :mod:`minyi.interop.safe_cells` (a file name or user
name starting with ``=`` must not run as a formula in the office's spreadsheet).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from minyi.audit.models import AuditEvent
from minyi.core.localtime import format_time
from minyi.interop.safe_cells import SafeWriter
from minyi.web import i18n
from minyi.web.audit_details import action_label, audit_actor, audit_details, audit_subject

_HEADERS = (
    "audit.time_local",
    "audit.actor",
    "audit.action",
    "audit.subject",
    "audit.address",
    "audit.details",
)


def write_csv(out: TextIO, events: Iterable[AuditEvent], language: str = "zh") -> int:
    """Write a header and one row per event to ``out``; how many events were written."""
    writer = SafeWriter(out)
    writer.writerow([i18n.translate(key, language) for key in _HEADERS])
    rows = 0
    for event in events:
        writer.writerow(
            [
                format_time(event.at, "%Y-%m-%d %H:%M:%S"),
                audit_actor(event.actor, language),
                action_label(event.action, language),
                audit_subject(event.subject, language),
                event.address or "",
                audit_details(event.action, event.details, language),
            ]
        )
        rows += 1
    return rows
