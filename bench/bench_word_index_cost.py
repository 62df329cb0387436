"""What the staff word index adds to processing a message (SQLite, one process).

Stores N messages, then processes them eight a transaction (as a worker does) twice over
in fresh databases: with the index's session events installed and with them removed,
alternated, and prints the CPU time a message of each. Run it as
``.venv/bin/python bench/bench_word_index_cost.py [--messages 400] [--pairs 5]``.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile

from sqlalchemy import event
from sqlalchemy.orm import Session

from minyi.analysis.provider import PipelineProvider
from minyi.cases import word_index
from minyi.db.session import Database
from minyi.demo import factories
from minyi.flows.processing import process_pending
from minyi.intake import services as intake
from minyi.schema import migrate
from minyi.settings import Settings

BODY = "我们小区第{n}栋门口的路灯坏了一个月，晚上很黑，老人出行不便，请尽快维修。" * 3


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _switch(*, on: bool) -> None:
    listeners = (
        ("before_flush", word_index._before_flush),  # noqa: SLF001 - the bench turns the index off
        ("after_flush", word_index._note_changes),  # noqa: SLF001
        ("before_commit", word_index._sync_before_commit),  # noqa: SLF001
    )
    if on:
        word_index.install()
    else:
        for name, listener in listeners:
            if event.contains(Session, name, listener):
                event.remove(Session, name, listener)


def run(*, on: bool, messages: int) -> float:
    """CPU ms a message to process ``messages`` stored messages, with the index or without."""
    database = Database(f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        for n in range(messages):
            data = factories.make_message_in(title=f"小区路灯坏了{n}", body=BODY.format(n=n))
            intake.accept(session, data, channel="api", key=f"k{n}")
    _switch(on=on)
    pipelines = PipelineProvider(Settings())
    start = _cpu()
    while True:
        with database.transaction() as session:
            result = process_pending(session, limit=8, pipeline=pipelines.get(session))
        if result.attempted < 8:  # the batch size above
            break
    spent = _cpu() - start
    _switch(on=True)
    database.engine.dispose()
    return spent / messages * 1000


def main() -> None:
    """Alternate with and without the index; print every run and the means."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args()
    run(on=True, messages=50)  # warm up: the pipeline's models and rjieba's dictionary
    with_index, without = [], []
    for _ in range(args.pairs):
        with_index.append(run(on=True, messages=args.messages))
        without.append(run(on=False, messages=args.messages))
        print(f"with the index {with_index[-1]:.2f} ms CPU a message, without {without[-1]:.2f}")
    print(f"means: with {statistics.mean(with_index):.2f}, without {statistics.mean(without):.2f} ms")


if __name__ == "__main__":
    main()
