"""``minyi search``: the public answer search from the command line, and rebuilding its index."""

from __future__ import annotations

import json

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select

from minyi.accountability import search_index
from minyi.accountability.search import parse_query
from minyi.accountability.search import search as run_search
from minyi.cases import word_index
from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import domain_message, t, zh
from minyi.core.errors import InvalidInput
from minyi.departments.models import Department


@click.group()
@zh("搜索公开答复，重建搜索索引（公开答复、工作人员用词）。")
def search() -> None:
    """Search public answers, and rebuild the search indexes (public answers, staff words)."""


@search.command()
@click.option(
    "--batch",
    default=search_index.BATCH,
    show_default=True,
    type=click.IntRange(10, 10_000),
    help=t("Rows read at a time.", "每次读取的行数。"),
)
@pass_context
@zh("重建公开答复索引和工作人员用词索引（在一个事务中；重建期间读者仍用旧索引）。")
def reindex(ctx: CliContext, batch: int) -> None:
    """Rebuild the public answers' index and the staff word index (one transaction; readers keep the old)."""
    database = ctx.require_current_schema()
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with database.transaction() as session, Progress(*columns, transient=True) as bar:
        task = bar.add_task(
            t("indexing public answers", "正在索引公开答复"), total=search_index.listed_count(session)
        )
        total = search_index.reindex(session, batch=batch, progress=lambda n: bar.advance(task, n))
        words = bar.add_task(
            t("indexing the words of every case", "正在索引每个案件的用词"),
            total=word_index.case_count(session),
        )
        cases = word_index.reindex(session, batch=batch, progress=lambda n: bar.advance(words, n))
    click.echo(t(f"{total} public answers indexed", f"已索引 {total} 条公开答复"))
    click.echo(
        t(f"{cases} cases indexed for the staff word search", f"已为工作人员用词搜索索引 {cases} 个案件")
    )


@search.command(name="query")
@click.argument("words", required=False, default="", metavar=t("[WORDS]", "[关键词]"))
@click.option(
    "--code", default="", help=t("A tracking code: its one public case.", "查询码：它对应的那个公开案件。")
)
@click.option("--department", default="", help=t("Department code.", "部门代码。"))
@click.option(
    "--status", default="", help=t("replied, follow_up or closed.", "replied、follow_up 或 closed。")
)
@click.option(
    "--from",
    "date_from",
    default="",
    help=t("Received on or after (YYYY-MM-DD).", "在该日期当天或之后收到（YYYY-MM-DD）。"),
)
@click.option(
    "--to",
    "date_to",
    default="",
    help=t("Received on or before (YYYY-MM-DD).", "在该日期当天或之前收到（YYYY-MM-DD）。"),
)
@click.option("--size", default="10", help=t("Hits to show (1–100).", "显示的结果条数（1–100）。"))
@pass_context
@zh("搜索公开答复（已打码），每条结果输出一行 JSON。")
def query(
    ctx: CliContext,
    words: str,
    code: str,
    department: str,
    status: str,
    date_from: str,
    date_to: str,
    size: str,
) -> None:
    """Search public answers (masked) and print the hits as JSON lines."""
    params = {"q": words, "code": code, "department": department, "status": status, "size": size}
    params |= {"from": date_from, "to": date_to}
    database = ctx.require_current_schema()
    with database.transaction() as session:
        if department and session.scalar(select(Department.id).where(Department.code == department)) is None:
            raise click.BadParameter(
                t(f"no department with the code {department!r}", f"没有代码为 {department!r} 的部门"),
                param_hint="--department",
            )
        try:
            result = run_search(session, parse_query(params))
        except InvalidInput as exc:  # the option is named once, by click
            said = exc.message.removeprefix(f"{exc.field}: ") if exc.field else exc.message
            said = domain_message(said)
            raise click.BadParameter(said, param_hint=f"--{exc.field}" if exc.field else None) from None
        found = result.total if not result.more else f">{result.total - 1}"
        click.echo(t(f"{found} found", f"找到 {found} 条"), err=True)
        for hit in result.hits:
            click.echo(json.dumps(hit.to_dict(), ensure_ascii=False))
