"""Staff pages: login, department isolation, inbox filters, reply, status change."""

from __future__ import annotations

from tests.functional.conftest import PASSWORD, csrf_of, login

from minyi.demo import factories


def test_inbox_needs_login(client):
    response = client.get("/staff", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/login")


def test_wrong_password(client, world):
    page = client.get("/staff/login")
    response = client.post(
        "/staff/login", data={"username": "road", "password": "nope-nope", "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 401
    assert "不正确" in response.text


def test_login_needs_csrf(client, world):
    client.get("/staff/login")
    response = client.post("/staff/login", data={"username": "road", "password": PASSWORD, "csrf_token": "x"})
    assert response.status_code == 400


def test_department_staff_see_only_their_department(client, session, world):
    road_case = factories.make_case(
        session, department=world.roads, category=world.road_category, title="道路坑洼"
    )
    school_case = factories.make_case(
        session, department=world.schools, category=world.school_category, title="入学咨询"
    )
    session.commit()
    login(client, "road")
    inbox = client.get("/staff")
    assert "道路坑洼" in inbox.text
    assert "入学咨询" not in inbox.text
    assert client.get(f"/staff/cases/{road_case.id}").status_code == 200
    assert client.get(f"/staff/cases/{school_case.id}").status_code == 404


def test_admin_sees_all_and_filters(client, session, world):
    factories.make_case(session, department=world.roads, category=world.road_category, title="道路坑洼")
    factories.make_case(session, department=world.schools, category=world.school_category, title="入学咨询")
    factories.make_message(session, title="无人认领")
    session.commit()
    login(client, "boss")
    inbox = client.get("/staff")
    assert all(t in inbox.text for t in ("道路坑洼", "入学咨询", "无人认领"))
    only_school = client.get(f"/staff?department={world.schools.id}")
    assert "入学咨询" in only_school.text
    assert "道路坑洼" not in only_school.text
    unassigned = client.get("/staff?department=none")
    assert "无人认领" in unassigned.text
    assert "道路坑洼" not in unassigned.text
    searched = client.get("/staff?q=坑洼")
    assert "道路坑洼" in searched.text
    assert "入学咨询" not in searched.text
    by_status = client.get("/staff?status=received")
    assert "无人认领" in by_status.text
    assert "道路坑洼" not in by_status.text
    assert client.get("/staff?status=bogus").status_code == 422


def test_reply_and_status_change(client, session, world):
    case = factories.make_case(
        session, department=world.roads, category=world.road_category, title="道路坑洼"
    )
    session.commit()
    login(client, "road")
    page = client.get(f"/staff/cases/{case.id}")
    token = csrf_of(page.text)
    signed = client.post(
        f"/staff/cases/{case.id}/status",
        data={"status": "signed", "csrf_token": token},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    note = client.post(
        f"/staff/cases/{case.id}/reply",
        data={"body": "已联系养护中心", "visibility": "internal", "csrf_token": token},
    )
    assert note.status_code == 200
    replied = client.post(
        f"/staff/cases/{case.id}/reply",
        data={
            "body": "您好！坑洼已修复。",
            "visibility": "public",
            "reason": "已电话告知",
            "csrf_token": token,
        },
    )
    assert replied.status_code == 200
    assert "已答复" in replied.text
    session.refresh(case)
    assert case.status == "replied"
    assert [e.action for e in case.events][-3:] == ["status", "note", "replied"]
    assert [r.is_public for r in case.replies] == [False, True]


def test_illegal_transition_is_refused_with_a_message(client, session, world):
    case = factories.make_case(session, department=world.roads, category=world.road_category)
    session.commit()
    login(client, "road")
    token = csrf_of(client.get(f"/staff/cases/{case.id}").text)
    response = client.post(f"/staff/cases/{case.id}/status", data={"status": "closed", "csrf_token": token})
    assert response.status_code == 409
    assert "不能直接改为“已办结”" in response.text  # in the page's language


def test_empty_reply_is_refused(client, session, world):
    case = factories.make_case(session, department=world.roads, category=world.road_category)
    session.commit()
    login(client, "road")
    token = csrf_of(client.get(f"/staff/cases/{case.id}").text)
    response = client.post(f"/staff/cases/{case.id}/reply", data={"body": "  ", "csrf_token": token})
    assert response.status_code == 422


def test_other_department_cannot_act(client, session, world):
    case = factories.make_case(session, department=world.schools, category=world.school_category)
    session.commit()
    login(client, "road")
    token = csrf_of(client.get("/staff").text)
    assert (
        client.post(f"/staff/cases/{case.id}/reply", data={"body": "x", "csrf_token": token}).status_code
        == 404
    )
    assert (
        client.post(
            f"/staff/cases/{case.id}/status", data={"status": "signed", "csrf_token": token}
        ).status_code
        == 404
    )


def test_logout(client, world):
    login(client, "road")
    token = csrf_of(client.get("/staff").text)
    assert client.post("/staff/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/staff", follow_redirects=False).status_code == 303


def test_admin_dispatches_an_unassigned_case(client, session, world):
    message = factories.make_message(session, title="无人认领")
    session.commit()
    case = message.case
    login(client, "boss")
    page = client.get(f"/staff/cases/{case.id}")
    assert 'action="/staff/cases/' in page.text
    assert "/dispatch" in page.text
    token = csrf_of(page.text)
    response = client.post(
        f"/staff/cases/{case.id}/dispatch", data={"department_id": world.roads.id, "csrf_token": token}
    )
    assert response.status_code == 200
    session.refresh(case)
    assert case.status == "dispatched"
    assert case.department_id == world.roads.id
    assert case.due_at is not None
    assert [e.action for e in case.events][-2:] == ["accepted", "dispatched"]


def test_department_staff_cannot_dispatch(client, session, world):
    case = factories.make_case(session, department=world.roads, category=world.road_category)
    session.commit()
    login(client, "road")
    page = client.get(f"/staff/cases/{case.id}")
    assert "/dispatch" not in page.text
    response = client.post(
        f"/staff/cases/{case.id}/dispatch",
        data={"department_id": world.schools.id, "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 403


def test_a_case_of_many_repeats_shows_its_first_messages_and_links_to_the_rest(client, session, world):
    """A complaint repeated hundreds of times must not make its page megabytes long."""
    case = factories.make_case(session, status="received", title="第0条")
    for n in range(1, 33):
        factories.make_message(session, title=f"第{n}条", body="同样的问题").case = case
    session.commit()
    login(client, "disp")
    page = client.get(f"/staff/cases/{case.id}")
    assert page.status_code == 200
    assert page.text.count('<article class="message">') == 30
    assert "显示其余 3 条留言" in page.text
    assert f"/staff/cases/{case.id}?messages=all#messages" in page.text
    whole = client.get(f"/staff/cases/{case.id}?messages=all")
    assert whole.text.count('<article class="message">') == 33
    assert "显示其余" not in whole.text
