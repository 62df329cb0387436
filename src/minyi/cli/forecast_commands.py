"""``minyi forecast``: next weeks' message volume per category or region, with its backtest error."""

from __future__ import annotations

import json
from datetime import date

import click

from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import domain_message, t, zh

TOTAL_LABEL = "总量 total"


def _end(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            t(f"expected YYYY-MM-DD, got {value!r}", f"应写成 YYYY-MM-DD，实际是 {value!r}"),
            param_hint="--end",
        ) from None


def _number(value: float | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value:g}{suffix}"


@click.command("forecast")
@click.option(
    "--weeks",
    type=click.IntRange(1, 12),
    default=4,
    show_default=True,
    help=t("Weeks to forecast.", "预测几周。"),
)
@click.option(
    "--by",
    type=click.Choice(["category", "region"]),
    default="category",
    show_default=True,
    help=t("Grouping.", "分组方式。"),
)
@click.option(
    "--end",
    "end_text",
    metavar=t("DATE", "日期"),
    help=t("Forecast from the week of DATE (default: now).", "从该日期所在的周起预测（默认：现在）。"),
)
@click.option(
    "--limit",
    type=click.IntRange(1, 100),
    default=12,
    show_default=True,
    help=t("Busiest keys shown.", "显示留言最多的前几项。"),
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help=t("Output format.", "输出格式。"),
)
@pass_context
@zh("按分类或地区预测每周留言量，并给出回测误差。")
def forecast(ctx: CliContext, weeks: int, by: str, end_text: str | None, limit: int, output: str) -> None:
    """Forecast weekly message volume per category or region, with its backtest error."""
    from minyi.accountability.forecast import forecast_weekly  # local: numpy loads when the command runs
    from minyi.core.errors import InvalidInput

    end = _end(end_text)
    database = ctx.require_current_schema()
    try:
        with database.transaction() as session:
            report = forecast_weekly(session, by=by, weeks=weeks, end=end, limit=limit)  # type: ignore[arg-type]
    except InvalidInput as exc:  # a date out of range: one line naming --end, no traceback
        raise click.BadParameter(
            domain_message(exc.message.removeprefix("end: ")), param_hint="--end"
        ) from None
    if output == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    weeks_text = "  ".join(
        f"{w:%m-%d}({d})" for w, d in zip(report.forecast_weeks, report.working_days, strict=True)
    )
    history = len(report.history_weeks)
    click.echo(
        t(
            f"forecast by {by}, {history} weeks of history; weeks (working days): {weeks_text}",
            f"按 {by} 预测，历史 {history} 周；各周（工作日数）：{weeks_text}",
        )
    )
    click.echo(f"{'':24} {'forecast':>32}   {'MASE':>5} {'MAPE':>6} | naive MASE  seasonal-naive MASE")
    for series in report.series:
        label = series.label or TOTAL_LABEL
        values = " ".join(f"{v:7.1f}" for v in series.values)
        naive, seasonal = series.baselines
        note = t("  (short history: mean)", "  （历史太短：取平均）") if series.note else ""
        errors = f"{_number(series.error.mase):>5} {_number(series.error.mape, '%'):>6}"
        baselines = f"{_number(naive.mase):>10}  {_number(seasonal.mase):>18}"
        click.echo(f"{label[:24]:24} {values:>32}   {errors} | {baselines}{note}")
