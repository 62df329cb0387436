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
from minyi.core.errors import InvalidInput
from minyi.departments.models import Department


@click.group()
def search() -> None:
    """Search public answers, and rebuild the search indexes (public answers, staff words)."""


@search.command()
@click.option("--batch", default=search_index.BATCH, show_default=True, type=click.IntRange(10, 10_000))
@pass_context
def reindex(ctx: CliContext, batch: int) -> None:
    """Rebuild the public answers' index and the staff word index (one transaction; readers keep the old)."""
    database = ctx.require_current_schema()
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with database.transaction() as session, Progress(*columns, transient=True) as bar:
        task = bar.add_task("indexing public answers", total=search_index.listed_count(session))
        total = search_index.reindex(session, batch=batch, progress=lambda n: bar.advance(task, n))
        words = bar.add_task("indexing the words of every case", total=word_index.case_count(session))
        cases = word_index.reindex(session, batch=batch, progress=lambda n: bar.advance(words, n))
    click.echo(f"{total} public answers indexed")
    click.echo(f"{cases} cases indexed for the staff word search")


@search.command(name="query")
@click.argument("words", required=False, default="")
@click.option("--code", default="", help="A tracking code: its one public case.")
@click.option("--department", default="", help="Department code.")
@click.option("--status", default="", help="replied, follow_up or closed.")
@click.option("--from", "date_from", default="", help="Received on or after (YYYY-MM-DD).")
@click.option("--to", "date_to", default="", help="Received on or before (YYYY-MM-DD).")
@click.option("--size", default="10", help="Hits to show (1–100).")
@pass_context
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
            raise click.BadParameter(f"no department with the code {department!r}", param_hint="--department")
        try:
            result = run_search(session, parse_query(params))
        except InvalidInput as exc:  # the option is named once, by click
            said = exc.message.removeprefix(f"{exc.field}: ") if exc.field else exc.message
            raise click.BadParameter(said, param_hint=f"--{exc.field}" if exc.field else None) from None
        click.echo(f"{result.total if not result.more else f'>{result.total - 1}'} found", err=True)
        for hit in result.hits:
            click.echo(json.dumps(hit.to_dict(), ensure_ascii=False))
