"""Texts of the big screen (/screen), zh and en."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "screen.title": ("诉求办理实时大屏", "Live hotline board"),
    "screen.received": ("今日收到留言（条）", "Messages received today"),
    "screen.in_progress": ("在办（件）", "Cases in progress"),
    "screen.overdue": ("已超期（件）", "Overdue cases"),
    "screen.unsigned": ("超时未签收（件）", "Not signed for in time"),
    "screen.closed": ("今日办结（件）", "Cases closed today"),
    # messages, not cases: 诉求量 is the scorecard's and the briefing's count of cases (fourteenth probe)
    "screen.regions": ("近 7 日各区域留言量（条）", "Messages per region, last 7 days"),
    "screen.issues": ("当前热点", "Hot issues now"),
    "screen.alerts": ("未处理预警", "Open alerts"),
    "screen.rates": ("办理时效", "Timeliness"),
    "screen.on_time_reply": (
        "近 30 日已答复案件按期率",
        "Cases answered in the last 30 days: share answered on time",
    ),
    "screen.within_deadline": ("在办案件未超期比例", "Cases in progress within deadline"),
    "screen.updated": ("更新于", "Updated"),
    "screen.stale": ("数据暂未更新，正在重试", "Figures not updated; retrying"),
    "screen.none": ("暂无", "None"),
    "screen.messages": ("条", "messages"),
    "screen.no_rate": ("—", "—"),
}
