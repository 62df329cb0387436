"""Refusals of the staff pages and the JSON API that a probe found still in English.

Kept apart from :mod:`minyi.web.domain_texts`, which joins them with the other refusals into
the one list of patterns it matches. The permission refusal names the action in English
(``minyi.accounts.permissions``); :data:`ACTIONS` gives each its Chinese words.
"""

from __future__ import annotations

#: ``{role} users may not {action}`` of :func:`minyi.accounts.permissions.require`, in Chinese.
ACTIONS: dict[str, str] = {
    "see other departments' cases": "查看其他部门的案件",
    "see this case": "查看本案",
    "dispatch cases": "派单",
    "accept cases": "受理案件",
    "sign for this case": "签收本案",
    "start work on this case": "办理本案",
    "publish the reply to this case (its department answers it)": "答复本案（由承办部门答复）",
    "add a note to this case": "为本案添加备注",
    "return this case": "退回本案",
    "ask for an extension": "申请延期",
    "decide extension requests": "审批延期申请",
    "supervise cases": "督办案件",
    "reopen cases": "重办案件",
    "merge cases": "并案",
    "start the follow-up of cases": "回访案件",
    "close cases": "办结案件",
    "change the category of this case": "修改本案类别",
    "publish statements for these cases": "为这些案件发布统一答复",
    "acknowledge alerts": "确认预警",
    "edit hot issues": "编辑热点问题",
    "administer the site": "管理本站",
    "manage users": "管理用户",
    "manage departments": "管理部门",
    "manage reply templates": "管理答复模板",
    "manage deadline rules": "管理时限规则",
    "manage alert rules": "管理预警规则",
    "import files of messages": "导入留言文件",
    "decide on adopting a suggestion": "作出建议采纳决定",
    "flag a help request for a callback": "标记求助回电",
    "write knowledge articles": "编写知识条目",
    "answer consultations directly from the knowledge base": "用知识库直接答复咨询",
}

#: (pattern, zh, en) of the staff pages' and the API's refusals.
STAFF: tuple[tuple[str, str, str], ...] = (
    (
        r"appeal_kind: one of .*",
        "请选择诉求类型：投诉、咨询、建议、求助、举报或表扬（“未能判断”不能由人选择）。",
        "Choose the kind of appeal: complaint, inquiry, suggestion, help, report or praise.",
    ),
    (
        r"the case already has this kind of appeal",
        "本案已经是这个诉求类型。",
        "The case already has this kind of appeal.",
    ),
    (
        r"no such case, or it belongs to another department",
        "没有该案件，或该案件属于其他部门。",
        "No such case, or it belongs to another department.",
    ),
    (
        r"no such message, or the tracking secret does not match",
        "没有该留言，或查询密码不正确。",
        "No such message, or the tracking secret does not match.",
    ),
    (r"no such message", "没有该留言。", "No such message."),
    (
        r"name at least one tracking code, case number, phone number or e-mail",
        "请至少填写一项：查询码、案件编号、电话号码或电子邮箱。",
        "Name at least one tracking code, case number, phone number or e-mail.",
    ),
    (
        r"(?P<email>'.*') is not an e-mail address",
        "{email} 不是电子邮箱地址。",
        "{email} is not an e-mail address.",
    ),
    (
        r"(?:codes|case_numbers|phones|emails): at most (?P<n>\d+) at once",
        "每项最多填写 {n} 个。",
        "At most {n} of each at once.",
    ),
    (
        r"(?P<phone>'.*') is not a whole phone number",
        "电话号码 {phone} 不完整（至少 7 位数字）。",
        "{phone} is not a whole phone number (at least 7 digits).",
    ),
    (
        r"no category with id '(?P<c>.*)'",
        "类别：没有编号为“{c}”的类别，请从列表中选择。",
        "category_id: no category with id {c}.",
    ),
    (r"to: on or after the from date", "截止日期不能早于起始日期。", "to: on or after the from date."),
    (r"no such rule", "没有该规则。", "No such rule."),
    (r"no such template", "没有该答复模板。", "No such reply template."),
    (r"no such alert", "没有该预警。", "No such alert."),
    (
        r"the alert is already acknowledged",
        "该预警已被确认（可能是其他同事刚刚确认的）。",
        "The alert is already acknowledged.",
    ),
    (r"no lock-out of \w+ '(?P<k>.*)'", "“{k}”目前没有被锁定。", "{k} is not locked out."),
    (
        r"unknown role '(?P<r>.*)'; choose one of .*",
        "没有角色“{r}”，请从列表中选择。",
        "Unknown role {r}: choose one from the list.",
    ),
    (
        r"no department with id '(?P<d>.*)'",
        "没有该部门，请从列表中选择。",
        "No such department: choose one from the list.",
    ),
    (
        r"no cases numbered (?P<v>.+)",
        "没有编号为 {v} 的案件，或该案件不属于您的部门；每行写一个案件编号，如 20261207-S2985APC。",
        (
            "No case numbered {v}, or not one of your department's; "
            "write one case number a line, like 20261207-S2985APC."
        ),
    ),
    # Hot-issue edits (minyi.issues.editing): each names its field in the reader's words.
    (
        r"message_ids: choose at least one message",
        "留言：请至少勾选一条留言。",
        "Messages: tick at least one.",
    ),
    (
        r"message_ids: at most (?P<n>\d+) messages at once",
        "留言：一次最多拆出 {n} 条。",
        "Messages: {n} at most.",
    ),
    (
        r"message_ids: not messages of this issue: (?P<v>.*)",
        "留言：所选的留言不属于本热点问题（{v}）。",
        "Messages: not messages of this issue ({v}).",
    ),
    (
        r"message_ids: leave at least one message in this issue",
        "留言：本热点问题至少要保留一条留言。",
        "Messages: leave at least one in this issue.",
    ),
    (
        r"target_id: choose the issue to merge into",
        "并入：请选择要并入的热点问题。",
        "Merge into: choose the issue.",
    ),
    (
        r"confirm: tick the box to confirm the merge",
        "并入：请勾选“确认合并”后再提交（以免误操作）。",
        "Merge into: tick “I confirm the merge” first (so that a click cannot merge by mistake).",
    ),
    (
        r"target_id: choose an issue other than this one",
        "并入：请选择另一个热点问题。",
        "Merge into: another issue.",
    ),
    (
        r"(?P<f>\w+): this issue was merged into another one",
        "该热点问题已并入其他问题。",
        "This issue was merged.",
    ),
    (r"title: enter a title", "标题：请填写标题。", "Title: enter a title."),
    (r"title: at most (?P<n>\d+) characters", "标题：最多 {n} 个字。", "Title: at most {n} characters."),
    (
        r"end: a date up to today \((?P<d>[\d-]+)\), not .*",
        "“截止日期”不能晚于今天（{d}）。",
        "end: a date up to today ({d}).",
    ),
    (
        r"end: a date from (?P<a>[\d-]+) to (?P<b>[\d-]+)(, not .*)?",
        "“截止日期”应在 {a} 到 {b} 之间。",
        "end: a date from {a} to {b}.",
    ),
    # A new department (minyi.departments.services.create_department).
    (
        r"code: letters, digits, - _ or \. \(such as JTJ\), 40 at most",
        "代码：只能用字母、数字和 - _ .（如 JTJ），最多 40 个字符。",
        "Code: letters, digits, - _ or . (such as JTJ), 40 at most.",
    ),
    (r"name: write the department's name", "名称：请填写部门名称。", "Name: write the department's name."),
    (
        r"contact_phone: a phone number such as .*",
        "联系电话：请填写电话号码，如 0731-88001234。",
        "Phone: a phone number such as 0731-88001234.",
    ),
    (
        r"contact_email: an e-mail address such as .*",
        "联系邮箱：请填写邮箱地址，如 office@example.gov.cn。",
        "E-mail: an address such as office@example.gov.cn.",
    ),
    # 批量派单 (minyi.cases.bulk_dispatch): each names its field in the reader's words.
    (
        r"case_ids: choose the cases to dispatch",
        "案件：请先勾选要派单的案件。",
        "Cases: tick the cases to dispatch first.",
    ),
    (
        r"case_ids: at most (?P<n>\d+) cases in one dispatch \((?P<k>\d+) chosen\)",
        "案件：一次最多批量派单 {n} 件（本次勾选了 {k} 件），请分批办理。",
        "Cases: at most {n} in one dispatch ({k} chosen); dispatch them in several goes.",
    ),
    (r"department: choose a department", "承办单位：请选择承办单位。", "Department: choose a department."),
    (
        r"note: the instruction may have at most (?P<n>\d+) characters",
        "办理意见：最多 {n} 个字。",
        "Instruction: at most {n} characters.",
    ),
    (r"\w+ users may not (?P<action>.+)", "您的角色无权{action}。", "Your role may not {action}."),
)


#: What any request may read when it lost a race or the database is out of reach (``minyi.http.errors``).
SYSTEM: tuple[tuple[str, str, str], ...] = (
    (
        r"someone else changed this at the same moment; reload it and try again",
        "刚才有其他人同时办理或修改了此事项，您的操作未生效。请刷新页面查看最新状态后再试。",
        "Someone else changed this at the same moment; your step was not taken. Reload and try again.",
    ),
    (
        r"the database is busy or cannot be reached for a moment; try again in a few seconds",
        "系统繁忙或数据库暂时无法连接，请几秒钟后再试。",
        "The system is busy or its database cannot be reached for a moment. Try again in a few seconds.",
    ),
    (  # minyi.core.keyset: a page token the list did not give (a 422 on any paged list)
        r"cursor: not a page token this list gave; use next_cursor of the previous page or start again",
        "cursor（翻页令牌）无效：请使用上一页返回的 next_cursor，或不带 cursor 从第一页开始。",
        "cursor: not a page token this list gave. Use next_cursor of the previous page, or start again.",
    ),
    (
        r"offset: give offset or cursor, not both",
        "offset 与 cursor 不能同时使用：按 cursor 翻页时请不要再给 offset。",
        "offset: give offset or cursor, not both.",
    ),
)


#: A deadline rule an admin enters that does not make sense (``minyi.cases.deadlines``).
DEADLINE_RULES: tuple[tuple[str, str, str], ...] = (
    (
        r"invalid deadline rule: a deadline rule sets reply_working_days, reply_hours or accept_hours",
        "请填写答复期限（工作日数或小时数）或签收时限。",
        "Give the reply deadline in working days or in hours, or the time to sign for.",
    ),
    (
        r"invalid deadline rule: set reply_working_days or reply_hours, not both",
        "工作日数和小时数只能填一项。",
        "Give working days or hours, not both.",
    ),
    (
        r"invalid deadline rule: reply_working_days is not negative, got .*",
        "工作日数不能为负数。",
        "Working days cannot be negative.",
    ),
    (
        r"invalid deadline rule: hours are finite and not negative, got .*",
        "小时数不能为负数。",
        "Hours cannot be negative.",
    ),
    (
        r"invalid deadline rule: reply_working_days is at most (?P<m>\d+), got .*",
        "工作日数最多为 {m} 天。",
        "Working days: at most {m}.",
    ),
    (
        r"invalid deadline rule: hours are at most (?P<m>\d+), got .*",
        "小时数最多为 {m} 小时。",
        "Hours: at most {m}.",
    ),
    (
        r"invalid deadline rule: accept_hours is more than 0, got .*",
        "签收时限（工作小时）须为大于 0 的数。",
        "Sign for within (working hours): a number above 0.",
    ),
    (
        r"invalid deadline rule: accept_hours is at most (?P<m>\d+), got .*",
        "签收时限（工作小时）最多为 {m} 小时。",
        "Sign for within (working hours): at most {m}.",
    ),
    (
        r"invalid deadline rule: accept_hours is a number of hours, got .*",
        "签收时限（工作小时）须为数字，例如 2。",
        "Sign for within (working hours): a number, such as 2.",
    ),
)
