"""``minyi export``: cases with their messages, replies and events out, as CSV, XLSX or JSONL."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import IO

import click

from minyi.cli.context import CliContext, pass_context

FORMATS = ("csv", "xlsx", "jsonl")


@click.command("export")
@click.option("--format", "export_format", type=click.Choice(FORMATS), required=True, help="The file format.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The file to write."
)
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Cases opened on or after DATE.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Cases opened on or before DATE.")
@click.option("--department", metavar="CODE", help="One department's cases (its code).")
@click.option("--category", metavar="ID", help="One category's cases (its id).")
@click.option("--status", metavar="S", help="Cases in this status (received … closed).")
@click.option("--full", is_flag=True, help="Personal data in clear (admins only; audited).")
@click.option("--as", "username", metavar="USERNAME", help="Export with this staff user's permissions.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_context
def export_cases(
    ctx: CliContext,
    export_format: str,
    out: Path,
    date_from: datetime | None,
    date_to: datetime | None,
    department: str | None,
    category: str | None,
    status: str | None,
    full: bool,
    username: str | None,
    as_json: bool,
) -> None:
    """Export cases with their messages, replies and events as CSV, XLSX or JSONL."""
    from sqlalchemy import select  # local: the database layer loads when the command runs

    from minyi.accounts.models import User
    from minyi.core.errors import DomainError
    from minyi.flows.export import ExportFilters, ExportFormat, plan_export, record_export, write_export

    if full and not username:
        raise click.UsageError("--full needs --as USERNAME (an administrator)")
    database = ctx.require_current_schema()
    filters = ExportFilters(_day(date_from), _day(date_to), department, category, status)
    fmt = ExportFormat(export_format)
    started = time.perf_counter()
    with database.session() as session:
        user = session.scalar(select(User).where(User.username == username)) if username else None
        if username and (user is None or not user.is_active):
            raise click.ClickException(f"no active user {username!r}")
        try:
            plan = plan_export(session, user, filters, full=full)
        except DomainError as exc:
            raise click.ClickException(str(exc)) from exc
        cases = _write_whole(out, lambda handle: write_export(session, plan, handle, fmt))
        record_export(session, plan, actor=username or "cli", user=user, export_format=fmt, cases=cases)
        session.commit()
    elapsed = round(time.perf_counter() - started, 3)
    report = {"out": str(out), "format": fmt.value, "cases": cases, "full": full, "elapsed_seconds": elapsed}
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        mode = "in full" if full else "masked"
        click.echo(f"{cases} cases exported to {out} ({fmt.value}, {mode}, {report['elapsed_seconds']}s)")


def _write_whole(out: Path, write: Callable[[IO[bytes]], int]) -> int:
    """Run ``write`` into ``out.part``, then rename it to ``out``: no half-written file is left.

    Returns what ``write`` returns (the number of cases written).
    """
    partial = out.with_name(out.name + ".part")
    try:
        with partial.open("wb") as handle:
            written = write(handle)
        partial.replace(out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"{out}: cannot be written ({exc.strerror})") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--source", help="The source name given to `minyi import` (default: the file name, as the import's)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_context
def restore_cases(ctx: CliContext, path: Path, source: str | None, as_json: bool) -> None:
    """Restore the cases of a Minyi export (statuses, replies, numbers) after `minyi import` read it."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from minyi.flows.restore import restore_cases as run_restore  # local: see export_cases
    from minyi.interop.tabular import ImportFileError

    database = ctx.require_current_schema()
    columns = (SpinnerColumn(), TextColumn("{task.description}: {task.completed} cases"), TimeElapsedColumn())
    try:
        with Progress(*columns, transient=True, disable=as_json) as bar:
            task = bar.add_task("restoring", total=None)
            report = run_restore(
                database, path, source=source, progress=lambda done: bar.update(task, completed=done)
            )
    except (ImportFileError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report.__dict__))
        return
    click.echo(
        f"{report.cases} cases restored, {report.replies} replies added, "
        f"{report.missing_messages} messages not found (import the file first)"
    )
