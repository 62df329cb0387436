"""Seventh probe (2026-12-07): what an attacker of the newer features and two race and
crash testers found. Each test fails on the tree before its fix."""

from __future__ import annotations

import io
import zipfile

from minyi.demo import factories


def test_a_stored_control_character_cannot_smuggle_a_formula_into_the_public_workbook(client, session, world):
    # Text stored by an import before control characters were dropped on import.
    factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title='\x01=HYPERLINK("http://evil.example/","点我")',
        body="\x01=2+2 路灯坏了很多天",
        is_public=True,
    )
    session.commit()
    workbook = client.get("/public/data/cases.xlsx")
    assert workbook.status_code == 200
    with zipfile.ZipFile(io.BytesIO(workbook.content)) as book:
        sheets = [book.read(name).decode() for name in book.namelist() if name.startswith("xl/worksheets/")]
    assert sheets
    assert not any("<f>" in sheet for sheet in sheets)
    assert any("HYPERLINK" in sheet for sheet in sheets)  # shown as text


def test_a_deadline_rule_of_a_hundred_million_days_is_refused_and_a_stored_one_cannot_stop_intake(
    client, session, world
):
    from tests.functional.test_admin import admin_token

    from minyi.cases.models import DeadlineRuleRecord

    token = admin_token(client)
    for field, value, said in (
        ("reply_working_days", "100000000", "工作日数最多为 365 天"),
        ("reply_hours", "1e12", "小时数最多为 1440 小时"),
    ):
        page = client.post("/staff/admin/rules", data={field: value, "csrf_token": token})
        assert page.status_code == 422
        assert said in page.text
    assert session.query(DeadlineRuleRecord).count() == 0
    # a rule stored before the bounds existed is left out, and cases still get a deadline
    session.add(DeadlineRuleRecord(reply_working_days=100_000_000))
    session.commit()
    case = factories.make_case(session, status="dispatched", department=world.roads)
    assert case.due_at is not None
    assert (case.due_at - case.accepted_at).days < 40


def test_only_a_signed_in_session_may_send_an_upload_larger_than_other_requests(client, settings):
    body = b"x" * (settings.max_request_bytes + 10_000)
    files = {"file": ("big.csv", body, "text/csv")}
    anonymous = client.post("/staff/imports", files=files, follow_redirects=False)
    assert anonymous.status_code == 413  # refused before the body is held, not a 303 after it
    # an HTML page in the reader's language, with the security headers of every page
    assert "提交的内容过大" in anonymous.text
    assert anonymous.headers.get("x-content-type-options") == "nosniff"


def test_a_step_from_a_stale_case_page_or_a_second_click_is_refused_in_chinese(client, session, world):
    import re

    from tests.functional.conftest import csrf_of, login

    from minyi.cases.models import CaseEvent

    case = factories.make_case(session, title="人民路路灯不亮")
    session.commit()
    login(client, "disp")
    page = client.get(f"/staff/cases/{case.id}").text
    version = re.search(r'name="case_version" value="(\d+)"', page)
    assert version is not None
    form = {"csrf_token": csrf_of(page), "case_version": version.group(1), "note": ""}
    first = client.post(
        f"/staff/cases/{case.id}/dispatch",
        data=form | {"department_id": world.roads.id},
        follow_redirects=False,
    )
    assert first.status_code == 303
    session.expire_all()
    steps = session.query(CaseEvent).filter_by(case_id=case.id).count()
    # the same page's form again (a second click, or a colleague's page opened before the first)
    stale = client.post(f"/staff/cases/{case.id}/dispatch", data=form | {"department_id": world.schools.id})
    assert stale.status_code == 409
    assert "刚才有其他人同时办理或修改了此事项" in stale.text
    session.expire_all()
    assert session.query(CaseEvent).filter_by(case_id=case.id).count() == steps
    assert session.get(type(case), case.id).department_id == world.roads.id


def test_a_message_that_could_not_be_processed_at_all_is_told_to_its_author_and_to_admins(
    client, session, world
):
    from tests.functional.conftest import csrf_of, login

    from minyi.intake import services as intake
    from minyi.intake.models import ProcessingState

    accepted = intake.accept(session, factories.make_message_in(), channel="portal", key="k-failed")
    accepted.message.state = ProcessingState.FAILED
    session.commit()
    page = client.get("/track")
    tracked = client.post(
        "/track",
        data={
            "code": accepted.message.tracking_code,
            "secret": accepted.tracking_secret,
            "csrf_token": csrf_of(page.text),
        },
    )
    assert "工作人员会尽快人工处理" in tracked.text
    assert "正在处理，请稍后刷新" not in tracked.text
    login(client, "boss")
    admin = client.get("/staff/admin").text
    assert "有 1 条留言已保存但自动处理失败" in admin
    assert "minyi process --retry-failed" in admin


def test_a_statement_sent_twice_is_published_once(client, session, world):
    from tests.functional.conftest import bearer
    from tests.functional.test_statements import cases_for

    from minyi.cases.models import Case, Statement

    made = cases_for(session, world, n=2)
    body = {
        "title": "关于搅拌站噪音的答复",
        "body": "夜间施工已停止。",
        "cases": [{"case": c.number} for c in made],
    }
    road = bearer(session, world.road_staff)
    first = client.post("/api/v1/statements", json=body, headers=road)
    again = client.post("/api/v1/statements", json=body, headers=road)
    assert first.status_code == 201
    assert again.status_code == 200  # the one already published, as a replayed message
    assert first.json()["id"] == again.json()["id"]
    session.expire_all()
    assert session.query(Statement).count() == 1
    assert all(len(session.get(Case, c.id).replies) == 1 for c in made)
    # the same words for other cases are another statement
    other = cases_for(session, world, n=1)
    third = client.post(
        "/api/v1/statements", json=body | {"cases": [{"case": other[0].number}]}, headers=road
    )
    assert third.status_code == 201
    assert third.json()["id"] != first.json()["id"]


def test_an_import_the_server_stopped_in_the_middle_of_ends_as_interrupted(client, session, world, settings):
    import socket
    import subprocess
    import sys

    from tests.functional.conftest import login

    from minyi.flows import import_runs
    from minyi.interop.models import ImportRun

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    staged = import_runs.staging_dir(settings) / "run.csv"
    staged.write_text("留言编号,留言详情\n1,路灯不亮\n", encoding="utf-8")
    report = {"stored_as": "run.csv", "total": 5000, "pid": gone.pid, "host": socket.gethostname()}
    run = ImportRun(file_name="附件4.csv", status=import_runs.RUNNING, rows_read=1000, report=report)
    session.add(run)
    session.commit()
    login(client, "boss")
    page = client.get(f"/staff/imports/{run.id}")
    assert "导入中断" in page.text
    session.expire_all()
    assert session.get(ImportRun, run.id).status == import_runs.FAILED
    assert not staged.exists()  # citizens' data in clear is not kept


def test_a_reply_sent_twice_by_an_api_client_is_stored_once(client, session, world):
    from tests.functional.conftest import bearer

    from minyi.cases.models import Case
    from minyi.notify.models import OutboxMessage

    case = factories.make_case(
        session, status="dispatched", department=world.roads, contact={"email": "c@example.com"}
    )
    session.commit()
    road = bearer(session, world.road_staff)
    body = {
        "body": "您好，经核查，人民路路灯已于今日修复，感谢您的反映。如有问题请致电12345。",
        "public": True,
    }
    url = f"/api/v1/cases/{case.id}/replies"
    answers = [client.post(url, json=body, headers=road).status_code for _ in range(2)]
    assert answers[0] in (200, 201)
    session.expire_all()
    assert len([r for r in session.get(Case, case.id).replies if r.is_public]) == 1
    assert session.query(OutboxMessage).filter_by(recipient="c@example.com").count() == 1


def test_a_case_opened_without_analysis_says_so_on_its_page_and_minyi_process_counts_it(
    client, session, world
):
    from tests.functional.conftest import login

    from minyi.flows import processing
    from minyi.intake import services as intake
    from minyi.intake.models import ProcessingState

    accepted = intake.accept(session, factories.make_message_in(), channel="api", key="k-unanalysed")
    session.flush()

    class Broken:
        route_threshold = 0.6

        def analyse(self, _item):
            raise RuntimeError("model file unreadable")

    result = processing.process_pending(session, pipeline=Broken())
    assert (result.processed, result.failed) == (1, 0)  # counted: minyi process goes on to the next batch
    message = accepted.message
    assert message.state == ProcessingState.PROCESSED
    session.commit()
    login(client, "disp")
    page = client.get(f"/staff/cases/{message.case_id}").text
    assert "这条留言的自动分析失败" in page


def test_the_same_words_answer_a_reopened_case_again(session, world):
    from minyi.cases import replies, workflow
    from minyi.cases.models import CaseStatus

    case = factories.make_case(session, status="dispatched", department=world.roads)
    text = "您好，经核查，人民路路灯已于今日修复，感谢您的反映。如有问题请致电12345。"
    replies.add_reply(session, world.road_staff, case, text, public=True, min_score=0)
    assert case.status == CaseStatus.REPLIED
    workflow.reopen(session, case, "市民反映仍未修好", world.supervisor)
    assert case.status not in (CaseStatus.REPLIED, CaseStatus.FOLLOW_UP)
    replies.add_reply(session, world.road_staff, case, text, public=True, min_score=0)
    assert case.status == CaseStatus.REPLIED
    assert len([r for r in case.replies if r.is_public]) == 2


def test_an_api_step_sent_with_if_match_is_refused_when_the_case_moved_on(client, session, world):
    """Two staff replying at once: PostgreSQL refused the second, SQLite (which serialises
    them) stored it as a further reply. With If-Match both refuse it (eighth probe)."""
    from tests.functional.conftest import bearer

    from minyi.demo import factories

    case = factories.make_case(session, status="signed", department=world.roads, category=world.road_category)
    session.commit()
    road = bearer(session, world.road_staff)
    read = client.get(f"/api/v1/cases/{case.id}", headers=road).json()
    version = read["version"]
    assert version > 0
    reply = {"body": "您好，路灯已修复，感谢您的反映。", "reason": "已电话说明"}
    first = client.post(
        f"/api/v1/cases/{case.id}/replies", json=reply, headers=road | {"If-Match": f'"{version}"'}
    )
    assert first.status_code == 201, first.text
    assert first.json()["version"] > version
    second = client.post(
        f"/api/v1/cases/{case.id}/replies",
        json=reply | {"body": "您好，我们已安排维修。"},
        headers=road | {"If-Match": str(version), "Accept-Language": "zh-CN"},
    )
    assert second.status_code == 409
    assert "刚才有其他人" in second.json()["message"]


def test_a_received_case_page_offers_no_public_reply_it_would_refuse(client, session, world):
    """The soak test chose 公开答复 on a received case and got 422 须先派单 (eighth probe)."""
    from tests.functional.conftest import login

    from minyi.demo import factories

    waiting = factories.make_case(session, status="received")
    session.commit()
    login(client, "boss")
    page = client.get(f"/staff/cases/{waiting.id}").text
    assert 'id="vis-public"' not in page
    assert "派单后才能公开答复" in page


def test_admins_are_told_of_cases_opened_without_analysis_and_how_to_analyse_them(client, session, world):
    from tests.functional.conftest import login

    from minyi.flows import processing
    from minyi.intake import services as intake

    accepted = intake.accept(session, factories.make_message_in(), channel="portal", key="k-plain")
    processing.mark_failed(session, accepted.message, RuntimeError("model file missing"))
    session.commit()
    login(client, "boss")
    admin = client.get("/staff/admin").text
    assert "有 1 条留言自动分析失败，已建案，在分派台等待人工分类" in admin
    assert "运行 minyi process 可补做分析" in admin
