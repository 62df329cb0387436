"""``minyi``: the command-line entry point.

The group is lazy (click's documented ``LazyGroup`` pattern): ``minyi --help`` lists the
commands from :data:`COMMANDS` without importing them, and a command's module (with the
web framework, the database layer or scikit-learn it needs) is imported only when that
command runs or shows its own help.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import click

import minyi

# Command name → ("module:attribute" of the click command, its one-line help). The help is
# shown by ``minyi --help`` without importing the command: when you change a command's
# docstring, change it here too (tests/unit/cli/test_main.py compares the two).
COMMANDS = {
    "alerts": (
        "minyi.cli.alert_commands:alerts_group",
        "Spikes and alerts: burst, trend, threshold and emergency-keyword rules.",
    ),
    "cases": (
        "minyi.cli.case_commands:cases",
        "Periodic case jobs: deadline reminders and escalation, unanswered follow-ups.",
    ),
    "categories": ("minyi.cli.import_commands:categories", "Manage the category tree."),
    "db": ("minyi.cli.db_commands:db", "Create, migrate and check the database schema."),
    "demo": (
        "minyi.cli.demo_commands:demo",
        "Create the schema and load demo departments, users, messages and cases (never in production).",
    ),
    "department": ("minyi.cli.department_commands:department", "Add and list departments."),
    "export": (
        "minyi.cli.export_commands:export_cases",
        "Export cases with their messages, replies and events as CSV, XLSX or JSONL.",
    ),
    "forecast": (
        "minyi.cli.forecast_commands:forecast",
        "Forecast weekly message volume per category or region, with its backtest error.",
    ),
    "import": (
        "minyi.cli.import_commands:import_messages",
        "Import messages or public posts from a CSV, XLSX or JSONL file.",
    ),
    "issues": (
        "minyi.cli.issues_commands:issues",
        "Hot issues: group messages about one concrete problem and rank them by heat.",
    ),
    "knowledge": (
        "minyi.cli.knowledge_commands:knowledge",
        "Knowledge base (知识库): similar answered cases and articles.",
    ),
    "model": (
        "minyi.cli.model_commands:model",
        "Train, evaluate and activate the category/department classifier.",
    ),
    "notify": (
        "minyi.cli.notify_commands:notify",
        "Notifications to citizens and staff (e-mail, SMS, webhook) through the outbox.",
    ),
    "open311": (
        "minyi.cli.open311_commands:open311",
        "Open311 GeoReport v2: issue and revoke the api_keys of client apps.",
    ),
    "process": (
        "minyi.cli.demo_commands:process",
        "Process stored messages that have no case yet (after a crash or a failure).",
    ),
    "report": (
        "minyi.cli.report_commands:report",
        "Briefings (简报) of a day, week or month as HTML or PDF, and their scheduled e-mail.",
    ),
    "restore": (
        "minyi.cli.export_commands:restore_cases",
        "Restore the cases of a Minyi export (statuses, replies, numbers) after `minyi import` read it.",
    ),
    "retention": ("minyi.cli.retention_commands:retention", "Apply the retention policy to personal data."),
    "search": (
        "minyi.cli.search_commands:search",
        "Search public answers, and rebuild the search indexes (public answers, staff words).",
    ),
    "serve": ("minyi.cli.serve_commands:serve", "Serve the portal, staff pages and JSON API."),
    "stats": (
        "minyi.cli.stats_commands:stats",
        "Public dashboard figures: refresh the pre-aggregated scorecard.",
    ),
    "user": (
        "minyi.cli.user_commands:user",
        "Manage staff users, passwords, sessions, lock-outs and API tokens.",
    ),
    "worker": (
        "minyi.cli.worker_commands:worker",
        "Process received messages taken from NATS JetStream, until SIGTERM or Ctrl-C.",
    ),
}


class LazyGroup(click.Group):
    """A group whose sub-commands are imported from ``"module:attribute"`` when first used."""

    def __init__(self, *args: Any, lazy_commands: dict[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, sorted, without importing any."""
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, its module imported now if it is a lazy one."""
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            self.add_command(self._load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def _load(self, cmd_name: str) -> click.Command:
        module_name, _, attribute = self.lazy_commands[cmd_name][0].partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            msg = f"{module_name}:{attribute} is not a click command"
            raise TypeError(msg)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an unreachable database or an unknown revision: ``Error: …``, not a traceback."""
        try:
            return super().invoke(ctx)
        except Exception as exc:
            plain = _plain_error(exc)
            if plain is None:
                raise
            raise click.ClickException(plain) from exc

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands, as click writes it, from the one-line helps of the lazy ones."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            command = self.commands.get(name)
            if command is None:
                stand_in = click.Command(name, help=self.lazy_commands[name][1])  # click's own shortening
                rows.append((name, stand_in.get_short_help_str(limit)))
            elif not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _plain_error(exc: Exception) -> str | None:
    """What to tell a user instead of a traceback, for mistakes of setting rather than bugs; else ``None``.

    The modules are looked up, not imported: ``minyi --help`` stays light, and an error of a
    library no command loaded cannot have happened.
    """
    sqlalchemy_errors = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy_errors is not None and isinstance(exc, sqlalchemy_errors.OperationalError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        return (
            f"cannot use the database: {reason}. Check MINYI_DATABASE_URL, that the server runs "
            "and that the database exists (createdb), then run `minyi db upgrade`"
        )
    alembic_errors = sys.modules.get("alembic.util.exc")
    if alembic_errors is not None and isinstance(exc, alembic_errors.CommandError):
        return f"{exc} (see `minyi db current`)"
    return None


@click.group(cls=LazyGroup, lazy_commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(minyi.__version__, prog_name="minyi")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """民意 Minyi: hear, sort, answer and account for what the public tells you.

    Settings come from MINYI_* environment variables (see docs/configuration.md).
    """
    from minyi.cli.context import load_context  # local: the settings load when a command runs

    ctx.obj = load_context()
    logging.basicConfig(
        level=ctx.obj.settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx logs each request's URL at INFO: a webhook's credentials and its ?key= or
    # ?access_token= (WeCom, DingTalk) would be written to the log on every notification.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
