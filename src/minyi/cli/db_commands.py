"""``minyi db``: migrate and check the schema."""

from __future__ import annotations

import click

from minyi.cli.context import CliContext, pass_context
from minyi.schema import migrate


@click.group()
def db() -> None:
    """Create, migrate and check the database schema."""


@db.command()
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@pass_context
def upgrade(ctx: CliContext, revision: str) -> None:
    """Bring the schema up to date (creates the SQLite file when needed)."""
    before = migrate.current_revision(ctx.database.engine)
    if before is not None and not migrate.is_known_revision(before):  # Alembic says only "can't locate"
        raise click.ClickException(migrate.schema_problem(ctx.database.engine) or before)
    migrate.upgrade(ctx.database.engine, revision)
    after = migrate.current_revision(ctx.database.engine)
    click.echo(f"database at revision {after}")
    if before is not None and before != after:  # not on a new database: nothing to rebuild
        click.echo(
            "then rebuild the public figures and search once (they can run while the server "
            "serves): `minyi stats refresh --full` and `minyi search reindex`"
        )


@db.command()
@pass_context
def check(ctx: CliContext) -> None:
    """Fail unless the schema is at the newest revision and matches the models."""
    current = migrate.current_revision(ctx.database.engine)
    if current is None:
        raise click.ClickException("the database is empty (no schema yet): run `minyi db upgrade`")
    problem = migrate.schema_problem(ctx.database.engine)
    if problem is not None:
        raise click.ClickException(problem)
    diffs = migrate.schema_differences(ctx.database.engine)
    if diffs:
        lines = "\n".join(f"  {d}" for d in diffs)
        raise click.ClickException(f"models and migrations disagree:\n{lines}")
    click.echo(f"ok: revision {current}, models and schema agree")


@db.command()
@pass_context
def current(ctx: CliContext) -> None:
    """Print the current revision."""
    click.echo(migrate.current_revision(ctx.database.engine) or "(empty database)")
