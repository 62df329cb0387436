"""``minyi user``: staff accounts, passwords, sessions, lock-outs and API tokens."""

from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts import services as accounts
from minyi.accounts import sessions, throttle
from minyi.accounts.models import Role, User
from minyi.cli.context import CliContext, pass_context
from minyi.db.base import utcnow


@click.group()
def user() -> None:
    """Manage staff users, passwords, sessions, lock-outs and API tokens."""


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
        found = _find_user(session, username)
        click.echo(accounts.issue_token(session, found, name))


def _find_user(session: Session, username: str) -> User:
    found = session.scalar(select(User).where(User.username == username))
    if found is None:
        raise click.ClickException(f"no user {username!r}")
    return found


@user.command("password")
@click.argument("username")
@click.password_option(envvar="MINYI_NEW_USER_PASSWORD", help="New password (prompted when omitted).")
@pass_context
def password(ctx: CliContext, username: str, password: str) -> None:
    """Set USERNAME's password; every session of the user ends."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        found = _find_user(session, username)
        try:
            ended = accounts.change_password(session, found, password, now=utcnow())
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"password of {found.username} changed; {ended} session(s) ended")


@user.command("end-sessions")
@click.argument("username")
@pass_context
def end_sessions(ctx: CliContext, username: str) -> None:
    """Log USERNAME out everywhere (every server-side session ends)."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        found = _find_user(session, username)
        click.echo(f"{sessions.end_all(session, found, utcnow())} session(s) of {found.username} ended")


@user.command("lockouts")
@pass_context
def lockouts(ctx: CliContext) -> None:
    """List the accounts, tracking codes and addresses locked now after failed attempts."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        locked = throttle.list_lockouts(session, utcnow())
        if not locked:
            click.echo("no lock-outs")
        for lock in locked:
            until = lock.locked_until.isoformat(timespec="seconds")
            click.echo(f"{lock.kind}\t{lock.key}\tuntil {until}\tlock-out {lock.lockouts}")


@user.command("unlock")
@click.argument("kind", type=click.Choice([k.value for k in throttle.ThrottleKind]))
@click.argument("key")
@pass_context
def unlock(ctx: CliContext, kind: str, key: str) -> None:
    """Lift the lock-out of KEY (a user name, tracking code or address) of KIND."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        if not throttle.lift(session, kind, key):
            raise click.ClickException(f"no lock-out of {kind} {key!r}")
        click.echo(f"lifted {kind} {key}")
