"""Passport numbers and plates written with spaces are masked (second probe); look-alikes are not."""

from __future__ import annotations

import pytest

from minyi.pipeline.privacy import PersonalDataMasker, mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("护照号E12345678，请核实", "护照号E******78，请核实"),
        ("我的护照号码是 G12345678", "我的护照号码是 G******78"),
        ("护照：P1234567 已过期", "护照：P*****67 已过期"),
        ("护照编号：P1234567", "护照编号：P*****67"),
        ("passport no. G12345678", "passport no. G******78"),
        ("Passport: e12345678", "Passport: e******78"),
        ("护照号码是 E 12345678", "护照号码是 E******78"),
        ("证件E12345678在办理中", "证件E******78在办理中"),
        ("新版护照EA1234567", "新版护照EA*****67"),
        ("号码EA1234567", "号码EA*****67"),
        ("护照号：Ｅ１２３４５６７８", "护照号：E******78"),  # read as ASCII, like the other rules
    ],
)
def test_a_passport_number_is_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        "型号SKUE12345678，规格G12345678X",  # inside a longer token
        "订单E12345678已发货",  # an order number stays readable
        "快递单号G12345678",
        "G107国道K1234段，G4京港澳高速",  # road numbers
        "P1234567 是零件号",  # P + 7 digits only after 护照
        "E123456789 共九位",
        "护照还没办好，预计30天",
    ],
)
def test_look_alikes_of_a_passport_are_left_alone(text):
    assert mask_text(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("车牌湘 A 1 2 3 4 5停在门口", "车牌湘A*****停在门口"),
        ("湘A 1 2 3 4 5", "湘A*****"),
        ("车牌 湘 A12345 乱停", "车牌 湘A***** 乱停"),
        ("湘 A·1 2 3 4 5 每天占道", "湘A***** 每天占道"),
        ("粤 B D 1 2 3 4 5", "粤B******"),
        ("湘A 12345", "湘A*****"),  # one separator: the plate rule, as before
        ("湘A·12345", "湘A*****"),
        ("沪 A 1 2 3 4 挂", "沪A*****"),
    ],
)
def test_a_plate_written_with_spaces_is_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked


@pytest.mark.parametrize(
    "text",
    [
        "粤 B 2 号楼 3 单元",  # no plate: too few characters
        "京 A 2023 年的规划",
        "湘 A 级景区 1 2 3",
        "苏 A B C D E 组",  # fewer than three digits
        "湘A 12 今天",
    ],
)
def test_text_like_a_spaced_plate_is_left_alone(text):
    assert mask_text(text) == text


def test_passport_is_a_kind_of_its_own():
    found = PersonalDataMasker().find("护照号E12345678")
    assert [(f.kind, f.value, f.masked) for f in found] == [("passport", "E12345678", "E******78")]
    assert PersonalDataMasker(kinds=["mobile"]).mask("护照号E12345678") == "护照号E12345678"
