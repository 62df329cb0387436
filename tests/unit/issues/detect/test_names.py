"""Variant names: the readings table read from pypinyin's data file."""

from __future__ import annotations

from pypinyin.pinyin_dict import pinyin_dict

from minyi.issues.detect.names import NameVariants, _readings, are_variants, blocks_swapped


def test_readings_read_from_the_data_file_equal_the_package_table():
    """Reading the JSON file must give pypinyin's own table (homophones depend on it)."""
    assert _readings() == pinyin_dict


def test_homophone_and_swapped_names_are_variants():
    assert are_variants("樃梨", "榔梨")
    assert are_variants("芭比罗", "巴罗比")


def test_a_long_form_takes_the_spelling_of_the_known_short_form():
    names = NameVariants()
    assert names.canonical("诺亚山林") == "诺亚山林"
    assert names.canonical("鹏基诺亚山林") == "诺亚山林"  # the developer before the estate
    assert names.canonical("五矿万境") == "五矿万境"
    assert names.canonical("汇金路五矿万境") == "五矿万境"  # the road before the estate
    assert names.canonical("鹏基诺亚山林") == "诺亚山林"  # remembered


def test_a_short_form_must_be_a_name_not_a_word():
    names = NameVariants()
    names.canonical("泉星")
    assert names.canonical("经开泉星") == "经开泉星"  # two characters: a word, not a name
    names.canonical("山水城")
    assert names.canonical("湘江新区山水城") == "湘江新区山水城"  # less than half of the long form


def test_a_part_of_many_names_is_no_short_form():
    names = NameVariants(max_forms=3)
    names.canonical("东方红")
    longer = ["东方红一期", "东方红二期", "东方红三期", "东方红四期"]
    assert [names.canonical(core) for core in longer] == ["东方红", "东方红", "东方红", "东方红四期"]


def test_variants_come_before_short_forms():
    names = NameVariants()
    names.canonical("中贸城北")
    names.canonical("中茂")
    assert names.canonical("中茂城北") == "中贸城北"  # a homophone of a known core


def test_a_word_added_inside_a_long_name_is_the_same_name():
    names = NameVariants()
    assert names.canonical("国王陵考古遗址") == "国王陵考古遗址"
    assert names.canonical("国王陵国家考古遗址") == "国王陵考古遗址"
    names.canonical("斯拉同舟法车业")
    assert names.canonical("斯拉同舟法电动车业") == "斯拉同舟法车业"


def test_runs_that_trade_places_are_the_same_name():
    assert blocks_swapped("长郡梅溪湖", "梅溪湖长郡")
    assert blocks_swapped("楚江工贸技工", "楚江技工工贸")
    assert not blocks_swapped("万家丽北", "万家丽南")
    assert not blocks_swapped("芭比罗", "巴罗比")  # one character each: an adjacent swap, not runs
    names = NameVariants()
    names.canonical("长郡梅溪湖")
    assert names.canonical("梅溪湖长郡") == "长郡梅溪湖"


def test_a_replaced_character_still_makes_another_name():
    names = NameVariants()
    for core in ("万科金域华", "星沙东一", "万家丽北", "楚雅附二"):
        names.canonical(core)
    for core in ("万科金域蓝", "星沙东六", "万家丽南", "楚雅附三"):
        assert names.canonical(core) == core
