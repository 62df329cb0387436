"""Texts of the citizen portal: writing, the receipt, tracking, public answers, rating (zh, en)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
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
    "field.phone": ("联系电话", "Phone"),
    "field.email": ("电子邮箱", "E-mail"),
    "field.public": ("同意公开（个人信息将被隐去）", "May be published (personal data hidden)"),
    "field.code": ("查询码", "Tracking code"),
    "field.secret": ("查询密码", "Tracking secret"),
    "submit.button": ("提交留言", "Send"),
    "form.sending": ("正在提交，请稍候……", "Sending, please wait…"),
    "submit.expired": (
        "页面已过期。您填写的内容仍在下面，请核对后再点一次“提交留言”。",
        "The page expired. What you wrote is still below: check it and press “Send” once more.",
    ),
    "submit.quota": (
        (
            "您的留言尚未提交：同一网络地址本小时已提交 {cap} 条留言，达到上限（同一小区、单位共用网络时"
            "会这样）。您填写的内容仍在下面，请 {n} 分钟后再点一次“提交留言”，或改用手机流量提交；"
            "情况紧急请拨打 12345 热线，遇到危险请拨打 110 或 119。"
        ),
        (
            "Your message was not sent yet: {cap} messages came from this network address this hour, "
            "the limit (it happens when neighbours or colleagues share one connection). What you wrote "
            "is still below: press “Send” again in {n} min, or send it over mobile data. If it is "
            "urgent, call the 12345 hotline; in danger, call 110 or 119."
        ),
    ),
    "submit.done": ("留言已提交", "Message received"),
    "submit.done.intro": (
        "请记下查询码和查询密码，凭此查询办理进度和答复。密码不会以其他方式再次提供。",
        (
            "Keep the tracking code and secret: you need both to follow your case. "
            "The secret is not given again in any other way."
        ),
    ),
    "submit.track_now": ("查看办理进度", "Track it now"),
    "track.heading": ("办理进度查询", "Track your message"),
    "track.intro": (
        "输入留言后获得的查询码和查询密码。",
        "Enter the tracking code and secret you were given.",
    ),
    "track.button": ("查询", "Look up"),
    "track.expired": (
        "页面已过期。请再输入一次查询密码，然后点“查询”。",
        "The page expired. Type the tracking secret once more and press “Look up”.",
    ),
    "track.not_found": (
        (
            "查询码或查询密码不正确。请与回执逐字核对；如查询密码遗失，"
            "请拨打政务服务热线并说明查询码，由工作人员帮您查询办理情况。"
        ),
        (
            "Tracking code or secret not recognised. Check both against your receipt; if you lost "
            "the secret, call the service hotline with your code and staff will tell you how your "
            "message is being handled."
        ),
    ),
    "track.fill_in": ("请填写查询码和查询密码。", "Please fill in the tracking code and the secret."),
    "track.status": ("当前状态", "Status"),
    "track.timeline": ("办理过程", "History"),
    "track.reply": ("答复", "Reply"),
    "track.no_reply": ("尚未答复，请耐心等待。", "No reply yet."),
    "track.department": ("承办单位", "Department"),
    # answered (a statement, 直接答复) before any department had it: not "待分派"
    "track.answered_directly": ("未经分派，直接答复", "Answered directly, without a department"),
    "track.due": ("答复时限", "Reply due"),
    "track.due.rules": ("（尚未受理，按规定计算）", "(not accepted yet; as the rules set it)"),
    "track.pending": ("正在处理，请稍后刷新。", "Being processed; refresh shortly."),
    "track.failed": (
        "您的留言已保存。系统自动处理时遇到问题，工作人员会尽快人工处理，请稍后再来查看。",
        "Your message is stored. Its automatic processing ran into a problem; staff will handle it soon.",
    ),
    "public.heading": ("公开答复", "Public answers"),
    "public.intro": (
        "以下是留言人同意公开的已答复留言，个人信息已隐去。",
        "Answered messages their authors agreed to publish, personal data hidden.",
    ),
    "public.empty": ("暂无公开答复。", "Nothing published yet."),
    "public.reopened": (
        "市民对此前的答复不满意，案件已重新办理（重办）；下面标明了重办前的答复。",
        (
            "The citizen was not satisfied with an earlier answer and the case was dealt with "
            "again; the answers given before that are marked."
        ),
    ),
    "public.before_reopen": ("重办前的答复", "Answer before the case was reopened"),
    "public.count": ("共 {n} 件。", "{n} cases."),
    "statements.empty": ("暂无权威发布。", "No statement published yet."),
    "public.replied_by": ("答复单位", "Answered by"),
    "rate.heading": ("评价办理结果", "Rate the answer"),
    "rate.satisfaction": ("对办理结果是否满意", "Are you satisfied with the answer?"),
    "rate.solved": ("问题是否已解决", "Was the problem solved?"),
    "rate.yes": ("已解决", "Yes"),
    "rate.no": ("未解决", "No"),
    "rate.satisfied": ("满意", "Satisfied"),
    "rate.basically_satisfied": ("基本满意", "Basically satisfied"),
    "rate.unsatisfied": ("不满意", "Not satisfied"),
    "rate.comment": ("意见（可选）", "Comment (optional)"),
    "rate.button": ("提交评价", "Send"),
    "rate.expired": (
        "页面已过期。您的评价仍在下面，请核对后再点一次“提交评价”。",
        "The page expired. Your rating is still below: check it and press “Send” once more.",
    ),
    "rate.thanks": ("感谢您的评价。", "Thank you for your rating."),
    "rate.thanks.closed": ("感谢您的评价，案件已办结。", "Thank you for your rating; the case is closed."),
    "rate.thanks.reopened": (
        "感谢您的评价。您的意见已转承办单位重新办理（重办），新的答复时限：{due}。收到新的答复后，您可以再次评价。",
        (
            "Thank you for your rating. The case goes back to the department to be dealt with again; "
            "the new deadline is {due}. You can rate the new answer when it comes."
        ),
    ),
    "receipt.print": ("打印回执", "Print the receipt"),
    "receipt.copy": ("复制查询码和密码", "Copy code and secret"),
    "receipt.copied": ("已复制", "Copied"),
    "receipt.printed": (
        "凭查询码和查询密码在 {url} 查询办理进度。请妥善保管，不要告诉他人。",
        "Track your message at {url} with the code and the secret. Keep them safe; do not share them.",
    ),
    "receipt.kept": (
        "本页在本浏览器中保留10分钟，刷新不会丢失；请尽快记下。在公共电脑上，记下后请点“我已记下，清除”。",
        (
            "This page stays for 10 minutes in this browser, even after a reload; write it down now. "
            "On a shared computer, press “I have noted them, clear” once you have."
        ),
    ),
    "receipt.clear": ("我已记下，清除", "I have noted them, clear"),
    "receipt.cleared": (
        "已提交，请妥善保存查询码。查询码和查询密码已从本浏览器清除，不再显示。",
        (
            "Your message was sent; keep your tracking code safe. The code and secret were "
            "cleared from this browser and are not shown again."
        ),
    ),
    "public.search": ("按查询码查找", "Find by tracking code"),
    "public.search.button": ("查找", "Find"),
    "public.search.none": (
        "没有与该查询码对应的公开答复。",
        "No published answer has this tracking code.",
    ),
    "public.search.clear": ("显示全部", "Show all"),
    "track.rated": ("市民评价：{verdict}", "Rated by the citizen: {verdict}"),
    "track.reopened": ("重新办理（重办）", "Being dealt with again (reopened)"),
    "track.closed_by_rating": ("评价后办结", "Closed after the rating"),
    "track.not_reached": ("回访未联系上，已办结", "Follow-up not reached; closed"),
}
