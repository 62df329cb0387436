"""Texts of the briefing (简报, ``minyi report``) and of the audit trail page (zh, en)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "brief.title.day": ("民意日报", "Daily briefing"),
    "brief.title.week": ("民意周报", "Weekly briefing"),
    "brief.title.month": ("民意月报", "Monthly briefing"),
    "brief.title.year": ("民意年报", "Annual briefing"),
    "brief.title.seven_days": ("民意简报（近 7 日）", "Seven-day briefing"),
    "brief.period": ("统计期间", "Period"),
    "brief.generated": ("生成时间", "Generated"),
    "brief.headline": ("一、总体情况", "1. Headline figures"),
    "brief.change": ("环比", "Against the previous period"),
    "brief.compared_with": ("环比对比期间", "Compared with"),
    "brief.previous": ("上期", "Before:"),
    "brief.not_yet_due": (
        (
            "本期受理的 {cases} 件中，{n} 件尚未答复、也未到答复期限，暂不计入按期办结率；"
            "它们到期或答复后，本期（和上期）的按期办结率还会变化。"
        ),
        (
            "Of the {cases} cases of this period, {n} are not answered and not yet due: the on-time "
            "rate leaves them out until they are answered or due, so it can still change "
            "(the period before's too)."
        ),
    ),
    "brief.previous_cases": ("上期 {n} 件", "{n} cases before"),
    "brief.volume_chart": ("每日受理量", "Cases received per day"),
    "brief.volume_chart_hours": ("各时段受理量", "Cases received per hour"),
    "brief.volume_chart_months": ("每月受理量", "Cases received per month"),
    "brief.no_value": ("—", "—"),
    "brief.unassigned": ("未派单", "Not dispatched"),  # as the dashboard names it
    "brief.scorecard": ("二、部门办理情况", "2. Department scorecard"),
    "brief.department": ("承办部门", "Department"),
    "brief.on_time_chart": (
        "各部门按期办结率（基数不少于 {n} 件的部门）",
        "On-time rate per department (those with at least {n} cases due)",
    ),
    "brief.issues": ("三、热点问题", "3. Hot issues"),
    "brief.top_issues": ("热点问题排行", "Hottest issues"),
    "brief.emerging": ("新出现的问题", "Emerging issues"),
    "brief.issue": ("问题", "Issue"),
    "brief.size": ("累计留言数", "Messages, all time"),
    "brief.issues_note": (
        (
            "累计留言数为该问题自首次出现以来的全部留言（不限于本期，按条计，与上面按案件计的诉求量不同）；"
            "热度综合留言数量、人数、点赞转发和近期增长，仅用于排序。"
        ),
        (
            "Messages: all the issue's messages since it first appeared (not only this period's; "
            "messages, not cases). Heat weighs messages, people, likes and recent growth; it only ranks."
        ),
    ),
    "brief.heat": ("热度", "Heat"),
    "brief.first_seen": ("首次出现", "First seen"),
    "brief.categories": ("主要问题类别", "Main categories"),
    "brief.category": ("类别", "Category"),
    "brief.count": ("件数", "Cases"),
    "brief.none": ("本期无", "None in this period"),
    "brief.alerts": ("四、异常预警", "4. Spikes and alerts"),
    "brief.alert_kind": ("类型", "Kind"),
    "brief.alert_topic": ("对象", "Topic"),
    "brief.alert_what": ("情况", "What was seen"),
    "brief.alert_time": ("时间", "Time"),
    "brief.cases": ("五、超期与重办案件", "5. Overdue and reopened cases"),
    "brief.overdue": ("超期未答复案件", "Overdue, not answered"),
    "brief.overdue_total": (
        (
            "期末（本期尚未结束的，截至生成时）全部在办案件中，已过答复期限仍未答复的共 {n} 件。"
            "不限于本期受理的案件，与大屏“已超期”同一口径；上面的按期办结率只统计本期受理的案件。"
        ),
        (
            "{n} cases of all those in hand were past their reply deadline and unanswered at the end of "
            "the period (or when written, for a period not over): not only this period's cases, as the "
            "big screen's “Overdue”; the on-time rate above counts this period's cases only."
        ),
    ),
    "brief.reopened_cases": ("本期重办案件", "Reopened in this period"),
    "brief.reopened_total": (
        "本期内被重办的案件共 {n} 件（按重办的日期计，不限于本期受理；上面的重办率只统计本期受理的案件）。",
        (
            "{n} cases were reopened in this period (by the day reopened, whenever they arrived; the "
            "reopening rate above counts this period's cases only)."
        ),
    ),
    "brief.alerts_total": ("本期共触发预警 {n} 条。", "{n} alerts fired in this period."),
    "brief.overdue_listed": (
        "下表列出答复期限最早的 {n} 件。",
        " The {n} with the earliest deadlines are listed.",
    ),
    "brief.alerts_listed": ("下表列出最早的 {n} 条。", " The first {n} are listed."),
    "brief.reopened_listed": ("下表按案件编号列出前 {n} 件。", " The first {n} by case number are listed."),
    "brief.case_number": ("案件编号", "Case number"),
    "brief.case_title": ("标题（已脱敏）", "Title (masked)"),
    "brief.due": ("答复期限", "Reply due"),
    "brief.times_reopened": ("重办次数", "Times reopened"),
    "brief.forecast": ("六、未来四周留言量预测", "6. Messages forecast, next 4 weeks"),
    "brief.forecast_note": (
        (
            "预测的是每周（周一至周日）收到的留言条数：同一诉求的多条留言各算一条，与按案件计的诉求量不同。"
            "区间为 80% 预测区间：按以往回测，约八成的周落在区间内；越往后区间越宽，预测越不确定。"
        ),
        (
            "The forecast counts messages received per week (Monday to Sunday): several messages of one "
            "case count each, unlike the volume of cases. The range is an 80% interval: in the backtest "
            "about four weeks in five fell inside it; it widens the further ahead."
        ),
    ),
    "brief.backtest_note": (
        (
            "误差以“照搬上周”为 1：0.8 表示预测误差约为照搬上周的 0.8 倍；"
            "小于 1 说明比“照搬上周”更准，越小越准。"
        ),
        (
            "The error counts “same as last week” as 1: 0.8 means the forecast is off by about 0.8 "
            "times as much as repeating last week; below 1 beats it, lower is better."
        ),
    ),
    "brief.forecast_span": (
        ("预测 {first} 至 {last} 这四周（从简报生成时所在的一周算起，依据此前各完整周的留言）。"),
        (
            "The forecast covers {first} to {last} (from the week the briefing was written in, "
            "on every complete week before it)."
        ),
    ),
    "brief.forecast_span_started": (
        "其中第一周在简报生成时已过去 {days} 天；预测只依据此前的完整周，这几天已收到的留言未计入。",
        (
            "{days} day(s) of the first week had passed when it was written; the forecast reads "
            "complete weeks only, not the messages of those days."
        ),
    ),
    "brief.forecast_none": (
        "暂无预测：历史数据不足或预测模块未启用。",
        "No forecast: not enough history, or the forecast is not available.",
    ),
    "brief.week_of": ("周起始", "Week of"),
    "brief.expected": ("预计留言数（条）", "Expected messages"),
    "brief.range": ("80% 预测区间（条）", "80% interval"),
    "brief.backtest": ("本方法回测误差", "This method's backtest error"),
    "brief.baseline": ("“照搬去年同周”法的误差", "Seasonal-naive forecast's error"),
    "brief.privacy": (
        "本简报仅含汇总数据和主题层面信息；案件标题已脱敏，不含任何个人信息。",
        (
            "This briefing holds aggregate and topic-level figures only; case titles are masked, "
            "with no personal data."
        ),
    ),
    "brief.definitions": ("口径说明", "Definitions"),
    "brief.counted": (
        "口径与公开评价页一致：统计期间内受理（按首条留言时间计）的案件，截至简报生成时的办理情况。",
        (
            "The figures are the public scorecard's: the cases received in the period (dated by their "
            "first message), as handled by the time the briefing was written."
        ),
    ),
    "brief.base": ("基数 {n} 件", "of {n} cases"),
    "brief.base_dispatches": ("基数 {n} 次派单", "of {n} dispatches"),
    "brief.small_base": (
        (
            "基数不足 {n} 的比率以“分子/基数”显示（如 3/4），不折算为百分比；"
            "满意率、解决率、重办率不足 5 件不显示。"
        ),
        (
            "A rate over fewer than {n} is shown as a fraction (3/4), not a percentage; satisfaction, "
            "resolution and reopening rates over fewer than 5 are not shown."
        ),
    ),
    "brief.mail_subject": ("{title}（{period}）", "{title} ({period})"),
    "brief.mail_body": (
        (
            "您好：\n\n附件为{title}（{period}），PDF 格式。\n"
            "受理 {received} 件，响应率 {response}，按期办结率 {on_time}，满意率 {satisfaction}。\n\n"
            "本邮件由系统自动发送，请勿直接回复。"
        ),
        (
            "Hello,\n\nAttached is the {title} ({period}) as PDF.\n"
            "{received} cases received; response rate {response}, "
            "on time {on_time}, satisfaction {satisfaction}.\n\n"
            "This e-mail was sent automatically; please do not reply."
        ),
    ),
    "audit.heading": ("审计日志", "Audit trail"),
    "audit.change_role": ("变更", "Change"),
    "audit.intro": (
        (
            "谁查看或导出了个人信息，谁变更了账号、角色、期限规则、节假日、模型：记录只增不改，仅管理员可见。"
            "案件的办理经过见案件页的办理记录。"
        ),
        (
            "Who viewed or exported personal data, who changed accounts, roles, deadline rules, holidays or "
            "the model: records are only ever added; admins only. A case's handling is on its page."
        ),
    ),
    "audit.action": ("操作", "Action"),
    "audit.actor": ("操作人", "Actor"),
    "audit.from": ("起始日期", "From"),
    "audit.to": ("截止日期", "To"),
    "audit.all": ("全部", "All"),
    "audit.filter": ("筛选", "Filter"),
    "audit.time": ("时间", "Time"),
    "audit.subject": ("对象", "Subject"),
    "audit.address": ("来源地址", "Address"),
    "audit.details": ("详情", "Details"),
    "audit.none": ("没有符合条件的记录。", "No events match."),
    "audit.page": ("第 {page} 页，共 {pages} 页（{total} 条）", "Page {page} of {pages} ({total} events)"),
    "audit.prev": ("上一页", "Previous"),
    "audit.next": ("下一页", "Next"),
    "audit.bad_date": (
        "日期格式应为 YYYY-MM-DD（1900 至 2999 年）",
        "dates are written YYYY-MM-DD (years 1900 to 2999)",
    ),
    "audit.export_masked": ("导出（已脱敏）", "Export (masked)"),
    "audit.export_full": ("导出（含个人信息）", "Export (with personal data)"),
    "audit.view_personal_data": ("查看个人信息", "Viewed personal data"),
    "audit.role_changed": ("变更角色", "Role changed"),
    "audit.import": ("导入", "Import"),
    "audit.erasure": ("应本人要求删除个人信息", "Erasure at the person's request"),
    "audit.holidays_changed": ("修改节假日安排", "Holiday schedule changed"),
    "audit.retention_run": ("按保留期限删除联系方式", "Contact details deleted by the retention policy"),
    "audit.deadlines_recounted": ("按节假日安排重新计算期限", "Deadlines recounted for the holidays"),
    "audit.erasure_preview": (
        "预览删除（按电话、邮箱查找留言）",
        "Erasure preview (a look-up by phone or e-mail)",
    ),
    "audit.subject_filter": (
        "对象（案件编号、用户名、文件名，或热点问题、文章的编号）",
        "Subject (case number, user name, file, or a hot issue's or article's id)",
    ),
    "audit.time_local": ("时间（北京时间）", "Time (local)"),
    "audit.csv": ("下载 CSV（按当前筛选）", "Download CSV (these filters)"),
    "audit.account_active": ("停用或启用账号", "Account deactivated or reactivated"),
    "audit.password_changed": ("更改密码", "Password changed"),
    "audit.sessions_ended": ("强制退出登录", "Logged out everywhere"),
    "audit.lockout_lifted": ("解除锁定", "Lock-out lifted"),
    "audit.token_issued": ("签发 API 令牌", "API token issued"),
    "audit.client_key_created": ("签发 Open311 密钥", "Open311 key issued"),
    "audit.client_key_revoked": ("吊销 Open311 密钥", "Open311 key revoked"),
    "audit.department_created": ("新建部门", "Department added"),
    "audit.categories_imported": ("导入分类", "Categories imported"),
    "audit.deadline_rule_added": ("新增期限规则", "Deadline rule added"),
    "audit.deadline_rule_removed": ("删除期限规则", "Deadline rule removed"),
    "audit.template_added": ("新增答复模板", "Reply template added"),
    "audit.template_removed": ("删除答复模板", "Reply template removed"),
    "audit.model_activated": ("启用分类模型", "Model activated"),
    "audit.restore": ("恢复导出的案件", "Export restored"),
    "audit.audit_exported": ("导出审计日志", "Audit trail exported"),
    "audit.alert_rule_saved": ("新增或修改预警规则", "Alert rule added or changed"),
    "audit.alert_rule_switched": ("启用或停用预警规则", "Alert rule switched on or off"),
    "audit.issue_renamed": ("热点问题改名", "Hot issue renamed"),
    "audit.issue_merged": ("合并热点问题", "Hot issues merged"),
    "audit.issue_split": ("拆分热点问题", "Hot issue split"),
    "audit.article_created": ("新建知识库文章", "Knowledge article added"),
    "audit.article_changed": ("修改知识库文章", "Knowledge article changed"),
    "audit.article_expired": ("知识库文章失效", "Knowledge article expired"),
}
