"""``minyi cases``: the periodic jobs of the case workflow."""

from __future__ import annotations

import click

from minyi.cases import notices, workflow
from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import t, zh


@click.group()
@zh("案件的定期任务：期限提醒与升级、未答复的回访。")
def cases() -> None:
    """Periodic case jobs: deadline reminders and escalation, unanswered follow-ups."""


@cases.command("remind")
@click.option(
    "--soon-hours",
    default=None,
    type=click.FloatRange(1, 720),
    help=t(
        "Remind this many clock hours before the deadline (default: within two working days).",
        "在期限前这么多个钟点提醒（默认：期限前两个工作日内）。",
    ),
)
@pass_context
@zh("期限之前给承办部门排队发提醒，把超期案件升级给督办人员。")
def remind(ctx: CliContext, soon_hours: float | None) -> None:
    """Queue reminders to departments before deadlines and escalate overdue cases to supervisors."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        reminders, escalations = notices.remind(session, soon_hours=soon_hours)
    click.echo(
        t(
            f"queued {reminders} reminders and {escalations} escalations (sent by `minyi notify run`)",
            f"已排队 {reminders} 条提醒和 {escalations} 条升级（由 `minyi notify run` 发出）",
        )
    )


@cases.command("follow-ups")
@pass_context
@zh("关闭没有人按时答复的回访，记为未联系上。")
def follow_ups(ctx: CliContext) -> None:
    """Close follow-ups (回访) nobody answered in time, recorded as not reached."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        closed = workflow.sweep_follow_ups(session)
    click.echo(
        t(
            f"closed {closed} unanswered follow-ups as not reached",
            f"关闭了 {closed} 个未答复的回访，记为未联系上",
        )
    )
