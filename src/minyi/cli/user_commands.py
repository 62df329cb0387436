"""``minyi user``: staff accounts, passwords, sessions, lock-outs and API tokens."""

from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts import services as accounts
from minyi.accounts import throttle
from minyi.accounts.models import Role, User
from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import domain_message, t, zh
from minyi.core.localtime import format_time
from minyi.db.base import utcnow


@click.group()
@zh("管理工作人员账号、密码、会话、登录锁定和 API 令牌。")
def user() -> None:
    """Manage staff users, passwords, sessions, lock-outs and API tokens."""


@user.command("create")
@click.argument("username", metavar=t("USERNAME", "用户名"))
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.STAFF.value,
    show_default=True,
    help=t("Role: what the user may do.", "角色：用户能做什么。"),
)
@click.option(
    "--department",
    "department_code",
    help=t("Department code (needed for staff).", "部门代码（staff 角色必填）。"),
)
@click.option("--name", "display_name", help=t("Display name.", "显示的姓名。"))
@click.option(
    "--password",
    envvar="MINYI_NEW_USER_PASSWORD",
    help=t("Password (prompted, twice, when omitted).", "密码（不给时会提示输入两次）。"),
)
@pass_context
@zh("创建一个工作人员账号。")
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
            raise click.ClickException(t(f"a user {username!r} already exists", f"用户 {username!r} 已存在"))
        if password is None:
            password = click.prompt(t("Password", "密码"), hide_input=True, confirmation_prompt=True)
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
            raise click.ClickException(domain_message(str(exc))) from exc
        zh_role = ROLES_ZH.get(created.role, created.role)
        click.echo(
            t(
                f"created {created.role} {created.username}",
                f"已创建{zh_role}（{created.role}）{created.username}",
            )
        )


#: The roles as the staff pages name them (``web.labels.ROLES``), with the stored name after.
ROLES_ZH = {"admin": "系统管理员", "dispatcher": "派单员", "supervisor": "督办员", "staff": "承办人"}


@user.command("list")
@pass_context
@zh("列出工作人员：用户名、角色、部门、是否启用、最近登录（当地时间）。")
def list_users(ctx: CliContext) -> None:
    """List the staff users: name, role, department, active or not, last login (local time)."""
    database = ctx.require_current_schema()
    with database.session() as session:
        users = list(session.scalars(select(User).order_by(User.username)))
        if not users:
            click.echo(t("no users", "没有用户"))
        for found in users:
            department = found.department.code if found.department else "-"
            state = t("active", "启用") if found.is_active else t("inactive", "停用")
            last = format_time(found.last_login_at) if found.last_login_at else t("never", "从未")
            login = t(f"last login {last}", f"最近登录 {last}")
            role = t(found.role, f"{ROLES_ZH.get(found.role, found.role)}（{found.role}）")
            click.echo(f"{found.username}\t{role}\t{department}\t{state}\t{login}")


@user.command("token")
@click.argument("username", metavar=t("USERNAME", "用户名"))
@click.option("--name", default="api", show_default=True, help=t("What the token is for.", "令牌的用途。"))
@pass_context
@zh("给用户签发一个 API 令牌（只显示这一次）。")
def token(ctx: CliContext, username: str, name: str) -> None:
    """Issue an API token for USERNAME (printed once)."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        found = _find_user(session, username)
        click.echo(accounts.issue_token(session, found, name))


def _find_user(session: Session, username: str) -> User:
    found = session.scalar(select(User).where(User.username == username))
    if found is None:
        raise click.ClickException(t(f"no user {username!r}", f"没有用户 {username!r}"))
    return found


@user.command("password")
@click.argument("username", metavar=t("USERNAME", "用户名"))
@click.password_option(
    envvar="MINYI_NEW_USER_PASSWORD",
    help=t("New password (prompted when omitted).", "新密码（不给时会提示输入）。"),
    prompt=t("Password", "密码"),
)
@pass_context
@zh("设置用户的密码；该用户的所有会话随之结束。")
def password(ctx: CliContext, username: str, password: str) -> None:
    """Set USERNAME's password; every session of the user ends."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        found = _find_user(session, username)
        try:
            ended = accounts.change_password(session, found, password, now=utcnow())
        except accounts.AccountError as exc:
            raise click.ClickException(domain_message(str(exc))) from exc
        click.echo(
            t(
                f"password of {found.username} changed; {ended} session(s) ended",
                f"{found.username} 的密码已更改；结束了 {ended} 个会话",
            )
        )


@user.command("end-sessions")
@click.argument("username", metavar=t("USERNAME", "用户名"))
@pass_context
@zh("让用户在所有地方退出登录（服务端的所有会话都结束）。")
def end_sessions(ctx: CliContext, username: str) -> None:
    """Log USERNAME out everywhere (every server-side session ends)."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        found = _find_user(session, username)
        ended = accounts.end_sessions(session, found, utcnow(), by=None)
        click.echo(
            t(f"{ended} session(s) of {found.username} ended", f"结束了 {found.username} 的 {ended} 个会话")
        )


@user.command("lockouts")
@pass_context
@zh("列出现在因多次失败而被锁定的账号、查询码和地址。")
def lockouts(ctx: CliContext) -> None:
    """List the accounts, tracking codes and addresses locked now after failed attempts."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        locked = throttle.list_lockouts(session, utcnow())
        if not locked:
            click.echo(t("no lock-outs", "没有锁定"))
        for lock in locked:
            until = format_time(lock.locked_until)
            click.echo(
                t(
                    f"{lock.kind}\t{lock.key}\tuntil {until}\tlock-out {lock.lockouts}",
                    f"{lock.kind}\t{lock.key}\t锁定到 {until}\t第 {lock.lockouts} 次锁定",
                )
            )


THROTTLE_KINDS = [kind.value for kind in throttle.ThrottleKind]


@user.command("unlock")
@click.argument("kind", metavar=t("KIND", "类别"), type=click.Choice(THROTTLE_KINDS))
@click.argument("key", metavar=t("KEY", "对象"))
@pass_context
@zh(
    "解除某个对象的锁定。\n\n类别：account（账户）、login_address（登录地址）、tracking_code（某地址试查询码）、"
    "tracking_address（试查询码的地址）、tracking_code_all（从所有地址试同一查询码）；对象：用户名、查询码或地址。"
)
def unlock(ctx: CliContext, kind: str, key: str) -> None:
    """Lift the lock-out of KEY (a user name, tracking code or address) of KIND.

    KIND: account, login_address, tracking_code (a code tried from one address),
    tracking_address (the address trying codes), tracking_code_all (a code tried from every
    address).
    """
    database = ctx.require_current_schema()
    with database.transaction() as session:
        if not accounts.lift_lockout(session, kind, key, by=None):
            raise click.ClickException(t(f"no lock-out of {kind} {key!r}", f"{kind} {key!r} 没有被锁定"))
        click.echo(t(f"lifted {kind} {key}", f"已解除 {kind} {key} 的锁定"))
