"""Deadlines that a newly entered holiday schedule changes, and recounting them on request.

A deadline is set once, from the calendar known then. When the State Council's schedule for
next year is entered (``/staff/admin``, holidays), a case accepted before that was counted
on the fallback calendar (weekends only): a deadline may fall in 春节 (a supervisor found
2027-02-09), and a 30-working-day deadline that spans 春节 lost up to six working days
without falling on a holiday (time probe: 12-31 + 30 gave 02-12, the recount gives 02-18).

The admin page lists the cases whose deadline the calendar now counts differently, each
with its current and its recounted deadline, and one action applies them, recording the
move in each case's history. A recount replays what set the deadline: the rule counted
from acceptance (or from the latest reopening), then each approved extension's working
days, all on today's calendar. Only cases whose period touches an entered holiday or
working day are recounted, and a recount only ever moves a deadline later (days off added
can only lengthen a period; a recount that comes out earlier says the rules changed since,
which is not the schedule's doing). A deadline that is not recounted and falls on a day
off moves to the end of the next working day (顺延), as before. A deadline is never
moved silently: the office decides, as for its statutory deadlines. The days of the
holidays file (``MINYI_HOLIDAYS_FILE``) count as entered too: a year put in the file and
the servers restarted recounted nothing, and a deadline in 春节 was offered only the next
day back, a 调休 Sunday, however many holidays its period spanned (tenth probe).

A schedule entered by mistake can be undone: the admin corrects or removes the year's
entries, and the same list then offers the cases a recount had moved later whose deadline
today's calendar counts earlier, still open, and not moved since by anything else. Each
goes back to its recount on today's calendar, never before the deadline it had before its
first recount; its history says the deadline came earlier and whether the case is overdue
again (``earlier``, ``overdue_again``), and the audit trail counts them (``moved_earlier``).
This is the only way a recount moves a deadline earlier.
Pending acceptance deadlines (签收期限, in working hours from the latest dispatch) are listed
and moved the same way, marked as such (:func:`_sign_recounts`).

A deadline already passed is recounted too when entered days off lie between the case's
start and that deadline: a schedule entered late (during 春节) left the cases due in it
overdue, escalated for days the office did not work (tenth probe, left open). Such a case
is recounted only later, and only if its deadline is what its period counts without the
entered days (else a rule changed since, and only a deadline on an entered day off is
顺延); never for an ordinary weekend. It leaves "overdue" if its new deadline is still
ahead; its history says it was overdue before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from minyi.accounts.models import User
from minyi.audit import services as audit
from minyi.cases import desk_due
from minyi.cases.calendar import WorkCalendar
from minyi.cases.deadlines import DeadlinePolicy
from minyi.cases.events import record
from minyi.cases.holiday_store import office_calendar
from minyi.cases.models import ANSWERED_STATUSES, Case, CaseEvent, CaseStatus, EventAction
from minyi.cases.rules import deadline_policy, reply_due, sign_due
from minyi.core.errors import Conflict
from minyi.db.base import utcnow

#: Deadlines listed and moved at once, at most (a year's schedule touches a few hundred at most).
LIMIT = 5000
#: The refusal of a recount whose list changed after the page showed it.
LIST_CHANGED = "the deadlines to recount changed since the page was shown: check the list and confirm again"
#: Differences smaller than this are the same deadline (stored times lose microseconds).
SAME = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Recount:
    """A case whose deadline the office's calendar now counts differently."""

    case: Case
    due_before: datetime
    due_after: datetime
    #: The deadline had passed when the schedule was entered (the case was overdue).
    was_overdue: bool = False
    #: Earlier: a recount moved it later for days the schedule no longer has (an undo).
    earlier: bool = False
    #: The acceptance deadline (签收期限), not the reply deadline.
    sign: bool = False


def deadlines_to_recount(session: Session, now: datetime | None = None) -> list[Recount]:
    """Cases still waiting whose deadline today's calendar counts differently.

    A deadline still ahead is listed if it is recounted later or falls on a day off; one
    already passed (at ``now``, default the present) only if entered days off lie between
    the case's start and it and the recount is later (see the module docstring).
    """
    now = now or utcnow()
    calendar = office_calendar(session)
    entered = sorted(calendar.overrides)  # entered on the admin page or in MINYI_HOLIDAYS_FILE
    days_off = [day for day in entered if not calendar.is_working_day(day)]
    policy = deadline_policy(session)  # read once: the page lists up to LIMIT cases
    found = _moved_back(session, policy)  # first: a schedule entered by mistake, undone
    undone = {item.case.id for item in found}
    if days_off:  # a deadline before the first entered day off has none in its period
        first_off = datetime.combine(days_off[0], time(), tzinfo=calendar.timezone)
        policies = (policy, _without_entries(policy))
        for case in _waiting(session, Case.due_at >= first_off, Case.due_at < now):
            after = _recounted_overdue(session, case, policies, days_off)
            if after is not None and case.id not in undone:
                found.append(Recount(case, _due(case), after, was_overdue=True))
    for case in _waiting(session, Case.due_at >= now):
        after = _recounted_ahead(session, case, policy, entered)
        if after is not None and abs(after - _due(case)) >= SAME and case.id not in undone:
            found.append(Recount(case, _due(case), after))
    return found + _sign_recounts(session, policy, entered, now)


def _sign_recounts(
    session: Session, policy: DeadlinePolicy, entered: list[date], now: datetime
) -> list[Recount]:
    """Pending acceptance deadlines (签收期限, still ahead) that entered days now make later.

    Replayed from the case's latest dispatch (派单 or 改派) in working hours on today's
    calendar, as the reply deadlines are; only later, and only when an entered day lies
    between the dispatch and the recount. One already passed stays: a case not signed for
    within hours of a schedule entered late is rare, and its escalation already went out.
    """
    query = (
        select(Case)
        .where(Case.status == CaseStatus.DISPATCHED.value, Case.urgent.is_(False), Case.sign_due_at >= now)
        .options(selectinload(Case.events), selectinload(Case.category))
        .order_by(Case.sign_due_at, Case.number)
        .limit(LIMIT)
    )
    found = []
    calendar = policy.calendar
    for case in session.scalars(query) if entered else ():
        sent = [
            e.created_at for e in case.events if e.action in (EventAction.DISPATCHED, EventAction.REASSIGNED)
        ]
        before = case.sign_due_at
        after = sign_due(session, case, max(sent), policy) if sent and before is not None else None
        if before is None or after is None or after - before < SAME:
            continue
        first, last = calendar.local_date(max(sent)), calendar.local_date(after)
        if any(first <= day <= last for day in entered):
            found.append(Recount(case, before, after, sign=True))
    return found


def _moved_back(session: Session, policy: DeadlinePolicy) -> list[Recount]:
    """Open cases a recount moved later whose deadline today's calendar counts earlier.

    A schedule entered by mistake (a whole March of days off) and recounted moved deadlines
    later, overdue cases out of "overdue"; removing or correcting the year's entries left
    them there, since a recount only moved deadlines later (eleventh probe, left open). A
    deadline is moved back only if a recount set it (its latest ``deadline_moved`` since the
    case's latest reopening gave the deadline in force: nothing else moved it since), and
    never before the deadline the case had before its first recount.
    """
    moved = select(CaseEvent.case_id).where(CaseEvent.action == EventAction.DEADLINE_MOVED)
    found = []
    for case in _waiting(session, Case.id.in_(moved), Case.due_at.is_not(None)):  # praise has none
        after = _undone(session, case, policy)
        if after is not None:
            found.append(Recount(case, _due(case), after, earlier=True))
    return found


def _undone(session: Session, case: Case, policy: DeadlinePolicy) -> datetime | None:
    """The earlier deadline of a case a recount moved, if today's calendar counts one (else None)."""
    events = sorted(case.events, key=lambda e: e.created_at)
    reopened = [n for n, e in enumerate(events) if e.action == EventAction.REOPENED]
    since = events[reopened[-1] :] if reopened else events  # a reopening counted a new deadline
    # the reply deadline's moves only: a recount of the acceptance deadline (签收期限) says so
    moves = [e for e in since if e.action == EventAction.DEADLINE_MOVED and not _of_sign(e)]
    if not moves:
        return None
    first_before, last_after = (
        _moment(moves[0].payload, "due_before"),
        _moment(moves[-1].payload, "due_after"),
    )
    before = _due(case)
    if first_before is None or last_after is None or abs(last_after - before) >= SAME:
        return None  # something else set the deadline since (an extension, another kind)
    target = max(_replayed(session, case, policy) or first_before, first_before)
    calendar = policy.calendar
    if not calendar.is_working_day(calendar.local_date(target)):
        target = calendar.add_working_days(target, 0)  # 顺延, as any deadline on a day off
    return target if before - target >= SAME else None


def _of_sign(event: CaseEvent) -> bool:
    """Whether a ``deadline_moved`` event moved the acceptance deadline (签收期限), not the reply's."""
    return (event.payload or {}).get("deadline") == "sign"


def _moment(payload: dict[str, object], key: str) -> datetime | None:
    """A time an event's payload keeps (ISO), or None if it has none that reads."""
    value = payload.get(key)
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _waiting(session: Session, *due: ColumnElement[bool]) -> Sequence[Case]:
    """Cases not answered nor urgent whose deadline is as ``due`` says, up to :data:`LIMIT`.

    Queried apart for deadlines passed and ahead: old overdue cases, listed first, must not
    push the deadlines ahead off the limit.
    """
    waiting = [status.value for status in CaseStatus if status not in ANSWERED_STATUSES]
    query = (
        select(Case)
        .where(Case.status.in_(waiting), Case.urgent.is_(False), *due)
        .options(selectinload(Case.events), selectinload(Case.category))
        .order_by(Case.due_at, Case.number)
        .limit(LIMIT)
    )
    return session.scalars(query).all()


def _due(case: Case) -> datetime:
    """The case's deadline (the queries here select only cases that have one)."""
    assert case.due_at is not None
    return case.due_at


def _recounted_ahead(
    session: Session, case: Case, policy: DeadlinePolicy, entered: list[date]
) -> datetime | None:
    """A deadline still ahead: its recount if later, else 顺延 off a day off; None if it stays."""
    calendar = policy.calendar
    before = _due(case)
    after = _recounted(session, case, policy, entered)
    if after is not None and after - before < SAME:
        after = None  # never earlier: what moved it is not the holidays (a rule changed since)
    if after is None and not calendar.is_working_day(calendar.local_date(before)):
        after = calendar.add_working_days(before, 0)  # 顺延: that day if it works, else the next
    return after


def _recounted_overdue(
    session: Session, case: Case, policies: tuple[DeadlinePolicy, DeadlinePolicy], days_off: list[date]
) -> datetime | None:
    """A deadline already passed: later if entered days off lie in its period, else None.

    ``policies``: today's, and the same on the built-in calendar alone. The recount is
    offered only if the deadline is what the period counts without the entered days: then
    they, not a rule changed since, make it later (an overdue case must not leave "overdue"
    for a longer rule). Otherwise, or without a replay, a deadline on an entered day off is
    顺延; one on an ordinary weekend is not the schedule's doing and stays.
    """
    policy, without = policies
    calendar = policy.calendar
    before, start = _due(case), _start(case)
    last = calendar.local_date(before)
    first = calendar.local_date(start) if start is not None else last
    if not any(first <= day <= last for day in days_off):
        return None
    after = _recounted(session, case, policy, days_off)
    counted_without = _replayed(session, case, without) if after is not None else None
    if counted_without is None or abs(counted_without - before) >= SAME:
        after = calendar.add_working_days(before, 0) if last in days_off else None
    return after if after is not None and after - before >= SAME else None


def deadlines_on_days_off(session: Session) -> list[Case]:
    """The cases :func:`deadlines_to_recount` lists (kept for the admin page's wording)."""
    return [found.case for found in deadlines_to_recount(session)]


def listing_key(found: Sequence[Recount]) -> str:
    """A digest of a listing: which cases, from which deadline to which (:func:`shift_to_working_days`)."""
    digest = hashlib.sha256()
    for item in found:
        moves = (item.case.id, round(item.due_before.timestamp()), round(item.due_after.timestamp()))
        line = "%s|%d|%d" % moves  # noqa: UP031 - one line a deadline
        digest.update((line + ("|sign" if item.sign else "") + "\n").encode())
    return digest.hexdigest()[:32]


def shift_to_working_days(
    session: Session,
    user: User,
    now: datetime | None = None,
    *,
    listed: str | None = None,
    address: str | None = None,
) -> int:
    """Set each listed case's deadline to its recount; returns how many moved.

    ``listed``: the :func:`listing_key` of the list the administrator confirmed. If the
    list is no longer the same (another administrator entered a schedule meanwhile, or a
    deadline passed), nothing moves: :class:`~minyi.core.errors.Conflict`. The page's
    button moved whatever the list was at the click: a whole month entered by mistake in
    another tab moved 90 deadlines and cleared their overdue state (eleventh probe).

    The history says when the case was overdue before (``was_overdue``): its escalation
    was sent, and the reader of the timeline sees why it no longer is. The audit trail
    says who recounted how many (``address``: from where).
    """
    moved = 0
    listing = deadlines_to_recount(session, now)
    if listed is not None and listing_key(listing) != listed:
        raise Conflict(LIST_CHANGED)
    now = now or utcnow()
    if listing:
        overdue = sum(1 for found in listing if found.was_overdue)
        earlier = sum(1 for found in listing if found.earlier)
        details = {"moved": len(listing), "were_overdue": overdue}
        if earlier:
            details["moved_earlier"] = earlier
        audit.record(
            session,
            audit.DEADLINES_RECOUNTED,
            actor=user.username,
            actor_user_id=user.id,
            address=address,
            details=details,
        )
    for found in listing:
        payload: dict[str, object] = {
            "due_before": found.due_before.isoformat(),
            "due_after": found.due_after.isoformat(),
        }
        if found.sign:  # the acceptance deadline (签收期限)
            found.case.sign_due_at = found.due_after
            payload["deadline"] = "sign"
        else:
            found.case.due_at = found.due_after
        if found.was_overdue:
            payload["was_overdue"] = True
        if found.earlier:  # the history says the recount was undone, and if overdue again
            payload["earlier"] = True
            payload["overdue_again"] = found.due_after < now
        record(session, found.case, EventAction.DEADLINE_MOVED, user=user, payload=payload)
        moved += 1
    session.flush()
    desk_due.recount_waiting_cases(session)  # cases at the desk: by the calendar entered now
    return moved


def _recounted(session: Session, case: Case, policy: DeadlinePolicy, entered: list[date]) -> datetime | None:
    """The deadline replayed on today's calendar; None if it cannot be, or no entered day is in it."""
    calendar = policy.calendar
    start = _start(case)
    due = _replayed(session, case, policy) if entered else None
    if start is None or due is None:
        return None
    first, last = calendar.local_date(start), calendar.local_date(max(due, case.due_at or due))
    if not any(first <= day <= last for day in entered):
        return None
    return due


def _replayed(session: Session, case: Case, policy: DeadlinePolicy) -> datetime | None:
    """The deadline counted again on ``policy``'s calendar: the rule from the start, then each extension."""
    start = _start(case)
    if start is None:
        return None
    due = reply_due(session, case, start, policy)
    if due is None:
        return None
    for event in sorted(case.events, key=lambda e: e.created_at):
        days = event.payload.get("working_days") if event.action == EventAction.EXTENSION_DECIDED else None
        if event.created_at >= start and event.payload.get("approved") and isinstance(days, int):
            due = policy.calendar.add_working_days(due, days)
    return due


def _without_entries(policy: DeadlinePolicy) -> DeadlinePolicy:
    """The same rules on the built-in calendar alone: no day entered by an admin or in the file."""
    calendar = policy.calendar
    built_in = _built_in(calendar.timezone.key, calendar.end_of_day, calendar.working_hours)
    return DeadlinePolicy(policy.rules, policy.default_days, calendar=built_in)


@lru_cache(maxsize=4)
def _built_in(timezone: str, end_of_day: time, working_hours: tuple[tuple[time, time], ...]) -> WorkCalendar:
    """One built-in calendar a process: a new one each admin page warned again of a year not covered."""
    return WorkCalendar(timezone=timezone, end_of_day=end_of_day, working_hours=working_hours)


def _start(case: Case) -> datetime | None:
    """When the case's deadline was counted from: its acceptance, or its latest reopening."""
    reopenings = [event.created_at for event in case.events if event.action == EventAction.REOPENED]
    return max(reopenings) if reopenings else case.accepted_at
