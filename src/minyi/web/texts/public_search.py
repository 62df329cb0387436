"""Texts of the public answer search (/public/search) and the open data pages (/public/data)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "psearch.heading": ("搜索公开答复", "Search public answers"),
    "psearch.intro": (
        "在留言人同意公开、已答复的留言中按词语查找；个人信息已遮挡。每个词都须出现。",
        (
            "Search the answered messages whose authors agreed to publish them; personal data is masked. "
            "Every word must appear."
        ),
    ),
    "psearch.q": ("关键词", "Words"),
    "psearch.q.placeholder": ("例如：路灯 不亮；或查询码 MY…", "e.g. 路灯 不亮, or a tracking code MY…"),
    "psearch.button": ("搜索", "Search"),
    "psearch.department": ("承办单位", "Department"),
    "psearch.category": ("分类", "Category"),
    "psearch.region": ("区域", "Region"),
    "psearch.from": ("留言日期自", "Received from"),
    "psearch.to": ("至", "to"),
    "psearch.status": ("状态", "Status"),
    "psearch.any": ("全部", "Any"),
    "psearch.found": ("找到 {n} 条", "{n} found"),
    "psearch.found_more": ("找到超过 {n} 条，请加词或筛选", "More than {n} found; add words or filters"),
    "psearch.none": ("没有找到符合条件的公开答复。", "No public answer matches."),
    "psearch.past_end": (
        "这一页已超出结果范围，请返回第 1 页。",
        "This page is past the last result: go back to page 1.",
    ),
    "psearch.reply": ("答复", "Answer"),
    "psearch.received": ("留言", "Received"),
    "psearch.clear": ("清除条件", "Clear"),
    "psearch.link": ("按关键词搜索公开答复", "Search public answers by words"),
    "psearch.data": ("开放数据下载", "Open data downloads"),
    "psearch.error.q": (
        "关键词：请输入两个字及以上的词语（不超过 100 字），不要只输入“的、了”等常用字。",
        "Words: use words of two characters or more (at most 100 characters), not only common words.",
    ),
    "psearch.error.from": (
        "留言日期自：请按 2019-01-31 的格式填写日期。",
        "Received from: a date like 2019-01-31.",
    ),
    "psearch.error.to": (
        "至：请按 2019-01-31 的格式填写日期，且不早于起始日期。",
        "To: a date like 2019-01-31, not before the from date.",
    ),
    "psearch.error.page": ("页码：请填写 1 到 1000 之间的整数。", "Page: a whole number from 1 to 1000."),
    "psearch.error.size": (
        "每页条数：请填写 1 到 100 之间的整数。",
        "Page size: a whole number from 1 to 100.",
    ),
    "psearch.error.status": ("状态：请从列表中选择。", "Status: choose one from the list."),
    "opendata.heading": ("开放数据", "Open data"),
    "opendata.intro": (
        "以下文件可自由下载使用。公开留言数据仅包含留言人同意公开并已答复的留言，个人信息已遮挡，时间取整到小时。",
        (
            "These files are free to download and reuse. The public cases are only answered messages whose "
            "authors agreed to publish them, with personal data masked and times rounded to the hour."
        ),
    ),
    "opendata.licence": ("许可协议", "Licence"),
    "opendata.cases": ("公开留言及答复", "Public messages and answers"),
    "opendata.cases.about": (
        "每行一件公开案件：标题、留言正文、答复（均已遮挡个人信息）、承办单位、分类、区域、状态和时间。",
        (
            "One row per public case: title, message, answer (personal data masked), department, category, "
            "region, status and times."
        ),
    ),
    "opendata.scorecard": ("部门考评汇总表", "Department scorecard"),
    "opendata.scorecard.about": (
        "按部门、区域、分类和月份汇总的响应率、按时办结率、解决率、满意率等指标（汇总数据，不含个人信息）。",
        (
            "Response, on-time, resolution and satisfaction rates and more, per department, region, category "
            "and month (aggregates, no personal data)."
        ),
    ),
    "opendata.files": ("下载", "Download"),
    "opendata.columns": ("字段说明", "Columns"),
    "opendata.col.name": ("字段名", "Name"),
    "opendata.col.type": ("类型", "Type"),
    "opendata.col.zh": ("含义", "Meaning (Chinese)"),
    "opendata.col.en": ("含义（英文）", "Meaning"),
    "opendata.encoding": (
        "CSV 为 UTF-8 编码（带 BOM，Excel 可直接打开）；JSON 为一个对象数组；XLSX 为一个工作表。",
        "CSV is UTF-8 (with a BOM, so Excel opens it); JSON is one array of objects; XLSX is one sheet.",
    ),
    "opendata.rows": ("当前共 {n} 行。", "{n} rows now."),
}
