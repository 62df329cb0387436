"""Processing after the acknowledgement: worker threads, idempotent processing, the sweeper."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from tests.conftest import fresh_database_url

from minyi.analysis.provider import PipelineProvider
from minyi.cases.models import Case
from minyi.db.base import id_floor, new_id
from minyi.db.session import Database
from minyi.demo import factories
from minyi.flows import workers
from minyi.flows.processing import receive
from minyi.intake import services as intake
from minyi.intake.models import Message, ProcessingState
from minyi.schema import migrate
from minyi.settings import Settings


@pytest.fixture
def owned(tmp_path):
    """A database of its own (worker threads open their own sessions)."""
    database = Database(fresh_database_url(tmp_path, "minyi_workers"))
    migrate.upgrade(database.engine)
    yield database
    database.engine.dispose()


def _context(database):
    return workers.ProcessingContext(database, PipelineProvider(Settings(), route_threshold=1.1))


def _store(database, count, processor=None):
    """Submit ``count`` messages through ``processor``; without one, only store them."""
    ids = []
    with database.session() as session:
        for n in range(count):
            data = factories.make_message_in(title=f"路灯不亮 {n}", body=f"第{n}盏路灯坏了，晚上很黑")
            if processor is None:
                accepted = intake.accept(session, data, channel="api", key="k")
                session.commit()
            else:
                accepted = receive(session, data, channel="api", key="k", processor=processor)
            ids.append(accepted.message.id)
    return ids


def _states(database):
    with database.session() as session:
        rows = session.execute(select(Message.state, func.count()).group_by(Message.state))
        return dict(rows.all())


def test_ids_are_time_ordered_so_a_floor_splits_before_from_after():
    before = new_id()
    floor = id_floor(datetime.now(UTC) + timedelta(milliseconds=5))
    assert before < floor
    assert id_floor(datetime.now(UTC) - timedelta(seconds=1)) < before


def test_worker_threads_process_every_submitted_message_once(owned):
    processor = workers.ThreadProcessor(_context(owned), threads=2, batch=8)
    processor.start()
    ids = _store(owned, 30, processor)
    processor.stop(timeout=60)
    assert _states(owned) == {ProcessingState.PROCESSED: 30}
    with owned.session() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 30
        assert {m.id for m in session.scalars(select(Message))} == set(ids)


def test_processing_is_idempotent_a_repeated_delivery_does_nothing(owned):
    ids = _store(owned, 3)
    context = _context(owned)
    assert workers.process_ids(context, ids) == 3
    assert workers.process_ids(context, ids) == 0
    assert workers.process_ids(context, [*ids, "not-an-id"]) == 0
    with owned.session() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 3


def test_a_full_queue_leaves_messages_stored_for_the_sweeper(owned):
    processor = workers.ThreadProcessor(_context(owned), queue_size=10)  # not started: nothing drains
    ids = _store(owned, 15, processor)
    assert processor.queue_.qsize() == 10
    assert _states(owned) == {ProcessingState.RECEIVED: 15}  # acknowledged and stored all the same
    taken = []
    sweeper = workers.Sweeper(owned, lambda batch: taken.extend(batch) or len(batch), seconds=0.0)
    assert sweeper.sweep() == 15
    assert sorted(taken) == sorted(ids)
    assert sweeper.sweep() == 0  # handed over already: not again at every sweep (NATS grew so)
    sweeper.resend_seconds = 0.0
    assert sweeper.sweep() == 15  # once the resend time is over, still waiting: handed again


def test_what_the_processor_did_not_take_is_swept_again_next_time(owned):
    """NATS down: a publish that failed is tried again at the next sweep, not ten minutes on."""
    _store(owned, 5)
    time.sleep(0.01)  # all five older than the sweep's cutoff (ids carry the millisecond)
    answers, offered = iter([0, 2, 3]), []  # nothing taken (NATS down), then two, then the rest

    def submit_ids(batch):
        offered.append(len(batch))
        return next(answers)

    sweeper = workers.Sweeper(owned, submit_ids, seconds=0.0)
    assert sweeper.sweep() == 0
    assert sweeper.sweep() == 2
    assert sweeper.sweep() == 3  # the three left over, not handed yet
    assert sweeper.sweep() == 0  # all handed: not again before the resend time
    assert offered == [5, 5, 3]


def test_without_a_queue_server_processing_has_no_queue_state(owned):
    assert workers.build_processing(Settings(processing="background"), _context(owned)).queue_state() is None


def test_waiting_counts_the_messages_stored_and_not_processed(owned):
    first, *_ = _store(owned, 3)
    with owned.session() as session:
        assert workers.waiting_count(session) == 3
    workers.process_ids(_context(owned), [first])
    with owned.session() as session:
        assert workers.waiting_count(session) == 2


def test_the_sweeper_leaves_fresh_messages_to_the_workers(owned):
    _store(owned, 2)
    sweeper = workers.Sweeper(owned, len, seconds=3600.0)
    assert sweeper.sweep() == 0


def test_a_failing_processor_never_fails_the_submission(owned):
    class Broken(workers.InlineProcessor):
        def submit(self, session, message):  # noqa: ARG002 - the processor's signature
            raise RuntimeError("queue unreachable")

    ids = _store(owned, 1, Broken(_context(owned)))
    assert len(ids) == 1
    assert _states(owned) == {ProcessingState.RECEIVED: 1}  # the sweeper brings it back


def test_the_settings_choose_the_processor(owned):
    context = _context(owned)
    inline = workers.build_processing(Settings(processing="inline"), context)
    assert isinstance(inline.processor, workers.InlineProcessor)
    assert inline.sweeper is None
    threaded = workers.build_processing(Settings(processing="background", processing_threads=3), context)
    assert isinstance(threaded.processor, workers.ThreadProcessor)
    assert threaded.processor.threads == 3
    assert threaded.sweeper is not None
