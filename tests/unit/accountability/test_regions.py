"""A region is published only when it reads as an administrative area (issue: the numbers probe)."""

from __future__ import annotations

import pytest

from minyi.accountability.regions import public_region


@pytest.mark.parametrize(
    "area", ["长沙市岳麓区", "A市A3区", "A市Z9镇", "芙蓉区", "星沙街道", "湖南省", " 雨花区 "]
)
def test_areas_are_shown(area):
    assert public_region(area) == area.strip()


@pytest.mark.parametrize(
    "text",
    [
        "王小明 13812345678 芙蓉路8号",  # a private message's region field, verbatim on the dashboard
        "王小明 芙蓉区",  # a name before the area, with a space
        "芙蓉路8号",  # an address, not an area
        "13812345678",
        "zhang@example.com",
        "岳麓区麓山南路932号",  # a house number
        "A市" * 20,  # too long
        "",
        None,
    ],
)
def test_anything_else_counts_as_not_given(text):
    assert public_region(text) == ""
