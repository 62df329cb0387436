"""``minyi department``: the departments that answer cases."""

from __future__ import annotations

import click
from sqlalchemy import select

from minyi.cli.context import CliContext, pass_context
from minyi.departments.models import Department
from minyi.departments.services import list_departments


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
    with database.transaction() as session:
        if session.scalar(select(Department).where(Department.code == code)) is not None:
            raise click.ClickException(f"department {code!r} already exists")
        parent = None
        if parent_code:
            parent = session.scalar(select(Department).where(Department.code == parent_code))
            if parent is None:
                raise click.ClickException(f"no department with code {parent_code!r}")
        session.add(
            Department(
                code=code, name=name, name_en=name_en, parent=parent, contact_phone=phone, contact_email=email
            )
        )
    click.echo(f"created department {code} {name}")


@department.command("list")
@pass_context
def list_(ctx: CliContext) -> None:
    """List departments: code, name, contact."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        for dept in list_departments(session):
            click.echo(f"{dept.code}\t{dept.name}\t{dept.contact_phone or ''}")
