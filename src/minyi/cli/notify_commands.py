"""``minyi notify``: deliver the notification outbox, show it, retry what was given up."""

from __future__ import annotations

import time
from datetime import datetime

import click

from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import t, zh
from minyi.core.localtime import format_time
from minyi.notify.models import NotifyChannel
from minyi.notify.senders import senders_from_settings
from minyi.notify.services import retry_dead, summary
from minyi.notify.worker import DEFAULT_MAX_ATTEMPTS, DeliveryReport, deliver_due


@click.group()
@zh("通过发件箱给市民和工作人员发通知（电子邮件、短信、webhook）。")
def notify() -> None:
    """Notifications to citizens and staff (e-mail, SMS, webhook) through the outbox."""


def _describe(report: DeliveryReport) -> str:
    return t(
        f"sent {report.sent}, failed {report.failed} (will retry), dead {report.dead}",
        f"已发送 {report.sent} 条，失败 {report.failed} 条（会重试），放弃 {report.dead} 条",
    )


@notify.command("run")
@click.option(
    "--once", is_flag=True, help=t("Deliver what is due now, then stop.", "发出现在到期的通知，然后停止。")
)
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 3600),
    default=10.0,
    show_default=True,
    help=t("Seconds to wait between runs when nothing is due.", "没有到期通知时，两轮之间等待的秒数。"),
)
@click.option(
    "--batch",
    type=click.IntRange(1, 10_000),
    default=100,
    show_default=True,
    help=t("Items per run.", "每轮发送的条数。"),
)
@click.option(
    "--max-attempts",
    type=click.IntRange(1, 100),
    default=DEFAULT_MAX_ATTEMPTS,
    show_default=True,
    help=t("Tries before an item is given up as dead.", "尝试多少次后放弃（记为 dead）。"),
)
@pass_context
@zh("发送到期的通知，失败的按退避间隔重试，直到按 Ctrl-C（或只跑一轮）。")
def run(ctx: CliContext, once: bool, interval: float, batch: int, max_attempts: int) -> None:
    """Send due notifications, retrying failures with back-off, until Ctrl-C (or once)."""
    database = ctx.require_current_schema()
    senders = senders_from_settings(ctx.settings)
    missing = sorted({channel.value for channel in NotifyChannel} - set(senders))
    if missing:
        names = ", ".join(missing)
        click.echo(
            t(f"not configured, left waiting in the outbox: {names}", f"未配置，留在发件箱中等待：{names}"),
            err=True,
        )
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
        click.echo(t("stopped", "已停止"))


def _when(value: datetime | None) -> str:
    """The office's time (as the pages write it), not UTC in ISO form: "2026-12-08 02:16:29"."""
    return format_time(value, "%Y-%m-%d %H:%M:%S") if value is not None else "-"


#: The outbox's states as the command line names them in Chinese (the English names are the stored ones).
_STATES_ZH = {"pending": "待发送", "sent": "已发送", "failed": "失败待重试", "dead": "已放弃"}


@notify.command("status")
@pass_context
@zh("按状态统计发件箱中的条目，并显示等待最久的一条。")
def status(ctx: CliContext) -> None:
    """Count the outbox items per status and show the oldest one still waiting."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        result = summary(session)
    for name, count in result.counts.items():
        click.echo(t(f"{name:8} {count}", f"{_STATES_ZH.get(name, name)}（{name}） {count}"))
    oldest, following = _when(result.oldest_waiting_created_at), _when(result.next_attempt_at)
    click.echo(t(f"oldest waiting since: {oldest}", f"等待最久的始于：{oldest}"))
    click.echo(t(f"next attempt due at:  {following}", f"下次尝试时间：  {following}"))


@notify.command("retry-dead")
@pass_context
@zh("把所有放弃了的通知重新排队，尝试次数清零。")
def retry_dead_command(ctx: CliContext) -> None:
    """Queue every dead notification again, with its attempts reset."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        count = retry_dead(session)
    click.echo(t(f"queued {count} dead notifications again", f"重新排队了 {count} 条放弃了的通知"))
