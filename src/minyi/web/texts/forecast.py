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
    "forecast.mase": ("本方法回测误差", "This method's backtest error"),
    "forecast.reliability": ("可靠程度", "How reliable"),
    "forecast.reliability.good": (
        "较可靠（明显好于照搬上周）",
        "Fairly reliable (clearly better than last week again)",
    ),
    "forecast.reliability.fair": ("一般（与照搬上周相当）", "Fair (about as good as last week again)"),
    "forecast.reliability.weak": ("仅供参考（不如照搬上周）", "Indicative only (worse than last week again)"),
    "forecast.reliability.unknown": ("数据太少，无法检验", "Too little data to check"),
    "forecast.errors": ("技术指标：回测误差", "Technical: backtest errors"),
    "forecast.mape": ("平均偏离（%）", "Mean % off"),
    "forecast.naive": ("“照搬上周”法的误差", "Same-as-last-week forecast's error"),
    "forecast.seasonal_naive": ("“照搬去年同周”法的误差", "Seasonal-naive forecast's error"),
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
        (
            "回测误差以“照搬上周”为 1：0.8 表示预测误差约为照搬上周的 0.8 倍，小于 1 说明更准"
            "（即平均绝对误差除以历史上相邻两周变化的平均值，统计上称 MASE）；"
        ),
        (
            "The backtest error counts “same as last week” as 1: 0.8 means the forecast is off by about "
            "0.8 times as much as repeating last week, below 1 is better (the mean absolute error over "
            "the mean week-to-week change of the history, the MASE);"
        ),
    ),
    "forecast.method.5": (
        "平均偏离为预测与实际相差的平均百分比（MAPE），只计有留言的周。",
        "Mean % off: how far the forecast was from what came, on average, over weeks with messages (MAPE).",
    ),
    "forecast.method.6": (
        "表中同时列出两种朴素方法（照搬上周、照搬去年同周）的误差；区间为回测误差的 80% 分位。",
        (
            "The errors of two naive forecasts (last week; the same week a year before) are shown beside "
            "it; the interval is the 80th percentile of the backtest errors."
        ),
    ),
}
