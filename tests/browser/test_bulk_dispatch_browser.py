"""批量派单 in a real Chromium: a dispatcher on a storm day ticks the drainage cases of the inbox
(all on the page, then one less), chooses 排水管理处 and sends them at once; a case another
dispatcher sent meanwhile is named on the result page with the reason. On a phone (360 px) the
same is done with the keyboard, and nothing is wider than the screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import TEST_SECRET, fresh_database_url
from tests.live import running

from minyi.accounts.models import User
from minyi.cases import services
from minyi.cases.models import Case, CaseStatus
from minyi.db.session import Database
from minyi.demo import factories
from minyi.departments.models import Department
from minyi.schema import migrate
from minyi.settings import Settings

pytestmark = pytest.mark.browser

TITLES = (
    "人民路地下通道积水",
    "五一大道井盖冒水",
    "芙蓉路排水沟堵塞",
    "湘江中路雨水倒灌",
    "东塘小区下水道返水",
)


@pytest.fixture(scope="module")
def storm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database, dict[str, str]]]:
    """A live server on its own database: five cases at the desk, two departments, a dispatcher."""
    tmp = tmp_path_factory.mktemp("bulk-live")
    url = fresh_database_url(Path(tmp), "minyi_test_bulk_browser")
    database = Database(url)
    migrate.upgrade(database.engine)
    numbers = {}
    with database.transaction() as session:
        factories.make_department(session, code="PSJ", name="排水管理处")
        factories.make_department(session, code="GDJ", name="供电局")
        factories.make_user(session, username="disp", role="dispatcher", password="password123")
        factories.make_user(session, username="disp2", role="dispatcher", password="password123")
        for n, title in enumerate(TITLES):
            case = factories.make_case(session, status="received", key=f"storm-{n}", title=title)
            numbers[title] = case.number
    settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key=TEST_SECRET)
    with running(settings, database) as base:
        yield base, database, numbers


def _login(browser, base: str, width: int):
    page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}).new_page()
    page.goto(base + "/staff/login")
    page.get_by_label("用户名").fill("disp")
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/staff$"))
    return page


def _dispatch_meanwhile(database: Database, number: str) -> None:
    """Another dispatcher sends one case to 供电局 while the first has the page open."""
    with database.transaction() as session:
        case = session.query(Case).filter_by(number=number).one()
        other = session.query(User).filter_by(username="disp2").one()
        power = session.query(Department).filter_by(code="GDJ").one()
        services.dispatch(session, other, case, power)


def test_ticking_rows_and_dispatching_them_at_once(storm, browser, tmp_path):
    base, database, numbers = storm
    page = _login(browser, base, 1280)
    assert page.locator("input.bulk-pick").count() == len(TITLES)
    page.get_by_label("全选本页待派单案件").check()
    assert page.locator("#bulk-count").inner_text() == "已勾选 5 件"
    left_out = numbers[TITLES[4]]
    page.get_by_label(f"选择 {left_out}").uncheck()
    assert page.locator("#bulk-count").inner_text() == "已勾选 4 件"
    assert page.evaluate("document.getElementById('bulk-all').indeterminate") is True
    page.get_by_label("派往承办单位").select_option(label="排水管理处")
    page.get_by_label("办理意见（可选）").fill("暴雨积水，请立即组织排涝")
    taken = numbers[TITLES[0]]
    _dispatch_meanwhile(database, taken)
    page.screenshot(path=str(tmp_path / "bulk-inbox.png"), full_page=True)
    page.get_by_role("button", name="批量派单").click()
    page.wait_for_url(re.compile(r".*/staff/bulk/dispatch$"))
    done = page.locator("#bulk-done").inner_text()
    assert "已派往 排水管理处：3 件" in done
    assert "未派出：1 件" in done
    skipped = page.locator("#bulk-skipped tbody tr")
    assert skipped.count() == 1
    assert taken in skipped.inner_text()
    assert "已派往 供电局（可能刚被他人派单）" in skipped.inner_text()
    with database.session() as session:
        statuses = {
            c.number: (c.status, c.department.code if c.department else None) for c in session.query(Case)
        }
    assert statuses[left_out] == (CaseStatus.RECEIVED, None)
    assert statuses[taken] == (CaseStatus.DISPATCHED, "GDJ")
    assert [statuses[numbers[t]] for t in TITLES[1:4]] == [(CaseStatus.DISPATCHED, "PSJ")] * 3
    page.get_by_role("link", name="返回待办列表").click()
    page.wait_for_url(re.compile(r".*/staff$"))
    assert page.locator("input.bulk-pick").count() == 1  # only the case left out is still at the desk
    page.context.close()


def test_on_a_phone_with_the_keyboard(storm, browser):
    base, _, numbers = storm
    page = _login(browser, base, 360)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    last = numbers[TITLES[4]]
    box = page.get_by_label(f"选择 {last}")
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
    assert page.locator("#bulk-count").inner_text() == "已勾选 1 件"
    page.get_by_label("派往承办单位").focus()
    page.get_by_label("派往承办单位").select_option(label="供电局")
    page.get_by_role("button", name="批量派单").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/staff/bulk/dispatch$"))
    assert "已派往 供电局：1 件" in page.locator("#bulk-done").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.context.close()
