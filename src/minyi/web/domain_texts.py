"""The domain's refusals in the reader's language.

Domain code explains a refusal in English for logs and integrators ("say why the case is
returned"); a page shows it in Chinese or English. Each known message is matched by a
pattern whose groups fill the translation; an unknown one is shown as it is.
"""

from __future__ import annotations

import contextlib
import re

from minyi.cases import lifecycle

#: (pattern, zh, en); ``{status}`` is a case status, shown by its label.
PATTERNS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), zh, en)
    for pattern, zh, en in (
        (
            r"days: a whole number of days from 1 to (?P<n>\d+)",
            "天数应为 1 到 {n} 的整数。",
            "Days: a whole number from 1 to {n}.",
        ),
        (r"say why the case is returned", "请填写退单理由。", "Please say why the case is returned."),
        (r"say why more time is needed", "请填写延期理由。", "Please say why more time is needed."),
        (
            r"ask for 1 to (?P<n>\d+) working days",
            "延期天数应为 1 到 {n} 个工作日。",
            "Ask for 1 to {n} working days.",
        ),
        (
            r"a case that is (?P<status>\w+) needs no extension",
            "案件当前为“{status}”，无需延期。",
            "The case is {status}: it needs no extension.",
        ),
        (
            r"an extension request for this case is already waiting for a decision",
            "本案已有待审批的延期申请。",
            "An extension request for this case is already waiting for a decision.",
        ),
        (r"this request was already (?P<what>\w+)", "该申请已处理过。", "This request was already decided."),
        (
            r"a closed case cannot be supervised; reopen it first",
            "已办结的案件不能督办，请先重办。",
            "A closed case cannot be supervised; reopen it first.",
        ),
        (
            r"write what the department must do",
            "请填写督办意见。",
            "Please write what the department must do.",
        ),
        (
            r"a case that is (?P<status>\w+) has not been answered; nothing to reopen",
            "案件当前为“{status}”，尚未答复，无需重办。",
            "The case is {status} and has not been answered: nothing to reopen.",
        ),
        (
            r"a case cannot be merged into itself",
            "案件不能并入自身。",
            "A case cannot be merged into itself.",
        ),
        (r"closed cases cannot be merged", "已办结的案件不能并案。", "Closed cases cannot be merged."),
        (
            r"choose two or more cases of one group to merge",
            "请选择同一事件中的两件或更多案件并案（其中的案件可能已答复或已并案）。",
            "Choose two or more cases of one group to merge (some may be answered or merged by now).",
        ),
        (
            r"a case that is (?P<status>\w+) can no longer be dispatched",
            "案件当前为“{status}”，不能再派单。",
            "The case is {status}: it can no longer be dispatched.",
        ),
        (r"the reply must not be empty", "请填写答复内容。", "Please write the reply."),
        (
            r"the reply may have at most (?P<n>\d+) characters",
            "答复最多 {n} 个字。",
            "The reply may have at most {n} characters.",
        ),
        (
            r"a case that is (?P<status>\w+) must be dispatched before it is answered",
            "案件当前为“{status}”，须先派单才能答复。",
            "The case is {status}: it must be dispatched before it is answered.",
        ),
        (
            r"the reply check scores this reply (?P<score>\d+), below (?P<min>\d+).*",
            "答复质量得分 {score}，低于门槛 {min}：请修改答复，或填写仍要发送的理由。",
            "The reply scores {score}, below {min}: improve it, or say why it is sent as it is.",
        ),
        (
            r"the reason may have at most (?P<n>\d+) characters",
            "理由最多 {n} 个字。",
            "The reason may have at most {n} characters.",
        ),
        (
            r"this message was not merged as a duplicate",
            "这条留言不是作为重复留言并入的。",
            "This message was not merged as a duplicate.",
        ),
        (
            r"the message is the only one in its case",
            "这是本案唯一的留言。",
            "The message is the only one in its case.",
        ),
        (
            r"the first message of a case cannot be split off",
            "案件的第一条留言不能拆出。",
            "The first message of a case cannot be split off.",
        ),
        (
            r"only a suggestion gets an adoption decision",
            "只有建议类留言需要作出采纳决定。",
            "Only a suggestion gets an adoption decision.",
        ),
        (
            r"only a help request is flagged for a callback",
            "只有求助类留言可以标记回电。",
            "Only a help request is flagged for a callback.",
        ),
        (r"a callback for this case is already waiting", "本案已标记需回电。", "A callback is waiting."),
        (r"no callback is waiting for this case", "本案没有待回电的标记。", "No callback is waiting."),
        (r"reason: say why", "请填写理由。", "Please give the reason."),
        (r"outcome: say why", "请填写回电结果。", "Please say what came of the call."),
        (
            r"(?:reason|note|outcome): at most (?P<n>\d+) characters",
            "内容过长，最多 {n} 个字。",
            "Too long: at most {n} characters.",
        ),
        (
            r"decision: one of adopted, partly_adopted, not_adopted",
            "请选择：采纳、部分采纳或不采纳。",
            "Choose adopted, partly adopted or not adopted.",
        ),
    )
)


def domain_text(message: str | None, language: str = "zh") -> str:
    """``message`` in the reader's words when it is a known refusal; else unchanged."""
    if not message:
        return ""
    for pattern, zh, en in PATTERNS:
        match = pattern.fullmatch(message.strip())
        if match is None:
            continue
        values = dict(match.groupdict())
        if "status" in values:
            with contextlib.suppress(ValueError):
                values["status"] = lifecycle.label(values["status"], language)
        return (en if language == "en" else zh).format(**values)
    return message
