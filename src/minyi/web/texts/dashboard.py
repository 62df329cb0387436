"""Texts of the public dashboard (/public/dashboard) and its open-data links (zh, en)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "nav.dashboard": ("数据看板", "Dashboard"),
    "dashboard.heading": ("办理情况公开看板", "Public scorecard"),
    "dashboard.intro": (
        "各部门、区域、类别每月的办理数据，接受社会监督。数据为汇总统计，不含任何个人信息。",
        (
            "How messages are handled, per department, region, category and month, published for "
            "public scrutiny. Aggregate figures only: no personal data."
        ),
    ),
    "dashboard.refreshed": ("数据更新于", "Figures as of"),
    "dashboard.never": ("尚未生成统计数据。", "No figures have been computed yet."),
    "dashboard.empty": ("所选范围内没有案件。", "No cases in the chosen range."),
    "dashboard.filters": ("筛选", "Filters"),
    "dashboard.start": ("起始月份", "From month"),
    "dashboard.end": ("截止月份", "To month"),
    "dashboard.month.hint": ("格式：2019-05", "Format: 2019-05"),
    "dashboard.department": ("承办部门", "Department"),
    "dashboard.region": ("区域", "Region"),
    "dashboard.category": ("问题类别", "Category"),
    "dashboard.all": ("全部", "All"),
    "dashboard.rank_by": ("排名依据", "Rank by"),
    "dashboard.apply": ("查看", "Show"),
    "dashboard.reset": ("重置", "Reset"),
    "dashboard.period": ("统计期间", "Period"),
    "dashboard.headline": ("总体指标", "Headline figures"),
    "dashboard.base": ("统计基数", "Based on"),
    "dashboard.cases_unit": ("件", "cases"),
    "dashboard.definitions": ("指标说明", "What the figures mean"),
    "dashboard.definitions.note": (
        "案件按首条留言的时间计入月份；数据每次刷新时按当时状态统计，尚未到期的案件不计为超期。",
        (
            "A case counts in the month of its first message; figures are computed at each refresh, "
            "and a case whose deadline has not passed is not counted as late."
        ),
    ),
    "dashboard.min_volume": (
        "案件数少于 {n} 件的行不参与排名，显示“样本不足”。",
        "Rows with fewer than {n} cases are not ranked: they show “too few cases”.",
    ),
    "dashboard.trend": ("月度趋势", "Monthly trend"),
    "dashboard.trend.chart": (
        "月度趋势图，数据见下表",
        "Monthly trend chart; the table below holds its figures",
    ),
    "dashboard.trend.table": ("月度趋势（表）", "Monthly trend (table)"),
    "dashboard.trend.volume": ("诉求量", "Volume"),
    "dashboard.month": ("月份", "Month"),
    "dashboard.by.department": ("部门排名", "Departments ranked"),
    "dashboard.by.region": ("区域排名", "Regions ranked"),
    "dashboard.by.category": ("类别排名", "Categories ranked"),
    "dashboard.rank": ("名次", "Rank"),
    "dashboard.name": ("名称", "Name"),
    "dashboard.too_few": ("样本不足", "Too few cases"),
    "dashboard.no_value": ("—", "—"),
    "dashboard.hours": ("{n} 小时", "{n} h"),
    "dashboard.days": ("{n} 天", "{n} days"),
    "dashboard.download": ("开放数据下载", "Open data"),
    "dashboard.download.intro": (
        "下载当前筛选范围的汇总数据（月份 × 部门 × 区域 × 类别）。",
        "Download the aggregate table of the current filters (month × department × region × category).",
    ),
    "dashboard.licence": ("许可协议", "Licence"),
    "dashboard.error": ("筛选条件有误，请修改后重试。", "A filter is not valid; please change it."),
    "dashboard.error.start": (
        "起始月份应写作“年-月”，例如 2019-05。",
        "From month: write it as year-month, e.g. 2019-05.",
    ),
    "dashboard.error.end": (
        "截止月份应写作“年-月”（例如 2019-05），且不早于起始月份。",
        "To month: write it as year-month (e.g. 2019-05), not before the first month.",
    ),
    "dashboard.error.department": ("没有这个部门。", "There is no such department."),
    "dashboard.error.category": ("没有这个类别。", "There is no such category."),
    "dashboard.error.region": ("区域名称过长。", "The region name is too long."),
    "dashboard.error.rank": ("排名依据不是可选的指标。", "Rank by: not one of the figures."),
    "dashboard.error.by": (
        "分组维度只能是部门、区域、类别。",
        "Group by: department, region or category only.",
    ),
}
