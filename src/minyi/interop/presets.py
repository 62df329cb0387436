"""Import presets: named file layouts that ``minyi import FILE`` recognises without flags.

A preset names a layout by the headers it requires, says which column feeds which message
field, which columns carry a historical reply (附件4's 答复意见 and 答复时间), and what
becomes of the other columns (ignored, and named in the report). :func:`detect_preset`
picks the most specific preset whose required headers are all present; a file matching
none is read with the generic header recognition of :mod:`minyi.interop.mapping`.

The layouts known today are those of the 2020 TipDM "智慧政务" data (附件2: labelled
messages, 附件3: messages with 点赞数/反对数, 附件4: messages with official replies) and
Minyi's own export (:mod:`minyi.interop.export_layout`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from minyi.interop.export_layout import MESSAGE_COLUMNS, SIGNATURE
from minyi.interop.mapping import FIELD_ALIASES, normalise_header


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


def _export_preset() -> Preset:
    """Minyi's own export, as :mod:`minyi.interop.export_layout` describes it.

    Recognised by the export's :data:`~minyi.interop.export_layout.SIGNATURE` (案件编号,
    案件状态, 留言编号); its message columns feed the message fields of the same key. The
    case columns (status, department, times) and the JSON 答复记录/办理记录 are ignored: a
    re-import opens new cases through the pipeline, and is idempotent by 留言编号.
    """
    mapping = {column.key: column.header for column in MESSAGE_COLUMNS if column.key in FIELD_ALIASES}
    return Preset(
        name="minyi",
        label="Minyi's own export",
        required=tuple(sorted(SIGNATURE)),
        mapping=mapping,
    )


EXPORT = _export_preset()


def presets() -> list[Preset]:
    """Every known preset, the most specific first."""
    return [EXPORT, TIPDM_REPLIES, TIPDM_HOT, TIPDM_LABELLED]


def detect_preset(columns: Sequence[str]) -> Preset | None:
    """The preset whose required headers the file has (most specific first), or ``None``."""
    return next((preset for preset in presets() if preset.matches(columns)), None)


def preset_named(name: str) -> Preset | None:
    """The preset called ``name`` (``附件4``, ``minyi``), or ``None``."""
    return next((preset for preset in presets() if preset.name == name), None)


#: Each layout's name for people, (Chinese, English): the import page and `minyi import`.
LAYOUT_TITLES: dict[str, tuple[str, str]] = {
    "generic": ("通用格式（按表头识别）", "Generic (headers recognised)"),
    "附件2": ("附件2（带一级分类的留言）", "附件2 (messages labelled with 一级分类)"),
    "附件3": ("附件3（带点赞数、反对数的留言，用于热点问题）", "附件3 (messages with likes, for hot issues)"),
    "附件4": ("附件4（带官方答复的留言）", "附件4 (messages with official replies)"),
    "minyi": ("本系统导出的文件", "Minyi's own export"),
}
