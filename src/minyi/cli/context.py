"""What every command needs: settings, the database, clear errors.

Light on purpose: the settings, the database layer and the migrations are imported when a
command first asks for them, so that ``minyi --help`` loads none of them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

import click

from minyi.cli.i18n import t

if TYPE_CHECKING:
    from minyi.db.session import Database
    from minyi.settings import Settings

CommandT = TypeVar("CommandT", bound=click.Command)

#: ``ctx.meta`` key: whether the command being run reads the settings (see :func:`reads_settings`).
READS_SETTINGS = "minyi.reads_settings"
_WITHOUT_SETTINGS: set[click.Command] = set()


def _settings() -> Settings:
    from minyi.settings import get_settings  # local: pydantic loads when a command runs

    return get_settings()


@dataclass
class CliContext:
    """Lazily opened settings and database for one command."""

    settings: Settings = field(default_factory=_settings)

    @cached_property
    def database(self) -> Database:
        """The configured database (its directory created for SQLite)."""
        from minyi.db.session import Database  # local: SQLAlchemy loads when a command needs it

        if not self.settings.database_url:
            try:  # its user only: the database holds personal data
                self.settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as exc:
                reason = exc.strerror or exc
                raise click.ClickException(
                    t(
                        f"cannot use MINYI_DATA_DIR {self.settings.data_dir}: {reason}",
                        f"无法使用 MINYI_DATA_DIR {self.settings.data_dir}：{reason}",
                    )
                ) from exc
        return Database(self.settings.effective_database_url)

    def migrated_database(self) -> Database:
        """The database, migrated to the newest schema."""
        from minyi.schema import migrate  # local: Alembic loads when a command needs it

        migrate.upgrade(self.database.engine)
        return self.database

    def require_current_schema(self) -> Database:
        """The database, if its schema is current; else a clear error."""
        from minyi.schema import migrate  # local: see migrated_database

        problem = migrate.schema_problem(self.database.engine)
        if problem is not None:
            raise click.ClickException(problem)
        return self.database


def load_context() -> CliContext:
    """Settings from the environment, or a clear error when they are unsafe or invalid."""
    from minyi.settings import UnsafeSettingsError  # local: see _settings

    try:
        return CliContext(settings=_settings())
    except (UnsafeSettingsError, ValueError) as exc:
        problem = _settings_problem(exc)
        raise click.ClickException(t(f"invalid settings: {problem}", f"设置无效：{problem}")) from exc


def _settings_problem(exc: Exception) -> str:
    """Each wrong setting by its variable name and why, without pydantic's headers and links."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    parts = []
    for error in errors():
        name = f"MINYI_{str(error['loc'][0]).upper()}" if error.get("loc") else "settings"
        said = str(error.get("msg", "")).removeprefix("Value error, ")
        parts.append(said if name in said else f"{name}: {said}")
    return "; ".join(parts) or str(exc)


pass_context = click.make_pass_decorator(CliContext, ensure=False)


def without_settings(command: CommandT) -> CommandT:
    """Mark a command that reads no setting: the group then loads none for it.

    Loading the settings imports pydantic and pydantic-settings, 0.12-0.17 s of CPU: a tenth
    of the start-up of ``minyi issues detect``, which reads a file and writes files. Such a
    command is not refused for a setting it does not read (a short MINYI_SECRET_KEY in
    production, a mistyped MINYI_PROCESSING); ``--tz`` and the language still come from
    MINYI_TIMEZONE and MINYI_CLI_LANG, which are read from the environment. It must not ask
    for the :class:`CliContext` (``ctx.obj`` stays ``None``).
    """
    _WITHOUT_SETTINGS.add(command)
    return command


def reads_settings(ctx: click.Context, command: click.Command | None, args: Sequence[str]) -> bool:
    """Whether the command that ``args`` name below ``command`` reads the settings.

    The group's callback runs before its sub-command's arguments are parsed, so it looks the
    sub-commands up by name (``issues`` then ``detect``); anything else (``--help``, a name
    that is no command) loads the settings, as every command did.
    """
    while isinstance(command, click.Group) and args:
        command, args = command.get_command(ctx, args[0]), args[1:]
    return command not in _WITHOUT_SETTINGS


def _default_timezone() -> str:
    """MINYI_TIMEZONE as :func:`minyi.settings.current_timezone` reads it (a test keeps them equal).

    Read here from the environment: importing :mod:`minyi.settings` imports pydantic, which a
    command :func:`without_settings` does not load.
    """
    return os.environ.get("MINYI_TIMEZONE", "").strip() or "Asia/Shanghai"


# ``--tz`` of the commands that read files: the deployment's timezone (MINYI_TIMEZONE) unless given.
timezone_option = click.option(
    "--tz",
    default=_default_timezone,
    show_default=t("MINYI_TIMEZONE, Asia/Shanghai", "MINYI_TIMEZONE，默认 Asia/Shanghai"),
    help=t("Timezone of times given without one.", "没有写时区的时间按这个时区理解。"),
)


def check_calendar(settings: Settings) -> None:
    """Read ``MINYI_HOLIDAYS_FILE`` once before serving: a malformed file is said now, by name.

    The calendar reads the file when a deadline is first computed: a bad row made every
    dispatch answer 500 on a server that had started cleanly.
    """
    if settings.holidays_file is None:
        return
    from minyi.cases.holidays import load_holiday_file  # local: only the long-running commands

    try:
        load_holiday_file(settings.holidays_file)
    except (ValueError, OSError) as exc:
        raise click.ClickException(
            t(f"invalid settings: MINYI_HOLIDAYS_FILE: {exc}", f"设置无效：MINYI_HOLIDAYS_FILE：{exc}")
        ) from exc
