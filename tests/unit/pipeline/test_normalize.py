"""TextNormalizer: HTML, Traditional → Simplified, width, control characters, whitespace, truncation."""

from __future__ import annotations

import dataclasses
import random
import time

import pytest

from minyi.pipeline.normalize import KEPT_FULLWIDTH, NormalizedText, TextNormalizer, strip_html
from minyi.pipeline.privacy import mask_text


@pytest.fixture(scope="module")
def norm() -> TextNormalizer:
    return TextNormalizer().fit()


def n(normalizer: TextNormalizer, text: str | None) -> str:
    return normalizer.transform_one(text).text


# --- HTML -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<p>路灯坏了</p><p>请修理</p>", "路灯坏了 请修理"),
        ("第一行<br>第二行<br/>第三行<BR />", "第一行 第二行 第三行"),
        ("<b>张</b>先生", "张先生"),
        ("<div class='x'>噪音</div><ul><li>一</li><li>二</li></ul>", "噪音 一 二"),
        ("前<script>alert('x<y')</script>后", "前 后"),
        ("前<style>p { color: red }</style>后", "前 后"),
        ("前<!-- 注释 <b> -->后", "前 后"),
        ("A&amp;B &lt;tag&gt; &quot;引号&quot; &#20320;&#x597D;", 'A&B <tag> "引号" 你好'),
        ("价格&nbsp;100元", "价格 100元"),
        ("价格<100元，数量>5", "价格<100元，数量>5"),
        ("a < b and c > d", "a < b and c > d"),
        ("AT&T 与 R&D", "AT&T 与 R&D"),
        ("<a href='https://example.gov.cn/x?a=1&amp;b=2'>链接</a>", "链接"),
    ],
)
def test_html_is_stripped_and_unescaped(norm, raw, expected):
    assert n(norm, raw) == expected


def test_escaped_markup_stays_text(norm):
    assert n(norm, "&lt;script&gt;alert(1)&lt;/script&gt;") == "<script>alert(1)</script>"


def test_strip_html_fast_path_returns_same_object():
    text = "没有标签也没有实体的文本"
    assert strip_html(text) is text


def test_strip_html_can_be_turned_off():
    assert n(TextNormalizer(strip_html=False), "<b>粗</b>&amp;") == "<b>粗</b>&amp;"


def test_unclosed_script_drops_the_rest(norm):
    assert n(norm, "正文<script>never closed") == "正文"


# --- Traditional → Simplified -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("這條馬路的路燈壞了", "这条马路的路灯坏了"),
        ("臺灣同胞來長沙", "台湾同胞来长沙"),
        ("頭髮 乾淨 後來 發現", "头发 干净 后来 发现"),
        ("简体字保持不变", "简体字保持不变"),
    ],
)
def test_traditional_becomes_simplified(norm, raw, expected):
    assert n(norm, raw) == expected


def test_simplified_conversion_can_be_turned_off():
    assert n(TextNormalizer(to_simplified=False), "這條馬路") == "這條馬路"


# --- width ------------------------------------------------------------------------------------


def test_fullwidth_letters_and_digits_become_ascii(norm):
    assert n(norm, "ＡＢＣｘｙｚ０１２３４５６７８９") == "ABCxyz0123456789"


def test_fullwidth_symbols_used_inside_values_become_ascii(norm):
    assert (
        n(norm, "ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ　１２＋３＝１５　５０％　＃１")
        == "zhang@example.com 12+3=15 50% #1"
    )


def test_chinese_punctuation_is_kept(norm):
    text = "您好，请问！真的吗？时间：明天；地点（市政府）。顿号、引号“好”"
    assert n(norm, text) == text


def test_kept_fullwidth_is_the_documented_set():
    assert frozenset("，！？：；（）") == KEPT_FULLWIDTH


def test_fullwidth_can_be_turned_off():
    assert n(TextNormalizer(fullwidth_to_halfwidth=False), "１２３ＡＢ") == "１２３ＡＢ"


def test_every_fullwidth_ascii_form_is_mapped_or_kept(norm):
    for code in range(0xFF01, 0xFF5F):
        char = chr(code)
        out = n(norm, f"x{char}x")
        expected = char if char in KEPT_FULLWIDTH else chr(code - 0xFEE0)
        assert out == f"x{expected}x", hex(code)


# --- control characters and whitespace --------------------------------------------------------


def test_control_characters_are_removed(norm):
    assert n(norm, "a\x00b\x07c\x7fd\x9be\u200bf\ufeffg\u2060h") == "abcdefgh"


def test_zero_width_joiner_is_kept_for_emoji(norm):
    family = "👨\u200d👩\u200d👧"
    assert n(norm, f"一家人{family}来了") == f"一家人{family}来了"


@pytest.mark.parametrize(
    "raw",
    ["  a \t\n\u3000 b  ", "a\r\n\r\nb", "a\xa0\xa0b", "\u3000\u3000a\u2003b\u3000", "a\u2028b"],
)
def test_whitespace_collapses_to_one_space(norm, raw):
    assert n(norm, raw) == "a b"


def test_whitespace_kept_when_not_collapsing():
    normalizer = TextNormalizer(collapse_whitespace=False)
    assert n(normalizer, "第一行\n第二行\t制表\u3000全角") == "第一行\n第二行\t制表 全角"


@pytest.mark.parametrize("raw", [None, "", " ", "\u3000\t\n", "<p></p>", "<br/>&nbsp;", "\x00\x01"])
def test_empty_or_blank_input_gives_empty_text(norm, raw):
    result = norm.transform_one(raw)
    assert result.text == ""
    assert result.truncated is False


def test_emoji_and_mixed_scripts_pass_through(norm):
    text = "👍 小区很好 Привет мир مرحبا こんにちは 한국어 🚧"
    assert n(norm, text) == text


# --- truncation -------------------------------------------------------------------------------


def test_long_text_is_analysed_on_a_truncated_copy():
    normalizer = TextNormalizer(max_chars=10)
    original = "一二三四五六七八九十" * 3
    result = normalizer.transform_one(original)
    assert result == NormalizedText(text="一二三四五六七八九十", truncated=True, original_length=30)


def test_text_of_exactly_max_chars_is_not_truncated():
    result = TextNormalizer(max_chars=5).transform_one("12345")
    assert (result.text, result.truncated, result.original_length) == ("12345", False, 5)


def test_tag_cut_by_truncation_is_dropped():
    result = TextNormalizer(max_chars=8).transform_one("路灯坏了<div class='x'>")
    assert result.text == "路灯坏了"
    assert result.truncated


def test_no_limit_when_max_chars_is_none():
    text = "字" * 30000
    result = TextNormalizer(max_chars=None).transform_one(text)
    assert (len(result.text), result.truncated) == (30000, False)


def test_default_limit_is_20000(norm):
    result = norm.transform_one("字" * 25000)
    assert (len(result.text), result.truncated, result.original_length) == (20000, True, 25000)


@pytest.mark.parametrize("bad", [0, -1])
def test_non_positive_max_chars_is_refused(bad):
    with pytest.raises(ValueError, match="max_chars"):
        TextNormalizer(max_chars=bad).fit()


# --- API and conventions ----------------------------------------------------------------------


def test_settings_are_stored_unchanged():
    normalizer = TextNormalizer(to_simplified=False, max_chars=7)
    assert normalizer.to_simplified is False
    assert normalizer.max_chars == 7
    assert not hasattr(normalizer, "table_")


def test_fit_returns_self_and_sets_learned_state():
    normalizer = TextNormalizer()
    assert normalizer.fit(["任意", "文本"]) is normalizer
    assert normalizer.table_
    assert normalizer.converter_ is not None


def test_transform_fits_lazily():
    assert TextNormalizer().transform(["臺灣"])[0].text == "台湾"


def test_transform_keeps_order_and_fit_transform_matches(norm):
    texts = ["<b>一</b>", "二\u3000\u3000三", "四"]
    expected = ["一", "二 三", "四"]
    assert [r.text for r in norm.transform(texts)] == expected
    assert [r.text for r in TextNormalizer().fit_transform(texts)] == expected


def test_result_is_frozen(norm):
    result = norm.transform_one("文本")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "改"  # type: ignore[misc]


def test_normalising_is_idempotent_for_text_without_markup(norm):
    # Markup is unescaped once, as HTML means: "&amp;lt;" gives "&lt;", which a second pass would unescape.
    rng = random.Random(7)
    alphabet = "這條路壞了 ＡＢ１２，！？＃\u3000\t\n\x00😀a1"
    for _ in range(300):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        once = n(norm, raw)
        assert n(norm, once) == once, raw


def test_hundred_thousand_characters_are_fast():
    normalizer = TextNormalizer(max_chars=None).fit()
    text = ("<p>這條馬路的路燈壞了，電話：１３８ １２３４ ５６７８&amp;</p>" * 2500)[:100_000]
    start = time.perf_counter()
    result = normalizer.transform_one(text)
    assert time.perf_counter() - start < 2.0
    assert "<p>" not in result.text
    assert "138 1234 5678" in result.text


def test_normalised_text_feeds_the_masker(norm):
    assert mask_text(n(norm, "<p>電話：１３８ １２３４ ５６７８</p>")) == "电话：138****5678"
