"""Personal data as a foreign resident, a transcript or a Traditional-character writer writes it
(docs/security-probes.md, "Thirteenth probe"): shown in full on public views before, masked now;
and the look-alikes that must stay readable."""

from __future__ import annotations

import pytest

from minyi.pipeline.privacy import mask_names, mask_text, names_introduced


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # Phones with a foreign country code: in full before; a US number masked like a Chinese mobile.
        ("Contact: +44 7700 900123", "Contact: +44 **** **0123"),
        ("my phone is +82 10-1234-5678", "my phone is +82 **-****-5678"),
        ("call +1 (650) 253-0000", "call +1 (***) ***-0000"),
        ("phone +1 415 555 0132.", "phone +1 *** *** 0132."),
        ("电话+81 90-1234-5678", "电话+81 **-****-5678"),
        ("tel 0044 20 7946 0958", "tel 0044 ** **** 0958"),
        # After an English cue, shapes no Chinese rule takes.
        ("My phone: (415) 555-0132", "My phone: (***) ***-0132"),
        ("my number is 07700 900456", "my number is ***** **0456"),
        # The Chinese shapes keep theirs.
        ("Tel: 138 1234 5678", "Tel: 138****5678"),
        ("Mobile: +86 138-1234-5678", "Mobile: +86 138****5678"),
        ("contact me at 010-82345678", "contact me at 010-******78"),
    ],
)
def test_foreign_phone_numbers_are_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # "is" was read as the passport's letters: "is*******89" (the space eaten), and a number
        # without letters after passport: was shown in full.
        ("My passport no. is 123456789 (USA)", "My passport no. is *******89 (USA)"),
        ("passport: 587654321", "passport: *******21"),
        ("passport 12AB34567", "passport *******67"),
        ("passport number E12345678", "passport number E******78"),
        ("护照号TK1234567", "护照号TK*****67"),
    ],
)
def test_foreign_passports_after_a_cue_are_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("I live at Room 1203, Building 5, 丽发新城", "I live at Room ****, Building 5, 丽发新城"),
        ("Address: Apt 502, Bldg 3", "Address: Apt ***, Bldg 3"),
        ("Flat 12B, 3 Renmin Road", "Flat 12B, 3 Renmin Road"),  # two digits: a floor or a block, kept
        ("rm. 1203", "rm. ****"),
        ("Suite 1808A", "Suite *****"),
    ],
)
def test_the_room_of_an_english_address_is_masked(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("My name is John Smith, I", "My name is J*** S****, I"),
        ("I am Kim Min-jun (김민준), my", "I am K** M**-j** (김**), my"),
        ("我叫Tanaka Yuki（田中由纪），", "我叫T***** Y***（田***），"),
        ("Hi, I'm David Lee.", "Hi, I'm D**** L**."),
        ("name: Maria Garcia", "name: M**** G*****"),
        ("名字叫 Michael Brown，", "名字叫 M****** B****，"),
        ("我叫김민준，", "我叫김**，"),
    ],
)
def test_a_name_introduced_in_latin_letters_is_masked(text, masked):
    assert mask_text(text) == masked
    assert mask_text(masked) == masked


@pytest.mark.parametrize(
    "text",
    [
        "I am Very Angry about the noise.",
        "I am writing to complain about Lifa Xincheng.",
        "I am Chinese.",
        "My WeChat is really slow today",
        "The flat 12 is noisy. 123 people.",
        "点赞+1 3次",
        "version 3.0.1 of the app",
        "可不可以用我的姓名查询我的身份证号码",
        # public service numbers stay readable after an English cue too
        "contact me at 0731-12345 or call 12345",
        "please call me at 400-888-1234",
        "phone 95588",
    ],
)
def test_english_sentences_stay_readable(text):
    assert mask_text(text) == text


def test_a_transcript_without_punctuation_masks_the_callers_name():
    # 喂你好嗯嗯我叫张伟我电话是…: the name ran into 我 and was shown in full.
    text = "喂你好嗯嗯我叫张伟我电话是一三八一二三四五六七八我住五栋一二零三室"
    assert mask_text(text) == "喂你好嗯嗯我叫张*我电话是一三八****五六七八我住五栋****室"
    assert mask_text("喂 你好 我叫李小红嗯 就是 我们小区") == "喂 你好 我叫李**嗯 就是 我们小区"


def test_traditional_characters_are_masked_as_written():
    text = "我的手機號碼是13812345678，我叫陳大文，住在麗發新城5棟1203室"
    assert mask_text(text) == "我的手機號碼是138****5678，我叫陳**，住在麗發新城5棟****室"
    assert names_introduced("我叫陳大文，") == ["陈大文"]  # a reply in Simplified names him 陈大文


def test_wechat_id_after_english_is():
    assert mask_text("My WeChat is david_lee88.") == "My WeChat is da*******88."


def test_latin_names_recur_masked_in_a_reply():
    names = names_introduced("I am Kim Min-jun (김민준), my")
    assert names == ["Kim Min-jun", "김민준"]
    assert mask_names("Dear Kim Min-jun / 김민준,", names) == "Dear K** M**-j** / 김**,"


def test_traditional_cue_words_introduce_mistyped_numbers():
    text = "聯繫電話：1381234567，身份證號：43010219900101123，護照號碼：P1234567"
    assert mask_text(text) == "聯繫電話：138***4567，身份證號：430**********1123，護照號碼：P*****67"
