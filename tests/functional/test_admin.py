"""Administration: users, departments, category tree, deadline rules, reply templates."""

from __future__ import annotations

from tests.functional.conftest import csrf_of, login

from minyi.accounts.models import User
from minyi.admin import services as admin
from minyi.admin.models import ReplyTemplate
from minyi.cases.deadlines import DeadlinePolicy
from minyi.cases.models import DeadlineRuleRecord
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.departments.models import Category, Department


def admin_token(client):
    login(client, "boss")
    return csrf_of(client.get("/staff/admin").text)


def test_only_admins(client, world):
    assert client.get("/staff/admin", follow_redirects=False).status_code == 303
    login(client, "road")
    assert client.get("/staff/admin").status_code == 403
    token = csrf_of(client.get("/staff").text)
    assert (
        client.post(
            "/staff/admin/departments", data={"code": "X", "name": "Y", "csrf_token": token}
        ).status_code
        == 403
    )


def test_users_and_departments(client, session, world):
    token = admin_token(client)
    added = client.post(
        "/staff/admin/departments", data={"code": "HBJ", "name": "生态环境局", "csrf_token": token}
    )
    assert added.status_code == 200
    assert session.query(Department).filter_by(code="HBJ").one()
    dup = client.post("/staff/admin/departments", data={"code": "HBJ", "name": "again", "csrf_token": token})
    assert dup.status_code == 422
    user = {
        "username": "hbj",
        "role": "staff",
        "department_code": "HBJ",
        "password": "long-enough-1",
        "csrf_token": token,
    }
    assert client.post("/staff/admin/users", data=user).status_code == 200
    created = session.query(User).filter_by(username="hbj").one()
    assert created.department.code == "HBJ"
    short = client.post("/staff/admin/users", data=user | {"username": "x", "password": "short"})
    assert short.status_code == 422
    assert "密码至少要有 8 个字符" in short.text  # the page's language
    client.post(f"/staff/admin/users/{created.id}/active", data={"csrf_token": token})
    session.refresh(created)
    assert not created.is_active
    assert (
        client.post(f"/staff/admin/users/{world.admin.id}/active", data={"csrf_token": token}).status_code
        == 422
    )


def test_category_upload(client, session, world):
    token = admin_token(client)
    csv = "一级分类,二级分类,三级分类\n城乡建设,物业管理,物业收费\n".encode()
    response = client.post(
        "/staff/admin/categories", data={"csrf_token": token}, files={"file": ("tree.csv", csv, "text/csv")}
    )
    assert response.status_code == 200
    assert "新建 3 个类别" in response.text  # in the page's language
    assert session.query(Category).filter_by(name="物业收费").one().level == 3
    bad = client.post(
        "/staff/admin/categories",
        data={"csrf_token": token},
        files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")},
    )
    assert bad.status_code == 422
    assert "一级分类" in bad.text


def test_deadline_rules_set_due_dates(client, session, world):
    token = admin_token(client)
    rule = {"category_id": world.road_category.id, "reply_working_days": "5", "csrf_token": token}
    assert client.post("/staff/admin/rules", data=rule).status_code == 200
    both = client.post("/staff/admin/rules", data=rule | {"reply_hours": "4"})
    assert both.status_code == 422
    assert session.query(DeadlineRuleRecord).count() == 1
    case = factories.make_case(
        session, status="dispatched", department=world.roads, category=world.road_category
    )
    expected = DeadlinePolicy().calendar.add_working_days(case.accepted_at, 5)
    assert case.due_at == expected
    other = factories.make_case(
        session, status="dispatched", department=world.schools, category=world.school_category
    )
    assert other.due_at > case.due_at or other.due_at == DeadlinePolicy().reply_due(other.accepted_at)
    rule_id = session.query(DeadlineRuleRecord).one().id
    client.post(f"/staff/admin/rules/{rule_id}/delete", data={"csrf_token": token})
    assert session.query(DeadlineRuleRecord).count() == 0


def test_reply_templates(client, session, world):
    token = admin_token(client)
    body = "您好！您反映的“{title}”（编号{number}）已收悉，{department}将于{due}前答复。联系电话：{phone}。"
    assert (
        client.post(
            "/staff/admin/templates", data={"name": "受理回复", "body": body, "csrf_token": token}
        ).status_code
        == 200
    )
    bad = client.post(
        "/staff/admin/templates", data={"name": "坏", "body": "您好 {citizen}", "csrf_token": token}
    )
    assert bad.status_code == 422
    world.roads.contact_phone = "0731-88001234"
    case = factories.make_case(
        session, status="signed", department=world.roads, category=world.road_category, title="路灯不亮"
    )
    session.commit()
    template = session.query(ReplyTemplate).one()
    text = admin.render_template(template, case, utcnow())
    assert "路灯不亮" in text
    assert case.number in text
    assert "0731-88001234" in text
    assert "{" not in text
    login(client, "road")
    page = client.get(f"/staff/cases/{case.id}")
    filled = client.post(
        f"/staff/cases/{case.id}/reply",
        data={"action": "template", "template_id": template.id, "body": "", "csrf_token": csrf_of(page.text)},
    )
    assert filled.status_code == 200
    assert "交通运输局将于" in filled.text


def test_admin_json_api(client, session, world):
    from tests.functional.conftest import bearer

    boss = bearer(session, world.admin)
    road = bearer(session, world.road_staff)
    assert client.get("/api/v1/admin/departments", headers=road).status_code == 403
    assert client.get("/api/v1/admin/departments").status_code == 401
    made = client.post(
        "/api/v1/admin/departments", json={"code": "WJW", "name": "卫生健康委员会"}, headers=boss
    )
    assert made.status_code == 201
    assert (
        client.post("/api/v1/admin/departments", json={"code": "WJW", "name": "x"}, headers=boss).status_code
        == 409
    )
    user = client.post(
        "/api/v1/admin/users",
        json={"username": "wjw", "password": "long-enough-1", "department": "WJW"},
        headers=boss,
    )
    assert user.status_code == 201
    assert user.json()["department"] == "WJW"
    assert "password" not in user.text
    off = client.post(f"/api/v1/admin/users/{user.json()['id']}/active", headers=boss)
    assert off.json()["is_active"] is False
    rule = client.post(
        "/api/v1/admin/deadline-rules",
        json={"appeal_kind": "help", "reply_hours": 4, "note": "紧急求助"},
        headers=boss,
    )
    assert rule.status_code == 201
    bad = client.post("/api/v1/admin/deadline-rules", json={"appeal_kind": "help"}, headers=boss)
    assert bad.status_code == 422
    assert client.delete(f"/api/v1/admin/deadline-rules/{rule.json()['id']}", headers=boss).status_code == 204
    template = client.post(
        "/api/v1/admin/templates", json={"name": "t", "body": "您好，{title}已收悉。"}, headers=boss
    )
    assert template.status_code == 201
    assert (
        client.post("/api/v1/admin/templates", json={"name": "t", "body": "{who}"}, headers=boss).status_code
        == 422
    )
    assert [t["name"] for t in client.get("/api/v1/admin/templates", headers=boss).json()] == ["t"]
