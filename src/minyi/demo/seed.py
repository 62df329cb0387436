"""Load the demo: departments, a category tree, staff, ~500 messages and cases in every status.

Everything is made through the same factories the tests use, so every case has a
consistent event log written by the real case services. The case timeline (events,
replies, deadlines) is then moved back to when the message was received, so the demo
looks like two months of work rather than one second of it. The texts depend only on
the seed; times are measured back from ``now``. Nothing is committed here.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accountability.refresh import refresh as refresh_scorecard
from minyi.accounts.models import Role, User
from minyi.alerts.models import RuleKind
from minyi.alerts.rules import list_rules
from minyi.alerts.services import check as check_alerts
from minyi.alerts.services import watch_message
from minyi.analysis import services as analysis_services
from minyi.analysis.models import MessageAnalysis
from minyi.analysis.provider import build_pipeline
from minyi.cases import services as cases
from minyi.cases.deadlines import DEFAULT_REPLY_WORKING_DAYS, add_working_days
from minyi.cases.models import AppealKind, Case, CaseEvent, CaseStatus
from minyi.db.base import utcnow
from minyi.demo import texts
from minyi.demo.factories import UNROUTED_STATUSES, make_case, make_department, make_user
from minyi.demo.hot import HOT_PROBLEMS
from minyi.demo.reply_templates import add_demo_templates
from minyi.departments.models import Category, Department
from minyi.departments.services import department_for_category, import_category_tree
from minyi.intake.models import Channel, Message
from minyi.issues.services import refresh as refresh_issues
from minyi.settings import Settings

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "minyi-admin"  # noqa: S105 - the documented demo login
DEMO_PASSWORD = "minyi-demo"  # noqa: S105 - the documented demo login
WINDOW_DAYS = 60
CATEGORISED_SHARE = 0.6
PUBLIC_SHARE = 0.7
CONTACT_SHARE = 0.35
NOTE_SHARE = 0.3
BATCH_SIZE = 100
OFFICE_PHONE = "0731-88001200"
CHINA_TIME = timezone(timedelta(hours=8))
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 6, 6, 7, 8, 8, 7, 6, 7, 8, 8, 6, 3)
ROUTED_STATUSES = (
    CaseStatus.DISPATCHED,
    CaseStatus.SIGNED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.REPLIED,
    CaseStatus.FOLLOW_UP,
    CaseStatus.CLOSED,
)
AGE_WEIGHTS: tuple[tuple[float, tuple[int, ...]], ...] = (
    (1.0, (50, 30, 20, 0, 0, 0)),
    (5.0, (25, 25, 30, 20, 0, 0)),
    (15.0, (5, 10, 25, 30, 10, 20)),
    (math.inf, (2, 3, 8, 17, 12, 58)),
)
"""Up to an age in days, how likely a routed case is in each of ``ROUTED_STATUSES``."""

STEP_HOURS: dict[str, tuple[float, float]] = {
    CaseStatus.ACCEPTED: (1, 30),
    CaseStatus.SIGNED: (1, 24),
    CaseStatus.IN_PROGRESS: (2, 48),
    CaseStatus.REPLIED: (24, 240),
    CaseStatus.FOLLOW_UP: (24, 72),
    CaseStatus.CLOSED: (12, 96),
}
"""How long each step a person takes usually waits after the one before (hours)."""

PUBLIC_REPLY_ACTIONS = frozenset({"replied", "reply_added"})
REPLY_ACTIONS = PUBLIC_REPLY_ACTIONS | {"note"}
NOTE = "已联系属地街道到现场核实情况，待核实结果反馈后答复群众。"


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`seed_demo` made, or why it made nothing."""

    created: bool
    departments: int = 0
    categories: int = 0
    users: int = 0
    messages: int = 0
    public_replies: int = 0
    statuses: tuple[tuple[str, int], ...] = ()
    hot_problems: tuple[tuple[str, int], ...] = ()
    alerts: int = 0
    reason: str = ""

    def __str__(self) -> str:
        """A one-paragraph account for the command line."""
        if not self.created:
            return f"demo data already present ({self.reason}); nothing was changed"
        statuses = ", ".join(f"{status} {count}" for status, count in self.statuses)
        hot = ", ".join(f"{name} {count}" for name, count in self.hot_problems)
        return (
            f"demo loaded: {self.departments} departments, {self.categories} categories, "
            f"{self.users} users, {self.messages} messages and cases ({statuses}), "
            f"{self.public_replies} public replies; hot problems: {hot}; {self.alerts} alerts"
        )


@dataclass(frozen=True)
class _Plan:
    """One demo message and what becomes of it."""

    text: texts.MessageText
    received_at: datetime
    status: CaseStatus
    categorised: bool
    fields: dict[str, Any]


def seed_demo(
    session: Session, *, key: str, seed: int = 2026, messages: int = 500, now: datetime | None = None
) -> DemoSummary:
    """Create the demo data unless it is there already; flushes in batches, never commits.

    ``key`` is the site's secret key (author pseudonyms and tracking secrets derive
    from it). The same ``seed`` gives the same texts; ``now`` (timezone-aware, default
    the current time) is the end of the ~60 days the messages were received over.
    """
    reason = _already_seeded(session)
    if reason is not None:
        return DemoSummary(created=False, reason=reason)
    now = now or utcnow()
    if now.tzinfo is None:
        raise ValueError("now needs a timezone, e.g. datetime.now(UTC)")
    departments = {spec.code: _department(session, spec) for spec in texts.DEPARTMENTS}
    result = import_category_tree(session, texts.category_rows(), texts.CATEGORY_DEPARTMENTS)
    users = _create_users(session, list(departments.values()))
    add_demo_templates(session, departments)
    plans = plan_messages(seed, messages, now)
    public_replies = _create_cases(session, plans, key=key, now=now, rng=_rng(seed, "timeline"))
    _analyse_all(session)
    refresh_issues(session, days=90, min_size=3)
    _mark_emergencies(session)
    alerts = _raise_alerts(session, now)
    refresh_scorecard(session, full=True, now=now)  # the public dashboard has figures at once
    statuses = Counter(plan.status.value for plan in plans)
    hot = Counter(plan.text.hot for plan in plans if plan.text.hot is not None)
    return DemoSummary(
        created=True,
        departments=len(departments),
        categories=result.created + result.existing,
        users=len(users),
        messages=len(plans),
        public_replies=public_replies,
        statuses=tuple((s.value, statuses[s.value]) for s in CaseStatus),
        hot_problems=tuple((p.name, hot[p.key]) for p in HOT_PROBLEMS),
        alerts=alerts,
    )


def _analyse_all(session: Session) -> None:
    """Run the text pipeline over the demo messages, as intake would have (cases stay as planned)."""
    pipeline = build_pipeline(Settings(), session)
    messages = list(session.scalars(select(Message).order_by(Message.received_at)))
    for start in range(0, len(messages), 200):
        batch = messages[start : start + 200]
        results = pipeline.analyse_many([analysis_services.pipeline_input(m) for m in batch])
        for message, result in zip(batch, results, strict=True):
            analysis_services.store(session, message, result)


def _mark_emergencies(session: Session) -> int:
    """Make the cases urgent whose messages have an emergency word, as intake would have.

    Intake decides it from the keyword alerts of a new message (``flows.processing``); the
    demo's messages are back-dated, so the words of the enabled keyword rules are looked up
    here. The urgent deadline counts from the case's acceptance, else from its message.
    """
    words = [
        word
        for rule in list_rules(session, enabled_only=True, kind=RuleKind.KEYWORD.value)
        for word in rule.params.get("keywords") or []
        if isinstance(word, str) and word
    ]
    if not words:
        return 0
    query = (
        select(Message, MessageAnalysis)
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(Message.case_id.is_not(None))
        .order_by(Message.received_at)
    )
    marked = 0
    for message, analysis in session.execute(query):
        text = f"{analysis.normalized_title}\n{analysis.normalized_body}"
        found = list(dict.fromkeys(word for word in words if word in text))
        if found and message.case is not None:
            marked += cases.mark_urgent(session, message.case, "、".join(found), now=message.received_at)
    session.flush()
    return marked


def _raise_alerts(session: Session, now: datetime) -> int:
    """What intake and the periodic check would have raised: keyword alerts of the last day, spikes."""
    since = now - timedelta(days=1)
    query = (
        select(Message, MessageAnalysis)
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(Message.received_at >= since)
        .order_by(Message.received_at)
    )
    rows = [(row[0], row[1]) for row in session.execute(query)]
    raised = {alert.id for m, analysis in rows for alert in watch_message(session, m, analysis, now=now)}
    raised.update(a.id for a in check_alerts(session, now))
    return len(raised)


def _rng(seed: int, purpose: str = "") -> random.Random:
    """A generator for one purpose: the texts never depend on how the timeline drew."""
    return random.Random(f"{seed}:{purpose}" if purpose else seed)  # noqa: S311 - demo data, not secrets


def _already_seeded(session: Session) -> str | None:
    """Why the demo must not be loaded again (its admin or a demo department exists), or None."""
    if session.scalar(select(User.id).where(User.username == ADMIN_USERNAME)) is not None:
        return f"user {ADMIN_USERNAME!r} exists"
    codes = [spec.code for spec in texts.DEPARTMENTS]
    code = session.scalar(select(Department.code).where(Department.code.in_(codes)).limit(1))
    return f"department {code} exists" if code is not None else None


def _department(session: Session, spec: texts.DepartmentSpec) -> Department:
    return make_department(
        session,
        code=spec.code,
        name=spec.name,
        name_en=spec.name_en,
        contact_phone=spec.contact_phone,
        contact_address=f"A市A1区市民中心{spec.code}办公区",
    )


def _create_users(session: Session, departments: list[Department]) -> list[User]:
    """The admin, a dispatcher, a supervisor, and one member of staff per department."""
    users = [
        make_user(
            session,
            username=ADMIN_USERNAME,
            password=ADMIN_PASSWORD,
            role=Role.ADMIN.value,
            display_name="系统管理员",
        ),
        make_user(
            session,
            username="dispatcher",
            password=DEMO_PASSWORD,
            role=Role.DISPATCHER.value,
            display_name="12345热线派单员",
        ),
        make_user(
            session,
            username="supervisor",
            password=DEMO_PASSWORD,
            role=Role.SUPERVISOR.value,
            display_name="督办员",
        ),
    ]
    users.extend(
        make_user(
            session,
            username=d.code.lower(),
            password=DEMO_PASSWORD,
            role=Role.STAFF.value,
            department=d,
            display_name=f"{d.name}承办人",
        )
        for d in departments
    )
    return users


def plan_messages(seed: int, count: int, now: datetime) -> list[_Plan]:
    """The demo's messages in the order they were received, with each one's fate.

    Every status of :class:`CaseStatus` occurs once ``count`` is at least eight.
    """
    generated = texts.generate_messages(_rng(seed), count)
    rng = _rng(seed, "plan")
    plans = [_plan(rng, index, text, now) for index, text in enumerate(generated)]
    for index, status in enumerate(list(CaseStatus)[: len(plans)]):
        plans[index] = replace(plans[index], status=status, categorised=status not in UNROUTED_STATUSES)
    return sorted(plans, key=lambda plan: plan.received_at)


def _plan(rng: random.Random, index: int, text: texts.MessageText, now: datetime) -> _Plan:
    received_at = _received_at(rng, text, now)
    categorised = rng.random() < CATEGORISED_SHARE
    age_days = (now - received_at).total_seconds() / 86_400
    fields: dict[str, Any] = {
        "title": text.title,
        "body": text.body,
        "region": text.region,
        "address": text.address,
        "likes": text.likes,
        "reposts": text.reposts,
        "is_public": rng.random() < PUBLIC_SHARE,
        "author": f"demo-citizen-{index if text.hot else rng.randrange(max(index, 1))}",
        "submitted_at": received_at - timedelta(seconds=rng.randint(1, 90)),
        "channel": rng.choices((Channel.PORTAL, Channel.API, Channel.IMPORT), (70, 20, 10))[0].value,
        "received_at": received_at,
    }
    if rng.random() < CONTACT_SHARE:
        fields["contact"] = {
            "name": rng.choice(texts.SURNAMES) + rng.choice(("先生", "女士")),
            "phone": texts.mobile_number(rng),
            "email": texts.email_address(rng) if rng.random() < 0.3 else None,  # noqa: PLR2004
        }
    return _Plan(text, received_at, _status(rng, categorised, age_days), categorised, fields)


def _received_at(rng: random.Random, text: texts.MessageText, now: datetime) -> datetime:
    """When a message came in: a day in the window (a hot problem's days), at a waking hour."""
    hot = next((p for p in HOT_PROBLEMS if p.key == text.hot), None)
    if hot is not None:
        days_ago = hot.start_days_ago - rng.triangular(0, hot.span_days, hot.span_days * 0.3)
    else:
        days_ago = rng.uniform(0, WINDOW_DAYS)
    day = (now.astimezone(CHINA_TIME) - timedelta(days=days_ago)).date()
    hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
    moment = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=CHINA_TIME)
    if moment > now - timedelta(minutes=10):
        moment -= timedelta(days=1)
    return moment.astimezone(UTC)


def _status(rng: random.Random, categorised: bool, age_days: float) -> CaseStatus:
    """A plausible status: unrouted cases wait for the dispatcher; older routed cases are further on."""
    if not categorised:
        return rng.choices((CaseStatus.RECEIVED, CaseStatus.ACCEPTED), (65, 35))[0]
    weights = next(w for limit, w in AGE_WEIGHTS if age_days < limit)
    return rng.choices(ROUTED_STATUSES, weights)[0]


def _create_cases(
    session: Session, plans: list[_Plan], *, key: str, now: datetime, rng: random.Random
) -> int:
    """Make each planned message and its case; returns how many public replies were written."""
    categories = {c.path: c for c in session.scalars(select(Category))}
    replies = 0
    for index, plan in enumerate(plans, start=1):
        category = categories[plan.text.category] if plan.categorised else None
        department = department_for_category(category)
        phone = department.contact_phone if department and department.contact_phone else OFFICE_PHONE
        reply = texts.reply_text(rng, plan.text, phone)
        case = make_case(
            session, status=plan.status.value, category=category, key=key, reply_body=reply, **plan.fields
        )
        case.appeal_kind = plan.text.kind
        if plan.status == CaseStatus.IN_PROGRESS and rng.random() < NOTE_SHARE:
            staff = session.scalar(select(User).where(User.department_id == case.department_id).limit(1))
            if staff is not None:
                cases.add_reply(session, staff, case, NOTE, public=False)
        backdate_case(case, plan.received_at, now, rng)
        replies += sum(1 for e in case.events if e.action in PUBLIC_REPLY_ACTIONS)
        if index % BATCH_SIZE == 0:
            session.flush()
    session.flush()
    return replies


def _step_hours(rng: random.Random, event: CaseEvent, first: bool) -> float:
    if first:
        return rng.uniform(0.0005, 0.01)
    if event.actor == cases.SYSTEM:
        return rng.uniform(0, 0.005)
    if event.action == "note":
        return rng.uniform(2, 24)
    low, high = STEP_HOURS.get(event.to_status or "", (0.5, 12))
    return rng.uniform(low, high)


def backdate_case(case: Case, received_at: datetime, now: datetime, rng: random.Random) -> None:
    """Spread a freshly made case's events over plausible times from ``received_at`` on.

    The steps keep their order and fit before ``now``; the case's dates, deadline,
    number and replies follow its events. Only for cases made in this session.
    """
    events = list(case.events)
    hours = [_step_hours(rng, event, index == 0) for index, event in enumerate(events)]
    room = max((now - received_at).total_seconds() / 3600 * 0.9, 0.01)
    scale = min(1.0, room / sum(hours))
    moment = received_at
    for event, step in zip(events, hours, strict=True):
        moment += timedelta(hours=step * scale)
        event.created_at = moment
    case.created_at = events[0].created_at
    case.updated_at = events[-1].created_at
    case.number = f"{case.created_at:%Y%m%d}{case.number[8:]}"
    accepted = next((e.created_at for e in events if e.to_status == CaseStatus.ACCEPTED), None)
    case.accepted_at = accepted
    # Praise has no reply deadline (cases.rules.due_by_rules), as acceptance gives it none: the
    # demo's thank-yous were listed 超期 in its briefing and on its big screen (fourteenth probe).
    deadline = accepted is not None and (case.appeal_kind != AppealKind.PRAISE or case.urgent)
    case.due_at = add_working_days(accepted, DEFAULT_REPLY_WORKING_DAYS) if deadline and accepted else None
    case.replied_at = next((e.created_at for e in events if e.action == "replied"), None)
    case.closed_at = next((e.created_at for e in events if e.to_status == CaseStatus.CLOSED), None)
    # Replies pair with their events in order (the events' reply_id is not set before a flush).
    reply_events = [e for e in events if e.action in REPLY_ACTIONS]
    if reply_events:  # else case.replies would be loaded (and the session flushed) for nothing
        for reply, event in zip(case.replies, reply_events, strict=False):
            reply.created_at = event.created_at
