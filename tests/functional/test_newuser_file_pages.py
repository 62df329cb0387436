"""Export, import and statement pages: refusals a staff member can act on, in the page's language."""

from __future__ import annotations

import re

import pytest
from tests.functional.conftest import csrf_of, login

from minyi.demo import factories
from minyi.web.domain_texts import domain_text


def alert(response) -> str:
    match = re.search(r'role="alert"[^>]*>(.*?)</(?:div|p)>', response.text, re.DOTALL)
    assert match, response.text[:500]
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_export_offers_the_category_tree_and_exports_one_category(client, world):
    login(client, "boss")
    page = client.get("/staff/export")
    assert f'<option value="{world.road_category.id}">{world.road_category.path}</option>' in page.text
    token = csrf_of(page.text)
    done = client.post(
        "/staff/export", data={"csrf_token": token, "category": world.road_category.id, "format": "csv"}
    )
    assert done.status_code == 200
    assert done.headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("form", "zh", "en"),
    [
        ({"from": "2026-13-01"}, "日期格式应为 2026-03-01。", "Expected a date such as 2026-03-01."),
        (
            {"from": "2026-12-01", "to": "2026-01-01"},
            "结束日期早于开始日期。",
            "The period ends before it starts.",
        ),
        ({"category": "物业管理"}, "没有该类别。", "No such category."),
    ],
)
def test_export_refusals_are_in_the_readers_language(client, world, form, zh, en):
    login(client, "boss")
    token = csrf_of(client.get("/staff/export").text)
    for language, expected in (("zh", zh), ("en", en)):
        refused = client.post(
            f"/staff/export?lang={language}", data=form | {"csrf_token": token, "format": "csv"}
        )
        assert refused.status_code in {404, 422}
        assert expected in alert(refused)
        assert "<title>" + ("出错了" if language == "zh" else "") in refused.text


def test_an_import_upload_is_refused_with_the_uploaded_name(client, world):
    login(client, "boss")
    token = csrf_of(client.get("/staff/imports").text)
    refused = client.post(
        "/staff/imports?lang=zh",
        data={"csrf_token": token},
        files={"file": ("来信.csv", "编号,日期\n1,2\n".encode(), "text/csv")},
    )
    assert refused.status_code == 422
    said = alert(refused)
    assert said.startswith("找不到留言内容所在的列")
    assert "编号, 日期" in said
    assert "--map" not in said
    broken = client.post(
        "/staff/imports?lang=zh",
        data={"csrf_token": token},
        files={"file": ("来信.xlsx", b"not a workbook", "application/octet-stream")},
    )
    assert alert(broken).startswith("来信.xlsx：无法作为 Excel .xlsx 工作簿打开")


def test_an_empty_statement_is_refused_in_the_readers_language(client, world):
    login(client, "boss")
    token = csrf_of(client.get("/staff/statements").text)
    refused = client.post("/staff/statements?lang=zh", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "请填写发布的标题和正文。" in refused.text


def test_english_pages_name_departments_in_english_when_they_have_an_english_name(client, session, world):
    world.roads.name_en = "Transport Bureau"
    session.commit()
    login(client, "road")
    english = client.get("/staff/export?lang=en").text
    assert "JTJ · Transport Bureau" in english
    assert "交通运输局" not in english  # the staff bar too
    chinese = client.get("/staff/export?lang=zh").text
    assert "JTJ · 交通运输局" in chinese


def test_a_status_change_the_case_does_not_allow_is_explained_in_the_readers_language(client, session, world):
    case = factories.make_case(session, status="signed", department=world.roads, category=world.road_category)
    session.commit()
    login(client, "road")
    token = csrf_of(client.get(f"/staff/cases/{case.id}").text)
    chinese = client.post(
        f"/staff/cases/{case.id}/status?lang=zh", data={"status": "closed", "csrf_token": token}
    )
    assert chinese.status_code == 409
    assert alert(chinese).startswith("案件当前为“已签收”，不能直接改为“已办结”（可改为：办理中）")
    english = client.post(
        f"/staff/cases/{case.id}/status?lang=en", data={"status": "closed", "csrf_token": token}
    )
    assert alert(english).startswith("The case is Signed for: it cannot simply become Closed")


@pytest.mark.parametrize(
    ("message", "zh"),
    [
        ("decision must be confirm or undo", "请选择确认或撤销。"),
        ("the format is csv, xlsx or jsonl", "格式应为 CSV、XLSX 或 JSONL。"),
        ("the date must look like 2026-12-31", "日期格式应为 2026-12-31。"),
    ],
)
def test_short_form_refusals_have_chinese_words(message, zh):
    assert domain_text(message, "zh") == zh
    assert domain_text(message, "en") != message or message[0].isupper()


def test_the_statements_page_says_when_none_is_published(client, world):
    login(client, "boss")
    page = client.get("/staff/statements")
    assert 'id="statements-none"' in page.text
    assert "尚未发布统一答复" in page.text
