"""``POST /api/v1/admin/erasures``: admins only, a dry run first, refusals in the caller's language."""

from __future__ import annotations

from tests.functional.conftest import bearer

from minyi.audit.models import AuditEvent
from minyi.intake.models import Message

PHONE = "13812345678"


def _submit(client, **fields):
    body = {"title": "道路坑洼", "body": "星沙大道有大坑。", "contact": {"phone": PHONE}} | fields
    created = client.post("/api/v1/messages", json=body)
    assert created.status_code == 201, created.text
    return created.json()


def test_an_admin_erases_by_phone_after_a_dry_run(client, session, world):
    first = _submit(client)
    second = _submit(client, contact={"phone": "138 1234 5678"})
    other = _submit(client, contact={"phone": "13900000000"})
    admin = bearer(session, world.admin)

    dry = client.post("/api/v1/admin/erasures", json={"phones": [PHONE], "dry_run": True}, headers=admin)
    assert dry.status_code == 200, dry.text
    assert dry.json()["messages"] == 2
    assert sorted(dry.json()["codes"]) == sorted([first["tracking_code"], second["tracking_code"]])

    done = client.post("/api/v1/admin/erasures", json={"phones": [PHONE], "text": True}, headers=admin)
    assert done.status_code == 200, done.text
    assert (done.json()["messages"], done.json()["texts"], done.json()["dry_run"]) == (2, 2, False)
    session.expire_all()
    for created in (first, second):
        message = session.query(Message).filter(Message.tracking_code == created["tracking_code"]).one()
        assert message.contact is None
        assert "大坑" not in message.body
    kept = session.query(Message).filter(Message.tracking_code == other["tracking_code"]).one()
    assert kept.contact is not None
    event = session.query(AuditEvent).filter(AuditEvent.action == "erasure").one()
    assert event.actor == "boss"
    assert PHONE not in str(event.details)


def test_only_admins_and_plain_refusals(client, session, world):
    staff = bearer(session, world.road_staff)
    assert client.post("/api/v1/admin/erasures", json={"phones": [PHONE]}, headers=staff).status_code == 403
    admin = bearer(session, world.admin) | {"Accept-Language": "zh-CN"}
    empty = client.post("/api/v1/admin/erasures", json={}, headers=admin)
    assert empty.status_code == 422
    assert "请至少填写一项" in empty.json()["message"]
    short = client.post("/api/v1/admin/erasures", json={"phones": ["123"]}, headers=admin)
    assert short.status_code == 422
    assert "不完整" in short.json()["message"]
    assert short.json().get("field") == "phones"
    typo = client.post("/api/v1/admin/erasures", json={"phone": PHONE}, headers=admin)
    assert typo.status_code == 422


def test_the_admin_page_previews_then_erases(client, session, world):
    from tests.functional.conftest import csrf_of, login

    first = _submit(client)
    other = _submit(client, contact={"phone": "13900000000"})
    login(client, "road")
    assert client.get("/staff/admin/erasure").status_code == 403
    login(client, "boss")
    page = client.get("/staff/admin")
    assert 'href="/staff/admin/erasure"' in page.text
    form = client.get("/staff/admin/erasure")
    assert "删除个人信息（本人申请）" in form.text
    token = csrf_of(form.text)

    empty = client.post("/staff/admin/erasure", data={"csrf_token": token})
    assert empty.status_code == 422
    assert "请至少填写一项" in empty.text
    fields = {"csrf_token": token, "phones": "138 1234 5678\n", "text": "1"}
    preview = client.post("/staff/admin/erasure", data=fields)
    assert preview.status_code == 200
    assert "将删除 1 条留言" in preview.text
    assert first["tracking_code"] in preview.text
    assert other["tracking_code"] not in preview.text
    assert 'id="erasure-confirm"' in preview.text
    session.expire_all()
    assert session.query(Message).filter(Message.tracking_code == first["tracking_code"]).one().contact

    done = client.post("/staff/admin/erasure", data=fields | {"confirm": "1"})
    assert done.status_code == 200
    assert "已删除 1 条留言" in done.text
    assert 'id="erasure-confirm"' not in done.text
    session.expire_all()
    erased = session.query(Message).filter(Message.tracking_code == first["tracking_code"]).one()
    assert erased.contact is None
    assert "大坑" not in erased.body
    event = session.query(AuditEvent).filter(AuditEvent.action == "erasure").one()
    assert event.actor == "boss"
    audit_page = client.get("/staff/admin/audit")
    assert "应本人要求删除个人信息" in audit_page.text
