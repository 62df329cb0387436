"""The operator's day in a real Chromium: two citizens report one gas leak, the dispatcher sees an
urgent group at the top of the inbox, merges it with one click, and both citizens still follow
their own messages."""

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

REPORTS = (
    ("锦绣家园燃气泄漏", "锦绣家园3栋楼道里燃气泄漏，气味很重，请马上派人来处理！", "13811112222"),
    (
        "小区里闻到很重的燃气味",
        "我住锦绣家园5栋，今天早上起整个单元都是燃气泄漏的味道，老人小孩都很害怕。",
        "13933334444",
    ),
)


@pytest.fixture(scope="module")
def urgent_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server on its own database, so no other test's cases share its inbox."""
    tmp = tmp_path_factory.mktemp("urgent-live")
    url = fresh_database_url(Path(tmp), "minyi_test_urgent_browser")
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        roads = factories.make_department(session, code="JTJ", name="交通运输局")
        factories.make_category(session, name="交通运输", department=roads)
        factories.make_user(session, username="disp", role="dispatcher", password="password123")
        factories.make_case(session, category=None, department=roads, title="路灯不亮")  # an ordinary case
    settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key=TEST_SECRET)
    with running(settings, database) as base:
        yield base


def _submit(browser, base: str, title: str, body: str, phone: str) -> tuple[str, str]:
    citizen = browser.new_context(locale="zh-CN").new_page()
    citizen.goto(base + "/")
    citizen.get_by_label("留言主题").fill(title)
    citizen.get_by_label("留言详情").fill(body)
    citizen.get_by_label("联系电话").fill(phone)
    citizen.get_by_role("button", name="提交留言").click()
    citizen.wait_for_url(re.compile(r".*/submitted$"))
    code = citizen.locator("#tracking-code").inner_text().strip()
    secret = citizen.locator("#tracking-secret").inner_text().strip()
    citizen.context.close()
    return code, secret


def _track(browser, base: str, code: str, secret: str) -> str:
    citizen = browser.new_context(locale="zh-CN").new_page()
    citizen.goto(base + "/track")
    citizen.get_by_label("查询码").fill(code)
    citizen.get_by_label("查询密码").fill(secret)
    citizen.get_by_role("button", name="查询").click()
    citizen.wait_for_load_state()
    content = citizen.content()
    citizen.context.close()
    return content


def test_two_gas_leak_reports_are_urgent_grouped_and_merged_with_one_click(urgent_server, browser, tmp_path):
    receipts = [_submit(browser, urgent_server, *report) for report in REPORTS]

    staff = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    staff.goto(urgent_server + "/staff/login")
    staff.get_by_label("用户名").fill("disp")
    staff.get_by_label("密码").fill("password123")
    staff.get_by_role("button", name="登录").click()
    staff.wait_for_url(re.compile(r".*/staff$"))

    rows = staff.locator("table.cases tbody tr")
    assert rows.count() == 3
    for top in (rows.nth(0), rows.nth(1)):  # both reports above the ordinary case
        assert top.locator(".urgent-badge").inner_text() == "紧急"
        assert "同一事件 2 件" in top.inner_text()
    assert "路灯不亮" in rows.nth(2).inner_text()
    assert rows.nth(2).locator(".urgent-badge").count() == 0

    group = staff.locator("details.case-group").first
    assert "同一事件 2 件" in group.locator("summary").inner_text()
    assert "紧急" in group.locator("summary").inner_text()
    group.locator("summary").click()
    assert group.get_by_role("link").count() == 2
    staff.screenshot(path=str(tmp_path / "urgent-inbox.png"), full_page=True)
    group.get_by_role("button", name="一键并案").click()
    staff.wait_for_url(re.compile(r".*/staff/cases/[^/]+$"))
    content = staff.content()
    assert "已并案：1 件并入" in content
    assert staff.locator("#urgent-badge").inner_text() == "紧急"
    assert "燃气泄漏" in staff.locator("#urgent-reason").inner_text()
    assert staff.locator("article.message").count() == 2
    assert all(code in content for code, _ in receipts)

    staff.goto(urgent_server + "/staff")
    assert staff.locator("details.case-group").count() == 0
    assert staff.locator("table.cases tbody tr").count() == 3  # the absorbed case is closed, not gone
    assert "紧急" in staff.locator("table.cases tbody tr").first.inner_text()

    for (code, secret), (title, body, _phone) in zip(receipts, REPORTS, strict=True):
        tracked = _track(browser, urgent_server, code, secret)
        assert title in tracked
        assert body[:12] in tracked
        others = [t for t, _, _ in REPORTS if t != title]
        assert all(other not in tracked for other in others)  # never another citizen's message
