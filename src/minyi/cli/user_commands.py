"""``minyi user``: staff accounts, passwords, sessions, lock-outs and API tokens."""

from __future__ import annotations

from datetime import datetime

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts import services as accounts
from minyi.accounts import sessions, throttle
from minyi.accounts.models import Role, User
from minyi.cli.context import CliContext, pass_context
from minyi.core.localtime import local
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
@click.option(
    "--password",
    envvar="MINYI_NEW_USER_PASSWORD",
    help="Password (prompted, twice, when omitted).",
)
@pass_context
def create(
    ctx: CliContext,
    username: str,
    role: str,
    department_code: str | None,
    display_name: str | None,
    password: str | None,
) -> None:
    """Create a staff user."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            # said before the password is asked for twice, not after (operator walk-through)
            raise click.ClickException(f"a user {username!r} already exists")
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
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


@user.command("list")
@pass_context
def list_users(ctx: CliContext) -> None:
    """List the staff users: name, role, department, active or not, last login (local time)."""
    database = ctx.require_current_schema()
    with database.session() as session:
        users = list(session.scalars(select(User).order_by(User.username)))
        if not users:
            click.echo("no users")
        for found in users:
            department = found.department.code if found.department else "-"
            state = "active" if found.is_active else "inactive"
            last = _local_time(found.last_login_at) if found.last_login_at else "never"
            click.echo(f"{found.username}\t{found.role}\t{department}\t{state}\tlast login {last}")


def _local_time(value: datetime) -> str:
    """A time as the office reads it, with its offset (the log and the pages use local time too)."""
    return local(value).isoformat(sep=" ", timespec="seconds")


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
            until = _local_time(lock.locked_until)
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
