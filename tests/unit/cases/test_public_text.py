"""What the public reads of a case or a statement (cases.public_text)."""

from __future__ import annotations

from minyi.accounts.models import Role
from minyi.cases import statements
from minyi.cases.public_text import PublicText, names_of_cases, names_to_hide, official_numbers, public_text
from minyi.demo import factories
from minyi.settings import Settings


def _case(session, **message):
    department = factories.make_department(
        session, contact_phone="0731-88001234", contact_email="zjj@cs.gov.cn"
    )
    return factories.make_case(session, status="dispatched", department=department, **message)


def test_names_to_hide_are_contact_and_introduced_names_once_each(session):
    case = _case(
        session,
        title="我叫张伟，反映漏水",
        body="本人张伟，家住3栋。联系人：王小明",
        contact={"name": " 李秀英 ", "email": "l@example.com"},
    )
    assert names_to_hide(case) == ["李秀英", "张伟", "王小明"]


def test_a_case_without_names_hides_none(session):
    case = _case(
        session,
        title="路灯不亮",
        body="人民路路灯坏了一个月。",
        contact={"name": "王", "phone": "13812345678"},
    )
    assert names_to_hide(case) == []


def test_a_reply_that_greets_the_citizen_shows_the_surname_only(session):
    case = _case(session, body="我叫张伟，楼上漏水。", contact={"name": "李秀英", "phone": "13812345678"})
    reply = "张伟您好！李秀英女士，已按13812345678联系您。"
    assert public_text(case, reply) == "张*您好！李**女士，已按138****5678联系您。"
    assert public_text(None, reply) == "张伟您好！李秀英女士，已按138****5678联系您。"


def test_official_numbers_stay_readable_a_citizens_landline_does_not(session):
    case = _case(session, body="我叫张伟，座机0731-84123456。")
    keep = official_numbers(session, ["0731-85551234"])
    assert keep[0] == "0731-85551234"
    assert {"0731-88001234", "zjj@cs.gov.cn"} <= set(keep)
    reply = "请拨打住建局电话 0731-88001234 或 12345，夜间 0731 8555 1234，邮箱zjj@cs.gov.cn；您的座机0731-84123456。"
    shown = PublicText.of(session, ["0731-85551234"])(case, reply)
    assert "0731-88001234" in shown
    assert "12345" in shown
    assert "0731 8555 1234" in shown
    assert "zjj@cs.gov.cn" in shown
    assert "0731-******56" in shown
    assert "84123456" not in shown


def test_a_statement_hides_the_names_of_every_case_it_answers(session):
    first = _case(session, body="我叫张伟，楼上漏水。")
    second = factories.make_case(
        session, status="dispatched", department=first.department, body="噪音扰民。", contact={"name": "赵敏"}
    )
    staff = factories.make_user(session, role=Role.STAFF.value, department=first.department)
    statement = statements.publish(
        session, staff, title="答复张伟", body="张伟、赵敏：已处理。", cases=[first, second]
    )
    public = PublicText()
    assert public.statement(statement, statement.body) == "张*、赵*：已处理。"
    assert public.statement(statement, statement.title) == "答复张*"


def test_the_allow_list_setting_is_split_on_commas():
    settings = Settings(public_numbers=" 0731-85551234，400-000-0000, ,0731-85551234")
    assert settings.public_number_list == ("0731-85551234", "400-000-0000")
    assert Settings().public_number_list == ()


def test_a_case_answered_by_a_statement_hides_the_names_of_the_other_cases(session):
    first = _case(session, body="我叫张伟，楼上漏水。")
    second = factories.make_case(
        session, status="dispatched", department=first.department, body="噪音扰民。", contact={"name": "赵敏"}
    )
    staff = factories.make_user(session, role=Role.STAFF.value, department=first.department)
    statements.publish(session, staff, title="答复", body="张伟、赵敏：已处理。", cases=[first, second])
    session.flush()
    reply = first.replies[-1].body
    assert PublicText()(first, reply).endswith("张*、赵*：已处理。")
    assert PublicText()(second, reply).endswith("张*、赵*：已处理。")
    assert sorted(names_of_cases(session, [first.id, second.id, first.id])) == sorted(["张伟", "赵敏"])


def test_prefetch_reads_what_names_reads_in_a_few_queries(session):
    from sqlalchemy import event

    first = _case(session, body="我叫张伟，楼上漏水。", contact={"name": "李秀英", "phone": "13812345678"})
    second = factories.make_case(
        session, status="dispatched", department=first.department, body="噪音扰民。", contact={"name": "赵敏"}
    )
    third = factories.make_case(session, status="dispatched", department=first.department, body="路灯不亮。")
    staff = factories.make_user(session, role=Role.STAFF.value, department=first.department)
    statements.publish(session, staff, title="答复", body="已处理。", cases=[first, second])
    session.flush()
    cases = [first, second, third]
    one_by_one = [PublicText().names(case) for case in cases]
    ids = [case.id for case in cases]
    queries = []
    engine = session.get_bind()
    listener = lambda *args: queries.append(args[2])  # noqa: E731 - the statement's text
    event.listen(engine, "before_cursor_execute", listener)
    try:
        batched = PublicText()
        batched.prefetch(session, ids)
        asked = len(queries)
        assert [batched.names(case) for case in cases] == one_by_one
        assert len(queries) == asked  # names() read nothing more
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert asked <= 4, queries  # messages, statement links, the statement's cases and their names
    assert one_by_one[0] == ["李秀英", "张伟", "赵敏"]
