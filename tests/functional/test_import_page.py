"""The staff upload page for imports (/staff/imports): upload, mapping, dry run, progress, history."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select
from tests.functional.conftest import csrf_of, login

from minyi.audit.models import AuditEvent
from minyi.flows import import_runs
from minyi.intake.models import Message
from minyi.interop.models import ImportRun

HEAD = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"]


def csv_bytes(rows, encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def good_and_bad():
    return [
        HEAD,
        [
            "P-1",
            "U1",
            "路灯不亮",
            "2019/4/25 9:32:09",
            "小区门口路灯坏了",
            "已修复，感谢监督。",
            "2019/5/9 9:49:10",
        ],
        ["P-2", "U2", "", "not a time", "", "", ""],
        ["P-3", "U3", "噪音扰民", "2019/4/26 10:00:00", "工地夜间施工", "", ""],
    ]


def upload(client, token, data: bytes, name="附件4.csv"):
    return client.post(
        "/staff/imports",
        data={"csrf_token": token},
        files={"file": (name, data, "text/csv")},
        follow_redirects=False,
    )


def admin_token(client):
    login(client, "boss")
    return csrf_of(client.get("/staff/imports").text)


def test_only_admins_may_import(client, world):
    assert client.get("/staff/imports", follow_redirects=False).status_code == 303
    login(client, "road")
    assert client.get("/staff/imports").status_code == 403


def test_upload_map_dry_run_import_and_history(client, session, world, settings):
    token = admin_token(client)
    sent = upload(client, token, csv_bytes(good_and_bad(), "gbk"))
    assert sent.status_code == 303, sent.text
    page_url = sent.headers["location"]
    run_id = page_url.rsplit("/", 1)[-1]
    staged = import_runs.stored_path(settings, session.get(ImportRun, run_id))
    assert staged.exists()
    assert staged.stat().st_mode & 0o077 == 0  # names and numbers in clear: the server's user only
    page = client.get(page_url)
    assert "附件4（带官方答复的留言）" in page.text
    assert '<label for="map-submitted_at">留言时间</label>' in page.text  # the field in words
    assert re.search(r'<option value="留言详情" selected>', page.text)
    mapping = {
        f"map.{name}": column
        for name, column in [
            ("external_id", "留言编号"),
            ("title", "留言主题"),
            ("body", "留言详情"),
            ("submitted_at", "留言时间"),
            ("author", "留言用户"),
        ]
    }
    dry = client.post(f"/staff/imports/{run_id}/dry-run", data={"csrf_token": token, **mapping})
    assert dry.status_code == 200
    section = dry.text[dry.text.find('id="dry-run"') :]
    assert 'class="problem"><td>3</td>' in section  # the file's line: the header is line 1
    assert "留言时间</td><td>应为日期时间，例如" in section  # the field and its problem in Chinese
    assert "must not be empty" not in section
    assert "不能为空" in section
    assert session.scalar(select(Message).where(Message.external_id == "P-1")) is None
    started = client.post(
        f"/staff/imports/{run_id}/start",
        data={"csrf_token": token, "broken": "skip", **mapping},
        follow_redirects=False,  # the tests' database is one connection: no request while it runs
    )
    assert started.status_code == 303
    import_runs.wait(run_id, 60)
    progress = client.get(f"/staff/imports/{run_id}/progress").json()
    assert progress == {
        "status": "done",
        "status_label": "已完成",
        "rows_read": 3,
        "imported": 2,
        "total": 3,
        "percent": 100,
        "finished": True,
    }
    session.expire_all()
    run = session.get(ImportRun, run_id)
    assert (run.status, run.layout, run.imported, run.report["replies"], run.report["invalid_rows"]) == (
        "done",
        "附件4",
        2,
        1,
        1,
    )
    assert session.scalar(
        select(AuditEvent).where(AuditEvent.action == "import", AuditEvent.subject == "附件4.csv")
    )
    assert not staged.exists()  # imported: the staged copy is gone
    history = client.get("/staff/imports")
    assert f'href="/staff/imports/{run_id}"' in history.text
    assert 'data-status="done"' in history.text
    assert "<td>已完成</td>" in history.text
    again = client.post(f"/staff/imports/{run_id}/start", data={"csrf_token": token, "broken": "skip"})
    assert again.status_code == 200  # a finished run is not started twice
    assert "附件4 (messages with official replies)" in client.get(page_url, params={"lang": "en"}).text


def test_refuse_the_whole_file(client, session, world):
    token = admin_token(client)
    run_id = upload(client, token, csv_bytes(good_and_bad())).headers["location"].rsplit("/", 1)[-1]
    client.post(
        f"/staff/imports/{run_id}/start",
        data={
            "csrf_token": token,
            "broken": "refuse",
            "map.body": "留言详情",
            "map.title": "留言主题",
            "map.external_id": "留言编号",
            "map.submitted_at": "留言时间",
        },
        follow_redirects=False,
    )
    import_runs.wait(run_id, 60)
    session.expire_all()
    run = session.get(ImportRun, run_id)
    assert (run.status, run.imported) == ("refused", 0)
    assert session.scalar(select(Message).where(Message.external_id == "P-1")) is None
    assert "未导入任何数据" in client.get(f"/staff/imports/{run_id}").text  # in the page's language


def test_unusable_uploads_are_refused(client, world, settings):
    token = admin_token(client)
    assert upload(client, token, b"hello", name="notes.pdf").status_code == 422
    unreadable = upload(client, token, csv_bytes([["a", "b"], ["1", "2"]]), name="x.csv")
    assert unreadable.status_code == 422
    assert "找不到留言内容所在的列" in unreadable.text  # in the page's language
    assert list((settings.data_dir / "imports").iterdir()) == []


def test_uploads_may_be_larger_than_other_requests(client, world, settings):
    token = admin_token(client)
    rows = [HEAD] + [[f"L-{n}", "U", "标题", "2019/4/25 9:32:09", "内容" * 200, "", ""] for n in range(900)]
    data = csv_bytes(rows)
    assert settings.max_request_bytes < len(data) < settings.max_upload_bytes
    sent = upload(client, token, data, name="large.csv")
    assert sent.status_code == 303
    other = client.post("/staff/admin/departments", data={"csrf_token": token, "name": "x" * len(data)})
    assert other.status_code == 413


def test_an_upload_above_the_limit_is_refused_and_not_kept(session, world, settings):
    with pytest.raises(import_runs.UploadError, match="larger than"):
        import_runs.receive(
            session, settings, world.admin, "big.csv", io.BytesIO(b"x" * 5000), max_bytes=4096
        )
    assert list((settings.data_dir / "imports").iterdir()) == []


def test_columns_that_are_not_imported_are_named(client, session, world):
    token = admin_token(client)
    rows = [
        ["留言时间", "标题", "内容", "联系电话", "姓名"],
        ["2019/4/25 9:32:09", "路灯不亮", "门口路灯坏了", "13800000000", "张三"],
    ]
    page = client.get(upload(client, token, csv_bytes(rows), name="热线.csv").headers["location"])
    assert "通用格式（按表头识别）" in page.text
    unused = page.text[page.text.find('id="unused-columns"') :]
    assert "未导入的列：联系电话、姓名" in unused
    dry = client.post(page.url.path + "/dry-run", data={"csrf_token": token}).text
    assert "文件没有留言编号列" in dry
    assert "--map" not in dry


def test_a_file_with_only_a_header_is_refused_at_upload(client, session, world):
    token = admin_token(client)
    sent = upload(client, token, csv_bytes([HEAD]), name="msgs_hdr.csv")
    assert sent.status_code == 422
    assert "msgs_hdr.csv：表头下面没有数据行" in sent.text
    assert session.query(ImportRun).count() == 0


def test_a_workbook_with_a_notes_sheet_first_is_read_from_its_data_sheet(client, session, world, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "说明"
    book.active.append(["这是说明页"])
    data = book.create_sheet("数据")
    for row in good_and_bad():
        data.append(row)
    path = tmp_path / "two_sheets.xlsx"
    book.save(path)
    token = admin_token(client)
    sent = client.post(
        "/staff/imports",
        data={"csrf_token": token},
        files={"file": ("two_sheets.xlsx", path.read_bytes(), "application/octet-stream")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    page = client.get(sent.headers["location"])
    assert '工作表：<span id="import-sheet">数据</span>' in page.text
    run_id = sent.headers["location"].rsplit("/", 1)[-1]
    dry = client.post(f"/staff/imports/{run_id}/dry-run", data={"csrf_token": token})
    assert "3 行, 2 行将导入" in dry.text.replace("\n", " ") or "2 行将导入" in dry.text


def test_another_sheet_can_be_chosen_before_the_import(client, session, world, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    first.title = "旧数据"
    first.append(HEAD)
    first.append(["1", "旧的留言", "2020-01-01 10:00:00", "这是旧的一行"])
    newer = book.create_sheet("新数据")
    for row in good_and_bad():
        newer.append(row)
    book.create_sheet("空白")
    path = tmp_path / "three_sheets.xlsx"
    book.save(path)
    token = admin_token(client)
    sent = client.post(
        "/staff/imports",
        data={"csrf_token": token},
        files={"file": ("three_sheets.xlsx", path.read_bytes(), "application/octet-stream")},
        follow_redirects=False,
    )
    run_id = sent.headers["location"].rsplit("/", 1)[-1]
    page = client.get(f"/staff/imports/{run_id}")
    assert '<span id="import-sheet">旧数据</span>' in page.text
    assert 'id="sheet-form"' in page.text

    chosen = client.post(f"/staff/imports/{run_id}/sheet", data={"csrf_token": token, "sheet": "新数据"})
    assert '<span id="import-sheet">新数据</span>' in chosen.text
    dry = client.post(f"/staff/imports/{run_id}/dry-run", data={"csrf_token": token})
    assert "2 行将导入" in dry.text

    empty = client.post(f"/staff/imports/{run_id}/sheet", data={"csrf_token": token, "sheet": "空白"})
    assert empty.status_code == 422
    assert "three_sheets.xlsx" in empty.text
    assert '<span id="import-sheet">新数据</span>' in empty.text  # the run stays as it was
    unknown = client.post(f"/staff/imports/{run_id}/sheet", data={"csrf_token": token, "sheet": "没有"})
    assert unknown.status_code == 422
    assert "没有名为“没有”的工作表" in unknown.text


def test_an_upload_never_started_expires_with_its_file(client, session, world, settings):
    from datetime import timedelta

    from minyi.db.base import utcnow

    token = admin_token(client)
    sent = upload(client, token, csv_bytes(good_and_bad()))
    run_id = sent.headers["location"].rsplit("/", 1)[-1]
    run = session.get(ImportRun, run_id)
    staged = import_runs.stored_path(settings, run)
    run.started_at = utcnow() - timedelta(hours=import_runs.STAGED_HOURS + 1)
    session.commit()
    history = client.get("/staff/imports")
    assert "已过期（上传后未导入，文件已删除）" in history.text
    assert not staged.exists()
    session.expire_all()
    assert session.get(ImportRun, run_id).status == "expired"
