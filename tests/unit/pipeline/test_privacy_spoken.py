"""Mobiles grouped with dots or long dashes or in Chinese numerals, and e-mail typed with 。, are masked."""

from __future__ import annotations

import pytest

from minyi.pipeline.privacy import PersonalDataMasker, mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("手机138.0013.8000", "手机138****8000"),
        ("电话138—0013—8000", "电话138****8000"),
        ("电话138–0013–8000", "电话138****8000"),
        ("电话一三八零零一三八零零零", "电话一三八****八零零零"),
        ("联系 幺三八 零零一三 八零零零 谢谢", "联系 幺三八****八零零零 谢谢"),
        ("电话 壹叁捌零零壹叁捌零零零", "电话 壹叁捌****捌零零零"),
    ],
)
def test_the_mobile_is_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        "版本13.5.2，金额1.35元，共138.00元",
        "IP 192.168.1.1",
        "138.0013.8000.5",  # not a 3-4-4 group on its own
        "一九九八年一二三四五六七八九十",
        "一三八零零一三八零零零零",  # twelve numerals: no mobile
        "一三五七九",
    ],
)
def test_other_numbers_are_left(text):
    assert mask_text(text) == text


def test_findings_are_mobiles():
    found = PersonalDataMasker().find("打一三八零零一三八零零零或138.0013.8000")
    assert [(f.kind, f.value) for f in found] == [
        ("mobile", "一三八零零一三八零零零"),
        ("mobile", "138.0013.8000"),
    ]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("邮箱 abc@qq。com", "邮箱 a***@qq。com"),
        ("发到abc@mail。163。com。谢谢", "发到a***@mail。163。com。谢谢"),
    ],
)
def test_an_email_typed_with_a_chinese_full_stop_is_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked


@pytest.mark.parametrize("text", ["abc@qq。", "@某某 你好。com"])
def test_a_full_stop_after_an_at_sign_alone_is_no_email(text):
    assert mask_text(text) == text


def test_a_full_stop_after_an_ordinary_address_ends_it():
    # the bench corpus writes 邮箱abc@qq.com。QQ…: the domain must not run on into QQ
    assert mask_text("邮箱abc@qq.com。QQ号123456").startswith("邮箱a***@qq.com。QQ号")
