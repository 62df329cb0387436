"""The eleventh probe (docs/security-probes.md, "Eleventh probe"): a privacy officer's pass over
what the public and integrators can read.  Each test fails on the tree before its fix."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
from tests.functional.conftest import bearer

from minyi.accounts import client_keys
from minyi.cases.models import Case
from minyi.demo import factories

BODY = (
    "我儿子王小明在实验小学三年级二班，被同班的李小刚同学打了。我女儿叫李小红，在一中初二（3）班。"
    "座机（0731）8412 3457，港澳通行证号码 C 1234 5678。"
)
REPLY = "您好，关于王小明同学（实验小学三年级二班）被李小刚同学殴打一事，学校已约谈家长。李小红同学的情况另行答复。"
SECRETS = ("王小明", "李小刚", "李小红", "8412 3457", "84123457", "1234 5678")


def _views(client, case) -> list[str]:
    xlsx = openpyxl.load_workbook(io.BytesIO(client.get("/public/data/cases.xlsx").content))
    cells = [str(c) for sheet in xlsx for row in sheet.iter_rows(values_only=True) for c in row if c]
    return [
        client.get("/public/data/cases.csv").content.decode("utf-8-sig"),
        client.get("/public/data/cases.json").text,
        "\n".join(cells),
        client.get("/public", params={"q": case.number}).text,
        client.get("/public/search", params={"q": "实验小学"}).text,
        client.get("/api/v1/public/search", params={"q": "实验小学"}).text,
        client.get("/open311/v2/requests.json", params={"extensions": "true"}).text,
        client.get("/open311/v2/requests.xml").text,
        client.get(f"/public/knowledge/{case.id}").text,
    ]


def test_childrens_names_grouped_landlines_and_permits_are_masked_on_every_public_view(
    client, session, world
):
    case = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title="孩子在学校被欺负",
        body=BODY,
        reply_body=REPLY,
        is_public=True,
    )
    session.commit()
    for i, text in enumerate(_views(client, case)):
        assert "三年级二班" in text, i  # the case is there, its school and class readable
        for secret in SECRETS:
            assert secret not in text, secret
    csv_text = _views(client, case)[0]
    for shown in (
        "我儿子王**在实验小学",
        "同班的李**同学",
        "我女儿叫李**",
        "座机（0731）******57",
        "C******78",
    ):
        assert shown in csv_text, shown
    # The reply names the children without introducing them: masked because the message did.
    assert "关于王**同学（实验小学三年级二班）被李**同学殴打" in csv_text


def test_an_erased_text_takes_the_names_it_introduced_out_of_the_replies_for_good(client, session, world):
    """A reply greets the author by the name their text introduced (我叫钱晓东): public views masked
    it because the text introduced it.  Erasing the text (``text: true``) took that reason away
    while the case stayed public through another citizen's consenting message."""
    case = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title="路灯不亮",
        body="我叫钱晓东，我女儿李小红每天走夜路，人民路路灯不亮。",
        reply_body="钱晓东您好，李小红同学反映的人民路路灯已修复。",
        is_public=True,
        contact={"phone": "13944447777"},
    )
    other = factories.make_message(session, process=False, is_public=True, body="人民路的路灯我也反映过")
    other.case = case
    session.commit()
    before = client.get("/public/data/cases.csv").content.decode("utf-8-sig")
    assert "钱**您好，李**同学" in before
    done = client.post(
        "/api/v1/admin/erasures",
        json={"phones": ["13944447777"], "text": True},
        headers=bearer(session, world.admin),
    )
    assert done.status_code == 200, done.text
    session.expire_all()
    assert case.is_public  # the other citizen agreed: the case and its reply stay public
    for text in [*_views(client, case)[:4], client.get("/open311/v2/requests.json").text]:
        assert "钱晓东" not in text
        assert "李小红" not in text
    assert "钱**您好，李**同学反映的人民路路灯已修复" in client.get("/public/data/cases.csv").text


def test_an_erasure_leaves_no_kept_open_data_file_holding_the_erased_case(client, session, world, settings):
    """The open-data files kept for downloads held an erased case until the next download of
    the same file: a CSV downloaded once and never again kept it on disk for good."""
    case = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title="人民路井盖缺失",
        body="人民路88号门口井盖缺失，孩子差点掉进去。",
        is_public=True,
        contact={"phone": "13944449999"},
    )
    session.commit()
    for fmt in ("csv", "json", "xlsx"):
        assert client.get(f"/public/data/cases.{fmt}").status_code == 200
    kept = Path(settings.data_dir) / "cache" / "open-data"
    assert any(case.number in path.read_bytes().decode("utf-8", "replace") for path in kept.glob("cases.*"))
    done = client.post(
        "/api/v1/admin/erasures",
        json={"codes": [case.messages[0].tracking_code], "text": True},
        headers=bearer(session, world.admin),
    )
    assert done.status_code == 200, done.text
    assert not list(kept.glob("cases.*"))
    assert case.number not in client.get("/public/data/cases.csv").text  # built afresh


def test_an_open311_photo_link_is_for_the_staff_not_the_public(client, session, world):
    """``media_url`` answers null in Open311, but the link was appended to the message text that
    every public view publishes, an uploader's phone number and access token included."""
    key = client_keys.create_key(session, "probe-app")
    session.commit()
    url = "https://oss.example.cn/upload/13800138010/id-card.jpg?token=s3cr3t&phone=13800138010"
    created = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": world.road_category.id,
            "description": "人民路公交站牌损坏，见照片",
            "address_string": "人民路公交站",
            "media_url": url,
            "attribute[PUBLIC]": "1",
        },
    )
    assert created.status_code == 200, created.text
    number = created.json()[0]["service_request_id"]
    case = session.query(Case).filter(Case.number == number).one()
    assert url in case.messages[0].body  # the staff still have it
    factories.drive_case(session, case, "replied", "站牌已修复。")
    session.commit()
    for text in [*_views(client, case)[:4], client.get(f"/open311/v2/requests/{number}.json").text]:
        assert "oss.example.cn" not in text
        assert "s3cr3t" not in text
        assert "13800138010" not in text
        assert "图片/附件：（仅工作人员可见）" in text


def test_public_json_and_open311_give_the_authors_time_to_the_hour_as_the_open_data(client, session, world):
    """The open data cuts a case's received time to the hour; the JSON search gave the same rows'
    times to the microsecond and Open311 its requested time to the second."""
    case = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title="东塘路灯不亮",
        body="东塘路灯不亮",
        is_public=True,
        received_at=datetime(2026, 11, 19, 13, 15, 36, 123456, tzinfo=UTC),
    )
    case.created_at = datetime(2026, 11, 19, 13, 15, 37, tzinfo=UTC)
    session.commit()
    (hit,) = client.get("/api/v1/public/search", params={"q": "东塘"}).json()["hits"]
    assert hit["received_at"] == "2026-11-19T21:00:00+08:00"
    (record,) = client.get(f"/open311/v2/requests/{case.number}.json").json()
    assert record["requested_datetime"] == "2026-11-19T21:00:00+08:00"


def test_the_portal_sends_a_citizens_draft_in_a_body_not_in_a_url(client, session, world):
    """类似问题已有答复 sent the draft (title and text, a phone or ID number included) as a query
    string at every pause in typing: the server's access log and every proxy's kept it."""
    factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title="公积金贷款额度咨询",
        body="请问公积金贷款额度怎么算",
        reply_body="公积金贷款额度按缴存余额计算。",
        is_public=True,
    )
    session.commit()
    draft = "公积金贷款额度 我叫王建国 电话13800138000"
    asked = client.post("/api/v1/public/knowledge", json={"q": draft})
    assert asked.status_code == 200, asked.text
    assert asked.json() == client.get("/api/v1/public/knowledge", params={"q": draft}).json()
    assert asked.json(), "the draft finds the answer"
    assert client.post("/api/v1/public/knowledge", json={"q": "路" * 501}).status_code == 422
    script = client.get("/static/similar-answers.js").text
    assert 'method: "POST"' in script
    assert "?q=" not in script
