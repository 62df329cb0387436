"""``minyi stats``: the pre-aggregated figures of the public dashboard."""

from __future__ import annotations

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from minyi.accountability.refresh import refresh as run_refresh
from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import t, zh


@click.group()
@zh("公开看板数据：刷新预先汇总的成绩单。")
def stats() -> None:
    """Public dashboard figures: refresh the pre-aggregated scorecard."""


@stats.command("refresh")
@click.option(
    "--full",
    is_flag=True,
    help=t(
        "Recompute every month, not only those changed since the last run.",
        "重算所有月份，而不只是上次以来有变化的月份。",
    ),
)
@pass_context
@zh("重算上次运行以来案件有变化的月份的成绩单（或全部月份）。")
def refresh(ctx: CliContext, full: bool) -> None:
    """Recompute the scorecard of the months whose cases changed since the last run (or all)."""
    database = ctx.require_current_schema()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(t("counting cases", "正在统计案件"), total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        with database.transaction() as session:
            report = run_refresh(
                session, full=full, sign_for_hours=ctx.settings.sign_for_hours, progress=progress
            )
    kind = t("full", "全量") if report.full else t("incremental", "增量")
    months = ", ".join(report.months[:6]) + (" …" if len(report.months) > 6 else "")  # noqa: PLR2004
    click.echo(
        t(
            f"scorecard refreshed ({kind}): {len(report.months)} months{f' ({months})' if months else ''}, "
            f"{report.cases} cases, {report.cells} rows in {report.seconds:.1f} s",
            f"成绩单已刷新（{kind}）：{len(report.months)} 个月{f'（{months}）' if months else ''}，"
            f"{report.cases} 个案件，{report.cells} 行，用时 {report.seconds:.1f} 秒",
        )
    )
