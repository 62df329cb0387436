"""``minyi export``: cases with their messages, replies and events out, as CSV, XLSX or JSONL."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import click

from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import domain_message, t, zh

FORMATS = ("csv", "xlsx", "jsonl")


@click.command("export")
@click.option(
    "--format",
    "export_format",
    type=click.Choice(FORMATS),
    required=True,
    help=t("The file format.", "文件格式。"),
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help=t("The file to write.", "要写入的文件。"),
)
@click.option(
    "--from",
    "date_from",
    type=click.DateTime(["%Y-%m-%d"]),
    help=t("Cases opened on or after DATE.", "该日期当天或之后立案的案件。"),
)
@click.option(
    "--to",
    "date_to",
    type=click.DateTime(["%Y-%m-%d"]),
    help=t("Cases opened on or before DATE.", "该日期当天或之前立案的案件。"),
)
@click.option(
    "--department",
    metavar=t("CODE", "部门代码"),
    help=t("One department's cases (its code).", "一个部门的案件（按部门代码）。"),
)
@click.option(
    "--category",
    metavar=t("ID|CODE", "ID|编码"),
    help=t("One category's cases (its id or 分类编码).", "一个分类的案件（按分类 id 或分类编码）。"),
)
@click.option(
    "--status",
    metavar=t("S", "状态"),
    help=t("Cases in this status (received … closed).", "处于该状态的案件（received … closed）。"),
)
@click.option(
    "--full",
    is_flag=True,
    help=t("Personal data in clear (admins only; audited).", "导出不打码的个人数据（仅管理员；记入审计）。"),
)
@click.option(
    "--as",
    "username",
    metavar=t("USERNAME", "用户名"),
    help=t("Export with this staff user's permissions.", "按这个工作人员的权限导出。"),
)
@click.option(
    "--readable",
    is_flag=True,
    help=t(
        "A reader's version for Excel (CSV or XLSX): words and local times; minyi restore cannot read it.",
        "供阅读的版本（CSV 或 XLSX）：状态等用文字、时间用本地时间；不能用 minyi restore 恢复。",
    ),
)
@click.option("--json", "as_json", is_flag=True, help=t("Print the report as JSON.", "以 JSON 输出报告。"))
@pass_context
@zh("把案件连同留言、答复和事件导出为 CSV、XLSX 或 JSONL。")
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
    readable: bool,
    as_json: bool,
) -> None:
    """Export cases with their messages, replies and events as CSV, XLSX or JSONL."""
    from sqlalchemy import select  # local: the database layer loads when the command runs

    from minyi.accounts.models import User
    from minyi.core.errors import DomainError
    from minyi.flows.export import ExportFilters, ExportFormat, plan_export, record_export, write_export

    if readable and export_format == "jsonl":
        raise click.UsageError(
            t("--readable writes CSV or XLSX, for people", "--readable 只写 CSV 或 XLSX（供人阅读）")
        )
    if full and not username:
        raise click.UsageError(
            t("--full needs --as USERNAME (an administrator)", "--full 需要 --as 用户名（一位管理员）")
        )
    database = ctx.require_current_schema()
    filters = ExportFilters(_day(date_from), _day(date_to), department, category, status)
    fmt = ExportFormat(export_format)
    started = time.perf_counter()
    with database.session() as session:
        user = session.scalar(select(User).where(User.username == username)) if username else None
        if username and (user is None or not user.is_active):
            raise click.ClickException(t(f"no active user {username!r}", f"没有启用中的用户 {username!r}"))
        try:
            plan = plan_export(session, user, filters, full=full)
        except DomainError as exc:
            raise click.ClickException(domain_message(str(exc))) from exc
        if readable:
            from minyi.flows.export_readable import write_readable

            words = _words()
            cases = _write_whole(out, lambda handle: write_readable(session, plan, handle, fmt, words))
        else:
            cases = _write_whole(out, lambda handle: write_export(session, plan, handle, fmt))
        record_export(session, plan, actor=username or "cli", user=user, export_format=fmt, cases=cases)
        session.commit()
    elapsed = round(time.perf_counter() - started, 3)
    report = {"out": str(out), "format": fmt.value, "cases": cases, "full": full, "elapsed_seconds": elapsed}
    _say(report | ({"readable": True} if readable else {}), as_json=as_json)


def _say(report: dict[str, Any], *, as_json: bool) -> None:
    """The export's report: JSON, or a line (and, for the reader's version, that it cannot be restored)."""
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    cases, out, fmt, elapsed = report["cases"], report["out"], report["format"], report["elapsed_seconds"]
    mode = t("in full", "不打码") if report["full"] else t("masked", "已打码")
    click.echo(
        t(
            f"{cases} cases exported to {out} ({fmt}, {mode}, {elapsed}s)",
            f"已导出 {cases} 个案件到 {out}（{fmt}，{mode}，{elapsed} 秒）",
        )
    )
    if report.get("readable"):
        click.echo(
            t(
                "A reader's version: minyi restore cannot read it "
                "(export without --readable to keep a restorable file).",
                "这是供阅读的版本，不能用 minyi restore 恢复（需要可恢复的文件时请不加 --readable 导出）。",
            )
        )


def _words() -> Any:
    """The pages' words for statuses, kinds, channels and events, in this command line's language."""
    from minyi.cases.lifecycle import LABELS
    from minyi.cases.models import CaseStatus
    from minyi.cli.i18n import cli_language
    from minyi.flows.export_readable import Words
    from minyi.web import i18n
    from minyi.web.labels import channel_label, event_label

    language = cli_language()
    index = 1 if language == "en" else 0

    def status(code: str) -> str:
        try:
            return LABELS[CaseStatus(code)][index]
        except ValueError:
            return code

    return Words(
        language=language,
        status=status,
        kind=lambda code: i18n.translate(f"appeal.{code}", language),
        channel=lambda code: channel_label(code, language),
        event=lambda code: event_label(code, language),
    )


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
        raise click.ClickException(
            t(f"{out}: cannot be written ({exc.strerror})", f"{out}：无法写入（{exc.strerror}）")
        ) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@click.command("restore")
@click.argument(
    "path", metavar=t("FILE", "文件"), type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--source",
    help=t(
        "The source name given to `minyi import` (default: the file name, as the import's).",
        "导入时给 `minyi import` 的来源名称（默认：文件名，与导入时相同）。",
    ),
)
@click.option("--json", "as_json", is_flag=True, help=t("Print the report as JSON.", "以 JSON 输出报告。"))
@pass_context
@zh("在 `minyi import` 读入一份 Minyi 导出文件之后，恢复其中案件的状态、答复和编号。")
def restore_cases(ctx: CliContext, path: Path, source: str | None, as_json: bool) -> None:
    """Restore the cases of a Minyi export (statuses, replies, numbers) after `minyi import` read it."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from minyi.flows.restore import restore_cases as run_restore  # local: see export_cases
    from minyi.interop.tabular import ImportFileError

    database = ctx.require_current_schema()
    counted = TextColumn(
        t("{task.description}: {task.completed} cases", "{task.description}：{task.completed} 个案件")
    )
    columns = (SpinnerColumn(), counted, TimeElapsedColumn())
    try:
        with Progress(*columns, transient=True, disable=as_json) as bar:
            task = bar.add_task(t("restoring", "正在恢复"), total=None)
            report = run_restore(
                database, path, source=source, progress=lambda done: bar.update(task, completed=done)
            )
    except (ImportFileError, ValueError) as exc:
        raise click.ClickException(domain_message(str(exc))) from exc
    counts = {**report.__dict__, "kept": list(report.kept)}
    _audit_restore(database, path, counts)
    if as_json:
        click.echo(json.dumps(counts))
        return
    click.echo(
        t(
            f"{report.cases} cases restored, {report.replies} replies added, "
            f"{report.missing_messages} messages not found (import the file first)",
            f"恢复了 {report.cases} 个案件，添加了 {report.replies} 条答复，"
            f"{report.missing_messages} 条留言没有找到（请先导入该文件）",
        )
    )
    if report.kept:
        _say_kept(report.kept)


#: The kept cases' numbers printed (the report lists them all; the trail keeps the first ones).
KEPT_SHOWN = 20


def _say_kept(kept: tuple[str, ...]) -> None:
    """Name the cases the file emptied that were kept for their history, and what to do."""
    shown = ", ".join(kept[:KEPT_SHOWN]) + (" …" if len(kept) > KEPT_SHOWN else "")
    word = "case" if len(kept) == 1 else "cases"
    click.echo(
        t(
            f"{len(kept)} {word} kept, not deleted: {shown}. The file moved all their messages to "
            "other cases, but staff or citizens had worked on them. Check that the file is the "
            "export you meant; if it is, 并案 each into the case now holding its messages.",
            f"{len(kept)} 个案件保留未删除：{shown}。该文件把它们的留言全部移到了其他案件，"
            "但工作人员或群众已经处理过这些案件。请核对文件是否正确；如果正确，请把它们并案到"
            "现在存放其留言的案件。",
        ),
        err=True,
    )


def _audit_restore(database: Any, path: Path, counts: dict[str, Any]) -> None:
    """The restore in the audit trail: it rewrites cases' statuses and replies (thirteenth probe)."""
    from minyi.audit import services as audit  # local: the command line starts without the models

    details = {**counts, "kept": list(counts.get("kept", []))[:KEPT_SHOWN]}
    with database.transaction() as session:
        audit.record_by(session, audit.RESTORE, None, subject=path.name[:300], details=details)
