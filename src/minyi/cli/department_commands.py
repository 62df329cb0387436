"""``minyi department``: the departments that answer cases."""

from __future__ import annotations

import click

from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import domain_message, t, zh
from minyi.core.errors import DomainError
from minyi.departments.services import NewDepartment, create_department, list_departments, record_created


@click.group()
@zh("添加和列出承办部门。")
def department() -> None:
    """Add and list departments."""


@department.command("create")
@click.argument("code", metavar=t("CODE", "部门代码"))
@click.argument("name", metavar=t("NAME", "名称"))
@click.option("--name-en", help=t("English name.", "英文名称。"))
@click.option("--parent", "parent_code", help=t("Code of the parent department.", "上级部门的代码。"))
@click.option("--phone", help=t("Public contact phone.", "对外联系电话。"))
@click.option("--email", help=t("Public contact e-mail.", "对外联系邮箱。"))
@pass_context
@zh("添加一个部门，代码如 JTJ，名称如 交通运输局。")
def create(
    ctx: CliContext,
    code: str,
    name: str,
    name_en: str | None,
    parent_code: str | None,
    phone: str | None,
    email: str | None,
) -> None:
    """Add a department with CODE (e.g. JTJ) and NAME (e.g. 交通运输局)."""
    database = ctx.require_current_schema()
    new = NewDepartment(code, name, name_en, parent_code, phone, email)
    try:
        with database.transaction() as session:
            created = create_department(session, new)
            record_created(session, created, by=None)
            code, name = created.code, created.name
    except DomainError as exc:
        raise click.ClickException(domain_message(exc.message)) from None
    click.echo(t(f"created department {code} {name}", f"已创建部门 {code} {name}"))


@department.command("list")
@pass_context
@zh("列出部门：代码、名称、联系电话。")
def list_(ctx: CliContext) -> None:
    """List departments: code, name, contact."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        for dept in list_departments(session):
            click.echo(f"{dept.code}\t{dept.name}\t{dept.contact_phone or ''}")
