"""Weekly demand forecasts as pure functions: the method, the baselines and their backtest.

No database and no settings here: every function takes plain weekly counts (oldest first)
and, where the calendar matters, each week's number of working days, so the same code
serves the live forecast (:mod:`minyi.accountability.forecast`), the tests and ``bench/``.

**The method** (``wd-holt``): a citizen hotline's weekly volume follows the number of
working days in the week (a 春节 or 国庆 week has two or three; a 调休 week has six), so the
series is first turned into a *rate per effective day*, where an effective day is a
working day, or a day off weighted ``w`` (0 < w ≤ 1, learned: people write less on days
off). The rate is smoothed by Holt's linear method with a damped trend (level + trend,
damping 0.9). With two years of history or more it is first divided by a yearly index per
ISO week (classical multiplicative decomposition, shrunk towards 1), so that a summer
peak comes back in summer. The smoothing weights and ``w`` are chosen on a small grid by
the one-step squared error on the counts. A forecast is the rate times the effective days
of the future week, which the calendar knows in advance: a holiday week is forecast low
before it happens.

**Baselines**: ``naive`` repeats the last week; ``seasonal-naive`` repeats the same week a
year (52 weeks) before, and needs a year of history.

**Error measures** (rolling origin, :func:`backtest`): from each of the last few weeks
taken as an origin, forecast 1 to ``horizon`` weeks ahead with only the data before it and
compare with what came. MASE divides the mean absolute error by the mean absolute
week-to-week change of the training data (below 1: better than repeating last week,
in-sample); MAPE is the mean absolute percentage error over the weeks with a non-zero
actual, undefined (``None``) when there is none.

**Short series**: under :data:`MIN_WEEKS` weeks the method falls back to the mean rate of
the last weeks times the effective days (``mean``), and says so.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "MIN_WEEKS",
    "SEASON",
    "Backtest",
    "Fit",
    "Predictor",
    "backtest",
    "fit",
    "naive",
    "seasonal_naive",
]

Floats = NDArray[np.float64]
Numbers = Sequence[float] | Floats
#: Another method for :func:`backtest` (bench/): (training counts, their working days, the
#: future weeks' working days) → the forecasts.
Predictor = Callable[[Floats, Floats, Floats], Sequence[float]]

SEASON = 52  # weeks in a year, for the seasonal baselines and the yearly index
MIN_WEEKS = 8  # below this, the series is too short to fit the method: a plain mean
SEASONAL_MIN_WEEKS = 2 * SEASON  # two years before a yearly index is trusted
DAMPING = 0.9
ALPHAS = (0.1, 0.2, 0.35, 0.5, 0.7)
BETAS = (0.0, 0.05, 0.15)
OFF_WEIGHTS = (0.1, 0.3, 0.6, 1.0)
MEAN_WEEKS = 4  # weeks averaged by the short-series fallback
DAYS_PER_WEEK = 7.0
Z80 = 1.2816  # two-sided 80 % interval of a normal error


@dataclass(frozen=True, slots=True)
class Fit:
    """A forecast of one series: the point values, an 80 % interval, and how it was made."""

    method: str
    values: list[float]
    lower: list[float]
    upper: list[float]
    off_weight: float | None = None
    seasonal: bool = False


@dataclass(frozen=True, slots=True)
class Backtest:
    """Rolling-origin error of one method on one series (``None``: not enough history)."""

    method: str
    mase: float | None
    mape: float | None
    origins: int
    abs_errors_by_horizon: list[list[float]]


def _arr(values: Numbers) -> Floats:
    return np.asarray(values, dtype=np.float64)


def _exposure(working: Floats, off_weight: float | Floats) -> Floats:
    """Effective days per week: working days plus days off weighted ``off_weight``."""
    return working + np.multiply(off_weight, DAYS_PER_WEEK - working)


def _yearly_index(rates: Floats, weeks: Sequence[date]) -> dict[int, float]:
    """A multiplicative index per ISO week from ratios to a centred yearly moving average."""
    if len(rates) < SEASONAL_MIN_WEEKS:
        return {}
    kernel = np.ones(SEASON) / SEASON
    trend = np.convolve(rates, kernel, mode="same").tolist()
    values = rates.tolist()  # plain floats: these loops are short, numpy calls would dominate
    half = SEASON // 2
    ratios: dict[int, list[float]] = {}
    for t in range(half, len(values) - half):
        if trend[t] > 0:
            ratios.setdefault(_week_of_year(weeks[t]), []).append(values[t] / trend[t])
    years = len(values) / SEASON
    shrink = 1 - 1 / (2 * years)  # little history: an index pulled towards 1
    raw = {week: sum(found) / len(found) for week, found in ratios.items()}
    smooth = {}
    for week in range(1, SEASON + 1):
        near = [raw[w] for w in ((week - 2) % SEASON + 1, week, week % SEASON + 1) if w in raw]
        smooth[week] = 1.0 + shrink * ((sum(near) / len(near) if near else 1.0) - 1.0)
    return smooth


def _week_of_year(monday: date) -> int:
    """The ISO week (53 folded into 52), the key of the yearly index."""
    return min(monday.isocalendar().week, SEASON)


GRID = np.array(list(itertools.product(range(len(OFF_WEIGHTS)), ALPHAS, BETAS)), dtype=np.float64)


def _holt_grid(rates: Floats) -> tuple[Floats, Floats, Floats]:
    """Damped Holt for every (off-day weight, alpha, beta) of :data:`GRID` at once.

    ``rates`` holds one column per off-day weight. Returns the one-step fitted rates
    (weeks × grid), the final levels and trends.
    """
    columns = GRID[:, 0].astype(np.intp)
    alpha, beta = GRID[:, 1], GRID[:, 2]
    series = rates[:, columns]
    level = series[: min(len(series), MEAN_WEEKS)].mean(axis=0)
    trend = np.zeros(len(GRID))
    fitted = np.empty_like(series)
    for t, rate in enumerate(series):
        fitted[t] = level + DAMPING * trend
        new_level = alpha * rate + (1 - alpha) * (level + DAMPING * trend)
        trend = beta * (new_level - level) + (1 - beta) * DAMPING * trend
        level = new_level
    return fitted, level, trend


def fit(
    counts: Numbers,
    working: Numbers,
    future_working: Numbers,
    weeks: Sequence[date] = (),
    future_weeks: Sequence[date] = (),
) -> Fit:
    """Forecast ``len(future_working)`` weeks after ``counts`` (see the module docstring).

    ``working`` holds each past week's working days, ``future_working`` each future
    week's; ``weeks``/``future_weeks`` are their Mondays (needed for the yearly index only).
    """
    y, wd, future = _arr(counts), _arr(working), _arr(future_working)
    if len(y) < MIN_WEEKS:
        return _mean_fit(y, wd, future)
    indexes, scales = [], []
    for weight in OFF_WEIGHTS:
        exposure = _exposure(wd, weight)
        index = _yearly_index(y / exposure, weeks) if len(weeks) == len(y) else {}
        season = _arr([index.get(_week_of_year(w), 1.0) for w in weeks]) if index else np.ones(len(y))
        indexes.append(index)
        scales.append(exposure * season)  # counts = rate × scale
    scale = np.stack(scales, axis=1)
    fitted, level, trend = _holt_grid(y[:, None] / scale)
    columns = GRID[:, 0].astype(np.intp)
    errors = ((fitted * scale[:, columns] - y[:, None]) ** 2)[1:].sum(axis=0)
    choice = int(np.argmin(errors))
    sse, weight, index = float(errors[choice]), OFF_WEIGHTS[columns[choice]], indexes[columns[choice]]
    steps = np.arange(1, len(future) + 1)
    damped = np.array([sum(DAMPING**i for i in range(1, h + 1)) for h in steps])
    rate = np.maximum(level[choice] + damped * trend[choice], 0.0)
    ahead = _arr([index.get(_week_of_year(w), 1.0) for w in future_weeks]) if index else np.ones(len(future))
    values = rate * ahead * _exposure(future, weight)
    sigma = math.sqrt(sse / max(len(y) - 1, 1))
    spread = Z80 * sigma * np.sqrt(steps)
    return Fit(
        method="wd-holt",
        values=_round(values),
        lower=_round(np.maximum(values - spread, 0.0)),
        upper=_round(values + spread),
        off_weight=weight,
        seasonal=bool(index),
    )


def _mean_fit(y: Floats, wd: Floats, future: Floats) -> Fit:
    """The short-series fallback: the mean rate of the last weeks times future effective days."""
    if len(y) == 0:
        zeros = [0.0] * len(future)
        return Fit(method="mean", values=zeros, lower=zeros, upper=list(zeros))
    recent, recent_wd = y[-MEAN_WEEKS:], wd[-MEAN_WEEKS:]
    exposure = _exposure(recent_wd, 1.0 / 3.0)
    rate = float(recent.sum() / max(exposure.sum(), 1.0))
    values = rate * _exposure(future, 1.0 / 3.0)
    spread = Z80 * (float(recent.std()) if len(recent) > 1 else float(values.mean()) / 2)
    return Fit(
        method="mean",
        values=_round(values),
        lower=_round(np.maximum(values - spread, 0.0)),
        upper=_round(values + spread),
    )


def _round(values: Floats) -> list[float]:
    return [round(float(v), 2) for v in values]


def naive(counts: Sequence[float], horizon: int) -> list[float]:
    """The last week repeated (0 for an empty series)."""
    last = float(counts[-1]) if len(counts) else 0.0
    return [last] * horizon


def seasonal_naive(counts: Sequence[float], horizon: int) -> list[float] | None:
    """The same week one year (52 weeks) before; ``None`` without a year of history."""
    if len(counts) < SEASON:
        return None
    start = len(counts) - SEASON
    return [float(counts[start + (h % SEASON)]) for h in range(horizon)]


def _scale(train: Floats) -> float:
    """MASE's scale: the mean absolute week-to-week change of the training data."""
    if len(train) < 2:  # noqa: PLR2004 - a change needs two weeks
        return math.nan
    return float(np.mean(np.abs(np.diff(train))))


def backtest(  # noqa: PLR0913 - the series, its calendar and the design of the test
    counts: Sequence[float],
    working: Sequence[float],
    weeks: Sequence[date],
    *,
    method: str,
    horizon: int = 4,
    origins: int = 12,
    min_train: int = MIN_WEEKS,
    predictor: Predictor | None = None,
) -> Backtest:
    """Rolling-origin MASE and MAPE of ``method`` (``wd-holt``, ``naive``, ``seasonal-naive``).

    The last ``origins`` possible origins are used, each with every week before it as
    training data, and forecasts 1 to ``horizon`` weeks ahead (cut at the series' end).
    With ``predictor``, that function is the method and ``method`` only names it.
    """
    y, wd = _arr(counts), _arr(working)
    first = max(min_train, SEASON if method == "seasonal-naive" else min_train, len(y) - origins)
    by_horizon: list[list[float]] = [[] for _ in range(horizon)]
    scaled: list[float] = []
    percents: list[float] = []
    used = 0
    for origin in range(first, len(y)):
        train, ahead = y[:origin], y[origin : origin + horizon]
        scale = _scale(train)
        if predictor is not None:
            predicted: list[float] | None = list(
                predictor(train, wd[:origin], wd[origin : origin + len(ahead)])
            )
        else:
            predicted = _predict(method, train, wd, weeks, origin, len(ahead))
        if predicted is None or not scale or math.isnan(scale):
            continue
        errors = np.abs(_arr(predicted) - ahead)
        for h, error in enumerate(errors):
            by_horizon[h].append(float(error))
        scaled.append(float(errors.mean()) / scale)
        percents.extend(float(e / a) for e, a in zip(errors, ahead, strict=True) if a > 0)
        used += 1
    return Backtest(
        method=method,
        mase=round(float(np.mean(scaled)), 3) if scaled else None,
        mape=round(100 * float(np.mean(percents)), 1) if percents else None,
        origins=used,
        abs_errors_by_horizon=by_horizon,
    )


def _predict(  # noqa: PLR0913, PLR0917 - one forecast inside the backtest loop
    method: str, train: Floats, wd: Floats, weeks: Sequence[date], origin: int, steps: int
) -> list[float] | None:
    if method == "naive":
        return naive(list(train), steps)
    if method == "seasonal-naive":
        return seasonal_naive(list(train), steps)
    if method == "wd-holt":
        past_weeks = list(weeks[:origin]) if len(weeks) >= origin + steps else []
        future_weeks = list(weeks[origin : origin + steps]) if past_weeks else []
        return fit(train, wd[:origin], wd[origin : origin + steps], past_weeks, future_weeks).values
    raise ValueError(f"unknown forecast method {method!r}")
