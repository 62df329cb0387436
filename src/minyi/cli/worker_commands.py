"""``minyi worker``: process received messages fed by NATS JetStream (``MINYI_PROCESSING=nats``)."""

from __future__ import annotations

import click

from minyi.cli.context import CliContext, check_calendar, pass_context


@click.command()
@click.option(
    "--batch", default=None, type=click.IntRange(1, 1000), help="Messages per pull [MINYI_PROCESSING_BATCH]."
)
@click.option(
    "--max-idle",
    default=None,
    type=click.FloatRange(min=1),
    help="Stop after this many seconds without work (default: run until SIGTERM or Ctrl-C).",
)
@pass_context
def worker(ctx: CliContext, batch: int | None, max_idle: float | None) -> None:
    """Process received messages taken from NATS JetStream, until SIGTERM or Ctrl-C."""
    import asyncio

    from nats.errors import NoServersError

    from minyi.analysis.provider import PipelineProvider
    from minyi.flows.jetstream import run_worker, serve_worker
    from minyi.flows.workers import ProcessingContext
    from minyi.issues.online import IssueTracker

    check_calendar(ctx.settings)

    settings = ctx.settings
    database = ctx.require_current_schema()
    tracker = None
    if settings.issue_tracking:
        tracker = IssueTracker(
            days=settings.issue_window_days,
            min_size=settings.issue_min_size,
            rebuild_seconds=settings.issue_rebuild_minutes * 60.0,
            database=database,
        )
    context = ProcessingContext(database, PipelineProvider(settings), tracker)
    size = batch or settings.processing_batch
    click.echo(f"worker: {settings.nats_url} stream {settings.nats_stream}, batches of {size}", err=True)
    try:
        if max_idle is None:
            report = serve_worker(
                context,
                settings.nats_url,
                settings.nats_stream,
                batch=size,
                ack_wait=settings.nats_ack_wait_seconds,
            )
        else:
            report = asyncio.run(
                run_worker(
                    context, settings.nats_url, settings.nats_stream, batch=size, max_idle_seconds=max_idle
                )
            )
    except (OSError, NoServersError) as exc:
        raise click.ClickException(
            f"cannot reach NATS at {settings.nats_url} (MINYI_NATS_URL): {exc or type(exc).__name__}"
        ) from exc
    click.echo(
        f"worker stopped: {report.processed} processed, {report.acknowledged} acknowledged, "
        f"{report.retried} to be retried, {report.dead} dead letters"
    )
