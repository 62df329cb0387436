"""A mobile written in ASCII digits and Chinese numerals mixed is masked (second probe)."""

from __future__ import annotations

import pytest

from minyi.pipeline.privacy import PersonalDataMasker, mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话138零零13八000", "电话138****八000"),
        ("138零零13八000请回电", "138****八000请回电"),
        ("联系1三八0013八000谢谢", "联系1三八****八000谢谢"),
        ("电话幺38零零138零零零", "电话幺38****8零零零"),
    ],
)
def test_a_mobile_mixing_digits_and_numerals_is_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        "共1亿3千万元，2023年1月三日",
        "1390零零零零零零零零",  # twelve places
        "138零零13八00",  # ten places
        "x138零零13八000",  # glued to a letter
        "订单138零零13八000",  # an order number stays readable
        "第1三八条",
    ],
)
def test_mixed_runs_that_are_no_mobile_are_left_alone(text):
    assert mask_text(text) == text


def test_the_mixed_form_is_a_mobile():
    found = PersonalDataMasker().find("电话138零零13八000")
    assert [(f.kind, f.value) for f in found] == [("mobile", "138零零13八000")]
