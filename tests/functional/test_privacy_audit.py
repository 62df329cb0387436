"""Privacy audit (issue 12 item 8): no personal datum seeded in a case reaches anyone anonymous.

Messages are seeded with a mobile, a citizen's landline, resident IDs (valid and mistyped),
an e-mail address, bank cards (passing and failing Luhn), a room number, a name the author
introduced, a contact name and numbers split by spaces or zero-width characters. Their
cases are public and answered by replies and a statement that repeat the names and the
numbers. Then every page and API answer an anonymous visitor can get is fetched (the
routes are read from the application, so a new public route is audited too) and searched
for each seeded value, compared without separators. The department's own number and the
allow-listed one (``MINYI_PUBLIC_NUMBERS``) must stay readable.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import TEST_SECRET
from tests.functional.conftest import csrf_of

from minyi.accounts.models import Role
from minyi.cases import statements
from minyi.cases.models import Case
from minyi.cases.services import add_reply
from minyi.demo import factories
from minyi.intake import identity
from minyi.notify.models import OutboxMessage
from minyi.pipeline.privacy import id_checksum_ok, luhn_ok
from minyi.settings import Settings

DEPARTMENT_PHONE = "0731-88001234"
ALLOWED = "0731-85551234"  # MINYI_PUBLIC_NUMBERS


def _valid_id(first17: str) -> str:
    return next(first17 + c for c in "0123456789X" if id_checksum_ok(first17 + c))


def _valid_card(first: str) -> str:
    return next(first + d for d in "0123456789" if luhn_ok(first + d))


VALID_ID = _valid_id("43010219900101123")
MISTYPED_ID = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")
VALID_CARD = _valid_card("622202123456789012")
FAILING_CARD = VALID_CARD[:-1] + str((int(VALID_CARD[-1]) + 1) % 10)
assert id_checksum_ok(VALID_ID)
assert not id_checksum_ok(MISTYPED_ID)
assert luhn_ok(VALID_CARD)
assert not luhn_ok(FAILING_CARD)


def _spaced(number: str) -> str:
    return f"{number[:3]} {number[3:7]} {number[7:]}"


def _zero_width(number: str) -> str:
    return f"{number[:3]}\u200b{number[3:7]}\u200c{number[7:]}"


SECRETS = {
    "mobile": "13812345678",
    "spaced mobile": "13987654321",
    "zero-width mobile": "13712345678",
    "landline": "0731-84123456",
    "valid ID": VALID_ID,
    "mistyped ID": MISTYPED_ID,
    "e-mail": "zhangwei.home@example.com",
    "valid card": VALID_CARD,
    "card failing Luhn": FAILING_CARD,
    "room": "3栋402",
    "introduced name": "张伟",
    "contact name": "李秀英",
    "another case's contact name": "赵敏",
    "contact phone": "15912340000",
    "contact e-mail": "lixiuying@example.com",
}

TITLE = f"锦绣家园3栋402室漏水，联系电话{_spaced('13987654321')}"
BODY = (
    "我叫张伟，家住芙蓉区锦绣家园3栋402室，楼上漏水一个月了。"
    f"手机13812345678，座机0731-84123456，身份证号{VALID_ID}，另一身份证号{MISTYPED_ID}，"
    f"邮箱zhangwei.home@example.com，银行卡号{VALID_CARD}，卡号{FAILING_CARD}，"
    f"备用手机{_zero_width('13712345678')}。李秀英是我母亲。"
)
REPLY = (
    "张伟您好！李秀英女士：您反映的锦绣家园3栋402室漏水问题已处理。"
    f"我们已按您留的电话13812345678、{_spaced('13987654321')}和0731-84123456与您联系，"
    f"身份证号{VALID_ID}已核实，退款将打入卡号{FAILING_CARD}，结果发到zhangwei.home@example.com。"
    f"如有疑问请拨打住建局电话 {DEPARTMENT_PHONE} 或 12345，夜间请拨 {ALLOWED}。"
)
STATEMENT = (
    f"张伟、李秀英、赵敏等居民：经核查，锦绣家园3栋402室漏水系楼上管道老化所致，已修复。"
    f"我局已致电13812345678回访。咨询请拨打住建局电话 {DEPARTMENT_PHONE} 或 12345。"
)


def squeeze(text: str) -> str:
    """``text`` without separators that can split a number: spaces, dashes, parentheses, zero-width."""
    return re.sub(r"[\s\-\u00a0\u3000\u200b-\u200d\ufeff()（）]", "", text).lower()


@dataclass
class Seeded:
    case: Case
    code: str
    secret: str
    message_id: str


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.public_numbers = f"{ALLOWED}, 400-000-0000"
    settings.public_page_size = 2
    return settings


@pytest.fixture
def seeded(session) -> Seeded:
    housing = factories.make_department(session, code="ZJJ", name="住建局", contact_phone=DEPARTMENT_PHONE)
    category = factories.make_category(session, name="住房保障", department=housing)
    case = factories.make_case(
        session,
        status="replied",
        category=category,
        reply_body=REPLY,
        title=TITLE,
        body=BODY,
        address="芙蓉区锦绣家园3栋402室",
        is_public=True,
        contact={"name": "李秀英", "phone": "15912340000", "email": "lixiuying@example.com"},
    )
    staff = factories.make_user(session, role=Role.STAFF.value, department=housing)
    add_reply(
        session,
        staff,
        case,
        f"补充：张伟、李秀英请留意，电话{_spaced('13812345678')}已登记。",
        public=True,
        min_score=0,
    )
    neighbour = factories.make_case(
        session,
        status="dispatched",
        category=category,
        title="锦绣家园楼道渗水",
        body="锦绣家园楼道墙面渗水，请尽快处理。",
        is_public=True,
        contact={"name": "赵敏", "phone": "15912340001"},
    )
    statements.publish(
        session, staff, title="关于锦绣家园张伟反映漏水的答复", body=STATEMENT, cases=[case, neighbour]
    )
    for i, text in enumerate(("人民路路灯不亮", "学校门口积水严重", "公交站台破损")):
        factories.make_case(
            session,
            status="replied",
            category=category,
            title=text,
            body=f"{text}，请尽快处理。第{i}次反映。",
            is_public=True,
        )
    session.commit()
    message = case.messages[0]
    return Seeded(case, message.tracking_code, identity.tracking_secret("test-key", message.id), message.id)


def _get_routes(app) -> list[str]:
    """Paths of every GET route of the application, included routers too."""
    paths: list[str] = []

    def walk(routes: Any, prefix: str = "") -> None:
        for route in routes:
            included = getattr(route, "original_router", None)
            if included is not None:
                walk(included.routes, prefix + route.include_context.prefix)
            elif "GET" in (getattr(route, "methods", None) or ()):
                paths.append(prefix + route.path)
            elif getattr(route, "routes", None):
                walk(route.routes, prefix + getattr(route, "path", ""))

    walk(app.routes)
    return paths


def _text(response) -> str:
    if response.headers.get("content-type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.text


def _leaks(text: str) -> list[str]:
    seen = squeeze(text)
    return [name for name, value in SECRETS.items() if squeeze(value) in seen]


def _anonymous_pages(client: TestClient, app, seeded: Seeded) -> dict[str, str]:
    """Every answer an anonymous visitor gets: each GET route (ids filled in), then the tracking views."""
    values = {
        "case_id": seeded.case.id,
        "message_id": seeded.message_id,
        "issue_id": "none",
        "rule_id": "none",
        "language": "zh",
    }
    pages: dict[str, str] = {}
    for path in _get_routes(app):
        for fmt in ("json", "xml") if "{fmt}" in path else ("",):  # Open311 answers in both formats
            filled = {
                **values,
                "fmt": fmt,
                "service_request_id": seeded.case.number,
                "service_code": seeded.case.category_id or "x",
            }
            url = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m, f=filled: f.get(m[1], "x"), path)
            pages[url] = _text(client.get(url))
    for url in (f"/public?code={seeded.code}", "/public/statements?page=1", "/public?lang=en"):
        pages[url] = _text(client.get(url))
    for page in range(2, 10):  # every page of /public, until there is none
        response = client.get(f"/public?page={page}")
        if response.status_code == 404:  # past the last page
            break
        pages[f"/public?page={page}"] = response.text
    form = client.get("/track")
    tracked = client.post(
        "/track", data={"code": seeded.code, "secret": seeded.secret, "csrf_token": csrf_of(form.text)}
    )
    assert tracked.status_code == 200, tracked.text
    pages["POST /track"] = tracked.text
    api = client.get(f"/api/v1/messages/{seeded.message_id}", headers={"X-Tracking-Secret": seeded.secret})
    assert api.status_code == 200, api.text
    pages["GET /api/v1/messages/{id} with the tracking secret"] = _text(api)
    return pages


def test_no_seeded_personal_datum_reaches_an_anonymous_visitor(client, app, seeded):
    pages = _anonymous_pages(client, app, seeded)
    assert {"/", "/public", "/public/statements", "/api/v1/statements", "/track"} <= set(pages)
    assert f"/open311/v2/requests/{seeded.case.number}.xml" in pages
    leaks = {url: found for url, text in pages.items() if (found := _leaks(text))}
    assert leaks == {}
    # the answers are there, masked, with the official numbers readable
    public = "".join(
        text for url, text in pages.items() if url.startswith("/public?page") or url == "/public"
    )
    assert "/public?page=3" in pages
    assert "张*您好" in public
    assert "李**女士" in public
    assert "138****5678" in public
    for url in ("/public", "/public/statements", "/api/v1/statements", "POST /track"):
        found = pages[url] if url != "/public" else public
        assert DEPARTMENT_PHONE in found, url
        assert "12345" in found, url
    assert ALLOWED in public
    assert ALLOWED in pages["POST /track"]
    assert pages[f"/public?code={seeded.code}"].count("public-case") >= 1


def test_citizens_notices_carry_no_reply_text(session, seeded):
    told = [m for m in session.query(OutboxMessage) if m.payload.get("audience") == "citizen"]
    assert told
    for notice in told:
        assert _leaks(f"{notice.subject} {notice.body}") == []


def test_the_api_statement_is_masked_like_the_page(client, seeded):
    listed = client.get("/api/v1/statements").json()
    statement = next(s for s in listed if "漏水" in s["body"])
    assert "138****5678" in statement["body"]
    assert "张*" in statement["body"]
    assert "李**" in statement["body"]
    assert DEPARTMENT_PHONE in statement["body"]
    assert "张伟" not in statement["title"]
    assert TEST_SECRET not in json.dumps(listed)
