"""Texts of the demand forecast page (/public/dashboard/forecast), zh and en."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "forecast.heading": ("诉求量预测", "Demand forecast"),
    "forecast.intro": (
        "按周预测今后几周各类别、各区域的留言量。只统计数量，不含任何个人信息。",
        "Weekly message volume for the coming weeks, per category and region. Counts only, no personal data.",
    ),
    "forecast.by": ("分组", "Group by"),
    "forecast.by.category": ("按类别", "By category"),
    "forecast.by.region": ("按区域", "By region"),
    "forecast.weeks": ("预测周数", "Weeks ahead"),
    "forecast.end": ("从该日所在周起预测", "Forecast from the week of"),
    "forecast.apply": ("查看", "Show"),
    "forecast.total": ("总量", "Total"),
    "forecast.series": ("显示", "Show"),
    "forecast.chart": ("历史与预测", "History and forecast"),
    "forecast.chart.history": ("实际", "Actual"),
    "forecast.chart.forecast": ("预测", "Forecast"),
    "forecast.chart.lower": ("区间下限", "Interval low"),
    "forecast.chart.band": ("80% 区间", "80% interval"),
    "forecast.table": ("各组预测与回测误差", "Forecasts and backtest errors"),
    "forecast.name": ("名称", "Name"),
    "forecast.week_of": ("周一", "Week of"),
    "forecast.working_days": ("工作日", "working days"),
    "forecast.mase": ("MASE", "MASE"),
    "forecast.reliability": ("可靠程度", "How reliable"),
    "forecast.reliability.good": (
        "较可靠（明显好于照搬上周）",
        "Fairly reliable (clearly better than last week again)",
    ),
    "forecast.reliability.fair": ("一般（与照搬上周相当）", "Fair (about as good as last week again)"),
    "forecast.reliability.weak": ("仅供参考（不如照搬上周）", "Indicative only (worse than last week again)"),
    "forecast.reliability.unknown": ("数据太少，无法检验", "Too little data to check"),
    "forecast.errors": ("技术指标：回测误差", "Technical: backtest errors"),
    "forecast.mape": ("MAPE", "MAPE"),
    "forecast.naive": ("上周值法 MASE", "Naive MASE"),
    "forecast.seasonal_naive": ("去年同周法 MASE", "Seasonal-naive MASE"),
    "forecast.short": ("历史较短，按近几周均值预测", "Short history: mean of recent weeks"),
    "forecast.none": ("—", "—"),
    "forecast.history": ("历史周数", "Weeks of history"),
    "forecast.empty": ("还没有留言，无法预测。", "No messages yet: nothing to forecast."),
    "forecast.empty_end": (
        "{end} 之前三年内没有留言，无法预测。请选一个更早的日期，或不填（默认从最近的留言算起）。",
        (
            "No messages in the three years before {end}: nothing to forecast. Choose an earlier "
            "date, or leave it empty (the default follows the latest messages)."
        ),
    ),
    "forecast.back": ("返回数据看板", "Back to the dashboard"),
    "forecast.link": ("诉求量预测", "Demand forecast"),
    "forecast.json": ("JSON 数据", "JSON data"),
    "forecast.method": ("方法与误差说明", "Method and error measures"),
    "forecast.method.1": (
        "先按每周工作日数（含法定节假日和调休）折算每个有效工作日的留言量，再用阻尼趋势指数平滑外推；",
        (
            "Each week's count is divided by its effective working days (holidays and 调休 make-up days "
            "counted), and the rate is extrapolated by exponential smoothing with a damped trend;"
        ),
    ),
    "forecast.method.2": (
        "有两年以上历史时再乘以按周的年度季节指数。节假日所在周因此预测偏低，调休周偏高。",
        (
            "with two years of history, a yearly index per week is applied. Holiday weeks are therefore "
            "forecast low and make-up weeks high."
        ),
    ),
    "forecast.method.3": (
        "误差用滚动起点回测：以最近若干周为起点，只用之前的数据预测其后 1 至 4 周。",
        (
            "Error: a rolling-origin backtest forecasts 1 to 4 weeks from each recent week with only the "
            "data before it."
        ),
    ),
    "forecast.method.4": (
        "MASE 为平均绝对误差除以历史上相邻两周变化的平均值，小于 1 说明好于“照搬上周”；",
        (
            "MASE is the mean absolute error over the mean week-to-week change of the history (below 1: "
            "better than repeating last week);"
        ),
    ),
    "forecast.method.5": (
        "MAPE 为平均绝对百分比误差，只计有留言的周。",
        "MAPE is the mean absolute percentage error over weeks with messages.",
    ),
    "forecast.method.6": (
        "表中同时列出两种朴素方法（照搬上周、照搬去年同周）的误差；区间为回测误差的 80% 分位。",
        (
            "The errors of two naive forecasts (last week; the same week a year before) are shown beside "
            "it; the interval is the 80th percentile of the backtest errors."
        ),
    ),
}
