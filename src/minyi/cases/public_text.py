"""What the public reads of a case or a statement: its texts with personal data masked.

Every public view (``/public``, ``/public/statements``, the tracking page, the JSON
API's public answers) shows a case's title, its messages and its replies, or a
statement, through :class:`PublicText`, the one place that decides what is hidden:

- personal data found by :func:`minyi.pipeline.privacy.mask_text` (phones, IDs,
  cards, e-mail, rooms, introduced names);
- the names of the case's people wherever they recur, introduced or not
  (:func:`names_to_hide`): the contact name of each message and the names its
  author introduced (我叫…, 本人…), so a reply greeting 王小明您好 shows 王**您好;
  for a statement, and for a case a statement answers, the names of every case the
  statement answers (a statement greeting 张伟、赵敏 is the reply of both cases);
- the link of an attachment (an Open311 ``media_url``), which is for the staff
  (:func:`minyi.intake.attachments.hide_media`);
- but official numbers stay readable (:func:`official_numbers`): each department's
  own contact phone and e-mail and the allow-list ``MINYI_PUBLIC_NUMBERS``, besides
  the public service numbers (12345, 110 …) that are never masked.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from minyi.cases.models import Case, Statement, StatementCase
from minyi.departments.models import Department
from minyi.intake.attachments import hide_media
from minyi.intake.models import Message, MessageContact
from minyi.pipeline.privacy import mask_names, mask_text, names_introduced

__all__ = ["PublicText", "names_of_cases", "names_to_hide", "official_numbers", "public_text"]

_CHUNK = 500  # case ids per query


def _names(title: str | None, body: str | None, contact: str | None) -> list[str]:
    """The contact name, then the names introduced in ``title`` and ``body``."""
    return [(contact or "").strip(), *names_introduced(title), *names_introduced(body)]


def _once(names: Iterable[str]) -> list[str]:
    """``names`` once each, in order; names of one character left out (masking every 王 would garble)."""
    return list(dict.fromkeys(name for name in names if len(name) > 1))


def names_to_hide(case: Case) -> list[str]:
    """The names of the people of ``case``: its messages' contact names and introduced names."""
    names: list[str] = []
    for message in case.messages:
        names += _names(message.title, message.body, message.contact.name if message.contact else None)
    return _once(names)


def names_of_cases(session: Session, case_ids: Iterable[str]) -> list[str]:
    """:func:`names_to_hide` of many cases at once (a statement's), read in a few queries."""
    ids = list(dict.fromkeys(case_ids))
    names: list[str] = []
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(
            select(Message.title, Message.body, MessageContact.name)
            .outerjoin(MessageContact, MessageContact.message_id == Message.id)
            .where(Message.case_id.in_(ids[start : start + _CHUNK]))
        )
        for title, body, contact in rows:
            names += _names(title, body, contact)
    return _once(names)


def official_numbers(session: Session, allow_list: Iterable[str] = ()) -> tuple[str, ...]:
    """Numbers that stay readable in public texts: ``allow_list``, then the departments' own.

    The departments' contact phones and e-mail addresses are public: a reply that
    says 请拨打住建局电话 0731-88001234 must stay readable, whichever department wrote it.
    """
    rows = session.execute(select(Department.contact_phone, Department.contact_email))
    departments = [value.strip() for row in rows for value in row if value and value.strip()]
    return tuple(dict.fromkeys([*allow_list, *departments]))


class PublicText:
    """Masks the texts of cases and statements for the public (see the module docstring).

    Make one per request (:meth:`of`): it remembers the names of each case it has seen.

    Args:
        keep: numbers that stay readable (:func:`official_numbers`).
    """

    def __init__(self, keep: Iterable[str] = ()) -> None:
        """Remember ``keep``; names are read per case when first needed."""
        self.keep = tuple(keep)
        self._names: dict[str, list[str]] = {}
        self._statement_names: dict[str, list[str]] = {}

    @classmethod
    def of(cls, session: Session, allow_list: Iterable[str] = ()) -> PublicText:
        """The masker of one request: the official numbers of :func:`official_numbers` kept."""
        return cls(official_numbers(session, allow_list))

    def prefetch(self, session: Session, case_ids: Iterable[str]) -> None:
        """Read the names of many cases in a few queries (a page of a list, a batch of the index).

        One case at a time cost a query per message and per case: 206 queries for 100 Open311
        requests, 15 minutes for a first knowledge index of 40k cases.
        """
        wanted = [case_id for case_id in dict.fromkeys(case_ids) if case_id not in self._names]
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            found: dict[str, list[str]] = {case_id: [] for case_id in chunk}
            rows = session.execute(
                select(Message.case_id, Message.title, Message.body, MessageContact.name)
                .outerjoin(MessageContact, MessageContact.message_id == Message.id)
                .where(Message.case_id.in_(chunk))
                .order_by(Message.case_id, Message.received_at)  # as Case.messages is ordered
            )
            for case_id, title, body, contact in rows:
                found[str(case_id)] += _names(title, body, contact)
            links = select(StatementCase.case_id, StatementCase.statement_id)
            for case_id, statement_id in session.execute(links.where(StatementCase.case_id.in_(chunk))):
                found[case_id] += self._names_of_statement(session, statement_id)
            for case_id, names in found.items():
                self._names[case_id] = _once(names)

    def names(self, case: Case) -> list[str]:
        """:func:`names_to_hide` of ``case`` and of the cases its statements answer, read once."""
        if case.id not in self._names:
            names = names_to_hide(case)
            session = object_session(case)
            if session is not None:
                query = select(StatementCase.statement_id).where(StatementCase.case_id == case.id)
                for statement_id in session.scalars(query):
                    names += self._names_of_statement(session, statement_id)
            self._names[case.id] = _once(names)
        return self._names[case.id]

    def _names_of_statement(self, session: Session, statement_id: str) -> list[str]:
        """The names of every case the statement answers, read once."""
        if statement_id not in self._statement_names:
            query = select(StatementCase.case_id).where(StatementCase.statement_id == statement_id)
            self._statement_names[statement_id] = names_of_cases(session, session.scalars(query))
        return self._statement_names[statement_id]

    def __call__(self, case: Case | None, text: str | None) -> str:
        """``text`` of ``case`` (a title, a message, a reply) as the public reads it; ``""`` for None."""
        masked = mask_text(hide_media(text) if text else text, keep=self.keep)
        return mask_names(masked, self.names(case)) if case is not None else masked

    def statement(self, statement: Statement, text: str | None) -> str:
        """``text`` of ``statement`` as the public reads it: the names of every case it answers hidden."""
        session = object_session(statement)
        if session is None:
            names = _once(name for link in statement.links for name in names_to_hide(link.case))
        else:
            names = self._names_of_statement(session, statement.id)
        return mask_names(mask_text(text, keep=self.keep), names)


def public_text(case: Case | None, text: str | None, *, keep: Iterable[str] = ()) -> str:
    """``text`` of ``case`` as the public reads it (one-off :class:`PublicText`)."""
    return PublicText(keep)(case, text)
