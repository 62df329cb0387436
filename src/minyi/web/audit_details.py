"""An audit event's actor and details in the reader's words (审计日志, /staff/admin/audit).

The trail stores its details as keys and values for machines (``from=None; to=staff``,
``rows_read=150``, ``status=closed``), and the command line as ``cli`` or ``command line``.
The page showed them as stored: an administrator read Python's ``None`` for "a new
account" and English keys on a Chinese page. The stored events do not change; only what the
page says of them.
"""

from __future__ import annotations

from typing import Any

from minyi.audit import services as audit
from minyi.cases import lifecycle
from minyi.web import i18n
from minyi.web.import_texts import layout_text, run_status
from minyi.web.labels import role_label

#: How the command line signs its events (``minyi export`` and ``minyi user create``).
COMMAND_LINE = frozenset({"cli", audit.COMMAND_LINE})

_KEYS: dict[str, tuple[str, str]] = {
    "format": ("格式", "format"),
    "cases": ("案件数", "cases"),
    "department": ("承办单位", "department"),
    "category": ("分类", "category"),
    "status": ("状态", "status"),
    "run": ("导入编号", "import"),
    "layout": ("格式", "layout"),
    "rows_read": ("读取行数", "rows read"),
    "imported": ("已导入", "imported"),
    "invalid_rows": ("有问题的行", "broken rows"),
    "page": ("页面", "page"),
    "messages": ("留言数", "messages"),
    "contacts": ("联系方式", "contacts"),
    "texts": ("删除正文", "texts erased"),
    "unpublished": ("撤回公开", "unpublished"),
    "people": ("涉及人数", "people"),
    "codes": ("查询码", "tracking codes"),
    "moved": ("重新计算期限的案件", "deadlines recounted"),
    "were_overdue": ("其中原已超期", "of them overdue"),
    "moved_earlier": ("其中期限提前", "of them brought forward"),
    "active": ("启用", "active"),
    "own": ("本人更改", "by the user"),
    "sessions": ("结束的会话", "sessions ended"),
    "kind": ("类别", "kind"),
    "name": ("名称", "name"),
    "keys": ("密钥数", "keys"),
    "created": ("新建", "created"),
    "existing": ("已有", "already present"),
    "appeal_kind": ("诉求类型", "kind of appeal"),
    "reply_working_days": ("答复时限（工作日）", "reply within (working days)"),
    "reply_hours": ("答复时限（小时）", "reply within (hours)"),
    "accept_hours": ("签收时限（小时）", "sign for within (hours)"),
    "urgent": ("紧急", "urgent"),
    "note": ("说明", "note"),
    "previous": ("原模型", "previous model"),
    "replies": ("答复数", "replies"),
    "missing_messages": ("未找到的留言", "messages not found"),
    "rows": ("行数", "rows"),
    "action": ("操作", "action"),
    "actor": ("操作人", "actor"),
    "scope": ("范围", "scope"),
    "enabled": ("启用", "enabled"),
    "new": ("新增", "new"),
    "webhooks": ("Webhook 主机", "webhook hosts"),
    "emails": ("邮箱数", "e-mails"),
    "kept": ("保留未删除的案件", "cases kept, not deleted"),
    "title": ("标题", "title"),
    "was": ("原标题", "was"),
    "into": ("并入", "merged into"),
    "new_issue": ("新热点问题", "new issue"),
    "version": ("版本", "version"),
    "file": ("文件", "file"),
    "valid_to": ("有效期至", "in force until"),
    "numbers": ("案件编号", "case numbers"),
    "skipped": ("跳过", "skipped"),
    "skipped_numbers": ("跳过的案件", "cases skipped"),
}
#: ``from`` and ``to`` are a role change's roles, or an export's dates.
_ROLE_KEYS = {"from": ("原角色", "from"), "to": ("新角色", "to")}
_DATE_KEYS = {"from": ("起始日期", "from"), "to": ("截止日期", "to")}
_PAGES = {"case": ("案件页", "case page")}


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


#: Subjects that name a kind of record rather than one (an export's, an erasure's).
_SUBJECTS = {"cases": ("案件", "cases"), "messages": ("留言", "messages")}


def audit_subject(subject: str, language: str = "zh") -> str:
    """A case number, file or user name as stored; ``cases`` and ``messages`` in words."""
    return _pick(_SUBJECTS[subject], language) if subject in _SUBJECTS else subject


def audit_actor(actor: str, language: str = "zh") -> str:
    """The actor's user name, or 命令行 for whatever the command line did."""
    if actor in COMMAND_LINE:
        return _pick(("命令行", "command line"), language)
    return actor


def _status(value: str, language: str) -> str:
    try:
        return lifecycle.label(value, language)
    except ValueError:
        return value


def _empty(action: str, key: str, language: str) -> str:
    new_account = action == "role_changed" and key == "from"
    return _pick(("（新账号）", "(new account)"), language) if new_account else "—"


def _value(action: str, key: str, value: Any, language: str) -> str:
    """One value as the reader says it: a role, a status, a layout, a page, a list."""
    if value is None or value == "":
        return _empty(action, key, language)
    if isinstance(value, list):
        return ("、" if language != "en" else ", ").join(str(item) for item in value)
    if isinstance(value, bool):
        return _pick(("是", "yes") if value else ("否", "no"), language)
    said = str(value)
    words: dict[tuple[str, str], Any] = {
        ("role_changed", "from"): role_label,
        ("role_changed", "to"): role_label,
        ("import", "status"): run_status,
        ("import", "layout"): layout_text,
    }
    named: dict[str, Any] = {"status": _status, "page": _page, "appeal_kind": _appeal, "action": action_label}
    word = words.get((action, key)) or named.get(key)
    return str(word(said, language)) if word is not None else said


def _appeal(value: str, language: str) -> str:
    """A deadline rule's kind of appeal in words (投诉, not ``complaint``)."""
    key = f"appeal.{value}"
    return i18n.translate(key, language) if key in i18n.TEXTS else value


def action_label(action: str, language: str = "zh") -> str:
    """An action in words (the stored name when this version does not know it)."""
    key = f"audit.{action}"
    return i18n.translate(key, language) if key in i18n.TEXTS else action


def _page(value: str, language: str) -> str:
    return _pick(_PAGES.get(value, (value, value)), language)


def audit_details(action: str, details: dict[str, Any] | None, language: str = "zh") -> str:
    """``原角色：（新账号）；新角色：承办人`` — each detail named, in the reader's language."""
    names = {**_KEYS, **(_ROLE_KEYS if action == "role_changed" else _DATE_KEYS)}
    parts = []
    for key, value in (details or {}).items():
        name = _pick(names[key], language) if key in names else key
        said = _value(action, key, value, language)
        parts.append(f"{name}: {said}" if language == "en" else f"{name}：{said}")
    return ("; " if language == "en" else "；").join(parts)
