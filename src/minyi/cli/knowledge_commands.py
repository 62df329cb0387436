"""``minyi knowledge``: search the knowledge base, rebuild its index, import and list articles."""

from __future__ import annotations

import json
from pathlib import Path

import click

from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import domain_message, t, zh
from minyi.core.errors import DomainError


@click.group()
@zh("知识库：相似的已答复案件和文章。")
def knowledge() -> None:
    """Knowledge base (知识库): similar answered cases and articles."""


@knowledge.command("search")
@click.argument("text", metavar=t("TEXT", "文字"))
@click.option("--top", default=5, show_default=True, help=t("How many hits.", "显示几条结果。"))
@click.option(
    "--public",
    is_flag=True,
    help=t(
        "Only what the public may read (public cases, articles).", "只查公众能看的内容（公开案件、文章）。"
    ),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help=t("Output format.", "输出格式。"),
)
@pass_context
@zh("找出最能回答 TEXT 的已答复案件和文章。")
def search(ctx: CliContext, text: str, top: int, public: bool, fmt: str) -> None:
    """Answered cases and articles that best answer TEXT."""
    from minyi.knowledge import search as knowledge_search  # local: Tantivy loads when needed

    database = ctx.require_current_schema()
    try:
        with database.transaction() as session:
            hits = knowledge_search.search(session, ctx.settings, text, top=top, public_only=public)
    except DomainError as exc:
        raise click.ClickException(domain_message(exc.message)) from exc
    if fmt == "json":
        click.echo(json.dumps([hit.as_dict() for hit in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo(t("no similar answer found", "没有找到相似的答复"))
    for number, hit in enumerate(hits, 1):
        where = " · ".join(part for part in (hit.department, hit.date, hit.number) if part)
        score = f"{hit.score:.2f}"
        click.echo(
            t(
                f"{number}. [{hit.source}] {hit.title}  ({where}; score {score})",
                f"{number}. [{hit.source}] {hit.title}  （{where}；得分 {score}）",
            )
        )
        click.echo(f"   {hit.answer[:160]}")


@knowledge.command("reindex")
@pass_context
@zh("从数据库重建搜索索引（已答复案件和文章）。")
def reindex(ctx: CliContext) -> None:
    """Rebuild the search index from the database (answered cases and articles)."""
    from rich.progress import Progress  # local: see search

    from minyi.knowledge import search as knowledge_search

    database = ctx.require_current_schema()
    with database.read_session() as session, Progress(transient=True) as bar:
        task = bar.add_task(t("indexing", "正在索引"), total=None)
        written = knowledge_search.synchronise(
            session, ctx.settings, full=True, progress=lambda n: bar.advance(task, n)
        )
    click.echo(t(f"indexed {written} answered cases and articles", f"已索引 {written} 个已答复案件和文章"))


@knowledge.command("import")
@click.argument(
    "file", metavar=t("FILE", "文件"), type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@pass_context
@zh("从文件导入文章：CSV/XLSX（title、body、department……列）或 Markdown（# 标题）。")
def import_articles(ctx: CliContext, file: Path) -> None:
    """Import articles from FILE: CSV/XLSX (title, body, department, …) or Markdown (# title)."""
    from minyi.knowledge import articles  # local: see search

    database = ctx.require_current_schema()
    try:
        with database.transaction() as session:
            saved = articles.import_articles(session, file)
            count = len(saved)
    except DomainError as exc:
        raise click.ClickException(domain_message(exc.message)) from exc
    click.echo(
        t(
            f"{count} articles created or changed from {file.name} (the others were stored already)",
            f"从 {file.name} 新建或更改了 {count} 篇文章（其余的已经存在）",
        )
    )


@knowledge.command("articles")
@click.option("--all", "show_all", is_flag=True, help=t("Expired articles too.", "也列出已失效的文章。"))
@pass_context
@zh("列出有效的文章（加 --all 时也列出已失效的）。")
def list_articles(ctx: CliContext, show_all: bool) -> None:
    """List the articles in force (with --all, the expired ones too)."""
    from datetime import UTC, datetime

    from minyi.core import localtime
    from minyi.knowledge import articles

    database = ctx.require_current_schema()
    today = localtime.local_date(datetime.now(UTC))
    with database.read_session() as session:
        for article in articles.list_articles(session, on=today, include_expired=show_all):
            until = article.valid_to.isoformat() if article.valid_to else "—"
            department = article.department.name if article.department else ""
            valid = t(f"until {until}", f"有效至 {until}")
            click.echo(f"{article.id}  v{article.version}  {article.title}  [{department}] {valid}")
