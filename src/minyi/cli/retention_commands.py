"""``minyi retention``: delete personal data that is no longer needed."""

from __future__ import annotations

import click

from minyi.cli.context import CliContext, pass_context
from minyi.flows.retention import purge_contacts


@click.group()
def retention() -> None:
    """Apply the retention policy to personal data."""


@retention.command("run")
@click.option("--days", type=click.IntRange(1, 36500), help="Override MINYI_CONTACT_RETENTION_DAYS.")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@pass_context
def run(ctx: CliContext, days: int | None, dry_run: bool) -> None:
    """Delete contact details of cases closed more than DAYS days ago."""
    database = ctx.require_current_schema()
    keep = days or ctx.settings.contact_retention_days
    with database.transaction() as session:
        report = purge_contacts(session, keep, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    click.echo(
        f"{verb} contact details of {report.contacts} messages "
        f"in {report.cases} cases closed over {keep} days ago"
    )
