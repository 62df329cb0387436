# Sourced by the other scripts: create .venv with Python 3.11+ and install Minyi into it.
# Usage: . scripts/_venv.sh [extras]   (extras e.g. "dev")
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${MINYI_PYTHON:-}"
if [ -z "$PY" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      PY="$candidate"; break
    fi
  done
fi
[ -n "$PY" ] || { echo "Minyi needs Python 3.11 or newer" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $PY"
  "$PY" -m venv .venv
fi
spec="."
[ -n "${1:-}" ] && spec=".[$1]"
stamp=".venv/.minyi-installed-${1:-base}"
# Reinstall when the project's build inputs change (setup.py compiles the C sources
# src/minyi/*.c: minyi._speedups and minyi._issuestate).
newer_c=""
[ -f "$stamp" ] && newer_c=$(find src/minyi -maxdepth 1 -name '*.c' -newer "$stamp" | head -n 1)
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ setup.py -nt "$stamp" ] \
  || [ -n "$newer_c" ]; then
  echo "==> installing Minyi ${1:+with $1 extras} into .venv"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e "$spec"
  touch "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
