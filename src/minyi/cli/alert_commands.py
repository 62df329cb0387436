"""``minyi alerts``: evaluate the alert rules (periodic job), list alerts, manage rules."""

from __future__ import annotations

import json
from typing import Any

import click

from minyi.alerts import rules as alert_rules
from minyi.alerts import services as alerts
from minyi.alerts.delivery import alert_document
from minyi.alerts.models import AlertRule, RuleKind, Scope
from minyi.alerts.params import RuleError
from minyi.cli.context import CliContext, pass_context


@click.group("alerts")
def alerts_group() -> None:
    """Spikes and alerts: burst, trend, threshold and emergency-keyword rules."""


@alerts_group.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the alerts raised as JSON.")
@pass_context
def check(ctx: CliContext, as_json: bool) -> None:
    """Evaluate the enabled burst, trend and threshold rules now (run it from a timer)."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        found = alerts.check(session, settings=ctx.settings)
        new = [a for a in found if alerts.is_new(a)]
        documents = [alert_document(a) for a in found]
    if as_json:
        click.echo(json.dumps({"new": len(new), "repeated": len(found) - len(new), "alerts": documents}))
        return
    click.echo(f"{len(new)} new alerts, {len(found) - len(new)} repeated within their cool-down")
    for document in documents:
        click.echo(f"  {document['rule']}: {document['label']} {json.dumps(document['measured'])}")


@alerts_group.command("list")
@click.option(
    "--status",
    type=click.Choice(["open", "acknowledged", "all"]),
    default="open",
    show_default=True,
    help="Which alerts.",
)
@click.option(
    "--limit", type=click.IntRange(1, 1000), default=50, show_default=True, help="At most this many."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def list_command(ctx: CliContext, status: str, limit: int, as_json: bool) -> None:
    """List alerts, most recently seen first."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        found, total = alerts.list_alerts(session, status=None if status == "all" else status, limit=limit)
        rows = [{**alert_document(a), "status": a.status, "repeat_count": a.repeat_count} for a in found]
    if as_json:
        click.echo(json.dumps({"total": total, "alerts": rows}, ensure_ascii=False))
        return
    for row in rows:
        seen = f"×{row['repeat_count'] + 1}"
        click.echo(f"{row['fired_at'][:16]}  {row['status']:12} {seen:>5}  {row['rule']}: {row['label']}")
    click.echo(f"{total} alerts ({status})")


def _rule_row(rule: AlertRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "kind": rule.kind,
        "scope": rule.scope,
        "params": rule.params,
        "cooldown_minutes": rule.cooldown_minutes,
        "enabled": rule.enabled,
        "webhook_urls": rule.webhook_urls,
        "emails": rule.emails,
    }


@alerts_group.command("rules")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def rules_command(ctx: CliContext, as_json: bool) -> None:
    """List the alert rules."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        rows = [_rule_row(rule) for rule in alert_rules.list_rules(session)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        state = "on " if row["enabled"] else "off"
        params = json.dumps(row["params"], ensure_ascii=False)
        click.echo(
            f"[{state}] {row['name']} ({row['kind']}/{row['scope']}, {row['cooldown_minutes']} min) {params}"
        )


def _param(pairs: tuple[str, ...]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--param")
        try:
            parsed[name.strip()] = json.loads(value)
        except json.JSONDecodeError:
            parsed[name.strip()] = value
    return parsed


@alerts_group.command("add-rule")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice([k.value for k in RuleKind]), help="Kind of rule.")
@click.option(
    "--scope", type=click.Choice([s.value for s in Scope]), default="all", show_default=True, help="Group by."
)
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter, e.g. ratio=4.")
@click.option("--keyword", "keywords", multiple=True, help="A word to watch (keyword rules); repeat it.")
@click.option(
    "--cooldown", type=click.IntRange(1), default=60, show_default=True, help="Cool-down in minutes."
)
@click.option("--webhook", "webhooks", multiple=True, help="The rule's own webhook URL; repeat it.")
@click.option("--email", "emails", multiple=True, help="The rule's own e-mail recipient; repeat it.")
@click.option("--disabled", is_flag=True, help="Add it switched off.")
@pass_context
def add_rule(
    ctx: CliContext,
    name: str,
    kind: str,
    scope: str,
    params: tuple[str, ...],
    keywords: tuple[str, ...],
    cooldown: int,
    webhooks: tuple[str, ...],
    emails: tuple[str, ...],
    disabled: bool,
) -> None:
    """Add an alert rule NAME."""
    values = _param(params)
    if keywords:
        values["keywords"] = list(keywords)
    database = ctx.require_current_schema()
    try:
        with database.transaction() as session:
            rule = alert_rules.create_rule(
                session,
                name=name,
                kind=kind,
                scope=scope,
                params=values,
                cooldown_minutes=cooldown,
                webhook_urls=webhooks,
                emails=emails,
                enabled=not disabled,
            )
            shown = json.dumps(rule.params, ensure_ascii=False)
    except RuleError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"rule {name!r} added ({kind}/{scope}): {shown}")


def _switch(ctx: CliContext, name_or_id: str, enabled: bool) -> None:
    database = ctx.require_current_schema()
    with database.transaction() as session:
        rule = alert_rules.find_rule(session, name_or_id)
        if rule is None:
            raise click.ClickException(f"no alert rule {name_or_id!r} (see `minyi alerts rules`)")
        alert_rules.set_enabled(session, rule, enabled)
    click.echo(f"rule {name_or_id!r} {'enabled' if enabled else 'disabled'}")


@alerts_group.command("enable")
@click.argument("rule")
@pass_context
def enable(ctx: CliContext, rule: str) -> None:
    """Switch on the rule RULE (name or id)."""
    _switch(ctx, rule, enabled=True)


@alerts_group.command("disable")
@click.argument("rule")
@pass_context
def disable(ctx: CliContext, rule: str) -> None:
    """Switch off the rule RULE (name or id)."""
    _switch(ctx, rule, enabled=False)
