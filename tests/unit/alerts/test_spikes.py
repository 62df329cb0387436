"""The spike detectors on hand-made hourly series (newest hour first)."""

from __future__ import annotations

import math

import pytest

from minyi.alerts import spikes


def hours(*values: int, total: int = 0) -> list[int]:
    """``values`` for the newest hours, then zeros up to ``total`` hours."""
    return [*values, *([0] * max(total - len(values), 0))]


# --- burst -----------------------------------------------------------------------------


def test_burst_fires_when_the_last_hour_is_ratio_times_the_previous_twelve():
    series = [12] + [2] * 12  # baseline mean 2 per hour, last hour 12 = 6×
    signal = spikes.burst(series, ratio=3, min_count=5)
    assert signal is not None
    assert signal.measured["recent"] == 12
    assert signal.measured["baseline"] == 2
    assert signal.measured["ratio"] == 6


def test_burst_needs_both_the_ratio_and_the_minimum_count():
    assert spikes.burst([5] + [2] * 12, ratio=3, min_count=5) is None  # 2.5×
    assert spikes.burst([4] + [0] * 12, ratio=3, min_count=5) is None  # too few
    assert spikes.burst([6] + [2] * 12, ratio=3, min_count=5) is not None  # exactly 3×


def test_burst_from_nothing_fires_with_an_unbounded_ratio():
    signal = spikes.burst(hours(7, total=13), ratio=3, min_count=5)
    assert signal is not None
    assert signal.measured["ratio"] is None
    assert signal.measured["baseline"] == 0


def test_burst_ignores_hours_beyond_the_baseline_and_handles_short_series():
    series = [9, *[1] * 12, 500, 500]  # the 500s are outside the 12 h baseline
    assert spikes.burst(series, ratio=3, min_count=5) is not None
    assert spikes.burst([9], ratio=3, min_count=5) is not None  # missing hours count 0
    assert spikes.burst([], ratio=3, min_count=1) is None


def test_burst_over_several_recent_hours():
    series = [4, 4, *[1] * 6]  # 8 in 2 h against 2 per 2 h
    signal = spikes.burst(series, ratio=3, min_count=5, recent_hours=2, baseline_hours=6)
    assert signal is not None
    assert signal.measured["recent"] == 8
    assert signal.measured["baseline"] == 2


def test_burst_refuses_empty_windows():
    with pytest.raises(ValueError, match="at least 1"):
        spikes.burst([1], recent_hours=0)


# --- trend -----------------------------------------------------------------------------


def days(*daily: int) -> list[int]:
    """An hourly series whose 24-hour sums are ``daily`` (newest day first), all in one hour."""
    series: list[int] = []
    for count in daily:
        series += [count] + [0] * 23
    return series


def test_mean_and_sigma():
    assert spikes.mean_and_sigma([]) == (0.0, 0.0)
    mean, sigma = spikes.mean_and_sigma([2, 4, 4, 4, 5, 5, 7, 9])
    assert mean == 5
    assert sigma == 2
    assert spikes.daily_counts(days(3, 1, 2), 3) == [3, 1, 2]


def test_trend_fires_above_mean_plus_k_sigma():
    series = days(30, 8, 10, 12, 10, 8, 12, 10)  # mean 10, σ ≈ 1.51
    signal = spikes.trend(series, k=3, min_count=10)
    assert signal is not None
    assert signal.measured["last_24h"] == 30
    assert signal.measured["mean"] == 10
    assert math.isclose(signal.measured["sigma"], 1.512, abs_tol=0.001)
    assert signal.measured["baseline_days"] == 7


def test_trend_is_quiet_within_k_sigma_and_k_is_configurable():
    series = days(14, 8, 10, 12, 10, 8, 12, 10)  # 14 < 10 + 3 × 1.51
    assert spikes.trend(series, k=3) is None
    assert spikes.trend(series, k=2) is not None  # 14 > 10 + 2 × 1.51 = 13.02


def test_trend_guards_a_flat_history_with_a_sigma_floor():
    flat = days(12, 10, 10, 10, 10, 10, 10, 10)  # σ = 0
    assert spikes.trend(flat, k=3, min_count=1) is None  # 12 ≤ 10 + 3 × 1
    assert spikes.trend(flat, k=3, min_count=1, sigma_floor=0.5) is not None  # 12 > 11.5
    zeros = days(2, 0, 0, 0, 0, 0, 0, 0)
    assert spikes.trend(zeros, k=3, min_count=1) is None  # not every first message is a trend
    signal = spikes.trend(days(10, 0, 0, 0, 0, 0, 0, 0), k=3, min_count=5)
    assert signal is not None
    assert signal.measured["z"] == 10


def test_trend_needs_enough_history():
    series = days(50, 1, 1, 1, 1, 1, 1, 1)
    assert spikes.trend(series, history_days=2, min_history_days=3) is None
    short = spikes.trend(series, history_days=3, min_history_days=3)
    assert short is not None
    assert short.measured["baseline_days"] == 3
    assert spikes.trend(series, history_days=0) is None


def test_trend_needs_the_minimum_count():
    assert spikes.trend(days(9, 0, 0, 0, 0, 0, 0, 0), k=1, min_count=10) is None


def test_trend_refuses_a_non_positive_k():
    with pytest.raises(ValueError, match="k must be positive"):
        spikes.trend([1], k=0)


# --- threshold -------------------------------------------------------------------------


def test_threshold_on_count_or_likes():
    counts = hours(3, 4, 5, total=48)
    likes = hours(100, 0, 450, total=48)
    by_count = spikes.threshold(counts, likes, window_hours=24, min_count=12)
    assert by_count is not None
    assert by_count.measured["reached"] == ["count"]
    by_likes = spikes.threshold(counts, likes, window_hours=24, min_likes=500, min_count=100)
    assert by_likes is not None
    assert by_likes.measured["reached"] == ["likes"]
    assert by_likes.measured["likes"] == 550
    both = spikes.threshold(counts, likes, min_count=12, min_likes=550)
    assert both is not None
    assert both.measured["reached"] == ["count", "likes"]


def test_threshold_counts_only_its_window_and_needs_a_bound():
    counts = hours(1, 1, 50, total=10)
    assert spikes.threshold(counts, [0] * 10, window_hours=2, min_count=3) is None
    assert spikes.threshold(counts, [0] * 10, window_hours=3, min_count=3) is not None
    assert spikes.threshold(counts, [0] * 10, window_hours=24) is None
    with pytest.raises(ValueError, match="window_hours"):
        spikes.threshold(counts, counts, window_hours=0, min_count=1)
