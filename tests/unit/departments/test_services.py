from __future__ import annotations

import pytest

from minyi.demo import factories
from minyi.departments import services
from minyi.departments.models import Category

ROWS = [
    {"一级分类": "城乡建设", "二级分类": "安全生产", "三级分类": "安全生产管理"},
    {"一级分类": "城乡建设", "二级分类": "安全生产", "三级分类": "事故处理"},
    {"一级分类": "城乡建设", "二级分类": "城市建设", "三级分类": ""},
    {"一级分类": "教育文体", "二级分类": "教育", "三级分类": "入学"},
]


def test_import_builds_the_tree_and_routes(session):
    zjj = factories.make_department(session, code="ZJJ", name="住建局")
    result = services.import_category_tree(session, ROWS, {"城乡建设": "ZJJ"})
    assert result.created == 8
    leaf = session.query(Category).filter_by(path="城乡建设 / 安全生产 / 事故处理").one()
    assert leaf.level == 3
    assert leaf.parent.parent.name == "城乡建设"
    assert services.department_for_category(leaf) is zjj
    school = session.query(Category).filter_by(name="入学").one()
    assert services.department_for_category(school) is None
    again = services.import_category_tree(session, ROWS)
    assert again.created == 0


def test_department_column_sets_the_default(session):
    jyj = factories.make_department(session, code="JYJ")
    services.import_category_tree(session, [{"一级分类": "教育文体", "二级分类": "教育", "部门": "JYJ"}])
    assert session.query(Category).filter_by(name="教育").one().default_department is jyj


def test_a_first_level_category_routes_to_the_one_department_of_all_its_subcategories(session):
    """Departments on the deepest level only (the docs' example): the keyword rules pick the first
    level, which had none, so nothing was routed."""
    zjj = factories.make_department(session, code="ZJJ")
    factories.make_department(session, code="JYJ")
    rows = [
        {"一级分类": "城乡建设", "二级分类": "安全生产", "三级分类": "事故处理", "部门": "ZJJ"},
        {"一级分类": "城乡建设", "二级分类": "城市建设", "三级分类": "", "部门": "ZJJ"},
        {"一级分类": "教育文体", "二级分类": "教育", "三级分类": "入学", "部门": "JYJ"},
        {"一级分类": "教育文体", "二级分类": "文体", "三级分类": "", "部门": ""},
        {"一级分类": "混合", "二级分类": "甲", "三级分类": "", "部门": "ZJJ"},
        {"一级分类": "混合", "二级分类": "乙", "三级分类": "", "部门": "JYJ"},
    ]
    services.import_category_tree(session, rows)
    by_path = {c.path: c for c in session.query(Category)}
    assert services.department_for_category(by_path["城乡建设"]) is zjj
    assert services.department_for_category(by_path["城乡建设 / 安全生产"]) is zjj
    assert services.department_for_category(by_path["教育文体"]) is None  # 文体 has none: a person decides
    assert services.department_for_category(by_path["混合"]) is None  # two departments


def test_english_names_of_each_level_are_imported_and_updated(session):
    rows = [
        {
            "level1": "交通运输",
            "level2": "道路维护",
            "level1_en": "Transport",
            "level2_en": "Road maintenance",
        },
        {"level1": "教育文体", "level2": "入学", "level1_en": "", "level2_en": ""},
    ]
    services.import_category_tree(session, rows)
    road = session.query(Category).filter_by(path="交通运输 / 道路维护").one()
    assert road.path_label("en") == "Transport / Road maintenance"
    assert road.path_label("zh") == "交通运输 / 道路维护"
    school = session.query(Category).filter_by(path="教育文体 / 入学").one()
    assert school.path_label("en") == "教育文体 / 入学"  # none given: the Chinese stands in
    services.import_category_tree(
        session, [{"一级分类": "教育文体", "一级分类英文名": "Education and culture"}]
    )
    assert school.path_label("en") == "Education and culture / 入学"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "no rows"),
        ([{"a": "b"}], "一级分类"),
        ([{"一级分类": "", "二级分类": "x", "三级分类": ""}], "row 2"),
        ([{"一级分类": "a", "二级分类": "", "三级分类": "c"}], r"no gaps \(got a / — / c\)"),  # not a list
        ([{"一级分类": "a", "二级分类": "", "三级分类": "", "部门": "NOPE"}], "unknown department"),
    ],
)
def test_bad_files_are_refused_and_write_nothing(session, rows, message):
    with pytest.raises(services.CategoryImportError, match=message):
        services.import_category_tree(session, rows)
    assert session.query(Category).count() == 0


def test_a_slash_inside_a_name_cannot_make_it_look_like_a_deeper_path(session):
    rows = [{"一级分类": "城乡建设", "二级分类": "供水 / 供电", "三级分类": "停水"}]
    services.import_category_tree(session, rows)
    names = {category.name: category for category in session.query(Category)}
    assert "供水/供电" in names
    assert names["停水"].path == "城乡建设 / 供水/供电 / 停水"
    assert names["停水"].level == 3


def test_a_tree_file_gives_categories_their_own_codes_which_can_move(session):
    rows = [
        {"一级分类": "城乡建设", "二级分类": "市政设施", "分类编码": "CX-01"},
        {"一级分类": "城乡建设", "二级分类": "物业管理", "分类编码": "CX-02"},
        {"一级分类": "教育文体", "二级分类": "入学", "分类编码": ""},
    ]
    services.import_category_tree(session, rows)
    codes = {c.path: c.code for c in session.query(Category)}
    assert codes["城乡建设 / 市政设施"] == "CX-01"
    assert codes["城乡建设 / 物业管理"] == "CX-02"
    assert codes["城乡建设"] is None
    assert codes["教育文体 / 入学"] is None
    # the two codes trade places in a later file: one flush could not order those updates
    swapped = [{**rows[0], "分类编码": "CX-02"}, {**rows[1], "分类编码": "CX-01"}]
    services.import_category_tree(session, swapped)
    codes = {c.path: c.code for c in session.query(Category)}
    assert (codes["城乡建设 / 市政设施"], codes["城乡建设 / 物业管理"]) == ("CX-02", "CX-01")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [{"一级分类": "城乡建设", "分类编码": "CX 01"}],
            "row 2: 分类编码 'CX 01': letters, digits, - _ or . (40 at most)",
        ),
        (
            [{"一级分类": "城乡建设", "分类编码": "A1"}, {"一级分类": "教育文体", "分类编码": "A1"}],
            "row 3: 分类编码 'A1' is given to two categories",
        ),
    ],
)
def test_bad_codes_are_refused_naming_the_row(session, rows, message):
    with pytest.raises(services.CategoryImportError) as refused:
        services.import_category_tree(session, rows)
    assert str(refused.value) == message


def test_a_code_another_category_holds_is_refused_and_nothing_is_written(session):
    services.import_category_tree(session, [{"一级分类": "城乡建设", "分类编码": "A1"}])
    before = session.query(Category).count()
    with pytest.raises(services.CategoryImportError, match="belongs to the category 城乡建设"):
        services.import_category_tree(session, [{"一级分类": "教育文体", "分类编码": "A1"}])
    assert session.query(Category).count() == before


def test_a_code_equal_to_another_category_s_id_is_refused(session):
    """Open311 reads a service_code as a code, else an id: the code would take the other's requests."""
    services.import_category_tree(session, [{"一级分类": "城乡建设"}, {"一级分类": "教育文体"}])
    other = session.query(Category).filter_by(name="城乡建设").one()
    before = session.query(Category).count()
    with pytest.raises(services.CategoryImportError) as refused:
        services.import_category_tree(session, [{"一级分类": "交通运输", "分类编码": other.id}])
    assert str(refused.value) == f"分类编码 {other.id!r} is the id of the category 城乡建设"
    assert session.query(Category).count() == before
    # a category's own id as its code confuses nothing
    services.import_category_tree(session, [{"一级分类": "城乡建设", "分类编码": other.id}])
    assert session.get(Category, other.id).code == other.id
