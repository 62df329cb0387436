"""What an erasure does to the texts that stay: the person's name, phone and e-mail masked in all.

An erasure (:mod:`minyi.flows.erasure`) deletes the contact row, but the person is also named
in what staff and citizens wrote about the case: its title, the messages and the pipeline's
normalised copy of them, replies (public and internal notes), the supervision note,
extension reasons, callback notes, suggestion decisions and the reasons kept in the case's
events. Every such text of the cases the person's messages are in **and of the cases they
came from** (a case merged into another keeps its title and replies) gets the name masked
as an introduced name (王**), each of the person's phone numbers however it is written
(138****5678) and e-mail addresses (z***@example.com).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from minyi.analysis.models import MessageAnalysis
from minyi.cases.kinds import CallbackRequest, SuggestionDecision
from minyi.cases.models import Case, CaseEvent, EventAction, ExtensionRequest, Statement, StatementCase
from minyi.intake.models import Message, MessageContact
from minyi.pipeline.privacy import mask_names, names_introduced

_MOBILE_WITH_86 = 13
_MOBILE_WITH_0086 = 15
_SHOWN_DIGITS = 7  # 3 first and 4 last digits of a masked number stay, as elsewhere


def phone_digits(phone: str) -> str:
    """The digits of a phone number without its country code (86, +86 or 0086)."""
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) == _MOBILE_WITH_0086 and digits.startswith("0086"):
        return digits[4:]
    if len(digits) == _MOBILE_WITH_86 and digits.startswith("86"):
        return digits[2:]
    return digits


@dataclass(frozen=True)
class Identity:
    """What names the person in a text: contact names, phone digits, e-mail addresses."""

    names: tuple[str, ...]
    phones: tuple[str, ...]
    emails: tuple[str, ...]

    @classmethod
    def of(
        cls,
        contacts: Iterable[MessageContact],
        phones: Iterable[str],
        emails: Iterable[str],
        texts: Iterable[str | None] = (),
    ) -> Identity:
        """The identity of ``contacts``, what the request named, and the names ``texts`` introduce.

        ``texts`` are the erased messages' titles and bodies, read before they are erased:
        public views mask a name their author introduced (我叫钱晓东, 我女儿李小红) wherever it
        recurs *because* the text introduces it, so a reply greeting 钱晓东您好 showed the
        name in full once the text was gone (eleventh probe).  Masked here, it stays masked.
        """
        listed = list(contacts)
        names = {c.name.strip() for c in listed if c.name and len(c.name.strip()) > 1}
        names.update(name for text in texts for name in names_introduced(text))
        digits = {phone_digits(p) for p in [*phones, *(c.phone for c in listed if c.phone)]}
        mails = {e.strip().lower() for e in [*emails, *(c.email for c in listed if c.email)] if e.strip()}
        return cls(tuple(sorted(names)), tuple(sorted(d for d in digits if d)), tuple(sorted(mails)))

    def masker(self) -> Callable[[str], str]:
        """A function masking this identity in one text."""
        patterns = [(_phone_pattern(d), _masked_digits(d)) for d in self.phones]
        patterns += [(re.compile(re.escape(e), re.IGNORECASE), _masked_email(e)) for e in self.emails]

        def mask(text: str) -> str:
            if not text:
                return text
            masked = mask_names(text, self.names) if self.names else text
            for pattern, replacement in patterns:
                masked = pattern.sub(replacement, masked)
            return masked

        return mask


def _phone_pattern(digits: str) -> re.Pattern[str]:
    """``digits`` as people write them: spaces, dashes, dots or brackets between, +86 or 0086 before."""
    body = r"[\s\-.()]*".join(re.escape(d) for d in digits)
    return re.compile(rf"(?<!\d)(?:(?:\+|00)?86[\s\-.]*)?{body}(?!\d)")


def _masked_digits(digits: str) -> str:
    if len(digits) < _SHOWN_DIGITS + 4:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - _SHOWN_DIGITS) + digits[-4:]


def _masked_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def origin_cases(session: Session, cases: Sequence[Case], message_ids: set[str]) -> list[Case]:
    """The cases the messages came from by a merge (并案): their title and replies stay there."""
    numbers: set[str] = set()
    for case in cases:
        for event in case.events:
            if event.action == EventAction.CASES_MERGED and message_ids & set(
                event.payload.get("messages", [])
            ):
                numbers.add(str(event.payload.get("absorbed", "")))
    if not numbers:
        return []
    return list(session.scalars(select(Case).where(Case.number.in_(numbers))))


def merged_messages(session: Session, numbers: Sequence[str]) -> set[str]:
    """The messages that were in the cases numbered ``numbers`` before these were merged away."""
    found: set[str] = set()
    for number in numbers:
        events = select(CaseEvent).where(
            CaseEvent.action == EventAction.CASES_MERGED.value,
            cast(CaseEvent.payload, String).contains(number),
        )
        for event in session.scalars(events):
            if event.payload.get("absorbed") == number:
                found.update(str(m) for m in event.payload.get("messages", []))
    return found


def mask_everywhere(
    session: Session, cases: Sequence[Case], messages: Sequence[Message], identity: Identity
) -> None:
    """Mask ``identity`` in every text of ``cases`` (and the normalised copies of ``messages``)."""
    mask = identity.masker()
    for case in cases:
        _mask_case(case, mask)
    for message in messages:
        if message.case_id is None:  # not processed yet (or failed): no case holds it
            _mask_message(message, mask)
    for analysis in session.scalars(
        select(MessageAnalysis).where(MessageAnalysis.message_id.in_([m.id for m in messages]))
    ):
        analysis.normalized_title = mask(analysis.normalized_title)
        analysis.normalized_body = mask(analysis.normalized_body)
    _mask_rows(session, [case.id for case in cases], mask)
    _mask_statements(session, [case.id for case in cases], mask)


def _mask_case(case: Case, mask: Callable[[str], str]) -> None:
    case.title = mask(case.title)
    if case.supervision_note:
        case.supervision_note = mask(case.supervision_note)
    for message in case.messages:
        _mask_message(message, mask)
    for reply in case.replies:
        reply.body = mask(reply.body)
    for event in case.events:
        if event.payload:
            event.payload = _masked_payload(event.payload, mask)


def _mask_message(message: Message, mask: Callable[[str], str]) -> None:
    message.title, message.body = mask(message.title), mask(message.body)
    if message.address:
        message.address = mask(message.address)
    if message.region:  # free text: a name and a number were typed there too
        message.region = mask(message.region)


def _mask_statements(session: Session, case_ids: list[str], mask: Callable[[str], str]) -> None:
    """Mask the statements (统一答复) answering these cases, and their lines about each case.

    Public pages masked the name only while the contact row said it was a name; the erasure
    deletes that row, so the name would have shown in full on ``/public/statements``.
    """
    links = select(StatementCase).where(StatementCase.case_id.in_(case_ids))
    statements: dict[str, Statement] = {}
    for link in session.scalars(links):
        if link.note:
            link.note = mask(link.note)
        statements[link.statement_id] = link.statement
    for statement in statements.values():
        statement.title, statement.body = mask(statement.title), mask(statement.body)


def _mask_rows(session: Session, case_ids: list[str], mask: Callable[[str], str]) -> None:
    for request in session.scalars(select(ExtensionRequest).where(ExtensionRequest.case_id.in_(case_ids))):
        request.reason = mask(request.reason)
        if request.decision_note:
            request.decision_note = mask(request.decision_note)
    for callback in session.scalars(select(CallbackRequest).where(CallbackRequest.case_id.in_(case_ids))):
        callback.note = mask(callback.note)
        if callback.outcome:
            callback.outcome = mask(callback.outcome)
    for decision in session.scalars(
        select(SuggestionDecision).where(SuggestionDecision.case_id.in_(case_ids))
    ):
        decision.reason = mask(decision.reason)


def _masked_payload(payload: dict[str, Any], mask: Callable[[str], str]) -> dict[str, Any]:
    """The payload with its texts masked (a new dict: JSON columns see a change only when replaced)."""
    return {key: mask(value) if isinstance(value, str) else value for key, value in payload.items()}
