#!/usr/bin/env bash
# Set up and run the whole test suite: on SQLite, and on PostgreSQL when one is reachable
# (MINYI_TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/minyi_test).
# Extra arguments go to pytest.
. "$(dirname "$0")/_venv.sh" dev
bash scripts/setup-test.sh
PG_URL="${MINYI_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/minyi_test}"
status=0
# Coverage (configured in pyproject.toml) on the SQLite run; its floor applies to the whole
# suite only, not to a run of a few tests (arguments given).
COVERAGE_FLOOR=93  # the SQLite run reached 94.4 % (statements and branches) on 6 December 2026
floor=()
if [ $# -eq 0 ]; then floor=(--cov-fail-under="$COVERAGE_FLOOR"); fi
export COVERAGE_FILE="${COVERAGE_FILE:-$(mktemp -d)/.coverage}"  # several runs may share this tree
echo "==> tests on SQLite"
MINYI_TEST_DATABASE_URL="" python -m pytest -q --cov --cov-report=term:skip-covered "${floor[@]}" "$@" || status=$?
if python - "$PG_URL" <<'PY' 2>/dev/null
import sys, psycopg
psycopg.connect(sys.argv[1].rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
PY
then
  echo "==> tests on PostgreSQL ($PG_URL)"
  MINYI_TEST_DATABASE_URL="$PG_URL" python -m pytest -q "$@" || status=$?
elif [ -n "${MINYI_REQUIRE_POSTGRES:-}" ]; then
  echo "PostgreSQL at $PG_URL is not reachable, and MINYI_REQUIRE_POSTGRES is set" >&2
  status=1
else
  echo "note: no PostgreSQL reachable at $PG_URL; ran on SQLite only" >&2
fi
exit $status
