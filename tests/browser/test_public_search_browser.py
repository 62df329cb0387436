"""A reader searches the public answers by a Chinese word and downloads the open data (issue 14)."""

from __future__ import annotations

import csv
import io
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

PHONE = "13812345678"


@pytest.fixture(scope="module")
def search_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A live server whose database holds one public answer and one private case."""
    tmp = tmp_path_factory.mktemp("live-search")
    url = fresh_database_url(Path(tmp), "minyi_test_browser_search")
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        roads = factories.make_department(session, code="JTJ", name="交通运输局")
        listed = factories.make_case(
            session,
            status="replied",
            department=roads,
            title="桂花园小区路灯不亮",
            body=f"桂花园小区北门的路灯坏了两周，我叫李春花，电话{PHONE}。",
            is_public=True,
        )
        factories.make_case(
            session,
            status="replied",
            department=roads,
            title="私事",
            body="桂花园小区的私事",
            is_public=False,
        )
        number = listed.number
    settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key=TEST_SECRET)
    with running(settings, database) as base:
        yield base, number


def test_a_reader_finds_a_public_answer_and_downloads_open_data(search_server, page):
    base, number = search_server
    page.goto(f"{base}/public")
    page.fill("#public-q", "桂花园")
    page.locator("#public-words button[type=submit]").click()
    page.wait_for_selector(".psearch-hit")
    hits = page.locator(".psearch-hit")
    assert hits.count() == 1
    text = hits.first.inner_text()
    assert number in text
    assert "138****5678" in text
    assert PHONE not in page.content()
    assert "李春花" not in page.content()
    assert page.locator(".psearch-hit mark").count() >= 1

    page.fill("#psearch-q", "的")  # only a common character: a clear error, in Chinese
    page.locator("#psearch-form button[type=submit]").click()
    page.wait_for_selector("#psearch-error")
    assert "关键词" in page.locator("#psearch-error").inner_text()

    page.goto(f"{base}/public/data")
    assert "CC BY 4.0" in page.locator("#opendata-licence").inner_text()
    with page.expect_download() as info:
        page.locator("#opendata-cases-csv").click()
    content = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(
        csv.DictReader(
            io.StringIO("\n".join(line for line in content.splitlines() if not line.startswith("#")))
        )
    )
    assert [row["number"] for row in rows] == [number]
    assert PHONE not in content
    assert rows[0]["received_at"].endswith(":00:00+08:00")
