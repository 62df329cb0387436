"""Numbers after a cue, odd spacing, zero-width characters, rooms, public numbers and the allow-list.

The numbers are made by the benchmark's generators (real check digits), with fixed seeds.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from minyi.pipeline.privacy import PersonalDataMasker, is_service_number, mask_text
from minyi.pipeline.privacy_numbers import KeepList

BENCH_PATH = Path(__file__).resolve().parents[3] / "bench" / "bench_privacy.py"
ZW = "\u200b"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_privacy", BENCH_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_privacy"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def masker() -> PersonalDataMasker:
    return PersonalDataMasker().fit()


def found(masker: PersonalDataMasker, text: str, **kw) -> list[tuple[str, str, str]]:
    return [(f.kind, f.value, f.masked) for f in masker.find(text, **kw)]


# --- IDs after a cue, whatever their check digit ----------------------------------------------

BAD_ID = "430102199003071235"  # valid would end in 1234
ID_CUES = [
    "身份证",
    "身份证号",
    "身份证号码",
    "证件号",
    "证件号码",
    "身份证号码是",
    "身份证号为：",
    "身份证: ",
    "证件号码 为 ",
    "身份证号（",
]


@pytest.mark.parametrize("cue", ID_CUES)
def test_id_with_a_wrong_check_digit_is_masked_after_a_cue(masker, cue):
    assert found(masker, f"{cue}{BAD_ID}，请核实") == [("id_card", BAD_ID, "430***********1235")]


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("43010219900307123", "430**********7123"),  # a digit missing
        ("4301021990030712345", "430************2345"),  # a digit too many
        ("430102199013071234", "430***********1234"),  # month 13
        ("4301 0219 9003 0712 35", "430***********1235"),  # grouped in fours
        ("430102-19900307-1235", "430***********1235"),
        ("430102 1990 0307 123x", "430***********123x"),
        ("４３０１０２１９９００３０７１２３５", "430***********1235"),  # full-width
    ],
)
def test_mistyped_and_spaced_ids_after_a_cue(masker, value, masked):
    assert found(masker, f"身份证号码：{value}。") == [("id_card", value, masked)]


def test_no_card_or_mobile_is_carved_out_of_a_mistyped_id(masker):
    # 6301 0219 8309 2650 would pass Luhn, 13010219490 looks like a mobile: the cue makes it one ID.
    assert found(masker, "身份证号是 6301 0219 8309 2650 0X，") == [
        ("id_card", "6301 0219 8309 2650 0X", "630***********500X")
    ]
    assert found(masker, "身份证号是 13010219490 6 0523 64，") == [
        ("id_card", "13010219490 6 0523 64", "130***********2364")
    ]


def test_zero_width_characters_inside_an_id(masker):
    text = f"身份证号43010219{ZW}9003071235\ufeff。"
    ((kind, value, masked),) = found(masker, text)
    assert (kind, masked) == ("id_card", "430***********1235")
    assert value == f"43010219{ZW}9003071235"
    assert masker.mask(text) == "身份证号430***********1235\ufeff。"


@pytest.mark.parametrize(
    "text",
    [
        "身份证尾号12345的市民",
        "身份证后四位1234",
        "身份证号码后六位123456",
        "证件号码 12345",
        "身份证号430102",
    ],
)
def test_partial_or_short_numbers_after_an_id_cue_stay(masker, text):
    assert masker.find(text) == []


def test_without_a_cue_a_wrong_check_digit_still_stays(masker):
    assert masker.find(f"这个号码{BAD_ID}不对") == []


# --- cards and accounts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "cue", ["银行卡", "银行卡号", "卡号", "账号", "帐号", "社保卡号", "账户", "银行卡号码是："]
)
def test_card_failing_luhn_is_masked_after_a_cue(masker, cue):
    assert found(masker, f"{cue}6222021234567890127。") == [
        ("bank_card", "6222021234567890127", "6222***********0127")
    ]


def test_grouped_card_takes_its_whole_luhn_valid_length(masker, bench):
    card = bench.bank_card(random.Random(4), 19)
    grouped = bench.group(card, (4,), " ")
    assert found(masker, f"卡号：{grouped} 2人") == [("bank_card", grouped, card[:4] + "*" * 11 + card[-4:])]


def test_account_numbers_of_other_lengths(masker):
    assert found(masker, "退款账号：12345678901234") == [("bank_card", "12345678901234", "1234******1234")]
    assert masker.find("账号123456") == []  # too short for an account: an online id, left alone


def test_x_ends_only_ids(masker):
    assert masker.find("卡号622202123456789012X") == []


# --- phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value", "masked"),
    [
        ("手机号码：1381234567", "mobile", "1381234567", "138***4567"),  # a digit missing
        ("电话:138123456789", "mobile", "138123456789", "138*****6789"),  # a digit too many
        ("手机12812345678", "mobile", "12812345678", "128****5678"),  # no such prefix
        ("联系电话 1381 234 5678", "mobile", "1381 234 5678", "138****5678"),
        ("Tel: 138-1234-567", "mobile", "138-1234-567", "138***4567"),
        ("手机：+86 1381234567", "mobile", "86 1381234567", "86 138***4567"),
        ("联系电话 84123456", "landline", "84123456", "******56"),
        ("座机8412-345", "landline", "8412-345", "*****45"),
        ("电话0731-841234567", "landline", "0731-841234567", "0731-*******67"),
        ("家里电话073184123456", "landline", "073184123456", "0731******56"),
        ("请回电1381234567", "mobile", "1381234567", "138***4567"),
        ("有事打我手机，号码是1381234567", "mobile", "1381234567", "138***4567"),
    ],
)
def test_mistyped_phone_numbers_after_a_cue(masker, text, kind, value, masked):
    assert found(masker, text) == [(kind, value, masked)]


def test_valid_numbers_keep_their_own_spans_after_a_phone_cue(masker):
    assert found(masker, "电话：13812345678 2人受伤") == [("mobile", "13812345678", "138****5678")]
    assert found(masker, "电话0731-84123456-801") == [("landline", "0731-84123456-801", "0731-******56-801")]
    assert [f.kind for f in masker.find("电话1381234567 13912345678")] == ["mobile", "mobile"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("有事找我 1381 234 5678", "有事找我 138****5678"),
        ("有事找我 1 3 8 1 2 3 4 5 6 7 8。", "有事找我 138****5678。"),
        (f"有事找我 138{ZW}1234{ZW}5678。", "有事找我 138****5678。"),
        ("有事找我 1\u200c38\u200d12345678", "有事找我 138****5678"),
    ],
)
def test_mobiles_split_oddly_or_by_zero_width_characters_without_a_cue(masker, text, masked):
    assert masker.mask(text) == masked


@pytest.mark.parametrize(
    "text", ["电话 2024-03-15 打过", "电话打了12次", "电话费1200元", "手机尾号5678", "手机 5G"]
)
def test_other_numbers_after_a_phone_word_stay(masker, text):
    assert masker.find(text) == []


def test_qq_split_by_spaces(masker):
    assert found(masker, "QQ：674299 7 751") == [("qq", "674299 7 751", "67******51")]
    assert found(masker, "扣扣号 1234 5678") == [("qq", "1234 5678", "12****78")]


def test_kinds_select_cued_numbers_too():
    only_ids = PersonalDataMasker(kinds=["id_card"])
    assert only_ids.mask(f"身份证号{BAD_ID}，手机1381234567") == "身份证号430***********1235，手机1381234567"
    only_phones = PersonalDataMasker(kinds=["mobile"], mask_char="#")
    assert only_phones.mask(f"身份证号{BAD_ID}，手机1381234567") == f"身份证号{BAD_ID}，手机138###4567"


# --- rooms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("住3栋402室", "住3栋***室"),
        ("5单元1203的业主", "5单元****的业主"),
        ("12号楼2单元601室漏水", "12号楼2单元***室漏水"),
        ("B座1205", "B座****"),
        ("三栋 502房", "三栋 ***房"),
        ("住3栋2单元1102室", "住3栋2单元****室"),
    ],
)
def test_room_numbers_are_masked_building_and_unit_stay(masker, text, masked):
    assert masker.mask(text) == masked
    assert {f.kind for f in masker.find(text)} == {"address"}


@pytest.mark.parametrize(
    "text", ["3室2厅", "3栋1000米外", "该栋300多户", "5单元2019年交房", "会议室", "402室", "共3栋12层"]
)
def test_not_rooms(masker, text):
    assert masker.find(text) == []


# --- public service numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "请拨打12345热线",
        "报警电话110",
        "咨询电话：12366",
        "服务热线 95588",
        "供电服务热线95598，24小时受理",
        "拨打12315投诉",
        "电话：0731-12345",
        "热线电话：400-888-8888",
        "客服电话 4008123456",
        "电梯困人请拨打96333",
        "联系电话：95105888",
        "移动客服10086",
        "急救电话120，火警119，交通事故122",
    ],
)
def test_public_service_numbers_stay_readable(masker, text):
    assert masker.mask(text) == text


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("12345", True), ("110", True), ("999", True), ("95588", True), ("95105888", True),
        ("4008123456", True), ("073112345", True), ("07319633", False), ("13812345678", False),
        ("84123456", False), ("123", False), ("1234", False),
    ],
)  # fmt: skip
def test_is_service_number(digits, expected):
    assert is_service_number(digits) is expected


# --- the allow-list ---------------------------------------------------------------------------


def test_a_department_landline_is_masked_unless_listed():
    text = "如有疑问，请拨打咨询电话：0731-88886666。"
    assert mask_text(text) == "如有疑问，请拨打咨询电话：0731-******66。"
    assert mask_text(text, keep=["0731-88886666"]) == text


@pytest.mark.parametrize(
    ("written", "listed"),
    [
        ("0731-88886666", "073188886666"),
        ("(0731)88886666", "0731-88886666"),
        ("（0731）88886666", "0731 8888 6666"),
        ("0731 8888 6666", "0731-88886666"),
        ("88886666", "0731-88886666"),
        ("0731-88886666", "88886666"),
        ("０７３１－８８８８６６６６", "0731-88886666"),
        ("13812345678", "138-1234-5678"),
        ("+86 138 1234 5678", "13812345678"),
        ("13812345678", "+8613812345678"),
    ],
)
def test_listed_numbers_match_in_any_writing(written, listed):
    text = f"值班电话{written}，24小时有人接听"
    assert mask_text(text, keep=[listed]) == text


def test_the_allow_list_keeps_nothing_else():
    text = "网格员电话0731-88886666，已联系业主（手机13812345678），另一办公室0755-88886666"
    assert mask_text(text, keep=("0731-88886666",)) == (
        "网格员电话0731-88886666，已联系业主（手机138****5678），另一办公室0755-******66"
    )


def test_keep_list_forms():
    keep = KeepList(["0731-88886666", " ", "+86 139 1234 5678"])
    assert keep
    assert not KeepList([])
    assert keep.holds("88886666")
    assert keep.holds("（0731）8888 6666")
    assert keep.holds("13912345678")
    assert not keep.holds("0755-88886666")
    assert not keep.holds("88886667")


def test_find_and_transform_take_keep_too(masker):
    assert masker.find("电话0731-88886666", keep=["0731-88886666"]) == []
    assert masker.mask("电话0731-88886666", keep=["0731-88886666"]) == "电话0731-88886666"


# --- the labelled set -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def labelled(bench) -> list[dict]:
    return bench.load_labelled()


def test_labelled_set_spans_and_halves(labelled):
    frames_by_half: dict[str, set[str]] = {}
    for line in labelled:
        for target in line["targets"]:
            assert line["text"][target["start"] : target["start"] + len(target["value"])] == target["value"]
        frames_by_half.setdefault(line["split"], set()).add(line["frame"])
    assert set(frames_by_half) == {"tune", "test", "fresh"}
    assert not frames_by_half["tune"] & frames_by_half["test"]
    counts = {
        label: sum(t["label"] == label for line in labelled for t in line["targets"])
        for label in ("mask", "keep")
    }
    assert counts["mask"] >= 300
    assert counts["keep"] >= 100


def test_labelled_set_reaches_the_goals(bench, labelled, masker):
    halves = bench.score_labelled(labelled, masker)["halves"]
    for half in ("tune", "test", "fresh"):
        assert halves[half]["mask"]["rate"] >= 0.99, half
        assert halves[half]["keep"]["rate"] >= 0.99, half
    assert halves["test"]["leave"]["rate"] == 1.0


def test_masking_labelled_texts_is_idempotent(labelled, masker):
    for line in labelled:
        keep = line.get("keep", ())
        once = masker.mask(line["text"], keep=keep)
        assert masker.mask(once, keep=keep) == once, line["id"]


def test_bench_json_holds_the_labelled_scores(bench, capsys):
    assert bench.main(["--n", "20", "--repeat", "1", "--json", "--misses", "test"]) == 0
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert data["labelled"]["halves"]["test"]["mask"]["n"] >= 150


@pytest.mark.parametrize(
    "text",
    [
        "13000000000微信000-13000000000",
        "130000000003栋13000000000",
        "13000000-13000000000",
        "QQ400-13000000000",
        "身份证号130000000000731-2000000",
        "130000000003栋0731-2000000",
        "手机0000013-000000000",
        "电话1381234567-13912345678",
    ],
)
def test_what_is_left_of_a_masked_number_is_not_masked_again(masker, text):
    once = masker.mask(text)
    assert masker.mask(once) == once


def test_numbers_wrapped_in_the_mask_character_are_still_masked(masker):
    assert masker.mask("手机：**1381234567**") == "手机：**138***4567**"
    assert masker.mask("**13812345678**") == "**138****5678**"


# --- speed ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "run",
    [
        "电话" + "1 " * 50_000,
        "身份证号" * 25_000,
        "身份证号1" * 20_000,
        "3栋" * 50_000,
        "号码是1-" * 25_000,
        "1*" * 50_000,
        "电话130****0000" * 8_000,
        "手机" + "\u200b1" * 40_000,
    ],
)
def test_pathological_cue_input_is_fast(masker, run):
    start = time.perf_counter()
    masker.mask(run)
    assert time.perf_counter() - start < 2.0
