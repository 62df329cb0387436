"""楼-单元-室 written with dashes (梅溪郡12-3-402) is a door: masked after an estate or before 室."""

from __future__ import annotations

import pytest

from minyi.pipeline.privacy import PersonalDataMasker, mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("幸福小区12-3-402楼上漏水", "幸福小区12-3-***楼上漏水"),
        ("家住梅溪郡 12-3-402，楼上漏水", "家住梅溪郡 12-3-***，楼上漏水"),
        ("锦绣家园１２－３－４０２", "锦绣家园１２－３－***"),
        ("3-2-401室漏水", "3-2-***室漏水"),
        ("住在3-2-1201房", "住在3-2-****房"),
    ],
)
def test_the_room_is_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        "2019-4-25到2019-04-25",
        "开发区2019-4-25施工",
        "订单编号12-3-4567",
        "比分3-2-101",
        "第3-2-101页",
        "户型3室2厅",
    ],
)
def test_dates_orders_and_other_dashed_numbers_are_left(text):
    assert mask_text(text) == text


def test_the_finding_is_an_address_spanning_the_room_only():
    [found] = PersonalDataMasker().find("悦湖湾3-1-902")
    assert (found.kind, found.value) == ("address", "902")
