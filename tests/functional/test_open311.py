"""Open311 GeoReport v2 under /open311/v2: both formats, the spec's schemas and errors, a real client.

The JSON bodies are validated against the spec's JSON schemas in
``../shared/specs/open311-georeport-v2/`` (skipped when that directory is absent). The
client library is ``georeport`` 0.3.1 from PyPI, run against a live server (uvicorn in a
thread) in JSON and XML: it only reads (services, definitions, requests), so the request is
created with httpx. The two other candidates do not run on Python 3: ``open311`` 1.1 uses
Python 2 relative imports (``from api import API``), ``three`` 0.8.0 imports
``itertools.ifilter``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.conftest import TEST_SECRET
from tests.live import migrated_database, running

from minyi.accounts import client_keys
from minyi.cases.models import Case
from minyi.cli.main import cli
from minyi.db.session import Database
from minyi.demo import factories
from minyi.settings import Settings, get_settings

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs" / "open311-georeport-v2"
BASE = "/open311/v2"
PHONE = "13812345678"
EMAIL = "wang.xiaoming@example.com"


def _validator(name: str) -> Any:
    if not (SPECS / name).exists():
        pytest.skip(f"the Open311 schemas are not in {SPECS}")
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    registry: Registry = Registry().with_resources(
        (path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT7))
        for path in SPECS.glob("*.json")
    )
    schema = json.loads((SPECS / name).read_text())
    return jsonschema.Draft7Validator(
        schema, registry=registry, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def xml_of(response) -> ET.Element:
    """The XML document of an answer of our own server (trusted: no defusedxml needed)."""
    return ET.fromstring(response.content)  # noqa: S314 - our own server's answer


def valid(name: str, body: Any) -> None:
    errors = [e.message for e in _validator(name).iter_errors(body)]
    assert not errors, errors


def spec_error(response, status: int, fmt: str = "json") -> str:
    """The description of the one error of an answer in the spec's format."""
    assert response.status_code == status, response.text
    if fmt == "json":
        body = response.json()
        assert isinstance(body, list)
        assert len(body) == 1
        assert set(body[0]) == {"code", "description"}
        assert body[0]["code"] == status
        return str(body[0]["description"])
    root = xml_of(response)
    assert root.tag == "errors"
    (error,) = list(root)
    assert error.tag == "error"
    assert error.findtext("code") == str(status)
    return error.findtext("description") or ""


@pytest.fixture
def api_key(session) -> str:
    key = client_keys.create_key(session, "test-app")
    session.commit()
    return key


def post(client, api_key: str, fmt: str = "json", **fields: str):
    data = {"api_key": api_key, "lat": "28.19", "long": "112.97", "description": "路灯不亮", **fields}
    return client.post(f"{BASE}/requests.{fmt}", data=data)


def test_discovery(client):
    body = client.get(f"{BASE}/discovery.json").json()
    assert body["endpoints"][0]["url"].endswith("/open311/v2")
    assert "application/json" in body["endpoints"][0]["formats"]
    root = xml_of(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.iter("format")] == ["text/xml", "application/json"]


def test_discovery_names_the_operators_contact(settings, database):
    from fastapi.testclient import TestClient

    from minyi.server.app import create_app

    contact = "市12345热线技术组 open311@example.gov.cn"
    app = create_app(settings.model_copy(update={"open311_contact": contact}), database)
    with TestClient(app) as client:
        body = client.get(f"{BASE}/discovery.json").json()
    assert body["contact"] == contact
    assert body["key_service"] == f"Ask {contact} for an api_key"
    assert "minyi" not in body["key_service"]  # no operator's command for a partner to run


def test_services_in_both_formats(client, world):
    body = client.get(f"{BASE}/services.json").json()
    valid("services.json", body)
    mine = {s["service_code"]: s for s in body}
    road = mine[world.road_category.id]
    assert road["service_name"] == "道路维护"
    assert road["group"] == "交通运输"
    assert road["metadata"] is True
    response = client.get(f"{BASE}/services.xml")
    assert response.headers["content-type"].startswith("text/xml")
    root = xml_of(response)
    assert root.tag == "services"
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert world.road_category.id in codes
    assert root.find("service/metadata").text == "true"


def test_service_definition(client, world):
    body = client.get(f"{BASE}/services/{world.road_category.id}.json").json()
    valid("service-definition.json", body)
    assert body["attributes"][0]["code"] == "PUBLIC"
    root = xml_of(client.get(f"{BASE}/services/{world.road_category.id}.xml"))
    assert root.tag == "service_definition"
    assert [v.findtext("key") for v in root.iter("value")] == ["1", "0"]
    assert "nope" in spec_error(client.get(f"{BASE}/services/nope.json"), 404)
    spec_error(client.get(f"{BASE}/services/nope.xml"), 404, "xml")
    spec_error(client.get(f"{BASE}/services.html"), 404)
    spec_error(client.get(f"{BASE}/no/such/thing.xml"), 404, "xml")


def test_public_coordinates_are_rounded_to_about_100_metres(client, world, api_key):
    """The address is masked in public, so the point must not name the door either."""
    response = post(
        client,
        api_key,
        service_code=world.road_category.id,
        lat="28.1945678",
        long="112.9765432",
        **{"attribute[PUBLIC]": "1"},
    )
    assert response.status_code == 200, response.text
    (created,) = response.json()
    (record,) = client.get(f"{BASE}/requests/{created['service_request_id']}.json").json()
    assert (record["lat"], record["long"]) == (28.195, 112.977)


def test_a_public_request_round_trip(client, world, api_key):
    response = post(
        client,
        api_key,
        service_code=world.road_category.id,
        description=f"路灯坏了，电话{PHONE}",
        email=EMAIL,
        first_name="小明",
        last_name="王",
        phone="13900001111",
        **{"attribute[PUBLIC]": "1"},
    )
    assert response.status_code == 200, response.text
    (created,) = response.json()
    number = created["service_request_id"]  # processing is inline in the tests: the case exists
    assert created["account_id"] is None
    assert created["service_notice"]
    body = client.get(f"{BASE}/requests/{number}.json").json()
    valid("requests.json", body)
    (record,) = body
    assert record["status"] == "open"
    assert record["service_code"] == world.road_category.id
    assert record["agency_responsible"] == "交通运输局"
    assert record["lat"] == pytest.approx(28.19)
    assert record["expected_datetime"]
    answers = [
        f"requests/{number}.xml",
        "requests.json",
        "requests.xml",
        f"requests.json?service_request_id={number}",
    ]
    text = json.dumps(body, ensure_ascii=False) + "".join(client.get(f"{BASE}/{a}").text for a in answers)
    assert "\\u" not in text  # JSON in UTF-8: a masked value cannot hide behind escapes
    for private in (PHONE, EMAIL, "13900001111", "王小明"):
        assert private not in text
    root = xml_of(client.get(f"{BASE}/requests/{number}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == number
    assert root.findtext("request/status") == "open"
    listed = client.get(f"{BASE}/requests.json", params={"service_code": world.road_category.id}).json()
    valid("requests.json", listed)
    assert [r["service_request_id"] for r in listed] == [number]
    assert client.get(f"{BASE}/requests.json", params={"status": "closed"}).json() == []
    by_id = client.get(f"{BASE}/requests.json", params={"service_request_id": f"{number},nope"}).json()
    assert [r["service_request_id"] for r in by_id] == [number]


def test_a_closed_request_shows_its_public_reply(client, session, world, api_key):
    post(client, api_key, service_code=world.road_category.id, **{"attribute[PUBLIC]": "1"})
    case = session.query(Case).one()
    factories.drive_case(session, case, "replied", reply_body="您好，路灯已修复。<&> 如有问题请拨打12345。")
    session.commit()
    (record,) = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert record["status"] == "closed"
    assert "路灯已修复" in record["status_notes"]
    root = xml_of(client.get(f"{BASE}/requests/{case.number}.xml"))
    assert "<&>" in (root.findtext("request/status_notes") or "")
    assert client.get(f"{BASE}/requests.json", params={"status": "open"}).json() == []


def test_a_private_request_is_known_by_its_token_only(client, session, world, api_key):
    response = post(client, api_key, "xml", service_code=world.road_category.id)
    assert response.status_code == 200, response.text
    number = xml_of(response).findtext("request/service_request_id")
    assert number
    spec_error(client.get(f"{BASE}/requests/{number}.json"), 404)
    assert client.get(f"{BASE}/requests.json").json() == []
    message = session.query(Case).one().messages[0]
    assert message.channel == "open311"
    assert message.contact is None
    (token,) = client.get(f"{BASE}/tokens/{message.id}.json").json()
    assert token == {"service_request_id": number, "token": message.id}
    root = xml_of(client.get(f"{BASE}/tokens/{message.id}.xml"))
    assert root.findtext("request/token") == message.id
    spec_error(client.get(f"{BASE}/tokens/nope.xml"), 404, "xml")


def test_api_key_missing_wrong_or_revoked(client, session, world, api_key):
    code = world.road_category.id
    assert "api_key" in spec_error(client.post(f"{BASE}/requests.json", data={"service_code": code}), 403)
    spec_error(post(client, "o311_wrong", "xml", service_code=code), 403, "xml")
    client_keys.revoke_key(session, "test-app")
    session.commit()
    assert "revoked" in spec_error(post(client, api_key, service_code=code), 403)
    assert session.query(Case).count() == 0


def test_bad_requests_answer_400_naming_the_field(client, world, api_key):
    code = world.road_category.id
    assert "service_code" in spec_error(post(client, api_key, service_code="nope"), 400)
    assert "service_code" in spec_error(post(client, api_key), 400)
    assert "email" in spec_error(post(client, api_key, service_code=code, email="not-an-address"), 400)
    assert "lat" in spec_error(post(client, api_key, "xml", service_code=code, lat="north"), 400, "xml")
    nowhere = {"api_key": api_key, "service_code": code, "description": "x"}
    assert "location" in spec_error(client.post(f"{BASE}/requests.json", data=nowhere), 400)
    assert "PUBLIC" in spec_error(post(client, api_key, service_code=code, **{"attribute[PUBLIC]": "y"}), 400)
    assert "COLOR" in spec_error(post(client, api_key, service_code=code, **{"attribute[COLOR]": "1"}), 400)
    assert "description" in spec_error(post(client, api_key, service_code=code, description="长" * 4001), 400)
    assert "description" in spec_error(post(client, api_key, service_code=code, description="a\x01b"), 400)


def test_request_filters_are_checked(client):
    assert "start_date" in spec_error(client.get(f"{BASE}/requests.json?start_date=yesterday"), 400)
    wide = "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z"
    assert "90 days" in spec_error(client.get(f"{BASE}/requests.xml?{wide}"), 400, "xml")
    assert "status" in spec_error(client.get(f"{BASE}/requests.json?status=pending"), 400)
    spec_error(client.get(f"{BASE}/requests.json?page_size=0"), 400)
    assert client.get(f"{BASE}/requests.json?start_date=2026-01-01T00:00:00Z").json() == []
    unencoded = client.get(f"{BASE}/requests.json?start_date=2026-01-01T08:00:00+08:00")  # "+" read as " "
    assert unencoded.status_code == 200
    assert unencoded.json() == []
    for extreme in ("start_date=9999-12-31T00:00:00Z", "start_date=0001-01-01T00:00:00%2B08:00"):
        assert "start_date" in spec_error(client.get(f"{BASE}/requests.json?{extreme}"), 400)  # was a 500
    assert "end_date" in spec_error(
        client.get(f"{BASE}/requests.json?end_date=9999-12-31T23:59:59-12:00"), 400
    )


def test_cli_creates_lists_and_revokes_keys(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MINYI_SECRET_KEY", TEST_SECRET)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
        created = runner.invoke(cli, ["open311", "key", "create", "city-app"])
        assert created.exit_code == 0, created.output
        key = created.output.strip()
        assert key.startswith("o311_")
        assert runner.invoke(cli, ["open311", "key", "create", "city-app"]).exit_code != 0
        listed = runner.invoke(cli, ["open311", "key", "list"])
        assert "city-app" in listed.output
        assert key not in listed.output
        database = Database(get_settings().effective_database_url)
        with database.transaction() as session:
            assert client_keys.check_key(session, key) == "city-app"
        assert runner.invoke(cli, ["open311", "key", "revoke", "city-app"]).exit_code == 0
        assert runner.invoke(cli, ["open311", "key", "revoke", "city-app"]).exit_code != 0
        with database.transaction() as session:
            assert client_keys.check_key(session, key) is None
        database.engine.dispose()
    finally:
        get_settings.cache_clear()


def test_the_service_user_cannot_use_its_keys_as_staff_tokens(client, session, api_key):
    answer = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {api_key}"})
    assert answer.status_code == 401
    client_keys.service_user(session).is_active = True  # even when an admin activates it
    session.commit()
    answer = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {api_key}"})
    assert answer.status_code == 401


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """A live server (uvicorn in a thread) on its own database: its URL, an api_key, a service code."""
    database = migrated_database(tmp_path, "minyi_test_open311_live")
    url = database.url
    with database.transaction() as session:
        roads = factories.make_department(session, code="JTJ", name="交通运输局")
        top = factories.make_category(session, name="交通运输", department=roads)
        code = factories.make_category(session, name="道路维护", parent=top).id
        key = client_keys.create_key(session, "georeport")
    settings = Settings(
        env="test", data_dir=tmp_path, database_url=url, secret_key=TEST_SECRET, processing="inline"
    )
    with running(settings, database) as base:
        yield base + BASE, key, code


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_real_client_library(live, fmt):
    georeport = pytest.importorskip("georeport")
    httpx = pytest.importorskip("httpx")
    root, key, code = live
    data = {"api_key": key, "service_code": code, "address_string": "A市A3区人民路", "attribute[PUBLIC]": "1"}
    created = httpx.post(f"{root}/requests.{fmt}", data={**data, "description": "人民路路灯不亮 <&>"})
    assert created.status_code == 200, created.text
    client = georeport.GeoReport(root, output_format=fmt)
    services = client.get_service_list()
    assert code in [s["service_code"] for s in services]
    definition = client.get_service_definition(code)
    assert definition["service_code"] == code
    found = client.get_service_requests(service_code=code)
    request = found if isinstance(found, dict) else found[0]  # xmltodict: one element is no list
    assert request["description"].startswith("人民路路灯不亮 <&>")
    assert request["agency_responsible"] == "交通运输局"
    again = client.get_service_request(request["service_request_id"])
    assert again["status"] == "open"


def test_a_token_before_its_case_exists(client, session, world):
    message = factories.make_message(
        session, channel="open311", process=False, category_id=world.road_category.id
    )
    session.commit()
    assert client.get(f"{BASE}/tokens/{message.id}.json").json() == [
        {"service_request_id": None, "token": message.id}
    ]
    root = xml_of(client.get(f"{BASE}/tokens/{message.id}.xml"))
    assert root.find("request/service_request_id") is not None
    assert root.findtext("request/service_request_id") == ""  # an empty element for null
    other = factories.make_message(session, channel="api")
    session.commit()
    spec_error(client.get(f"{BASE}/tokens/{other.id}.json"), 404)  # only Open311 messages have tokens


def test_a_form_sent_as_raw_utf8_is_read_as_utf8_not_latin1(client, session, world, api_key):
    """Many clients send 编码测试 unencoded under charset=utf-8: it must not be stored as mojibake."""
    from minyi.intake.models import Message

    form = f"api_key={api_key}&service_code={world.road_category.id}&lat=28.19&long=112.97&description=编码测试路灯不亮"
    headers = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
    sent = client.post(f"{BASE}/requests.json", content=form.encode("utf-8"), headers=headers)
    assert sent.status_code == 200, sent.text
    assert session.query(Message).filter(Message.body == "编码测试路灯不亮").count() == 1
    broken = client.post(f"{BASE}/requests.json", content=b"api_key=x&description=\xff\xfe", headers=headers)
    assert "UTF-8" in spec_error(broken, 400)


def test_a_key_is_capped_per_hour_and_named_on_its_messages(session, settings, database, world, api_key):
    from fastapi.testclient import TestClient

    from minyi.intake.models import Message
    from minyi.server.app import create_app

    capped = create_app(settings.model_copy(update={"api_key_per_hour": 2}), database)
    with TestClient(capped) as client:
        code = world.road_category.id
        assert [post(client, api_key, service_code=code).status_code for _ in range(3)] == [200, 200, 429]
    session.expire_all()
    assert {m.source for m in session.query(Message).filter_by(channel="open311")} == {"test-app"}


def test_a_category_with_its_own_code_is_that_service_code_and_its_id_still_works(
    client, session, world, api_key
):
    """Integrators write codes into programs: the centre's own code survives a new database."""
    world.road_category.code = "JT-0101"
    session.commit()
    listed = {s["service_name"]: s["service_code"] for s in client.get(f"{BASE}/services.json").json()}
    assert listed[world.road_category.name] == "JT-0101"
    definition = client.get(f"{BASE}/services/JT-0101.json").json()
    assert definition["service_code"] == "JT-0101"
    by_id = client.get(f"{BASE}/services/{world.road_category.id}.json")  # what integrators had
    assert by_id.status_code == 200
    texts = {"JT-0101": "人民路路灯不亮三天了", world.road_category.id: "滨江路井盖丢失很危险"}
    for code, description in texts.items():  # two problems: not merged as copies
        fields = {"service_code": code, "description": description, "attribute[PUBLIC]": "1"}
        response = post(client, api_key, **fields)
        assert response.status_code == 200, response.text
    records = client.get(f"{BASE}/requests.json", params={"service_code": "JT-0101"}).json()
    assert len(records) == 2
    assert {r["service_code"] for r in records} == {"JT-0101"}
    assert (
        client.get(f"{BASE}/requests.json", params={"service_code": world.road_category.id}).json() == records
    )
