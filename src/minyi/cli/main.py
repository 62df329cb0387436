"""``minyi``: the command-line entry point."""

from __future__ import annotations

import logging

import click

import minyi
from minyi.cli import (
    alert_commands,
    case_commands,
    db_commands,
    demo_commands,
    department_commands,
    import_commands,
    issues_commands,
    model_commands,
    notify_commands,
    retention_commands,
    serve_commands,
    user_commands,
)
from minyi.cli.context import load_context


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(minyi.__version__, prog_name="minyi")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """民意 Minyi: hear, sort, answer and account for what the public tells you.

    Settings come from MINYI_* environment variables (see docs/configuration.md).
    """
    ctx.obj = load_context()
    logging.basicConfig(
        level=ctx.obj.settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)


cli.add_command(serve_commands.serve)
cli.add_command(db_commands.db)
cli.add_command(demo_commands.demo)
cli.add_command(demo_commands.process)
cli.add_command(user_commands.user)
cli.add_command(department_commands.department)
cli.add_command(case_commands.cases)
cli.add_command(import_commands.import_messages)
cli.add_command(import_commands.categories)
cli.add_command(retention_commands.retention)
cli.add_command(model_commands.model)
cli.add_command(notify_commands.notify)
cli.add_command(issues_commands.issues)
cli.add_command(alert_commands.alerts_group)
