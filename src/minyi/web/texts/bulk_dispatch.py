"""批量派单: the inbox's ticks and dispatch bar, and the result page."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "bulk.heading": ("批量派单", "Dispatch in bulk"),
    "audit.bulk_dispatch": ("批量派单", "Cases dispatched in bulk"),  # the audit trail's action
    "bulk.hint": (
        (
            "勾选待派单的案件（已接收、已受理），选择承办单位后一次派出；"
            "每件案件按规则计算答复时限和签收期限。一次最多 {n} 件。"
        ),
        (
            "Tick cases waiting at the desk (received, accepted), choose a department and send them at once; "
            "each gets its deadlines from the rules. At most {n} at once."
        ),
    ),
    "bulk.select": ("选择", "Select"),
    "bulk.select_all": ("全选本页待派单案件", "Select all cases to dispatch on this page"),
    "bulk.select_case": ("选择案件 {number}", "Select case {number}"),
    "bulk.department": ("派往承办单位", "Dispatch to"),
    "bulk.choose": ("请选择", "Choose"),
    "bulk.note": ("办理意见（可选）", "Instruction (optional)"),
    "bulk.button": ("批量派单", "Dispatch selected"),
    "bulk.selected": ("已勾选 {n} 件", "{n} selected"),
    "bulk.sending": ("正在派单……", "Dispatching…"),
    "bulk.result.heading": ("批量派单结果", "Bulk dispatch result"),
    "bulk.result.done": ("已派往 {department}：{n} 件", "Dispatched to {department}: {n}"),
    "bulk.result.none": ("没有案件被派出。", "No case was dispatched."),
    "bulk.result.skipped": ("未派出：{n} 件（原因如下）", "Not dispatched: {n} (why below)"),
    "bulk.result.back": ("返回待办列表", "Back to the inbox"),
    "bulk.result.case": ("案件", "Case"),
    "bulk.result.reason": ("原因", "Why"),
    "bulk.skip.not_found": (
        "没有该案件，或您无权查看。",
        "No such case, or not one you may see.",
    ),
    "bulk.skip.already_dispatched": (
        "已派往 {department}（可能刚被他人派单）；如需改派，请打开案件单独办理。",
        (
            "Already dispatched to {department} (perhaps by someone else just now); "
            "to move it, open the case and dispatch it on its own."
        ),
    ),
    "bulk.skip.merged": (
        "已并入案件 {number}，不再单独派单。",
        "Merged into case {number}: not dispatched on its own.",
    ),
    "bulk.skip.answered": ("案件状态为“{status}”，无需派单。", "The case is {status}: nothing to dispatch."),
    "bulk.skip.not_at_desk": (
        "案件已在 {department} 办理（已签收或办理中），不能批量派单。",
        "The case is being handled by {department} (signed for or in progress): not dispatched in bulk.",
    ),
    "bulk.skip.refused": ("不能派单：{detail}", "Cannot be dispatched: {detail}"),
}
