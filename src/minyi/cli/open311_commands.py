"""``minyi open311``: the keys of Open311 clients and JSON API integrators (docs/open311.md, docs/api.md)."""

from __future__ import annotations

import click

from minyi.accounts import client_keys, quotas
from minyi.cli.context import CliContext, pass_context
from minyi.core.errors import DomainError
from minyi.core.localtime import format_time


@click.group()
def open311() -> None:
    """Open311 GeoReport v2: issue and revoke the api_keys of client apps."""


@open311.group("key")
def key() -> None:
    """Issue, list and revoke client keys (Open311 api_key, JSON API X-Api-Key)."""


@key.command("create")
@click.argument("name")
@pass_context
def create(ctx: CliContext, name: str) -> None:
    """Issue an api_key for the client NAME (printed once)."""
    database = ctx.require_current_schema()
    try:
        with database.transaction() as session:
            click.echo(client_keys.create_key(session, name))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc


@key.command("revoke")
@click.argument("name")
@pass_context
def revoke(ctx: CliContext, name: str) -> None:
    """Revoke the api_key of the client NAME (or with that id)."""
    database = ctx.require_current_schema()
    try:
        with database.transaction() as session:
            count = client_keys.revoke_key(session, name)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"revoked {count} key(s) named {name}")


@key.command("list")
@pass_context
def list_keys(ctx: CliContext) -> None:
    """List the api_keys issued (never the keys themselves), with their JSON API messages in 24 hours."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        keys = client_keys.list_keys(session)
        counts = quotas.key_counts(session, hours=24)
    for found in keys:
        state = f"revoked {format_time(found.revoked_at)}" if found.revoked_at else "in use"
        used = format_time(found.last_used_at) if found.last_used_at else "never"
        created = format_time(found.created_at)
        sent = counts.get(found.id, 0)
        click.echo(
            f"{found.id}  {found.name}  created {created}  last used {used}  {state}  {sent} messages in 24 h"
        )
    if not keys:
        click.echo("no keys")
