"""Personal data the third probe showed in full (docs/security-probes.md, "Third probe"), and the
look-alikes that must stay readable."""

from __future__ import annotations

import pytest

from minyi.pipeline.privacy import PersonalDataMasker, mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # Mobiles with spaces or dashes between groups mixing digits and numerals.
        ("电话138 零零13 八000", "电话138****八000"),
        ("电话138 0013 八000", "电话138****八000"),
        ("电话一三八 0013 8000", "电话一三八****8000"),
        ("电话 1 3 8 零 零 1 3 八 0 0 0", "电话 138****八000"),
        ("电话一三八-零零一三-八零零零", "电话一三八****八零零零"),
        ("电话138-零零13-八000", "电话138****八000"),
        ("电话１３８ 零零１３ 八０００", "电话138****八000"),  # full-width digits read as ASCII
        # 3-4-4 with other separators.
        ("电话138_0013_8000", "电话138****8000"),
        ("电话138/0013/8000", "电话138****8000"),
        ("电话138·0013·8000", "电话138****8000"),
    ],
)
def test_a_mobile_with_separators_between_mixed_groups_is_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked  # idempotent


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("港澳通行证C12345678", "港澳通行证C******78"),
        ("往来港澳通行证号码：K12345678", "往来港澳通行证号码：K******78"),
        ("港澳通行证号 CA1234567", "港澳通行证号 CA*****67"),
        ("回乡证H1234567890", "回乡证H********90"),
        ("港澳居民来往内地通行证 M12345678", "港澳居民来往内地通行证 M******78"),
        ("台湾通行证L12345678", "台湾通行证L******78"),
        ("台胞证12345678", "台胞证******78"),
        ("台胞证号码：1234567890(B)", "台胞证号码：********90(B)"),
        ("台湾居民来往大陆通行证 12345678", "台湾居民来往大陆通行证 ******78"),
        ("驾驶证号：43010219900307123X", "驾驶证号：430***********123X"),  # a mistyped ID after 驾驶证号
        ("驾照430102199003071235", "驾照430***********1235"),
        ("驾驶证档案编号 430100123456", "驾驶证档案编号 **********56"),
        ("社保卡号：1234567890", "社保卡号：********90"),
        ("医保卡号 A12345678", "医保卡号 A******78"),
        ("医保号：12345678901", "医保号：*********01"),
        ("居住证号430102199003071235", "居住证号430***********1235"),
        ("通行证号C12345678", "通行证号C******78"),
        ("证件C12345678在补办", "证件C******78在补办"),  # C/K + 8 digits standing alone
        ("残疾人证号43010219900307123X21", "残疾人证号430***********123X21"),
    ],
)
def test_a_permit_number_is_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked


def test_valid_ids_and_cards_after_a_permit_keep_their_own_kind():
    found = PersonalDataMasker().find(
        "驾驶证号430102199003071234，社保卡号6222021234567890128，港澳通行证C12345678"
    )
    assert [(f.kind, f.masked) for f in found] == [
        ("id_card", "430***********1234"),
        ("bank_card", "6222***********0128"),
        ("permit", "C******78"),
    ]
    assert PersonalDataMasker(kinds=["mobile"]).mask("港澳通行证C12345678") == "港澳通行证C12345678"


@pytest.mark.parametrize(
    "text",
    [
        "营业执照91430100MA4L1234X5",  # a company's 统一社会信用代码 is public
        "统一社会信用代码：91430100MA4L1234X5，法定代表人王某",
        "驾驶证20210315到期",  # a date
        "居住证2019年办的",
        "社保12个月，医保报销了3000元，社保缴费基数为4500",
        "通行证办理需要7个工作日",
        "型号C12345678X",
        "案件20261124-K2345678",  # a case number
        "追踪码MYC23456789",  # a tracking code
        "K1234次列车，G107国道，208路公交",
        "订单C12345678已发货",
        "湘政办发〔2019〕12号第三条",
        "房价12000元每平方米，面积89.5平方米，2024年3月5日14:30",
        "根据《民法典》第1254条",
    ],
)
def test_look_alikes_of_permits_and_mobiles_are_left_alone(text):
    assert mask_text(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "2019/0425/1234",
        "版本 1.35.2",
        "v138_0013_8000",
        "a/138/0013/8000/1",
        "1390零零零零零零零零",
        "138零零13八00",
    ],
)
def test_separated_runs_that_are_no_mobile_are_left_alone(text):
    assert mask_text(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # WeChat and QQ under other spellings.
        ("薇信：zhangsan88", "薇信：zh******88"),
        ("威信 zhangsan88", "威信 zh******88"),
        ("微 信 zhangsan88", "微 信 zh******88"),
        ("卫星号zhangsan88", "卫星号zh******88"),
        ("加微zhangsan88", "加微zh******88"),
        ("加V：zhangsan88", "加V：zh******88"),
        ("企鹅号123456789", "企鹅号12*****89"),
        ("Q号 123456789", "Q号 12*****89"),
        ("q q 123456789", "q q 12*****89"),
        # Rooms: spaces around 栋 and 单元, numerals before 室, dashes after 住 or 地址.
        ("住 3 栋 2 单元 1102 室", "住 3 栋 2 单元 **** 室"),
        ("住五栋二单元一一零二室", "住五栋二单元****室"),
        ("住在3-2-1102", "住在3-2-****"),
        ("地址：12-3-402", "地址：12-3-***"),
        # E-mail with @ or dots spelt out.
        ("邮箱zhangsan#qq.com", "邮箱z***#qq.com"),
        ("邮箱 zhangsan(at)qq.com", "邮箱 z***(at)qq.com"),
        ("邮箱zhangsan at qq dot com", "邮箱z*** at qq dot com"),
        ("zhangsan艾特qq点com", "z***艾特qq点com"),
        ("zhang.san[at]163.com.cn", "z***[at]163.com.cn"),
    ],
)
def test_other_spellings_of_contacts_and_rooms_are_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked


@pytest.mark.parametrize(
    "text",
    [
        "卫星很亮，加V认证，威信县，加微信",
        "企鹅号是腾讯的平台，我是QQ群主",
        "C#.net开发，话题#qq.com，meet at home",
        "住12号楼",
        "三栋二单元一一零二",  # numerals without 室/房/号
        "2019-4-25住院",
    ],
)
def test_look_alikes_of_contacts_and_rooms_are_left_alone(text):
    assert mask_text(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("经办人：李建国，电话：0731-84123456", "经办人：李**，电话：0731-******56"),
        ("承办人王芳（电话 0731-84123456）", "承办人王*（电话 0731-******56）"),
        ("经办人李建国同志，联系电话13812345678", "经办人李**同志，联系电话138****5678"),
        ("经办人员：刘洋，电话84123456", "经办人员：刘*，电话******56"),
        ("工作人员张伟 138 0013 8000", "工作人员张* 138****8000"),
    ],
)
def test_an_officials_name_before_a_phone_number_is_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked


def test_the_officials_name_is_masked_while_the_departments_listed_number_stays():
    text = "市住建局已督促整改。经办人：李建国，联系电话：0731-84123456。"
    assert (
        mask_text(text, keep=["0731-84123456"])
        == "市住建局已督促整改。经办人：李**，联系电话：0731-84123456。"
    )


@pytest.mark.parametrize(
    "text",
    [
        "经办人：李建国",  # signs without a number: readable
        "经办人：市住建局",
        "市住建局 联系电话：0731-12345",  # a department and a public number
        "承办单位：市城管局，承办人签字后生效",
    ],
)
def test_officials_and_departments_without_a_number_stay_readable(text):
    assert mask_text(text) == text
