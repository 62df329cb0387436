"""``minyi retention``: delete personal data that is no longer needed."""

from __future__ import annotations

import json

import click

from minyi.cli.context import CliContext, pass_context
from minyi.flows.retention import purge_contacts


@click.group()
def retention() -> None:
    """Apply the retention policy to personal data."""


@retention.command("run")
@click.option("--days", type=click.IntRange(1, 36500), help="Override MINYI_CONTACT_RETENTION_DAYS.")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@pass_context
def run(ctx: CliContext, days: int | None, dry_run: bool) -> None:
    """Delete contact details of cases closed more than DAYS days ago."""
    database = ctx.require_current_schema()
    keep = days or ctx.settings.contact_retention_days
    with database.transaction() as session:
        report = purge_contacts(session, keep, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    click.echo(
        f"{verb} contact details of {report.contacts} messages "
        f"in {report.cases} cases closed over {keep} days ago"
    )


@retention.command("erase")
@click.option(
    "--code", "codes", multiple=True, metavar="CODE", help="A tracking code of the person's message."
)
@click.option("--case", "case_numbers", multiple=True, metavar="NUMBER", help="A case number (its messages).")
@click.option("--phone", "phones", multiple=True, metavar="PHONE", help="The phone number the person gave.")
@click.option("--email", "emails", multiple=True, metavar="EMAIL", help="The e-mail address the person gave.")
@click.option("--text", is_flag=True, help="Also replace the messages' own words (title, body, address).")
@click.option("--dry-run", is_flag=True, help="Only show what would be erased.")
@click.option(
    "--as",
    "actor",
    metavar="NAME",
    help="Who carries out the request, for the audit trail (required unless --dry-run).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_context
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
        raise click.ClickException(exc.message) from exc
    if not dry_run and report.case_ids:
        with database.session() as session:
            after_commit(session, ctx.settings, report)
    if as_json:
        click.echo(json.dumps({"dry_run": dry_run, **report.to_dict()}, ensure_ascii=False))
    elif not report.messages:
        click.echo("nothing found: check the codes, numbers or addresses given", err=True)
    if not report.messages:
        raise click.exceptions.Exit(1)  # a script must not take "nothing found" for done
    if as_json:
        return
    verb = "would erase" if dry_run else "erased"
    words = " and their words" if text else ""
    click.echo(
        f"{verb} the personal data{words} of {report.messages} messages in {report.cases} cases "
        f"({report.contacts} contact details; {report.unpublished} cases no longer public)"
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
        "--as: name who carries out this request for the audit trail, e.g. --as 'Wang Fang (privacy officer)'"
    )
