"""Seven cases with known times, ratings and reopenings, and the figures computed by hand.

Times are Beijing time (the default MINYI_TIMEZONE); ``MAY`` is what the scorecard must
show for 2019-05, ``JUNE`` for 2019-06. See each case's comment for what it counts for.

=====  ==========  ======  ==========================================================
case   department  region  what happens
=====  ==========  ======  ==========================================================
c1     roads       R1      dispatched +1 h, signed +5 h, replied +30 h, due +10 d; rated
                           不满意 then 满意 (the last counts), solved
c2     roads       R1      dispatched +2 h, signed +80 h (late: Fri 12:00 to Mon 18:00 is
                           30 hours of working days), replied +100 h, due +72 h (late);
                           不满意, not solved; reopened once
c3     schools     R2      dispatched +1 h, never signed nor answered, due +15 d (late)
c4     schools     R2      dispatched +1 h, answered without signing at +10 h, due +5 d; 基本满意
c5     (none)      (none)  arrives 2019-06-01 07:00 Beijing = 2019-05-31 23:00 UTC: June;
                           never accepted: late once the rules' deadline for it has passed
c6     roads       R1      merged into c3 (并案): counted in c3 only
c7     roads       R1      a 附件4 answer given at +47 h before Minyi existed (historical)
=====  ==========  ======  ==========================================================

May: 5 cases (c1 c2 c3 c4 c7); sign-for 2 of 4 (c7 has none); answered 4 of 5; on time 3 of
5 (c1 c4 c7; c2 late, c3 unanswered past its deadline); solved 1 of 2; satisfied 1 + basically
1 of 3 rated; reopened 1 of 4 answered; reply hours 10, 30, 47, 100 → buckets [8,12),
[24,48) ×2, [96,120) → median interpolated in [24,48): 24 + 24 × (2 − 1) / 2 = 36 h.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.cases import services as cases
from minyi.cases import workflow
from minyi.cases.models import Case, CaseRating, EventAction, Satisfaction
from minyi.demo import factories
from minyi.departments.models import Category, Department

BEIJING = ZoneInfo("Asia/Shanghai")

MAY = {
    "cases": 5,
    "sign_due": 4,
    "signed_on_time": 2,
    "answered": 4,
    "completion_due": 5,
    "completed_on_time": 3,
    "solved_rated": 2,
    "solved": 1,
    "rated": 3,
    "satisfied": 1,
    "basically_satisfied": 1,
    "reopened": 1,
}
MAY_FIGURES = {
    "volume": 5.0,
    "sign_rate": 0.5,
    "response_rate": 0.8,
    "on_time_rate": 0.6,
    # citizens' answers over fewer than MIN_OPINIONS (5) are not shown: 2 and 3 answers here
    # (with MIN_OPINIONS lowered, 0.5 and 2/3: test_opinions_over_enough_answers)
    "resolution_rate": None,
    "satisfaction_rate": None,
    "reopen_rate": None,  # 4 answered cases: below MIN_OPINIONS (an unsatisfied rating reopens)
    "median_reply_hours": 36.0,
}
JUNE = {"cases": 1, "answered": 0, "sign_due": 0, "completion_due": 1, "completed_on_time": 0}


@dataclass
class Scorecase:
    roads: Department
    schools: Department
    road_category: Category
    school_category: Category
    c1: Case
    c2: Case
    c3: Case
    c4: Case
    c5: Case
    c7: Case


def local(day: int, hour: int, month: int = 5) -> datetime:
    """A Beijing time in 2019."""
    return datetime(2019, month, day, hour, tzinfo=BEIJING)


def _time_events(case: Case, **moments: datetime) -> None:
    """Set the time of the first event of each kind: ``dispatched``, ``signed``, ``replied``."""
    for event in case.events:
        if event.action == EventAction.DISPATCHED and "dispatched" in moments:
            event.created_at = moments.pop("dispatched")
        elif event.to_status == "signed" and "signed" in moments:
            event.created_at = moments.pop("signed")
        elif event.action == EventAction.REPLIED and "replied" in moments:
            event.created_at = moments.pop("replied")
    assert not moments, f"no event for {sorted(moments)}"


def _case(session: Session, status: str, category: Category | None, region: str | None, at: datetime) -> Case:
    fields = {"region": region} if region else {"region": None}
    return factories.make_case(session, status=status, category=category, received_at=at, **fields)


def _rate(session: Session, case: Case, verdict: Satisfaction, *, solved: bool | None, at: datetime) -> None:
    session.add(CaseRating(case_id=case.id, satisfaction=verdict, solved=solved, created_at=at))


def _answered(
    case: Case, arrival: datetime, *, dispatched: float, replied: float, due: float, **signed: float
) -> None:
    moments = {
        "dispatched": arrival + timedelta(hours=dispatched),
        "replied": arrival + timedelta(hours=replied),
    }
    if "signed" in signed:
        moments["signed"] = arrival + timedelta(hours=signed["signed"])
    _time_events(case, **moments)
    case.accepted_at = arrival
    case.replied_at = moments["replied"]
    case.due_at = arrival + timedelta(hours=due)


def seed(session: Session, dispatcher: User | None = None) -> Scorecase:
    """The seven cases of the module text, flushed (the caller commits)."""
    roads = factories.make_department(session, code="DLJ", name="道路局", name_en="Roads Office")
    schools = factories.make_department(session, code="XXJ", name="学校局", name_en="Schools Office")
    road_top = factories.make_category(session, name="道路交通", department=roads)
    school_top = factories.make_category(session, name="教育事务", department=schools)
    road_category = factories.make_category(session, name="路面", parent=road_top)
    school_category = factories.make_category(session, name="招生", parent=school_top)
    dispatcher = dispatcher or factories.make_user(session, role="dispatcher")

    c1 = _case(session, "closed", road_category, "R1区", local(6, 9))
    _answered(c1, local(6, 9), dispatched=1, signed=5, replied=30, due=240)
    _rate(session, c1, Satisfaction.UNSATISFIED, solved=False, at=local(12, 9))
    _rate(session, c1, Satisfaction.SATISFIED, solved=True, at=local(13, 9))

    c2 = _case(session, "closed", road_category, "R1区", local(10, 10))
    _answered(c2, local(10, 10), dispatched=2, signed=80, replied=100, due=72)
    c2.reopened_count = 1
    _rate(session, c2, Satisfaction.UNSATISFIED, solved=False, at=local(20, 9))

    c3 = _case(session, "dispatched", school_category, "R2区", local(20, 8))
    _time_events(c3, dispatched=local(20, 9))
    c3.accepted_at, c3.due_at = local(20, 8), local(20, 8) + timedelta(days=15)

    c4 = _case(session, "dispatched", school_category, "R2区", local(25, 8))
    staff = factories.make_user(session, department=schools)
    cases.add_reply(session, staff, c4, "您好，已安排处理并答复如下。", public=True, min_score=0)
    _answered(c4, local(25, 8), dispatched=1, replied=10, due=120)
    _rate(session, c4, Satisfaction.BASICALLY, solved=None, at=local(28, 9))

    c5 = _case(session, "received", None, None, local(1, 7, month=6))

    c6 = _case(session, "dispatched", road_category, "R1区", local(21, 9))
    workflow.merge_cases(session, dispatcher, c3, c6)  # its message joins c3 (arrived earlier, in R2)

    c7 = _case(session, "dispatched", road_category, "R1区", local(15, 9))
    cases.add_historical_reply(session, c7, "历史答复：已处理。", local(15, 9) + timedelta(hours=47))
    session.flush()
    return Scorecase(roads, schools, road_top, school_top, c1, c2, c3, c4, c5, c7)
