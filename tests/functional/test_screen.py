"""The big screen (/screen, /screen/data): staff only unless MINYI_SCREEN_PUBLIC, live figures, no personal data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from tests.functional.conftest import login

from minyi.alerts.models import Alert, AlertRule
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.issues.models import HotIssue
from minyi.server.app import create_app

PHONE = "13812345678"


@pytest.fixture
def figures(session, world):
    now = utcnow()
    for number in range(2):
        factories.make_message(
            session, key=f"screen-{number}", process=False, region="A市A1区", title=f"噪音 {PHONE}"
        )
    late = factories.make_case(
        session, key="screen-late", department=world.roads, category=world.road_category
    )
    late.due_at = now - timedelta(days=1)
    factories.make_case(session, key="screen-open", department=world.roads, category=world.road_category)
    factories.make_case(
        session, key="screen-closed", status="closed", department=world.roads, category=world.road_category
    )
    session.add(
        HotIssue(title=f"丽发新城搅拌站噪音 联系{PHONE}", first_time=now, last_time=now, size=12, heat=9.5)
    )
    rule = AlertRule(name="screen-burst", kind="burst", scope="all", params={})
    session.add(rule)
    session.flush()
    session.add(
        Alert(
            rule_id=rule.id,
            kind="burst",
            scope_kind="all",
            scope_key="all",
            label=f"燃气泄漏 {PHONE}",
            measured={"count": 12, "hours": 1},
            dedupe_key="screen-burst-1",
        )
    )
    session.commit()


def test_anonymous_callers_are_sent_to_the_login(client):
    page = client.get("/screen", follow_redirects=False)
    assert page.status_code == 303
    assert "/staff/login" in page.headers["location"]
    data = client.get("/screen/data")
    assert data.status_code == 401
    assert data.json()["error"] == "login_required"


def test_staff_see_the_live_figures_without_personal_data(client, world, figures):
    login(client, "road")
    data = client.get("/screen/data")
    assert data.status_code == 200
    document = data.json()
    # 2 messages without a case + the 3 cases' own messages were received today.
    assert document["counts"] == {
        "received_today": 5,
        "in_progress": 2,
        "overdue": 1,
        "unsigned": 0,
        "closed_today": 1,
    }
    assert document["rates"]["within_deadline"] == 0.5
    assert document["regions"][0] == {"name": "A市A3区", "count": 3}
    assert {"name": "A市A1区", "count": 2} in document["regions"]
    assert document["issues"][0]["size"] == 12
    assert document["alerts_open"] == 1
    assert "燃气泄漏" in document["alerts"][0]["label"]
    assert PHONE not in data.text
    assert data.headers["cache-control"] == "no-store"
    page = client.get("/screen", params={"lang": "zh"})
    assert page.status_code == 200
    assert "今日收到留言（条）" in page.text
    assert 'id="count-overdue" data-key="overdue">1<' in page.text
    assert "丽发新城搅拌站噪音" in page.text
    assert PHONE not in page.text


def test_screen_public_opens_it_to_anyone(settings, database, figures):
    app = create_app(settings.model_copy(update={"screen_public": True}), database)
    with TestClient(app) as anyone:
        assert anyone.get("/screen").status_code == 200
        document = anyone.get("/screen/data", params={"lang": "en"}).json()
        assert document["counts"]["closed_today"] == 1
        assert PHONE not in str(document)


def test_an_import_of_old_messages_is_not_counted_as_today(client, session, world, figures):
    factories.make_message(
        session,
        key="screen-import",
        channel="import",
        process=False,
        region="A市A1区",
        title="历史留言",
        submitted_at=utcnow() - timedelta(days=900),
    )
    session.commit()
    login(client, "road")
    document = client.get("/screen/data").json()
    assert document["counts"]["received_today"] == 5
    assert {"name": "A市A1区", "count": 2} in document["regions"]
