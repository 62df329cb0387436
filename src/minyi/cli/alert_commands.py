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
from minyi.audit import services as audit
from minyi.cli.context import CliContext, pass_context
from minyi.cli.i18n import domain_message, t, zh
from minyi.core.localtime import format_time


@click.group("alerts")
@zh("突增与预警：突发、趋势、阈值和紧急关键词规则。")
def alerts_group() -> None:
    """Spikes and alerts: burst, trend, threshold and emergency-keyword rules."""


@alerts_group.command("check")
@click.option(
    "--json", "as_json", is_flag=True, help=t("Print the alerts raised as JSON.", "以 JSON 输出产生的预警。")
)
@pass_context
@zh("立即评估已启用的突发、趋势和阈值规则（由定时器运行）。")
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
    repeated = len(found) - len(new)
    click.echo(
        t(
            f"{len(new)} new alerts, {repeated} repeated within their cool-down",
            f"新预警 {len(new)} 条，冷却期内重复 {repeated} 条",
        )
    )
    for document in documents:
        click.echo(f"  {document['rule']}: {document['label']} {json.dumps(document['measured'])}")


@alerts_group.command("list")
@click.option(
    "--status",
    type=click.Choice(["open", "acknowledged", "all"]),
    default="open",
    show_default=True,
    help=t("Which alerts.", "哪些预警。"),
)
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    default=50,
    show_default=True,
    help=t("At most this many.", "最多显示这么多条。"),
)
@click.option("--json", "as_json", is_flag=True, help=t("Print JSON.", "以 JSON 输出。"))
@pass_context
@zh("列出预警，最近出现的在前。")
def list_command(ctx: CliContext, status: str, limit: int, as_json: bool) -> None:
    """List alerts, most recently seen first."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        found, total = alerts.list_alerts(session, status=None if status == "all" else status, limit=limit)
        rows = [{**alert_document(a), "status": a.status, "repeat_count": a.repeat_count} for a in found]
    if as_json:
        click.echo(json.dumps({"total": total, "alerts": rows}, ensure_ascii=False))
        return
    for alert, row in zip(found, rows, strict=True):
        seen = f"×{row['repeat_count'] + 1}"
        state = t(f"{row['status']:12}", f"{ALERT_STATES_ZH.get(row['status'], row['status'])}")
        when = format_time(alert.fired_at)  # the office's time, as the alerts page writes it (was UTC)
        click.echo(f"{when}  {state} {seen:>5}  {row['rule']}: {row['label']}")
    said = ALERT_STATES_ZH.get(status, "全部")
    click.echo(t(f"{total} alerts ({status})", f"共 {total} 条预警（{said}）"))


#: An alert's states as the alerts page names them.
ALERT_STATES_ZH = {"open": "待处理", "acknowledged": "已确认"}


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
@click.option("--json", "as_json", is_flag=True, help=t("Print JSON.", "以 JSON 输出。"))
@pass_context
@zh("列出预警规则。")
def rules_command(ctx: CliContext, as_json: bool) -> None:
    """List the alert rules."""
    database = ctx.require_current_schema()
    with database.transaction() as session:
        rows = [_rule_row(rule) for rule in alert_rules.list_rules(session)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        state = t("on ", "启用") if row["enabled"] else t("off", "停用")
        params = json.dumps(row["params"], ensure_ascii=False)
        click.echo(
            f"[{state}] {row['name']} ({row['kind']}/{row['scope']}, "
            f"{row['cooldown_minutes']} {t('min', '分钟')}) {params}"
        )


def _param(pairs: tuple[str, ...]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(
                t(f"expected KEY=VALUE, got {pair!r}", f"应写成 键=值，实际是 {pair!r}"), param_hint="--param"
            )
        try:
            parsed[name.strip()] = json.loads(value)
        except json.JSONDecodeError:
            parsed[name.strip()] = value
    return parsed


@alerts_group.command("add-rule")
@click.argument("name", metavar=t("NAME", "名称"))
@click.option(
    "--kind",
    required=True,
    type=click.Choice([k.value for k in RuleKind]),
    help=t("Kind of rule.", "规则类型。"),
)
@click.option(
    "--scope",
    type=click.Choice([s.value for s in Scope]),
    default="all",
    show_default=True,
    help=t("Group by.", "分组方式。"),
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar=t("KEY=VALUE", "键=值"),
    help=t("A parameter, e.g. ratio=4.", "一个参数，如 ratio=4。"),
)
@click.option(
    "--keyword",
    "keywords",
    multiple=True,
    help=t("A word to watch (keyword rules); repeat it.", "要盯住的词（关键词规则）；可重复。"),
)
@click.option(
    "--cooldown",
    type=click.IntRange(1),
    default=60,
    show_default=True,
    help=t("Cool-down in minutes.", "冷却时间（分钟）。"),
)
@click.option(
    "--webhook",
    "webhooks",
    multiple=True,
    help=t("The rule's own webhook URL; repeat it.", "这条规则自己的 webhook 地址；可重复。"),
)
@click.option(
    "--email",
    "emails",
    multiple=True,
    help=t("The rule's own e-mail recipient; repeat it.", "这条规则自己的邮件收件人；可重复。"),
)
@click.option("--disabled", is_flag=True, help=t("Add it switched off.", "添加后先不启用。"))
@pass_context
@zh("添加一条预警规则，名称由参数“名称”给出。")
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
            alert_rules.record(session, audit.ALERT_RULE_SAVED, rule, by=None, new=True)
            shown = json.dumps(rule.params, ensure_ascii=False)
    except RuleError as exc:
        raise click.ClickException(domain_message(str(exc))) from exc
    click.echo(
        t(f"rule {name!r} added ({kind}/{scope}): {shown}", f"已添加规则 {name!r}（{kind}/{scope}）：{shown}")
    )


def _switch(ctx: CliContext, name_or_id: str, enabled: bool) -> None:
    database = ctx.require_current_schema()
    with database.transaction() as session:
        rule = alert_rules.find_rule(session, name_or_id)
        if rule is None:
            raise click.ClickException(
                t(
                    f"no alert rule {name_or_id!r} (see `minyi alerts rules`)",
                    f"没有预警规则 {name_or_id!r}（见 `minyi alerts rules`）",
                )
            )
        alert_rules.set_enabled(session, rule, enabled)
        alert_rules.record(session, audit.ALERT_RULE_SWITCHED, rule, by=None)
    click.echo(
        t(
            f"rule {name_or_id!r} {'enabled' if enabled else 'disabled'}",
            f"规则 {name_or_id!r} {'已启用' if enabled else '已停用'}",
        )
    )


@alerts_group.command("enable")
@click.argument("rule", metavar=t("RULE", "规则"))
@pass_context
@zh("启用参数“规则”（名称或 id）所指的规则。")
def enable(ctx: CliContext, rule: str) -> None:
    """Switch on the rule RULE (name or id)."""
    _switch(ctx, rule, enabled=True)


@alerts_group.command("disable")
@click.argument("rule", metavar=t("RULE", "规则"))
@pass_context
@zh("停用参数“规则”（名称或 id）所指的规则。")
def disable(ctx: CliContext, rule: str) -> None:
    """Switch off the rule RULE (name or id)."""
    _switch(ctx, rule, enabled=False)
