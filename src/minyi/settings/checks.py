"""The checks of single setting values, apart from the :class:`~minyi.settings.Settings` that runs them.

Each refuses a value with one sentence naming the variable (never echoing a URL, which may
hold a password), so that a wrong value stops start-up plainly instead of failing later in a
traceback. Plain functions: the heat weights' check is also used where settings are not
loaded (``minyi issues detect``).
"""

from __future__ import annotations

from pathlib import Path

#: The SQLAlchemy drivers installed with Minyi (``postgresql://`` is read as psycopg 3's).
DATABASE_DRIVERS = frozenset({"sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg"})
DATABASE_URL_EXAMPLE = (
    " (e.g. postgresql://minyi:PASSWORD@127.0.0.1:5432/minyi, or empty for SQLite in MINYI_DATA_DIR)"
)


# The names of the heat formula's weights (the fields of minyi.issues.detect.heat.HeatWeights; a test
# keeps the two equal). Checked here so that a bad MINYI_HEAT_WEIGHTS fails at start-up
# without the settings importing a domain package.
HEAT_WEIGHT_NAMES = ("volume", "authors", "engagement", "dislikes", "growth", "growth_days", "tau_days")


def check_weight_pairs(pairs: str) -> dict[str, float]:
    """``name=value`` pairs (comma-separated) as a dict, or ValueError naming the bad pair.

    Values are finite numbers ≥ 0; ``growth_days`` is a whole number ≥ 1.
    """
    import math  # only when weights are set

    changes: dict[str, float] = {}
    for item in (p for p in pairs.split(",") if p.strip()):
        name, sep, raw = item.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or name not in HEAT_WEIGHT_NAMES:
            names = ", ".join(HEAT_WEIGHT_NAMES)
            msg = f"heat weight {item.strip()!r}: expected NAME=VALUE with NAME one of {names}"
            raise ValueError(msg)
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:
            msg = f"heat weight {name}={raw!r}: the value must be a number ≥ 0"
            raise ValueError(msg)
        if name == "growth_days" and (value < 1 or value != int(value)):
            msg = f"heat weight growth_days={raw!r}: the value must be a whole number of days ≥ 1"
            raise ValueError(msg)
        changes[name] = value
    return changes


def check_database_url(value: str) -> str:
    """A URL the engine can open, said here, never by a traceback (and never echoed).

    ``postgresql://u:pw@h:abc/x`` or ``postgresql+foo://…`` passed the scheme's prefix
    and every command then died with 60 lines of SQLAlchemy's traceback (eleventh
    probe). The URL holds the password, so no refusal repeats it.
    """
    if not value:
        return value
    if not value.startswith(("sqlite", "postgresql")):
        msg = "MINYI_DATABASE_URL must be a sqlite:// or postgresql:// URL"
        raise ValueError(msg)
    from sqlalchemy.engine import make_url  # only when the value is checked (see timezone)
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(value)
    except (ArgumentError, ValueError):
        msg = "MINYI_DATABASE_URL cannot be read as a URL (is its port a number?)"
        raise ValueError(msg + DATABASE_URL_EXAMPLE) from None
    if url.drivername not in DATABASE_DRIVERS:
        msg = f"MINYI_DATABASE_URL: the driver {url.drivername!r} is not one Minyi uses"
        raise ValueError(msg + DATABASE_URL_EXAMPLE)
    return value


def check_nats_url(value: str) -> str:
    """One NATS URL or several separated by commas, each ``nats://`` or ``tls://``."""
    servers = [part.strip() for part in value.split(",")]
    if not all(part.startswith(("nats://", "tls://")) for part in servers):
        msg = "NATS URLs start with nats:// or tls:// (several separated by commas)"
        raise ValueError(msg)
    return value


def check_holidays_file(value: Path | None) -> Path | None:
    """A readable ``.csv`` or ``.json`` holidays file, or None.

    A wrong path started cleanly, then every dispatch answered 500 once holidays were
    entered on /staff/admin (the calendar reads the file only then).
    """
    if value is None or not str(value).strip():
        return None
    if value.suffix.lower() not in {".csv", ".json"}:
        msg = f"{value}: a holidays file is .csv or .json"
        raise ValueError(msg)
    try:
        with value.open("rb") as file:
            file.read(1)
    except OSError as exc:
        msg = f"{value} cannot be read ({exc.strerror or exc})"
        raise ValueError(msg) from None
    return value
