"""/api/v1/public/forecast and /public/dashboard/forecast: no login, counts only, errors name the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from minyi.accountability import forecast_cache
from minyi.demo import factories

FIRST = datetime(2024, 1, 8, 2, tzinfo=UTC)  # a Monday, 10:00 Beijing time
PHONE = "13912345678"


@pytest.fixture
def messages(session):
    forecast_cache.clear()
    water = factories.make_category(session, name="供水")
    for number in range(40):
        factories.make_message(
            session,
            key=f"page-{number}",
            process=False,
            category_id=water.id,
            region="A市A2区",
            title=f"停水 {PHONE}",
            submitted_at=FIRST + timedelta(days=2 * number),
        )
    session.commit()
    yield water
    forecast_cache.clear()


def test_public_json_without_login(client, messages):
    response = client.get("/api/v1/public/forecast", params={"weeks": 2, "end": "2024-04-01"})
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["weeks"] == ["2024-04-01", "2024-04-08"]
    assert document["working_days"] == [4, 5]  # 清明 on 4-5 April 2024, Sunday 7 April worked
    total, water = document["series"]
    assert total["key"] == "all"
    assert water["key"] == messages.id
    assert sum(p["count"] for p in water["history"]) == 40
    assert water["error"]["method"] == "wd-holt"
    assert PHONE not in response.text
    assert "停水" not in response.text


def test_public_json_by_region(client, messages):
    response = client.get("/api/v1/public/forecast", params={"by": "region", "end": "2024-04-01"})
    assert response.status_code == 200
    assert [s["label"] for s in response.json()["series"]] == ["", "A市A2区"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"by": "person"}, "by"),
        ({"weeks": "99"}, "weeks"),
        ({"end": "yesterday"}, "end"),
        ({"end": "1900-01-01"}, "end"),
    ],
)
def test_bad_options_name_the_field(client, params, field):
    response = client.get("/api/v1/public/forecast", params=params)
    assert response.status_code == 422
    assert field in response.text


def test_page_shows_the_forecast_and_its_error_in_chinese(client, messages):
    response = client.get("/public/dashboard/forecast", params={"end": "2024-04-01", "lang": "zh"})
    assert response.status_code == 200
    page = response.text
    assert "诉求量预测" in page
    assert "供水" in page
    assert "MASE" in page  # named once, in the method's words, for whoever knows it
    assert "去年同周”法的误差" in page
    errors = page.split('id="forecast-errors"')[1].split("</table>")[0]
    header = errors.split("</thead>")[0]
    assert "MASE" not in header
    assert "MAPE" not in header
    assert "本方法回测误差" in header
    assert "“照搬上周”法的误差" in header
    assert "预测误差约为照搬上周的 0.8 倍" in page  # the number explained in plain Chinese
    table = page.split('id="forecast-table"')[1].split("</table>")[0]
    assert "MASE" not in table  # the metrics are folded away; the table says it in words
    assert "可靠程度" in table
    assert '<details id="forecast-errors">' in page
    assert "forecast-chart-data" in page
    assert "/static/vendor/echarts/echarts.min.js" in page
    assert PHONE not in page


def test_page_in_english_and_a_bad_value(client, messages):
    response = client.get(
        "/public/dashboard/forecast", params={"end": "2024-04-01", "lang": "en", "by": "region"}
    )
    assert response.status_code == 200
    assert "Demand forecast" in response.text
    assert "A市A2区" in response.text
    bad = client.get("/public/dashboard/forecast", params={"weeks": "0"})
    assert bad.status_code == 422
    assert "Traceback" not in bad.text


def test_empty_database_says_so(client):
    forecast_cache.clear()
    response = client.get("/public/dashboard/forecast", params={"lang": "zh"})
    assert response.status_code == 200
    assert "还没有留言" in response.text


def test_the_dashboard_links_the_forecast(client):
    page = client.get("/public/dashboard", params={"lang": "zh"})
    assert page.status_code == 200
    assert 'href="/public/dashboard/forecast"' in page.text
