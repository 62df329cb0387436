"""The public dashboard in a real Chromium: figures, the ECharts trend, English, a filter mistake, open data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests import dashboarddata
from tests.browser.conftest import running
from tests.conftest import TEST_SECRET, fresh_database_url

from minyi.accountability import opendata, refresh
from minyi.db.session import Database
from minyi.schema import migrate
from minyi.settings import Settings

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dashboard_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server whose scorecard holds the hand-computed cases of tests/dashboarddata.py."""
    tmp = tmp_path_factory.mktemp("dashboard-live")
    url = fresh_database_url(Path(tmp), "minyi_test_dashboard_browser")
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        dashboarddata.seed(session)
        refresh.refresh(session, full=True)
    settings = Settings(
        env="test", data_dir=tmp, database_url=url, secret_key=TEST_SECRET, scorecard_min_volume=3
    )
    with running(settings, database) as base:
        yield base


def test_dashboard_figures_chart_language_and_open_data(dashboard_server, browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.goto(f"{dashboard_server}/")
    page.click("a[href='/public/dashboard']")
    page.wait_for_selector("#dashboard-chart[data-ready='1']")
    # the default period: the last months with data, May and June (4 of 6 cases answered)
    assert page.inner_text("#figure-response_rate .tile-value") == "66.7%"
    assert page.inner_text("#figure-median_reply_hours .tile-value") == "36.0 小时"
    assert "指标说明" in page.inner_text("#definitions")
    departments = page.inner_text("#scorecard-department")
    assert "道路局" in departments
    assert "样本不足" in departments  # 学校局: 2 cases, below the minimum of 3

    # a mistyped month: the page says which filter, in Chinese, and answers 422
    page.fill("input[name=start]", "2019-13")
    page.evaluate("document.querySelector('form.dash-filters').noValidate = true")
    with page.expect_response(lambda r: "/public/dashboard?" in r.url) as answer:
        page.click("form.dash-filters button[type=submit]")
    assert answer.value.status == 422
    assert "起始月份" in page.inner_text("#dashboard-error")

    # English through the switch in the header
    page.goto(f"{dashboard_server}/public/dashboard?start=2019-05&end=2019-05")
    page.click("a.lang")
    page.wait_for_selector("#dashboard-chart[data-ready='1']")
    assert page.inner_text("#figure-response_rate .tile-name") == "Response rate"
    assert "Too few cases" in page.inner_text("#scorecard-department")

    # the open data of the page's filters (the switch kept the page's period: May)
    with page.expect_download() as download:
        page.click("#open-data-links a:text('CSV')")
    rows = opendata.read_csv_rows(Path(download.value.path()).read_bytes())
    assert sum(int(row["cases"]) for row in rows) == dashboarddata.MAY["cases"]
    assert problems == []
    context.close()
