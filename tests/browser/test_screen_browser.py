"""The big screen at 1920×1080: it renders dark and large, shows the counts, and refreshes in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import running
from tests.conftest import TEST_SECRET, fresh_database_url

from minyi.db.session import Database
from minyi.demo import factories
from minyi.schema import migrate
from minyi.settings import Settings

pytestmark = pytest.mark.browser
PHONE = "13812345678"


@pytest.fixture
def screen_server(tmp_path: Path):
    url = fresh_database_url(tmp_path, "minyi_test_screen")
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        roads = factories.make_department(session, code="JTJ", name="交通运输局")
        factories.make_category(session, name="交通运输", department=roads)
        factories.make_user(session, username="wall", department=roads, password="password123")
        factories.make_message(session, key="wall-1", process=False, region="A市A1区", title=f"路灯 {PHONE}")
    settings = Settings(
        env="test", data_dir=tmp_path, database_url=url, secret_key=TEST_SECRET, screen_refresh_seconds=1
    )
    with running(settings, Database(url)) as base:
        yield base, database
    database.engine.dispose()


def test_the_wall_shows_the_counts_and_follows_new_messages(screen_server, browser):
    base, database = screen_server
    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(base + "/screen")
    assert page.url.endswith("/staff/login?next=/screen")
    page.get_by_label("用户名").fill("wall")
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()
    page.goto(base + "/screen?lang=zh")
    received = page.locator("#count-received_today")
    assert received.inner_text() == "1"
    assert page.get_by_text("今日收到留言（条）").is_visible()
    # Readable across a room: big numbers on a dark page, the whole board inside one screen.
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.getElementById('count-received_today')).fontSize)"
    )
    assert size >= 72
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(11, 21, 38)"
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    page.wait_for_selector("#screen-region-chart canvas")
    assert PHONE not in page.content()

    with database.transaction() as session:
        for number in range(2):
            factories.make_message(session, key=f"wall-new-{number}", process=False, region="A市A2区")
    expect(received).to_have_text("3", timeout=10_000)
    assert page.locator("#screen-region-list li").count() == 2
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload
    context.close()
