"""The figures' definitions: a rate divides summed counts, the median comes from the histogram."""

from __future__ import annotations

import pytest

from minyi.accountability.definitions import (
    BUCKET_COLUMNS,
    FIGURE_KEYS,
    FIGURES,
    REPLY_BUCKET_HOURS,
    bucket_of,
    figure,
    median_hours,
)
from minyi.accountability.facts import INDEX


def test_every_figure_has_both_names_and_definitions():
    assert FIGURE_KEYS == (
        "volume",
        "sign_rate",
        "response_rate",
        "on_time_rate",
        "resolution_rate",
        "satisfaction_rate",
        "reopen_rate",
        "median_reply_hours",
    )
    for item in FIGURES:
        assert all((item.name_zh, item.name_en, item.definition_zh, item.definition_en))
        assert all(column in INDEX for column in (*item.numerator, *item.denominator))
    assert figure("response_rate").name("zh") == "响应率"
    assert figure("satisfaction_rate").name("en") == "Satisfaction rate"


def test_a_rate_divides_summed_counts_and_is_none_without_a_base():
    satisfaction = figure("satisfaction_rate")
    assert satisfaction.value({"rated": 8, "satisfied": 2, "basically_satisfied": 4}) == pytest.approx(0.75)
    assert satisfaction.value({"rated": 0}) is None
    # four citizens' answers: each could be one person's, so the rate is not shown
    assert satisfaction.value({"rated": 4, "satisfied": 1, "basically_satisfied": 2}) is None
    assert figure("on_time_rate").value({"completion_due": 1, "completed_on_time": 1}) == 1.0
    assert satisfaction.base({"rated": 4}) == 4
    assert figure("volume").value({"cases": 7}) == 7.0


@pytest.mark.parametrize(
    ("hours", "bucket"),
    [(-3, 0), (0, 0), (0.5, 0), (1, 1), (23.9, 5), (24, 6), (47, 6), (100, 9), (10_000, 25)],
)
def test_buckets(hours, bucket):
    assert bucket_of(hours) == bucket
    assert len(BUCKET_COLUMNS) == len(REPLY_BUCKET_HOURS) + 1


def test_median_interpolates_inside_its_bucket():
    histogram = [0] * len(BUCKET_COLUMNS)
    assert median_hours(histogram) is None
    for hours in (10, 30, 47, 100):
        histogram[bucket_of(hours)] += 1
    assert median_hours(histogram) == pytest.approx(36.0)  # half of 4 = 2: one before [24,48), two in it
    only_open = [0] * len(BUCKET_COLUMNS)
    only_open[-1] = 3
    assert median_hours(only_open) == REPLY_BUCKET_HOURS[-1]  # the open bucket: its lower edge
