"""``minyi``: the command-line entry point.

The group is lazy (click's documented ``LazyGroup`` pattern): ``minyi --help`` lists the
commands from :data:`COMMANDS` without importing them, and a command's module (with the
web framework, the database layer or scikit-learn it needs) is imported only when that
command runs or shows its own help.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import click

import minyi
from minyi.cli.i18n import t, zh
from minyi.core.logs import LOG_FORMAT

# Command name → ("module:attribute" of the click command, its one-line help). The help is
# shown by ``minyi --help`` without importing the command: when you change a command's
# docstring or its ``@zh`` help, change it here too (tests/unit/cli/test_main.py compares them).
COMMANDS = {
    "alerts": (
        "minyi.cli.alert_commands:alerts_group",
        t(
            "Spikes and alerts: burst, trend, threshold and emergency-keyword rules.",
            "突增与预警：突发、趋势、阈值和紧急关键词规则。",
        ),
    ),
    "cases": (
        "minyi.cli.case_commands:cases",
        t(
            "Periodic case jobs: deadline reminders and escalation, unanswered follow-ups.",
            "案件的定期任务：期限提醒与升级、未答复的回访。",
        ),
    ),
    "categories": (
        "minyi.cli.import_commands:categories",
        t(
            "Manage the category tree.",
            "管理分类树。",
        ),
    ),
    "db": (
        "minyi.cli.db_commands:db",
        t(
            "Create, migrate and check the database schema.",
            "创建、迁移和检查数据库结构。",
        ),
    ),
    "demo": (
        "minyi.cli.demo_commands:demo",
        t(
            "Create the schema and load demo departments, users, messages and cases (never in production).",
            "创建数据库结构并载入演示用的部门、用户、留言和案件（生产环境不可用）。",
        ),
    ),
    "department": (
        "minyi.cli.department_commands:department",
        t(
            "Add and list departments.",
            "添加和列出承办部门。",
        ),
    ),
    "export": (
        "minyi.cli.export_commands:export_cases",
        t(
            "Export cases with their messages, replies and events as CSV, XLSX or JSONL.",
            "把案件连同留言、答复和事件导出为 CSV、XLSX 或 JSONL。",
        ),
    ),
    "forecast": (
        "minyi.cli.forecast_commands:forecast",
        t(
            "Forecast weekly message volume per category or region, with its backtest error.",
            "按分类或地区预测每周留言量，并给出回测误差。",
        ),
    ),
    "import": (
        "minyi.cli.import_commands:import_messages",
        t(
            "Import messages or public posts from a CSV, XLSX or JSONL file.",
            "从 CSV、XLSX 或 JSONL 文件导入留言或公开帖子。",
        ),
    ),
    "issues": (
        "minyi.cli.issues_commands:issues",
        t(
            "Hot issues: group messages about one concrete problem and rank them by heat.",
            "热点问题：把说同一个具体问题的留言归为一组，按热度排序。",
        ),
    ),
    "knowledge": (
        "minyi.cli.knowledge_commands:knowledge",
        t(
            "Knowledge base (知识库): similar answered cases and articles.",
            "知识库：相似的已答复案件和文章。",
        ),
    ),
    "model": (
        "minyi.cli.model_commands:model",
        t(
            "Train, evaluate and activate the category/department classifier.",
            "训练、评估和启用分类/承办部门模型。",
        ),
    ),
    "notify": (
        "minyi.cli.notify_commands:notify",
        t(
            "Notifications to citizens and staff (e-mail, SMS, webhook) through the outbox.",
            "通过发件箱给市民和工作人员发通知（电子邮件、短信、webhook）。",
        ),
    ),
    "open311": (
        "minyi.cli.open311_commands:open311",
        t(
            "Open311 GeoReport v2: issue and revoke the api_keys of client apps.",
            "Open311 GeoReport v2：签发和吊销客户端应用的 api_key。",
        ),
    ),
    "process": (
        "minyi.cli.demo_commands:process",
        t(
            "Process stored messages that have no case yet (after a crash or a failure).",
            "处理已保存但还没有案件的留言（崩溃或出错之后）。",
        ),
    ),
    "report": (
        "minyi.cli.report_commands:report",
        t(
            "Briefings (简报) of a day, week, month or year as HTML or PDF, and their scheduled e-mail.",
            "按日、周、月或年生成简报（HTML 或 PDF），以及定时发送简报邮件。",
        ),
    ),
    "restore": (
        "minyi.cli.export_commands:restore_cases",
        t(
            "Restore the cases of a Minyi export (statuses, replies, numbers) after `minyi import` read it.",
            "在 `minyi import` 读入一份 Minyi 导出文件之后，恢复其中案件的状态、答复和编号。",
        ),
    ),
    "retention": (
        "minyi.cli.retention_commands:retention",
        t(
            "Apply the retention policy to personal data.",
            "对个人数据执行保留期限策略。",
        ),
    ),
    "search": (
        "minyi.cli.search_commands:search",
        t(
            "Search public answers, and rebuild the search indexes (public answers, staff words).",
            "搜索公开答复，重建搜索索引（公开答复、工作人员用词）。",
        ),
    ),
    "serve": (
        "minyi.cli.serve_commands:serve",
        t(
            "Serve the portal, staff pages and JSON API.",
            "运行市民门户、工作人员页面和 JSON API。",
        ),
    ),
    "stats": (
        "minyi.cli.stats_commands:stats",
        t(
            "Public dashboard figures: refresh the pre-aggregated scorecard.",
            "公开看板数据：刷新预先汇总的成绩单。",
        ),
    ),
    "user": (
        "minyi.cli.user_commands:user",
        t(
            "Manage staff users, passwords, sessions, lock-outs and API tokens.",
            "管理工作人员账号、密码、会话、登录锁定和 API 令牌。",
        ),
    ),
    "worker": (
        "minyi.cli.worker_commands:worker",
        t(
            "Process received messages taken from NATS JetStream, until SIGTERM or Ctrl-C.",
            "处理从 NATS JetStream 取来的已接收留言，直到收到 SIGTERM 或 Ctrl-C。",
        ),
    ),
}


class LazyGroup(click.Group):
    """A group whose sub-commands are imported from ``"module:attribute"`` when first used."""

    def __init__(self, *args: Any, lazy_commands: dict[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, sorted, without importing any."""
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, its module imported now if it is a lazy one."""
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            self.add_command(self._load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def _load(self, cmd_name: str) -> click.Command:
        module_name, _, attribute = self.lazy_commands[cmd_name][0].partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            msg = f"{module_name}:{attribute} is not a click command"
            raise TypeError(msg)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """The command ``args`` name; whether it reads the settings goes into ``ctx.meta`` for :func:`cli`."""
        from minyi.cli.context import READS_SETTINGS, reads_settings  # local: see cli

        name, command, rest = super().resolve_command(ctx, args)
        ctx.meta[READS_SETTINGS] = reads_settings(ctx, command, rest)
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an unreachable database or an unknown revision: ``Error: …``, not a traceback."""
        try:
            return super().invoke(ctx)
        except Exception as exc:
            plain = _plain_error(exc)
            if plain is None:
                raise
            raise click.ClickException(plain) from exc

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands, as click writes it, from the one-line helps of the lazy ones."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            command = self.commands.get(name)
            if command is None:
                stand_in = click.Command(name, help=self.lazy_commands[name][1])  # click's own shortening
                rows.append((name, stand_in.get_short_help_str(limit)))
            elif not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section(t("Commands", "命令")):
            formatter.write_dl(rows)


def _plain_error(exc: Exception) -> str | None:
    """What to tell a user instead of a traceback, for mistakes of setting rather than bugs; else ``None``.

    The modules are looked up, not imported: ``minyi --help`` stays light, and an error of a
    library no command loaded cannot have happened.
    """
    sqlalchemy_errors = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy_errors is not None and isinstance(exc, sqlalchemy_errors.OperationalError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        return t(
            f"cannot use the database: {reason}. Check MINYI_DATABASE_URL, that the server runs "
            "and that the database exists (createdb), then run `minyi db upgrade`",
            f"无法使用数据库：{reason}。请检查 MINYI_DATABASE_URL、数据库服务器是否在运行、"
            "数据库是否已创建（createdb），然后运行 `minyi db upgrade`",
        )
    alembic_errors = sys.modules.get("alembic.util.exc")
    if alembic_errors is not None and isinstance(exc, alembic_errors.CommandError):
        return t(f"{exc} (see `minyi db current`)", f"{exc}（见 `minyi db current`）")
    return None


@click.group(cls=LazyGroup, lazy_commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(minyi.__version__, prog_name="minyi")
@click.pass_context
@zh(
    """民意 Minyi：倾听、分类、答复公众的留言，并对其负责。

    设置来自 MINYI_* 环境变量（见 docs/configuration.md）。命令行的语言：MINYI_CLI_LANG=zh 或 en；
    未设置时看区域设置（LC_ALL、LC_MESSAGES、LANG），再看 MINYI_DEFAULT_LANGUAGE，默认中文。
    """
)
def cli(ctx: click.Context) -> None:
    """民意 Minyi: hear, sort, answer and account for what the public tells you.

    Settings come from MINYI_* environment variables (see docs/configuration.md). The command
    line's language: MINYI_CLI_LANG=zh or en; when unset, the locale (LC_ALL, LC_MESSAGES,
    LANG), then MINYI_DEFAULT_LANGUAGE; Chinese by default.
    """
    from minyi.cli.context import READS_SETTINGS, load_context  # local: the settings load when a command runs

    if not ctx.meta.get(READS_SETTINGS, True):  # e.g. issues detect: see context.without_settings
        logging.basicConfig(format=LOG_FORMAT)  # no MINYI_LOG_LEVEL: warnings, as Python's default
        return
    ctx.obj = load_context()
    logging.basicConfig(level=ctx.obj.settings.log_level, format=LOG_FORMAT)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx logs each request's URL at INFO: a webhook's credentials and its ?key= or
    # ?access_token= (WeCom, DingTalk) would be written to the log on every notification.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
