"""A citizen typing on the portal sees a similar public answer, opens it, and submits anyway (issue 17)."""

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

PHONE = "13912345678"


@pytest.fixture(scope="module")
def knowledge_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server whose database holds one public answered case and one private one."""
    tmp = tmp_path_factory.mktemp("live-knowledge")
    url = fresh_database_url(Path(tmp), "minyi_test_browser_knowledge")
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        roads = factories.make_department(session, code="JTJ", name="交通运输局")
        factories.make_case(
            session,
            status="replied",
            department=roads,
            title="公积金贷款需要什么条件",
            body=f"我想申请公积金贷款，需要满足什么条件？我叫王小明，电话{PHONE}。",
            is_public=True,
            reply_body="您好！申请住房公积金贷款须连续足额缴存6个月以上。",
        )
        factories.make_case(
            session, status="replied", department=roads, title="公积金贷款私事", body="公积金贷款的私事"
        )
    settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key=TEST_SECRET)
    with running(settings, database) as base:
        yield base


def test_a_citizen_sees_a_similar_answer_and_submits_anyway(knowledge_server, page):
    page.goto(f"{knowledge_server}/")
    assert page.locator("#similar-answers").is_hidden()
    page.get_by_label("留言主题").fill("公积金贷款条件")
    page.get_by_label("留言详情").fill("请问申请公积金贷款要满足哪些条件？")
    page.wait_for_selector("#similar-answers:not([hidden])")
    links = page.locator("#similar-answers-list a")
    assert links.count() == 1
    assert links.first.inner_text().startswith("公积金贷款需要什么条件")
    assert "新窗口" in links.first.inner_text()  # said to a screen reader (it opens one)
    assert page.locator("#similar-answers-status").inner_text().startswith("找到 1 条")  # one line announced
    panel = page.locator("#similar-answers").inner_text()
    assert "连续足额缴存6个月以上" in panel
    assert PHONE not in panel
    assert "私事" not in panel
    href = links.first.get_attribute("href")
    answer = page.context.new_page()
    answer.goto(f"{knowledge_server}{href}")
    assert "连续足额缴存6个月以上" in answer.locator("#knowledge-entry").inner_text()
    answer.close()
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url(re.compile(r".*/submitted$"))
