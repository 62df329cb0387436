"""The public dashboard, its open data and its JSON, against the hand-computed figures of tests/dashboarddata.py."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from tests import dashboarddata
from tests.dashboarddata import MAY, MAY_FIGURES
from tests.functional.test_import import db, run  # noqa: F401 - the fixture `db`
from tests.functional.test_import_presets import attachment4_rows, xlsx

from minyi.accountability import opendata, refresh, scorecard
from minyi.accountability.scorecard import Filter

MAY_QUERY = "start=2019-05&end=2019-05"


@pytest.fixture
def seeded(session):
    made = dashboarddata.seed(session)
    refresh.refresh(session, full=True)
    session.commit()
    return made


def text_of(response) -> str:
    return response.text.replace("\n", " ")


def test_the_page_shows_the_figures_and_their_definitions_in_chinese(client, seeded):
    response = client.get(f"/public/dashboard?{MAY_QUERY}")
    assert response.status_code == 200
    page = text_of(response)
    for name in ("签收及时率", "响应率", "按期办结率", "解决率", "满意率", "重办率", "答复用时中位数"):
        assert name in page
    for shown in ("50.0%", "80.0%", "60.0%", "36.0 小时"):  # rates of citizens' answers: under 5, —
        assert shown in page, shown
    assert "在答复期限" in page  # a definition, on the page
    assert "样本不足" in page  # 3 and 2 cases: below the default minimum of 20
    assert 'id="dashboard-chart-data"' in page
    assert "/public/data/scorecard.csv?start=2019-05" in page
    assert "CC BY 4.0" in page
    assert 'href="/public/dashboard"' in page  # the nav link of base.html


def test_the_page_in_english(client, seeded):
    response = client.get(f"/public/dashboard?{MAY_QUERY}&lang=en")
    assert response.status_code == 200
    page = text_of(response)
    for shown in ("On-time sign-for rate", "Satisfaction rate", "36.0 h", "Too few cases", "Roads Office"):
        assert shown in page, shown
    assert "签收及时率" not in page


def test_the_default_period_is_the_last_months_with_data(client, seeded):
    page = text_of(client.get("/public/dashboard"))
    assert "2019-05 – 2019-06" in page


def test_rankings_above_a_lower_minimum(client, app, seeded, monkeypatch):
    from minyi.accountability import definitions

    monkeypatch.setattr(definitions, "MIN_OPINIONS", 1)  # the ranking's mechanics on 2 and 3 cases
    app.state.settings = app.state.settings.model_copy(update={"scorecard_min_volume": 2})
    page = client.get(f"/public/dashboard?{MAY_QUERY}&rank=reopen_rate").text
    table = page[page.index('id="scorecard-department"') :]
    table = table[: table.index("</table>")]
    assert table.index("学校局") < table.index("道路局")  # reopen rate 0 % before 50 %
    assert "样本不足" not in table


@pytest.mark.parametrize(
    ("query", "zh", "en"),
    [
        ("start=2019-13", "起始月份应写作", "From month"),
        ("start=May", "起始月份应写作", "From month"),
        ("start=2019-06&end=2019-05", "截止月份", "To month"),
        ("department=%3Cscript%3E", "没有这个部门", "There is no such department"),
        ("category=a%20b", "没有这个类别", "There is no such category"),
        ("rank=volume", "排名依据不是可选的指标", "Rank by: not one of the figures"),
        (f"region={'r' * 250}", "区域名称过长", "The region name is too long"),
    ],
)
def test_bad_filters_answer_422_in_the_readers_language(client, seeded, query, zh, en):
    response = client.get(f"/public/dashboard?{query}")
    assert response.status_code == 422
    assert zh in response.text
    english = client.get(f"/public/dashboard?{query}&lang=en")
    assert english.status_code == 422
    assert en in english.text
    assert "Traceback" not in english.text


@pytest.mark.parametrize(
    "url",
    [
        "/public/dashboard?start=" + "9" * 20,
        "/public/dashboard?end=0000-00",
        "/public/dashboard?start=2019-05&department=-&region=-&category=-",
        "/public/dashboard?region=%E2%80%AE",
        "/public/data/scorecard.csv?by=month",
        "/public/data/scorecard.json?end=2019-99",
        "/api/v1/public/scorecard?rank=nope",
        "/api/v1/public/scorecard?start=2019-5",
    ],
)
def test_odd_values_never_give_a_500(client, seeded, url):
    assert client.get(url).status_code in {200, 404, 422}


def test_an_unknown_department_is_named_not_shown_as_empty(client, seeded):
    """It read 所选范围内没有案件, as if the department had no complaints (the numbers probe)."""
    response = client.get(f"/public/dashboard?{MAY_QUERY}&department=no-such-department")
    assert response.status_code == 422
    assert "没有这个部门" in response.text


def test_csv_download_with_licence_and_safe_cells(client, session, seeded):
    seeded.roads.name = "=HYPERLINK(1)"
    session.commit()
    response = client.get(f"/public/data/scorecard.csv?{MAY_QUERY}&by=department")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").startswith("# Minyi 民意")
    assert "CC BY 4.0" in response.content.decode("utf-8-sig").splitlines()[0]
    rows = opendata.read_csv_rows(response.content)
    roads = next(row for row in rows if row["department_id"] == seeded.roads.id)
    assert roads["department"] == "'=HYPERLINK(1)"
    assert (roads["cases"], roads["answered"], roads["completed_on_time"]) == ("3", "3", "2")
    full = opendata.read_csv_rows(client.get(f"/public/data/scorecard.csv?{MAY_QUERY}").content)
    assert sum(int(row["cases"]) for row in full) == MAY["cases"]
    assert {row["region"] for row in full} == {"R1区", "R2区"}


def test_json_and_xlsx_downloads(client, seeded):
    data = client.get(f"/public/data/scorecard.json?{MAY_QUERY}&by=region").json()
    assert data["licence"] == "CC BY 4.0"
    assert {row["region"]: row["cases"] for row in data["rows"]} == {"R1区": 3, "R2区": 2}
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/public/data/scorecard.xlsx?{MAY_QUERY}").content))
    assert book.sheetnames == ["scorecard", "about"]
    header, *rows = list(book["scorecard"].values)
    assert sum(row[header.index("cases")] for row in rows) == MAY["cases"]
    about = dict(book["about"].values)
    assert about["licence"] == "CC BY 4.0"


def test_the_json_api_gives_the_same_figures(client, seeded):
    response = client.get(f"/api/v1/public/scorecard?{MAY_QUERY}")
    assert response.status_code == 200
    body = response.json()
    for key, expected in MAY_FIGURES.items():
        assert body["totals"]["figures"][key] == pytest.approx(expected), key
    assert body["licence"] == "CC BY 4.0"
    assert {item["key"] for item in body["definitions"]} == set(MAY_FIGURES)
    assert [row["key"] for row in body["trend"]] == ["2019-05"]
    departments = {row["name"]: row for row in body["groups"]["department"]}
    assert departments["道路局"]["enough_cases"] is False
    assert departments["道路局"]["rank"] is None
    bad = client.get("/api/v1/public/scorecard?start=2019-13")
    assert bad.status_code == 422
    assert bad.json()["field"] == "start"
    chinese = client.get("/api/v1/public/scorecard?start=2019-13", headers={"Accept-Language": "zh-CN"})
    assert chinese.json()["message"] == "start：月份应写作 YYYY-MM，例如 2019-05。"  # was English
    json.dumps(body)  # plain JSON values only


def test_minyi_import_of_attachment4_refreshes_the_scorecard(db, tmp_path):  # noqa: F811 - the fixture
    report = run(db, xlsx(tmp_path / "附件4.xlsx", attachment4_rows()))
    assert report.replies == 2
    with db.session() as session:
        april = scorecard.totals(session, Filter("2019-04", "2019-04"))
    # three messages of April 2019; two answered (附件4's 答复时间) within 15 working days of
    # the message (the May Day holidays and make-up days counted), after 365.4 h and 353.8 h,
    # both in the bucket [336 h, 408 h): median 336 + 72 × (1 − 0) / 2 = 372 h; the third,
    # never answered nor accepted, is late since the rules' deadline for it passed in 2019
    assert april.volume == 3
    assert april.value("response_rate") == pytest.approx(2 / 3)
    assert april.value("on_time_rate") == pytest.approx(2 / 3)
    assert april.counts["completion_due"] == 3
    assert april.value("median_reply_hours") == pytest.approx(372.0)
    assert april.value("satisfaction_rate") is None
