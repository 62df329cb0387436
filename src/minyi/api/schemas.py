"""Response bodies of the JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from minyi.cases.models import Case, CaseStatus
from minyi.cases.public_text import PublicText
from minyi.cases.queries import is_overdue, rules_due, sign_overdue
from minyi.intake.models import Message
from minyi.pipeline.privacy import mask_contact_value


class MessageCreated(BaseModel):
    """The answer to a stored submission."""

    id: str
    tracking_code: str
    tracking_secret: str
    case_id: str | None
    status: str | None
    created: bool


class ContactOut(BaseModel):
    """Contact details, masked."""

    name: str
    phone: str
    email: str


class MessageOut(BaseModel):
    """A message as the API shows it (personal data in the text masked)."""

    id: str
    channel: str
    title: str
    body: str
    received_at: datetime
    submitted_at: datetime | None
    region: str | None
    address: str | None
    likes: int
    dislikes: int
    reposts: int
    replies_count: int
    author_pseudonym: str | None
    is_public: bool
    tracking_code: str
    state: str
    case_id: str | None
    case_status: str | None
    contact: ContactOut | None = None

    @classmethod
    def of(cls, message: Message, *, with_contact: bool, public: PublicText | None = None) -> MessageOut:
        """The API view of ``message``; staff also get the masked contact and the pseudonym.

        Whoever holds the tracking code and secret reads no more than the public pages show:
        no contact, and no ``author_pseudonym``, which would link the author's messages.

        ``public`` masks the texts as the public pages do (the case's names hidden, official
        numbers kept); without it, personal data is masked and public service numbers kept.
        """
        public = public or PublicText()
        contact = None
        if with_contact and message.contact is not None:
            contact = ContactOut(
                name=mask_contact_value(message.contact.name),
                phone=mask_contact_value(message.contact.phone),
                email=mask_contact_value(message.contact.email),
            )
        return cls(
            id=message.id,
            channel=message.channel,
            title=public(message.case, message.title),
            body=public(message.case, message.body),
            received_at=message.received_at,
            submitted_at=message.submitted_at,
            region=message.region,
            address=public(message.case, message.address) or None,
            likes=message.likes,
            dislikes=message.dislikes,
            reposts=message.reposts,
            replies_count=message.replies_count,
            author_pseudonym=message.author_pseudonym if with_contact else None,
            is_public=message.is_public,
            tracking_code=message.tracking_code,
            state=message.state,
            case_id=message.case_id,
            case_status=message.case.status if message.case else None,
            contact=contact,
        )


class EventOut(BaseModel):
    """One step of a case's history."""

    action: str
    actor: str
    from_status: str | None
    to_status: str | None
    created_at: datetime
    payload: dict[str, Any]


class ReplyOut(BaseModel):
    """A reply or internal note."""

    id: str
    body: str
    is_public: bool
    created_at: datetime


class CaseSummary(BaseModel):
    """A case in a list."""

    id: str
    number: str
    title: str
    status: str
    department: str | None
    category: str | None
    appeal_kind: str | None
    is_public: bool
    created_at: datetime
    due_at: datetime | None
    desk_due_at: datetime | None = Field(
        default=None,
        description="按规定: a case never accepted (due_at null) waits at the dispatch desk with the "
        "reply deadline the rules give it from its first message; the inbox sorts it by this, and "
        "due=overdue and due=soon filter it by this. Null once accepted (due_at counts then).",
    )
    overdue: bool = Field(
        default=False,
        description="已超期: waiting for its answer past due_at, or past desk_due_at when never accepted "
        "(what the inbox's due=overdue filter lists).",
    )
    urgent: bool = False  # an emergency rule hit one of its messages: first in the inbox, due in hours
    urgent_reason: str | None = None  # the emergency words
    sign_due_at: datetime | None = Field(
        default=None,
        description="签收期限: the department must sign for the case by then (set at dispatch when a "
        "deadline rule sets accept_hours, in working hours of the office calendar); null when there "
        "is none or once the case is signed for, sent back or answered.",
    )
    sign_overdue: bool = Field(
        default=False,
        description="超时未签收: dispatched, not signed for, and past sign_due_at "
        "(what the inbox's due=unsigned filter lists).",
    )
    version: int = Field(
        default=0,
        description="Raised by every step. Send it back as `If-Match` on a step to have it refused "
        "(409) if someone else acted on the case since you read it.",
    )

    @classmethod
    def of(cls, case: Case, public: PublicText | None = None) -> CaseSummary:
        """The list view of ``case``: its title masked as its messages' are (the contact's name too)."""
        return cls(
            id=case.id,
            number=case.number,
            title=(public or PublicText())(case, case.title),
            status=case.status,
            department=case.department.code if case.department else None,
            category=case.category.path if case.category else None,
            appeal_kind=case.appeal_kind,
            is_public=case.is_public,
            created_at=case.created_at,
            due_at=case.due_at,
            desk_due_at=rules_due(case),
            overdue=is_overdue(case),
            version=case.version or 0,
            urgent=bool(case.urgent),
            urgent_reason=case.urgent_reason,
            sign_due_at=case.sign_due_at,
            sign_overdue=sign_overdue(case),
        )


class CaseOut(CaseSummary):
    """A case with its messages, history and replies."""

    messages: list[MessageOut]
    events: list[EventOut]
    replies: list[ReplyOut]

    @classmethod
    def full(cls, case: Case) -> CaseOut:
        """The detail view of ``case``."""
        public = PublicText()
        return cls(
            **CaseSummary.of(case, public).model_dump(),
            messages=[MessageOut.of(m, with_contact=True, public=public) for m in case.messages],
            events=[EventOut.model_validate(e, from_attributes=True) for e in case.events],
            replies=[
                ReplyOut(id=r.id, body=r.body, is_public=r.is_public, created_at=r.created_at)
                for r in case.replies
            ],
        )


class CaseList(BaseModel):
    """One page of cases."""

    total: int
    limit: int
    offset: int
    items: list[CaseSummary]
    next_cursor: str | None = Field(
        default=None, description="Pass as cursor for the next page; null on the last page"
    )


class DispatchIn(BaseModel):
    """Where to send a case."""

    model_config = ConfigDict(extra="forbid")

    department: str = Field(min_length=1, max_length=40, description="Department code")
    note: str = Field(default="", max_length=500)


class StatusIn(BaseModel):
    """A status change."""

    model_config = ConfigDict(extra="forbid")

    status: CaseStatus
    note: str = Field(default="", max_length=500)


class ReplyIn(BaseModel):
    """A public reply or an internal note."""

    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=20_000)
    public: StrictBool = True
    reason: str = Field(
        default="",
        max_length=2000,
        description="Why a public reply is sent although the quality check scores it below the threshold.",
    )


class Health(BaseModel):
    """Liveness, database reachability and whether its schema is this release's."""

    model_config = ConfigDict(populate_by_name=True)

    status: str
    database: str
    schema_: str = Field(
        alias="schema", description="current, or not current: the server needs `minyi db upgrade`"
    )
    version: str
    queue: str | None = Field(
        default=None,
        description="With MINYI_PROCESSING=nats only: connected, or unreachable (messages are still "
        "stored and acknowledged, and published when NATS is back; the status stays 200)",
    )
    waiting: int | None = Field(
        default=None,
        description="With MINYI_PROCESSING=nats only: messages stored and not processed yet",
    )
    holidays_missing: list[int] | None = Field(
        default=None,
        description="This year or the next, when neither chinese-calendar nor an admin or the holidays "
        "file gave its holidays: deadlines are counted on weekdays only until the State Council's "
        "schedule is entered (/staff/admin). Omitted when nothing is missing; the status stays 200",
    )
