"""``minyi worker``: process received messages fed by NATS JetStream (``MINYI_PROCESSING=nats``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from minyi.cli.context import CliContext, check_calendar, pass_context

if TYPE_CHECKING:
    from minyi.flows.jetstream import WorkerReport
    from minyi.flows.workers import ProcessingContext
    from minyi.settings import Settings


def check_processing(settings: Settings) -> None:
    """Refuse to run unless ``MINYI_PROCESSING=nats``: otherwise no work would ever come.

    With ``background`` (the default) the server processes by itself and publishes nothing:
    a worker started without the setting connected to the default NATS, created a stream
    and waited there forever, looking healthy.
    """
    if settings.processing != "nats":
        raise click.ClickException(
            f"invalid settings: MINYI_PROCESSING is {settings.processing!r}, and `minyi worker` only "
            "takes messages published to NATS: set MINYI_PROCESSING=nats for the workers and the "
            f"server (with {settings.processing!r} the server processes by itself)"
        )


def _context(ctx: CliContext) -> ProcessingContext:
    """The database (its schema current), the pipelines and the hot-issue tracker."""
    from minyi.analysis.provider import PipelineProvider
    from minyi.flows.workers import ProcessingContext
    from minyi.issues.online import IssueTracker

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
    return ProcessingContext(database, PipelineProvider(settings), tracker)


def _said(report: WorkerReport) -> str:
    return (
        f"worker stopped: {report.processed} processed, {report.acknowledged} acknowledged, "
        f"{report.retried} to be retried, {report.dead} dead letters"
    )


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
    """Process received messages taken from NATS JetStream, until SIGTERM or Ctrl-C.

    Whether NATS is unreachable at start or lost for good while running, the worker stops
    with one error naming MINYI_NATS_URL and a non-zero status, for its service manager to
    restart it.
    """
    import asyncio

    from nats.errors import NoServersError

    from minyi.flows.jetstream import NatsLost, run_worker, serve_worker

    settings = ctx.settings
    check_processing(settings)
    check_calendar(settings)
    context = _context(ctx)
    size = batch or settings.processing_batch
    url, stream = settings.nats_url, settings.nats_stream
    click.echo(f"worker: {url} stream {stream}, batches of {size}", err=True)
    try:
        if max_idle is None:
            report = serve_worker(context, url, stream, batch=size, ack_wait=settings.nats_ack_wait_seconds)
        else:
            report = asyncio.run(run_worker(context, url, stream, batch=size, max_idle_seconds=max_idle))
    except NatsLost as exc:
        click.echo(_said(exc.report))
        raise click.ClickException(
            f"cannot reach NATS at {url} (MINYI_NATS_URL): lost while running and not back within "
            f"about 30 s ({exc}); what this worker had not acknowledged is delivered again"
        ) from exc
    except (OSError, NoServersError) as exc:
        raise click.ClickException(
            f"cannot reach NATS at {url} (MINYI_NATS_URL): {exc or type(exc).__name__}"
        ) from exc
    click.echo(_said(report))
