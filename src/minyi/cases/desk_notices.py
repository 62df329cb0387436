"""The supervisors hear of the dispatch desk's cases near or past the rules' deadline, digested.

A case never accepted has no department to remind: the rules' deadline stored while it
waits at the desk (``desk_due_at``, :mod:`minyi.cases.desk_due`) is what 已超期 and 即将到期
count it by in the inbox, and the supervisors (督办), who already hear of overdue cases
that no department holds, are the ones told. Not one e-mail a case: after an import of old
messages tens of thousands wait at the desk past their deadline, and one notice each would
be a storm nobody reads. Instead :func:`remind_desk` tells them, in one digest
(:mod:`minyi.notify.digests`, at most one message per :data:`DESK_DIGEST_HOLD` and channel),
how many cases at the desk are past and near their deadline, listing the cases that have
become so since the last digest (the first :data:`~minyi.cases.staff_notices.DIGEST_LINES`).

"Since the last digest" is a watermark kept in the digest itself (the last entry's
``overdue_until``/``soon_until``): a case is new when its deadline lies between the
watermark and now (or the end of 即将到期). A run that finds nothing new queues nothing, so
``minyi cases remind`` may run every few minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from minyi.cases.models import ANSWERED_STATUSES, Case
from minyi.cases.staff_notices import DIGEST_LINES, SUPERVISORS
from minyi.core.localtime import format_time
from minyi.notify import digests
from minyi.notify.models import NotifyChannel, OutboxMessage
from minyi.pipeline.privacy import mask_text
from minyi.settings import Settings, get_settings

__all__ = ["DESK_DIGEST_HOLD", "KIND", "remind_desk"]

#: The supervisors hear of the desk at most once per this window and channel.
DESK_DIGEST_HOLD = timedelta(hours=1)
KIND = "desk"
_WAITING = [status.value for status in ANSWERED_STATUSES]


def _at_desk() -> ColumnElement[bool]:
    return and_(Case.status.not_in(_WAITING), Case.due_at.is_(None), Case.desk_due_at.is_not(None))


def _between(start: datetime | None, end: datetime) -> ColumnElement[bool]:
    """At the desk with the rules' deadline before ``end`` and not before ``start`` (if given)."""
    before = Case.desk_due_at < end
    return and_(_at_desk(), before if start is None else and_(Case.desk_due_at >= start, before))


def _count(session: Session, start: datetime | None, end: datetime) -> int:
    return int(session.scalar(select(func.count(Case.id)).where(_between(start, end))) or 0)


def _lines(session: Session, start: datetime | None, end: datetime) -> list[dict[str, Any]]:
    """The cases at the desk whose deadline is in [``start``, ``end``), the earliest first (a few)."""
    query = select(Case.number, Case.title, Case.desk_due_at).where(_between(start, end))
    rows = session.execute(query.order_by(Case.desk_due_at, Case.number).limit(DIGEST_LINES))
    return [
        {"number": number, "title": mask_text(title), "due": format_time(due, "%Y-%m-%d %H:%M")}
        for number, title, due in rows
    ]


def _watermark(session: Session) -> tuple[datetime | None, datetime | None]:
    """(overdue, due soon) deadlines told up to, from the newest desk digest; None before the first."""
    query = (
        select(OutboxMessage.payload)
        .where(OutboxMessage.dedupe_key.like(f"digest:{KIND}:%"))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(1)
    )
    entries = (session.scalar(query) or {}).get("entries") or []
    if not entries:
        return None, None
    last = entries[-1]
    return _parse(last.get("overdue_until")), _parse(last.get("soon_until"))


def _parse(value: Any) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def remind_desk(session: Session, now: datetime, soon: datetime, *, settings: Settings | None = None) -> int:
    """Fold what changed at the desk into the supervisors' digest; the channels told (0 when nothing new).

    Nothing is queued when no case's deadline passed or came within 即将到期 since the last
    digest, or when no supervisor channel (``MINYI_SUPERVISOR_EMAIL``, the webhook) is set.
    """
    settings = settings or get_settings()
    targets = _targets(settings)
    told_overdue, told_soon = _watermark(session)
    soon_from = max(now, told_soon) if told_soon is not None else now
    new_overdue = _count(session, told_overdue, now)
    new_soon = _count(session, soon_from, soon) if soon_from < soon else 0
    if not targets or not (new_overdue or new_soon):
        return 0
    entry = {
        "at": now.isoformat(),
        "overdue": _count(session, None, now),
        "soon": _count(session, now, soon),
        "overdue_until": now.isoformat(),
        "soon_until": max(soon, soon_from).isoformat(),
        "new_overdue": _lines(session, told_overdue, now) if new_overdue else [],
        "new_soon": _lines(session, soon_from, soon) if new_soon else [],
        "new_overdue_count": new_overdue,
        "new_soon_count": new_soon,
    }
    site = settings.site_name
    for channel, recipient in targets:
        digests.fold(
            session,
            channel=channel.value,
            recipient=recipient,
            kind=KIND,
            hold=DESK_DIGEST_HOLD,
            entry=entry,
            event_key=f"digest:{KIND}:told:{channel.value}:{entry['overdue_until']}:{entry['soon_until']}",
            render=lambda entries: desk_texts(entries, site),
            base_payload={"audience": SUPERVISORS},
        )
    return len(targets)


def _targets(settings: Settings) -> list[tuple[NotifyChannel, str]]:
    """The supervisors' channels, as :func:`minyi.cases.staff_notices.notify_supervisors` picks them."""
    targets: list[tuple[NotifyChannel, str]] = []
    if settings.supervisor_email.strip():
        targets.append((NotifyChannel.EMAIL, settings.supervisor_email.strip()))
    if settings.webhook_url:
        targets.append((NotifyChannel.WEBHOOK, SUPERVISORS))
    return targets


def desk_texts(entries: Sequence[dict[str, Any]], site: str) -> tuple[str, str]:
    """Subject and body of a desk digest: the latest counts, then the cases new in any folded entry."""
    last = entries[-1]
    subject = f"调度台待受理案件：超期未受理 {last['overdue']} 件，即将到期 {last['soon']} 件"
    opening = f"调度台现有 {last['overdue']} 件案件已过规定的答复时限仍未受理，{last['soon']} 件即将到期，"
    parts = [opening + "请督促受理、派单。"]
    for title, name in (("新近超期未受理", "new_overdue"), ("新近即将到期", "new_soon")):
        lines = [line for entry in entries for line in entry.get(name, [])]
        total = sum(int(entry.get(f"{name}_count", len(entry.get(name, [])))) for entry in entries)
        if lines:
            shown = [f"{line['number']}  {line['title']}  规定时限：{line['due']}" for line in lines]
            shown = shown[:DIGEST_LINES]
            if total > len(shown):
                shown.append(f"……另有 {total - len(shown)} 件，请在工作台的待办中查看。")
            parts.append(f"{title} {total} 件：\n" + "\n".join(shown))
    parts.append(f"请登录工作台（已超期、即将到期）查看并办理。\n——{site}")
    return subject, "\n\n".join(parts)
