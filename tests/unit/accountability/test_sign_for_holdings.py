"""签收及时率 counts each department that held a case (docs/security-probes.md, twelfth probe).

Counted once from the first dispatch, a case held 30 hours by one department, sent back and
signed for at once by the second, was late for the second and never counted for the first.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from minyi.accountability.facts import Rules, sign_counts
from minyi.accountability.sign_for import Holding, holdings
from minyi.cases.calendar import WorkCalendar
from minyi.cases.deadlines import DeadlinePolicy, DeadlineRule

BEIJING = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime(2026, 12, 14, 9, 0, tzinfo=BEIJING)
CODES = {"A": "dept-a", "B": "dept-b"}


def _rules(now: datetime, *rules: DeadlineRule) -> Rules:
    policy = DeadlinePolicy(list(rules), calendar=WorkCalendar())
    return Rules(now=now, sign_for=timedelta(hours=24), policy=policy, zone=BEIJING, roots={}, paths={})


def _row(dispatched, signed=None, reply=None):
    return SimpleNamespace(
        dispatched=dispatched,
        signed=signed,
        first_reply=reply,
        appeal_kind="complaint",
        urgent=False,
        category_id=None,
    )


def _at(hours: float) -> datetime:
    return MONDAY_9 + timedelta(hours=hours)


def test_the_history_gives_one_holding_per_dispatch():
    events = [
        ("dispatched", "dispatched", _at(0), {"department": "A"}),
        ("returned", "accepted", _at(30), {"department": "A", "sign_due_at": _at(2).isoformat()}),
        ("dispatched", "dispatched", _at(31), {"department": "B"}),
        ("status", "signed", _at(31.5), {}),
        ("replied", "replied", _at(40), {}),
    ]
    found = holdings(events, CODES, pending=None)
    assert [(h.department_id, h.start, h.end, h.acted) for h in found] == [
        ("dept-a", _at(0), _at(30), True),
        ("dept-b", _at(31), _at(31.5), True),
    ]
    assert found[0].due == _at(2)  # the deadline the 退单 step kept
    moved = holdings(
        [
            ("dispatched", "dispatched", _at(0), {"department": "A"}),
            ("reassigned", None, _at(1), {"department": "B"}),
        ],
        CODES,
        pending=_at(5),
    )
    assert [(h.department_id, h.acted, h.end) for h in moved] == [
        ("dept-a", False, _at(1)),
        ("dept-b", False, None),
    ]
    assert moved[1].due == _at(5)  # still waiting: the case's own sign_due_at


def test_a_case_sent_back_late_is_late_for_the_first_and_on_time_for_the_second():
    held = [Holding("dept-a", _at(0), _at(54), acted=True), Holding("dept-b", _at(55), _at(55.1), acted=True)]
    counts = sign_counts(_row(_at(0), signed=_at(55.1)), _rules(_at(60)), held)
    assert counts == [("dept-a", 1, 0), ("dept-b", 1, 1)]


def test_a_dispatch_moved_away_before_its_limit_is_not_counted_after_it_is_late():
    early = [Holding("dept-a", _at(0), _at(1)), Holding("dept-b", _at(1), None)]
    assert sign_counts(_row(_at(0)), _rules(_at(2)), early) == [("dept-a", 0, 0), ("dept-b", 0, 0)]
    late = [Holding("dept-a", _at(0), _at(80)), Holding("dept-b", _at(80), None)]
    assert sign_counts(_row(_at(0)), _rules(_at(81)), late)[0] == ("dept-a", 1, 0)


def test_the_office_s_acceptance_deadline_replaces_the_setting_s_hours():
    signed = _at(3)  # 3 working hours: in MINYI_SIGN_FOR_HOURS (24), past a 2-hour rule
    held = [Holding("dept-a", _at(0), signed, acted=True)]
    assert sign_counts(_row(_at(0), signed=signed), _rules(_at(4)), held) == [("dept-a", 1, 1)]
    two_hours = DeadlineRule(accept_hours=2)
    assert sign_counts(_row(_at(0), signed=signed), _rules(_at(4), two_hours), held) == [("dept-a", 1, 0)]
    kept = [Holding("dept-a", _at(0), signed, acted=True, due=_at(4))]  # the stored 签收期限 wins
    assert sign_counts(_row(_at(0), signed=signed), _rules(_at(4), two_hours), kept) == [("dept-a", 1, 1)]


def test_a_historical_answer_has_no_sign_for():
    held = [Holding("dept-a", _at(1), None)]
    assert sign_counts(_row(_at(1), reply=_at(0)), _rules(_at(100)), held) == []
