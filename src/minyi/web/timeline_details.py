"""What a step of the staff timeline says beyond its name.

The days asked, the decision, the new deadline, the supervision's comment and deadline,
a suggestion's adoption decision and a callback's outcome.

A supervisor read "延期审批 督办员" and "督办 督办员" with nothing after them: whether the
extension was granted, for how long, until when, and what the supervision asked by when
were in the event but not on the page. Notes and reasons are shown by the template itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from minyi.cases.models import CaseEvent, EventAction
from minyi.core.localtime import format_time

_TEXTS = {
    "days": ("{n} 个工作日", "{n} working {days}"),
    "approved": ("批准", "approved"),
    "rejected": ("不批准", "not approved"),
    "due": ("期限至 {t}", "due {t}"),
    "comment": ("督办意见：{c}", "supervision: {c}"),
    "asked_day_off": ("所选 {d} 不是工作日，已顺延", "{d} is not a working day: moved"),
    "was_overdue": ("原已超期，按节假日安排重新计算", "was overdue; recounted with the holidays"),
    "earlier": (
        "节假日安排更正后期限提前（原期限 {t}）",
        "brought forward after the holidays were corrected (was {t})",
    ),
    "overdue_again": ("已再次超期", "overdue again"),
    "kind": ("{a} → {b}", "{a} → {b}"),
    "no_due": ("不设答复期限", "no reply deadline"),
    "adopted": ("采纳", "adopted"),
    "partly_adopted": ("部分采纳", "partly adopted"),
    "not_adopted": ("不采纳", "not adopted"),
    "outcome": ("回电结果：{o}", "outcome: {o}"),
    "by_phone": ("电话回访", "by phone"),
    "signed_late": ("超时签收（签收期限 {t}）", "signed for late (due {t})"),
    "signed_in_time": ("按时签收（签收期限 {t}）", "signed for in time (due {t})"),
    "sign_due": ("签收期限 {t}", "sign for by {t}"),
    "no_sign_due": ("不设签收期限", "no acceptance deadline"),
}
# The kinds of appeal as the timeline names them (the same words as the case page's badges).
_KINDS = {
    "inquiry": ("咨询", "inquiry"),
    "help": ("求助", "help"),
    "complaint": ("投诉", "complaint"),
    "suggestion": ("建议", "suggestion"),
    "praise": ("表扬", "praise"),
    "report": ("举报", "report"),
    "undetermined": ("未能判断", "undetermined"),
}

_ADOPTIONS = ("adopted", "partly_adopted", "not_adopted")


def _say(key: str, language: str, **values: Any) -> str:
    zh, en = _TEXTS[key]
    return (en if language == "en" else zh).format(**values)


def _when(text: object) -> str:
    try:
        return format_time(datetime.fromisoformat(str(text)))
    except ValueError:
        return ""


def _kind(value: object, language: str) -> str:
    zh, en = _KINDS.get(str(value), (str(value), str(value)))
    return en if language == "en" else zh


def _kind_change(payload: dict[str, Any], language: str) -> list[str]:
    """``投诉 → 建议`` and the deadline the new kind gave, if it changed."""
    before = _kind(payload.get("from") or "undetermined", language)
    found = [_say("kind", language, a=before, b=_kind(payload.get("to"), language))]
    if payload.get("due_after"):
        found.append(_say("due", language, t=_when(payload["due_after"])))
    elif payload.get("due_before"):  # praise: the deadline was taken away
        found.append(_say("no_due", language))
    return found


def _sign_recount(event: CaseEvent, payload: dict[str, Any], language: str) -> list[str]:
    """The acceptance deadline a correction counted again (:func:`minyi.cases.rules.recount_sign_due`)."""
    if event.action not in (EventAction.KIND_CORRECTED, EventAction.RECATEGORISED):
        return []
    if payload.get("sign_due_after"):
        return [_say("sign_due", language, t=_when(payload["sign_due_after"]))]
    if payload.get("sign_due_before"):  # the new rule sets none
        return [_say("no_sign_due", language)]
    return []


def _recount_details(payload: dict[str, Any], language: str) -> list[str]:
    """A recount's direction: an overdue case given time, or a mistaken schedule's days taken back."""
    found = [_say("was_overdue", language)] if payload.get("was_overdue") else []
    if payload.get("earlier") and payload.get("due_before"):
        found.append(_say("earlier", language, t=_when(payload["due_before"])))
    if payload.get("overdue_again"):
        found.append(_say("overdue_again", language))
    return found


def event_details(event: CaseEvent, language: str) -> list[str]:
    """The details of ``event`` to show after its name, in ``language``."""
    payload = event.payload or {}
    found: list[str] = []
    if event.action == EventAction.EXTENSION_DECIDED:
        found.append(_say("approved" if payload.get("approved") else "rejected", language))
    extension = event.action in (EventAction.EXTENSION_REQUESTED, EventAction.EXTENSION_DECIDED)
    if extension and payload.get("working_days"):
        n = payload["working_days"]
        found.append(_say("days", language, n=n, days="day" if n == 1 else "days"))
    moved = event.action in (EventAction.EXTENSION_DECIDED, EventAction.DEADLINE_MOVED, EventAction.REOPENED)
    if moved and payload.get("due_after"):
        which = "sign_due" if payload.get("deadline") == "sign" else "due"  # 签收期限 or the reply's
        found.append(_say(which, language, t=_when(payload["due_after"])))
    if event.action == EventAction.DEADLINE_MOVED:
        found += _recount_details(payload, language)
    if event.action == EventAction.KIND_CORRECTED:
        found += _kind_change(payload, language)
    found += _sign_recount(event, payload, language)
    if event.action == EventAction.SUPERVISED:
        if payload.get("comment"):
            found.append(_say("comment", language, c=payload["comment"]))
        if payload.get("due_at"):
            found.append(_say("due", language, t=_when(payload["due_at"])))
        if payload.get("due_asked"):  # a day off chosen (cases.supervision)
            found.append(_say("asked_day_off", language, d=_when(payload["due_asked"])[:10]))
    found += _kind_details(event, payload, language)
    found += _sign_details(payload, language)
    return [item for item in found if item]


def _sign_details(payload: dict[str, Any], language: str) -> list[str]:
    """Whether the department signed for the case (签收) or sent it back within its deadline.

    Written by :func:`minyi.cases.workflow.sign_for_record` on the step that ended the
    acceptance deadline; nothing on the steps of a case that had none.
    """
    if not payload.get("sign_due_at"):
        return []
    when = _when(payload["sign_due_at"])
    if payload.get("sign_late"):
        return [_say("signed_late", language, t=when)]
    return [_say("signed_in_time", language, t=when)]


def _kind_details(event: CaseEvent, payload: dict[str, Any], language: str) -> list[str]:
    """A suggestion's decision (采纳/部分采纳/不采纳) and a callback's outcome.

    The history read "采纳决定 住建王 · 理由：…": which decision was taken was on the
    suggestion's card only, and a changed decision left no trace of the first one.
    """
    if event.action == EventAction.SUGGESTION_DECIDED and payload.get("adoption") in _ADOPTIONS:
        return [_say(str(payload["adoption"]), language)]
    if event.action == EventAction.RATED and payload.get("by_phone"):  # cases.follow_up
        return [_say("by_phone", language)]
    if event.action == EventAction.CALLBACK_DONE and payload.get("outcome"):
        return [_say("outcome", language, o=payload["outcome"])]
    return []
