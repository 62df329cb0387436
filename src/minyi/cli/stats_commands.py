"""``minyi stats``: the pre-aggregated figures of the public dashboard."""

from __future__ import annotations

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from minyi.accountability.refresh import refresh as run_refresh
from minyi.cli.context import CliContext, pass_context


@click.group()
def stats() -> None:
    """Public dashboard figures: refresh the pre-aggregated scorecard."""


@stats.command("refresh")
@click.option(
    "--full", is_flag=True, help="Recompute every month, not only those changed since the last run."
)
@pass_context
def refresh(ctx: CliContext, full: bool) -> None:
    """Recompute the scorecard of the months whose cases changed since the last run (or all)."""
    database = ctx.require_current_schema()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("counting cases", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        with database.transaction() as session:
            report = run_refresh(
                session, full=full, sign_for_hours=ctx.settings.sign_for_hours, progress=progress
            )
    kind = "full" if report.full else "incremental"
    months = ", ".join(report.months[:6]) + (" …" if len(report.months) > 6 else "")  # noqa: PLR2004
    click.echo(
        f"scorecard refreshed ({kind}): {len(report.months)} months{f' ({months})' if months else ''}, "
        f"{report.cases} cases, {report.cells} rows in {report.seconds:.1f} s"
    )
