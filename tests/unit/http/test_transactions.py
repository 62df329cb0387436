"""A route's idle transaction ends when the route returns; changes it left are not committed."""

from __future__ import annotations

import inspect

from sqlalchemy import select

from minyi.demo import factories
from minyi.departments.models import Department
from minyi.http import transactions
from minyi.http.transactions import Router, TransactionRoute, release


def test_a_transaction_that_only_read_is_ended_and_its_objects_stay_readable(database):
    session = database.session()
    department = factories.make_department(session, code="JTJ", name="交通运输局")
    session.commit()
    assert session.scalar(select(Department.name).where(Department.id == department.id)) == "交通运输局"
    assert session.in_transaction()
    assert release(session) is True
    assert not session.in_transaction()
    assert department.name == "交通运输局"  # not expired
    session.close()


def test_changes_the_route_did_not_commit_are_left_for_the_rollback(database):
    session = database.session()
    department = factories.make_department(session, code="JTJ", name="交通运输局")
    session.commit()
    department.name = "改了没提交"
    assert release(session) is False
    session.flush()  # flushed, still not committed
    assert not session.dirty
    assert release(session) is False
    session.rollback()
    assert session.get(Department, department.id).name == "交通运输局"
    session.close()


def test_routes_keep_their_signature_and_async_routes_are_left_alone():
    router = Router()

    @router.get("/x")
    def plain(n: int = 1) -> dict[str, int]:
        return {"n": n}

    @router.get("/y")
    async def asynchronous() -> dict[str, int]:
        return {}

    routes = {route.path: route for route in router.routes}
    assert all(isinstance(route, TransactionRoute) for route in routes.values())
    assert getattr(routes["/x"].endpoint, transactions._WRAPPED)
    assert list(inspect.signature(routes["/x"].endpoint).parameters) == ["n"]
    assert routes["/x"].endpoint(n=3) == {"n": 3}
    assert routes["/y"].endpoint is asynchronous


def test_no_module_builds_its_router_without_the_transaction_route():
    from pathlib import Path

    import minyi

    package = Path(minyi.__file__).parent
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "APIRouter(" in path.read_text(encoding="utf-8") and path.name != "transactions.py"
    ]
    assert offenders == []
