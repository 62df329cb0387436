from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from minyi.cases import staff_notices
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.intake import identity
from minyi.notify import services
from minyi.notify.models import OutboxMessage


def _outbox(session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at, OutboxMessage.id)))


def test_enqueue_stores_a_pending_item_without_committing(session):
    case = factories.make_case(session)
    item = services.enqueue(
        session,
        channel="email",
        recipient=" a@example.org ",
        subject="您的留言已受理",
        body="正文",
        payload={"k": "v"},
        case_id=case.id,
    )
    assert item is not None
    assert session.get(OutboxMessage, item.id) is item
    assert (item.status, item.attempts, item.recipient, item.case_id) == (
        "pending",
        0,
        "a@example.org",
        case.id,
    )
    assert item.next_attempt_at <= utcnow()
    assert item.payload == {"k": "v"}
    assert item.sent_at is None
    assert item.dedupe_key is None


def test_enqueue_refuses_unknown_channels_and_empty_recipients(session):
    with pytest.raises(ValueError):
        services.enqueue(session, channel="fax", recipient="x", subject="s", body="b")
    with pytest.raises(ValueError, match="recipient"):
        services.enqueue(session, channel="sms", recipient="  ", subject="s", body="b")


def test_the_same_dedupe_key_is_queued_once(session):
    first = services.enqueue(session, channel="sms", recipient="139", subject="s", body="b", dedupe_key="k1")
    again = services.enqueue(session, channel="sms", recipient="139", subject="s", body="b", dedupe_key="k1")
    other = services.enqueue(session, channel="sms", recipient="139", subject="s", body="b", dedupe_key="k2")
    assert first is not None
    assert again is None
    assert other is not None
    assert [item.dedupe_key for item in _outbox(session)] == ["k1", "k2"]


def test_a_dedupe_race_returns_none_and_keeps_the_transaction_usable(session, monkeypatch):
    services.enqueue(session, channel="sms", recipient="139", subject="s", body="b", dedupe_key="race")
    checks = iter([False, True])  # the first look misses the row, as a concurrent writer's would
    monkeypatch.setattr(services, "_queued", lambda _session, _key: next(checks))
    assert (
        services.enqueue(session, channel="sms", recipient="139", subject="s", body="b", dedupe_key="race")
        is None
    )
    assert len(_outbox(session)) == 1


def _message(session, **contact):
    return factories.make_message(session, contact=contact or None)


def test_a_citizen_with_an_email_gets_an_email_with_the_code_but_not_the_secret(session, settings):
    message = _message(session, name="张三", phone="13900001111", email="zhang@example.org")
    item = services.notify_citizen(
        session, message, "您的留言已答复", "您好，您的留言已有答复。", "c1", settings=settings
    )
    assert item is not None
    assert (item.channel, item.recipient, item.case_id) == ("email", "zhang@example.org", message.case_id)
    assert message.tracking_code in item.body
    assert identity.tracking_secret("test-key", message.id) not in item.body
    assert "13900001111" not in item.body
    assert item.payload == {
        "audience": "citizen",
        "message_id": message.id,
        "tracking_code": message.tracking_code,
    }


def test_a_citizen_with_only_a_phone_gets_an_sms(session, settings):
    message = _message(session, phone="13900001111")
    item = services.notify_citizen(
        session, message, "留言已受理", "您的留言已受理。", "c2", settings=settings
    )
    assert item is not None
    assert (item.channel, item.recipient) == ("sms", "13900001111")
    assert message.tracking_code in item.body
    assert settings.site_name in item.body


def test_a_citizen_without_contact_gets_nothing(session, settings):
    assert services.notify_citizen(session, _message(session), "s", "b", "c3", settings=settings) is None
    named_only = _message(session, name="王五")
    assert services.notify_citizen(session, named_only, "s", "b", "c4", settings=settings) is None
    assert _outbox(session) == []


def test_citizen_texts_never_carry_other_citizens_data(session, settings):
    case = factories.make_case(session, contact={"email": "first@example.org"})
    other = factories.make_message(session, contact={"phone": "13700002222", "name": "赵六"}, process=False)
    other.case = case
    session.flush()
    item = services.notify_citizen(session, case.messages[0], "答复", "已答复。", "c5", settings=settings)
    assert item is not None
    assert "13700002222" not in item.body
    assert "赵六" not in item.body
    assert other.tracking_code not in item.body


def test_the_department_gets_an_email_with_the_case_number_and_a_masked_title(session, settings):
    roads = factories.make_department(
        session, code="JTJ", name="交通运输局", contact_email="jtj@example.gov.cn"
    )
    case = factories.make_case(session, department=roads, title="路灯坏了 联系13900001111")
    item = staff_notices.notify_department(
        session, case, "新派单", "您有一件新派单。", f"d:{case.id}", settings=settings
    )
    assert item is not None
    assert (item.channel, item.recipient, item.case_id) == ("email", "jtj@example.gov.cn", case.id)
    assert case.number in item.body
    assert "13900001111" not in item.body
    assert item.payload["department"] == "JTJ"


def test_a_department_without_email_gets_nothing(session, settings):
    case = factories.make_case(session)
    assert staff_notices.notify_department(session, case, "s", "b", "d2", settings=settings) is None


def test_supervisors_get_their_shared_inbox_and_the_webhook(session, settings):
    settings.supervisor_email = "dubanzhongxin@example.gov.cn"
    settings.webhook_url = "http://127.0.0.1:9/hook"
    case = factories.make_case(session)
    items = staff_notices.notify_supervisors(
        session, case, "案件超期", "该案件已超期。", "s1", settings=settings
    )
    assert [(i.channel, i.recipient, i.dedupe_key) for i in items] == [
        ("email", "dubanzhongxin@example.gov.cn", "s1:email"),
        ("webhook", "supervisors", "s1:webhook"),
    ]
    assert all(case.number in i.body for i in items)
    assert (
        staff_notices.notify_supervisors(session, case, "案件超期", "该案件已超期。", "s1", settings=settings)
        == []
    )


def test_supervisors_without_inbox_or_webhook_get_nothing(session, settings):
    case = factories.make_case(session)
    assert staff_notices.notify_supervisors(session, case, "s", "b", "s2", settings=settings) == []


def test_only_the_webhook_when_no_shared_inbox(session, settings):
    settings.webhook_url = "https://hooks.example.org/minyi"
    case = factories.make_case(session)
    items = staff_notices.notify_supervisors(session, case, "s", "b", "s3", settings=settings)
    assert [i.channel for i in items] == ["webhook"]


def test_summary_and_retry_dead(session):
    now = utcnow()
    for status, created in (
        ("pending", now - timedelta(hours=2)),
        ("failed", now),
        ("dead", now),
        ("sent", now),
    ):
        session.add(
            OutboxMessage(
                channel="sms",
                recipient="139",
                subject="s",
                body="b",
                status=status,
                attempts=8 if status == "dead" else 1,
                created_at=created,
                next_attempt_at=created,
            )
        )
    session.flush()
    result = services.summary(session)
    assert result.counts == {"pending": 1, "sent": 1, "failed": 1, "dead": 1}
    assert result.oldest_waiting_created_at == now - timedelta(hours=2)
    assert result.next_attempt_at == now - timedelta(hours=2)
    assert services.retry_dead(session, now=now) == 1
    revived = session.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
    assert sorted(item.attempts for item in revived) == [0, 1]
    assert services.summary(session).counts["dead"] == 0
