"""Texts of login, passwords, administration and export pages (zh, en)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "login.heading": ("工作人员登录", "Staff login"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.button": ("登录", "Log in"),
    "login.failed": ("用户名或密码不正确。", "Wrong username or password."),
    "login.throttled": (
        "尝试次数过多，请 {n} 分钟后再试。",
        "Too many attempts; try again in {n} min.",
    ),
    "login.busy": (
        "登录的人太多，请几秒钟后再试。",
        "Too many logins at this moment; try again in a few seconds.",
    ),
    "password.heading": ("修改密码", "Change password"),
    "password.hint": (
        "修改后，您在其他设备或浏览器上的登录将全部退出。",
        "Changing it logs you out on every other device and browser.",
    ),
    "password.current": ("当前密码", "Current password"),
    "password.new": ("新密码", "New password"),
    "password.confirm": ("再次输入新密码", "New password again"),
    "password.button": ("修改密码", "Change password"),
    "password.mismatch": ("两次输入的新密码不一致。", "The two new passwords differ."),
    "password.wrong": ("当前密码不正确。", "The current password is wrong."),
    "admin.sessions": ("在线", "Sessions"),
    "admin.end_sessions": ("强制下线", "Log out everywhere"),
    "admin.lockouts": ("登录锁定", "Lock-outs"),
    "admin.lockouts.hint": (
        "多次输错密码或查询密码的账号、查询码和地址会被临时锁定；解除后可立即重试。",
        (
            "Accounts, codes and addresses with too many wrong passwords are locked for a while; "
            "lifting a lock-out lets them try again at once."
        ),
    ),
    "admin.lockouts.none": ("当前没有锁定。", "Nothing is locked."),
    "admin.lockout.kind": ("类型", "Kind"),
    "admin.lockout.key": ("对象", "Key"),
    "admin.lockout.until": ("锁定至", "Locked until"),
    "admin.lockout.count": ("第几次锁定", "Lock-out no."),
    "admin.lift": ("解除", "Lift"),
    "throttle.account": ("账号", "account"),
    "throttle.login_address": ("登录地址", "login address"),
    "throttle.tracking_code": ("查询码（来自一个地址）", "tracking code from one address"),
    "throttle.tracking_code_all": ("查询码（所有地址合计）", "tracking code, all addresses"),
    "throttle.tracking_address": ("查询地址", "tracking address"),
    "admin.urgent": ("仅用于紧急案件", "Urgent cases only"),
    "admin.urgent.default": (
        "紧急案件（命中紧急关键词）未设规则时，须在 2 小时内答复（不分工作时间）。",
        "Urgent cases (an emergency keyword) without a rule are due within 2 hours, round the clock.",
    ),
    "admin.rule.accept": ("{h} 工作小时内签收", "sign for within {h} working hours"),
    "admin.rule.accept_hint": (
        (
            "派单后承办单位须在此时限内签收，逾期为“超时未签收”；未设置则不设签收期限。"
            "例如对所有案件设 2 小时：类型与分类均选“全部”，只填此项。"
        ),
        (
            "After dispatch the department must sign for the case within this time, else it is"
            " “not signed for in time”; without a rule there is no such deadline. For 2 hours on"
            " every case: leave kind and category at “all” and fill in this field only."
        ),
    ),
    "admin.heading": ("系统管理", "Administration"),
    "admin.failed_messages": (
        (
            "有 {n} 条留言已保存但自动处理失败，也未能建案，工作人员看不到它们。"
            "排除原因（见服务日志）后，请运行 minyi process --retry-failed 重新处理。"
        ),
        (
            "Stored messages that failed processing and have no case, so that no one sees them: {n}. "
            "Once the cause (see the server log) is fixed, run minyi process --retry-failed."
        ),
    ),
    "admin.unanalysed_messages": (
        (
            "有 {n} 条留言自动分析失败，已建案，在分派台等待人工分类。"
            "排除原因（见服务日志）后，运行 minyi process 可补做分析："
            "仍在等待分派的案件将获得分类、诉求类型并自动分派。"
        ),
        (
            "Messages that could not be analysed: {n}; their cases wait at the dispatch desk for a "
            "person to sort. Once the cause (see the server log) is fixed, run minyi process to "
            "analyse them: cases still waiting get their category and kind of appeal and are routed."
        ),
    ),
    "export.heading": ("导出", "Export"),
    "export.hint": (
        "导出案件及其留言、答复和办理记录；个人信息已脱敏。",
        "Cases with their messages, replies and events; personal data masked.",
    ),
    "export.from": ("立案日期起", "Opened from"),
    "export.to": ("立案日期止", "Opened until"),
    "export.department": ("承办部门", "Department"),
    "export.category": ("分类编号（可选）", "Category id (optional)"),
    "export.status": ("状态", "Status"),
    "export.all": ("全部", "All"),
    "export.format": ("格式", "Format"),
    "export.full": ("完整导出（含个人信息，将记入审计日志）", "Full file (personal data in clear; audited)"),
    "export.download": ("下载", "Download"),
    "admin.users": ("用户", "Users"),
    "admin.role": ("角色", "Role"),
    "admin.deactivate": ("停用", "Deactivate"),
    "admin.activate": ("启用", "Activate"),
    "admin.departments": ("承办单位", "Departments"),
    "admin.name": ("名称", "Name"),
    "admin.categories": ("问题分类", "Category tree"),
    "admin.categories.done": (
        "新建 {created} 个类别，{existing} 个已存在。",
        "{created} categories created, {existing} already present.",
    ),
    "admin.holidays": ("法定节假日与调休", "Public holidays and adjusted working days"),
    "admin.holidays.hint": (
        (
            "期限按工作日计算。内置日历已知 {first}–{last} 年的全部节假日和调休；以后的年份只知道元旦、"
            "劳动节和国庆节，春节、清明、端午、中秋及调休上班日须在国务院办公厅发布通知后在此录入。"
            "录入的日期优先于内置日历，30 秒内对所有服务器生效，之后受理的案件按新日历计算期限。"
        ),
        (
            "Deadlines count working days. The built-in calendar knows every holiday and adjusted "
            "working day of {first}–{last}; for later years it knows only New Year, Labour Day and "
            "National Day, so enter the Spring Festival, Qingming, Dragon Boat and Mid-Autumn holidays "
            "and the adjusted working weekends here once the State Council publishes its notice. "
            "Entered days win over the built-in calendar and reach every server within 30 seconds; "
            "deadlines set from then on follow them."
        ),
    ),
    "admin.holidays.missing": (
        "{year} 年的节假日安排尚未录入：该年的农历节日和调休目前未知，期限可能算早。",
        (
            "The {year} holiday schedule has not been entered: its lunar holidays and adjusted "
            "working days are unknown, so deadlines may come out too early."
        ),
    ),
    "admin.holidays.entered": ("已录入", "Entered"),
    "admin.holidays.days": ("{n} 天", "{n} days"),
    "admin.holidays.file": (
        "节假日文件（MINYI_HOLIDAYS_FILE）已列出，页面录入的同一天优先",
        "The holidays file (MINYI_HOLIDAYS_FILE) lists these; a day entered here wins",
    ),
    "admin.holidays.file_year": ("{year} 年 {n} 天", "{year}: {n} days"),
    "admin.holidays.none": ("尚未录入任何年份。", "No year entered yet."),
    "admin.holidays.year": ("年份", "Year"),
    "admin.holidays.schedule": ("安排（每行一条）", "Schedule (one entry a line)"),
    "admin.holidays.placeholder": (
        "2027-02-06~2027-02-13,放假,春节&#10;2027-02-14,上班,春节调休",
        "2027-02-06~2027-02-13,holiday,Spring Festival&#10;2027-02-14,workday,Spring Festival",
    ),
    "admin.holidays.format": (
        (
            "每行：日期或日期范围、放假或上班、名称（可选），例如“2027-02-06~2027-02-13,放假,春节”"
            "“2027-02-14,上班,春节调休”。保存会替换该年已录入的全部日期；清空后保存即删除该年的录入。"
        ),
        (
            "Each line: a date or a range, holiday or workday (放假 or 上班), a name (optional), e.g. "
            "“2027-02-06~2027-02-13,holiday,Spring Festival” or “2027-02-14,workday”. Saving replaces "
            "every entered day of that year; saving it empty removes the year's entries."
        ),
    ),
    "admin.holidays.save": ("保存该年安排", "Save the year's schedule"),
    "admin.holidays.edit": ("修改", "Edit"),
    "admin.holidays.clashes": (
        (
            "{n} 件在办案件的答复期限按现在的节假日安排应重新计算（期限在录入节假日之前确定，"
            "落在非工作日或少算了放假天数）："
        ),
        (
            "{n} open cases have deadlines the holidays now count differently (set before the "
            "holidays were entered: due on a day off, or days off not counted):"
        ),
    ),
    "admin.holidays.shift": ("按节假日安排重新计算期限", "Recount these deadlines"),
    "admin.holidays.was_overdue": ("（已超期）", "(overdue)"),
    "admin.holidays.earlier": (
        "（提前：此前按节假日安排推后，现已更正）",
        "(earlier: moved later by a recount, the holidays since corrected)",
    ),
    "admin.holidays.earlier_note": (
        (
            "其中 {n} 件的期限将提前：此前的重新计算按当时录入的节假日推后了期限，节假日安排已更正或删除。"
            "期限不会早于第一次重新计算之前的期限；提前后已过期限的案件将再次显示为超期。"
        ),
        (
            "{n} of them come earlier: a recount moved them later for days the schedule no longer "
            "has. None comes before the deadline it had before its first recount; a case whose "
            "deadline has then passed is overdue again."
        ),
    ),
    "flash.deadlines_moved": (
        "已按节假日安排重新计算 {n} 件案件的期限。",
        "{n} deadlines recounted with the holidays.",
    ),
    "flash.holidays_few": (
        (
            "请核对：这一年只有 {n} 段放假，国务院通知通常列出 7 个节日（元旦、春节、清明节、劳动节、端午节、"
            "中秋节、国庆节）。只录入一部分时，其余节日仍按工作日计算期限。"
        ),
        (
            "Please check: this year has {n} holiday periods; a State Council notice usually lists "
            "seven. Until the others are entered, their days count as working days."
        ),
    ),
    "flash.holidays_workday_on_holiday": (
        "请核对：{day} 是每年的法定节日，却录成了上班。",
        "Please check: {day} is a statutory holiday every year, but was entered as a working day.",
    ),
    "flash.holidays_saved": (
        "{year} 年的节假日安排已保存（{n} 天）。",
        "Holiday schedule for {year} saved ({n} days).",
    ),
    "admin.categories.file": (
        "CSV/XLSX：一级分类、二级分类、三级分类，可选“部门”（单位代码）和“分类编码”列",
        "CSV/XLSX: level1, level2, level3 (or 一级分类, 二级分类, 三级分类), optional department and code",
    ),
    "admin.import": ("导入", "Import"),
    "admin.rules": ("办理时限规则", "Deadline rules"),
    "admin.rules.none": ("未设置规则：默认 15 个工作日。", "No rules: 15 working days by default."),
    "admin.templates": ("答复模板", "Reply templates"),
    "admin.template.body": ("模板内容，可用占位符", "Text, with placeholders"),
    "admin.add": ("添加", "Add"),
    "admin.delete": ("删除", "Delete"),
    "erasure.heading": ("删除个人信息（本人申请）", "Erase personal data (at the person's request)"),
    "erasure.link": ("删除个人信息（本人申请）", "Erase personal data at a person's request"),
    "erasure.hint": (
        (
            "按本人出示的信息查找其留言：查询码、案件编号、本人留下的电话或邮箱（完全一致才算）。"
            "将删除其联系方式、作者标识、回访意见，撤回其公开同意；案件、答复和统计数字保留。"
            "先预览，确认后再删除。每次删除都记入审计日志。"
        ),
        (
            "The person's messages are found by what they show: tracking codes, case numbers, the "
            "phone or e-mail they gave (exact matches only). Their contact details, author pseudonym "
            "and follow-up comments are deleted and their consent to publish withdrawn; cases, "
            "replies and statistics stay. Preview first, then confirm. Every erasure is in the audit trail."
        ),
    ),
    "erasure.one_per_line": ("每项一行，或用逗号、分号分隔。", "One per line, or separated by commas."),
    "erasure.field.codes": ("查询码", "Tracking codes"),
    "erasure.field.case_numbers": ("案件编号", "Case numbers"),
    "erasure.field.phones": ("电话号码", "Phone numbers"),
    "erasure.field.emails": ("电子邮箱", "E-mail addresses"),
    "erasure.field.text": (
        "同时删除留言内容（标题、正文、地址）",
        "Also erase the messages' words (title, body, address)",
    ),
    "erasure.preview": ("预览", "Preview"),
    "erasure.would": (
        (
            "将删除 {messages} 条留言（{cases} 件案件）的个人信息：{contacts} 条联系方式；"
            "{unpublished} 件案件将不再公开。"
        ),
        (
            "Would erase the personal data of {messages} messages in {cases} cases: {contacts} "
            "contact details; {unpublished} cases would no longer be public."
        ),
    ),
    "erasure.done": (
        (
            "已删除 {messages} 条留言（{cases} 件案件）的个人信息：{contacts} 条联系方式；"
            "{unpublished} 件案件不再公开。"
        ),
        (
            "Erased the personal data of {messages} messages in {cases} cases: {contacts} contact "
            "details; {unpublished} cases are no longer public."
        ),
    ),
    "erasure.texts": ("其中 {texts} 条留言的内容一并删除。", "The words of {texts} messages are included."),
    "erasure.codes": ("涉及留言的查询码", "Tracking codes of the messages"),
    "erasure.nothing": (
        "没有找到相应的留言，请核对查询码、案件编号、电话或邮箱。",
        "Nothing found: check the codes, numbers or addresses.",
    ),
    "erasure.confirm_hint": (
        "删除后无法恢复。请确认这些留言都属于提出申请的本人（案件编号会包括并案后其他人的留言）。",
        (
            "This cannot be undone. Check that these messages are all the person's own (a case "
            "number includes other people's messages merged into the case)."
        ),
    ),
    "erasure.confirm": ("确认删除", "Erase"),
    "erasure.people": (
        (
            "注意：这些留言来自 {people} 位不同的留言人（案件编号包括并案后其他人的留言）。"
            "只删除申请人本人的留言：请改用其查询码、电话或邮箱。"
        ),
        (
            "Careful: these messages come from {people} different people (a case number includes "
            "other people's messages merged into the case). Erase only the applicant's own: use "
            "their tracking codes, phone or e-mail instead."
        ),
    ),
}
