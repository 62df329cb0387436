"""Public downloads are built one at a time per process: the others wait, none is refused."""

from __future__ import annotations

import threading
import time

from minyi.web.downloads import one_at_a_time


def test_a_second_build_waits_for_the_first():
    order: list[str] = []
    started = threading.Event()

    def first() -> None:
        with one_at_a_time():
            started.set()
            time.sleep(0.2)
            order.append("first done")

    def second() -> None:
        started.wait()
        with one_at_a_time():
            order.append("second began")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert order == ["first done", "second began"]
