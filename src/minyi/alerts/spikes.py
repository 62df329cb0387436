"""Spike detectors over count series: pure functions, no database.

A series is a sequence of counts per hour, **newest first**: ``series[0]`` is the hour
that ended now, ``series[1]`` the hour before it, and so on. Each detector returns a
:class:`Signal` with the values it measured when it fires, and None otherwise.

* :func:`burst`: the last ``recent_hours`` against the mean of the ``baseline_hours``
  before them (e.g. the last hour against the previous 12 h), with a minimum count.
* :func:`trend`: the count of the last 24 h against the mean and standard deviation
  of the daily counts of the days before (mean + k·σ), with guards for σ = 0 and a
  short history.
* :func:`threshold`: an absolute count and/or number of likes over a window.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

HOURS_PER_DAY = 24


@dataclass(frozen=True)
class Signal:
    """A detector fired; ``measured`` holds the numbers that made it fire (JSON-ready)."""

    measured: dict[str, Any] = field(default_factory=dict)


def window_sum(series: Sequence[int], start: int, hours: int) -> int:
    """The sum of ``hours`` values from index ``start`` (missing hours count 0)."""
    return sum(series[start : start + hours])


def mean_and_sigma(values: Sequence[float]) -> tuple[float, float]:
    """The mean and the population standard deviation of ``values`` (0, 0 when empty)."""
    if not values:
        return 0.0, 0.0
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / len(values)
    return mean, math.sqrt(variance)


def burst(
    series: Sequence[int],
    *,
    ratio: float = 3.0,
    min_count: int = 5,
    recent_hours: int = 1,
    baseline_hours: int = 12,
) -> Signal | None:
    """Fire when the recent count is at least ``min_count`` and ``ratio`` × the baseline.

    The baseline is the mean count per ``recent_hours`` over the ``baseline_hours``
    before the recent window. With an empty baseline any recent count of at least
    ``min_count`` fires (the ratio is then reported as None: it is unbounded).
    """
    if recent_hours < 1 or baseline_hours < 1:
        raise ValueError("recent_hours and baseline_hours must be at least 1")
    recent = window_sum(series, 0, recent_hours)
    before = window_sum(series, recent_hours, baseline_hours)
    baseline = before * recent_hours / baseline_hours
    if recent < min_count or recent < ratio * baseline:
        return None
    measured: dict[str, Any] = {
        "recent": recent,
        "recent_hours": recent_hours,
        "baseline": round(baseline, 3),
        "baseline_hours": baseline_hours,
        "ratio": round(recent / baseline, 2) if baseline > 0 else None,
    }
    return Signal(measured)


def daily_counts(series: Sequence[int], days: int) -> list[int]:
    """``days`` consecutive 24-hour sums, newest first (index 0 = the last 24 h)."""
    return [window_sum(series, day * HOURS_PER_DAY, HOURS_PER_DAY) for day in range(days)]


def trend(  # noqa: PLR0913 - the knobs of the test, each with a default
    series: Sequence[int],
    *,
    k: float = 3.0,
    min_count: int = 10,
    baseline_days: int = 7,
    history_days: int | None = None,
    min_history_days: int = 3,
    sigma_floor: float = 1.0,
) -> Signal | None:
    """Fire when the last 24 h exceed the mean of the days before by more than k·σ.

    The baseline is the daily counts of the ``baseline_days`` before the last 24 h,
    cut to ``history_days`` when the data start later than that (a new deployment or
    a new category): with fewer than ``min_history_days`` days of history nothing
    fires. σ is at least ``sigma_floor``, so a perfectly flat history (σ = 0) does not
    make every small rise an alert.
    """
    if k <= 0:
        raise ValueError("k must be positive")
    available = baseline_days if history_days is None else min(baseline_days, max(history_days, 0))
    if available < max(min_history_days, 1):
        return None
    days = daily_counts(series, available + 1)
    today, baseline = days[0], days[1:]
    mean, sigma = mean_and_sigma([float(v) for v in baseline])
    used_sigma = max(sigma, sigma_floor)
    limit = mean + k * used_sigma
    if today < min_count or today <= limit:
        return None
    measured: dict[str, Any] = {
        "last_24h": today,
        "baseline_days": available,
        "mean": round(mean, 3),
        "sigma": round(sigma, 3),
        "k": k,
        "limit": round(limit, 3),
        "z": round((today - mean) / used_sigma, 2),
    }
    return Signal(measured)


def threshold(
    counts: Sequence[int],
    likes: Sequence[int],
    *,
    window_hours: int = 24,
    min_count: int | None = None,
    min_likes: int | None = None,
) -> Signal | None:
    """Fire when the window's count reaches ``min_count`` or its likes reach ``min_likes``.

    A bound left None is not checked; with both None nothing fires.
    """
    if window_hours < 1:
        raise ValueError("window_hours must be at least 1")
    count = window_sum(counts, 0, window_hours)
    liked = window_sum(likes, 0, window_hours)
    reached = []
    if min_count is not None and count >= min_count:
        reached.append("count")
    if min_likes is not None and liked >= min_likes:
        reached.append("likes")
    if not reached:
        return None
    measured: dict[str, Any] = {
        "count": count,
        "likes": liked,
        "window_hours": window_hours,
        "min_count": min_count,
        "min_likes": min_likes,
        "reached": reached,
    }
    return Signal(measured)
