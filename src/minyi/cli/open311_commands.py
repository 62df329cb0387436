"""``minyi open311``: the keys of Open311 clients and JSON API integrators (docs/open311.md, docs/api.md)."""

from __future__ import annotations

import click

from minyi.accounts import client_keys, quotas
from minyi.audit import services as audit
from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import domain_message, t, zh
from minyi.core.errors import DomainError
from minyi.core.localtime import format_time


@click.group()
@zh("Open311 GeoReport v2：签发和吊销客户端应用的 api_key。")
def open311() -> None:
    """Open311 GeoReport v2: issue and revoke the api_keys of client apps."""


@open311.group("key")
@zh("签发、列出和吊销客户端密钥（Open311 的 api_key，JSON API 的 X-Api-Key）。")
def key() -> None:
    """Issue, list and revoke client keys (Open311 api_key, JSON API X-Api-Key)."""


@key.command("create")
@click.argument("name", metavar=t("NAME", "名称"))
@pass_context
@zh("给参数“名称”所指的客户端签发一个 api_key（只显示这一次）。")
def create(ctx: CliContext, name: str) -> None:
    """Issue an api_key for the client NAME (printed once)."""
    database = ctx.require_current_schema()
    try:
        with database.transaction() as session:
            click.echo(client_keys.create_key(session, name))
            audit.record_by(session, audit.CLIENT_KEY_CREATED, None, subject=name[:300])
    except DomainError as exc:
        raise click.ClickException(domain_message(exc.message)) from exc


@key.command("revoke")
@click.argument("name", metavar=t("NAME", "名称"))
@pass_context
@zh("吊销参数“名称”（客户端的名称或 id）所指客户端的 api_key。")
def revoke(ctx: CliContext, name: str) -> None:
    """Revoke the api_key of the client NAME (or with that id)."""
    database = ctx.require_current_schema()
    try:
        with database.transaction() as session:
            count = client_keys.revoke_key(session, name)
            if count:
                audit.record_by(
                    session, audit.CLIENT_KEY_REVOKED, None, subject=name[:300], details={"keys": count}
                )
    except DomainError as exc:
        raise click.ClickException(domain_message(exc.message)) from exc
    click.echo(t(f"revoked {count} key(s) named {name}", f"吊销了名为 {name} 的 {count} 个密钥"))


@key.command("list")
@pass_context
@zh("列出已签发的 api_key（不显示密钥本身），以及它们 24 小时内经 JSON API 提交的留言数。")
def list_keys(ctx: CliContext) -> None:
    """List the api_keys issued (never the keys themselves), with their JSON API messages in 24 hours."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        keys = client_keys.list_keys(session)
        counts = quotas.key_counts(session, hours=24)
    for found in keys:
        revoked = format_time(found.revoked_at) if found.revoked_at else ""
        state = t(f"revoked {revoked}", f"已吊销 {revoked}") if revoked else t("in use", "使用中")
        used = format_time(found.last_used_at) if found.last_used_at else t("never", "从未")
        created = format_time(found.created_at)
        sent = counts.get(found.id, 0)
        click.echo(
            t(
                f"{found.id}  {found.name}  created {created}  last used {used}  {state}  "
                f"{sent} messages in 24 h",
                f"{found.id}  {found.name}  签发于 {created}  最近使用 {used}  {state}  "
                f"24 小时内 {sent} 条留言",
            )
        )
    if not keys:
        click.echo(t("no keys", "没有密钥"))
