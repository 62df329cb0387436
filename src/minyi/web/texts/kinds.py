"""Texts of each kind's own step: adoption decisions (建议), callbacks (求助), praise (表扬)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "kinds.adoption.heading": ("建议采纳情况", "What became of this suggestion"),
    "kinds.adoption.adopted": ("采纳", "Adopted"),
    "kinds.adoption.partly_adopted": ("部分采纳", "Partly adopted"),
    "kinds.adoption.not_adopted": ("不采纳", "Not adopted"),
    "kinds.adoption.reason": ("理由", "Reason"),
    "kinds.colon": ("：", ": "),  # after a label: full-width in Chinese, ": " in English
    "kinds.adoption.decide": ("作出采纳决定", "Decide on adoption"),
    "kinds.adoption.none": ("尚未作出采纳决定", "No adoption decision yet"),
    "kinds.callback.heading": ("求助回电", "Call back (help request)"),
    "kinds.callback.flag": ("标记需回电", "Flag for a callback"),
    "kinds.callback.waiting": ("待回电", "Callback waiting"),
    "kinds.callback.done": ("记录已回电", "Record the call"),
    "kinds.callback.history": ("已回电", "Called back"),
    "kinds.praise.note": (
        "表扬类留言不设答复时限，计入承办部门的表扬记录。",
        "Praise has no reply deadline; it goes to the department's record.",
    ),
    "kinds.dashboard.heading": ("建议采纳与直接答复", "Suggestions adopted and direct answers"),
    "kinds.dashboard.suggestions": ("建议的采纳决定", "Decisions on suggestions"),
    "kinds.dashboard.direct": (
        "依据知识库直接答复的咨询（一次办结）",
        "Consultations answered at once from the knowledge base",
    ),
    "kinds.dashboard.note": (
        "按作出决定或答复的时间统计，全市合计，不随部门、区域、类别筛选。",
        (
            "Counted by when the decision or answer was given, for the whole office; "
            "not narrowed by department, region or category."
        ),
    ),
    "kinds.correct.heading": ("更正诉求类型", "Correct the kind of appeal"),
    "kinds.correct.hint": (
        "诉求类型决定答复时限和办理方式（建议要作采纳决定，求助可回电）；改正后按新类型重新计算答复时限，并作为训练数据。",
        (
            "The kind picks the reply deadline and the steps (a suggestion's adoption decision, "
            "a callback for help); after a correction the deadline is counted again by the new "
            "kind, and the correction becomes training data."
        ),
    ),
    "flash.kinds.kind_corrected": ("诉求类型已更正为“{kind}”", "Kind of appeal corrected to {kind}"),
    "flash.kinds.decided": ("采纳决定已保存", "Adoption decision saved"),
    # an imported message, or one sent without a number: the call cannot be made from here
    "kinds.callback.no_phone": (
        "留言人未留联系电话，无法回电；如留言正文中留有号码，请核实后再拨打。",
        "The citizen left no phone number; check the message text for one before calling.",
    ),
    "flash.follow_up.recorded": ("回访结果已记录", "Follow-up answer recorded"),
    "follow_up.heading": ("电话回访", "Follow-up call"),
    "follow_up.intro": (
        "致电留言人后，记下其答复：未解决或不满意将重办，否则办结。",
        "After the call, take down the answer: unsolved or unsatisfied reopens the case, else it closes.",
    ),
    "follow_up.not_asked": ("未询问", "Not asked"),
    "follow_up.button": ("记录回访结果", "Record the answer"),
    "flash.kinds.callback_flagged": ("已标记需回电", "Flagged for a callback"),
    "flash.kinds.callback_done": ("回电已记录", "Call recorded"),
}
