"""``minyi knowledge``: search the knowledge base, rebuild its index, import and list articles."""

from __future__ import annotations

import json
from pathlib import Path

import click

from minyi.cli.context import CliContext, pass_context
from minyi.core.errors import DomainError


@click.group()
def knowledge() -> None:
    """Knowledge base (知识库): similar answered cases and articles."""


@knowledge.command("search")
@click.argument("text")
@click.option("--top", default=5, show_default=True, help="How many hits.")
@click.option("--public", is_flag=True, help="Only what the public may read (public cases, articles).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_context
def search(ctx: CliContext, text: str, top: int, public: bool, fmt: str) -> None:
    """Answered cases and articles that best answer TEXT."""
    from minyi.knowledge import search as knowledge_search  # local: Tantivy loads when needed

    database = ctx.require_current_schema()
    try:
        with database.transaction() as session:
            hits = knowledge_search.search(session, ctx.settings, text, top=top, public_only=public)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    if fmt == "json":
        click.echo(json.dumps([hit.as_dict() for hit in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("没有找到相似的答复 (no similar answer found)")
    for number, hit in enumerate(hits, 1):
        where = " · ".join(part for part in (hit.department, hit.date, hit.number) if part)
        click.echo(f"{number}. [{hit.source}] {hit.title}  ({where}; score {hit.score:.2f})")
        click.echo(f"   {hit.answer[:160]}")


@knowledge.command("reindex")
@pass_context
def reindex(ctx: CliContext) -> None:
    """Rebuild the search index from the database (answered cases and articles)."""
    from rich.progress import Progress  # local: see search

    from minyi.knowledge import search as knowledge_search

    database = ctx.require_current_schema()
    with database.read_session() as session, Progress(transient=True) as bar:
        task = bar.add_task("索引 indexing", total=None)
        written = knowledge_search.synchronise(
            session, ctx.settings, full=True, progress=lambda n: bar.advance(task, n)
        )
    click.echo(f"indexed {written} answered cases and articles")


@knowledge.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_context
def import_articles(ctx: CliContext, file: Path) -> None:
    """Import articles from FILE: CSV/XLSX (title, body, department, …) or Markdown (# title)."""
    from minyi.knowledge import articles  # local: see search

    database = ctx.require_current_schema()
    try:
        with database.transaction() as session:
            saved = articles.import_articles(session, file)
            count = len(saved)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"{count} articles created or changed from {file.name} (the others were stored already)")


@knowledge.command("articles")
@click.option("--all", "show_all", is_flag=True, help="Expired articles too.")
@pass_context
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
            click.echo(f"{article.id}  v{article.version}  {article.title}  [{department}] until {until}")
