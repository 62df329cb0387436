"""``minyi import`` and ``minyi categories``: bulk files in."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from minyi.cli.context import CliContext, pass_context, timezone_option
from minyi.departments.services import CategoryImportError, import_category_tree
from minyi.flows.imports import ImportReport, ImportValidationError
from minyi.flows.imports import import_messages as run_import
from minyi.interop.tabular import ImportFileError, read_rows


def _parse_pairs(pairs: tuple[str, ...], option: str) -> dict[str, str]:
    parsed = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint=option)
        parsed[name.strip()] = value.strip()
    return parsed


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Map a field to a column, e.g. body=内容."
)
@click.option("--source", help="Source name (default: the file name); re-imports of a source skip known ids.")
@click.option("--encoding", help="Text encoding (default: UTF-8, else GB18030).")
@click.option("--sheet", help="XLSX sheet name (default: the first).")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows and report the others.")
@click.option(
    "--rejects", type=click.Path(dir_okay=False, path_type=Path), help="Write invalid rows here (CSV)."
)
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@click.option(
    "--layout",
    help="A preset layout (附件2, 附件3, 附件4, minyi) or 'generic' (default: detected from the header).",
)
@timezone_option
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 50_000))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_context
def import_messages(
    ctx: CliContext,
    path: Path,
    maps: tuple[str, ...],
    source: str | None,
    encoding: str | None,
    sheet: str | None,
    skip_invalid: bool,
    rejects: Path | None,
    dry_run: bool,
    layout: str | None,
    tz: str,
    batch_size: int,
    as_json: bool,
) -> None:
    """Import messages or public posts from a CSV, XLSX or JSONL file."""
    database = ctx.require_current_schema()
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, transient=True, disable=as_json) as bar:
        task = bar.add_task(f"importing {path.name}", total=None)
        try:
            report = run_import(
                database,
                path,
                key=ctx.settings.effective_secret_key,
                source=source,
                mapping=_parse_pairs(maps, "--map"),
                encoding=encoding,
                sheet=sheet,
                skip_invalid=skip_invalid,
                rejects=rejects,
                dry_run=dry_run,
                batch_size=batch_size,
                tz=tz,
                progress=lambda n: bar.update(task, completed=n),
                settings=ctx.settings,
                layout=layout,
            )
        except (ImportFileError, ImportValidationError) as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, default=str))
    else:
        _echo_report(report, dry_run=dry_run)


def _echo_report(report: ImportReport, *, dry_run: bool) -> None:
    """The import's report as lines of text: the counts, then the first 20 invalid rows."""
    click.echo(f"layout: {report.layout_label}")
    if report.extra_columns:
        click.echo(f"columns ignored: {', '.join(report.extra_columns)}")
    click.echo(
        f"{report.rows_read} rows read, {report.imported} {'would be imported' if dry_run else 'imported'}, "
        f"{report.duplicates} already known, "
        f"{len(report.invalid)} invalid, {report.failed_processing} failed processing, "
        f"{report.replies} historical replies "
        f"({report.elapsed_seconds:.1f}s)"
    )
    for err in report.invalid[:20]:
        click.echo(f"  row {err.row}, field {err.field}: {err.message}")
    for warning in report.warnings:  # e.g. no id column: running it again stores the rows twice
        click.echo(f"warning: {warning}", err=True)


@click.group()
def categories() -> None:
    """Manage the category tree."""


@categories.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--department",
    "departments",
    multiple=True,
    metavar="CATEGORY=CODE",
    help="Default department of a category.",
)
@pass_context
def import_categories(ctx: CliContext, path: Path, departments: tuple[str, ...]) -> None:
    """Import a 3-level tree from CSV/XLSX with columns 一级分类, 二级分类, 三级分类."""
    database = ctx.require_current_schema()
    try:
        table = read_rows(path)
        rows = [{k: "" if v is None else str(v) for k, v in row.items()} for _, row in table.rows]
        with database.transaction() as session:
            result = import_category_tree(session, rows, _parse_pairs(departments, "--department"))
    except (ImportFileError, CategoryImportError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{result.created} categories created, {result.existing} already present")
