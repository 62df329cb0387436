"""The author's access to his message by tracking code and secret, throttled against guessing.

Failed secrets count per tracking code and per client address
(:mod:`minyi.accounts.throttle`): a locked code or address is refused with
:class:`~minyi.accounts.throttle.Throttled` before the secret is checked, on the portal's
``/track`` as on the JSON API's ``X-Tracking-Secret``. A correct secret clears the code's count.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from minyi.accounts.throttle import Key, Throttle, ThrottleKind
from minyi.intake import identity
from minyi.intake.models import Message
from minyi.intake.services import find_by_tracking


def _keys(code: str, address: str) -> list[Key]:
    """The code from this address, the address, the code from everywhere (see throttle.CODE_LIMIT)."""
    address = address or "unknown"
    return [
        (ThrottleKind.TRACKING_CODE, f"{code}@{address}"),
        (ThrottleKind.TRACKING_ADDRESS, address),
        (ThrottleKind.TRACKING_CODE_ALL, code),
    ]


def _succeeded(session: Session, throttle: Throttle, code: str, address: str) -> None:
    """The author got in: forget this address's failures with the code, and everyone's."""
    throttle.succeeded(session, ThrottleKind.TRACKING_CODE, f"{code}@{address or 'unknown'}")
    throttle.succeeded(session, ThrottleKind.TRACKING_CODE_ALL, code)


def track(session: Session, throttle: Throttle, code: str, secret: str, address: str) -> Message | None:
    """The message with this tracking code if the secret matches, else None (counted)."""
    normalised = identity.normalise_code(code)
    keys = _keys(normalised, address)
    throttle.guard(session, keys)
    message = find_by_tracking(session, normalised, secret) if normalised and secret else None
    if message is None:
        throttle.failed(session, keys)
        return None
    _succeeded(session, throttle, normalised, address)
    return message


def author_secret_ok(
    session: Session, throttle: Throttle, message: Message, secret: str, address: str
) -> bool:
    """Whether ``secret`` is ``message``'s tracking secret; a wrong one is counted."""
    keys = _keys(message.tracking_code, address)
    throttle.guard(session, keys)
    if secret and identity.secret_matches(message.tracking_code, secret, message.tracking_secret_hash):
        _succeeded(session, throttle, message.tracking_code, address)
        return True
    throttle.failed(session, keys)
    return False
