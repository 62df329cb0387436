"""Automatic routing on record, and dispatchers' corrections of it as training data.

A case is routed automatically when the model's guess reaches the routing threshold
(the one ``minyi model train --target-precision`` chose and stored with the model):
:func:`record_routing` keeps, for each case the pipeline opened, whether it was routed
so, the guess, its confidence and the threshold, so the inbox and the case page can say
"自动分派" and the office can see how the machine does.

When a dispatcher changes the category or the department of an automatically routed
case, :func:`note_correction` keeps a :class:`RoutingCorrection` (which message, what
the model said, what the person chose, who, when).  ``minyi model corrections`` writes
them out, with personal data masked, as training data for the next model: the errors
the machine made at high confidence are the most useful examples it can get.

Rows of their own (not columns of :class:`Case`): most cases never need them, and the
corrections are an append-only record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from minyi.accounts.models import User
from minyi.analysis.models import MessageAnalysis
from minyi.cases.models import Case
from minyi.db.base import ID_LENGTH, Base, IdMixin, utcnow
from minyi.departments.models import Category, Department

MACHINE_SOURCES = frozenset({"classifier", "keywords"})


class CaseRouting(Base):
    """How a case opened by processing was routed: by the model's guess, or left to a dispatcher."""

    __tablename__ = "case_routings"

    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    routed_automatically: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    predicted_label: Mapped[str | None] = mapped_column(String(200))
    confidence: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    model: Mapped[str | None] = mapped_column(String(80))
    department_code: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def holds(self, case: Case) -> bool:
        """Whether ``case`` is still with the department the machine sent it to.

        Only then is it shown as 自动分派: a case the department returned and a dispatcher
        sent elsewhere (教育局 → 交通运输局) kept the badge, and its tooltip's confidence,
        as if the machine had chosen the department that now holds it.
        """
        department = case.department
        return (
            self.routed_automatically and department is not None and department.code == self.department_code
        )


class RoutingCorrection(IdMixin, Base):
    """A dispatcher changed what automatic routing decided (append-only; training data)."""

    __tablename__ = "routing_corrections"

    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("messages.id", ondelete="SET NULL")
    )
    field: Mapped[str] = mapped_column(String(20))  # "category" or "department"
    predicted: Mapped[str | None] = mapped_column(String(300))
    corrected: Mapped[str] = mapped_column(String(300))
    model: Mapped[str | None] = mapped_column(String(80))
    corrected_by_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def record_routing(
    session: Session, case: Case, analysis: MessageAnalysis | None, threshold: float | None
) -> CaseRouting | None:
    """Keep how ``case`` was routed when it was opened; ``None`` when there was no guess at all."""
    if analysis is None or analysis.category_model is None:
        return None
    # routed means sent to a department: a machine's category without one waits for a dispatcher
    automatic = case.category_source in MACHINE_SOURCES and case.department is not None
    routing = CaseRouting(
        case_id=case.id,
        routed_automatically=automatic,
        predicted_label=analysis.category_label,
        confidence=analysis.category_confidence,
        threshold=threshold if threshold is not None and threshold <= 1 else None,
        model=analysis.category_model,
        department_code=case.department.code if automatic and case.department else None,
    )
    session.add(routing)
    return routing


def routing_of(session: Session, case: Case) -> CaseRouting | None:
    """The routing record of ``case``, if processing opened it with a guess."""
    return session.get(CaseRouting, case.id)


def automatic_case_ids(session: Session, case_ids: Iterable[str]) -> set[str]:
    """Which of ``case_ids`` were routed automatically and are still where they were sent.

    One query for an inbox page; the same rule as :meth:`CaseRouting.holds`.
    """
    ids = list(case_ids)
    if not ids:
        return set()
    query = (
        select(CaseRouting.case_id)
        .join(Case, Case.id == CaseRouting.case_id)
        .join(Department, Department.id == Case.department_id)
        .where(
            CaseRouting.case_id.in_(ids),
            CaseRouting.routed_automatically.is_(True),
            Department.code == CaseRouting.department_code,
        )
    )
    return set(session.scalars(query))


def note_correction(
    session: Session,
    user: User | None,
    case: Case,
    *,
    category: Category | None = None,
    department: Department | None = None,
) -> RoutingCorrection | None:
    """Record a dispatcher's change of an automatically routed case, before it is applied.

    Nothing is recorded for a case routed by a person, or when the value does not change.
    """
    routing = routing_of(session, case)
    if routing is None or not routing.routed_automatically:
        return None
    if category is not None and category.id != case.category_id:
        field, predicted, corrected = "category", routing.predicted_label, category.path
    elif department is not None and department.id != case.department_id:
        current = case.department.code if case.department else routing.department_code
        field, predicted, corrected = "department", current, department.code
    else:
        return None
    correction = RoutingCorrection(
        case_id=case.id,
        message_id=case.messages[0].id if case.messages else None,
        field=field,
        predicted=predicted,
        corrected=corrected,
        model=routing.model,
        corrected_by_id=user.id if user is not None else None,
    )
    session.add(correction)
    session.flush()
    return correction


def correction_rows(session: Session) -> list[tuple[str, str, str, str]]:
    """(masked text, corrected label, predicted label, when) of every category correction.

    The label is the first-level category name, as the classifier is trained on; the text
    is the message's title and body with personal data masked (training files travel).
    """
    from minyi.pipeline.privacy import PersonalDataMasker

    masker = PersonalDataMasker().fit()
    query = (
        select(RoutingCorrection, MessageAnalysis)
        .join(MessageAnalysis, MessageAnalysis.message_id == RoutingCorrection.message_id)
        .where(RoutingCorrection.field == "category")
        .order_by(RoutingCorrection.created_at, RoutingCorrection.id)
    )
    rows = []
    for correction, analysis in session.execute(query):
        text = masker.mask(f"{analysis.normalized_title}\n{analysis.normalized_body}".strip())
        label = correction.corrected.split(Category.PATH_SEPARATOR)[0]
        rows.append((text, label, correction.predicted or "", correction.created_at.isoformat()))
    return rows
