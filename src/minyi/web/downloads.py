"""Public downloads built on request, one at a time per process.

``/public/data/cases.*`` and ``/public/data/scorecard.*`` are built from the database when
asked, without login: ``cases.xlsx`` took 11–15 s of a core at 60k public cases. Several at
once would hold every core of a small host while ``/public`` waits, so a process builds one
such file at a time and the others queue. (They are not cached: an erasure or an unpublished
case must leave the next download at once.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_BUILDS = threading.BoundedSemaphore(1)


@contextmanager
def one_at_a_time() -> Iterator[None]:
    """Hold the process's one build slot while the block runs."""
    with _BUILDS:
        yield
