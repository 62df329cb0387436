"""``minyi notify``: deliver the notification outbox, show it, retry what was given up."""

from __future__ import annotations

import time
from datetime import datetime

import click

from minyi.cli.context import CliContext, pass_context
from minyi.notify.models import NotifyChannel
from minyi.notify.senders import senders_from_settings
from minyi.notify.services import retry_dead, summary
from minyi.notify.worker import DEFAULT_MAX_ATTEMPTS, DeliveryReport, deliver_due


@click.group()
def notify() -> None:
    """Notifications to citizens and staff (e-mail, SMS, webhook) through the outbox."""


def _describe(report: DeliveryReport) -> str:
    return f"sent {report.sent}, failed {report.failed} (will retry), dead {report.dead}"


@notify.command("run")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 3600),
    default=10.0,
    show_default=True,
    help="Seconds to wait between runs when nothing is due.",
)
@click.option(
    "--batch", type=click.IntRange(1, 10_000), default=100, show_default=True, help="Items per run."
)
@click.option(
    "--max-attempts",
    type=click.IntRange(1, 100),
    default=DEFAULT_MAX_ATTEMPTS,
    show_default=True,
    help="Tries before an item is given up as dead.",
)
@pass_context
def run(ctx: CliContext, once: bool, interval: float, batch: int, max_attempts: int) -> None:
    """Send due notifications, retrying failures with back-off, until Ctrl-C (or once)."""
    database = ctx.require_current_schema()
    senders = senders_from_settings(ctx.settings)
    missing = sorted({channel.value for channel in NotifyChannel} - set(senders))
    if missing:
        click.echo(f"not configured, left waiting in the outbox: {', '.join(missing)}", err=True)
    try:
        while True:
            report = deliver_due(database, senders, batch=batch, max_attempts=max_attempts)
            if report.attempted or once:
                click.echo(_describe(report))
            if once:
                return
            if report.attempted < batch:
                time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("stopped")


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value is not None else "-"


@notify.command("status")
@pass_context
def status(ctx: CliContext) -> None:
    """Count the outbox items per status and show the oldest one still waiting."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        result = summary(session)
    for name, count in result.counts.items():
        click.echo(f"{name:8} {count}")
    click.echo(f"oldest waiting since: {_when(result.oldest_waiting_created_at)}")
    click.echo(f"next attempt due at:  {_when(result.next_attempt_at)}")


@notify.command("retry-dead")
@pass_context
def retry_dead_command(ctx: CliContext) -> None:
    """Queue every dead notification again, with its attempts reset."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        count = retry_dead(session)
    click.echo(f"queued {count} dead notifications again")
