"""Department isolation in a real Chromium: a department's staff open a hot issue holding the
cases of two departments and read nothing of the other department's cases or messages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.browser.conftest import running
from tests.conftest import TEST_SECRET, fresh_database_url
from tests.isolationdata import SCHOOL_WORDS, seed_mixed_issue

from minyi.db.session import Database
from minyi.demo import factories
from minyi.schema import migrate
from minyi.settings import Settings

pytestmark = pytest.mark.browser


@dataclass
class Seeded:
    url: str
    issue_id: str
    road_numbers: list[str]
    school_numbers: list[str]


@pytest.fixture(scope="module")
def mixed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """A live server on its own database: one hot issue with road and school cases."""
    tmp = tmp_path_factory.mktemp("isolation-live")
    url = fresh_database_url(Path(tmp), "minyi_test_isolation_browser")
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        roads = factories.make_department(session, code="JTJ", name="交通运输局")
        schools = factories.make_department(session, code="JYJ", name="教育局")
        road_category = factories.make_category(session, name="交通运输", department=roads)
        school_category = factories.make_category(session, name="教育文体", department=schools)
        factories.make_user(session, username="road", department=roads, password="password123")
        factories.make_user(session, username="school", department=schools, password="password123")
        factories.make_user(session, username="disp", role="dispatcher", password="password123")
        mixed = seed_mixed_issue(session, roads, schools, road_category, school_category)
        seeded = (
            mixed.issue.id,
            [c.number for c in mixed.road_cases],
            [c.number for c in mixed.school_cases],
        )
    settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key=TEST_SECRET)
    with running(settings, database) as base:
        yield Seeded(base, *seeded)


def _login(page, base: str, username: str) -> None:
    page.goto(base + "/staff/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/staff$"))


def test_department_staff_read_only_their_cases_on_a_shared_hot_issue(mixed_server, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        _login(page, mixed_server.url, "road")
        page.goto(f"{mixed_server.url}/staff/issues/{mixed_server.issue_id}")
        assert page.locator("#issue-title").inner_text() == "学校周边道路安全"
        shown = page.locator("body").inner_text()
        html = page.content()
        for number in mixed_server.road_numbers:
            assert number in shown
        for number in mixed_server.school_numbers:
            assert number not in html
        for word in SCHOOL_WORDS:
            assert word not in html, word
        assert page.locator("#issue-hidden-cases").inner_text() == "其他部门或待派单 3 件"
        assert page.locator("#issue-messages tbody tr").count() == 2
        # the statement form it leads to holds only the department's own cases
        page.goto(f"{mixed_server.url}/staff/statements?issue={mixed_server.issue_id}")
        lines = page.locator("#st-cases").input_value().split()
        assert sorted(lines) == sorted(mixed_server.road_numbers)
        # the dispatcher sees the whole issue
        _login(page, mixed_server.url, "disp")
        page.goto(f"{mixed_server.url}/staff/issues/{mixed_server.issue_id}")
        shown = page.locator("body").inner_text()
        assert all(n in shown for n in mixed_server.road_numbers + mixed_server.school_numbers)
        assert page.locator("#issue-hidden-cases").count() == 0
    finally:
        context.close()
