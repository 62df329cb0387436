"""Erasure at a person's request: found by what they can show, exactly, and nothing else touched."""

from __future__ import annotations

import pytest

from minyi.accountability.search import SearchQuery, search
from minyi.analysis.models import MessageAnalysis
from minyi.audit.models import AuditEvent
from minyi.cases import workflow
from minyi.cases.models import CaseRating
from minyi.demo import factories
from minyi.flows.erasure import ERASED_TEXT, ErasureError, ErasureRequest, erase, find_messages
from minyi.intake.models import MessageContact
from minyi.notify.models import OutboxMessage

KEY = "test-key"


def _replied(session, dept, **fields):
    fields.setdefault("is_public", True)
    return factories.make_case(session, status="replied", department=dept, key=KEY, **fields)


def test_a_phone_finds_the_persons_messages_however_written_and_no_one_elses(session):
    dept = factories.make_department(session)
    mine = _replied(session, dept, contact={"name": "张建国", "phone": "138-1234-0000"})
    also_mine = _replied(session, dept, contact={"phone": "+86 138 1234 0000"})
    other = _replied(session, dept, contact={"phone": "13912340000"})  # same last four digits
    request = ErasureRequest(phones=("13812340000",))
    found = find_messages(session, KEY, request)
    assert {m.id for m in found} == {mine.messages[0].id, also_mine.messages[0].id}
    assert other.messages[0].id not in {m.id for m in found}


def test_a_code_or_a_case_number_as_typed_finds_its_messages(session):
    dept = factories.make_department(session)
    case = _replied(session, dept)
    code = case.messages[0].tracking_code
    typed = f" {code[:2].lower()}-{code[2:6]} {code[6:]}"
    assert find_messages(session, KEY, ErasureRequest(codes=(typed,))) == [case.messages[0]]
    number = case.number.replace("-", "").lower()
    assert find_messages(session, KEY, ErasureRequest(case_numbers=(number,))) == [case.messages[0]]


def test_an_empty_request_or_a_short_number_is_refused(session):
    with pytest.raises(ErasureError):
        find_messages(session, KEY, ErasureRequest())
    with pytest.raises(ErasureError) as refused:
        find_messages(session, KEY, ErasureRequest(phones=("0000",)))
    assert refused.value.field == "phones"


def test_erasure_deletes_contact_pseudonym_consent_and_comment_and_leaves_public(session):
    dept = factories.make_department(session)
    case = _replied(
        session,
        dept,
        title="张建国反映路灯不亮",
        body="张建国反映：翠竹园小区北门路灯一直不亮。",
        contact={"name": "张建国", "phone": "13944447777", "email": "zjg@example.com"},
        reply_body="张建国您好，路灯已修复。",
    )
    message = case.messages[0]
    workflow.rate(session, message, "satisfied", True, "很满意")  # noqa: FBT003
    bystander = _replied(session, dept, contact={"phone": "13700001111"})
    session.commit()  # the public search index is written at the commit
    assert search(session, SearchQuery(text="路灯")).total == 2

    dry = erase(session, KEY, ErasureRequest(emails=("ZJG@example.com",)), actor="t", dry_run=True)
    assert (dry.messages, dry.contacts, dry.unpublished) == (1, 1, 1)
    assert session.get(MessageContact, message.id) is not None
    report = erase(session, KEY, ErasureRequest(emails=("ZJG@example.com",)), actor="officer")
    session.commit()
    session.expire_all()
    assert (report.messages, report.cases, report.contacts, report.texts) == (1, 1, 1, 0)
    assert message.contact is None
    assert message.author_pseudonym is None
    assert not message.is_public
    assert not case.is_public
    for text in (case.title, message.title, message.body, *(r.body for r in case.replies)):
        assert "张建国" not in text
    assert "路灯" in message.body  # the words stay without --text
    assert session.query(CaseRating).one().comment is None
    assert "13944447777" not in {m.recipient for m in session.query(OutboxMessage)}
    assert case.events[-1].action == "erased"
    assert "139" not in str(case.events[-1].payload)
    event = session.query(AuditEvent).filter(AuditEvent.action == "erasure").one()
    assert event.actor == "officer"
    assert "zjg" not in str(event.details).lower()
    assert [hit.case_id for hit in search(session, SearchQuery(text="路灯")).hits] == [bystander.id]
    assert bystander.messages[0].contact is not None
    assert bystander.is_public


def test_with_text_the_words_go_and_titles_taken_from_them(session):
    dept = factories.make_department(session)
    case = _replied(session, dept, title="翠竹园北门路灯不亮", contact={"phone": "13944447777"})
    message = case.messages[0]
    analysis = session.get(MessageAnalysis, message.id) or MessageAnalysis(
        message_id=message.id, pipeline_version="test"
    )
    analysis.normalized_title = analysis.normalized_body = "翠竹园北门路灯不亮"
    session.add(analysis)
    session.flush()
    from minyi.issues import records

    assert message.id in {item.message_id for item, _ in records.recent(session, 30)}
    report = erase(session, KEY, ErasureRequest(phones=("13944447777",), text=True), actor="t")
    session.commit()
    session.expire_all()
    assert report.texts == 1
    assert message.title == message.body == case.title == ERASED_TEXT
    assert message.address is None
    analysis = session.get(MessageAnalysis, message.id)
    assert (analysis.normalized_title, analysis.normalized_body) == ("", "")
    assert case.replies  # the office's answer stays
    assert case.status == "replied"
    assert message.id not in {item.message_id for item, _ in records.recent(session, 30)}


def test_another_citizens_consenting_message_keeps_a_merged_case_public(session):
    dept = factories.make_department(session)
    case = _replied(session, dept, contact={"phone": "13944447777"})
    second = factories.make_message(
        session, key=KEY, process=False, is_public=True, body="我也遇到了路灯不亮"
    )
    second.case = case
    session.flush()
    report = erase(session, KEY, ErasureRequest(phones=("13944447777",)), actor="t")
    assert report.unpublished == 0
    assert case.is_public
    assert case.public_message is second


def test_a_hot_issue_titled_by_an_erased_message_is_retitled_from_its_words(session):
    from minyi.db.base import new_id, utcnow
    from minyi.issues.models import HotIssue

    dept = factories.make_department(session)
    case = _replied(session, dept, title="翠竹园北门路灯不亮", contact={"phone": "13944447777"})
    message = case.messages[0]
    other = _replied(session, dept, title="翠竹园路灯坏了")
    now = utcnow()
    issue = HotIssue(
        id=new_id(),
        title="翠竹园北门路灯不亮",
        keywords=["路灯", "不亮"],
        places=["翠竹园"],
        first_time=now,
        last_time=now,
        representative_ids=[message.id, other.messages[0].id],
    )
    session.add(issue)
    session.flush()
    erase(session, KEY, ErasureRequest(phones=("13944447777",), text=True), actor="t")
    session.flush()
    assert issue.representative_ids == [other.messages[0].id]
    assert issue.title == "翠竹园 · 路灯 · 不亮"


def test_an_erased_message_no_longer_counts_in_its_hot_issue(session):
    from minyi.analysis.models import MessageAnalysis
    from minyi.db.base import new_id, utcnow
    from minyi.issues.models import HotIssue

    dept = factories.make_department(session)
    erased = _replied(session, dept, title="翠竹园北门路灯不亮", contact={"phone": "13944447777"})
    kept = [_replied(session, dept, title=f"翠竹园路灯坏了{n}") for n in range(2)]
    now = utcnow()
    issue = HotIssue(
        id=new_id(), title="翠竹园路灯不亮", first_time=now, last_time=now, size=3, authors=3, heat=9.0
    )
    session.add(issue)
    session.flush()
    for case in [erased, *kept]:
        session.add(MessageAnalysis(message_id=case.messages[0].id, issue_id=issue.id, pipeline_version="t"))
    session.flush()
    erase(session, KEY, ErasureRequest(phones=("13944447777",), text=True), actor="t")
    session.flush()
    assert issue.size == 2
    assert erased.messages[0].id not in issue.representative_ids
    assert issue.heat < 9.0


def _admin(session):
    return factories.make_user(session, username="boss", role="admin")


def test_an_erasure_never_makes_a_private_case_public(session):
    dept = factories.make_department(session)
    private = factories.make_case(
        session, department=dept, key=KEY, is_public=False, contact={"phone": "13511112222"}
    )
    other = factories.make_case(session, department=dept, key=KEY, is_public=True)
    workflow.merge_cases(session, _admin(session), private, other)
    assert not private.is_public
    report = erase(session, KEY, ErasureRequest(phones=("13511112222",)), actor="t")
    assert report.unpublished == 0
    assert not private.is_public  # the other citizen's consent does not publish this case


def test_a_merge_unpublishes_the_absorbed_case(session):
    dept = factories.make_department(session)
    keep = factories.make_case(session, department=dept, key=KEY, is_public=True)
    absorbed = factories.make_case(session, department=dept, key=KEY, is_public=True)
    workflow.merge_cases(session, _admin(session), keep, absorbed)
    assert keep.is_public
    assert not absorbed.is_public  # no message of it is left to have agreed


def test_a_merged_message_is_erased_in_the_case_it_came_from(session):
    dept = factories.make_department(session)
    mine = _replied(
        session,
        dept,
        title="周八：幸福小区12栋顶楼渗水",
        contact={"name": "周八", "phone": "139 0000 4444"},
        reply_body="周八您好，已安排维修。",
    )
    number = mine.number
    other = factories.make_case(session, department=dept, key=KEY, is_public=True)
    session.flush()
    waiting = {m.recipient for m in session.query(OutboxMessage).filter(OutboxMessage.case_id == mine.id)}
    assert "139 0000 4444" in waiting
    workflow.merge_cases(session, _admin(session), other, mine)

    found = find_messages(session, KEY, ErasureRequest(case_numbers=(number,)))
    assert [m.tracking_code for m in found] == [other.messages[-1].tracking_code]  # the number still finds it
    erase(session, KEY, ErasureRequest(phones=("13900004444",)), actor="t")
    session.flush()
    assert "周八" not in mine.title
    assert all("周八" not in reply.body for reply in mine.replies)
    left = {
        (m.recipient, m.status) for m in session.query(OutboxMessage).filter(OutboxMessage.case_id == mine.id)
    }
    assert all(recipient == "[deleted]" for recipient, _ in left)
    assert all(status in {"dead", "sent"} for _, status in left)


def test_notes_supervision_and_the_normalised_copy_lose_the_name_and_the_number(session):
    dept = factories.make_department(session)
    case = _replied(
        session,
        dept,
        body="王建国反映：小区门口积水。电话13812345678。",
        contact={"name": "王建国", "phone": "13812345678"},
    )
    admin = _admin(session)
    from minyi.cases.replies import add_reply

    add_reply(session, admin, case, "已电话联系王建国 138-1234-5678，住501室", public=False)
    workflow.supervise(session, admin, case, "王建国多次反映，请加快")
    message = case.messages[0]
    analysis = session.get(MessageAnalysis, message.id) or MessageAnalysis(
        message_id=message.id, pipeline_version="test"
    )
    analysis.normalized_body = "王建国反映:小区门口积水。电话13812345678。"
    session.add(analysis)
    session.flush()
    erase(session, KEY, ErasureRequest(phones=("0086 138 1234 5678",)), actor="t")
    session.flush()
    texts = [case.supervision_note, analysis.normalized_body, message.body, *(r.body for r in case.replies)]
    texts += [str(event.payload) for event in case.events]
    for text in texts:
        assert "王建国" not in text
        assert "1234" not in text.replace("138****5678", "")
    assert any("138****5678" in text for text in texts)


def test_blank_items_name_nothing_and_long_ones_are_refused(session):
    with pytest.raises(ErasureError):
        find_messages(session, KEY, ErasureRequest(codes=("", "   "), emails=(" ",)))
    with pytest.raises(ErasureError) as refused:
        find_messages(session, KEY, ErasureRequest(codes=("M" * 101,)))
    assert refused.value.field == "codes"


def test_a_message_not_processed_yet_is_erased_too(session):
    message = factories.make_message(
        session,
        key=KEY,
        process=False,
        body="我叫赵六，电话13766665555，小区门口积水。",
        contact={"name": "赵六", "phone": "13766665555"},
    )
    assert message.case_id is None
    report = erase(session, KEY, ErasureRequest(phones=("13766665555",)), actor="t")
    assert (report.messages, report.cases) == (1, 0)
    session.flush()
    session.expire(message, ["contact"])
    assert message.contact is None
    assert "赵六" not in message.body
    assert "13766665555" not in message.body


def test_statements_lose_the_name_the_preview_counts_people_and_is_audited(session):
    from minyi.cases.statements import publish

    dept = factories.make_department(session)
    mine = _replied(
        session, dept, title="王小明反映滨江路施工噪音", contact={"name": "王小明", "phone": "13812345678"}
    )
    other = factories.make_message(
        session, key=KEY, process=False, is_public=True, body="我也被噪音吵得睡不着"
    )
    other.case = mine
    session.flush()
    admin = factories.make_user(session, username="boss", role="admin")
    statement = publish(
        session,
        admin,
        title="关于王小明等反映滨江路施工噪音的答复",
        body="王小明（13812345678）反映的情况属实。",
        cases=[mine],
    )
    preview = erase(session, KEY, ErasureRequest(case_numbers=(mine.number,)), actor="officer", dry_run=True)
    assert preview.people == 2  # a case number names the other citizen's message too
    assert session.query(AuditEvent).filter(AuditEvent.action == "erasure_preview").count() == 1
    erase(session, KEY, ErasureRequest(phones=("13812345678",)), actor="officer")
    session.flush()
    assert "王小明" not in statement.title + statement.body
    assert "13812345678" not in statement.body
    with pytest.raises(ErasureError) as refused:
        find_messages(session, KEY, ErasureRequest(emails=("12345",)))
    assert refused.value.field == "emails"


def test_names_an_erased_text_introduced_are_masked_in_the_replies_for_good(session):
    dept = factories.make_department(session)
    case = _replied(
        session,
        dept,
        body="我叫钱晓东，路灯坏了。",
        reply_body="钱晓东您好，已修复。",
        contact={"phone": "13944448888"},
    )
    erase(session, KEY, ErasureRequest(phones=("13944448888",), text=True), actor="t")
    assert case.replies[0].body == "钱**您好，已修复。"
