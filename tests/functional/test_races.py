"""Two people acting on one case at the same moment: exactly one step is taken.

On PostgreSQL both requests used to pass their checks and both commit (two dispatches,
a reply and a 退单, two cases merged into each other). Each step now raises the case's
version; the loser's UPDATE finds it changed (or, on SQLite, the loser waits for the write
lock and is refused by the check). Run on a database of its own: the threads need
connections of their own, which the suite's one-connection fixture cannot give.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from tests.conftest import fresh_database_url

from minyi.accounts.models import User
from minyi.cases import bulk_dispatch, services, workflow
from minyi.cases.models import Case, CaseEvent, EventAction
from minyi.core.errors import DomainError
from minyi.db.session import Database
from minyi.demo import factories
from minyi.departments.models import Department
from minyi.notify.models import OutboxMessage
from minyi.schema import migrate


@pytest.fixture
def database(tmp_path) -> Iterator[Database]:
    database = Database(fresh_database_url(tmp_path, "minyi_races"))
    migrate.upgrade(database.engine)
    yield database
    database.engine.dispose()


def _race(database: Database, steps: list[Callable[[object], object]]) -> list[str]:
    """Run each step in its own thread and session, all released at once; what each gave."""
    start = threading.Barrier(len(steps))
    outcomes: list[str] = [""] * len(steps)

    def run(index: int, step: Callable[[object], object]) -> None:
        start.wait()
        with database.session() as session:
            try:
                step(session)
                session.commit()
                outcomes[index] = "ok"
            except (StaleDataError, DomainError, OperationalError) as exc:
                session.rollback()
                outcomes[index] = type(exc).__name__

    threads = [threading.Thread(target=run, args=(n, step)) for n, step in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def _world(database: Database) -> tuple[str, str, str, list[str]]:
    with database.session() as session:
        roads = factories.make_department(session, code="JTJ", name="交通运输局")
        schools = factories.make_department(session, code="JYJ", name="教育局")
        user = factories.make_user(session, username="disp", role="dispatcher")
        cases = [factories.make_case(session, title=f"路灯不亮{n}") for n in range(2)]
        session.commit()
        return user.id, roads.id, schools.id, [case.id for case in cases]


def test_two_dispatches_of_one_case_at_once_one_wins(database):
    user_id, roads, schools, (case_id, _) = _world(database)

    def dispatch(department_id: str) -> Callable[[object], object]:
        def step(session) -> object:
            case = session.get(Case, case_id)
            return services.dispatch(
                session, session.get(User, user_id), case, session.get(Department, department_id)
            )

        return step

    outcomes = _race(database, [dispatch(roads), dispatch(schools)])
    with database.session() as session:
        events = session.query(CaseEvent).filter_by(case_id=case_id).order_by(CaseEvent.created_at).all()
        actions = [event.action for event in events]
        assert actions.count(EventAction.DISPATCHED) == 1, actions
        assert actions.count(EventAction.ACCEPTED) == 1, actions
        if outcomes == ["ok", "ok"]:  # one after the other (SQLite's one writer): a re-dispatch
            assert actions[-1] == EventAction.REASSIGNED
            assert events[-1].from_status == "dispatched"
        else:  # at the same moment (PostgreSQL): the second step is refused
            assert sorted(outcomes) == ["StaleDataError", "ok"], outcomes


def test_two_cases_merged_into_each_other_at_once_one_merge_wins(database):
    _, _, _, (first, second) = _world(database)
    with database.session() as session:
        admin = factories.make_user(session, username="boss", role="admin")
        session.commit()
        admin_id = admin.id

    def merge(kept_id: str, absorbed_id: str) -> Callable[[object], object]:
        def step(session) -> object:
            kept, absorbed = session.get(Case, kept_id), session.get(Case, absorbed_id)
            return workflow.merge_cases(session, session.get(User, admin_id), kept, absorbed)

        return step

    outcomes = _race(database, [merge(first, second), merge(second, first)])
    assert outcomes.count("ok") == 1, outcomes
    with database.session() as session:
        merged = session.query(CaseEvent).filter_by(action=EventAction.MERGED_INTO).count()
        assert merged == 1
        open_cases = [case for case in session.query(Case) if case.status != "closed"]
        assert len(open_cases) == 1  # someone is left to answer both citizens


def test_two_hot_issues_merged_into_each_other_at_once_make_no_cycle(database):
    from minyi.db.base import new_id, utcnow
    from minyi.issues import editing
    from minyi.issues.models import HotIssue

    now = utcnow()
    with database.session() as session:
        ids = []
        for title in ("人民路路灯不亮", "人民路路灯坏了"):
            issue = HotIssue(id=new_id(), title=title, first_time=now, last_time=now)
            session.add(issue)
            ids.append(issue.id)
        session.commit()

    def merge(source_id: str, target_id: str) -> Callable[[object], object]:
        def step(session) -> object:
            source, target = session.get(HotIssue, source_id), session.get(HotIssue, target_id)
            return editing.merge(session, source, target, by=None)

        return step

    outcomes = _race(database, [merge(ids[0], ids[1]), merge(ids[1], ids[0])])
    assert outcomes.count("ok") == 1, outcomes
    with database.session() as session:
        live = [issue for issue in session.query(HotIssue) if issue.merged_into_id is None]
        assert len(live) == 1


def _bulk(database: Database, user_id: str, ids: list[str], department_id: str, into: dict[str, list[str]]):
    """A bulk dispatch step (批量派单); the ids it dispatched go into ``into[department_id]``."""

    def step(session) -> object:
        result = bulk_dispatch.dispatch_many(
            session, session.get(User, user_id), ids, session.get(Department, department_id)
        )
        into[department_id] = [case.id for case in result.dispatched]
        return result

    return step


def _desk_world(database: Database) -> tuple[str, str, str, list[str]]:
    """A dispatcher, two departments and three cases waiting at the desk."""
    with database.session() as session:
        roads = factories.make_department(session, code="JTJ", name="交通运输局")
        schools = factories.make_department(session, code="JYJ", name="教育局")
        user = factories.make_user(session, username="disp", role="dispatcher")
        cases = [factories.make_case(session, status="received", title=f"积水{n}") for n in range(3)]
        session.commit()
        return user.id, roads.id, schools.id, [case.id for case in cases]


def _dispatched_once(database: Database, ids: list[str], *, moved: bool = False) -> dict[str, str]:
    """Each case's department, after checking that each was dispatched exactly once."""
    departments = {}
    with database.session() as session:
        for case_id in ids:
            actions = [e.action for e in session.query(CaseEvent).filter_by(case_id=case_id)]
            assert actions.count(EventAction.DISPATCHED) == 1, actions
            if not moved:  # a bulk action never moves a case (a single 派单 may, one after the other)
                assert EventAction.REASSIGNED not in actions, actions
            departments[case_id] = session.get(Case, case_id).department_id
    return departments


def test_two_bulk_dispatches_of_the_same_cases_at_once_dispatch_each_once(database):
    user_id, roads, schools, ids = _desk_world(database)
    went: dict[str, list[str]] = {}
    outcomes = _race(
        database,
        [_bulk(database, user_id, ids, roads, went), _bulk(database, user_id, ids[::-1], schools, went)],
    )
    departments = _dispatched_once(database, ids)
    if outcomes == ["ok", "ok"]:  # PostgreSQL: the second waits for the rows, then skips them
        assert sorted(went[roads] + went[schools]) == sorted(ids)
        assert {departments[i] for i in went[roads]} <= {roads}
        assert {departments[i] for i in went[schools]} <= {schools}
        assert not (went[roads] and went[schools])  # all locked by one, then skipped by the other
    else:  # SQLite's one writer may refuse the second outright (database is locked): nothing of it
        assert sorted(outcomes)[1] == "ok", outcomes
        assert len(set(departments.values())) == 1


def test_a_bulk_dispatch_and_a_single_dispatch_of_one_case_at_once_dispatch_it_once(database):
    user_id, roads, schools, ids = _desk_world(database)
    went: dict[str, list[str]] = {}

    def single(session) -> object:
        return services.dispatch(
            session, session.get(User, user_id), session.get(Case, ids[0]), session.get(Department, schools)
        )

    outcomes = _race(database, [_bulk(database, user_id, ids, roads, went), single])
    departments = _dispatched_once(database, [ids[0]], moved=True)
    assert "ok" in outcomes, outcomes
    if outcomes[0] == "ok" and ids[0] not in went[roads]:  # the single one was first: skipped
        assert departments[ids[0]] == schools


def test_two_bulk_dispatches_to_one_department_at_once_lose_no_notice(database):
    """Each action folds its notices in a batch; the digest rows are locked, so none is lost."""
    with database.session() as session:
        drainage = factories.make_department(session, code="PSJ", contact_email="psj@example.gov.cn")
        user = factories.make_user(session, username="disp", role="dispatcher")
        cases = [factories.make_case(session, status="received", title=f"积水{n}") for n in range(8)]
        session.commit()
        user_id, drainage_id, ids = user.id, drainage.id, [case.id for case in cases]
    went: list[dict[str, list[str]]] = [{}, {}]
    steps = [
        _bulk(database, user_id, part, drainage_id, into)
        for part, into in zip((ids[:4], ids[4:]), went, strict=True)
    ]
    outcomes = _race(database, steps)
    assert "ok" in outcomes, outcomes  # SQLite's one writer may refuse one (database is locked)
    dispatched = [
        i for into, outcome in zip(went, outcomes, strict=True) if outcome == "ok" for i in into[drainage_id]
    ]
    with database.session() as session:
        told = [
            entry["case_id"]
            for item in session.query(OutboxMessage).filter_by(recipient="psj@example.gov.cn")
            for entry in item.payload["entries"]
        ]
    assert len(dispatched) == 4 * outcomes.count("ok")
    assert sorted(told) == sorted(dispatched)  # each dispatched case told once, in one of the items
