"""Notices queued in the outbox by case events and by the deadline job."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner

from minyi.cases import notices, workflow
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.notify.models import OutboxMessage
from minyi.settings import get_settings


def outbox(session):
    return session.query(OutboxMessage).order_by(OutboxMessage.created_at).all()


def test_dispatch_reply_and_reopen_queue_notices(session, world, monkeypatch):
    monkeypatch.setenv("MINYI_SUPERVISOR_EMAIL", "dubanchu@example.gov.cn")
    get_settings.cache_clear()
    world.roads.contact_email = "jtj@example.gov.cn"
    case = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        category=world.road_category,
        contact={"email": "citizen@example.com"},
    )
    items = outbox(session)
    assert [i.recipient for i in items] == ["jtj@example.gov.cn", "citizen@example.com"]
    assert case.number in items[0].body
    citizen = items[1]
    assert case.messages[0].tracking_code in citizen.body
    workflow.rate(session, case.messages[0], "unsatisfied", solved=False)
    recipients = [i.recipient for i in outbox(session)]
    assert "dubanchu@example.gov.cn" in recipients
    assert recipients.count("jtj@example.gov.cn") == 2
    get_settings.cache_clear()


def test_remind_and_escalate_once(session, world, monkeypatch):
    monkeypatch.setenv("MINYI_SUPERVISOR_EMAIL", "dubanchu@example.gov.cn")
    get_settings.cache_clear()
    world.roads.contact_email = "jtj@example.gov.cn"
    soon = factories.make_case(
        session, status="signed", department=world.roads, category=world.road_category, title="快到期"
    )
    late = factories.make_case(
        session, status="signed", department=world.roads, category=world.road_category, title="已超期"
    )
    soon.due_at = utcnow() + timedelta(hours=10)
    late.due_at = utcnow() - timedelta(hours=10)
    before = len(outbox(session))
    assert notices.remind(session) == (1, 1)
    assert notices.remind(session) == (0, 0)
    assert len(outbox(session)) == before + 2
    get_settings.cache_clear()


def test_a_return_tells_the_dispatch_desk(session, world, monkeypatch):
    """退单: the case waits at the dispatch desk; the supervisors' inbox hears why (nobody was told)."""
    monkeypatch.setenv("MINYI_SUPERVISOR_EMAIL", "dubanchu@example.gov.cn")
    get_settings.cache_clear()
    case = factories.make_case(session, status="signed", department=world.roads, category=world.road_category)
    workflow.return_case(session, world.road_staff, case, "不属于我局职责")
    notice = outbox(session)[-1]
    assert notice.recipient == "dubanchu@example.gov.cn"
    assert notice.subject == f"退单：{case.number}"
    assert "交通运输局退回此案件" in notice.body
    assert "不属于我局职责" in notice.body
    get_settings.cache_clear()


def test_supervision_deadline_reminded_then_escalated(session, world, monkeypatch):
    """A supervision's own deadline (督办期限) is reminded to the department, then escalated once."""
    monkeypatch.setenv("MINYI_SUPERVISOR_EMAIL", "dubanchu@example.gov.cn")
    get_settings.cache_clear()
    world.roads.contact_email = "jtj@example.gov.cn"
    case = factories.make_case(session, status="signed", department=world.roads, category=world.road_category)
    case.due_at = utcnow() + timedelta(days=20)  # the case's own deadline is far
    workflow.supervise(session, world.supervisor, case, "三日内答复", due_at=utcnow() + timedelta(hours=5))
    before = len(outbox(session))
    assert notices.remind(session) == (1, 0)
    soon = outbox(session)[-1]
    assert soon.recipient == "jtj@example.gov.cn"
    assert soon.subject.startswith("督办即将到期")
    assert "三日内答复" in soon.body
    assert notices.remind(session) == (0, 0)
    case.supervision_due_at = utcnow() - timedelta(hours=1)
    assert notices.remind(session) == (0, 1)
    assert outbox(session)[-1].subject == f"督办超期：{case.number}"
    assert notices.remind(session) == (0, 0)
    case.status = "replied"
    case.supervision_due_at = utcnow() - timedelta(hours=2)
    assert notices.remind(session) == (0, 0)  # answered: nothing to chase
    assert len(outbox(session)) == before + 2
    get_settings.cache_clear()


def test_cases_commands_are_wired(monkeypatch, tmp_path):
    from minyi.cli.main import cli

    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(cli, ["cases", "remind"])
    assert result.exit_code == 0, result.output
    assert "queued 0 reminders" in result.output
    assert "closed 0" in runner.invoke(cli, ["cases", "follow-ups"]).output
    get_settings.cache_clear()
