"""A cap on the portal's messages per client address: a flood from one address gets 429.

Anyone may write on the portal, without an account, so nothing but a cap stops one machine
from filling the inbox with thousands of messages. :class:`SubmissionLimit` lets an address
send ``per_hour`` messages in any hour (``MINYI_SUBMIT_PER_ADDRESS``; 0: no cap) and refuses
the next with :class:`~minyi.accounts.throttle.Throttled`, saying when to retry.

The counts live in the server process (a sliding window of times per address), so with
several processes the cap is per process: it is meant against floods, not as an exact quota,
and a restart forgets it. The JSON API's intake is not capped here: the systems that feed it
(a call centre, a message-board crawler) post everything from one address.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from minyi.accounts.throttle import Throttled

WINDOW_SECONDS = 3600.0
MAX_ADDRESSES = 100_000  # beyond this many remembered addresses, the quiet ones are forgotten


class SubmissionLimit:
    """At most ``per_hour`` messages from one address in any hour (``0``: unlimited)."""

    def __init__(
        self,
        per_hour: int,
        *,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """A limit of ``per_hour`` per ``window`` seconds, timed by ``clock``."""
        self.per_hour = per_hour
        self.window = window
        self.clock = clock
        self._times: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, address: str) -> None:
        """Count one message from ``address``; :class:`Throttled` (not counted) when over the cap."""
        if self.per_hour <= 0:
            return
        now = self.clock()
        with self._lock:
            times = self._times.get(address)
            if times is None:
                if len(self._times) >= MAX_ADDRESSES:
                    self._forget_quiet(now)
                times = self._times[address] = deque()
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.per_hour:
                raise Throttled(math.ceil(times[0] + self.window - now))
            times.append(now)

    def _forget_quiet(self, now: float) -> None:
        """Drop the addresses with no message in the window (all of them if none is quiet)."""
        quiet = [key for key, times in self._times.items() if not times or times[-1] <= now - self.window]
        for key in quiet or list(self._times):
            del self._times[key]
