"""Which messages the hot-issue refresh reads: written in the window, not only received in it."""

from __future__ import annotations

from datetime import timedelta

from minyi.analysis.models import MessageAnalysis
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.issues import records


def test_recent_means_written_recently_not_imported_recently(session):
    """Two years of imported history arrive in one day: they are not this month's hot issues."""
    fresh = factories.make_case(session, status="received", title="翠竹园北门路灯不亮")
    old = factories.make_case(session, status="received", title="翠竹园南门路灯不亮")
    old.messages[0].submitted_at = utcnow() - timedelta(days=700)  # written in 2025, imported today
    for case in (fresh, old):
        message = case.messages[0]
        if session.get(MessageAnalysis, message.id) is None:
            session.add(MessageAnalysis(message_id=message.id, pipeline_version="test"))
    session.flush()
    found = {item.message_id for item, _ in records.recent(session, 30)}
    assert fresh.messages[0].id in found
    assert old.messages[0].id not in found
