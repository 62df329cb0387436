"""The audit trail's filters, its oldest-first reading for the CSV file, and who signs an event."""

from __future__ import annotations

from datetime import timedelta

from minyi.audit import services as audit
from minyi.db.base import utcnow
from minyi.demo import factories


def test_every_reads_all_matching_events_oldest_first_in_batches(session):
    start = utcnow() - timedelta(days=1)
    for n in range(7):
        event = audit.record(session, audit.IMPORT, actor="boss", subject=f"file{n % 2}.csv")
        event.at = start + timedelta(minutes=n // 2)  # ties on the time: the id decides
    audit.record(session, audit.IMPORT, actor="other", subject="file0.csv")
    session.flush()
    wanted = audit.AuditFilter(actor="boss", subject="file0.csv")
    read = list(audit.every(session, wanted, batch=2))
    assert [e.subject for e in read] == ["file0.csv"] * 4
    assert [(e.at, e.id) for e in read] == sorted((e.at, e.id) for e in read)
    assert audit.search(session, wanted, page_size=3).total == 4


def test_record_by_signs_a_user_or_the_command_line(session):
    user = factories.make_user(session, username="boss", role="admin")
    by_user = audit.record_by(session, audit.RULE_ADDED, user, subject="r1")
    by_cli = audit.record_by(session, audit.RULE_ADDED, None, subject="r1")
    assert (by_user.actor, by_user.actor_user_id) == ("boss", user.id)
    assert (by_cli.actor, by_cli.actor_user_id) == ("command line", None)
