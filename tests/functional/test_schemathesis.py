"""Property tests of the whole JSON API against its own OpenAPI document (schemathesis).

Every operation is called with generated requests, valid ones and ones that break the
schema, as an anonymous caller and with an administrator's token, and each answer is put
through every schemathesis check (``--checks all``): no 5xx, every status documented, every
body matching its schema, bad input refused, and so on. The schema is read from the ASGI
application (no network); the number of examples is bounded and the seed fixed, so the run
is short and repeatable. It runs on SQLite and on PostgreSQL, where a NUL in text or an
out-of-range integer would reach the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance
from tests.functional.conftest import bearer

from minyi.demo import factories

MAX_EXAMPLES = 8
FREE_FORM = ("params.",)  # alert rules' parameters: an object of any keys and values
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


@pytest.fixture
def api_schema(app, client) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture
def admin_headers(session) -> dict[str, str]:
    admin = factories.make_user(session, username="schema-admin", role="admin", password="password123")
    factories.make_department(session, code="SCH", name="测试局")
    session.commit()
    return bearer(session, admin)


def _valid_data_accepted(case: Any, response: Any, mode: GenerationMode) -> None:
    """schemathesis's ``positive_data_acceptance``, with the 422 of the services allowed.

    A request the schema allows can still break a rule the schema cannot state (a password
    too easy to guess, a department, case or category that does not exist, two fields that
    exclude each other): the service refuses it with 422 and says why. What valid data must
    never get is a 400 (unreadable), or a 422 for the text rule, which the schema does state
    (except inside a free-form object, whose keys and values schemathesis draws freely).
    """
    if mode is not GenerationMode.POSITIVE or response.status_code not in (400, 422):
        return
    body = response.json()
    free_form = str(body.get("field")).startswith(FREE_FORM)
    text_rule = "control characters" in body.get("message", "") and not free_form
    if response.status_code == 400 or text_rule:
        raise AssertionError(f"Valid data rejected with {response.status_code}: {body}")


def _failures(operation: Any, mode: GenerationMode, headers: dict[str, str] | None) -> Iterator[str]:
    """The distinct failures of ``operation`` over a bounded, seeded run."""
    found: dict[str, str] = {}
    checks = [check for check in CHECKS.get_all() if check is not positive_data_acceptance]

    @seed(12)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        if headers:
            case.headers = {**(case.headers or {}), **headers}
        try:
            response = case.call()
        except Exception as error:  # noqa: BLE001 - the test client re-raises what the server raised
            found.setdefault(f"server error: {error!r}"[:300], case.as_curl_command())
            return
        try:
            case.validate_response(response, checks=checks, headers=case.headers)
            _valid_data_accepted(case, response, mode)
        except FailureGroup as group:
            for failure in group.exceptions:
                found.setdefault(f"{failure.title}", f"{response.status_code} {case.as_curl_command()}")
        except AssertionError as error:
            found.setdefault(str(error).splitlines()[0], f"{response.status_code} {case.as_curl_command()}")

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise  # only an operation without inputs has no invalid request to make
    for title, example in found.items():
        yield f"{operation.label} [{mode.value}{', token' if headers else ''}]: {title} — {example}"


@pytest.mark.parametrize("with_token", [False, True], ids=["anonymous", "admin-token"])
def test_every_operation_conforms(api_schema, admin_headers, with_token):
    headers = admin_headers if with_token else None
    problems: list[str] = []
    count = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        count += 1
        for mode in MODES:
            problems.extend(_failures(operation, mode, headers))
    assert count >= 20  # every operation of the API was run
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
