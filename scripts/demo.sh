#!/usr/bin/env bash
# Set up and run Minyi with demo data on SQLite at http://127.0.0.1:8000
. "$(dirname "$0")/_venv.sh"
export MINYI_DATA_DIR="${MINYI_DATA_DIR:-$ROOT/var}"
exec minyi serve --demo --host "${MINYI_HOST:-127.0.0.1}" --port "${MINYI_PORT:-8000}"
