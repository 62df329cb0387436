"""Import presets: named file layouts that ``minyi import FILE`` recognises without flags.

A preset names a layout by the headers it requires, says which column feeds which message
field, which columns carry a historical reply (附件4's 答复意见 and 答复时间), and what
becomes of the other columns (ignored, and named in the report). :func:`detect_preset`
picks the most specific preset whose required headers are all present; a file matching
none is read with the generic header recognition of :mod:`minyi.interop.mapping`.

The layouts known today are those of the 2020 TipDM "智慧政务" data (附件2: labelled
messages, 附件3: messages with 点赞数/反对数, 附件4: messages with official replies) and
Minyi's own export (:mod:`minyi.interop.export_layout`, when present).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from minyi.interop.mapping import FIELD_ALIASES, normalise_header

REPLY_FIELDS = ("reply", "replied_at")


@dataclass(frozen=True)
class Preset:
    """A named layout: required headers, field → column, reply columns, extra-column policy.

    Attributes:
        name: The short name (``附件4``), stored as the import's layout.
        label: What the layout holds, for reports (``messages with official replies``).
        required: Headers that must all be present for the file to have this layout.
        mapping: Message field → column (columns the file lacks are left out).
        reply: Reply field (``reply``, ``replied_at``) → column.
        extra: What becomes of other columns: ``"ignore"`` (named in the report).
    """

    name: str
    label: str
    required: tuple[str, ...]
    mapping: dict[str, str]
    reply: dict[str, str] = field(default_factory=dict)
    extra: str = "ignore"

    @property
    def title(self) -> str:
        """``附件4 (messages with official replies)``."""
        return f"{self.name} ({self.label})"

    def matches(self, columns: Sequence[str]) -> bool:
        """Whether every required header is among ``columns`` (compared as normalised)."""
        found = {normalise_header(column) for column in columns}
        return all(normalise_header(header) in found for header in self.required)

    def mapping_for(self, columns: Sequence[str]) -> dict[str, str]:
        """The preset's field → column mapping, spelled as the file spells its headers."""
        return _resolve(self.mapping, columns)

    def reply_for(self, columns: Sequence[str]) -> dict[str, str]:
        """The reply columns, spelled as the file spells them."""
        return _resolve(self.reply, columns)

    def extra_columns(self, columns: Sequence[str], mapping: dict[str, str]) -> list[str]:
        """The file's columns that feed nothing (after ``mapping`` and the reply columns)."""
        used = set(mapping.values()) | set(self.reply_for(columns).values())
        return [column for column in columns if column not in used]


def _resolve(wanted: dict[str, str], columns: Sequence[str]) -> dict[str, str]:
    by_name = {normalise_header(column): column for column in columns}
    resolved = {}
    for name, header in wanted.items():
        column = by_name.get(normalise_header(header))
        if column is not None:
            resolved[name] = column
    return resolved


_TIPDM_MESSAGE = {
    "external_id": "留言编号",
    "author": "留言用户",
    "title": "留言主题",
    "submitted_at": "留言时间",
    "body": "留言详情",
}
_TIPDM_REQUIRED = ("留言编号", "留言用户", "留言主题", "留言时间", "留言详情")

TIPDM_REPLIES = Preset(
    name="附件4",
    label="messages with official replies",
    required=(*_TIPDM_REQUIRED, "答复意见", "答复时间"),
    mapping=dict(_TIPDM_MESSAGE),
    reply={"reply": "答复意见", "replied_at": "答复时间"},
)
TIPDM_HOT = Preset(
    name="附件3",
    label="messages with likes and dislikes, for hot issues",
    required=(*_TIPDM_REQUIRED, "点赞数", "反对数"),
    mapping={**_TIPDM_MESSAGE, "likes": "点赞数", "dislikes": "反对数"},
)
TIPDM_LABELLED = Preset(
    name="附件2",
    label="messages labelled with 一级分类",
    required=(*_TIPDM_REQUIRED, "一级分类"),
    mapping=dict(_TIPDM_MESSAGE),
)


def _export_preset() -> Preset | None:
    """Minyi's own export, as :mod:`minyi.interop.export_layout` describes it (if present).

    The layout module is read for ``COLUMNS`` (or ``EXPORT_COLUMNS``): header → message
    field, or a sequence of objects with ``header`` and ``field`` attributes, or of pairs.
    """
    try:
        layout = importlib.import_module("minyi.interop.export_layout")
    except ImportError:
        return None
    described = getattr(layout, "COLUMNS", None) or getattr(layout, "EXPORT_COLUMNS", None)
    pairs: list[tuple[str, str]] = []
    if isinstance(described, dict):
        pairs = [(str(header), str(name)) for header, name in described.items()]
    elif isinstance(described, (list, tuple)):
        for item in described:
            if isinstance(item, (list, tuple)) and len(item) >= 2:  # noqa: PLR2004 - a pair
                pairs.append((str(item[0]), str(item[1])))
            elif hasattr(item, "header") and hasattr(item, "field"):
                pairs.append((str(item.header), str(item.field)))
    mapping = {name: header for header, name in pairs if name in FIELD_ALIASES}
    reply = {name: header for header, name in pairs if name in REPLY_FIELDS}
    if not mapping or ("body" not in mapping and "title" not in mapping):
        return None
    return Preset(
        name="minyi",
        label="Minyi's own export",
        required=tuple(header for header, _ in pairs),
        mapping=mapping,
        reply=reply,
    )


def presets() -> list[Preset]:
    """Every known preset, the most specific first."""
    found = [TIPDM_REPLIES, TIPDM_HOT, TIPDM_LABELLED]
    export = _export_preset()
    return [export, *found] if export is not None else found


def detect_preset(columns: Sequence[str]) -> Preset | None:
    """The preset whose required headers the file has (most specific first), or ``None``."""
    return next((preset for preset in presets() if preset.matches(columns)), None)


def preset_named(name: str) -> Preset | None:
    """The preset called ``name`` (``附件4``, ``minyi``), or ``None``."""
    return next((preset for preset in presets() if preset.name == name), None)
