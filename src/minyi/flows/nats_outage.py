"""What the server says about NATS while it is out of reach: a few lines, not a flood.

The NATS client's default error callback logged ``nats: encountered error`` with a 25-line
traceback on each connection attempt, two seconds apart: 718 lines in a 90-second outage,
burying everything else in the server's log. An outage is one event for the operator: a
line when it starts (naming ``MINYI_NATS_URL``), a reminder a minute while it lasts, a line
when NATS answers again. Submissions are stored meanwhile and the sweeper publishes them
after, so nothing here needs more than that. A worker's own tries to reconnect (about 30
seconds, then it stops) are few enough to say one a line (:func:`worker_callbacks`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from minyi.core.logs import shown_url

log = logging.getLogger("minyi.flows.jetstream")
REMIND_SECONDS = 60.0


@dataclass
class NatsOutage:
    """The state of the server's connection to NATS, and its rate-limited log lines.

    Thread-safe: the NATS client's loop reports failures, and ``/healthz`` (a request
    thread) reads :attr:`down`.
    """

    url: str
    remind_seconds: float = REMIND_SECONDS
    down_since_: float | None = field(init=False, default=None)
    said_at_: float = field(init=False, default=0.0)
    left_: int = field(init=False, default=0)
    lock_: threading.Lock = field(init=False, default_factory=threading.Lock)

    @property
    def down(self) -> bool:
        """Whether the last attempt to reach NATS failed (and none succeeded since)."""
        return self.down_since_ is not None

    def failed(self, reason: BaseException | str, left: int = 0) -> None:
        """A connection or publish failed; ``left`` publishes of messages failed with it.

        A message may be counted more than once: each sweep tries again what still waits.
        """
        now = time.monotonic()
        text = str(reason) or type(reason).__name__
        with self.lock_:
            self.left_ += left
            if self.down_since_ is None:
                self.down_since_ = self.said_at_ = now
                log.error(
                    "NATS unreachable at %s (MINYI_NATS_URL): %s; messages are still stored and "
                    "acknowledged, and the sweeper publishes them when NATS is back",
                    shown_url(self.url),
                    text,
                )
            elif now - self.said_at_ >= self.remind_seconds:
                self.said_at_ = now
                log.warning(
                    "NATS still unreachable at %s (MINYI_NATS_URL) after %d s: %s; %d publishes failed "
                    "so far, their messages stored for the sweeper",
                    shown_url(self.url),
                    now - self.down_since_,
                    text,
                    self.left_,
                )

    def reached(self) -> None:
        """A connection or publish succeeded: end the outage, if there was one, in one line."""
        with self.lock_:
            if self.down_since_ is None:
                return
            # A warning like the lines it ends, so that a log kept at WARNING shows the end too.
            log.warning(
                "NATS reachable again at %s (first found unreachable %d s ago; %d publishes failed "
                "meanwhile, their messages published by the sweeper)",
                shown_url(self.url),
                time.monotonic() - self.down_since_,
                self.left_,
            )
            self.down_since_, self.left_ = None, 0


async def _one_line(exc: Exception) -> None:
    """NATS's connection errors as one log line (its default printed a traceback every 2 s)."""
    log.warning("NATS: %s", exc or type(exc).__name__)


def worker_callbacks(url: str, reconnect_seconds: int) -> dict[str, Any]:
    """A worker's client callbacks: one line when NATS is lost, its first error, one when back.

    A worker reconnects by itself for ``reconnect_seconds`` (then stops, for its service
    manager to restart it). Each failed try is an error callback, about 15 in 30 s of the
    same refusal: the first is said, the others counted (at debug level) and the count said
    with the line that ends the outage. nats-py calls ``disconnected_cb`` again when it
    gives up and closes: said once.
    """
    down, tries = False, 0

    async def error(exc: Exception) -> None:
        nonlocal tries
        if down:
            tries += 1
            if tries > 1:
                log.debug("NATS: %s", exc or type(exc).__name__)
                return
        await _one_line(exc)

    async def lost() -> None:
        nonlocal down, tries
        if not down:
            down, tries = True, 0
            log.warning(
                "lost NATS at %s (MINYI_NATS_URL); reconnecting for %d s", shown_url(url), reconnect_seconds
            )

    async def back() -> None:
        nonlocal down, tries
        log.warning("reconnected to NATS at %s after %d failed tries", shown_url(url), tries)
        down, tries = False, 0

    return {"error_cb": error, "disconnected_cb": lost, "reconnected_cb": back}
