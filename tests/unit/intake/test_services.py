from __future__ import annotations

import pytest

from minyi.flows import processing
from minyi.intake import services
from minyi.intake.models import Message
from minyi.intake.schemas import MessageIn


def test_accept_stores_the_message_as_received(session):
    data = MessageIn(
        title=" 标题 ", body="正文\n第二行", contact={"name": "李四", "phone": "13900001111"}, author="A1"
    )
    accepted = services.accept(session, data, channel="api", key="k")
    message = session.get(Message, accepted.message.id)
    assert message.title == "标题"
    assert message.body == "正文\n第二行"
    assert message.contact.phone == "13900001111"
    assert message.author_pseudonym
    assert "A1" not in message.author_pseudonym
    assert message.state == "received"
    assert message.case is None


def test_process_opens_an_unassigned_case_without_category(session):
    accepted = services.accept(session, MessageIn(title="t", body="b"), channel="api", key="k")
    case = processing.process(session, accepted.message)
    assert case.status == "received"
    assert case.department is None
    assert accepted.message.state == "processed"
    assert processing.process(session, accepted.message) is case


def test_duplicate_external_id_from_the_same_source_is_refused(session):
    data = MessageIn(title="t", body="b", external_id="42")
    services.accept(session, data, channel="import", source="file.csv", key="k")
    services.accept(session, data, channel="import", source="other.csv", key="k")
    with pytest.raises(services.IntakeError) as info:
        services.accept(session, data, channel="import", source="file.csv", key="k")
    assert info.value.field == "external_id"
    assert info.value.status == 409


def test_process_pending_marks_failures_and_goes_on(session, monkeypatch):
    good = services.accept(session, MessageIn(title="good", body="b"), channel="api", key="k").message
    bad = services.accept(session, MessageIn(title="bad", body="b"), channel="api", key="k").message
    real_open = processing.cases.open_case

    def flaky(sess, message, *args, **kwargs):
        if message.title == "bad":
            raise RuntimeError("boom")
        return real_open(sess, message, *args, **kwargs)

    monkeypatch.setattr(processing.cases, "open_case", flaky)
    result = processing.process_pending(session)
    assert (result.processed, result.failed, result.last_id) == (1, 1, bad.id)
    assert good.state == "processed"
    assert bad.state == "failed"
    assert "boom" in bad.processing_error
    monkeypatch.setattr(processing.cases, "open_case", real_open)
    assert processing.process_pending(session).attempted == 0  # failures wait for a retry
    assert processing.process_pending(session, retry_failed=True).processed == 1
    assert bad.state == "processed"


def test_find_by_tracking(session):
    accepted = services.accept(session, MessageIn(title="t", body="b"), channel="api", key="k")
    code = accepted.message.tracking_code
    assert services.find_by_tracking(session, code.lower(), accepted.tracking_secret) is accepted.message
    assert services.find_by_tracking(session, code, "nope") is None
    assert services.find_by_tracking(session, "MYNOTHING", accepted.tracking_secret) is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "", "body": "b"}, "title"),
        ({"title": "t", "body": " \n\t "}, "body"),
        ({"title": "t" * 201, "body": "b"}, "title"),
        ({"title": "t", "body": "b", "latitude": 91}, "latitude"),
        ({"title": "t", "body": "b", "likes": -1}, "likes"),
        ({"title": "t", "body": "b", "contact": {"phone": "call me"}}, "phone"),
        ({"title": "t", "body": "b", "submitted_at": "2026-01-01T10:00:00"}, "submitted_at"),
    ],
)
def test_invalid_messages_name_the_field(fields, field):
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as info:
        MessageIn(**fields)
    assert field in str(info.value.errors()[0]["loc"])


def test_a_tracking_code_that_is_taken_is_drawn_again(session, monkeypatch):
    first = services.accept(session, MessageIn(title="t", body="b"), channel="api", key="k").message
    draws = iter([first.tracking_code])
    real_draw = services.identity.new_tracking_code
    monkeypatch.setattr(services.identity, "new_tracking_code", lambda: next(draws, None) or real_draw())
    accepted = services.accept(session, MessageIn(title="t2", body="b2"), channel="api", key="k")
    assert accepted.created
    assert accepted.message.tracking_code != first.tracking_code
    found = services.find_by_tracking(session, accepted.message.tracking_code, accepted.tracking_secret)
    assert found is accepted.message
