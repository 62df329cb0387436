"""Caps on submitted messages, request side: the portal's per address, the JSON API's per address or key.

Anyone may write on the portal or post to ``POST /api/v1/messages`` without an account, so
nothing but a cap stops one machine from filling the inbox. The counts live in the database
(:mod:`minyi.accounts.quotas`, fixed clock hours), so every server process enforces one cap:

* the portal: ``MINYI_SUBMIT_PER_ADDRESS`` messages an hour from one address
  (:class:`SubmissionLimit`, raising :class:`~minyi.accounts.throttle.Throttled`);
* the JSON API without a key: ``MINYI_API_SUBMIT_PER_ADDRESS`` an hour from one address;
* the JSON API with an integrator's key in ``X-Api-Key`` (a call centre, a 12345 system
  that posts everything from one address): ``MINYI_API_KEY_PER_HOUR`` an hour for that key,
  whatever the address (:class:`ApiSubmissions`).

This module only reads the address and the header; the refusals are domain errors that the
one error handler answers (429 with ``Retry-After``, 401 or 403 for a bad key).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy.orm import Session

from minyi.accounts import client_keys, quotas
from minyi.db.session import Database

KEY_HEADER = "X-Api-Key"
KEY_PATTERN = f"^{client_keys.KEY_SHAPE.pattern}$"  # for the OpenAPI document


class SubmissionLimit:
    """At most ``per_hour`` portal messages from one address in a clock hour (``0``: unlimited)."""

    def __init__(
        self,
        per_hour: int,
        *,
        database: Database,
        secret: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """A limit of ``per_hour``, counted in ``database`` under addresses hashed with ``secret``."""
        self.per_hour = per_hour
        self.database = database
        self.secret = secret
        self.clock = clock

    def check(self, address: str) -> None:
        """Count one message from ``address``; at the cap, ``QuotaExceeded`` (and not counted).

        A short transaction of its own, so the row lock ends before the message is stored.
        """
        if self.per_hour <= 0:
            return
        subject = quotas.address_subject(self.secret, address)
        with self.database.transaction() as session:
            quotas.counts_only(session)
            quotas.take(session, quotas.PORTAL, subject, self.per_hour, now=self.clock())


class ApiSubmissions:
    """The JSON API intake's caps: per address without a key, per integrator key with one."""

    def __init__(
        self,
        caps: quotas.ApiCaps,
        *,
        secret: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Caps ``caps``; addresses hashed with ``secret``; time from ``clock``."""
        self.caps = caps
        self.secret = secret
        self.clock = clock
        self.allowances = quotas.KeyAllowances()  # this process's blocks of busy keys' messages

    def admit(self, session: Session, address: str, key: str | None) -> str:
        """Count one message; the source to store it with ("" without a key).

        A count written is committed at once in ``session``, in a transaction of its own (the
        message is stored, durably, in the next), so the counter row is locked only briefly;
        a key's message spent from this process's allowance writes nothing.
        """
        if key is None and self.caps.per_address <= 0:
            return ""
        source = quotas.admit_api(
            session,
            self.caps,
            self.allowances,
            key=key,
            address=address,
            secret=self.secret,
            now=self.clock(),
            field=KEY_HEADER,
        )
        if session.in_transaction():
            session.commit()
        return source
