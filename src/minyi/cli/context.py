"""What every command needs: settings, the database, clear errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import click

from minyi.db.session import Database
from minyi.schema import migrate
from minyi.settings import Settings, UnsafeSettingsError, get_settings


@dataclass
class CliContext:
    """Lazily opened settings and database for one command."""

    settings: Settings = field(default_factory=get_settings)

    @cached_property
    def database(self) -> Database:
        """The configured database (its directory created for SQLite)."""
        if not self.settings.database_url:
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return Database(self.settings.effective_database_url)

    def migrated_database(self) -> Database:
        """The database, migrated to the newest schema."""
        migrate.upgrade(self.database.engine)
        return self.database

    def require_current_schema(self) -> Database:
        """The database, if its schema is current; else a clear error."""
        if not migrate.is_up_to_date(self.database.engine):
            raise click.ClickException("the database schema is not current: run `minyi db upgrade` first")
        return self.database


def load_context() -> CliContext:
    """Settings from the environment, or a clear error when they are unsafe or invalid."""
    try:
        return CliContext(settings=get_settings())
    except (UnsafeSettingsError, ValueError) as exc:
        raise click.ClickException(f"invalid settings: {exc}") from exc


pass_context = click.make_pass_decorator(CliContext, ensure=False)
