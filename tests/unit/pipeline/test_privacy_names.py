"""Names: those an author introduces are masked; names known from elsewhere are masked everywhere."""

from __future__ import annotations

import pytest

from minyi.pipeline.privacy import mask_names, mask_text, names_introduced


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("我叫王某某，住芙蓉区", "我叫王**，住芙蓉区"),
        ("本人王小明反映路灯不亮", "本人王**反映路灯不亮"),
        ("我名叫张伟。", "我名叫张*。"),
        ("本人是李娜，电话13812345678", "本人是李*，电话138****5678"),
        ("我是刘洋今年56岁", "我是刘*今年56岁"),
        ("我的名字叫陈静，", "我的名字叫陈*，"),
        ("本人姓名：赵敏 性别：女", "本人姓名：赵* 性别：女"),
        ("联系人：欧阳娜，", "联系人：欧阳*，"),
        ("我叫王芳女，", "我叫王*女，"),
    ],
)
def test_names_the_author_introduces_are_masked(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "我是业主，本人承诺",
        "我是来反映问题的",
        "我是张家界的",
        "本人于今年3月反映过",
        "本人是一名老师",
        "我是江苏人",
    ],
)
def test_introductions_of_no_name_stay(text):
    assert mask_text(text) == text
    assert names_introduced(text) == []


def test_names_introduced_in_text_order_once_each():
    text = "我叫王小明，联系人：欧阳娜。本人王小明再次反映，我是业主。"
    assert names_introduced(text) == ["王小明", "欧阳娜"]
    assert names_introduced(None) == []
    assert names_introduced("") == []


def test_mask_names_masks_every_occurrence():
    text = "王小明反映的问题，经联系王小明本人核实，王小明同志表示满意"
    assert mask_names(text, ["王小明"]) == "王**反映的问题，经联系王**本人核实，王**同志表示满意"


def test_mask_names_longest_first_and_compound_surnames():
    text = "欧阳娜娜和欧阳娜、王小来了"
    assert mask_names(text, ["欧阳娜", "欧阳娜娜", "王小"]) == "欧阳**和欧阳*、王*来了"
    assert mask_names("欧阳来电", ["欧阳"]) == "欧*来电"  # a compound surname alone still loses a character


def test_mask_names_ignores_single_characters_blanks_and_absent_names():
    text = "王先生反映小区王家的狗"
    assert mask_names(text, ["王", " ", "", "李四"]) is text
    assert mask_names(text, [" 王先生 "]) == "王**反映小区王家的狗"


def test_mask_names_of_an_introduced_name_in_a_reply():
    message = "我叫张小红，家住3栋402室，楼上漏水。"
    reply = "张小红您好：您反映的问题已转交物业处理，请张小红女士保持电话畅通。"
    masked = mask_names(mask_text(reply), names_introduced(message))
    assert masked == "张**您好：您反映的问题已转交物业处理，请张**女士保持电话畅通。"


def test_mask_names_custom_char_empty_text_and_bad_char():
    assert mask_names("李四来了", ["李四"], mask_char="●") == "李●来了"
    assert mask_names(None, ["李四"]) == ""
    assert mask_names("", ["李四"]) == ""
    with pytest.raises(ValueError, match="mask_char"):
        mask_names("李四", ["李四"], mask_char="x")


def test_mask_names_is_idempotent():
    once = mask_names("王小明说王小明", ["王小明"])
    assert mask_names(once, ["王小明"]) == once
