"""A worker's NATS callbacks: an outage is a few lines, not one a reconnect try."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from minyi.flows.nats_outage import worker_callbacks


def test_a_worker_says_the_first_failed_try_and_counts_the_others(caplog: pytest.LogCaptureFixture) -> None:
    callbacks = worker_callbacks("nats://127.0.0.1:4222", reconnect_seconds=30)

    async def outage() -> None:
        await callbacks["disconnected_cb"]()
        for _ in range(15):
            await callbacks["error_cb"](ConnectionRefusedError("connection refused"))
        await callbacks["disconnected_cb"]()  # nats-py calls it again: said once
        await callbacks["reconnected_cb"]()
        await callbacks["error_cb"](ConnectionRefusedError("again"))  # a new error, said

    with caplog.at_level(logging.WARNING, logger="minyi.flows.jetstream"):
        # a thread of its own: the suite's browser keeps an event loop running in this one
        runner = threading.Thread(target=asyncio.run, args=(outage(),))
        runner.start()
        runner.join()
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        "lost NATS at nats://127.0.0.1:4222 (MINYI_NATS_URL); reconnecting for 30 s",
        "NATS: connection refused",
        "reconnected to NATS at nats://127.0.0.1:4222 after 15 failed tries",
        "NATS: again",
    ]
