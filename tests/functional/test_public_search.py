"""Public answer search and open data over HTTP: masked, public cases only, clear errors."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from openpyxl import load_workbook

from minyi.demo import factories


def _cases(session, world):
    listed = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title="翠湖小区路灯不亮",
        body="翠湖小区东门路灯坏了，我叫王小明，电话13812345678，身份证110101199003071234",
        is_public=True,
        region="A市A7区",
        received_at=datetime(2019, 3, 5, 6, 47, 31, tzinfo=UTC),
    )
    private = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title="翠湖小区私事",
        body="翠湖小区的私人问题，电话13987654321",
        is_public=False,
    )
    session.commit()
    return listed, private


def test_search_page_finds_a_public_answer_masked(client, session, world):
    listed, private = _cases(session, world)
    page = client.get("/public/search", params={"q": "翠湖小区"})
    assert page.status_code == 200
    assert listed.number in page.text
    assert private.number not in page.text
    assert "138****5678" in page.text
    for secret in ("13812345678", "王小明", "110101199003071234", "13987654321"):
        assert secret not in page.text
    assert "<mark>翠湖</mark>" in page.text or "<mark>翠湖小区</mark>" in page.text
    assert listed.number not in client.get("/public/search", params={"q": "翠湖", "department": "JYJ"}).text
    assert listed.number in client.get("/public/search", params={"q": "翠湖", "region": "A市A7区"}).text
    by_code = client.get("/public/search", params={"code": listed.messages[0].tracking_code})
    assert listed.number in by_code.text
    assert (
        private.number
        not in client.get("/public/search", params={"code": private.messages[0].tracking_code}).text
    )
    past = client.get("/public/search", params={"q": "翠湖小区", "page": 999}).text
    assert "这一页已超出结果范围" in past
    assert "没有找到符合条件" not in past


def test_search_page_explains_a_wrong_value_in_the_readers_language(client, session, world):
    _cases(session, world)
    page = client.get("/public/search", params={"q": "路灯", "from": "2019-02-30"})
    assert page.status_code == 422
    assert "留言日期自" in page.text
    page = client.get("/public/search", params={"page": "abc", "q": "路灯", "lang": "en"})
    assert page.status_code == 422
    assert "Page: a whole number" in page.text
    assert "Traceback" not in page.text


def test_json_search_and_its_errors(client, session, world):
    listed, _ = _cases(session, world)
    found = client.get("/api/v1/public/search", params={"q": "翠湖 路灯"}).json()
    assert [hit["number"] for hit in found["hits"]] == [listed.number]
    assert "13812345678" not in json.dumps(found, ensure_ascii=False)
    wrong = client.get("/api/v1/public/search", params={"status": "secret"})
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "status"


def test_the_public_page_offers_the_word_search(client, session, world):
    _cases(session, world)
    assert 'action="/public/search"' in client.get("/public").text


def test_open_data_files_hold_only_masked_public_cases_with_hour_times(client, session, world):
    listed, private = _cases(session, world)
    csv_file = client.get("/public/data/cases.csv")
    assert csv_file.status_code == 200
    text = csv_file.content.decode("utf-8-sig")
    assert text.startswith("# ")
    assert "CC BY 4.0" in text.splitlines()[0]
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert [row["number"] for row in rows] == [listed.number]
    assert rows[0]["received_at"] == "2019-03-05T14:00:00+08:00"
    assert rows[0]["replied_at"].endswith(":00:00+08:00")
    assert "138****5678" in rows[0]["message"]
    body = json.loads(client.get("/public/data/cases.json").content)
    assert body["licence"] == "CC BY 4.0"
    assert [row["number"] for row in body["rows"]] == [listed.number]
    book = load_workbook(io.BytesIO(client.get("/public/data/cases.xlsx").content), read_only=True)
    values = list(book["cases"].iter_rows(values_only=True))
    assert values[0][0] == "number"
    assert [row[0] for row in values[1:]] == [listed.number]
    for content in (text, json.dumps(body, ensure_ascii=False), str(values)):
        for secret in ("13812345678", "王小明", "110101199003071234", private.number):
            assert secret not in content
    assert client.get("/public/data/cases.exe").status_code == 404


def test_data_dictionary_lists_every_file_and_column(client, session, world):
    _cases(session, world)
    page = client.get("/public/data")
    assert page.status_code == 200
    for name in ("cases.csv", "cases.json", "cases.xlsx", "scorecard.csv", "received_at", "CC BY 4.0"):
        assert name in page.text
    assert "When the first message was written" in client.get("/public/data", params={"lang": "en"}).text


def test_data_dictionary_describes_the_scorecard_columns_from_its_code(client):
    from minyi.accountability.opendata import columns_for
    from minyi.accountability.scorecard import GROUPABLE

    page = client.get("/public/data").text
    for name in columns_for(GROUPABLE):
        assert f"<code>{name}</code>" in page
    assert "响应率" in page
