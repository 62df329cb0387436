"""``minyi db``: migrate and check the schema."""

from __future__ import annotations

import click

from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import t, zh
from minyi.schema import migrate


@click.group()
@zh("创建、迁移和检查数据库结构。")
def db() -> None:
    """Create, migrate and check the database schema."""


@db.command()
@click.option("--revision", default="head", show_default=True, help=t("Target revision.", "目标版本。"))
@pass_context
@zh("把数据库结构升级到最新（需要时创建 SQLite 文件）。")
def upgrade(ctx: CliContext, revision: str) -> None:
    """Bring the schema up to date (creates the SQLite file when needed)."""
    before = migrate.current_revision(ctx.database.engine)
    if before is not None and not migrate.is_known_revision(before):  # Alembic says only "can't locate"
        raise click.ClickException(migrate.schema_problem(ctx.database.engine) or before)
    migrate.upgrade(ctx.database.engine, revision)
    after = migrate.current_revision(ctx.database.engine)
    click.echo(t(f"database at revision {after}", f"数据库结构版本：{after}"))
    if before is not None and before != after:  # not on a new database: nothing to rebuild
        click.echo(
            t(
                "then rebuild the public figures and search once (they can run while the server "
                "serves): `minyi stats refresh --full` and `minyi search reindex`",
                "接着请重建一次公开数据和搜索索引（服务运行时也可以做）："
                "`minyi stats refresh --full` 和 `minyi search reindex`",
            )
        )


@db.command()
@pass_context
@zh("检查数据库结构：不是最新版本或与模型不一致时报错。")
def check(ctx: CliContext) -> None:
    """Fail unless the schema is at the newest revision and matches the models."""
    current = migrate.current_revision(ctx.database.engine)
    if current is None:
        raise click.ClickException(
            t(
                "the database is empty (no schema yet): run `minyi db upgrade`",
                "数据库是空的（还没有表结构）：请运行 `minyi db upgrade`",
            )
        )
    problem = migrate.schema_problem(ctx.database.engine)
    if problem is not None:
        raise click.ClickException(problem)
    diffs = migrate.schema_differences(ctx.database.engine)
    if diffs:
        lines = "\n".join(f"  {d}" for d in diffs)
        raise click.ClickException(
            t(f"models and migrations disagree:\n{lines}", f"模型与迁移不一致：\n{lines}")
        )
    click.echo(
        t(f"ok: revision {current}, models and schema agree", f"正常：版本 {current}，模型与数据库结构一致")
    )


@db.command()
@pass_context
@zh("显示当前的数据库结构版本。")
def current(ctx: CliContext) -> None:
    """Print the current revision."""
    click.echo(migrate.current_revision(ctx.database.engine) or t("(empty database)", "（空数据库）"))
