"""JSON routes for alerts (every staff token) and alert rules (admin tokens).

Alerts are topic-level: a hot issue, a category, a region or a keyword, with the numbers
measured and, for a keyword, a masked snippet. No author, pseudonym or contact appears.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.alerts import reading
from minyi.alerts import rules as alert_rules
from minyi.alerts import services as alerts
from minyi.alerts.models import AlertRule, RuleKind, Scope
from minyi.alerts.params import RuleError
from minyi.alerts.reading import AlertView
from minyi.alerts.rules import MAX_COOLDOWN_MINUTES, MAX_TARGETS
from minyi.api.routes import CURSOR_HELP, TokenUser
from minyi.audit import services as audit
from minyi.core.errors import NotFound
from minyi.http.deps import DbSession, client_address
from minyi.http.transactions import Router
from minyi.pipeline.privacy import mask_text


def _admin(user: TokenUser) -> User:
    require(user, Action.MANAGE_ALERT_RULES)
    return user


AdminToken = Annotated[User, Depends(_admin)]
router = Router(prefix="/api/v1/alerts", tags=["alerts"])


class AlertOut(BaseModel):
    """An alert: which rule saw what about which topic, and whether staff took note."""

    id: str
    rule: str
    rule_id: str
    kind: str
    scope_kind: str
    scope_key: str
    label: str = Field(description="The topic, masked")
    fired_at: datetime
    last_seen_at: datetime
    repeat_count: int = Field(
        description="Times seen again with something new within the cool-down (another message, other counts)"
    )
    measured: dict[str, Any]
    status: str
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    issue_id: str | None
    category_id: str | None
    message_ids: list[str]


class AlertList(BaseModel):
    """A page of alerts, most recently seen first."""

    total: int
    alerts: list[AlertOut]
    next_cursor: str | None = Field(
        default=None, description="Pass as cursor for the next page; null on the last page"
    )


class RuleIn(BaseModel):
    """A new alert rule; ``params`` depend on ``kind`` (see the API documentation)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=120)
    kind: RuleKind
    scope: Scope = Scope.ALL
    params: dict[str, Any] = Field(default_factory=dict)
    cooldown_minutes: int = Field(default=60, ge=1, le=MAX_COOLDOWN_MINUTES)
    webhook_urls: list[str] = Field(default_factory=list, max_length=MAX_TARGETS)
    emails: list[str] = Field(default_factory=list, max_length=MAX_TARGETS)
    enabled: StrictBool = True


class RuleOut(BaseModel):
    """An alert rule."""

    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    kind: str
    scope: str
    params: dict[str, Any]
    cooldown_minutes: int
    enabled: bool
    webhook_urls: list[str]
    emails: list[str]


class EnabledIn(BaseModel):
    """Switch a rule on or off."""

    model_config = ConfigDict(extra="forbid")
    enabled: StrictBool


def alert_out(view: AlertView) -> AlertOut:
    """The JSON form of an alert as its reader may see it (the label masked)."""
    alert = view.alert
    return AlertOut(
        id=alert.id,
        rule=alert.rule.name,
        rule_id=alert.rule_id,
        kind=alert.kind,
        scope_kind=alert.scope_kind,
        scope_key=alert.scope_key,
        label=mask_text(alert.label),
        fired_at=alert.fired_at,
        last_seen_at=alert.last_seen_at,
        repeat_count=alert.repeat_count,
        measured=view.measured,
        status=alert.status,
        acknowledged_by=alert.acknowledged_by.username if alert.acknowledged_by is not None else None,
        acknowledged_at=alert.acknowledged_at,
        issue_id=alert.issue_id,
        category_id=alert.category_id,
        message_ids=view.message_ids,
    )


def _invalid(exc: RuleError) -> JSONResponse:
    return JSONResponse(
        {
            "error": "invalid_request",
            "message": str(exc),
            "fields": [{"field": exc.field, "message": exc.message}],
        },
        status_code=422,
    )


@router.get("", response_model=AlertList)
def list_alerts(
    db: DbSession,
    user: TokenUser,
    status_filter: Annotated[Literal["open", "acknowledged"] | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    cursor: Annotated[str | None, Query(max_length=1000, description=CURSOR_HELP)] = None,
) -> AlertList:
    """Alerts, most recently seen first; ``status`` filters; page with ``cursor`` (or ``offset``).

    Department tokens get no other department's message text or links (`snippet`, `message_ids`).
    """
    found, total, next_cursor = reading.alert_page_for(
        db, user, status=status_filter, limit=limit, offset=offset, cursor=cursor or None
    )
    return AlertList(total=total, alerts=[alert_out(a) for a in found], next_cursor=next_cursor)


@router.get("/rules", response_model=list[RuleOut])
def list_rules(db: DbSession, user: AdminToken) -> list[RuleOut]:  # noqa: ARG001 - admins only
    """Every alert rule, by name."""
    return [RuleOut.model_validate(rule) for rule in alert_rules.list_rules(db)]


@router.post("/rules", status_code=status.HTTP_201_CREATED, response_model=RuleOut)
def create_rule(request: Request, db: DbSession, user: AdminToken, data: RuleIn) -> Any:
    """Add an alert rule; ``422`` names the field at fault (``params.ratio``, ``name``…)."""
    try:
        rule = alert_rules.create_rule(db, **data.model_dump())
    except RuleError as exc:
        db.rollback()
        return _invalid(exc)
    alert_rules.record(db, audit.ALERT_RULE_SAVED, rule, by=user, address=client_address(request), new=True)
    db.commit()
    return RuleOut.model_validate(rule)


@router.post("/rules/{rule_id}/enabled", response_model=RuleOut)
def switch_rule(request: Request, db: DbSession, user: AdminToken, rule_id: str, data: EnabledIn) -> RuleOut:
    """Switch a rule on or off (recorded in the audit trail)."""
    rule = db.get(AlertRule, rule_id)
    if rule is None:
        raise NotFound("no such alert rule")
    alert_rules.set_enabled(db, rule, data.enabled)
    alert_rules.record(db, audit.ALERT_RULE_SWITCHED, rule, by=user, address=client_address(request))
    db.commit()
    return RuleOut.model_validate(rule)


@router.post("/{alert_id}/acknowledge", response_model=AlertOut)
def acknowledge(db: DbSession, user: TokenUser, alert_id: str) -> AlertOut:
    """Mark an alert acknowledged (admins, dispatchers, supervisors); ``409`` if it already is."""
    alert = alerts.acknowledge_by_id(db, user, alert_id)
    db.commit()
    return alert_out(reading.views(db, user, [alert])[0])
