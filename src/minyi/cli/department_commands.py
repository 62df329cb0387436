"""``minyi department``: the departments that answer cases."""

from __future__ import annotations

import click

from minyi.cli.context import CliContext, pass_context
from minyi.core.errors import DomainError
from minyi.departments.services import NewDepartment, create_department, list_departments


@click.group()
def department() -> None:
    """Add and list departments."""


@department.command("create")
@click.argument("code")
@click.argument("name")
@click.option("--name-en", help="English name.")
@click.option("--parent", "parent_code", help="Code of the parent department.")
@click.option("--phone", help="Public contact phone.")
@click.option("--email", help="Public contact e-mail.")
@pass_context
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
            code, name = created.code, created.name
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"created department {code} {name}")


@department.command("list")
@pass_context
def list_(ctx: CliContext) -> None:
    """List departments: code, name, contact."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        for dept in list_departments(session):
            click.echo(f"{dept.code}\t{dept.name}\t{dept.contact_phone or ''}")
