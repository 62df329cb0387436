"""``minyi worker``: process received messages fed by NATS JetStream (``MINYI_PROCESSING=nats``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from minyi.cli.context import CliContext, check_calendar, pass_context
from minyi.cli.i18n import t, zh
from minyi.core.logs import shown_url

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
            t(
                f"invalid settings: MINYI_PROCESSING is {settings.processing!r}, and `minyi worker` only "
                "takes messages published to NATS: set MINYI_PROCESSING=nats for the workers and the "
                f"server (with {settings.processing!r} the server processes by itself)",
                f"设置无效：MINYI_PROCESSING 是 {settings.processing!r}，而 `minyi worker` 只处理发布到 NATS "
                "的留言：请给 worker 和服务都设置 MINYI_PROCESSING=nats"
                f"（设为 {settings.processing!r} 时由服务自己处理）",
            )
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
    return t(
        f"worker stopped: {report.processed} processed, {report.acknowledged} acknowledged, "
        f"{report.retried} to be retried, {report.dead} dead letters",
        f"worker 已停止：处理 {report.processed} 条，确认 {report.acknowledged} 条，"
        f"待重试 {report.retried} 条，死信 {report.dead} 条",
    )


@click.command()
@click.option(
    "--batch",
    default=None,
    type=click.IntRange(1, 1000),
    help=t("Messages per pull [MINYI_PROCESSING_BATCH].", "每次拉取的留言数 [MINYI_PROCESSING_BATCH]。"),
)
@click.option(
    "--max-idle",
    default=None,
    type=click.FloatRange(min=1),
    help=t(
        "Stop after this many seconds without work (default: run until SIGTERM or Ctrl-C).",
        "空闲这么多秒后停止（默认：一直运行，直到收到 SIGTERM 或 Ctrl-C）。",
    ),
)
@pass_context
@zh(
    """处理从 NATS JetStream 取来的已接收留言，直到收到 SIGTERM 或 Ctrl-C。

    无论启动时连不上 NATS，还是运行中与它彻底断开，worker 都会报一条指明 MINYI_NATS_URL 的错误并以非零
    状态退出，由服务管理器重启它。
    """
)
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
    shown = shown_url(url)  # said without its password
    click.echo(
        t(
            f"worker: {shown} stream {stream}, batches of {size}",
            f"worker：{shown}，stream {stream}，每批 {size} 条",
        ),
        err=True,
    )
    try:
        if max_idle is None:
            report = serve_worker(context, url, stream, batch=size, ack_wait=settings.nats_ack_wait_seconds)
        else:
            report = asyncio.run(run_worker(context, url, stream, batch=size, max_idle_seconds=max_idle))
    except NatsLost as exc:
        click.echo(_said(exc.report))
        raise click.ClickException(
            t(
                f"cannot reach NATS at {shown} (MINYI_NATS_URL): lost while running and not back within "
                f"about 30 s ({exc}); what this worker had not acknowledged is delivered again",
                f"连不上 NATS {shown}（MINYI_NATS_URL）：运行中断开，约 30 秒内没有恢复（{exc}）；"
                "这个 worker 尚未确认的留言会再次投递",
            )
        ) from exc
    except (OSError, NoServersError) as exc:
        reason = exc or type(exc).__name__
        raise click.ClickException(
            t(
                f"cannot reach NATS at {shown} (MINYI_NATS_URL): {reason}",
                f"连不上 NATS {shown}（MINYI_NATS_URL）：{reason}",
            )
        ) from exc
    click.echo(_said(report))
