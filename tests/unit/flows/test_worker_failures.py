"""A message whose processing fails is marked ``failed`` and the others go on, in either transaction size."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from tests.conftest import fresh_database_url

from minyi.analysis.provider import PipelineProvider
from minyi.cases.models import Case
from minyi.db.session import Database
from minyi.demo import factories
from minyi.flows import processing, workers
from minyi.intake import services as intake
from minyi.intake.models import Message, ProcessingState
from minyi.schema import migrate
from minyi.settings import Settings


@pytest.fixture
def owned(tmp_path):
    """A database of its own (process_ids opens its own sessions)."""
    database = Database(fresh_database_url(tmp_path, "minyi_worker_failures"))
    migrate.upgrade(database.engine)
    yield database
    database.engine.dispose()


def _store(database, count):
    with database.session() as session:
        ids = []
        for n in range(count):
            data = factories.make_message_in(title=f"井盖缺失 {n}", body=f"第{n}个井盖不见了，很危险")
            ids.append(intake.accept(session, data, channel="api", key="k").message.id)
        session.commit()
    return ids


@pytest.mark.parametrize("per_transaction", [1, 8])
def test_a_failing_message_is_marked_failed_and_the_others_are_processed(owned, monkeypatch, per_transaction):
    ids = _store(owned, 3)
    real = processing.process

    def flaky(session, message, *args, **kwargs):
        if message.id == ids[1]:
            session.flush()  # something written before the failure is rolled back with it
            raise RuntimeError("boom")
        return real(session, message, *args, **kwargs)

    monkeypatch.setattr(processing, "process", flaky)
    monkeypatch.setattr(workers, "process", flaky)
    context = workers.ProcessingContext(owned, PipelineProvider(Settings(), route_threshold=1.1))
    assert workers.process_ids(context, ids, per_transaction=per_transaction) == 3
    with owned.session() as session:
        states = {m.id: (m.state, m.processing_error) for m in session.scalars(select(Message))}
        assert session.scalar(select(func.count()).select_from(Case)) == 2
    assert states[ids[1]] == (ProcessingState.FAILED, "RuntimeError: boom")
    assert states[ids[0]] == states[ids[2]] == (ProcessingState.PROCESSED, None)
    assert (
        workers.process_ids(context, ids, per_transaction=per_transaction) == 0
    )  # failed waits for `minyi process`
