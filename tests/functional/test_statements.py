"""Public statements (权威发布): one answer for many cases."""

from __future__ import annotations

from tests.functional.conftest import bearer, csrf_of, login

from minyi.cases.models import Case, Statement
from minyi.demo import factories
from minyi.notify.models import OutboxMessage


def cases_for(session, world, n=3):
    made = [
        factories.make_case(
            session,
            status="dispatched",
            department=world.roads,
            category=world.road_category,
            title=f"搅拌站噪音{i}",
            body=f"丽发新城旁搅拌站夜间噪音扰民，第{i}位居民反映。",
            contact={"email": f"r{i}@example.com"},
        )
        for i in range(n)
    ]
    session.commit()
    return made


def test_api_statement_answers_every_case(client, session, world):
    made = cases_for(session, world)
    body = {
        "title": "关于丽发新城搅拌站噪音问题的答复",
        "body": "经核查，该搅拌站夜间施工已于即日起停止，违规行为已依法处理。",
        "cases": [
            {"case": made[0].number, "note": "已上门回访"},
            {"case": made[1].id},
            {"case": made[2].number},
        ],
        "issue_key": "lifa-mixing",
    }
    road = bearer(session, world.road_staff)
    response = client.post("/api/v1/statements", json=body, headers=road)
    assert response.status_code == 201, response.text
    assert sorted(response.json()["case_numbers"]) == sorted(c.number for c in made)
    session.expire_all()
    for made_case in made:
        case = session.get(Case, made_case.id)
        assert case.status == "replied"
        assert "搅拌站夜间施工已于即日起停止" in case.replies[-1].body
    assert "已上门回访" in session.get(Case, made[0].id).replies[-1].body
    told = {m.recipient for m in session.query(OutboxMessage)}
    assert {"r0@example.com", "r1@example.com", "r2@example.com"} <= told
    assert client.get("/api/v1/statements").json()[0]["issue_key"] == "lifa-mixing"
    school = bearer(session, world.school_staff)
    assert client.post("/api/v1/statements", json=body, headers=school).status_code == 422
    closed = factories.make_case(
        session, status="closed", department=world.roads, category=world.road_category
    )
    session.commit()
    refused = client.post(
        "/api/v1/statements", json=body | {"cases": [{"case": closed.number}]}, headers=road
    )
    assert refused.status_code == 409


def test_statement_pages(client, session, world):
    made = cases_for(session, world, n=2)
    login(client, "road")
    token = csrf_of(client.get("/staff/statements").text)
    lines = f"{made[0].number} 已电话告知\n{made[1].number}"
    form = {"title": "统一答复", "body": "已处理完毕。", "case_lines": lines, "csrf_token": token}
    assert client.post("/staff/statements", data=form).status_code == 200
    assert session.query(Statement).count() == 1
    missing = client.post("/staff/statements", data=form | {"case_lines": "NOPE-1"})
    assert missing.status_code == 422
    public = client.get("/public/statements")
    assert "统一答复" in public.text
    assert "2 件诉求已答复" in public.text
