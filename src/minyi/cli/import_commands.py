"""``minyi import`` and ``minyi categories``: bulk files in."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from minyi.audit import services as audit
from minyi.cli.context import CliContext, pass_context, timezone_option
from minyi.cli.i18n import domain_message, t, zh
from minyi.db.session import Database
from minyi.departments.services import CategoryImportError, import_category_tree, record_categories
from minyi.flows.imports import ImportReport, ImportValidationError
from minyi.flows.imports import import_messages as run_import
from minyi.interop.presets import LAYOUT_TITLES
from minyi.interop.tabular import ImportFileError, read_rows


def _parse_pairs(pairs: tuple[str, ...], option: str) -> dict[str, str]:
    parsed = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise click.BadParameter(
                t(f"expected NAME=VALUE, got {pair!r}", f"应写成 名称=值，实际是 {pair!r}"), param_hint=option
            )
        parsed[name.strip()] = value.strip()
    return parsed


@click.command("import")
@click.argument(
    "path", metavar=t("FILE", "文件"), type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar=t("FIELD=COLUMN", "字段=列名"),
    help=t("Map a field to a column, e.g. body=内容.", "把字段对应到一列，如 body=内容。"),
)
@click.option(
    "--source",
    help=t(
        "Source name (default: the file name); re-imports of a source skip known ids.",
        "来源名称（默认：文件名）；同一来源再次导入时跳过已有的编号。",
    ),
)
@click.option(
    "--encoding",
    help=t("Text encoding (default: UTF-8, else GB18030).", "文本编码（默认 UTF-8，不行再试 GB18030）。"),
)
@click.option("--sheet", help=t("XLSX sheet name (default: the first).", "XLSX 工作表名称（默认：第一张）。"))
@click.option(
    "--skip-invalid",
    is_flag=True,
    help=t("Import the valid rows and report the others.", "导入有效的行，报告其余的行。"),
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help=t("Write invalid rows here (CSV).", "把无效的行写到这个文件（CSV）。"),
)
@click.option("--dry-run", is_flag=True, help=t("Validate only; write nothing.", "只校验，不写入。"))
@click.option(
    "--layout",
    help=t(
        "A preset layout (附件2, 附件3, 附件4, minyi) or 'generic' (default: detected from the header).",
        "预设格式（附件2、附件3、附件4、minyi）或 'generic'（默认：按表头识别）。",
    ),
)
@timezone_option
@click.option(
    "--batch-size",
    default=500,
    show_default=True,
    type=click.IntRange(1, 50_000),
    help=t("Rows per transaction.", "每个事务写入的行数。"),
)
@click.option("--json", "as_json", is_flag=True, help=t("Print the report as JSON.", "以 JSON 输出报告。"))
@pass_context
@zh("从 CSV、XLSX 或 JSONL 文件导入留言或公开帖子。")
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
        task = bar.add_task(t(f"importing {path.name}", f"正在导入 {path.name}"), total=None)
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
            raise click.ClickException(domain_message(str(exc))) from exc
    if not dry_run:
        _audit(database, path, report)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, default=str))
    else:
        _echo_report(report, dry_run=dry_run)


#: How the command line signs its audit events (as `minyi user create` does).
COMMAND_LINE_ACTOR = "command line"


def _audit(database: Database, path: Path, report: ImportReport) -> None:
    """The import in the audit trail, as the import page's are.

    A file of messages brings personal data in; the page's imports were recorded, those
    of `minyi import` were not, so the trail did not say who brought 150 messages in.
    """
    with database.transaction() as session:
        audit.record(
            session,
            audit.IMPORT,
            actor=COMMAND_LINE_ACTOR,
            subject=path.name,
            details={
                "layout": report.layout or "generic",
                "status": "done",
                "rows_read": report.rows_read,
                "imported": report.imported,
                "invalid_rows": report.invalid_rows,
            },
        )


def _echo_report(report: ImportReport, *, dry_run: bool) -> None:
    """The import's report as lines of text: the counts, then the first 20 invalid rows."""
    title = LAYOUT_TITLES.get(report.layout or "generic", (report.layout_label,))[0]
    click.echo(t(f"layout: {report.layout_label}", f"格式：{title}"))
    if report.extra_columns:
        ignored = ", ".join(report.extra_columns)
        click.echo(t(f"columns ignored: {ignored}", f"忽略的列：{ignored}"))
    r = report
    click.echo(
        t(
            f"{r.rows_read} rows read, {r.imported} {'would be imported' if dry_run else 'imported'}, "
            f"{r.duplicates} already known, {len(r.invalid)} invalid, "
            f"{r.failed_processing} failed processing, "
            f"{r.replies} historical replies ({r.elapsed_seconds:.1f}s)",
            f"读取 {r.rows_read} 行，{'将导入' if dry_run else '导入'} {r.imported} 条，"
            f"已有 {r.duplicates} 条，"
            f"无效 {len(r.invalid)} 行，处理失败 {r.failed_processing} 条，历史答复 {r.replies} 条"
            f"（{r.elapsed_seconds:.1f} 秒）",
        )
    )
    if dry_run and r.replies:  # the operator learns before importing that these cases close
        click.echo(
            t(
                f"{r.replies} rows carry a reply (答复意见): their cases will be closed as answered",
                f"其中 {r.replies} 条带有答复意见：导入后作为历史答复保存，对应案件直接办结",
            )
        )
    for err in report.invalid[:20]:
        said = domain_message(err.message)
        click.echo(
            t(f"  row {err.row}, field {err.field}: {said}", f"  第 {err.row} 行，字段 {err.field}：{said}")
        )
    for warning in report.warnings:  # e.g. no id column: running it again stores the rows twice
        click.echo(t(f"warning: {warning}", f"警告：{domain_message(warning)}"), err=True)


@click.group()
@zh("管理分类树。")
def categories() -> None:
    """Manage the category tree."""


@categories.command("import")
@click.argument(
    "path", metavar=t("FILE", "文件"), type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--department",
    "departments",
    multiple=True,
    metavar=t("CATEGORY=CODE", "分类=部门代码"),
    help=t("Default department of a category.", "分类的默认承办部门。"),
)
@pass_context
@zh("从 CSV/XLSX 导入三级分类树，列为 一级分类、二级分类、三级分类。")
def import_categories(ctx: CliContext, path: Path, departments: tuple[str, ...]) -> None:
    """Import a 3-level tree from CSV/XLSX with columns 一级分类, 二级分类, 三级分类."""
    database = ctx.require_current_schema()
    try:
        table = read_rows(path)
        rows = [{k: "" if v is None else str(v) for k, v in row.items()} for _, row in table.rows]
        with database.transaction() as session:
            result = import_category_tree(session, rows, _parse_pairs(departments, "--department"))
            record_categories(session, path.name, result, by=None)
    except (ImportFileError, CategoryImportError) as exc:
        raise click.ClickException(domain_message(str(exc))) from exc
    click.echo(
        t(
            f"{result.created} categories created, {result.existing} already present",
            f"新建 {result.created} 个分类，已有 {result.existing} 个",
        )
    )
