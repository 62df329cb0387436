"""A hot issue in a real Chromium: the ECharts timeline draws, staff rename, split and merge back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.browser.conftest import running
from tests.conftest import TEST_SECRET, fresh_database_url
from tests.issuedata import NOISE, PARKING, make_issue

from minyi.db.session import Database
from minyi.demo import factories
from minyi.schema import migrate
from minyi.settings import Settings

pytestmark = pytest.mark.browser


@dataclass
class Seeded:
    url: str
    issue_id: str
    parking_ids: list[str]


@pytest.fixture(scope="module")
def issue_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """A live server on its own database holding one hot issue of seven messages."""
    tmp = tmp_path_factory.mktemp("issues-live")
    url = fresh_database_url(Path(tmp), "minyi_test_issues_browser")
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        factories.make_user(session, username="disp", role="dispatcher", password="password123")
        issue, made = make_issue(session, NOISE + PARKING, title="滨江新城搅拌站噪音")
        seeded_ids = (issue.id, [m.id for m in made[4:]])
    settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key=TEST_SECRET)
    with running(settings, database) as base:
        yield Seeded(base, seeded_ids[0], seeded_ids[1])


def test_issue_chart_rename_split_and_merge(issue_server, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    # Script errors and CSP refusals; a missing favicon is no problem of this page.
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    base = issue_server.url
    page.goto(base + "/staff/login")
    page.get_by_label("用户名").fill("disp")
    page.get_by_label("密码").fill("password123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/staff$"))

    page.goto(base + "/staff/issues")
    page.get_by_role("link", name="滨江新城搅拌站噪音").click()
    page.wait_for_url(re.compile(rf".*/staff/issues/{issue_server.issue_id}$"))
    page.locator("#issue-chart canvas").first.wait_for(state="visible")
    assert page.locator("#issue-chart").get_attribute("data-ready") == "1"
    assert page.locator("#issue-timeline-fallback").is_hidden()
    assert page.locator("#issue-size").inner_text() == "7"

    page.get_by_label("问题标题", exact=True).fill("滨江新城搅拌站夜间噪音")
    page.get_by_role("button", name="重命名").click()
    page.wait_for_load_state()
    assert page.locator("#issue-title").inner_text() == "滨江新城搅拌站夜间噪音"

    for message_id in issue_server.parking_ids[:2]:
        page.locator(f"#pick-{message_id}").check()
    page.get_by_label("新问题标题（可选）").fill("悦湖湾捆绑车位")
    page.get_by_role("button", name="拆分").click()
    page.wait_for_url(lambda url: issue_server.issue_id not in url)
    assert page.locator("#issue-title").inner_text() == "悦湖湾捆绑车位"
    assert page.locator("#issue-size").inner_text() == "2"
    page.locator("#issue-chart canvas").first.wait_for(state="visible")

    page.get_by_label("并入问题").select_option(issue_server.issue_id)
    here = page.url
    page.get_by_role("button", name="合并").click()  # not yet ticked: the browser holds the form
    assert page.url == here
    assert page.locator("#merge-confirm").evaluate("box => !box.validity.valid")
    page.locator("#merge-confirm").check()
    page.get_by_role("button", name="合并").click()
    page.wait_for_url(re.compile(rf".*/staff/issues/{issue_server.issue_id}$"))
    assert page.locator("#issue-size").inner_text() == "7"
    assert page.locator("#issue-title").inner_text() == "滨江新城搅拌站夜间噪音"
    assert problems == []
    context.close()
