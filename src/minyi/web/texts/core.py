"""Texts shared by every page: site, navigation, common words, kinds of appeal, errors (zh, en)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "site.tagline": ("倾听民意 · 分类办理 · 公开答复", "Hear the public · sort · answer in public"),
    "nav.submit": ("我要留言", "Write to us"),
    "nav.track": ("办理查询", "Track"),
    "nav.public": ("公开答复", "Public answers"),
    "nav.staff": ("工作人员", "Staff"),
    "nav.inbox": ("待办案件", "Inbox"),
    "nav.logout": ("退出", "Log out"),
    "nav.api": ("开发者接口（API）", "API docs"),
    "lang.switch": ("English", "中文"),
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
    "nav.password": ("修改密码", "Change password"),
    "appeal.undetermined": ("未能判断", "Undetermined"),
    "common.choose": ("请选择", "Choose…"),
    "nav.admin": ("系统管理", "Admin"),
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
    "error.heading": ("出错了", "Something went wrong"),
    "error.csrf": ("页面已过期，请刷新后重试。", "The page expired; reload and try again."),
    "error.csrf_https": (
        "本站只在 HTTPS 连接下保存登录和表单信息，请改用 https:// 开头的地址访问。",
        "This site keeps sign-ins and forms over HTTPS only: open it with an https:// address.",
    ),
    "error.not_found": ("页面不存在。", "Page not found."),
    "error.forbidden": ("无权访问。", "You may not see this."),
    "error.method": ("此页面不接受这种请求。", "This page does not take that kind of request."),
    "error.too_large": ("提交的内容过大。", "What you sent is too large."),
    "error.bad_body": (
        "提交的内容无法读取（格式或编码有误）。",
        "What you sent could not be read (its format or encoding is wrong).",
    ),
    "error.invalid": ("请检查填写的内容：", "Please check:"),
    "error.title_prefix": ("错误：", "Error: "),
    "error.internal": (
        "系统内部错误，已记录。请稍后重试；如一直出错，请联系系统管理员。",
        (
            "Something went wrong on our side; it has been logged. Try again later, "
            "or tell the administrator if it keeps happening."
        ),
    ),
    "error.no_file": ("文件：请先选择要上传的文件。", "File: choose a file to upload first."),
    "error.phone": (
        "联系电话：请填写可以回电的号码（11 位手机号，或带区号的固定电话；境外号码以 + 和国家代码开头）。",
        (
            "Phone: a number staff can call back (an 11-digit mobile, a landline with its area code, "
            "or a number abroad starting with + and its country code, such as +44 7700 900123)."
        ),
    ),
    "error.wordless.title": (
        "留言主题：请用文字描述（不能只有表情或符号）。",
        "Subject: please use words, not only emoji or signs.",
    ),
    "error.wordless.body": (
        "留言内容：请用文字描述问题（不能只有表情或符号）。",
        "Message: please describe it in words, not only emoji or signs.",
    ),
}
