"""Alembic environment: the one source of Minyi's schema."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from minyi.schema import Base
from minyi.schema.migrate import modelled

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=modelled,
    )


def run_migrations_online() -> None:
    """Run migrations on the connection handed over, or on a new one."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    from minyi.db.session import make_engine
    from minyi.settings import get_settings

    url = config.get_main_option("sqlalchemy.url") or get_settings().effective_database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    msg = "offline migrations are not supported; run against a database"
    raise SystemExit(msg)
run_migrations_online()
