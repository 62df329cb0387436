"""``minyi cases``: the periodic jobs of the case workflow."""

from __future__ import annotations

import click

from minyi.cases import notices, workflow
from minyi.cli.context import CliContext, pass_context


@click.group()
def cases() -> None:
    """Periodic case jobs: deadline reminders and escalation, unanswered follow-ups."""


@cases.command("remind")
@click.option(
    "--soon-hours",
    default=None,
    type=click.FloatRange(1, 720),
    help="Remind this many clock hours before the deadline (default: within two working days).",
)
@pass_context
def remind(ctx: CliContext, soon_hours: float | None) -> None:
    """Queue reminders to departments before deadlines and escalate overdue cases to supervisors."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        reminders, escalations = notices.remind(session, soon_hours=soon_hours)
    click.echo(f"queued {reminders} reminders and {escalations} escalations (sent by `minyi notify run`)")


@cases.command("follow-ups")
@pass_context
def follow_ups(ctx: CliContext) -> None:
    """Close follow-ups (回访) nobody answered in time, recorded as not reached."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        closed = workflow.sweep_follow_ups(session)
    click.echo(f"closed {closed} unanswered follow-ups as not reached")
