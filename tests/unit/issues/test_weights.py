"""Heat weights from configuration: parsed strictly, errors name the pair."""

from __future__ import annotations

from dataclasses import fields

import pytest

from minyi.issues.detect.heat import HeatWeights
from minyi.issues.weights import describe, parse_weights
from minyi.settings import Settings


def test_pairs_replace_only_the_named_weights():
    weights = parse_weights("authors=1.5, tau_days=14")
    assert weights.authors == 1.5
    assert weights.tau_days == 14
    assert weights.volume == HeatWeights().volume
    assert parse_weights("") == HeatWeights()
    assert parse_weights(describe(weights)) == weights


def test_pairs_apply_over_a_base():
    base = HeatWeights(tau_days=0)
    assert parse_weights(["growth=1"], base) == HeatWeights(tau_days=0, growth=1)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("warmth=2", "warmth"),
        ("authors", "authors"),
        ("authors=-1", "authors"),
        ("authors=lots", "authors"),
        ("tau_days=nan", "tau_days"),
        ("growth_days=2.5", "growth_days"),
        ("growth_days=0", "growth_days"),
    ],
)
def test_bad_pairs_are_refused_by_name(text, named):
    with pytest.raises(ValueError, match=named):
        parse_weights(text)


def test_settings_fail_fast_on_bad_weights():
    with pytest.raises(ValueError, match="warmth"):
        Settings(heat_weights="warmth=2")
    assert Settings(heat_weights="volume=2").heat_weights == "volume=2"


def test_the_settings_know_every_weight_name():
    from minyi.settings import HEAT_WEIGHT_NAMES

    assert set(HEAT_WEIGHT_NAMES) == {f.name for f in fields(HeatWeights)}
