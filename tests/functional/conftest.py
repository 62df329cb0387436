"""Fixtures for HTTP tests: two departments, a category tree, staff of each role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.conftest import TEST_SECRET, fresh_database_url

from minyi.accounts.models import User
from minyi.accounts.services import issue_token
from minyi.db.session import Database
from minyi.demo import factories
from minyi.departments.models import Category, Department
from minyi.schema import migrate
from minyi.settings import get_settings

PASSWORD = "password123"


@dataclass
class World:
    roads: Department
    schools: Department
    road_category: Category
    school_category: Category
    admin: User
    road_staff: User
    school_staff: User
    dispatcher: User
    supervisor: User


@pytest.fixture
def world(session) -> World:
    roads = factories.make_department(session, code="JTJ", name="交通运输局")
    schools = factories.make_department(session, code="JYJ", name="教育局")
    road_cat = factories.make_category(session, name="交通运输", department=roads)
    school_cat = factories.make_category(session, name="教育文体", department=schools)
    w = World(
        roads=roads,
        schools=schools,
        road_category=factories.make_category(session, name="道路维护", parent=road_cat),
        school_category=factories.make_category(session, name="入学", parent=school_cat),
        admin=factories.make_user(session, username="boss", role="admin", password=PASSWORD),
        road_staff=factories.make_user(session, username="road", department=roads, password=PASSWORD),
        school_staff=factories.make_user(session, username="school", department=schools, password=PASSWORD),
        dispatcher=factories.make_user(session, username="disp", role="dispatcher", password=PASSWORD),
        supervisor=factories.make_user(session, username="sup", role="supervisor", password=PASSWORD),
    )
    session.commit()
    return w


def bearer(session, user: User) -> dict[str, str]:
    token = issue_token(session, user)
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    page = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text), "next": "/staff"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@contextmanager
def cli_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, **env: str
) -> Iterator[Database]:
    """A fresh migrated database that ``minyi`` commands use (through MINYI_* variables)."""
    url = fresh_database_url(tmp_path, name)
    database = Database(url)
    migrate.upgrade(database.engine)
    variables = {
        "MINYI_DATABASE_URL": url,
        "MINYI_DATA_DIR": str(tmp_path / "var"),
        "MINYI_SECRET_KEY": TEST_SECRET,
        **env,
    }
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    try:
        yield database
    finally:
        get_settings.cache_clear()
        database.engine.dispose()
