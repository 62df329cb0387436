"""Errors that carry meaning across layers; the interfaces map each kind to one answer.

Domain code raises these (or subclasses): it never knows about HTTP. ``minyi.http.errors``
turns them into a JSON error for ``/api`` and a page in the reader's language for people;
the CLI prints them. The kinds follow what the caller should do next:

* :class:`NotFound` — there is no such thing *for this user* (also used when the user may
  not see it, so that ids give no oracle);
* :class:`Forbidden` — the user may see it but not do this;
* :class:`Conflict` — the thing's state does not allow this now (e.g. a case's status);
* :class:`InvalidInput` — a value is wrong; ``field`` names it.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error with a meaning; ``message`` is safe to show to the user."""

    status = 400
    code = "invalid_request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):  # noqa: N818 - reads as what happened
    """No such thing, or none this user may see."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):  # noqa: N818 - reads as what happened
    """The user may not do this."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):  # noqa: N818 - reads as what happened
    """The current state does not allow this."""

    status = 409
    code = "conflict"


class InvalidInput(DomainError, ValueError):  # noqa: N818 - reads as what happened
    """A value that cannot be accepted; ``field`` names it."""

    status = 422
    code = "invalid_request"
