"""Who is told what when a case changes: queued in the outbox, in the same transaction.

Each workflow step that tells someone calls its function here right after recording its
:class:`CaseEvent`: :func:`dispatched` (also for a reassignment), :func:`replied`,
:func:`reopened`, :func:`supervised`, :func:`extension_requested`, :func:`returned`.
:func:`remind` is the periodic job for deadlines (reminders to the department before the
deadline, escalation to the supervisors after it; the same for a supervision's own deadline).
Dedupe keys (made from the event id or the deadline) make each notice queue once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.cases import desk_notices, staff_notices
from minyi.cases.models import ANSWERED_STATUSES, Case, CaseEvent, CaseStatus
from minyi.core.localtime import format_time
from minyi.db.base import utcnow
from minyi.notify import services as notify


def _due(case: Case) -> str:
    return format_time(case.due_at, "%Y-%m-%d %H:%M") if case.due_at else "—"


def dispatched(session: Session, case: Case, event: CaseEvent) -> None:
    """Tell the department a case was dispatched (or reassigned) to it.

    An urgent case is told at once, on its own; the others go into the department's
    dispatch digest (on a surge day one e-mail per ten minutes, not one per case).
    """
    if not case.urgent:
        sign_by = format_time(case.sign_due_at, "%Y-%m-%d %H:%M") if case.sign_due_at else None
        entry = staff_notices.dispatch_entry(case, sign_by, _due(case))
        staff_notices.notify_department_dispatch(session, case, entry, f"{event.id}:department")
        return
    staff_notices.notify_department(
        session,
        case,
        f"新派单：{case.number}",
        _sign_by(case) + f"答复时限：{_due(case)}。",
        f"{event.id}:department",
    )


def _sign_by(case: Case) -> str:
    """The dispatch notice's first words: sign for it by its acceptance deadline, if it has one."""
    if case.sign_due_at is None:
        return "请及时签收办理，"
    return f"请于 {format_time(case.sign_due_at, '%Y-%m-%d %H:%M')} 前签收（签收期限），"


#: The answered notice's English (subject, text), after the Chinese in an e-mail.
REPLIED_EN = (
    "Your message has been answered",
    (
        "Hello, your message has been answered. Read the answer with your tracking code and secret, "
        "and tell us how it was handled."
    ),
)


def replied(session: Session, case: Case, event: CaseEvent) -> None:
    """Tell the author of each of the case's messages that the case was answered."""
    for message in case.messages:
        notify.notify_citizen(
            session,
            message,
            "您的留言已答复",
            "您好！您的留言已有答复，请凭查询码和查询密码查看，并对办理结果进行评价。",
            f"{event.id}:{message.id}",
            english=REPLIED_EN,
        )


def reopened(session: Session, case: Case, event: CaseEvent) -> None:
    """Tell the supervisors and the department that the case was reopened (重办)."""
    reason = str(event.payload.get("reason") or "")
    staff_notices.notify_supervisors(
        session, case, f"案件重办：{case.number}", f"重办原因：{reason}", f"{event.id}:sup"
    )
    staff_notices.notify_department(
        session,
        case,
        f"案件重办：{case.number}",
        f"请重新办理，新的答复时限：{_due(case)}。",
        f"{event.id}:department",
    )


def supervised(session: Session, case: Case, event: CaseEvent) -> None:
    """Tell the department the supervisor's instruction (督办), with its deadline when it has one."""
    comment = str(event.payload.get("comment") or "")
    due = case.supervision_due_at
    until = f"\n督办期限：{format_time(due)}" if due is not None else ""
    staff_notices.notify_department(
        session, case, f"督办：{case.number}", f"督办意见：{comment}{until}", f"{event.id}:department"
    )


def extension_decided(session: Session, case: Case, event: CaseEvent) -> None:
    """Tell the department whether its extension was granted, and the deadline now in force."""
    granted = bool(event.payload.get("approved"))
    note = str(event.payload.get("note") or "")
    said = (
        f"延期申请已批准，答复时限：{_due(case)}"
        if granted
        else f"延期申请未获批准，答复时限仍为：{_due(case)}"
    )
    staff_notices.notify_department(
        session,
        case,
        f"延期审批：{case.number}",
        said + (f"\n审批意见：{note}" if note else ""),
        f"{event.id}:department",
    )


def returned(session: Session, case: Case, event: CaseEvent, department_name: str | None) -> None:
    """Tell the dispatch desk (the supervisors' inbox) that a department sent a case back (退单).

    The case waits at the dispatch desk with its deadline running: without a notice it was
    seen only when someone opened the inbox.
    """
    reason = str(event.payload.get("reason") or "")
    staff_notices.notify_supervisors(
        session,
        case,
        f"退单：{case.number}",
        f"{department_name or '承办单位'}退回此案件，请重新派单。"
        f"\n退单理由：{reason}\n答复时限：{_due(case)}",
        f"{event.id}:sup",
    )


def extension_requested(session: Session, case: Case, event: CaseEvent) -> None:
    """Ask the supervisors to decide a request for more time (延期)."""
    days = event.payload.get("working_days")
    reason = str(event.payload.get("reason") or "")
    staff_notices.notify_supervisors(
        session,
        case,
        f"延期申请：{case.number}",
        f"申请延期 {days} 个工作日，理由：{reason}",
        f"{event.id}:sup",
    )


def remind(session: Session, now: datetime | None = None, soon_hours: float | None = None) -> tuple[int, int]:
    """Remind departments of deadlines due soon; escalate overdue cases to supervisors.

    Due soon is what the inbox calls 即将到期: within two working days of the office's
    calendar (:func:`~minyi.cases.queries.soon_until`), or within ``soon_hours`` clock hours
    when given. A fixed 48 hours reminded nobody on a Friday of a Monday deadline (the
    reminder went out on the Saturday, read on Monday with that day left), and of a deadline
    on the first day after 春节 it reminded in the middle of the holiday (tenth probe).

    A case past its deadline with no department (still at the dispatch desk, or returned) is
    escalated too, said as such: emergencies waiting to be dispatched were the ones left out.
    A case not signed for by its acceptance deadline (超时未签收) is escalated the same way.
    A case never accepted (no ``due_at``) near or past the rules' deadline stored while it
    waits at the desk is told to the supervisors in one digest, not one notice a case
    (:mod:`minyi.cases.desk_notices`; counted among the escalations, one a channel).
    Returns (reminders, escalations) queued now; run it as often as you like.
    """
    now = now or utcnow()
    soon = _soon_until(session, now, soon_hours)
    waiting = [s.value for s in CaseStatus if s not in ANSWERED_STATUSES]
    query = select(Case).where(Case.status.in_(waiting), Case.due_at.is_not(None))
    reminders = escalations = 0
    for case in session.scalars(query):
        assert case.due_at is not None
        stamp = case.due_at.strftime("%Y%m%d%H%M")
        if case.due_at < now:
            undispatched = case.department_id is None
            queued = staff_notices.notify_supervisors(
                session,
                case,
                f"{'超期未派单' if undispatched else '超期未答复'}：{case.number}",
                f"答复时限 {_due(case)} 已过，{'案件仍未派单，' if undispatched else ''}请督办。",
                f"overdue:{case.id}:{stamp}",
            )
            escalations += len(queued)
        elif case.due_at < soon and case.department_id is not None:
            queued_one = staff_notices.notify_department(
                session,
                case,
                f"即将到期：{case.number}",
                f"答复时限：{_due(case)}，请抓紧办理。",
                f"soon:{case.id}:{stamp}",
            )
            reminders += queued_one is not None
    supervision = _remind_supervision(session, now, soon)
    unsigned = _escalate_unsigned(session, now)
    desk = desk_notices.remind_desk(session, now, soon)
    session.flush()
    return reminders + supervision[0], escalations + supervision[1] + unsigned + desk


def _escalate_unsigned(session: Session, now: datetime) -> int:
    """Tell the supervisors of cases 超时未签收: dispatched, not signed for by their 签收期限.

    Once per case and deadline (a reassignment starts a new one), as for overdue replies.
    The history records no event: an overdue reply deadline has none either; the inbox's
    超时未签收 filter and the case page say it while it lasts, and the signing step keeps
    whether it was late (``sign_late``).
    """
    from minyi.cases.queries import sign_overdue_clause  # local: as _soon_until

    escalations = 0
    for case in session.scalars(select(Case).where(sign_overdue_clause(now))):
        assert case.sign_due_at is not None
        stamp = case.sign_due_at.strftime("%Y%m%d%H%M")
        department = case.department.name if case.department else "承办单位"
        queued = staff_notices.notify_supervisors(
            session,
            case,
            f"超时未签收：{case.number}",
            f"{department}未在签收期限 {format_time(case.sign_due_at, '%Y-%m-%d %H:%M')} 前签收，请督促。",
            f"unsigned:{case.id}:{stamp}",
        )
        escalations += len(queued)
    return escalations


def _soon_until(session: Session, now: datetime, soon_hours: float | None) -> datetime:
    """Deadlines before this moment are due soon (two working days, or ``soon_hours`` on the clock)."""
    if soon_hours is not None:
        return now + timedelta(hours=soon_hours)
    from minyi.cases.queries import soon_until  # local: the inbox's queries build on the notices' models

    return soon_until(session, now)


def _remind_supervision(session: Session, now: datetime, soon: datetime) -> tuple[int, int]:
    """The same for a supervision's own deadline (督办期限): the department before, supervisors after."""
    waiting = [s.value for s in CaseStatus if s not in ANSWERED_STATUSES]
    query = select(Case).where(
        Case.status.in_(waiting), Case.supervised.is_(True), Case.supervision_due_at.is_not(None)
    )
    reminders = escalations = 0
    for case in session.scalars(query):
        assert case.supervision_due_at is not None
        due = format_time(case.supervision_due_at, "%Y-%m-%d %H:%M")
        stamp = case.supervision_due_at.strftime("%Y%m%d%H%M")
        if case.supervision_due_at < now:
            escalations += len(
                staff_notices.notify_supervisors(
                    session,
                    case,
                    f"督办超期：{case.number}",
                    f"督办期限 {due} 已过，案件仍未答复。",
                    f"supervision-overdue:{case.id}:{stamp}",
                )
            )
        elif case.supervision_due_at < soon and case.department_id is not None:
            queued = staff_notices.notify_department(
                session,
                case,
                f"督办即将到期：{case.number}",
                f"督办期限：{due}，请抓紧办理并答复。\n督办意见：{case.supervision_note or ''}",
                f"supervision-soon:{case.id}:{stamp}",
            )
            reminders += queued is not None
    return reminders, escalations
