"""The normaliser's OpenCC skip: exact against the real converter, table rebuilt from its dictionaries."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import opencc
import pytest

from minyi.pipeline import _opencc_fixed
from minyi.pipeline._opencc_fixed import (
    TABLE_RESOURCE,
    FixedPoints,
    dictionary_files,
    load_fixed_points,
    witness_table,
    write_table,
)
from minyi.pipeline.normalize import TextNormalizer

CONVERTER = opencc.OpenCC("t2s")
PACKAGED = Path(_opencc_fixed.__file__).parent / "data" / TABLE_RESOURCE


@pytest.fixture(scope="module")
def fixed() -> FixedPoints:
    found = load_fixed_points(CONVERTER)
    assert found is not None, "the packaged table does not match the installed OpenCC: regenerate it"
    return found


def _agrees(fixed: FixedPoints, text: str) -> None:
    """A skipped text must be one the converter returns unchanged."""
    if fixed.unchanged(text):
        assert CONVERTER.convert(text) == text, text


def test_packaged_table_is_the_installed_dictionaries(tmp_path):
    clib = Path(opencc.__file__).parent / "clib"
    if not (clib / "bin" / "opencc_dict").exists():
        pytest.skip("this OpenCC wheel has no opencc_dict tool")
    out = tmp_path / TABLE_RESOURCE
    write_table(CONVERTER.config, out)
    assert out.read_bytes() == PACKAGED.read_bytes()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "小区门口的路灯坏了三个月没人修",
        "丽发新城搅拌站噪音扰民，请尽快处理。",
        "覆盖全市的公交线路",  # 覆 alone changes nothing
        "土坯房",
        "ASCII only 12345",
        "𠮷野家 😀 𫐷",  # supplementary plane: sent to the converter, which keeps them
    ],
)
def test_simplified_texts_are_skipped_and_unchanged(fixed, text):
    if any(ord(char) > 0xFFFF for char in text):
        assert not fixed.unchanged(text)
    else:
        assert fixed.unchanged(text)
    assert CONVERTER.convert(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "請盡快處理噪音問題",  # Traditional characters
        "一目瞭然",  # a phrase whose characters are a key of their own (瞭)
        "領導的答覆",  # 答覆 → 答复
        "打坏了",  # 坏 alone stays, 打坏 (Traditional for 打坯) changes
        "黑沈沈的夜",
        "\uf900",  # a CJK compatibility ideograph: the normalisation stage changes it
        "遱",  # TSCharactersExt: a supplementary-plane value
    ],
)
def test_texts_the_converter_changes_are_not_skipped(fixed, text):
    assert CONVERTER.convert(text) != text
    assert not fixed.unchanged(text)


def test_lone_surrogates_and_nul_still_reach_the_converter(fixed):
    assert not fixed.unchanged("中\ud800文")
    assert not fixed.unchanged("中\x00文")
    with pytest.raises(UnicodeEncodeError):
        TextNormalizer(strip_html=False).fit()._simplified("中\ud800文")


def test_every_basic_plane_character_alone(fixed):
    """Each character of the BMP's CJK blocks, alone and between two others."""
    for code in [*range(0x3400, 0xA000), *range(0xF900, 0xFB00)]:
        char = chr(code)
        _agrees(fixed, char)
        _agrees(fixed, f"中{char}文")


def test_every_key_and_phrase_in_context(fixed):
    rng = random.Random(16)
    for keys in fixed.phrases.values():
        for key in keys:
            assert not fixed.unchanged(key)
            cut = key[: max(1, len(key) - 1)]  # a phrase cut short may be a fixed point
            for text in (cut, f"他说{cut}了", key[1:], f"{key}{key}"):
                _agrees(fixed, text)
    alphabet = [*"覆坏沈藉瞭哩乾毛打回答一目然黑是的了中文", *rng.sample(sorted(fixed.phrases), 40)]
    for _ in range(3000):
        _agrees(fixed, "".join(rng.choices(alphabet, k=rng.randint(1, 12))))


def test_normaliser_gives_the_same_text_with_and_without_the_skip():
    skipping = TextNormalizer().fit()
    plain = TextNormalizer().fit()
    plain.fixed_points_ = plain.quiet_ = None
    assert skipping.fixed_points_ is not None
    texts = [
        "請盡快處理",
        "路灯坏了",
        "答覆：已處理",
        "請\x07處理１２",
        "路灯\u200b坏了",
        "<p>領導您好</p>",
        "ＡＢＣ１２３ 覆盖",
        "😀 乾隆",
        "",
    ]
    for text in texts:
        assert skipping.transform_one(text) == plain.transform_one(text)


def test_other_configurations_and_changed_dictionaries_get_no_skip(tmp_path):
    assert load_fixed_points(opencc.OpenCC("s2t")) is None
    assert load_fixed_points(object()) is None
    copied = tmp_path / "t2s.json"
    for path in dictionary_files(CONVERTER.config):
        shutil.copy(path, tmp_path / path.name)
    assert _opencc_fixed._load(str(copied)) is not None
    with (tmp_path / "TSPhrases.ocd2").open("ab") as handle:
        handle.write(b"\0")
    _opencc_fixed._load.cache_clear()
    assert _opencc_fixed._load(str(copied)) is None
    (tmp_path / "TSPhrases.ocd2").unlink()
    assert _opencc_fixed._load(str(tmp_path / "missing" / "t2s.json")) is None


def test_witnesses_of_phrases():
    entries = [
        ("覆", "覆"),
        ("答覆", "答复"),
        ("覆盖", "覆盖"),
        ("國", "国"),
        ("國語", "国语"),
        ("毛坏", "毛坯"),
    ]
    table = witness_table(entries)
    assert table == {"國": ("國",), "毛": ("毛坏",), "覆": ("答覆",)}
