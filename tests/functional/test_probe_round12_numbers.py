"""The twelfth probe: do the public numbers add up? (docs/security-probes.md, twelfth probe).

Each test builds the awkward case a journalist or an auditor would look for and reads two
surfaces that publish the same number: they must agree, and agree with the published
definition.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from minyi.accountability import refresh, scorecard, screen
from minyi.accountability.scorecard import Filter
from minyi.cases import kind_corrections, kinds, workflow
from minyi.cases.models import Case, CaseStatus
from minyi.demo import factories

BEIJING = ZoneInfo("Asia/Shanghai")


def _month_total(session, month: str) -> dict[str, int]:
    refresh.refresh(session, full=True)
    session.flush()
    total, _ = scorecard.summary(session, Filter(start=month, end=month))
    return dict(total.counts)


def test_a_suggestion_corrected_to_an_inquiry_is_no_adopted_suggestion(session, world):
    case = factories.make_case(session, category=world.road_category, title="建议增设公交站")
    case.appeal_kind = "suggestion"
    kinds.decide_suggestion(session, world.road_staff, case, "adopted", "纳入明年方案")
    assert kinds.adoption_counts(session)["adopted"] == 1
    kind_corrections.correct_kind(session, world.dispatcher, case, "inquiry")
    session.flush()
    assert kinds.adoption_counts(session)["adopted"] == 0


def test_the_screen_counts_no_reopened_waiting_case_as_answered_on_time(session, world):
    case = factories.make_case(session, status="replied", category=world.road_category)
    now = datetime.now(UTC)
    case.due_at = now - timedelta(days=2)  # answered late
    case.replied_at = now - timedelta(days=1)
    workflow.reopen(session, case, "没有解决")
    session.flush()
    assert case.status == CaseStatus.IN_PROGRESS
    figures = screen.counts(session, now + timedelta(minutes=1), BEIJING)
    rates = screen.rates(session, now + timedelta(minutes=1), figures)
    assert rates["replied"] == 0, rates


def test_a_case_never_accepted_is_overdue_on_the_screen_as_on_the_scorecard(session, world):
    old = datetime.now(UTC) - timedelta(days=40)
    case = factories.make_case(session, status="received", category=None, received_at=old)
    session.flush()
    assert case.due_at is None
    month = old.astimezone(BEIJING).strftime("%Y-%m")
    counts = _month_total(session, month)
    assert counts["completion_due"] == 1  # late on the scorecard
    assert counts["completed_on_time"] == 0
    figures = screen.counts(session, datetime.now(UTC), BEIJING)
    assert figures["overdue"] == 1, figures


def _public_answered(session, world, **fields) -> Case:
    case = factories.make_case(
        session, status="replied", category=world.road_category, is_public=True, **fields
    )
    session.commit()
    return case


def _open_data_rows(client) -> dict[str, dict[str, str]]:
    import csv
    import io

    text = client.get("/public/data/cases.csv").content.decode("utf-8-sig")
    rows = csv.DictReader(io.StringIO(text.split("\n", 1)[1]))
    return {row["number"]: row for row in rows}


def test_open311_dates_a_request_when_its_author_wrote_as_the_open_data_does(client, session, world):
    """An imported message of June: Open311 said December (the import), cases.csv June."""
    written = datetime(2026, 6, 1, 23, 30, tzinfo=BEIJING)
    case = _public_answered(session, world, submitted_at=written.isoformat())
    number = case.number
    listed = client.get("/public/data/cases.csv")
    assert listed.status_code == 200
    opened = _open_data_rows(client)[number]["received_at"]
    assert opened == "2026-06-01T23:00:00+08:00"
    record = client.get(f"/open311/v2/requests/{number}.json").json()[0]
    assert record["requested_datetime"] == opened
    june = {"start_date": "2026-06-01T00:00:00+08:00", "end_date": "2026-06-30T00:00:00+08:00"}
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json", params=june).json()] == [
        number
    ]
    recent = client.get("/open311/v2/requests.json").json()  # the last 90 days: written before them
    assert number not in [r["service_request_id"] for r in recent]


def test_the_briefing_lists_a_case_never_accepted_as_overdue_as_the_screen_counts_it(session, world):
    from minyi.accountability import briefing

    old = datetime.now(UTC) - timedelta(days=40)
    case = factories.make_case(session, status="received", category=None, received_at=old)
    session.flush()
    now = datetime.now(UTC)
    report = briefing.assemble(session, "day", now.astimezone(BEIJING).date(), BEIJING, now=now)
    assert screen.counts(session, now, BEIJING)["overdue"] == 1
    assert report.overdue_total == 1
    assert [line.number for line in report.overdue] == [case.number]
    assert report.overdue[0].due_at is not None  # the rules' deadline, said beside it
    assert report.overdue[0].due_at < now


def _one_rated_case(session, world, verdict: str) -> str:
    """One answered case of region 某某镇, rated by its citizen; its local month."""
    from minyi.cases.models import CaseRating

    case = factories.make_case(session, status="closed", category=world.road_category, region="A市某某镇")
    session.add(CaseRating(case_id=case.id, satisfaction=verdict, solved=False))
    session.flush()
    refresh.refresh(session, full=True)
    session.commit()
    return datetime.now(UTC).astimezone(BEIJING).strftime("%Y-%m")


def test_the_json_scorecard_publishes_no_count_of_fewer_answers_than_its_figures(client, session, world):
    """The figure said — over one rating, and `counts` beside it said rated 1, satisfied 0."""
    month = _one_rated_case(session, world, "unsatisfied")
    answer = client.get(
        "/api/v1/public/scorecard", params={"start": month, "end": month, "region": "A市某某镇"}
    )
    assert answer.status_code == 200
    total = answer.json()["totals"]
    assert total["figures"]["satisfaction_rate"] is None
    for name in ("rated", "satisfied", "basically_satisfied", "solved_rated", "solved", "reopened"):
        assert total["counts"][name] is None, (name, total["counts"])
    assert total["counts"]["cases"] == 1  # what is no one's answer stays
    for group in answer.json()["groups"].values():
        for row in group:
            assert row["counts"]["rated"] is None
    for row in answer.json()["trend"]:
        assert row["counts"]["rated"] is None


def test_a_message_at_2330_on_the_last_day_of_a_month_counts_in_that_month_everywhere(client, session, world):
    """23:30 Beijing on 11-30 is 15:30 UTC: November on the dashboard, the briefing, the files, Open311."""
    from minyi.accountability import briefing

    written = datetime(2026, 11, 30, 23, 30, tzinfo=BEIJING)
    case = factories.make_case(
        session, status="replied", category=world.road_category, is_public=True, received_at=written
    )
    number = case.number
    refresh.refresh(session, full=True)
    session.commit()
    november = client.get("/api/v1/public/scorecard", params={"start": "2026-11", "end": "2026-11"}).json()
    december = client.get("/api/v1/public/scorecard", params={"start": "2026-12", "end": "2026-12"}).json()
    assert november["totals"]["counts"]["cases"] == 1
    assert december["totals"]["counts"]["cases"] == 0
    csv_rows = client.get("/public/data/scorecard.csv", params={"start": "2026-11", "end": "2026-12"}).text
    assert "2026-11," in csv_rows
    assert "2026-12," not in csv_rows
    now = datetime.now(UTC)
    month = briefing.assemble(session, "month", written.date(), BEIJING, now=now)
    assert month.figures.volume == 1
    assert dict(month.volume)["11/30"] == 1
    assert _open_data_rows(client)[number]["received_at"] == "2026-11-30T23:00:00+08:00"
    record = client.get(f"/open311/v2/requests/{number}.json").json()[0]
    assert record["requested_datetime"] == "2026-11-30T23:00:00+08:00"


def _awkward_month(session, world) -> dict[str, Case]:
    """This month's awkward cases, each by the services a person uses (see the probe's section)."""
    from minyi.cases import statements
    from minyi.cases.models import CaseRating

    make = factories.make_case
    made = {
        "plain": make(session, status="closed", category=world.road_category, is_public=True),
        "kept": make(session, status="dispatched", category=world.road_category),
        "absorbed": make(session, status="dispatched", category=world.road_category),
        "reopened": make(session, status="closed", category=world.road_category, is_public=True),
        "extended": make(session, status="signed", category=world.road_category),
        "praise": make(session, status="replied", category=world.school_category),
        "corrected": make(session, status="dispatched", category=world.road_category),
        "moved": make(session, status="dispatched", category=world.road_category),
        "stated": make(session, status="received", category=None),
        "erased": make(session, status="replied", category=world.road_category, is_public=True),
    }
    workflow.merge_cases(session, world.dispatcher, made["kept"], made["absorbed"])
    session.add(CaseRating(case_id=made["reopened"].id, satisfaction="unsatisfied", solved=False))
    workflow.reopen(session, made["reopened"], "没有解决")
    ask = workflow.request_extension(session, world.road_staff, made["extended"], 5, "需要协调施工单位")
    workflow.decide_extension(session, world.supervisor, ask, approve=True)
    made["praise"].appeal_kind = "praise"
    kind_corrections.correct_kind(session, world.dispatcher, made["corrected"], "suggestion")
    from minyi.cases import services as cases

    cases.dispatch(session, world.dispatcher, made["moved"], world.schools)  # 改派
    statements.publish(
        session, world.admin, title="关于路灯维修的说明", body="已统一安排维修。", cases=[made["stated"]]
    )
    session.flush()
    return made


def test_every_surface_gives_this_months_awkward_cases_the_same_counts(client, session, world):
    """Scorecard (page data, JSON, CSV rows summed) and the month's briefing: the same counts, before and after an erasure."""
    from minyi.accountability import briefing
    from minyi.flows.erasure import ErasureRequest, erase

    made = _awkward_month(session, world)
    now = datetime.now(UTC)
    month = now.astimezone(BEIJING).strftime("%Y-%m")

    def surfaces() -> list[dict[str, int]]:
        refresh.refresh(session, full=True)
        session.commit()
        api = client.get("/api/v1/public/scorecard", params={"start": month, "end": month}).json()
        summed: dict[str, int] = {}
        for row in opendata_rows(client, month):
            for name in (
                "cases",
                "answered",
                "completion_due",
                "completed_on_time",
                "sign_due",
                "signed_on_time",
            ):
                summed[name] = summed.get(name, 0) + int(row[name])
        brief = briefing.assemble(session, "month", now.astimezone(BEIJING).date(), BEIJING, now=now)
        names = tuple(summed)
        return [
            {n: api["totals"]["counts"][n] for n in names},
            summed,
            {n: brief.figures.counts[n] for n in names},
        ]

    before = surfaces()
    assert before[0] == before[1] == before[2]
    assert before[0]["cases"] == 9  # ten cases, one merged into another
    assert before[0]["answered"] == 5  # plain, reopened, praise, stated, erased
    code = made["erased"].messages[0].tracking_code
    erase(session, "test-key", ErasureRequest(codes=(code,), text=True), actor="test")
    session.commit()
    assert surfaces() == before  # an erasure takes the person, not the case out of the figures


def opendata_rows(client, month: str) -> list[dict[str, str]]:
    import csv
    import io

    text = client.get("/public/data/scorecard.csv", params={"start": month, "end": month}).text
    return list(csv.DictReader(io.StringIO(text.split("\n", 1)[1])))


def test_praise_waiting_six_weeks_is_late_nowhere(session, world):
    """表扬 has no deadline (cases.rules); the scorecard gave it the general 15 working days."""
    old = datetime.now(UTC) - timedelta(days=40)
    case = factories.make_case(session, status="signed", category=world.school_category, received_at=old)
    case.appeal_kind = "praise"
    case.due_at = None  # as cases.rules gives praise
    session.flush()
    counts = _month_total(session, old.astimezone(BEIJING).strftime("%Y-%m"))
    assert counts["completion_due"] == 0
    assert screen.counts(session, datetime.now(UTC), BEIJING)["overdue"] == 0


def test_the_inbox_counts_a_case_never_accepted_overdue_as_the_screen_does(client, session, world):
    from minyi.cases import queries

    old = datetime.now(UTC) - timedelta(days=40)
    case = factories.make_case(session, status="received", category=None, received_at=old)
    factories.make_case(session, status="received", category=None)  # today's: not yet late
    session.commit()
    assert queries.due_counts(session, world.dispatcher)["overdue"] == 1
    assert screen.counts(session, datetime.now(UTC), BEIJING)["overdue"] == 1
    listed, total = queries.list_cases(session, world.dispatcher, queries.CaseFilter(due="overdue"))
    assert [c.number for c in listed] == [case.number]
    assert total == 1


def test_todays_briefing_lists_no_case_as_overdue_before_its_deadline(session, world):
    """A day not over yet: a case due at 17:30 today was 超期 in a briefing written at 09:00."""
    from minyi.accountability import briefing

    now = datetime.now(UTC)
    later = factories.make_case(session, status="dispatched", category=world.road_category)
    later.due_at = now + timedelta(minutes=30)
    late = factories.make_case(session, status="dispatched", category=world.road_category)
    late.due_at = now - timedelta(minutes=30)
    session.flush()
    today = now.astimezone(BEIJING).date()
    end_of_today = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=BEIJING)
    if later.due_at >= end_of_today:  # the test runs in the last half hour of a Beijing day
        later.due_at = end_of_today - timedelta(minutes=1)
        if later.due_at <= now:
            return
    session.flush()
    report = briefing.assemble(session, "day", today, BEIJING, now=now)
    assert [line.number for line in report.overdue] == [late.number]
    assert report.overdue_total == 1
    assert screen.counts(session, now, BEIJING)["overdue"] == 1
