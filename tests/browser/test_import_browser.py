"""An admin uploads a small CSV, checks the mapping, sees a bad row in the dry run, imports it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.browser.conftest import running
from tests.conftest import TEST_SECRET, fresh_database_url

from minyi.db.session import Database
from minyi.demo import factories
from minyi.schema import migrate
from minyi.settings import Settings

pytestmark = pytest.mark.browser

CSV = (
    "留言编号,留言用户,留言主题,留言时间,留言详情\n"
    "B-1,U1,路灯不亮,2019/4/25 9:32:09,小区门口路灯坏了\n"
    "B-2,U2,,not a time,\n"
    "B-3,U3,噪音扰民,2019/4/26 10:00:00,工地夜间施工\n"
)


@pytest.fixture(scope="module")
def import_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("import-live")
    url = fresh_database_url(Path(tmp), "minyi_test_import_browser")
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        factories.make_user(session, username="importer", role="admin", password="password123")
    settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key=TEST_SECRET)
    with running(settings, database) as base:
        yield base


def test_upload_map_dry_run_import_and_history(import_server, browser, tmp_path):
    path = tmp_path / "留言.csv"
    path.write_text(CSV, encoding="utf-8")
    page = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900}).new_page()
    page.goto(import_server + "/staff/login?lang=zh")
    page.get_by_label("用户名").fill("importer")
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/staff$"))

    page.goto(import_server + "/staff/imports")
    page.get_by_label("文件").set_input_files(str(path))
    page.get_by_role("button", name="上传").click()
    page.wait_for_url(re.compile(r".*/staff/imports/[^/]+$"))
    assert "通用格式" in page.locator("#detected-layout").inner_text()
    assert page.locator("#map-body").input_value() == "留言详情"
    assert page.locator("#map-external_id").input_value() == "留言编号"

    page.locator("#dry-run-button").click()
    page.wait_for_selector("#problems")
    assert "3" in page.locator("#problems tr.problem").first.inner_text()

    page.locator("#import-button").click()
    page.wait_for_selector("#import-report", timeout=30_000)
    assert page.locator("#import-percent").inner_text() == "100"
    assert page.locator("#import-bar").get_attribute("value") == "100"
    assert page.locator("#import-status").inner_text() == "已完成"
    assert page.locator("#import-imported").inner_text() == "2"

    page.goto(import_server + "/staff/imports")
    row = page.locator("tr.import-run", has_text="留言.csv").first
    assert row.get_attribute("data-status") == "done"
