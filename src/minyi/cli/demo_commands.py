"""``minyi demo`` and ``minyi process``: demo data and re-processing of stored messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import t, zh
from minyi.flows import reanalysis
from minyi.flows.processing import process_pending

if TYPE_CHECKING:
    from minyi.analysis.provider import PipelineProvider
    from minyi.db.session import Database
    from minyi.demo.seed import DemoSummary


def refuse_demo_in_production(ctx: CliContext) -> None:
    """Demo data in a production database: made-up cases among real ones, and known passwords.

    The demo users' passwords (``minyi-admin``) are printed in the documents and would not pass
    the password rules; an operator's walk-through loaded them into production unhindered.
    """
    if ctx.settings.env == "production":
        raise click.ClickException(
            t(
                "Demo data is not loaded in production (MINYI_ENV=production): "
                "its users' passwords are public.",
                "演示数据不能载入生产环境（MINYI_ENV=production）：其中的演示账号密码是公开的。",
            )
        )


def seed_if_empty(ctx: CliContext, seed: int = 2026, messages: int = 500) -> None:
    """Load the demo data unless the database already has it."""
    from minyi.demo.seed import seed_demo  # the demo corpus loads only when asked for

    database = ctx.migrated_database()
    with database.transaction() as session:
        summary = seed_demo(session, key=ctx.settings.effective_secret_key, seed=seed, messages=messages)
    click.echo(t(str(summary), _summary_zh(summary)))


def _summary_zh(summary: DemoSummary) -> str:
    """The demo's account (its ``str`` is the English one) in Chinese."""
    from minyi.cases.lifecycle import label

    if not summary.created:
        return f"演示数据已经存在（{summary.reason}）；没有改动"
    statuses = "，".join(f"{label(status, 'zh')} {count}" for status, count in summary.statuses)
    hot = "，".join(f"{name} {count}" for name, count in summary.hot_problems)
    return (
        f"演示数据已载入：{summary.departments} 个部门，{summary.categories} 个分类，{summary.users} 个用户，"
        f"{summary.messages} 条留言和案件（{statuses}），{summary.public_replies} 条公开答复；"
        f"热点问题：{hot}；{summary.alerts} 条预警"
    )


@click.command()
@click.option(
    "--seed",
    default=2026,
    show_default=True,
    help=t("Random seed: the same seed gives the same data.", "随机种子：种子相同，数据就相同。"),
)
@click.option(
    "--messages",
    default=500,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help=t("How many demo messages to make.", "生成多少条演示留言。"),
)
@pass_context
@zh("创建数据库结构并载入演示用的部门、用户、留言和案件（生产环境不可用）。")
def demo(ctx: CliContext, seed: int, messages: int) -> None:
    """Create the schema and load demo departments, users, messages and cases (never in production)."""
    refuse_demo_in_production(ctx)
    seed_if_empty(ctx, seed=seed, messages=messages)


@click.command()
@click.option(
    "--batch",
    default=500,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help=t("Messages per transaction.", "每个事务处理的留言数。"),
)
@click.option(
    "--retry-failed",
    is_flag=True,
    help=t("Also retry messages whose processing failed before.", "也重试以前处理失败的留言。"),
)
@pass_context
@zh(
    """处理已保存但还没有案件的留言（崩溃或出错之后）。

    然后分析那些因处理失败而在没有分析结果时就立了案的留言：仍在等待分派的案件会得到分类、诉求类型和
    承办部门建议，与受理时一样。
    """
)
def process(ctx: CliContext, batch: int, retry_failed: bool) -> None:
    """Process stored messages that have no case yet (after a crash or a failure).

    Then analyse the messages whose cases were opened without analysis because their
    processing failed: a case still waiting for a dispatcher gets its category, kind of
    appeal and routing as intake would have given them.
    """
    from minyi.analysis.provider import PipelineProvider  # loads scikit-learn: only when run

    database = ctx.require_current_schema()
    pipelines = PipelineProvider(ctx.settings)  # the server's pipeline: classified, routed, deduplicated
    processed = failed = 0
    after = ""
    while True:
        with database.transaction() as session:
            pipeline = pipelines.get(session)
            result = process_pending(
                session, limit=batch, retry_failed=retry_failed, after=after, pipeline=pipeline
            )
        after = result.last_id
        processed += result.processed
        failed += result.failed
        if result.attempted < batch:
            break
    hint = (
        t(" (see `minyi process --retry-failed`)", "（见 `minyi process --retry-failed`）") if failed else ""
    )
    click.echo(
        t(
            f"processed {processed} messages, {failed} failed{hint}",
            f"处理了 {processed} 条留言，{failed} 条失败{hint}",
        )
    )
    _analyse_opened(database, pipelines, batch)


def _analyse_opened(database: Database, pipelines: PipelineProvider, batch: int) -> None:
    """Analyse the messages whose cases were opened without analysis (their pipeline failed)."""
    analysed = failed = 0
    after = ""
    while True:
        with database.transaction() as session:
            result = reanalysis.analyse_opened(session, pipelines.get(session), limit=batch, after=after)
        after = result.last_id
        analysed += result.processed
        failed += result.failed
        if result.attempted < batch:
            break
    if analysed or failed:
        click.echo(
            t(
                f"analysed {analysed} messages whose cases were opened without analysis, "
                f"{failed} failed again" + (" (see the server log)" if failed else ""),
                f"分析了 {analysed} 条立案时未经分析的留言，{failed} 条再次失败"
                + ("（见服务日志）" if failed else ""),
            )
        )
