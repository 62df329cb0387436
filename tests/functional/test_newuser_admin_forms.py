"""The administration page refuses in the reader's language and keeps what was typed."""

from __future__ import annotations

import pytest
from tests.functional.conftest import csrf_of, login


@pytest.fixture
def token(client, world):
    login(client, "boss")
    return csrf_of(client.get("/staff/admin").text)


def refusal(response) -> str:
    assert response.status_code == 422
    start = response.text.index('id="admin-message">') + len('id="admin-message">')
    return response.text[start : response.text.index("</p>", start)]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh", "承办部门工作人员须选择所属部门。"), ("en", "Department staff need a department: choose one.")],
)
def test_a_refused_user_is_explained_and_the_form_keeps_its_values(client, token, language, expected):
    form = {
        "username": "clerk",
        "display_name": "新办事员",
        "role": "staff",
        "password": "Xq7#long-enough-pass",
    }
    refused = client.post(f"/staff/admin/users?lang={language}", data=form | {"csrf_token": token})
    assert refusal(refused) == expected
    assert "--department" not in refused.text
    assert 'value="clerk"' in refused.text
    assert 'value="新办事员"' in refused.text
    assert "Xq7#long-enough-pass" not in refused.text  # a password is never sent back


def test_a_weak_password_is_refused_in_one_language(client, token):
    form = {"username": "clerk2", "role": "dispatcher", "password": "123456", "csrf_token": token}
    assert refusal(client.post("/staff/admin/users?lang=zh", data=form)) == "密码至少要有 8 个字符。"
    english = refusal(client.post("/staff/admin/users?lang=en", data=form))
    assert english == "The password must have at least 8 characters."  # a sentence, not raw text
    nameless = refusal(client.post("/staff/admin/users?lang=zh", data=form | {"username": ""}))
    assert nameless == "用户名：请填写用户名。"  # the empty field named first
    kept = client.post("/staff/admin/users?lang=zh", data=form).text
    assert '<option value="dispatcher" selected>' in kept


def test_department_rule_and_template_refusals(client, token, world):
    dup = client.post(
        "/staff/admin/departments?lang=zh",
        data={"code": "JTJ", "name": "交通二局", "contact_phone": "0731-1", "csrf_token": token},
    )
    assert refusal(dup) == "部门代码“JTJ”已存在。"
    assert 'value="交通二局"' in dup.text
    assert 'value="0731-1"' in dup.text

    both = client.post(
        "/staff/admin/rules?lang=zh",
        data={"reply_working_days": "5", "reply_hours": "4", "note": "测试", "csrf_token": token},
    )
    assert refusal(both) == "工作日数和小时数只能填一项。"
    assert 'value="测试"' in both.text
    empty = client.post("/staff/admin/rules?lang=en", data={"csrf_token": token})
    assert refusal(empty) == "Give the reply deadline in working days or in hours, or the time to sign for."

    template = client.post(
        "/staff/admin/templates?lang=zh",
        data={"name": "通用答复", "body": "您好，{nosuch}", "csrf_token": token},
    )
    assert refusal(template).startswith("未知的占位符 ")
    assert "您好，{nosuch}</textarea>" in template.text


def test_a_file_that_is_not_a_workbook_is_explained(client, token):
    refused = client.post(
        "/staff/admin/categories?lang=zh",
        data={"csrf_token": token},
        files={"file": ("分类.xlsx", b"not a zip", "application/octet-stream")},
    )
    said = refusal(refused)
    assert "无法作为 Excel .xlsx 工作簿打开" in said
    assert "BadZipFile" not in said


def test_a_weak_new_password_is_refused_in_the_readers_language(client, world):
    login(client, "road")
    token = csrf_of(client.get("/staff/password").text)
    form = {"current_password": "password123", "new_password": "12345678", "confirm_password": "12345678"}
    chinese = client.post("/staff/password?lang=zh", data=form | {"csrf_token": token})
    assert chinese.status_code == 422
    assert "密码太常见，容易被猜到" in chinese.text
    assert "his password" not in chinese.text
    english = client.post("/staff/password?lang=en", data=form | {"csrf_token": token})
    assert "This password is too common." in english.text
    assert "密码太常见" not in english.text
