"""``minyi user``: staff accounts and API tokens."""

from __future__ import annotations

import click
from sqlalchemy import select

from minyi.accounts import services as accounts
from minyi.accounts.models import Role, User
from minyi.cli.context import CliContext, pass_context


@click.group()
def user() -> None:
    """Manage staff users and their API tokens."""


@user.command("create")
@click.argument("username")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.STAFF.value, show_default=True
)
@click.option("--department", "department_code", help="Department code (needed for staff).")
@click.option("--name", "display_name", help="Display name.")
@click.password_option(envvar="MINYI_NEW_USER_PASSWORD", help="Password (prompted when omitted).")
@pass_context
def create(
    ctx: CliContext,
    username: str,
    role: str,
    department_code: str | None,
    display_name: str | None,
    password: str,
) -> None:
    """Create a staff user."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        try:
            created = accounts.create_user(
                session,
                username=username,
                password=password,
                role=role,
                department_code=department_code,
                display_name=display_name,
            )
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"created {created.role} {created.username}")


@user.command("token")
@click.argument("username")
@click.option("--name", default="api", show_default=True, help="What the token is for.")
@pass_context
def token(ctx: CliContext, username: str, name: str) -> None:
    """Issue an API token for USERNAME (printed once)."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        found = session.scalar(select(User).where(User.username == username))
        if found is None:
            raise click.ClickException(f"no user {username!r}")
        click.echo(accounts.issue_token(session, found, name))
