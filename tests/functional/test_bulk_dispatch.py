"""批量派单 over HTTP: the inbox's ticks and dispatch bar, the result page, the JSON API.

The surge-day probe (docs/security-probes.md, thirteenth probe) left open that a dispatcher
facing hundreds of cases for one department had to open each to dispatch it.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from tests.functional.conftest import bearer, csrf_of, login

from minyi.audit import services as audit
from minyi.audit.models import AuditEvent
from minyi.cases.models import Case, CaseStatus, EventAction
from minyi.demo import factories


def _desk(session, n: int, prefix: str = "积水") -> list[Case]:
    cases = [
        factories.make_case(session, status="received", key=f"{prefix}-{i}", title=f"{prefix}{i}")
        for i in range(n)
    ]
    session.commit()
    return cases


def _send(client, ids, department_id, note="", back="/staff?status=received"):
    token = csrf_of(client.get("/staff").text)
    data = {"csrf_token": token, "case_ids": ids, "department_id": department_id, "note": note, "back": back}
    return client.post("/staff/bulk/dispatch", data=data)


def test_the_inbox_offers_ticks_with_labels_to_dispatchers_only(client, session, world):
    desk = _desk(session, 2)
    elsewhere = factories.make_case(session, status="dispatched", department=world.roads, key="k-else")
    session.commit()
    login(client, "disp")
    page = client.get("/staff").text
    assert 'action="/staff/bulk/dispatch"' in page
    assert 'name="csrf_token"' in page
    for case in desk:
        assert f'<input type="checkbox" name="case_ids" value="{case.id}" id="pick-{case.id}"' in page
        assert re.search(
            rf'<label for="pick-{case.id}">选择<span class="sr-only"> {case.number}</span></label>', page
        )
    assert f'value="{elsewhere.id}"' not in page  # only cases at the desk can be ticked
    assert '<label for="bulk-department">派往承办单位</label>' in page
    assert '<label for="bulk-note">办理意见（可选）</label>' in page
    assert '<label for="bulk-all">全选本页待派单案件</label>' in page
    assert 'role="status" aria-live="polite"' in page
    login(client, "road")
    assert "/staff/bulk/dispatch" not in client.get("/staff").text


def test_ticked_cases_go_and_the_page_says_which_did_not_and_why(client, session, world):
    desk = _desk(session, 3)
    elsewhere = factories.make_case(session, status="dispatched", department=world.schools, key="k-e")
    answered = factories.make_case(session, status="replied", department=world.schools, key="k-r")
    session.commit()
    login(client, "disp")
    ids = [c.id for c in desk] + [elsewhere.id, answered.id]
    response = _send(client, ids, world.roads.id, note="雨后积水，请尽快疏通")
    assert response.status_code == 200
    page = response.text
    assert "已派往 交通运输局：3 件" in page
    assert "未派出：2 件" in page
    assert (
        f'{elsewhere.number}</a></td><td data-label="原因" class="reason">已派往 教育局（可能刚被他人派单）'
        in page
    )
    assert f"{answered.number}</a>" in page
    assert "案件状态为“已答复”，无需派单。" in page
    assert 'href="/staff?status=received"' in page  # back to the page the form was on
    session.expire_all()
    for case in desk:
        fresh = session.get(Case, case.id)
        assert fresh.status == CaseStatus.DISPATCHED
        assert fresh.department_id == world.roads.id
        assert fresh.sign_due_at is None or fresh.sign_due_at > fresh.accepted_at
        assert fresh.events[-1].payload["note"] == "雨后积水，请尽快疏通"
        assert fresh.events[-1].action == EventAction.DISPATCHED
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == audit.BULK_DISPATCH)).one()
    assert event.actor == "disp"
    assert event.details["cases"] == 3
    assert event.details["numbers"] == [c.number for c in desk]
    # the trail's page says it in words
    login(client, "boss")
    trail = client.get("/staff/admin/audit?action=bulk_dispatch").text
    assert "批量派单" in trail
    assert "案件编号" in trail
    assert desk[0].number in trail
    # sent again (Back and send): nothing moves twice
    login(client, "disp")
    again = _send(client, [c.id for c in desk], world.schools.id).text
    assert "没有案件被派出。" in again
    assert again.count("已派往 交通运输局（可能刚被他人派单）") == 3


def test_refusals_name_the_field_in_chinese_with_status_422(client, session, world):
    case = _desk(session, 1)[0]
    login(client, "disp")
    none = _send(client, [], world.roads.id)
    assert none.status_code == 422
    assert "请先勾选要派单的案件" in none.text
    assert re.search(r"<title>错误：", none.text)
    nowhere = _send(client, [case.id], "")
    assert nowhere.status_code == 422
    assert "承办单位：请选择承办单位。" in nowhere.text
    too_many = _send(client, [case.id] + [f"x{n}" for n in range(200)], world.roads.id)
    assert too_many.status_code == 422
    assert "一次最多批量派单 200 件（本次勾选了 201 件）" in too_many.text
    long_note = _send(client, [case.id], world.roads.id, note="长" * 501)
    assert long_note.status_code == 422
    assert "办理意见：最多 500 个字。" in long_note.text
    session.expire_all()
    assert session.get(Case, case.id).status == CaseStatus.RECEIVED
    assert not session.scalars(select(AuditEvent).where(AuditEvent.action == audit.BULK_DISPATCH)).all()


def test_department_staff_and_forms_without_csrf_are_refused(client, session, world):
    case = _desk(session, 1)[0]
    login(client, "road")
    assert _send(client, [case.id], world.roads.id).status_code == 403
    login(client, "sup")
    assert _send(client, [case.id], world.roads.id).status_code == 403
    login(client, "disp")
    forged = client.post(
        "/staff/bulk/dispatch", data={"case_ids": [case.id], "department_id": world.roads.id}
    )
    assert forged.status_code == 400  # the CSRF check refuses it (as every form)
    off_site = _send(client, [case.id], world.roads.id, back="https://evil.example/")
    assert 'href="https://evil.example/' not in off_site.text
    assert 'href="/staff"' in off_site.text
    session.expire_all()
    assert session.get(Case, case.id).status == CaseStatus.DISPATCHED  # the last one went


def test_the_api_dispatches_and_lists_the_skipped_with_reasons(client, session, world):
    desk = _desk(session, 2)
    elsewhere = factories.make_case(session, status="dispatched", department=world.schools, key="k-a")
    headers = bearer(session, world.dispatcher)
    body = {"case_ids": [desk[0].id, elsewhere.id, "nope", desk[1].id], "department": "JTJ", "note": "尽快"}
    answer = client.post("/api/v1/cases/bulk-dispatch", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["department"] == "JTJ"
    assert [c["number"] for c in data["dispatched"]] == [desk[0].number, desk[1].number]
    assert [(s["id"], s["reason"]) for s in data["skipped"]] == [
        (elsewhere.id, "already_dispatched"),
        ("nope", "not_found"),
    ]
    assert "JYJ" in data["skipped"][0]["message"]
    again = client.post("/api/v1/cases/bulk-dispatch", json=body, headers=headers).json()
    assert again["dispatched"] == []  # a retry sends nothing twice


def test_the_api_refuses_with_403_and_422_naming_the_field(client, session, world):
    case = _desk(session, 1)[0]
    staff = bearer(session, world.road_staff)
    body = {"case_ids": [case.id], "department": "JTJ"}
    assert client.post("/api/v1/cases/bulk-dispatch", json=body, headers=staff).status_code == 403
    headers = bearer(session, world.dispatcher)
    cases = [
        ({"case_ids": [case.id], "department": "XXX"}, "department"),
        ({"case_ids": [], "department": "JTJ"}, "case_ids"),
        ({"case_ids": [case.id] * 2 + [f"x{n}" for n in range(200)], "department": "JTJ"}, "case_ids"),
        ({"case_ids": [case.id], "department": "JTJ", "note": "长" * 501}, "note"),
        ({"case_ids": [case.id], "department": "JTJ", "extra": 1}, "extra"),
    ]
    for body, field in cases:
        answer = client.post("/api/v1/cases/bulk-dispatch", json=body, headers=headers)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["fields"][0]["field"] == field
    zh = client.post(
        "/api/v1/cases/bulk-dispatch",
        json={"case_ids": [], "department": "JTJ"},
        headers={**headers, "Accept-Language": "zh-CN"},
    )
    assert "请先勾选要派单的案件" in zh.json()["message"]
    session.expire_all()
    assert session.get(Case, case.id).status == CaseStatus.RECEIVED


def test_the_result_page_speaks_english_to_an_english_reader(client, session, world):
    desk = _desk(session, 1)
    answered = factories.make_case(session, status="replied", department=world.schools, key="k-en")
    session.commit()
    login(client, "disp")
    client.get("/staff?lang=en")
    page = _send(client, [desk[0].id, answered.id], world.roads.id).text
    assert "Dispatched to" in page
    assert ": 1" in page
    assert "The case is Replied: nothing to dispatch." in page
    assert "Back to the inbox" in page
