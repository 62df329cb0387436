"""Place and object mentions in Chinese messages."""

from __future__ import annotations

import pytest

from minyi.issues.detect.places import extract_places, place_cores


def names(text):
    return [(place.name, place.kind) for place in extract_places(text)]


def test_anonymised_administrative_units():
    assert names("西地省A市A3区和A7县") == [
        ("西地省", "admin"),
        ("A市", "admin"),
        ("A3区", "admin"),
        ("A7县", "admin"),
    ]


@pytest.mark.parametrize(
    ("text", "name", "core"),
    [
        ("投诉A2区丽发新城附近建搅拌站噪音扰民", "丽发新城", "丽发"),
        ("A市伊景园滨河苑捆绑销售车位", "滨河苑", "滨河"),
        ("反映A7县春华镇金鼎村自来水到户的问题", "金鼎村", "金鼎"),
        ("西地省A市经济学院强制学生实习", "经济学院", "经济"),
        ("A市万家丽南路拥堵", "万家丽南路", "万家丽南"),
        ("A7县五矿万境K9县房屋质量问题", "五矿万境", "五矿万境"),
        ("西地省聚利人普惠投资有限公司涉嫌诈骗", "聚利人普惠投资有限公司", "聚利人普惠投资"),
        ("建议A市经开区泉星公园项目规划进一步优化", "泉星公园", "泉星"),
        ("A市经济技术开发区泉星公园", "泉星公园", "泉星"),
        ("A市高新区麓谷小区停车难", "麓谷小区", "麓谷"),
    ],
)
def test_named_places_are_cut_after_verbs_and_districts(text, name, core):
    found = {place.name: place for place in extract_places(text)}
    assert name in found
    assert found[name].kind == "named"
    assert found[name].core == core


def test_towns_and_subdistricts_are_administrative_units():
    found = {place.name: place.kind for place in extract_places("A市暮云街道丽发新城社区，A7县星沙镇")}
    assert found["暮云街道"] == found["星沙镇"] == "admin"
    assert found["丽发新城"] == "named"


def test_government_is_not_a_place():
    assert [p.name for p in extract_places("请求A7县人民政府和市政府解决") if p.kind == "named"] == []


def test_bus_and_metro_routes():
    assert ("138路", "route") in names("坐138路公交车，地铁2号线很挤")
    assert ("地铁2号线", "route") in names("坐138路公交车，地铁2号线很挤")


def test_generic_nouns_are_not_places():
    assert names("我们学校门口这条路太堵，道路坑洼，物业公司不管") == []


def test_each_place_once_in_order_and_two_spellings_share_a_core():
    places = extract_places("丽发新城旁搅拌站。丽发新城居民和丽发小区居民都受影响")
    assert [p.name for p in places] == ["丽发新城", "丽发小区"]
    assert place_cores(places) == {"丽发"}


def test_empty_text():
    assert extract_places("") == []


def test_function_words_in_front_of_a_name_are_cut_off():
    names = [p.name for p in extract_places("家长只能考虑租房或者送私立学校，物业说要等燃气公司")]
    assert names == ["私立学校"]  # 燃气公司 is who should act, not a place
    assert extract_places("好几个新小区刚入住") == []


def test_verbs_ending_in_lu_are_not_roads():
    names = [p.name for p in extract_places("58车贷老板跑路美国，这是必经之路，万家丽路封闭")]
    assert names == ["万家丽路"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("人民路靠近丽发小区路段有五六盏路灯不亮", ["人民路", "丽发小区"]),  # not 五六盏路
        ("咨询丽发小区对口哪所小学", ["丽发小区"]),  # not 口哪所小学
        ("请问哪个小区能申请", []),
        ("物业说要等燃气公司和自来水公司来修，供电公司不管", []),
        ("丽发新城有两所学校、5栋楼", ["丽发新城"]),
    ],
)
def test_counts_question_words_and_utilities_are_not_places(text, names):
    assert [p.name for p in extract_places(text)] == names


@pytest.mark.parametrize(
    "name", ["万家丽南路", "千家村", "三一大道", "星沙十一中学", "聚利人普惠投资有限公司"]
)
def test_names_with_numbers_stay_names(name):
    assert name in [p.name for p in extract_places(f"反映{name}的问题")]


@pytest.mark.parametrize("text", ["坚决反对在A7县诺亚山林小区门口设置医院", "建议公示A7县泉星公园景观效果图"])
def test_verbs_of_setting_up_name_no_place(text):
    cores = place_cores(extract_places(text))
    assert not cores & {"设置", "公示"}
    assert cores & {"诺亚山林", "泉星"}


@pytest.mark.parametrize(
    ("text", "core"),
    [
        ("A3区中海业主的小孩都没办法上中海幼儿园", "中海"),
        ("小孩无法上中海幼儿园", "中海"),
        ("就读长郡中学", "长郡"),
    ],
)
def test_going_to_a_school_is_not_part_of_its_name(text, core):
    assert place_cores(extract_places(text)) == {core}
