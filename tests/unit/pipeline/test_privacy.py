"""PersonalDataMasker: each kind, each decoy, overlaps, mask shapes, idempotence, speed.

Numbers are made by the benchmark's deterministic generator (bench/bench_privacy.py), which
computes real check digits: no random number here depends on anything but a fixed seed.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import random
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from minyi.pipeline.privacy import (
    KINDS,
    Finding,
    PersonalDataMasker,
    id_checksum_ok,
    luhn_ok,
    mask_contact_value,
    mask_text,
)

BENCH_PATH = Path(__file__).resolve().parents[3] / "bench" / "bench_privacy.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_privacy", BENCH_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_privacy"] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def masker() -> PersonalDataMasker:
    return PersonalDataMasker().fit()


def kinds_and_values(masker: PersonalDataMasker, text: str) -> list[tuple[str, str, str]]:
    return [(f.kind, f.value, f.masked) for f in masker.find(text)]


# --- each kind --------------------------------------------------------------------------------

FOUND = [
    # mobile
    ("电话13812345678。", "mobile", "13812345678", "138****5678"),
    ("手机 138 1234 5678 谢谢", "mobile", "138 1234 5678", "138****5678"),
    ("手机138-1234-5678", "mobile", "138-1234-5678", "138****5678"),
    ("请拨+8613912345678", "mobile", "+8613912345678", "+86139****5678"),
    ("请拨 +86 139 1234 5678", "mobile", "+86 139 1234 5678", "+86 139****5678"),
    ("请拨86-19912345678", "mobile", "86-19912345678", "86-199****5678"),
    ("号码0086 15012345678", "mobile", "0086 15012345678", "0086 150****5678"),
    # landline
    ("座机0731-84123456", "landline", "0731-84123456", "0731-******56"),
    ("座机010-62345678", "landline", "010-62345678", "010-******78"),
    ("座机0731-8412345", "landline", "0731-8412345", "0731-*****45"),
    ("座机(0731)84123456", "landline", "(0731)84123456", "(0731)******56"),
    ("座机（0731）84123456", "landline", "（0731）84123456", "（0731）******56"),
    ("座机（０７３１）８４１２３４５６", "landline", "（０７３１）８４１２３４５６", "(0731)******56"),
    ("座机0731 84123456", "landline", "0731 84123456", "0731 ******56"),
    ("座机0731-84123456-801", "landline", "0731-84123456-801", "0731-******56-801"),
    ("座机021-62345678转123", "landline", "021-62345678转123", "021-******78转123"),
    # resident ID
    ("身份证11010519491231002X", "id_card", "11010519491231002X", "110***********002X"),
    ("身份证11010519491231002x。", "id_card", "11010519491231002x", "110***********002x"),
    ("身份证430102199003071234", "id_card", "430102199003071234", "430***********1234"),
    ("身份证430102 19900307 1234", "id_card", "430102 19900307 1234", "430***********1234"),
    ("老身份证430102900307123", "id_card", "430102900307123", "430********7123"),
    # bank card
    ("卡号6222021234567890128", "bank_card", "6222021234567890128", "6222***********0128"),
    ("卡号6222 0212 3456 7890 128", "bank_card", "6222 0212 3456 7890 128", "6222***********0128"),
    ("卡号4367421234567896", "bank_card", "4367421234567896", "4367********7896"),
    ("卡号4367-4212-3456-7896", "bank_card", "4367-4212-3456-7896", "4367********7896"),
    # e-mail
    ("邮箱zhang.san@example.com。", "email", "zhang.san@example.com", "z***@example.com"),
    ("发到12345678@qq.com", "email", "12345678@qq.com", "1***@qq.com"),
    (
        "Mail: Li_Si+gov@mail.example.gov.cn",
        "email",
        "Li_Si+gov@mail.example.gov.cn",
        "L***@mail.example.gov.cn",
    ),
    # QQ
    ("QQ：123456789", "qq", "123456789", "12*****89"),
    ("qq号 12345", "qq", "12345", "12*45"),
    ("QQ号码是98765432101", "qq", "98765432101", "98*******01"),
    ("扣扣:55667788", "qq", "55667788", "55****88"),
    # WeChat
    ("微信：zhangsan_88", "wechat", "zhangsan_88", "zh*******88"),
    ("微信号wx_zhang-01", "wechat", "wx_zhang-01", "wx*******01"),
    ("加vx abc12345", "wechat", "abc12345", "ab****45"),
    ("wx: zhangsan", "wechat", "zhangsan", "zh****an"),
    ("微信13812345678", "wechat", "13812345678", "138****5678"),
    ("抖音号：zhangsan_88", "account", "zhangsan_88", "zh*******88"),
    ("QQ群：12345678", "qq", "12345678", "12****78"),
    ("我的 wxid_abcdef123 在这", "wechat", "wxid_abcdef123", "wx**********23"),
    # licence plate
    ("护照号E12345678已丢失", "passport", "E12345678", "E******78"),
    ("港澳通行证C12345678已丢失", "permit", "C12345678", "C******78"),
    ("车牌湘A12345的车", "plate", "湘A12345", "湘A*****"),
    ("车牌湘A·D12345的车", "plate", "湘A·D12345", "湘A******"),
    ("车牌粤B 8N888。", "plate", "粤B 8N888", "粤B*****"),
    ("车牌京N1234学", "plate", "京N1234学", "京N*****"),
    ("车牌沪a1234f", "plate", "沪a1234f", "沪a*****"),
    # room number in an address
    ("家住3栋402室，楼上漏水", "address", "402", "***"),
    ("5单元1203的住户", "address", "1203", "****"),
    # name
    ("我叫张三，家住芙蓉区", "name", "张三", "张*"),
    ("本人李小明住开福区", "name", "李小明", "李**"),
    ("我是王芳家住天心区", "name", "王芳", "王*"),
    ("我是陈伟。", "name", "陈伟", "陈*"),
    ("本人赵敏电话请回", "name", "赵敏", "赵*"),
    ("我叫张三😀", "name", "张三", "张*"),
    ("我叫欧阳娜，", "name", "欧阳娜", "欧阳*"),
    ("姓名：刘洋 性别：男", "name", "刘洋", "刘*"),
    ("联系人：黄磊", "name", "黄磊", "黄*"),
    ("我叫周杰", "name", "周杰", "周*"),
    ("我叫于洋，", "name", "于洋", "于*"),
]


@pytest.mark.parametrize(("text", "kind", "value", "masked"), FOUND)
def test_each_kind_is_found_and_masked(masker, text, kind, value, masked):
    findings = [f for f in masker.find(text) if f.kind == kind]
    assert [(f.value, f.masked) for f in findings] == [(value, masked)]
    f = findings[0]
    assert text[f.start : f.end] == f.value
    assert masker.mask(text) == text[: f.start] + masked + text[f.end :]


def test_every_kind_is_covered_by_the_examples():
    assert {kind for _, kind, _, _ in FOUND} == set(KINDS)


# --- decoys -----------------------------------------------------------------------------------

DECOYS = [
    "订单号2023042512345678901已退款",
    "订单号：2023042512345678",
    "工单编号GD20230425000123",
    "快递单号 430102199003071234",  # a valid ID, but introduced as a parcel number
    "单号6222021234567890128",
    "案号(2023)湘0102民初1234号",
    "日期2019-04-25，20190425，2019年4月25日",
    "金额12,345.67元，另付1234567元",
    "3室2厅，面积120平方米，3栋1000米外",
    "邮编410000",
    "2023年反映过",
    "时间9:32:09到10:00",
    "数字01234567890和12345678901和22345678901",
    "编号430102199003071238",  # ID with a wrong check digit (no context needed: the check fails)
    "号码430102199003071235",
    "号码430102199013071234",  # month 13
    "号码430102199002301234",  # 30 February
    "号码430102210001011234",  # born in the future
    "号码430102180001011234",  # born before 1900
    "数字6222021234567890127",  # Luhn fails
    "数字4367421234567895",  # Luhn fails
    "数字6222 0212 3456 7890 127",
    "网址https://www.example.gov.cn/news/20230425/13812345678.html",
    "见www.example.com/item?id=430102199003071234",
    "电话213812345678",  # a mobile inside a longer run of digits
    "号码138123456789",
    "编号A13812345678",
    "我是业主，我是本地居民，我是一名老师，本人承诺，我是学生家长。",
    "我是江苏人，我是高中生，我是党员。",
    "微信支付，微信公众号，微信 Android 版本",
    "我是QQ群主，QQ群和微信群都有通知",  # QQ群：12345678 was a decoy: now masked (a group leads to its members)
    "沪A股大涨",
    "版本v1.2.3，型号ABC-12345",
    "温度36.5度，pH 7.4",
    "第12345号文件",
    "身份证尾号1234",
    "我叫Lily和张三",
    "我是张家界的",
    "本人于今年3月反映过，本人曾多次来电。",
    "我是王者荣耀玩家，我是来反映问题的",
]


@pytest.mark.parametrize("text", DECOYS)
def test_decoys_are_left_alone(masker, text):
    assert masker.find(text) == []
    assert masker.mask(text) == text


# --- overlaps and boundaries ------------------------------------------------------------------


def test_id_wins_over_bank_card_for_an_id_that_also_passes_luhn(masker):
    rng = random.Random(3)
    chars = "0123456789"
    for _ in range(2000):
        first17 = "430102" + "19900307" + "".join(rng.choice(chars) for _ in range(3))
        number = first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]
        if luhn_ok(number.replace("X", "0")) and number[-1] != "X":
            assert kinds_and_values(masker, f"证{number}")[0][0] == "id_card"
            return
    pytest.fail("no ID passing Luhn was generated")


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("QQ：13812345678", ["qq"]),
        ("微信：13812345678", ["wechat"]),
        ("13812345678@163.com", ["email"]),
        ("微信：zhang123@qq.com", ["email"]),
        ("我叫张三电话13812345678身份证11010519491231002X", ["name", "mobile", "id_card"]),
        ("本人赵敏电话13812345678", ["name", "mobile"]),
        ("13812345678 13912345678", ["mobile", "mobile"]),
        ("13812345678,13912345678", ["mobile", "mobile"]),
        ("手机13812345678/0731-84123456", ["mobile", "landline"]),
        ("订单号2023042512345678，电话13812345678", ["mobile"]),
    ],
)
def test_overlaps_resolve_once_in_priority_order(masker, text, kinds):
    findings = masker.find(text)
    assert [f.kind for f in findings] == kinds
    spans = [(f.start, f.end) for f in findings]
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))


def test_findings_come_in_text_order_with_exact_spans(masker):
    text = "邮箱a1@x.cn，我叫张三，卡6222021234567890128，电话13812345678"
    findings = masker.find(text)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    for f in findings:
        assert text[f.start : f.end] == f.value


def test_fullwidth_digits_are_found_with_spans_in_the_original(masker):
    text = "电话：１３８１２３４５６７８。"
    (f,) = masker.find(text)
    assert f == Finding("mobile", 3, 14, "１３８１２３４５６７８", "138****5678")
    assert masker.mask(text) == "电话：138****5678。"


def test_emoji_around_personal_data(masker):
    text = "😡😡路灯坏了🚧 电话13812345678👍 我叫张三😀"
    assert masker.mask(text) == "😡😡路灯坏了🚧 电话138****5678👍 我叫张*😀"


# --- shapes -----------------------------------------------------------------------------------


def test_mask_shapes_on_generated_values(masker, bench):
    rng = random.Random(11)
    for _ in range(300):
        number = bench.resident_id(rng)
        (f,) = masker.find(f"身份证{number}")
        assert f.masked == number[:3] + "*" * 11 + number[-4:]
        card = bench.bank_card(rng)
        (f,) = masker.find(f"卡号{card}")
        assert f.masked == card[:4] + "*" * (len(card) - 8) + card[-4:]
        phone = bench.mobile(rng)
        (f,) = masker.find(f"电话{phone}")
        assert f.masked == phone[:3] + "****" + phone[-4:]


def test_custom_mask_char():
    masker = PersonalDataMasker(mask_char="#")
    assert masker.mask("电话13812345678，我叫张三，") == "电话138####5678，我叫张#，"


# --- generated numbers ------------------------------------------------------------------------


def test_generated_valid_numbers_are_found(masker, bench):
    rng = random.Random(20240425)
    for _ in range(500):
        for kind, value in (
            ("id_card", bench.resident_id(rng)),
            ("id_card", bench.old_resident_id(rng)),
            ("bank_card", bench.bank_card(rng)),
            ("mobile", bench.mobile(rng)),
        ):
            assert kinds_and_values(masker, f"号{value}。")[0][:2] == (kind, value)


def test_generated_invalid_numbers_are_left_alone(masker, bench):
    rng = random.Random(20240426)
    for _ in range(500):
        for value in (bench.bad_check_id(rng), bench.bad_date_id(rng), bench.bad_luhn_card(rng)):
            assert masker.find(f"号{value}。") == [], value


def test_checksum_helpers(bench):
    rng = random.Random(5)
    for _ in range(200):
        assert id_checksum_ok(bench.resident_id(rng))
        assert not id_checksum_ok(bench.bad_check_id(rng))
        assert luhn_ok(bench.bank_card(rng))
        assert not luhn_ok(bench.bad_luhn_card(rng))
    assert not id_checksum_ok("123")


# --- empty input, idempotence, size -----------------------------------------------------------


@pytest.mark.parametrize("text", [None, ""])
def test_empty_input(masker, text):
    assert masker.find(text) == []
    assert masker.mask(text) == ""
    assert mask_text(text) == ""


def test_text_without_personal_data_is_returned_as_is(masker):
    text = "小区门口的道路破损严重，下雨天到处积水。"
    assert masker.mask(text) is text


def test_masking_masked_text_changes_nothing(masker, bench):
    for sample in bench.make_corpus(1000, seed=99):
        once = masker.mask(sample.text)
        assert masker.find(once) == [], once
        assert masker.mask(once) == once


def test_masking_is_idempotent_with_another_mask_char(bench):
    masker = PersonalDataMasker(mask_char="●")
    for sample in bench.make_corpus(200, seed=98):
        once = masker.mask(sample.text)
        assert masker.mask(once) == once


def test_hundred_thousand_characters(masker):
    text = ("反映路灯坏了，电话13812345678，身份证11010519491231002X。" * 2500)[:100_000]
    start = time.perf_counter()
    masked = masker.mask(text)
    assert time.perf_counter() - start < 2.0
    assert "13812345678" not in masked
    assert "11010519491231002X" not in masked


@pytest.mark.parametrize(
    "run", ["1" * 100_000, "a" * 100_000, "a@" * 50_000, "我叫" * 50_000, "湘A" * 50_000]
)
def test_pathological_input_is_fast(masker, run):
    start = time.perf_counter()
    masker.mask(run)
    assert time.perf_counter() - start < 2.0


# --- API and conventions ----------------------------------------------------------------------


def test_settings_stored_unchanged_and_fit_returns_self():
    masker = PersonalDataMasker(kinds=["mobile"], mask_char="#")
    assert masker.kinds == ["mobile"]
    assert masker.mask_char == "#"
    assert not hasattr(masker, "rules_")
    assert masker.fit(["ignored"]) is masker
    assert {rule.kind for rule in masker.rules_} == {"mobile", "cued"}  # cued: numbers after 手机, 电话 …


def test_only_selected_kinds_are_detected():
    masker = PersonalDataMasker(kinds=["mobile"])
    assert masker.mask("电话13812345678，邮箱a@b.cn") == "电话138****5678，邮箱a@b.cn"


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kinds"):
        PersonalDataMasker(kinds=["mobile", "driving_licence"]).fit()


@pytest.mark.parametrize("char", ["", "**", "x", "7", " "])
def test_bad_mask_char_is_refused(char):
    with pytest.raises(ValueError, match="mask_char"):
        PersonalDataMasker(mask_char=char).fit()


def test_transform_and_fit_transform():
    texts = ["电话13812345678", None, "无"]
    expected = ["电话138****5678", "", "无"]
    assert PersonalDataMasker().transform(texts) == expected
    assert PersonalDataMasker().fit_transform(texts) == expected


def test_mask_text_uses_the_default_masker():
    text = "我叫张三，电话13812345678，邮箱zhang@example.com"
    assert (
        mask_text(text) == PersonalDataMasker().mask(text) == "我叫张*，电话138****5678，邮箱z***@example.com"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "138****5678"),
        ("0731-84123456", "0731-******56"),
        ("zhang@example.com", "z***@example.com"),
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("A", "A*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_contact_value_keeps_its_behaviour(value, expected):
    assert mask_contact_value(value) == expected


# --- the benchmark itself ---------------------------------------------------------------------


def test_corpus_is_deterministic(bench):
    assert [s.text for s in bench.make_corpus(20, 1)] == [s.text for s in bench.make_corpus(20, 1)]
    assert [s.text for s in bench.make_corpus(20, 1)] != [s.text for s in bench.make_corpus(20, 2)]


def test_planted_spans_hold_what_they_say(bench):
    for sample in bench.make_corpus(300, 3):
        for _, start, end in sample.planted + sample.decoys:
            assert 0 <= start < end <= len(sample.text)


def test_bench_reaches_its_goals_on_a_small_corpus(bench):
    result = bench.run(n=400, seed=7, repeat=1)
    for kind in ("mobile", "id_card"):
        assert result["kinds"][kind]["recall"] >= 0.99
    assert result["decoy_fp_rate"] == 0.0


def test_bench_prints_json_as_the_last_line(bench, capsys):
    assert bench.main(["--n", "30", "--repeat", "1", "--json"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    data = json.loads(last)
    assert set(data["kinds"]) == set(KINDS)
    assert data["throughput"]["mask"]["texts_per_s"] > 0


@pytest.mark.parametrize("written", ["0731-88001234-801", "0731-88001234转801", "0731-88001234分机801"])
def test_a_listed_number_with_an_extension_stays_readable(written):
    """A department's own number with its desk's extension was masked on public pages."""
    text = f"请致电{written}咨询"
    assert mask_text(text, keep=["0731-88001234"]) == text
    other = text.replace("1234", "1235")
    assert mask_text(other, keep=["0731-88001234"]) != other  # another number stays masked
