"""Texts of the briefing (简报, ``minyi report``) and of the audit trail page (zh, en)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "brief.title.day": ("民意日报", "Daily briefing"),
    "brief.title.week": ("民意周报", "Weekly briefing"),
    "brief.title.month": ("民意月报", "Monthly briefing"),
    "brief.title.year": ("民意年报", "Annual briefing"),
    "brief.period": ("统计期间", "Period"),
    "brief.generated": ("生成时间", "Generated"),
    "brief.headline": ("一、总体情况", "1. Headline figures"),
    "brief.change": ("环比", "Against the previous period"),
    "brief.compared_with": ("环比对比期间", "Compared with"),
    "brief.volume_chart": ("每日受理量", "Cases received per day"),
    "brief.volume_chart_hours": ("各时段受理量", "Cases received per hour"),
    "brief.volume_chart_months": ("每月受理量", "Cases received per month"),
    "brief.no_value": ("—", "—"),
    "brief.unassigned": ("未派单", "Not dispatched"),  # as the dashboard names it
    "brief.scorecard": ("二、部门办理情况", "2. Department scorecard"),
    "brief.department": ("承办部门", "Department"),
    "brief.on_time_chart": ("各部门按时答复率", "Answered on time, per department"),
    "brief.issues": ("三、热点问题", "3. Hot issues"),
    "brief.top_issues": ("热点问题排行", "Hottest issues"),
    "brief.emerging": ("新出现的问题", "Emerging issues"),
    "brief.issue": ("问题", "Issue"),
    "brief.size": ("留言数", "Messages"),
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
    "brief.overdue_total": ("期末超期未答复共 {n} 件", "{n} cases overdue at the end of the period"),
    "brief.reopened_cases": ("本期重办案件", "Reopened in this period"),
    "brief.case_number": ("案件编号", "Case number"),
    "brief.case_title": ("标题（已脱敏）", "Title (masked)"),
    "brief.due": ("答复期限", "Reply due"),
    "brief.times_reopened": ("重办次数", "Times reopened"),
    "brief.forecast": ("六、未来四周诉求量预测", "6. Demand forecast, next 4 weeks"),
    "brief.forecast_none": (
        "暂无预测：历史数据不足或预测模块未启用。",
        "No forecast: not enough history, or the forecast is not available.",
    ),
    "brief.week_of": ("周起始", "Week of"),
    "brief.expected": ("预测量", "Expected"),
    "brief.range": ("区间", "Range"),
    "brief.backtest": ("回测误差", "Backtest error"),
    "brief.baseline": ("季节性朴素预测误差", "Naive seasonal forecast error"),
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
    "audit.subject_filter": ("对象（案件编号、用户名或文件名）", "Subject (case number, user name or file)"),
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
}
