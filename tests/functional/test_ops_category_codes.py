"""A category file whose 分类编码 equals another category's id is refused (eleventh probe, left open).

Open311 names a service by its code, else by its id (``open311.catalog.find``): such a code
took the other category's requests. The admin page and ``minyi categories import`` refuse it.
"""

from __future__ import annotations

from click.testing import CliRunner
from tests.functional.conftest import cli_database, csrf_of, login

from minyi.cli.main import cli
from minyi.departments import services
from minyi.departments.models import Category


def test_the_admin_page_refuses_a_code_equal_to_another_category_s_id(client, session, world):
    login(client, "boss")
    token = csrf_of(client.get("/staff/admin").text)
    target = world.school_category
    before = session.query(Category).count()
    tree = f"一级分类,二级分类,分类编码\n交通运输,公交,{target.id}\n".encode()
    refused = client.post(
        "/staff/admin/categories", data={"csrf_token": token}, files={"file": ("tree.csv", tree, "text/csv")}
    )
    assert refused.status_code == 422
    assert f"分类编码“{target.id}”与分类“{target.path}”的编号（id）相同" in refused.text
    session.expire_all()
    assert session.query(Category).count() == before
    assert session.query(Category).filter(Category.code == target.id).count() == 0


def test_the_command_refuses_it_in_the_reader_s_language(tmp_path, monkeypatch):
    with cli_database(tmp_path, monkeypatch, "minyi_test_ops_category_ids") as database:
        with database.transaction() as session:
            services.import_category_tree(session, [{"一级分类": "城乡建设"}])
            taken = session.query(Category).one().id
        path = tmp_path / "tree.csv"
        path.write_text(f"一级分类,分类编码\n教育文体,{taken}\n", encoding="utf-8")
        done = CliRunner().invoke(cli, ["categories", "import", str(path)])
        assert done.exit_code == 1
        assert f"分类编码 '{taken}' is the id of the category 城乡建设" in done.output
        with database.session() as session:
            assert session.query(Category).count() == 1
