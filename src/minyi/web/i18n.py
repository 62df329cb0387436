"""Interface texts in Chinese (default) and English."""

from __future__ import annotations

from typing import Literal

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
COOKIE = "minyi_lang"

TEXTS: dict[str, tuple[str, str]] = {
    "site.tagline": ("倾听民意 · 分类办理 · 公开答复", "Hear the public · sort · answer in public"),
    "nav.submit": ("我要留言", "Write to us"),
    "nav.track": ("办理查询", "Track"),
    "nav.public": ("公开答复", "Public answers"),
    "nav.staff": ("工作人员", "Staff"),
    "nav.inbox": ("待办案件", "Inbox"),
    "nav.logout": ("退出", "Log out"),
    "nav.api": ("接口文档", "API docs"),
    "lang.switch": ("English", "中文"),
    "submit.heading": ("我要留言", "Write to us"),
    "submit.intro": (
        "请如实描述您遇到的问题或建议。我们会在受理后按时限办理并答复。",
        "Describe the problem or suggestion. Once accepted, it is handled and answered within the deadline.",
    ),
    "field.title": ("留言主题", "Subject"),
    "field.title.hint": ("一句话概括，例如：某小区门口路灯不亮", "One line, e.g. street light out at a gate"),
    "field.body": ("留言详情", "Details"),
    "field.body.hint": ("时间、地点、经过和您的诉求", "When, where, what happened, and what you ask for"),
    "field.category": ("问题类别（可选）", "Category (optional)"),
    "field.category.none": ("不确定，由工作人员分类", "Not sure: staff will sort it"),
    "field.region": ("所在区域（可选）", "District (optional)"),
    "field.address": ("详细地址（可选）", "Address (optional)"),
    "field.contact": ("联系方式（可选，仅工作人员可见）", "Contact (optional, seen by staff only)"),
    "field.name": ("称呼", "Name"),
    "field.phone": ("手机号码", "Phone"),
    "field.email": ("电子邮箱", "E-mail"),
    "field.public": ("同意公开（个人信息将被隐去）", "May be published (personal data hidden)"),
    "field.code": ("查询码", "Tracking code"),
    "field.secret": ("查询密码", "Tracking secret"),
    "submit.button": ("提交留言", "Send"),
    "submit.done": ("留言已提交", "Message received"),
    "submit.done.intro": (
        "请记下查询码和查询密码，凭此查询办理进度和答复。密码只显示这一次。",
        (
            "Keep the tracking code and secret: you need both to follow your case. "
            "The secret is shown only once."
        ),
    ),
    "submit.track_now": ("查看办理进度", "Track it now"),
    "track.heading": ("办理进度查询", "Track your message"),
    "track.intro": (
        "输入留言后获得的查询码和查询密码。",
        "Enter the tracking code and secret you were given.",
    ),
    "track.button": ("查询", "Look up"),
    "track.not_found": ("查询码或查询密码不正确。", "Tracking code or secret not recognised."),
    "track.status": ("当前状态", "Status"),
    "track.timeline": ("办理过程", "History"),
    "track.reply": ("答复", "Reply"),
    "track.no_reply": ("尚未答复，请耐心等待。", "No reply yet."),
    "track.department": ("承办单位", "Department"),
    "track.due": ("答复时限", "Reply due"),
    "track.pending": ("正在处理，请稍后刷新。", "Being processed; refresh shortly."),
    "public.heading": ("公开答复", "Public answers"),
    "public.intro": (
        "以下是留言人同意公开的已答复留言，个人信息已隐去。",
        "Answered messages their authors agreed to publish, personal data hidden.",
    ),
    "public.empty": ("暂无公开答复。", "Nothing published yet."),
    "public.replied_by": ("答复单位", "Answered by"),
    "common.received_at": ("留言时间", "Received"),
    "common.status": ("状态", "Status"),
    "common.category": ("类别", "Category"),
    "common.department": ("承办单位", "Department"),
    "common.unassigned": ("待分派", "Unassigned"),
    "common.all": ("全部", "All"),
    "common.search": ("搜索", "Search"),
    "common.filter": ("筛选", "Filter"),
    "common.prev": ("上一页", "Previous"),
    "common.next": ("下一页", "Next"),
    "common.total": ("共", "Total"),
    "common.save": ("保存", "Save"),
    "common.number": ("编号", "Number"),
    "common.title": ("主题", "Subject"),
    "common.due": ("时限", "Due"),
    "common.back": ("返回", "Back"),
    "login.heading": ("工作人员登录", "Staff login"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.button": ("登录", "Log in"),
    "login.failed": ("用户名或密码不正确。", "Wrong username or password."),
    "inbox.heading": ("待办案件", "Case inbox"),
    "inbox.empty": ("没有符合条件的案件。", "No cases match."),
    "case.messages": ("留言", "Messages"),
    "case.contact": ("联系方式", "Contact"),
    "case.history": ("办理记录", "History"),
    "case.replies": ("答复与备注", "Replies and notes"),
    "case.reply": ("答复", "Reply"),
    "case.reply.public": ("公开答复（留言人可见）", "Public reply (the citizen sees it)"),
    "case.reply.internal": ("内部备注（仅工作人员可见）", "Internal note (staff only)"),
    "case.reply.button": ("提交", "Submit"),
    "case.status.change": ("变更状态", "Change status"),
    "case.status.note": ("说明（可选）", "Note (optional)"),
    "case.internal": ("内部", "Internal"),
    "case.dispatch": ("派单", "Dispatch"),
    "case.appeal": ("诉求类型", "Kind of appeal"),
    "case.supporters": ("联名人数", "Supporters"),
    "case.original": ("显示原文（含个人信息）", "Show the original (with personal data)"),
    "case.recategorise": ("更正类别", "Correct the category"),
    "analysis.category": ("智能分类", "Suggested category"),
    "analysis.pii": ("已隐去个人信息", "Personal data masked"),
    "analysis.truncated": (
        "内容过长，仅分析了前一部分。",
        "Very long text: only its beginning was analysed.",
    ),
    "analysis.duplicate": ("重复留言", "Duplicate"),
    "dup.same_author_repeat": ("同一人重复留言", "Same author again"),
    "dup.joint_letter": ("联名留言", "Joint letter"),
    "dup.different_authors": ("多人相同留言", "Same text, different authors"),
    "dup.status.auto": ("已自动合并", "Merged automatically"),
    "dup.status.confirmed": ("已确认合并", "Merge confirmed"),
    "dup.status.undone": ("已撤销合并", "Merge undone"),
    "dup.confirm": ("确认合并", "Confirm merge"),
    "dup.undo": ("撤销合并", "Undo merge"),
    "source.citizen": ("市民选择", "chosen by the citizen"),
    "source.classifier": ("模型分类", "by the model"),
    "source.keywords": ("关键词分类", "by keywords"),
    "source.staff": ("人工更正", "corrected by staff"),
    "appeal.inquiry": ("咨询", "Inquiry"),
    "appeal.help": ("求助", "Help request"),
    "appeal.complaint": ("投诉", "Complaint"),
    "appeal.suggestion": ("建议", "Suggestion"),
    "appeal.praise": ("表扬", "Praise"),
    "appeal.report": ("举报", "Report"),
    "case.dispatch.button": ("派发", "Send"),
    "case.public_yes": ("同意公开", "May be published"),
    "case.public_no": ("不公开", "Private"),
    "error.heading": ("出错了", "Something went wrong"),
    "error.csrf": ("页面已过期，请刷新后重试。", "The page expired; reload and try again."),
    "error.not_found": ("页面不存在。", "Page not found."),
    "error.forbidden": ("无权访问。", "You may not see this."),
    "error.too_large": ("提交的内容过大。", "What you sent is too large."),
    "error.invalid": ("请检查填写的内容：", "Please check:"),
}


def translate(key: str, language: str) -> str:
    """The text for ``key`` in ``language`` (the key itself when unknown)."""
    pair = TEXTS.get(key)
    if pair is None:
        return key
    return pair[1] if language == "en" else pair[0]


def pick_language(query: str | None, cookie: str | None, default: str = "zh") -> Language:
    """The language asked for by the query string, else the cookie, else the default."""
    for candidate in (query, cookie, default):
        if candidate in LANGUAGES:
            return candidate
    return "zh"
