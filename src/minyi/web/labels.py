"""Plain words for what the staff pages would otherwise show as codes.

Event actions, actors (系统 for the system, the user's name), channels, the appeal
classifier's reasons ("依据：“坏了” → 投诉", no scores), model versions (关键词规则 /
分类模型) and kinds of personal data, in Chinese or English. The templates call these as
globals (installed by :mod:`minyi.web.templating`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from minyi.alerts.wording import describe_alert, describe_rule
from minyi.cases.workflow import REOPENED_BY_RATING
from minyi.web import i18n
from minyi.web.domain_texts import domain_text

EVENTS: dict[str, tuple[str, str]] = {
    "received": ("收到留言", "Received"),
    "accepted": ("受理", "Accepted"),
    "dispatched": ("派单", "Dispatched"),
    "reassigned": ("改派", "Reassigned"),
    "returned": ("退单", "Returned to dispatch"),
    "status": ("状态变更", "Status changed"),
    "recategorised": ("更正类别", "Category corrected"),
    "kind_corrected": ("更正诉求类型", "Kind of appeal corrected"),
    "note": ("内部备注", "Internal note"),
    "replied": ("答复", "Replied"),
    "reply_added": ("补充答复", "Further reply"),
    "extension_requested": ("申请延期", "Extension requested"),
    "extension_decided": ("延期审批", "Extension decided"),
    "supervised": ("督办", "Supervised"),
    "reopened": ("重办", "Reopened"),
    "rated": ("回访评价", "Rated by the citizen"),
    "closed_by_rating": ("评价后办结", "Closed after the rating"),
    "not_reached": ("回访未联系上，办结", "Follow-up not reached; closed"),
    "merged": ("重复留言并入", "Duplicate merged in"),
    "merge_confirmed": ("确认合并", "Merge confirmed"),
    "split": ("拆出另立一案", "Split into a new case"),
    "split_from": ("由其他案件拆出", "Split from another case"),
    "cases_merged": ("并案", "Cases merged"),
    "merged_into": ("并入其他案件", "Merged into another case"),
    "contact_purged": ("联系方式已按期删除", "Contact details deleted (retention)"),
    "deadline_moved": ("按节假日安排重新计算期限", "Deadline recounted with the holidays"),
    "erased": ("应本人要求删除个人信息", "Personal data erased at the person's request"),
    "marked_urgent": ("标为紧急", "Marked urgent"),
    "suggestion_decided": ("采纳决定", "Adoption decision"),
    "callback_flagged": ("标记回电", "Flagged for a callback"),
    "callback_done": ("已回电", "Called back"),
}
CHANNELS: dict[str, tuple[str, str]] = {
    "portal": ("门户网站", "Web portal"),
    "api": ("接口", "API"),
    "open311": ("Open311 接口", "Open311"),
    "import": ("导入", "Import"),
}
PII_KINDS: dict[str, tuple[str, str]] = {
    "email": ("邮箱", "e-mail"),
    "id_card": ("身份证号", "ID number"),
    "passport": ("护照号", "passport number"),
    "permit": ("证件号", "permit number"),
    "bank_card": ("银行卡号", "bank card"),
    "qq": ("QQ号", "QQ"),
    "wechat": ("微信号", "WeChat"),
    "account": ("社交账号", "social media account"),
    "mobile": ("手机号", "mobile number"),
    "landline": ("固定电话", "landline"),
    "plate": ("车牌号", "licence plate"),
    "address": ("地址", "address"),
    "name": ("姓名", "name"),
}
DUPLICATE_KINDS: dict[str, tuple[str, str]] = {
    "exact": ("完全相同", "identical"),
    "near": ("高度相似", "near copy"),
}
ROLES: dict[str, tuple[str, str]] = {
    "admin": ("系统管理员", "Administrator"),
    "dispatcher": ("派单员", "Dispatcher"),
    "supervisor": ("督办员", "Supervisor"),
    "staff": ("承办人", "Department staff"),
}
SYSTEM = ("系统", "System")
CITIZEN = ("市民", "Citizen")
#: Reasons the system writes into events, in the reader's language (they are not user data).
SYSTEM_REASONS = {
    REOPENED_BY_RATING: (
        REOPENED_BY_RATING,
        "follow-up: the citizen said the problem is not solved or was not satisfied",
    ),
}
KEYWORD_MODEL = ("关键词规则", "Keyword rules")
TRAINED_MODEL = ("分类模型", "Trained model")
RULES_MODEL = ("规则", "Rules")

_CUE = re.compile(r'^(?:title|body) "(?P<cue>.+)" → (?P<kind>[a-z_]+) \+[0-9.]+$')
_NEGATED = re.compile(r'^(?:title|body) "(?P<cue>.+)" negated$')
_DEFAULT = re.compile(r"^no cue: default (?P<kind>[a-z_]+)$")
_MODEL = re.compile(r"^model → (?P<kind>[a-z_]+) [0-9.]+$")


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def _named(table: dict[str, tuple[str, str]], key: str | None, language: str) -> str:
    if not key:
        return ""
    return _pick(table[key], language) if key in table else key


def event_label(action: str, language: str = "zh") -> str:
    """The name of a case event (``dispatched`` → 派单)."""
    return _named(EVENTS, str(action), language)


def actor_label(event: Any, language: str = "zh") -> str:
    """Who did it: 系统 for the system, else the user's name (the username when gone)."""
    user = getattr(event, "actor_user", None)
    if user is not None:
        return str(user.display_name or user.username)
    if str(getattr(event, "action", "")) == "rated":  # through the tracking link: the citizen
        return _pick(CITIZEN, language)
    actor = str(getattr(event, "actor", "") or "")
    if actor.startswith("user:"):
        return actor.removeprefix("user:")
    if actor in {"", "system"}:
        return _pick(SYSTEM, language)
    return actor


def reason_label(reason: object, language: str = "zh") -> str:
    """An event's reason: the system's own in the reader's language, staff's as written."""
    text = str(reason or "")
    known = SYSTEM_REASONS.get(text)
    return _pick(known, language) if known is not None else text


def category_label(category: Any, language: str = "zh", *, path: bool = True) -> str:
    """A category's path (or, with ``path=False``, its own name) in the reader's language."""
    if category is None:
        return ""
    if path:
        return str(category.path_label(language))
    return str(category.label(language))


def channel_label(channel: str | None, language: str = "zh") -> str:
    """Where a message came from (``portal`` → 门户网站)."""
    return _named(CHANNELS, channel, language)


def role_label(role: str | None, language: str = "zh") -> str:
    """A user's role in words."""
    return _named(ROLES, role, language)


def department_label(department: Any, language: str = "zh") -> str:
    """A department's name in the reader's language: its English name on English pages when it has one."""
    if department is None:
        return ""
    english = getattr(department, "name_en", None)
    return str(english if language == "en" and english else department.name)


def pii_labels(kinds: Iterable[str], language: str = "zh") -> str:
    """Kinds of personal data found, in words, joined."""
    return ("、" if language != "en" else ", ").join(_named(PII_KINDS, k, language) for k in kinds)


def duplicate_kind_label(kind: str | None, language: str = "zh") -> str:
    """Identical or near copy."""
    return _named(DUPLICATE_KINDS, kind, language)


def _appeal(kind: str, language: str) -> str:
    return i18n.translate(f"appeal.{kind}", language)


def _reason(reason: str, language: str) -> str | None:
    en = language == "en"
    if match := _CUE.match(reason):
        return f"“{match['cue']}” → {_appeal(match['kind'], language)}"
    if match := _NEGATED.match(reason):
        return f"“{match['cue']}” (negated)" if en else f"“{match['cue']}”（否定，不计）"
    if match := _DEFAULT.match(reason):
        kind = _appeal(match["kind"], language)
        return f"no clear sign, so {kind}" if en else f"无明显特征，按{kind}处理"
    if match := _MODEL.match(reason):
        kind = _appeal(match["kind"], language)
        return f"the model says {kind}" if en else f"模型判断为{kind}"
    return None


def appeal_reasons(reasons: Iterable[str], language: str = "zh", limit: int = 3) -> str:
    """Why the appeal kind was chosen: "依据：“坏了” → 投诉；“请问” → 咨询" (no scores)."""
    said: list[str] = []
    for reason in reasons:
        text = _reason(str(reason), language)
        if text and text not in said:
            said.append(text)
        if len(said) >= limit:
            break
    if not said:
        return ""
    if language == "en":
        return "Because: " + "; ".join(said)
    return "依据：" + "；".join(said)


def model_label(version: str | None, language: str = "zh") -> str:
    """What produced a guess: 关键词规则 or 分类模型 (the version itself is technical)."""
    if not version:
        return ""
    if version.startswith("keywords:"):
        return _pick(KEYWORD_MODEL, language)
    if version.startswith("appeal-rules"):
        return _pick(RULES_MODEL, language)
    return _pick(TRAINED_MODEL, language)


GLOBALS = {
    "event_label": event_label,
    "actor_label": actor_label,
    "reason_label": reason_label,
    "category_label": category_label,
    "channel_label": channel_label,
    "role_label": role_label,
    "department_label": department_label,
    "pii_labels": pii_labels,
    "duplicate_kind_label": duplicate_kind_label,
    "appeal_reasons": appeal_reasons,
    "model_label": model_label,
    "describe_alert": describe_alert,
    "describe_rule": describe_rule,
    "domain_text": domain_text,
}
