"""Texts of the big screen (/screen), zh and en."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "screen.title": ("诉求办理实时大屏", "Live hotline board"),
    "screen.received": ("今日受理", "Received today"),
    "screen.in_progress": ("在办", "In progress"),
    "screen.overdue": ("已超期", "Overdue"),
    "screen.unsigned": ("超时未签收", "Not signed for in time"),
    "screen.closed": ("今日办结", "Closed today"),
    "screen.regions": ("近 7 日各区域诉求量", "Messages per region, last 7 days"),
    "screen.issues": ("当前热点", "Hot issues now"),
    "screen.alerts": ("未处理预警", "Open alerts"),
    "screen.rates": ("办理时效", "Timeliness"),
    "screen.on_time_reply": ("近 30 日按时答复率", "On-time replies, 30 days"),
    "screen.within_deadline": ("在办未超期率", "Open cases within deadline"),
    "screen.updated": ("更新于", "Updated"),
    "screen.stale": ("数据暂未更新，正在重试", "Figures not updated; retrying"),
    "screen.none": ("暂无", "None"),
    "screen.messages": ("条", "messages"),
    "screen.no_rate": ("—", "—"),
}
