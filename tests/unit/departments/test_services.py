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
