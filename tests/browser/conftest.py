"""A live Minyi server on its own database, and pages of the suite's one headless Chromium.

The ``browser`` fixture lives in ``tests/conftest.py``: Playwright's sync API runs one
instance a process, so every directory's browser tests share it (a second
``sync_playwright()`` beside it fails with "using Playwright Sync API inside the asyncio loop").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import TEST_SECRET, fresh_database_url
from tests.live import running

from minyi.db.session import Database
from minyi.demo import factories
from minyi.schema import migrate
from minyi.settings import Settings


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("live")
    url = fresh_database_url(Path(tmp), "minyi_test_browser")
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        roads = factories.make_department(session, code="JTJ", name="交通运输局")
        factories.make_category(session, name="交通运输", department=roads)
        factories.make_user(session, username="road", department=roads, password="password123")
        factories.make_user(session, username="disp", role="dispatcher", password="password123")
        factories.make_user(session, username="sup", role="supervisor", password="password123")
        factories.make_user(session, username="boss", role="admin", password="password123")
    # the whole suite writes from one address: no per-address cap on the portal
    settings = Settings(
        env="test", data_dir=tmp, database_url=url, secret_key=TEST_SECRET, submit_per_address=0
    )
    with running(settings, database) as base:
        yield base


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    pg = context.new_page()
    yield pg
    context.close()
