"""Visible labels of the staff forms' fields, and example values for their placeholders (zh, en).

A field is named by its label, shown above or beside it and kept while typing; a placeholder
only shows an example value (``例：``/``e.g.``), never the field's name.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # the inbox's filters
    "label.inbox.q": ("关键词或编号", "Words or number"),
    "example.inbox.q": ("例：路灯 不亮", "e.g. 路灯 不亮"),
    # a case's steps
    "label.case.template": ("答复模板", "Reply template"),
    "label.case.category": ("改为类别", "New category"),
    "label.case.extension_note": ("审批意见（可选）", "Decision note (optional)"),
    "label.case.return_reason": ("退单理由", "Why it is returned"),
    "example.case.return_reason": ("例：不属于本单位职责", "e.g. not our responsibility"),
    "label.case.extension_days": ("延期工作日数", "Working days"),
    "label.case.extension_reason": ("延期理由", "Why more time is needed"),
    "example.case.extension_reason": ("例：需现场勘查", "e.g. the site must be inspected"),
    "label.case.supervise_comment": ("督办意见", "What must be done"),
    "example.case.supervise_comment": ("例：请三日内反馈进展", "e.g. report progress within three days"),
    "label.case.supervise_due": ("督办时限（可选）", "Supervision due (optional)"),
    "label.case.reopen_reason": ("重办理由", "Why it is reopened"),
    "example.case.reopen_reason": ("例：市民反映问题未解决", "e.g. the citizen says it is not solved"),
    "label.case.merge_other": ("并入的案件编号", "Number of the case to merge in"),
    "example.case.merge_other": ("例：20261207-7K3QH2XP", "e.g. 20261207-7K3QH2XP"),
    "label.case.dispatch_to": ("派往单位", "Dispatch to"),
    "label.case.note": ("说明（可选）", "Note (optional)"),
    "label.case.new_status": ("改为状态", "New status"),
    "label.case.adoption_reason": ("采纳理由（留言人可见）", "Reason (the citizen reads it)"),
    "label.case.callback_outcome": ("回电结果", "What came of the call"),
    "example.case.callback_outcome": ("例：已电话告知办理进度", "e.g. told the progress by phone"),
    "label.case.callback_note": ("回电要点（可选）", "What to talk about (optional)"),
    # the admin page
    "label.admin.username": ("用户名", "Username"),
    "example.admin.username": ("例：zhangwei", "e.g. zhangwei"),
    "label.admin.display_name": ("姓名（可选）", "Display name (optional)"),
    "label.admin.role": ("角色", "Role"),
    "label.admin.department": ("所属单位", "Department"),
    "label.admin.password": ("初始密码", "First password"),
    "label.admin.code": ("单位代码", "Code"),
    "example.admin.code": ("例：JTJ", "e.g. JTJ"),
    "label.admin.name": ("单位名称", "Name"),
    "example.admin.name": ("例：交通运输局", "e.g. 交通运输局"),
    "label.admin.phone": ("联系电话（可选）", "Phone (optional)"),
    "example.admin.phone": ("例：0731-88001234", "e.g. 0731-88001234"),
    "label.admin.email": ("电子邮箱（可选）", "E-mail (optional)"),
    "example.admin.email": ("例：jtj@example.gov.cn", "e.g. jtj@example.gov.cn"),
    "label.admin.category_file": ("分类文件", "Category file"),
    "label.admin.rule_appeal": ("诉求类型", "Kind of appeal"),
    "label.admin.rule_category": ("适用类别", "Category"),
    "label.admin.rule_days": ("答复时限（工作日）", "Reply within (working days)"),
    "example.admin.rule_days": ("例：15", "e.g. 15"),
    "label.admin.rule_hours": ("或时限（小时，紧急）", "or within (hours, urgent)"),
    "example.admin.rule_hours": ("例：2", "e.g. 2"),
    "label.admin.rule_accept": ("签收时限（工作小时）", "Sign for within (working hours)"),
    "example.admin.rule_accept": ("例：2", "e.g. 2"),
    "label.admin.rule_note": ("说明（可选）", "Note (optional)"),
    "label.admin.template_name": ("模板名称", "Template name"),
    "example.admin.template_name": ("例：已转办通知", "e.g. forwarded notice"),
    "label.admin.template_department": ("适用单位", "Department"),
}
