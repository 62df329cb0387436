"""``/healthz``'s question to NATS: one check at a time, a "no" kept for a moment."""

from __future__ import annotations

import threading
import time

from minyi.flows import jetstream


def test_parallel_probes_while_nats_is_silent_make_one_check(monkeypatch):
    """Behind a silent firewall each probe held a thread for 0.5 s (ninth probe's attacker)."""
    processor = jetstream.JetStreamProcessor(url="nats://192.0.2.1:4222", stream="MINYI_T_PROBE")
    calls = []

    def silent(within):
        calls.append(within)
        time.sleep(0.3)
        return False

    monkeypatch.setattr(processor, "_check", silent)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(processor.reachable())) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [False] * 30
    assert len(calls) == 1


def test_a_yes_is_asked_again_each_time(monkeypatch):
    processor = jetstream.JetStreamProcessor(url="nats://192.0.2.1:4222", stream="MINYI_T_PROBE")
    answers = iter([True, False, False])
    monkeypatch.setattr(processor, "_check", lambda _within: next(answers))
    assert processor.reachable() is True
    assert processor.reachable() is False  # lost: seen at the next probe
    assert processor.reachable() is False  # the "no" kept: no second check yet
    processor.probed_ = (time.monotonic() - jetstream.PROBE_SECONDS - 1, False)
    assert processor.reachable() is False  # asked again after PROBE_SECONDS
