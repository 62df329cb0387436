"""Variant names: the readings table read from pypinyin's data file."""

from __future__ import annotations

from pypinyin.pinyin_dict import pinyin_dict

from minyi.issues.detect.names import _readings, are_variants


def test_readings_read_from_the_data_file_equal_the_package_table():
    """Reading the JSON file must give pypinyin's own table (homophones depend on it)."""
    assert _readings() == pinyin_dict


def test_homophone_and_swapped_names_are_variants():
    assert are_variants("樃梨", "榔梨")
    assert are_variants("芭比罗", "巴罗比")
