"""The forecast method on synthetic weekly series whose seasonality and holidays we know."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from minyi.accountability import forecast_methods as fm
from minyi.cases.calendar import WorkCalendar

CALENDAR = WorkCalendar()
PER_WORKING_DAY = 20.0
OFF_DAY_SHARE = 0.3


def _weeks(first: date, count: int) -> list[date]:
    return [first + timedelta(weeks=n) for n in range(count)]


def _working(weeks: list[date]) -> list[int]:
    return [sum(CALENDAR.is_working_day(w + timedelta(days=d)) for d in range(7)) for w in weeks]


def _synthetic(weeks: list[date], working: list[int], *, amplitude: float, seed: int = 7) -> list[int]:
    """Poisson-like counts: a rate per working day, days off at 30 %, a yearly wave."""
    rng = random.Random(seed)
    counts = []
    for week, days in zip(weeks, working, strict=True):
        wave = 1 + amplitude * math.sin(2 * math.pi * week.isocalendar().week / 52)
        mean = PER_WORKING_DAY * wave * (days + OFF_DAY_SHARE * (7 - days))
        counts.append(max(0, round(rng.gauss(mean, math.sqrt(mean)))))
    return counts


def test_beats_both_naive_forecasts_on_a_seasonal_series_with_holidays():
    weeks = _weeks(date(2021, 1, 4), 150)
    working = _working(weeks)
    counts = _synthetic(weeks, working, amplitude=0.4)
    ours = fm.backtest(counts, working, weeks, method="wd-holt", horizon=4, origins=16)
    last = fm.backtest(counts, working, weeks, method="naive", horizon=4, origins=16)
    seasonal = fm.backtest(counts, working, weeks, method="seasonal-naive", horizon=4, origins=16)
    assert ours.origins == last.origins == seasonal.origins == 16
    assert ours.mase is not None
    assert last.mase is not None
    assert seasonal.mase is not None
    assert ours.mase < last.mase
    assert ours.mase < seasonal.mase
    assert ours.mape is not None
    assert last.mape is not None
    assert ours.mape < last.mape


def test_two_years_of_history_learn_the_yearly_wave():
    weeks = _weeks(date(2021, 1, 4), 130)
    working = _working(weeks)
    counts = _synthetic(weeks, working, amplitude=0.5)
    future = _weeks(weeks[-1] + timedelta(weeks=1), 4)
    result = fm.fit(counts, working, _working(future), weeks, future)
    assert result.method == "wd-holt"
    assert result.seasonal


def test_a_holiday_week_is_forecast_low_and_a_makeup_workday_week_high():
    # 2025: Sunday 28 September is a 调休 working day (6 working days that week); National Day and
    # Mid-Autumn take 1-8 October (2 and 3 working days); then an ordinary week.
    weeks = _weeks(date(2025, 5, 12), 19)  # up to the week of 15 September
    working = _working(weeks)
    counts = _synthetic(weeks, working, amplitude=0.0)
    future = _weeks(date(2025, 9, 22), 4)
    future_working = _working(future)
    assert future_working == [6, 2, 3, 5]
    result = fm.fit(counts, working, future_working, weeks, future)
    makeup, holiday, after, ordinary = result.values
    assert holiday < after < ordinary < makeup
    assert holiday < 0.7 * ordinary
    assert all(lo <= v <= hi for lo, v, hi in zip(result.lower, result.values, result.upper, strict=True))


def test_a_short_series_falls_back_to_a_plain_mean_and_says_so():
    weeks = _weeks(date(2024, 3, 4), 5)
    working = _working(weeks)
    result = fm.fit([50, 52, 48, 50, 51], working, [5, 5], weeks, _weeks(date(2024, 4, 8), 2))
    assert result.method == "mean"
    assert 45 < result.values[0] < 55
    assert fm.backtest([50, 52, 48], working[:3], weeks[:3], method="wd-holt").mase is None


def test_an_empty_series_forecasts_zero():
    result = fm.fit([], [], [5, 5, 5])
    assert result.values == [0.0, 0.0, 0.0]
    assert result.method == "mean"


def test_baselines_and_error_measures():
    assert fm.naive([1, 2, 3], 2) == [3.0, 3.0]
    assert fm.naive([], 1) == [0.0]
    assert fm.seasonal_naive(list(range(10)), 2) is None
    year = list(range(60))
    assert fm.seasonal_naive(year, 3) == [8.0, 9.0, 10.0]
    weeks = _weeks(date(2024, 1, 1), 20)
    flat = [10] * 10 + [0] * 10
    # A series of zeros at the end: MAPE is undefined where every actual is zero.
    result = fm.backtest(flat, [5] * 20, weeks, method="naive", horizon=2, origins=4)
    assert result.mape is None
