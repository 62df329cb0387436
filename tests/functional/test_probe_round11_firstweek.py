"""The eleventh probe: a new 12345 centre's first week, done from the documents only.

Each test is one thing an operator, a dispatcher or a department did in that week that
went wrong or said too little (docs/security-probes.md, "Eleventh probe").
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from click.testing import CliRunner
from sqlalchemy import func, select
from tests.functional.conftest import bearer, cli_database, csrf_of, login

from minyi.alerts.models import Alert
from minyi.audit import services as audit
from minyi.audit.models import AuditEvent
from minyi.cases.models import Case, CaseRating
from minyi.cases.routing import CaseRouting
from minyi.cli.main import cli
from minyi.core.localtime import format_time
from minyi.demo import factories
from minyi.flows import import_runs
from minyi.intake.models import Message

HEAD = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"]
ROWS = [
    [
        "F-1",
        "A0001",
        "路灯不亮",
        "2019/4/25 9:32:09",
        "小区门口路灯坏了",
        "已修复，感谢监督。",
        "2019/5/9 9:49:10",
    ],
    [
        "F-2",
        "A0002",
        "噪音扰民",
        "2019/4/26 10:00:00",
        "工地夜间施工",
        "已责令停止夜间施工。",
        "2019/5/10 9:00:00",
    ],
    ["F-3", "A0003", "公交太少", "2019/4/27 11:00:00", "希望增加128路车次", "", ""],
]


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _upload(client) -> tuple[str, str]:
    login(client, "boss")
    token = csrf_of(client.get("/staff/imports").text)
    sent = client.post(
        "/staff/imports",
        data={"csrf_token": token},
        files={"file": ("附件4.csv", csv_bytes([HEAD, *ROWS]), "text/csv")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    return token, sent.headers["location"].rsplit("/", 1)[-1]


def _browser_form(**chosen: str) -> dict[str, str]:
    """What a browser sends: every field's select, "" where the admin left "—"."""
    fields = ["external_id", "author", "title", "body", "submitted_at", "likes", "dislikes", "region"]
    return {f"map.{name}": chosen.get(name, "") for name in fields}


def test_a_field_left_at_dash_on_the_import_page_is_not_imported(client, session, world):
    """The page said 未导入的列：留言用户, yet every author id was stored (recognised again)."""
    token, run_id = _upload(client)
    form = _browser_form(external_id="留言编号", title="留言主题", body="留言详情", submitted_at="留言时间")
    dry = client.post(f"/staff/imports/{run_id}/dry-run", data={"csrf_token": token, **form})
    assert "未导入的列：留言用户" in dry.text
    client.post(
        f"/staff/imports/{run_id}/start",
        data={"csrf_token": token, "broken": "refuse", **form},
        follow_redirects=False,
    )
    import_runs.wait(run_id, 60)
    session.expire_all()
    stored = session.scalars(select(Message).where(Message.external_id.in_(["F-1", "F-2", "F-3"]))).all()
    assert len(stored) == 3
    assert [m.author_pseudonym for m in stored] == [None, None, None]


def test_a_post_without_the_selects_still_recognises_the_headers(client, session, world):
    """A form without the selects (a script) keeps the mapping detected at upload."""
    token, run_id = _upload(client)
    dry = client.post(f"/staff/imports/{run_id}/dry-run", data={"csrf_token": token})
    assert "未导入的列" not in dry.text
    assert "3 行将导入" in dry.text


def test_the_dry_run_says_how_many_cases_the_replies_will_close(client, session, world):
    """附件4's 答复意见 close their cases: the dry run said nothing of it (the CLI: 历史答复 0 条)."""
    token, run_id = _upload(client)
    form = _browser_form(
        external_id="留言编号", author="留言用户", title="留言主题", body="留言详情", submitted_at="留言时间"
    )
    dry = client.post(f"/staff/imports/{run_id}/dry-run", data={"csrf_token": token, **form})
    section = dry.text[dry.text.find('id="dry-run"') :]
    assert "共 3 行：3 行将导入，0 行已存在，0 行有问题。" in section
    assert "其中 2 行带有答复意见：导入后作为历史答复保存，对应案件直接办结。" in section
    assert session.scalar(select(func.count()).select_from(Message)) == 0


def test_the_command_line_dry_run_counts_the_replies_too(tmp_path, monkeypatch):
    """`minyi import --dry-run` said 历史答复 0 条; the import then closed two cases."""
    path = tmp_path / "附件4.csv"
    path.write_bytes(csv_bytes([HEAD, *ROWS, ROWS[0]]))  # a repeated row closes nothing twice
    with cli_database(tmp_path, monkeypatch, "minyi_probe11_dry"):
        runner = CliRunner()
        dry = runner.invoke(cli, ["import", str(path), "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert "2 historical replies" in dry.output  # the tests' command line speaks English
        assert "2 rows carry a reply (答复意见): their cases will be closed as answered" in dry.output
        done = runner.invoke(cli, ["import", str(path)])
        assert "2 historical replies" in done.output
        again = runner.invoke(cli, ["import", str(path), "--dry-run"])
        assert "0 historical replies" in again.output  # already imported: nothing would close


def _suggestion(client, session, world) -> str:
    """A suggestion dispatched to 交通运输局, as a department user then sees it."""
    created = client.post(
        "/api/v1/messages",
        json={"title": "希望A市地铁1号线延伸到A6区", "body": "建议地铁1号线延伸到A6区，方便居民出行。"},
    ).json()
    case = session.get(Case, created["case_id"])
    case.appeal_kind = "suggestion"
    session.commit()
    headers = bearer(session, world.dispatcher)
    sent = client.post(f"/api/v1/cases/{case.id}/dispatch", json={"department": "JTJ"}, headers=headers)
    assert sent.status_code == 200
    return case.id


def test_an_adoption_without_its_reason_stays_on_the_case_page(client, session, world):
    """An empty 采纳理由 gave a bare 出错了 page (no case, no form) saying only 请填写理由。"""
    case_id = _suggestion(client, session, world)
    login(client, "road")
    page = client.get(f"/staff/cases/{case_id}")
    form = {"decision": "partly_adopted", "reason": " ", "csrf_token": csrf_of(page.text)}
    missing = client.post(f"/staff/cases/{case_id}/adoption", data=form)
    assert missing.status_code == 422
    assert "请填写采纳理由（留言人可见）。" in missing.text  # the field, as the form names it
    assert 'action="/staff/cases/' + case_id + '/adoption"' in missing.text  # the form is still there
    assert "出错了" not in missing.text


def test_the_history_says_which_adoption_decision_was_taken(client, session, world):
    """The history read "采纳决定 住建王 · 理由：…" without 采纳, 部分采纳 or 不采纳."""
    case_id = _suggestion(client, session, world)
    login(client, "road")
    token = csrf_of(client.get(f"/staff/cases/{case_id}").text)
    for decision, reason in [("not_adopted", "与现行规划冲突"), ("partly_adopted", "已纳入第三期规划研究")]:
        form = {"decision": decision, "reason": reason, "csrf_token": token}
        assert client.post(f"/staff/cases/{case_id}/adoption", data=form).status_code == 200
    history = client.get(f"/staff/cases/{case_id}").text
    history = history[history.find('class="timeline"') :]
    assert "采纳决定</b>" in history
    assert "· 不采纳 · 理由：与现行规划冲突" in history
    assert "· 部分采纳 · 理由：已纳入第三期规划研究" in history
    english = client.get(f"/staff/cases/{case_id}", params={"lang": "en"}).text
    assert "· partly adopted ·" in english


def test_an_imported_message_shows_when_it_was_written(client, session, world):
    """A message of 2019 showed only "导入 · 2026-12-08 02:14"; the inbox called that 留言时间."""
    created = client.post("/api/v1/messages", json={"title": "公交太少", "body": "希望增加128路车次"}).json()
    message = session.get(Message, created["id"])
    message.submitted_at = datetime(2019, 4, 25, 1, 32, tzinfo=UTC)  # 09:32 in Beijing
    session.commit()
    login(client, "disp")
    page = client.get(f"/staff/cases/{created['case_id']}").text
    assert '<span class="written-at">留言时间 2019-04-25 09:32</span>' in page
    inbox = client.get("/staff").text
    assert "<th>收到时间</th>" in inbox  # when the centre received it, which is what the column shows
    assert "<th>留言时间</th>" not in inbox
    other = client.post("/api/v1/messages", json={"title": "路灯不亮", "body": "小区门口路灯坏了"}).json()
    assert "written-at" not in client.get(f"/staff/cases/{other['case_id']}").text  # written when received


NOISE = {
    "title": "投诉道路施工夜间噪音扰民",
    "body": "开元路道路维护工地每天晚上施工到凌晨两点，噪音严重影响休息，请尽快处理。",
}


def test_a_case_returned_and_sent_elsewhere_is_no_longer_called_auto_routed(client, session, world):
    """Keyword rules sent it to one department, which returned it; the dispatcher chose
    another. The case still said 自动分派 (with the machine's confidence) at the new one."""
    routed = client.post("/api/v1/messages", json=NOISE).json()
    case_id = routed["case_id"]
    assert session.get(CaseRouting, case_id).routed_automatically  # keyword rules: 交通运输局
    login(client, "disp")
    assert 'id="auto-routed"' in client.get(f"/staff/cases/{case_id}").text
    road = bearer(session, world.road_staff)
    returned = client.post(f"/api/v1/cases/{case_id}/return", json={"reason": "不属于本单位"}, headers=road)
    assert returned.status_code == 200, returned.text
    dispatcher = bearer(session, world.dispatcher)
    sent = client.post(f"/api/v1/cases/{case_id}/dispatch", json={"department": "JYJ"}, headers=dispatcher)
    assert sent.status_code == 200, sent.text
    page = client.get(f"/staff/cases/{case_id}").text
    assert 'id="auto-routed"' not in page
    inbox = client.get("/staff").text
    row = next(line for line in inbox.splitlines() if case_id in line and "<tr" in line)
    assert "自动分派" not in row
    session.expire_all()
    assert session.get(CaseRouting, case_id).routed_automatically  # the record of what the machine did stays


def test_a_statement_counts_the_cases_it_answered_not_messages(client, session, world):
    """Four reports merged into one case: the statement said "1 件留言已答复"."""
    first = client.post("/api/v1/messages", json=NOISE).json()
    for n in range(3):
        client.post("/api/v1/messages", json=NOISE | {"body": NOISE["body"] + f"住户{n}"})
    number = session.get(Case, first["case_id"]).number
    login(client, "disp")
    token = csrf_of(client.get("/staff/statements").text)
    form = {"title": "统一答复", "body": "已责令停止夜间施工。", "case_lines": number, "csrf_token": token}
    assert client.post("/staff/statements", data=form).status_code == 200
    for page in (client.get("/staff/statements").text, client.get("/public/statements").text):
        assert "1 件诉求已答复" in page
        assert "件留言已答复" not in page


def test_the_admin_page_speaks_chinese_of_urgent_hours_and_names_the_code_column(client, session, world):
    """An urgent rule read "→ 2.0 h"; the tree upload's hint left out 分类编码."""
    login(client, "boss")
    token = csrf_of(client.get("/staff/admin").text)
    rule = {"appeal_kind": "", "reply_hours": "2", "urgent": "1", "note": "", "csrf_token": token}
    assert client.post("/staff/admin/rules", data=rule).status_code == 200
    page = client.get("/staff/admin").text
    assert "→ 2 小时" in page
    assert "2.0 h" not in page
    assert "“分类编码”列" in page


def test_a_case_answered_before_dispatch_does_not_tell_the_citizen_it_waits(client, session, world):
    """A statement answered a case no department held: the citizen read 承办单位 待分派 beside the answer."""
    created = client.post("/api/v1/messages", json=NOISE).json()
    waiting = client.post("/api/v1/messages", json={"title": "请问一件事", "body": "想了解一下情况"}).json()
    case = session.get(Case, created["case_id"])
    case.department_id = None  # no department had it (keyword routing aside)
    session.commit()
    login(client, "disp")
    token = csrf_of(client.get("/staff/statements").text)
    form = {
        "title": "统一答复",
        "body": "已责令停止夜间施工。",
        "case_lines": case.number,
        "csrf_token": token,
    }
    assert client.post("/staff/statements", data=form).status_code == 200
    client.post("/staff/logout", data={"csrf_token": csrf_of(client.get("/staff").text)})

    def tracked(message: dict) -> str:
        page = client.get("/track")
        form = {"code": message["tracking_code"], "secret": message["tracking_secret"]}
        return client.post("/track", data=form | {"csrf_token": csrf_of(page.text)}).text

    answered = tracked(created)
    assert "未经分派，直接答复" in answered
    assert "待分派" not in answered
    assert "待分派" in tracked(waiting)  # not answered yet: it does wait


def test_the_audit_trail_speaks_the_reader_s_language(client, session, world):
    """The trail read "command line … from=None; to=staff" and "cli … format=csv; cases=14"."""
    audit.record(
        session,
        audit.ROLE_CHANGED,
        actor="command line",
        subject="zjj1",
        details={"from": None, "to": "staff"},
    )
    audit.record(
        session,
        audit.EXPORT_MASKED,
        actor="cli",
        subject="cases",
        details={"format": "csv", "cases": 14, "department": "ZJJ", "status": "closed"},
    )
    audit.record(
        session,
        audit.IMPORT,
        actor="boss",
        subject="a4.xlsx",
        details={
            "run": "r1",
            "layout": "附件4",
            "status": "done",
            "rows_read": 150,
            "imported": 150,
            "invalid_rows": 0,
        },
    )
    session.commit()
    login(client, "boss")
    page = client.get("/staff/admin/audit").text
    rows = page[page.find('id="audit-events"') :]
    assert "原角色：（新账号）；新角色：承办人" in rows
    assert "格式：csv；案件数：14；承办单位：ZJJ；状态：已办结" in rows
    assert "格式：附件4（带官方答复的留言）；状态：已完成；读取行数：150；已导入：150；有问题的行：0" in rows
    assert "<td>命令行</td>" in rows
    assert "<td>案件</td>" in rows  # the export's subject
    assert "None" not in rows
    assert "command line" not in rows
    assert "rows_read" not in rows
    english = client.get("/staff/admin/audit", params={"lang": "en"}).text
    assert "from: (new account); to:" in english


def test_an_import_by_the_command_line_is_in_the_audit_trail(tmp_path, monkeypatch):
    """The page's imports were audited; `minyi import` of 150 messages left no trace."""
    path = tmp_path / "附件4.csv"
    path.write_bytes(csv_bytes([HEAD, *ROWS]))
    with cli_database(tmp_path, monkeypatch, "minyi_probe11_audit") as database:
        runner = CliRunner()
        assert runner.invoke(cli, ["import", str(path), "--dry-run"]).exit_code == 0
        with database.session() as session:
            assert (
                session.scalar(select(func.count()).select_from(AuditEvent)) == 0
            )  # a dry run writes nothing
        done = runner.invoke(cli, ["import", str(path)])
        assert done.exit_code == 0, done.output
        with database.session() as session:
            event = session.scalar(select(AuditEvent).where(AuditEvent.action == audit.IMPORT))
            assert event is not None
            assert (event.actor, event.subject) == ("command line", "附件4.csv")
            assert event.details["imported"] == 3
            assert event.details["layout"] == "附件4"


def _answered(client, session, world) -> str:
    """A case 交通运输局 answered, as a dispatcher then sees it."""
    created = client.post("/api/v1/messages", json=NOISE).json()
    case_id = created["case_id"]
    road = bearer(session, world.road_staff)
    reply = {"body": "您好！经核查，工地已停止夜间施工，并安装降噪设施。感谢您的监督。", "reason": "已处理"}
    answered = client.post(f"/api/v1/cases/{case_id}/replies", json=reply, headers=road)
    assert answered.status_code in {200, 201}, answered.text
    return case_id


def test_a_dispatcher_takes_down_a_follow_up_call(client, session, world):
    """回访 by telephone: staff could set 回访中 and wait for the tracking page; an answer given
    on the phone had nowhere to go, and the case closed a week later as "not reached"."""
    case_id = _answered(client, session, world)
    login(client, "disp")
    page = client.get(f"/staff/cases/{case_id}").text
    assert 'action="/staff/cases/' + case_id + '/follow-up"' in page
    form = {
        "satisfaction": "basically_satisfied",
        "solved": "yes",
        "comment": "已不再施工",
        "csrf_token": csrf_of(page),
    }
    done = client.post(f"/staff/cases/{case_id}/follow-up", data=form)
    assert done.status_code == 200
    assert "回访结果已记录" in done.text
    session.expire_all()
    case = session.get(Case, case_id)
    assert case.status == "closed"
    rating = session.scalar(select(CaseRating).where(CaseRating.case_id == case_id))
    assert (rating.satisfaction, rating.solved) == ("basically_satisfied", True)
    history = done.text[done.text.find('class="timeline"') :]
    assert "电话回访" in history
    assert "基本满意" in history


def test_an_unsatisfied_answer_on_the_phone_reopens_the_case(client, session, world):
    case_id = _answered(client, session, world)
    login(client, "disp")
    token = csrf_of(client.get(f"/staff/cases/{case_id}").text)
    form = {"satisfaction": "unsatisfied", "solved": "no", "csrf_token": token}
    assert client.post(f"/staff/cases/{case_id}/follow-up", data=form).status_code == 200
    session.expire_all()
    case = session.get(Case, case_id)
    assert (case.status, case.reopened_count) == ("in_progress", 1)


def test_a_follow_up_needs_an_answer_and_the_right_person(client, session, world):
    case_id = _answered(client, session, world)
    login(client, "disp")
    token = csrf_of(client.get(f"/staff/cases/{case_id}").text)
    missing = client.post(f"/staff/cases/{case_id}/follow-up", data={"satisfaction": "", "csrf_token": token})
    assert missing.status_code == 409
    assert "满意" in missing.text
    assert 'action="/staff/cases/' + case_id + '/follow-up"' in missing.text  # said on the case page
    login(client, "road")  # the department does not grade its own answer
    token = csrf_of(client.get(f"/staff/cases/{case_id}").text)
    refused = client.post(
        f"/staff/cases/{case_id}/follow-up", data={"satisfaction": "satisfied", "csrf_token": token}
    )
    assert refused.status_code in {403, 404}
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(CaseRating)) == 0


def test_alerts_list_writes_the_office_s_time(tmp_path, monkeypatch):
    """`minyi alerts list` printed `2026-12-07T18:51  open` (UTC) beside a page saying 02:51."""
    with cli_database(
        tmp_path, monkeypatch, "minyi_probe11_alerts", MINYI_TIMEZONE="Asia/Shanghai"
    ) as database:
        runner = CliRunner()
        burst = ["alerts", "add-rule", "全市突增", "--kind", "burst", "--param", "min_count=3"]
        assert runner.invoke(cli, burst).exit_code == 0
        with database.transaction() as session:
            for n in range(4):
                factories.make_message(session, process=False, title=f"停水{n}", body="全市停水")
        assert runner.invoke(cli, ["alerts", "check"]).exit_code == 0
        with database.session() as session:
            fired = session.scalar(select(Alert.fired_at))
        listed = runner.invoke(cli, ["alerts", "list"]).output
        assert format_time(fired) in listed  # the office's time
        assert fired.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") not in listed


def test_export_takes_a_category_by_its_code(tmp_path, monkeypatch):
    """`minyi export --category` wanted the category's id (a UUID) where the operator knows 010206."""
    with cli_database(tmp_path, monkeypatch, "minyi_probe11_export") as database:
        with database.transaction() as session:
            roads = factories.make_department(session, code="JTJ", name="交通运输局")
            bus = factories.make_category(session, name="公共汽车", department=roads)
            bus.code = "010206"
            factories.make_case(
                session, department=roads, category=bus, title="公交太少", body="希望增加车次"
            )
            factories.make_case(session, department=roads, title="路面塌陷", body="路面塌陷严重")
        out = tmp_path / "bus.csv"
        args = ["export", "--format", "csv", "--out", str(out), "--category", "010206", "--json"]
        done = CliRunner().invoke(cli, args)
        assert done.exit_code == 0, done.output
        assert json.loads(done.output)["cases"] == 1
        unknown = CliRunner().invoke(
            cli, ["export", "--format", "csv", "--out", str(out), "--category", "999"]
        )
        assert unknown.exit_code != 0


def test_the_import_page_can_leave_the_answers_out(client, session, world):
    """Only `minyi import --layout generic` kept a 附件4 file's cases open; the page closed them all."""
    token, run_id = _upload(client)
    form = _browser_form(
        external_id="留言编号", author="留言用户", title="留言主题", body="留言详情", submitted_at="留言时间"
    )
    page = client.get(f"/staff/imports/{run_id}").text
    assert 'name="replies" value="skip"' in page
    dry = client.post(
        f"/staff/imports/{run_id}/dry-run", data={"csrf_token": token, "replies": "skip", **form}
    )
    assert "带有答复意见" not in dry.text[dry.text.find('id="dry-run"') :]
    assert "答复：答复意见、答复时间 — 不导入，案件保持待办。" in dry.text
    client.post(
        f"/staff/imports/{run_id}/start",
        data={"csrf_token": token, "broken": "refuse", "replies": "skip", **form},
        follow_redirects=False,
    )
    import_runs.wait(run_id, 60)
    session.expire_all()
    stored = session.scalars(select(Message).where(Message.external_id.in_(["F-1", "F-2", "F-3"]))).all()
    assert len(stored) == 3
    assert {m.case.status for m in stored} <= {"received", "accepted", "dispatched"}  # open work
    assert {m.author_pseudonym is not None for m in stored} == {True}


def test_a_help_request_without_a_phone_number_says_so_beside_the_callback(client, session, world):
    """An imported 求助 (no contact) could be flagged for a call back with no word that nobody can be called."""
    headers = bearer(session, world.dispatcher)
    numbers = {}
    asks = [
        ("without", {"title": "求助：家中老人走失", "body": "我家老人今早在梅溪湖一带走失，请帮忙寻找。"}),
        (
            "with",
            {
                "title": "求助：低保申请",
                "body": "想申请低保，不知道需要什么材料。",
                "contact": {"phone": "13800138000"},
            },
        ),
    ]
    for name, fields in asks:
        created = client.post("/api/v1/messages", json=fields).json()
        case = session.get(Case, created["case_id"])
        case.appeal_kind = "help"
        session.commit()
        client.post(f"/api/v1/cases/{case.id}/dispatch", json={"department": "JTJ"}, headers=headers)
        numbers[name] = case.id
    login(client, "road")
    assert 'id="callback-no-phone"' in client.get(f"/staff/cases/{numbers['without']}").text
    assert "留言人未留联系电话" in client.get(f"/staff/cases/{numbers['without']}").text
    assert 'id="callback-no-phone"' not in client.get(f"/staff/cases/{numbers['with']}").text
