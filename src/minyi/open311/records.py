"""Cases as GeoReport v2 service requests: which the public may read, and what it reads.

Only **public** cases are service requests (the author agreed to publish: the portal's
checkbox, the API's ``is_public`` or Open311's ``attribute[PUBLIC]=1``); any other id is
unknown (404). ``service_request_id`` is the case number. Texts are masked by
:class:`minyi.cases.public_text.PublicText`; contact details are never part of a request.

Status mapping (docs/open311.md): ``open`` while the case is received, accepted, dispatched,
signed or in progress; ``closed`` once replied, in follow-up or closed (a reopened case
is open again). ``status_notes`` is the status in words, for a closed case the latest
public reply (masked) and for a merged case the case it was merged into.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, type_coerce
from sqlalchemy.orm import Session, selectinload

from minyi.accountability.open_cases import hour
from minyi.cases.lifecycle import LABELS
from minyi.cases.models import Case, CaseStatus, EventAction
from minyi.cases.public_text import PublicText
from minyi.cases.queries import deadline_of
from minyi.core.localtime import local
from minyi.db.base import UTCDateTime
from minyi.departments.models import Category
from minyi.intake.models import Channel, Message
from minyi.open311.formats import Open311Error

S = CaseStatus
OPEN = frozenset({S.RECEIVED, S.ACCEPTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS})
CLOSED = frozenset({S.REPLIED, S.FOLLOW_UP, S.CLOSED})
STATUSES = {"open": OPEN, "closed": CLOSED}
MAX_DESCRIPTION = 4000
MAX_RANGE = timedelta(days=90)
MAX_IDS = 100
# Public coordinates keep 3 decimals (about 100 m): the address is masked in every public
# view, and a point to the metre would name the house the masked address hides.
PUBLIC_DEGREES = 3


HOUR = timedelta(hours=1)


def whole_hour(value: datetime) -> datetime:
    """``value`` cut to its hour in local time: the grain of every public time here.

    ``start_date``/``end_date`` select by the hour a case was opened, not its minute: a
    range compared with the exact time would let anyone narrow it down to the second by
    asking for ever shorter ranges, which the hour shown in ``requested_datetime`` hides.
    A range takes every case whose hour it touches, so a client polling by back-to-back
    ranges (the last poll to now) still sees every case, some twice (GeoReport clients
    keep requests by ``service_request_id``), none never.
    """
    return local(value).replace(minute=0, second=0, microsecond=0)


def open311_status(case: Case) -> str:
    """``open`` or ``closed`` (see the module docstring)."""
    return "closed" if case.status in CLOSED else "open"


def _merged_into(case: Case) -> str | None:
    for event in reversed(case.events):
        if event.action == EventAction.MERGED_INTO:
            return str((event.payload or {}).get("into") or "")
    return None


def status_notes(case: Case, public: PublicText) -> str:
    """The status in words; a closed case's latest public reply; the case a merged one joined."""
    zh, en = LABELS[case.status]
    merged = _merged_into(case) if case.status == S.CLOSED else None
    if merged is not None:
        return f"已并案 Merged {merged}".strip()
    replies = [reply for reply in case.replies if reply.is_public]
    if case.status in CLOSED and replies:
        return public(case, replies[-1].body)[:MAX_DESCRIPTION]
    return f"{zh} {en}"


def _updated(case: Case) -> datetime:
    if case.status in CLOSED:
        return case.closed_at or case.replied_at or case.updated_at
    return case.updated_at


def request_record(case: Case, public: PublicText) -> dict[str, Any]:
    """One public case as a GeoReport v2 service request: masked texts, no contact details."""
    first: Message | None = case.public_message
    description = public(case, first.body if first else case.title)[:MAX_DESCRIPTION]
    address = public(case, first.address) if first and first.address else None
    return {
        "service_request_id": case.number,
        "status": open311_status(case),
        "status_notes": status_notes(case, public),
        "service_name": case.category.name if case.category else None,
        "service_code": (case.category.code or case.category.id) if case.category else "",
        "description": description,
        "agency_responsible": case.department.name if case.department else None,
        "service_notice": None,
        # every time cut to the hour, as in the open data: a minute could single out a person
        # who knows when he wrote, and a case answered (or given its deadline) within minutes
        # of its message tells that minute as well (eleventh probe); requested_datetime is
        # when the public message was written (twelfth probe), as cases.csv gives it
        "requested_datetime": hour(case.written_at),
        "updated_datetime": hour(_updated(case)),
        # a case never accepted: the rules' deadline the inbox and the scorecard hold it to
        "expected_datetime": hour(deadline_of(case)),
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": _coarse(first.latitude if first else None),
        "long": _coarse(first.longitude if first else None),
        "media_url": None,
    }


def _coarse(degrees: float | None) -> float | None:
    """A public coordinate rounded to about 100 m (``PUBLIC_DEGREES``): where, not whose door."""
    return None if degrees is None else round(degrees, PUBLIC_DEGREES)


def _public_cases() -> Select[Case]:
    return (
        select(Case)
        .where(Case.is_public.is_(True))
        .options(
            selectinload(Case.messages),
            selectinload(Case.replies),
            selectinload(Case.department),
            selectinload(Case.category),
            selectinload(Case.events),
        )
    )


def public_case(session: Session, number: str) -> Case:
    """The public case numbered ``number``; 404 otherwise (a private case is unknown here)."""
    case = session.scalars(_public_cases().where(Case.number == number.strip())).first()
    if case is None:
        raise Open311Error(404, f"no service request {number!r}")
    return case


_FIRST_YEAR, _LAST_YEAR = 1900, 2999
#: ``…T09:30:00+08:00`` in a query string not URL-encoded arrives with a space for its ``+``
#: (form encoding): read as the offset it was, as GeoReport clients commonly send it.
_PLUS_AS_SPACE = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d(?::?\d\d)?)$")


def _date(name: str, raw: str | None) -> datetime | None:
    if not raw:
        return None
    text = _PLUS_AS_SPACE.sub(r"\1+\2", raw.strip())
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise Open311Error(400, f"{name}: not a W3C date-time, e.g. 2026-01-01T00:00:00Z") from exc
    if value.tzinfo is None:
        raise Open311Error(400, f"{name}: needs a timezone, e.g. 2026-01-01T00:00:00Z")
    if not _FIRST_YEAR <= value.year <= _LAST_YEAR:  # 0001 or 9999 ± 90 days overflowed into a 500
        raise Open311Error(400, f"{name}: a date from {_FIRST_YEAR} to {_LAST_YEAR}")
    return value


def _csv(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


@dataclass
class RequestQuery:
    """The filters of ``GET requests``, as the spec names them, plus ``page``/``page_size``."""

    service_request_id: str | None = None
    service_code: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    status: str | None = None
    page: int = 1
    page_size: int = 100
    now: datetime = field(default_factory=lambda: datetime.now().astimezone())

    def statement(self) -> Select[Case]:
        """The query: ids override every other filter; else codes, statuses and a ≤ 90-day range."""
        query = _public_cases()
        ids = _csv(self.service_request_id)
        if ids:
            if len(ids) > MAX_IDS:
                raise Open311Error(400, f"service_request_id: at most {MAX_IDS} ids at once")
            return query.where(Case.number.in_(ids)).order_by(Case.created_at.desc(), Case.id)
        codes = _csv(self.service_code)
        if codes:  # a category's code (分类编码) or its id, as the services list gives them
            named = select(Category.id).where(Category.code.in_(codes) | Category.id.in_(codes))
            query = query.where(Case.category_id.in_(named))
        statuses = _csv(self.status)
        if statuses:
            unknown = [s for s in statuses if s not in STATUSES]
            if unknown:
                raise Open311Error(400, f"status: {unknown[0]!r} is not open or closed")
            wanted = {s.value for name in statuses for s in STATUSES[name]}
            query = query.where(Case.status.in_(sorted(wanted)))
        start, end = self._range()
        # the range is of requested_datetime (GeoReport), as the record gives it: when the
        # public message was written, by its hour (see whole_hour); a case is opened after
        # its message was written, so created_at narrows first
        first, last = whole_hour(start), whole_hour(end) + HOUR
        written = _written()
        query = query.where(Case.created_at >= first, written >= first, written < last)
        return query.order_by(Case.created_at.desc(), Case.id)

    def _range(self) -> tuple[datetime, datetime]:
        given_start = _date("start_date", self.start_date)
        given_end = _date("end_date", self.end_date)
        if given_start is None:
            end = given_end or self.now
            start = end - MAX_RANGE
        else:
            start = given_start
            end = given_end or start + MAX_RANGE
        if end < start:
            raise Open311Error(400, "end_date: before start_date")
        if end - start > MAX_RANGE:
            raise Open311Error(400, "start_date, end_date: the range may not span more than 90 days")
        return start, end


def _written() -> Any:
    """The time :attr:`Case.written_at` reads, as SQL: the earliest message's 留言时间."""
    written = func.coalesce(Message.submitted_at, Message.received_at)
    return type_coerce(
        select(func.min(written)).where(Message.case_id == Case.id).correlate(Case).scalar_subquery(),
        UTCDateTime(),
    )


def find_requests(session: Session, query: RequestQuery) -> Sequence[Case]:
    """One page of the public cases ``query`` selects, newest first."""
    offset = (query.page - 1) * query.page_size
    return list(session.scalars(query.statement().limit(query.page_size).offset(offset)))


def token_record(session: Session, token: str) -> dict[str, Any]:
    """What ``GET tokens/{token}`` answers: the token and, once its case exists, its number.

    A token is the id of a message received over Open311; any other id is unknown (404).
    A private case's number is given too: the token's holder sent it.
    """
    message = session.get(Message, token.strip())
    if message is None or message.channel != Channel.OPEN311.value:
        raise Open311Error(404, f"no such token {token!r}")
    number = message.case.number if message.case is not None else None
    return {"service_request_id": number, "token": message.id}
