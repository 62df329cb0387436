"""Reply deadlines in working days (or working hours) on the PRC statutory calendar.

A :class:`DeadlinePolicy` holds :class:`DeadlineRule` objects and picks, for a case, the
most specific rule that matches its appeal kind and category:

1. the rule whose ``category_path_prefix`` matches the **most category levels** wins
   (``城乡建设 / 道路`` beats ``城乡建设``), matching whole levels only;
2. for the same category match, a rule that also names the ``appeal_kind`` wins over one
   that does not; so any category rule beats a rule that names only an appeal kind;
3. a rule naming neither matches every case and beats only the policy's ``default_days``;
4. among equally specific rules, the one listed first wins.

Each deadline is resolved on its own: the reply deadline comes from the most specific
matching rule that sets ``reply_working_days`` or ``reply_hours``, the acceptance deadline
from the most specific one that sets ``accept_hours``, so a rule that only shortens
acceptance does not hide a broader rule's reply deadline.

Urgent cases (an emergency rule hit one of their messages) have their own rules: for an
urgent case only the rules marked ``urgent`` count, chosen the same way, and without one the
reply is due :data:`DEFAULT_URGENT_REPLY_HOURS` clock hours after the start. An urgent
rule's hours are clock hours round the clock (an emergency does not wait for office hours);
the other rules never apply to an urgent case, nor urgent rules to the others.

Counting conventions (working days due at 17:30 local on the *n*-th working day after the
start date; working hours 09:00–12:00 and 13:30–17:30) are those of
:class:`minyi.cases.calendar.WorkCalendar`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from minyi.cases.calendar import WorkCalendar, default_calendar
from minyi.cases.models import AppealKind
from minyi.departments.models import Category

DEFAULT_REPLY_WORKING_DAYS = 15
DEFAULT_DUE_SOON_WORKING_DAYS = 2
DEFAULT_URGENT_REPLY_HOURS = 2.0


def _segments(path: str) -> tuple[str, ...]:
    """The levels of a category path (``"A / B"`` → ``("A", "B")``), stripped."""
    return tuple(part.strip() for part in path.split(Category.PATH_SEPARATOR.strip()))


#: The longest deadlines a rule may set. A rule of 100,000,000 working days made each
#: message's worker count working days up to the year 9999 (minutes, holding the database)
#: and 10^12 hours overflowed: every intake failed (seventh probe). A year is far beyond
#: any statutory time limit; the JSON API had these bounds already.
MAX_WORKING_DAYS = 365
MAX_HOURS = 24 * 60


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """How long cases of one appeal kind and/or category branch have.

    Attributes:
        appeal_kind: an :class:`~minyi.cases.models.AppealKind` value, or ``None`` for any
            (not ``undetermined``: a case whose kind the model could not tell matches only
            the rules that name no kind, the general rule).
        category_path_prefix: a category path (``"城乡建设 / 道路"``) matching that category
            and everything below it, or ``None`` for any category.
        reply_working_days: the reply is due this many working days after acceptance.
        reply_hours: the reply is due this many working hours after acceptance (emergencies);
            set this or ``reply_working_days``, not both.
        accept_hours: the department must sign for (签收) the case this many working hours
            after it is dispatched (派单, 改派) to it: the acceptance deadline.
        urgent: the rule applies to urgent cases only (its hours are clock hours).
    """

    appeal_kind: str | None = None
    category_path_prefix: str | None = None
    reply_working_days: int | None = None
    reply_hours: float | None = None
    accept_hours: float | None = None
    urgent: bool = False

    def __post_init__(self) -> None:
        """Reject rules that are ambiguous, negative or say nothing."""
        if self.appeal_kind is not None and AppealKind(self.appeal_kind) is AppealKind.UNDETERMINED:
            # ValueError above for an unknown kind; an undetermined case takes the general rule
            raise ValueError("undetermined is not a kind of appeal a rule can name")
        if self.category_path_prefix is not None and not any(_segments(self.category_path_prefix)):
            raise ValueError("category_path_prefix is a category path, or None for any category")
        if self.reply_working_days is not None and self.reply_hours is not None:
            raise ValueError("set reply_working_days or reply_hours, not both")
        if self.reply_working_days is None and self.reply_hours is None and self.accept_hours is None:
            raise ValueError("a deadline rule sets reply_working_days, reply_hours or accept_hours")
        self._check_sizes()

    def _check_sizes(self) -> None:
        """Days and hours within bounds (:data:`MAX_WORKING_DAYS`, :data:`MAX_HOURS`)."""
        days = self.reply_working_days
        if days is not None and days < 0:
            raise ValueError(f"reply_working_days is not negative, got {days}")
        if days is not None and days > MAX_WORKING_DAYS:
            raise ValueError(f"reply_working_days is at most {MAX_WORKING_DAYS}, got {days}")
        hours = self.reply_hours
        if hours is not None and (not math.isfinite(hours) or hours < 0):
            raise ValueError(f"hours are finite and not negative, got {hours}")
        if hours is not None and hours > MAX_HOURS:
            raise ValueError(f"hours are at most {MAX_HOURS}, got {hours}")
        accept = self.accept_hours  # named: the admin page shows which of its two hour fields is wrong
        if accept is not None and (not math.isfinite(accept) or accept <= 0):
            raise ValueError(f"accept_hours is more than 0, got {accept}")
        if accept is not None and accept > MAX_HOURS:
            raise ValueError(f"accept_hours is at most {MAX_HOURS}, got {accept}")

    @property
    def sets_reply(self) -> bool:
        """Whether the rule says when the reply is due."""
        return self.reply_working_days is not None or self.reply_hours is not None

    def specificity(self, appeal_kind: str | None, category_path: str | None) -> tuple[int, int] | None:
        """How specifically the rule matches a case, comparable with ``>``; ``None`` if it does not.

        The first number is how many category levels the prefix matches (0 without a
        prefix), the second whether the appeal kind is named.
        """
        if self.appeal_kind is not None and self.appeal_kind != appeal_kind:
            return None
        levels = 0
        if self.category_path_prefix is not None:
            if category_path is None:
                return None
            prefix, path = _segments(self.category_path_prefix), _segments(category_path)
            if path[: len(prefix)] != prefix:
                return None
            levels = len(prefix)
        return levels, int(self.appeal_kind is not None)


class DeadlinePolicy:
    """Deadline rules on a working calendar, with a default for cases no rule covers.

    Args:
        rules: the rules, in order (the first wins among equally specific ones).
        default_days: working days to reply when no rule sets a reply deadline.
        calendar: the working calendar; the shared :func:`default_calendar` if ``None``.
    """

    def __init__(
        self,
        rules: Iterable[DeadlineRule] = (),
        default_days: int = DEFAULT_REPLY_WORKING_DAYS,
        calendar: WorkCalendar | None = None,
    ) -> None:
        if default_days < 0:
            raise ValueError(f"default_days is not negative, got {default_days}")
        self.rules = tuple(rules)
        self.default_days = default_days
        self.calendar = calendar if calendar is not None else default_calendar()

    def _best(
        self, appeal_kind: str | None, category_path: str | None, *, for_reply: bool, urgent: bool = False
    ) -> DeadlineRule | None:
        best: DeadlineRule | None = None
        best_rank: tuple[int, int] | None = None
        for rule in self.rules:
            relevant = rule.sets_reply if for_reply else rule.accept_hours is not None
            relevant = relevant and rule.urgent == urgent
            if not relevant:
                continue
            rank = rule.specificity(appeal_kind, category_path)
            if rank is not None and (best_rank is None or rank > best_rank):
                best, best_rank = rule, rank
        return best

    def reply_rule(
        self, appeal_kind: str | None, category_path: str | None, *, urgent: bool = False
    ) -> DeadlineRule | None:
        """The rule that sets the reply deadline for such a case; ``None`` means the default."""
        return self._best(appeal_kind, category_path, for_reply=True, urgent=urgent)

    def reply_due(
        self,
        start: datetime,
        appeal_kind: str | None = None,
        category_path: str | None = None,
        *,
        urgent: bool = False,
    ) -> datetime:
        """When the reply to a case accepted at ``start`` is due, in ``start``'s timezone.

        An urgent case's reply is due within hours on the clock: its urgent rule's, else
        :data:`DEFAULT_URGENT_REPLY_HOURS`.
        """
        rule = self.reply_rule(appeal_kind, category_path, urgent=urgent)
        if urgent:
            if rule is not None and rule.reply_working_days is not None:
                return self.calendar.add_working_days(start, rule.reply_working_days)
            hours = rule.reply_hours if rule is not None else None
            return start + timedelta(hours=DEFAULT_URGENT_REPLY_HOURS if hours is None else hours)
        if rule is not None and rule.reply_hours is not None:
            return self.calendar.add_working_hours(start, rule.reply_hours)
        days = rule.reply_working_days if rule is not None else None
        return self.calendar.add_working_days(start, self.default_days if days is None else days)

    def accept_due(
        self,
        start: datetime,
        appeal_kind: str | None = None,
        category_path: str | None = None,
        *,
        urgent: bool = False,
    ) -> datetime | None:
        """When a case dispatched at ``start`` must be signed for (签收); ``None`` if no rule says.

        Working hours of the calendar; an urgent case takes only the urgent rules, whose
        hours are clock hours (an emergency does not wait for office hours), as for replies.
        No default: a centre that sets none has no acceptance deadline.
        """
        rule = self._best(appeal_kind, category_path, for_reply=False, urgent=urgent)
        if rule is None or rule.accept_hours is None:
            return None
        if urgent:
            return start + timedelta(hours=rule.accept_hours)
        return self.calendar.add_working_hours(start, rule.accept_hours)

    def due_soon(
        self, due_at: datetime, now: datetime, within_working_days: int = DEFAULT_DUE_SOON_WORKING_DAYS
    ) -> bool:
        """Whether a deadline not yet passed falls within ``within_working_days`` working days.

        ``0`` means "due today"; with the default 2, a deadline on the next working day but
        one is due soon. A passed deadline is overdue, not due soon.
        """
        if now > due_at:
            return False
        return self.calendar.working_days_between(now, due_at) <= within_working_days

    @staticmethod
    def is_overdue(due_at: datetime, now: datetime) -> bool:
        """Whether ``now`` is past ``due_at``."""
        return now > due_at

    def overdue_by(self, due_at: datetime, now: datetime) -> int:
        """By how many working days a deadline has passed; 0 while it has not.

        Counted like deadlines: the working days after the due date up to and including
        today, but at least 1 once the deadline has passed (late on the due day itself, or
        over the weekend after it, is 1 working day late).
        """
        if now <= due_at:
            return 0
        return max(1, self.calendar.working_days_between(due_at, now))


def add_working_days(start: datetime, days: int) -> datetime:
    """The deadline ``days`` working days after ``start`` on the shared statutory calendar.

    Due at 17:30 Asia/Shanghai on the ``days``-th working day after ``start``'s local date,
    returned in ``start``'s timezone (see :class:`~minyi.cases.calendar.WorkCalendar`).
    """
    return default_calendar().add_working_days(start, days)
