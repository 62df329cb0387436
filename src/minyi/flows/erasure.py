"""Erasure on request: one person's personal data, found by what that person can show.

A citizen may ask for their personal information to be deleted (个人信息保护法, art. 47).
Retention (:mod:`minyi.flows.retention`) deletes contact details by age; this module does it
for one person, now, found by what they can show the office: the tracking codes of their
messages, a case number, or the phone number or e-mail address they gave. A phone or
e-mail is matched exactly (its author pseudonym, and the contact rows holding the same
number or address); no similar numbers, no names: this is the person's own request, not
a search for people.

What an erasure does to each message found (the case, its dates, category, department and
status stay, so the office's statistics and its answer stay true):

* the contact's name is masked for good (张**) in the case's title, messages and replies,
  then the contact row (name, phone, e-mail) is deleted, the addresses on notifications
  to it are blanked and notices still waiting are given up;
* the author pseudonym is removed (heat and counts treat the message as anonymous), and
  the author's consent to publish is withdrawn: a case with no other consenting message
  leaves ``/public``, the public search, open data and Open311;
* the citizen's follow-up comments (回访意见) on the message are deleted;
* with ``text``, the message's own words go too: its title and body become
  :data:`ERASED_TEXT`, its address and coordinates are removed, the pipeline's normalised
  copy is emptied, and a case or hot-issue title taken from it is replaced.

The official replies stay (they are the office's record), with the name masked. Each case
gets an ``erased`` event and the whole request one audit event, both without the data.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import String, cast, or_, select, update
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.analysis.models import MessageAnalysis
from minyi.audit import services as audit
from minyi.cases.events import record
from minyi.cases.models import Case, CaseRating, EventAction
from minyi.cases.queries import normalise_number
from minyi.core.errors import InvalidInput
from minyi.flows.erasure_text import Identity, mask_everywhere, merged_messages, origin_cases, phone_digits
from minyi.flows.retention import forget_addresses
from minyi.intake.identity import normalise_code, pseudonym
from minyi.intake.models import ERASED_TEXT, Message, MessageContact
from minyi.issues import records as issue_records
from minyi.issues import stats as issue_stats
from minyi.issues.models import HotIssue
from minyi.knowledge.search import purge_deleted, resync_cases
from minyi.pipeline.privacy import mask_text
from minyi.settings import Settings

_MIN_PHONE_DIGITS = 7
_MAX_ITEM = 100  # characters of one code, number, phone or e-mail
MAX_ITEMS = 50  # codes, numbers, phones or e-mails of one person in one request


class ErasureError(InvalidInput):
    """An erasure request that names nothing to find the person's messages by (422, the field)."""


@dataclass(frozen=True)
class ErasureRequest:
    """What the person showed: any mix of tracking codes, case numbers, phones, e-mails."""

    codes: tuple[str, ...] = ()
    case_numbers: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    text: bool = False

    def __post_init__(self) -> None:
        """Blank items are no items (a form's empty line, ``[""]`` in JSON)."""
        for name in ("codes", "case_numbers", "phones", "emails"):
            items = tuple(item.strip() for item in getattr(self, name) if item and item.strip())
            object.__setattr__(self, name, items)

    def is_empty(self) -> bool:
        """Whether it names nothing at all."""
        return not (self.codes or self.case_numbers or self.phones or self.emails)


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure changed (or would change, in a dry run); counts only, never the data."""

    messages: int
    cases: int
    contacts: int
    texts: int
    unpublished: int
    codes: tuple[str, ...] = field(default=())
    case_ids: tuple[str, ...] = field(default=())
    people: int = 1  # distinct authors among the messages: more than one, and a case number named others

    def to_dict(self) -> dict[str, int | list[str]]:
        """The report for ``--json`` and the audit trail."""
        return {
            "messages": self.messages,
            "cases": self.cases,
            "contacts": self.contacts,
            "texts": self.texts,
            "unpublished": self.unpublished,
            "people": self.people,
            "codes": list(self.codes),
        }


def find_messages(session: Session, key: str, request: ErasureRequest) -> list[Message]:
    """The messages ``request`` names, oldest first (each once).

    Raises:
        ErasureError: when the request names nothing, or a phone number has too few digits
            to be one (a short one would find other people's messages).
    """
    _check(request)
    found: dict[str, Message] = {}
    conditions = []
    if request.codes:
        conditions.append(Message.tracking_code.in_([normalise_code(c) for c in request.codes]))
    if request.case_numbers:
        numbers = [normalise_number(n) for n in request.case_numbers]
        conditions.append(Message.case_id.in_(select(Case.id).where(Case.number.in_(numbers))))
        conditions.append(Message.id.in_(merged_messages(session, numbers)))  # a case merged away
    identities = [*request.phones, *request.emails]
    if identities:
        pseudonyms = [p for p in (pseudonym(key, i) for i in identities) if p]
        conditions.append(Message.author_pseudonym.in_(pseudonyms))
        conditions.append(Message.id.in_(_contact_messages(session, request)))
    for message in session.scalars(select(Message).where(or_(*conditions))):
        found[message.id] = message
    return sorted(found.values(), key=lambda m: (m.received_at, m.id))


def _check(request: ErasureRequest) -> None:
    if request.is_empty():
        raise ErasureError("name at least one tracking code, case number, phone number or e-mail")
    for name in ("codes", "case_numbers", "phones", "emails"):
        if any(len(item) > _MAX_ITEM for item in getattr(request, name)):
            raise ErasureError(f"{name}: at most {_MAX_ITEM} characters each", field=name)
        if len(getattr(request, name)) > MAX_ITEMS:
            raise ErasureError(f"{name}: at most {MAX_ITEMS} at once", field=name)
    for phone in request.phones:
        if len(phone_digits(phone)) < _MIN_PHONE_DIGITS:
            raise ErasureError(f"{phone!r} is not a whole phone number", field="phones")
    for email in request.emails:  # else "12345" as an e-mail found the pseudonym of hotline 12345
        if "@" not in email:
            raise ErasureError(f"{email!r} is not an e-mail address", field="emails")


def _contact_messages(session: Session, request: ErasureRequest) -> list[str]:
    """Messages whose contact row holds one of the phones (same digits) or e-mails (any case)."""
    wanted_phones = {phone_digits(p) for p in request.phones}
    wanted_emails = {e.strip().lower() for e in request.emails}
    tails = {digits[-4:] for digits in wanted_phones}
    clauses = [MessageContact.phone.contains(tail) for tail in tails]  # narrows; digits decide
    clauses += [MessageContact.email.ilike(email) for email in wanted_emails]
    if not clauses:
        return []
    rows = session.execute(
        select(MessageContact.message_id, MessageContact.phone, MessageContact.email).where(or_(*clauses))
    )
    return [
        message_id
        for message_id, phone, email in rows
        if (phone and phone_digits(phone) in wanted_phones)
        or (email and email.strip().lower() in wanted_emails)
    ]


def erase(  # noqa: PLR0913 - the request, then who asked from where (the audit event)
    session: Session,
    key: str,
    request: ErasureRequest,
    *,
    actor: str,
    actor_user_id: str | None = None,
    address: str | None = None,
    dry_run: bool = False,
) -> ErasureReport:
    """Erase the personal data of the messages ``request`` names (the caller commits)."""
    messages = find_messages(session, key, request)
    cases = {m.case_id: m.case for m in messages if m.case_id and m.case is not None}
    contacts = [m.contact for m in messages if m.contact is not None]
    message_ids = {m.id for m in messages}
    # the cases these messages were merged away from keep their title and replies
    origins = [c for c in origin_cases(session, list(cases.values()), message_ids) if c.id not in cases]
    unpublished = sum(1 for case in cases.values() if case.is_public and not _others_public(case, messages))
    report = ErasureReport(
        messages=len(messages),
        cases=len(cases),
        contacts=len(contacts),
        texts=len(messages) if request.text else 0,
        unpublished=unpublished + sum(1 for origin in origins if origin.is_public),
        codes=tuple(m.tracking_code for m in messages),
        case_ids=(*cases, *(origin.id for origin in origins)),
        people=_people(messages),
    )
    who = _Who(actor, actor_user_id, address)
    if dry_run or not messages:
        # a preview is a look-up of a person's messages by their number: in the trail too
        who.record(session, audit.ERASURE_PREVIEW, report)
        return report
    texts = [text for m in messages for text in (m.title, m.body)]
    identity = Identity.of(contacts, request.phones, request.emails, texts)
    mask_everywhere(session, [*cases.values(), *origins], messages, identity)
    addresses = {v for contact in contacts for v in (contact.email, contact.phone) if v}
    reason = "the address was erased at the person's request"
    forget_addresses(session, addresses, {*cases, *(c.id for c in origins)}, reason=reason)
    session.execute(update(CaseRating).where(CaseRating.message_id.in_(message_ids)).values(comment=None))
    for contact in contacts:
        session.delete(contact)
    for message in messages:
        message.author_pseudonym = None
        message.is_public = False
        if request.text:
            _erase_text(session, message)
    # the case history names who erased (it said 系统 for an administrator's erasure: thirteenth probe)
    user = session.get(User, actor_user_id) if actor_user_id else None
    for case in [*cases.values(), *origins]:
        # never more public than before; a shell a merge left has no message to consent
        case.is_public = case.is_public and any(m.is_public for m in case.messages)
        payload = {"messages": sum(m.case_id == case.id for m in messages), "text": request.text}
        event = record(session, case, EventAction.ERASED, user=user, payload=payload)
        if user is None:  # the command line's --by: the person who carried it out, as in the trail
            event.actor = actor[:80]
    who.record(session, audit.ERASURE, report)
    session.flush()
    return report


def after_commit(
    session: Session, settings: Settings, report: ErasureReport, *, background: bool = False
) -> int:
    """Rewrite the knowledge documents of the erased cases and drop the kept open-data files.

    Called once the erasure is committed: the public search index is written with the
    transaction, the knowledge index is not, and its synchronisation would not see these
    cases again (they have no new reply).  The open-data files kept on disk for downloads
    still held the erased cases (no longer served, but kept until the next download of
    the same file: eleventh probe); they are deleted now, and the next download builds
    afresh.  The knowledge index only marks a rewritten document deleted, its old text
    staying in its segment's files until a merge: those segments are rewritten now (in
    a thread of their own with ``background``, for a page or an API call: it can take
    minutes in a large index).
    """
    drop_kept_open_data(settings.open_data_cache_dir)
    written = resync_cases(session, settings, report.case_ids)
    if report.case_ids:  # rewritten or dropped: either way their old versions are marked deleted
        purge_deleted(settings, background=background)
    return written


def drop_kept_open_data(directory: Path) -> int:
    """Delete the public case files kept in ``directory``; how many were deleted.

    Only the kept builds (``cases.csv.<stamp>`` …): a download being sent reads its own
    hard link, which the web layer deletes when the download ends.
    """
    dropped = 0
    with contextlib.suppress(OSError):
        for path in directory.glob("cases.*"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                dropped += 1
    return dropped


@dataclass(frozen=True)
class _Who:
    """Who carries out an erasure (or looks one up), from where: the audit event's fields."""

    actor: str
    user_id: str | None
    address: str | None

    def record(self, session: Session, action: str, report: ErasureReport) -> None:
        audit.record(
            session,
            action,
            actor=self.actor,
            actor_user_id=self.user_id,
            subject="messages",
            address=self.address,
            details=report.to_dict(),
        )


def _people(messages: Sequence[Message]) -> int:
    """Distinct authors of ``messages``: by contact phone or e-mail, else pseudonym, else each one."""
    keys = set()
    for message in messages:
        contact = message.contact
        key = (contact and (phone_digits(contact.phone or "") or (contact.email or "").lower())) or None
        keys.add(key or message.author_pseudonym or message.id)
    return len(keys)


def _others_public(case: Case, erased: Iterable[Message]) -> bool:
    ids = {m.id for m in erased}
    return any(m.is_public and m.id not in ids for m in case.messages)


def _erase_text(session: Session, message: Message) -> None:
    """Replace the message's own words (and every title taken from them) with :data:`ERASED_TEXT`."""
    shown = {message.title, mask_text(message.title)} - {""}
    case = message.case
    if case is not None and case.title in shown:
        case.title = ERASED_TEXT
    message.title = ERASED_TEXT
    message.body = ERASED_TEXT
    message.address = None
    message.latitude = None
    message.longitude = None
    analysis = MessageAnalysis
    member_of = session.scalar(select(analysis.issue_id).where(analysis.message_id == message.id))
    session.execute(
        update(MessageAnalysis)
        .where(MessageAnalysis.message_id == message.id)
        .values(normalized_title="", normalized_body="", issue_id=None, issue_pinned=False)
    )
    holding = select(HotIssue).where(cast(HotIssue.representative_ids, String).contains(message.id))
    for issue in session.scalars(holding):
        issue.representative_ids = [i for i in issue.representative_ids if i != message.id]
        if not issue.title_locked and issue.title in shown:
            issue.title = " · ".join([*issue.places[:1], *issue.keywords[:2]]) or ERASED_TEXT
    _recount(session, member_of)


def _recount(session: Session, issue_id: str | None) -> None:
    """The erased message's hot issue counted again without it (size, people, heat) at once.

    Its size and heat went on counting the erased message until the next ``minyi issues
    refresh``: an erasure should leave no trace, not even a number, once it is done.
    """
    issue = session.get(HotIssue, issue_id) if issue_id else None
    if issue is None:
        return
    session.flush()
    issue_stats.recompute(session, issue)
    issue.heat = issue_records.current_heat(issue)
