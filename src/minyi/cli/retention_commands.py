"""``minyi retention``: delete personal data that is no longer needed."""

from __future__ import annotations

import json

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import domain_message, t, zh
from minyi.flows.retention import PurgeReport, purge_contacts


@click.group()
@zh("对个人数据执行保留期限策略。")
def retention() -> None:
    """Apply the retention policy to personal data."""


@retention.command("run")
@click.option(
    "--days",
    type=click.IntRange(1, 36500),
    help=t("Override MINYI_CONTACT_RETENTION_DAYS.", "代替 MINYI_CONTACT_RETENTION_DAYS 的天数。"),
)
@click.option(
    "--dry-run", is_flag=True, help=t("Only count what would be deleted.", "只统计会删除多少，不删除。")
)
@click.option(
    "--batch",
    default=500,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help=t("Cases per transaction.", "每个事务处理的案件数。"),
)
@pass_context
@zh(
    """删除办结超过保留天数（--days，默认 MINYI_CONTACT_RETENTION_DAYS）的案件的联系方式。

    分批进行（--batch 个案件一个事务），显示进度；中途中断后再运行一次，会接着处理剩下的案件。
    """
)
def run(ctx: CliContext, days: int | None, dry_run: bool, batch: int) -> None:
    """Delete contact details of cases closed more than DAYS days ago, in batches.

    Each batch of cases is one transaction; a run stopped midway (a crash, kill -9) has
    committed its finished batches, and the next run purges what is left.
    """
    database = ctx.require_current_schema()
    keep = days or ctx.settings.contact_retention_days
    with database.transaction() as session:
        due = purge_contacts(session, keep, dry_run=True)
    report = due if dry_run else _purge(ctx, keep, batch, due.cases)
    click.echo(
        t(
            f"{'would delete' if dry_run else 'deleted'} contact details of {report.contacts} messages "
            f"in {report.cases} cases closed over {keep} days ago",
            f"{'将删除' if dry_run else '已删除'} {report.cases} 个办结超过 {keep} 天的案件中 "
            f"{report.contacts} 条留言的联系方式",
        )
    )


def _purge(ctx: CliContext, keep: int, batch: int, total: int) -> PurgeReport:
    """Purge batch after batch, each committed, with a progress bar over the cases due."""
    database, contacts, cases = ctx.require_current_schema(), 0, 0
    columns = [
        TextColumn(t("[bold]deleting contact details", "[bold]正在删除联系方式")),
        BarColumn(),
        TextColumn(t("{task.completed}/{task.total} cases", "{task.completed}/{task.total} 个案件")),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, transient=True, disable=total == 0) as bar:
        task = bar.add_task("retention", total=total)
        while True:
            with database.transaction() as session:
                done = purge_contacts(session, keep, limit=batch)
            contacts, cases = contacts + done.contacts, cases + done.cases
            bar.update(task, completed=min(cases, total))
            if done.cases < batch:
                break
    return PurgeReport(contacts=contacts, cases=cases)


@retention.command("erase")
@click.option(
    "--code",
    "codes",
    multiple=True,
    metavar=t("CODE", "查询码"),
    help=t("A tracking code of the person's message.", "此人留言的查询码。"),
)
@click.option(
    "--case",
    "case_numbers",
    multiple=True,
    metavar=t("NUMBER", "案件编号"),
    help=t("A case number (its messages).", "案件编号（该案件的留言）。"),
)
@click.option(
    "--phone",
    "phones",
    multiple=True,
    metavar=t("PHONE", "电话"),
    help=t("The phone number the person gave.", "此人留下的电话号码。"),
)
@click.option(
    "--email",
    "emails",
    multiple=True,
    metavar=t("EMAIL", "邮箱"),
    help=t("The e-mail address the person gave.", "此人留下的电子邮件地址。"),
)
@click.option(
    "--text",
    is_flag=True,
    help=t(
        "Also replace the messages' own words (title, body, address).",
        "同时替换留言本身的文字（标题、正文、地址）。",
    ),
)
@click.option(
    "--dry-run", is_flag=True, help=t("Only show what would be erased.", "只显示会删除什么，不删除。")
)
@click.option(
    "--as",
    "actor",
    metavar=t("NAME", "姓名"),
    help=t(
        "Who carries out the request, for the audit trail (required unless --dry-run).",
        "由谁执行这次请求，记入审计记录（除 --dry-run 外必填）。",
    ),
)
@click.option("--json", "as_json", is_flag=True, help=t("Print the report as JSON.", "以 JSON 输出报告。"))
@pass_context
@zh(
    """应本人请求删除其个人数据（见 docs/operation.md）。

    按本人能出示的信息找到留言（查询码、案件编号、他留下的电话或邮箱，须完全一致），删除其联系方式，
    去掉其化名和公开同意；加 --text 时也删除其文字。案件、答复和统计数据保留。
    """
)
def erase(
    ctx: CliContext,
    codes: tuple[str, ...],
    case_numbers: tuple[str, ...],
    phones: tuple[str, ...],
    emails: tuple[str, ...],
    text: bool,
    dry_run: bool,
    actor: str | None,
    as_json: bool,
) -> None:
    """Erase one person's personal data at their request (docs/operation.md).

    Finds the messages by what the person can show (tracking codes, case numbers, the phone
    or e-mail they gave, matched exactly), deletes their contact details, removes their
    pseudonym and their consent to publish, and with --text their words. Cases, replies
    and statistics stay.
    """
    from minyi.core.errors import DomainError
    from minyi.flows.erasure import ErasureRequest, after_commit
    from minyi.flows.erasure import erase as erase_messages

    named = bool(codes or case_numbers or phones or emails)  # else the erasure's own error first
    actor = _actor(actor, dry_run=dry_run or not named)
    database = ctx.require_current_schema()
    request = ErasureRequest(codes, case_numbers, phones, emails, text=text)
    try:
        with database.transaction() as session:
            key = ctx.settings.effective_secret_key
            report = erase_messages(session, key, request, actor=actor, dry_run=dry_run)
    except DomainError as exc:
        raise click.ClickException(domain_message(exc.message)) from exc
    if not dry_run and report.case_ids:
        with database.session() as session:
            after_commit(session, ctx.settings, report)
    if as_json:
        click.echo(json.dumps({"dry_run": dry_run, **report.to_dict()}, ensure_ascii=False))
    elif not report.messages:
        click.echo(
            t(
                "nothing found: check the codes, numbers or addresses given",
                "没有找到：请核对给出的查询码、编号或地址",
            ),
            err=True,
        )
    if not report.messages:
        raise click.exceptions.Exit(1)  # a script must not take "nothing found" for done
    if as_json:
        return
    verb = "would erase" if dry_run else "erased"
    words = " and their words" if text else ""
    click.echo(
        t(
            f"{verb} the personal data{words} of {report.messages} messages in {report.cases} cases "
            f"({report.contacts} contact details; {report.unpublished} cases no longer public)",
            f"{'将删除' if dry_run else '已删除'} {report.cases} 个案件中 {report.messages} 条留言的个人数据"
            f"{'和文字' if text else ''}"
            f"（联系方式 {report.contacts} 条；{report.unpublished} 个案件不再公开）",
        )
    )
    for code in report.codes:
        click.echo(f"  {code}")


def _actor(actor: str | None, *, dry_run: bool) -> str:
    """Who erased, for the audit trail: a request under the data-protection law must say who.

    A preview changes nothing and records nothing, so it needs no name.
    """
    name = (actor or "").strip()
    if name:
        return name
    if dry_run:
        return "cli"
    raise click.UsageError(
        t(
            "--as: name who carries out this request for the audit trail, "
            "e.g. --as 'Wang Fang (privacy officer)'",
            "--as：请写明由谁执行这次请求，记入审计记录，如 --as '王芳（个人信息保护负责人）'",
        )
    )
