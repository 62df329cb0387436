"""``minyi serve``: run the web server."""

from __future__ import annotations

import click
import uvicorn

from minyi.cli.context import CliContext, check_calendar, pass_context
from minyi.cli.demo_commands import refuse_demo_in_production, seed_if_empty
from minyi.cli.i18n import t, zh
from minyi.core.logs import uvicorn_log_config
from minyi.server.app import create_app


@click.command()
@click.option(
    "--demo",
    is_flag=True,
    help=t(
        "Migrate and load demo data first, if the database is empty.",
        "先迁移数据库，数据库为空时载入演示数据。",
    ),
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=t("Address to listen on (behind a proxy: 127.0.0.1).", "监听地址（在反向代理之后：127.0.0.1）。"),
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help=t("Port to listen on.", "监听端口。"),
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help=t(
        "Server processes sharing the port (PostgreSQL; keep 1 on SQLite).",
        "共用该端口的服务进程数（PostgreSQL；SQLite 请保持 1）。",
    ),
)
@pass_context
@zh("运行市民门户、工作人员页面和 JSON API。")
def serve(ctx: CliContext, demo: bool, host: str, port: int, workers: int) -> None:
    """Serve the portal, staff pages and JSON API."""
    check_calendar(ctx.settings)
    if demo:
        refuse_demo_in_production(ctx)
    if workers > 1 and ctx.database.is_sqlite:
        click.echo(
            t(
                f"warning: {workers} server processes on SQLite share one write lock and each keeps its "
                "own hot-issue tracker; SQLite is meant for one process (see docs/deployment.md)",
                f"警告：SQLite 上的 {workers} 个服务进程共用一把写锁，且各自维护热点问题；"
                "SQLite 只适合单进程（见 docs/deployment.md）",
            ),
            err=True,
        )
    migrate_first = demo or ctx.database.is_sqlite
    database = ctx.migrated_database() if migrate_first else ctx.require_current_schema()
    if demo:
        seed_if_empty(ctx)
        click.echo(
            t(
                "demo logins: admin / minyi-admin (all departments); zjj / minyi-demo (one department)",
                "演示账号：admin / minyi-admin（全部部门）；zjj / minyi-demo（一个部门）",
            )
        )
    click.echo(
        t(
            f"Minyi on http://{host}:{port}  (API docs: /docs)",
            f"民意已启动：http://{host}:{port}  （API 文档：/docs）",
        )
    )
    log_level = ctx.settings.log_level.lower()
    if workers > 1:
        # Each worker process builds its own app (app_factory) from the same MINYI_* environment.
        # Make the development secret key file now, so that the workers do not each write their
        # own at the same moment and then sign sessions and derive pseudonyms differently.
        _ = ctx.settings.effective_secret_key
        database.engine.dispose()
        uvicorn.run(
            "minyi.server.app:app_factory",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            log_config=uvicorn_log_config(log_level),
        )
        return
    app = create_app(ctx.settings, database)
    uvicorn.run(app, host=host, port=port, log_level=log_level, log_config=uvicorn_log_config(log_level))
