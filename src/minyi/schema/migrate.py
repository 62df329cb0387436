"""Apply and check migrations from code (used by the CLI, the server and the tests)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from minyi.schema import Base

MIGRATIONS_DIR = Path(__file__).parent.parent / "db" / "migrations"
#: Tables no model describes: SQLite FTS5 virtual tables and their shadow tables.
UNMODELLED_TABLE_PREFIXES = ("public_search_fts", "case_words_fts")


def modelled(name: str | None, type_: str, _parent: object = None) -> bool:
    """Whether Alembic compares ``name``: every table except the unmodelled ones."""
    return not (type_ == "table" and (name or "").startswith(UNMODELLED_TABLE_PREFIXES))


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision``."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema down to ``revision``."""
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision in the packaged migrations."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_differences(engine: Engine) -> list[Any]:
    """Differences between the models and the migrated schema (empty when they agree)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": modelled}
        )
        diffs: list[Any] = compare_metadata(context, Base.metadata)
    return diffs


def is_up_to_date(engine: Engine) -> bool:
    """Whether the database is at the head revision."""
    return current_revision(engine) == head_revision()


@functools.cache
def _packaged() -> tuple[str | None, frozenset[str]]:
    script = ScriptDirectory.from_config(alembic_config())
    return script.get_current_head(), frozenset(s.revision for s in script.walk_revisions())


def is_known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of this release's migrations (else a newer release made it)."""
    return revision in _packaged()[1]


def revision_problem(connection: Connection) -> str | None:
    """What stops this release from serving the database at ``connection``, or None.

    Behind: `minyi db upgrade`. A revision this release does not know: a newer release
    migrated it (the code was rolled back), and upgrading cannot help (upgrade test,
    eighth probe: `db check` advised `db upgrade`, which then failed).
    """
    current = MigrationContext.configure(connection).get_current_revision()
    head, known = _packaged()
    if current == head:
        return None
    if current is None:
        return "the database has no schema yet: run `minyi db upgrade` first"
    if current not in known:
        return (
            f"the database is at revision {current}, which this release (newest {head}) does not "
            "know: a newer Minyi migrated it. Run that release, or restore the backup made "
            "before its upgrade"
        )
    return (
        f"the database schema is not current (revision {current}, newest {head}): "
        "run `minyi db upgrade` first"
    )


def schema_problem(engine: Engine) -> str | None:
    """:func:`revision_problem` on a connection of ``engine``."""
    with engine.connect() as connection:
        return revision_problem(connection)
