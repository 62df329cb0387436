"""Personal data the eleventh probe (a privacy officer's pass) found in full on public views
(docs/security-probes.md, "Eleventh probe"), and the look-alikes that must stay readable."""

from __future__ import annotations

import pytest

from minyi.pipeline.privacy import mask_names, mask_text, names_introduced


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # A parent names a child (or a grandchild) with the school and class.
        ("我儿子王小明在实验小学三年级二班", "我儿子王**在实验小学三年级二班"),
        ("我女儿叫李小红，在一中初二（3）班", "我女儿叫李**，在一中初二（3）班"),
        ("孩子周小宝在育才小学一年级3班", "孩子周**在育才小学一年级3班"),
        ("我家孩子叫王小明", "我家孩子叫王**"),
        ("我儿子叫王明，今年8岁", "我儿子叫王*，今年8岁"),
        ("孩子王小明，男，9岁", "孩子王**，男，9岁"),
        ("我孙子张浩然在读初一", "我孙子张**在读初一"),
        ("本人女儿欧阳娜就读于二中", "本人女儿欧阳*就读于二中"),
        ("我叫欧阳娜，", "我叫欧阳*，"),  # read again, 欧阳* became 欧** before
        # A pupil named as a classmate, on either side of 同学.
        ("被同班的李小刚同学打了", "被同班的李**同学打了"),
        ("同班同学李小刚", "同班同学李**"),
        ("被同学李小刚打了", "被同学李**打了"),
        ("三年级2班王明同学", "三年级2班王*同学"),
    ],
)
def test_a_childs_or_a_classmates_name_is_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        "孩子周末在家", "孩子高考在即", "女儿在学校被打", "孩子们在小区玩", "全班同学都知道", "其他同学",
        "的高中同学", "高三同学", "孩子上学难", "孩子户口在外地", "同学们好", "同学关系紧张", "孩子安全",
        "女儿明年上学", "儿子周一被老师罚站", "侵害妇女儿童权益，", "给任何同学", "的周边小朋友", "孙子孙女，",
        "孩子马上要上学", "小朋友在玩",
    ],
)  # fmt: skip
def test_words_after_a_relation_or_before_a_classmate_stay_readable(text):
    assert mask_text(text) == text


def test_a_childs_name_is_masked_where_a_reply_repeats_it():
    body = "我儿子王小明在实验小学三年级二班，被李小刚同学打了。"
    names = names_introduced(body)
    assert names == ["王小明", "李小刚"]
    reply = "关于王小明同学被殴打一事，学校已约谈李小刚家长。"
    assert mask_names(reply, names) == "关于王**同学被殴打一事，学校已约谈李**家长。"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # A landline whose local number is grouped 4-4 or 3-4, without a cue before it.
        ("座机（0731）8412 3457", "座机（0731）******57"),
        ("(0731)8412-3457转801", "(0731)******57转801"),
        ("0731-8412-3456", "0731-******56"),
        ("010-8888 6666", "010-******66"),
        ("（021）6234-5678", "（021）******78"),
        # Permits and passports read out in groups after their name.
        ("港澳通行证号码 C 1234 5678", "港澳通行证号码 C******78"),
        ("港澳通行证C1234 5678", "港澳通行证C******78"),
        ("护照号 E 1234 5678", "护照号 E******78"),
        ("台胞证 1234 5678", "台胞证 ******78"),
        ("驾照 430102 19900307 123X", "驾照 430***********123X"),
    ],
)
def test_a_grouped_landline_or_permit_is_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked


@pytest.mark.parametrize(
    "text",
    [
        "办公时间0800-1200", "0900-1130 开会", "驾驶证 2021 03 15到期", "护照 E 12 34 5", "港澳通行证 2021 年办理",
        "C12345678 9",
    ],
)  # fmt: skip
def test_grouped_numbers_that_are_no_landline_or_permit_stay(text):
    assert mask_text(text) == text.replace("C12345678", "C******78")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # A house number, then the household's room before 室 or 房.
        ("家住人民路12号305室", "家住人民路12号***室"),
        ("人民路12号3楼305室", "人民路12号3楼***室"),
        ("顺星桥10号502房被断电", "顺星桥10号***房被断电"),
        # An e-mail with a space on either side of @ (kept from turning into a link).
        ("邮箱zhangsan @qq.com", "邮箱z***@qq.com"),
        ("邮箱 zhangsan ＠ 163.com。", "邮箱 z***@163.com。"),
        # A name right before a number its writer masked is still a name.
        ("联系人：胡喆********", "联系人：胡*********"),
    ],
)
def test_a_room_after_a_house_number_and_a_spaced_email_are_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked


@pytest.mark.parametrize(
    "text", ["人民路12号305", "3号线305站", "湘政办发〔2019〕12号", "meet @ home", "版本 1.0 @ 2023"]
)
def test_numbers_after_a_house_number_or_an_at_sign_stay(text):
    assert mask_text(text) == text
