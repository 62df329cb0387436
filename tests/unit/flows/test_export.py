"""The export flow: layout, masking, permissions, filters, formula cells, batches, audit."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from sqlalchemy import select

from minyi.accounts.models import Role
from minyi.audit.models import AuditEvent
from minyi.core.errors import Forbidden, InvalidInput, NotFound
from minyi.demo import factories
from minyi.flows.export import ExportFilters, ExportFormat, plan_export, record_export, write_export
from minyi.interop import export_layout as layout

PHONE = "13812345678"


def _export(session, user=None, filters=ExportFilters(), *, full=False, fmt=ExportFormat.CSV, batch=1000):
    plan = plan_export(session, user, filters, full=full)
    out = io.BytesIO()
    count = write_export(session, plan, out, fmt, batch=batch)
    return count, out.getvalue()


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def world(session):
    water = factories.make_department(session, code="WATER")
    roads = factories.make_department(session, code="ROADS")
    replied = factories.make_case(
        session,
        status="replied",
        department=water,
        title='=HYPERLINK("http://x","y")',
        body=f"我叫王小明，电话{PHONE}，水管爆了",
        address="A市A3区幸福路8号",
        contact={"name": "王小明", "phone": PHONE},
    )
    other = factories.make_case(
        session, status="dispatched", department=roads, title="路面塌陷", body="路面塌陷严重"
    )
    return {"water": water, "roads": roads, "replied": replied, "other": other}


def test_csv_has_the_layout_masks_personal_data_and_makes_formulas_inert(session, world):
    count, data = _export(session)
    assert count >= 2
    assert data.startswith(b"\xef\xbb\xbf")
    rows = _rows(data)
    assert tuple(rows[0]) == layout.HEADERS
    row = next(r for r in rows if r["案件编号"] == world["replied"].number)
    assert row["案件状态"] == "replied"
    assert row["承办部门"] == "WATER"
    assert row["留言主题"].startswith("'=")
    assert PHONE not in data.decode("utf-8-sig")
    assert "王小明" not in row["留言详情"]
    assert row["留言用户"] == ""
    replies = json.loads(row["答复记录"])
    assert len(replies) == 1
    assert replies[0]["public"] is True
    events = json.loads(row["办理记录"])
    assert next(e["action"] for e in events) == "received"
    assert all(e["actor"] is None for e in events)


def test_full_export_keeps_texts_for_admins_and_is_audited(session, world):
    admin = factories.make_user(session, role=Role.ADMIN.value)
    plan = plan_export(session, admin, ExportFilters(department="WATER"), full=True)
    out = io.BytesIO()
    count = write_export(session, plan, out, ExportFormat.CSV)
    record_export(
        session, plan, actor=admin.username, user=admin, export_format=ExportFormat.CSV, cases=count
    )
    assert count == 1
    assert PHONE in out.getvalue().decode("utf-8-sig")
    event = session.scalars(select(AuditEvent).where(AuditEvent.actor_user_id == admin.id)).one()
    assert event.action == "export_full"
    assert event.details["department"] == "WATER"
    assert event.details["cases"] == 1


def test_no_export_holds_contact_details(session, world):
    _, data = _export(session, full=True, fmt=ExportFormat.JSONL)
    for line in data.decode().splitlines():
        for message in json.loads(line)["messages"]:
            assert "contact" not in message
            assert "phone" not in message


def test_department_staff_export_their_own_department_only(session, world):
    staff = factories.make_user(session, role=Role.STAFF.value, department=world["water"])
    count, data = _export(session, staff)
    numbers = {row["案件编号"] for row in _rows(data)}
    assert numbers == {world["replied"].number}
    assert count == 1
    with pytest.raises(Forbidden):
        plan_export(session, staff, ExportFilters(department="ROADS"))
    with pytest.raises(Forbidden):
        plan_export(session, staff, ExportFilters(), full=True)
    dispatcher = factories.make_user(session, role=Role.DISPATCHER.value)
    with pytest.raises(Forbidden):
        plan_export(session, dispatcher, ExportFilters(), full=True)


def test_filters_by_status_department_category_and_period(session, world):
    assert _export(session, filters=ExportFilters(status="replied", department="WATER"))[0] == 1
    assert _export(session, filters=ExportFilters(department="ROADS", status="replied"))[0] == 0
    category = world["other"].category_id
    assert _export(session, filters=ExportFilters(category_id=category))[0] == 1
    opened = world["other"].created_at.date()
    earlier = opened.replace(year=opened.year - 1)
    assert _export(session, filters=ExportFilters(date_to=earlier))[0] == 0
    assert _export(session, filters=ExportFilters(date_from=earlier))[0] >= 2
    with pytest.raises(InvalidInput):
        plan_export(session, None, ExportFilters(status="lost"))
    with pytest.raises(NotFound):
        plan_export(session, None, ExportFilters(department="NOPE"))
    with pytest.raises(InvalidInput):
        plan_export(session, None, ExportFilters(date_from=opened, date_to=earlier))


def test_batches_return_every_case_once(session, world):
    for n in range(5):
        factories.make_case(session, department=world["roads"], title=f"井盖缺失{n}", body=f"井盖缺失第{n}处")
    count, data = _export(session, batch=2)
    numbers = [row["案件编号"] for row in _rows(data)]
    assert count == len(set(numbers)) >= 7


def test_xlsx_and_jsonl(session, world):
    _, data = _export(session, fmt=ExportFormat.XLSX)
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True)[layout.SHEET]
    rows = list(sheet.values)
    assert tuple(rows[0]) == layout.HEADERS
    assert any(str(row[layout.HEADERS.index("留言主题")]).startswith("'=") for row in rows[1:])
    _, data = _export(session, fmt=ExportFormat.JSONL)
    cases = [json.loads(line) for line in data.decode().splitlines()]
    case = next(c for c in cases if c["case_number"] == world["replied"].number)
    assert case["messages"][0]["title"].startswith("=")  # JSON is not a spreadsheet
    assert case["replies"]
    assert case["events"]
    assert PHONE not in data.decode()


def test_a_masked_export_hides_the_contacts_name_written_anywhere(session, tmp_path):
    """噪音投诉 李秘密 in a title, 人民路1号 李秘密家 as the address: 李** as the API shows it."""
    from minyi.flows.export import ExportFilters, ExportFormat, plan_export, write_export

    dept = factories.make_department(session)
    factories.make_case(
        session,
        status="replied",
        department=dept,
        title="噪音投诉 李秘密 13911110001",
        address="人民路1号 李秘密家",
        contact={"name": "李秘密", "phone": "13911110001"},
    )
    session.flush()
    plan = plan_export(session, None, ExportFilters(None, None, None, None, None))
    out = tmp_path / "x.csv"
    with out.open("wb") as handle:
        write_export(session, plan, handle, ExportFormat("csv"))
    text = out.read_text(encoding="utf-8-sig")
    assert "李秘密" not in text
    assert "李**" in text
    full = plan_export(session, None, ExportFilters(None, None, None, None, None), full=True)
    with out.open("wb") as handle:
        write_export(session, full, handle, ExportFormat("csv"))
    assert "李秘密" in out.read_text(encoding="utf-8-sig")  # the full file, for admins, as stored


def test_the_acceptance_deadline_is_a_column(session, world):
    """签收期限 goes out in CSV (local time) and JSONL (sign_due_at); empty when the case has none."""
    from datetime import UTC, datetime

    world["other"].sign_due_at = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    session.flush()
    rows = _rows(_export(session)[1])
    by_number = {row["案件编号"]: row for row in rows}
    assert by_number[world["other"].number]["签收期限"] == "2026-12-07T11:00:00+08:00"
    assert by_number[world["replied"].number]["签收期限"] == ""
    lines = [json.loads(line) for line in _export(session, fmt=ExportFormat.JSONL)[1].splitlines()]
    waiting = next(line for line in lines if line["case_number"] == world["other"].number)
    assert waiting["sign_due_at"] == "2026-12-07T11:00:00+08:00"
