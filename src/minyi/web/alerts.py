"""Staff page for alerts: the list, an acknowledge button, and the rules (admins switch them).

Its JSON twin is ``GET /api/v1/alerts`` (and ``/api/v1/alerts/rules`` for admins).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from minyi.accounts.permissions import Action, can, require
from minyi.alerts import reading
from minyi.alerts import rules as alert_rules
from minyi.alerts import services as alerts
from minyi.alerts.models import AlertRule
from minyi.core.errors import NotFound
from minyi.http.deps import CsrfChecked, DbSession, StaffUser
from minyi.http.transactions import Router
from minyi.web.templating import flash, render

router = Router(prefix="/staff/alerts", include_in_schema=False)
FormField = Annotated[str, Form()]
PAGE_SIZE = 50


@router.get("")
def alert_page(
    request: Request,
    db: DbSession,
    user: StaffUser,
    status: Annotated[Literal["open", "acknowledged", ""], Query()] = "open",
) -> Response:
    """Alerts (open ones by default, all with ``?status=``), and for admins the rules."""
    found, total = reading.alerts_for(db, user, status=status or None, limit=PAGE_SIZE)
    context = {
        "alerts": found,
        "total": total,
        "status": status,
        "can_acknowledge": can(user, Action.ACKNOWLEDGE_ALERT),
        "rules": alert_rules.list_rules(db) if can(user, Action.MANAGE_ALERT_RULES) else [],
    }
    return render(request, "staff/alerts.html", context)


@router.post("/{alert_id}/acknowledge")
def acknowledge(
    request: Request, db: DbSession, user: StaffUser, alert_id: str, _csrf: CsrfChecked = None
) -> Response:
    """Acknowledge one alert (admins, dispatchers, supervisors)."""
    alerts.acknowledge_by_id(db, user, alert_id)
    db.commit()
    flash(request, "flash.alert_acknowledged")
    return RedirectResponse("/staff/alerts", status_code=303)


@router.post("/rules/{rule_id}/enabled")
def switch_rule(
    request: Request, db: DbSession, user: StaffUser, rule_id: str, _csrf: CsrfChecked = None
) -> Response:
    """Switch a rule on or off (admins)."""
    require(user, Action.MANAGE_ALERT_RULES)
    rule = db.get(AlertRule, rule_id)
    if rule is None:
        raise NotFound("no such alert rule")
    alert_rules.set_enabled(db, rule, not rule.enabled)
    db.commit()
    flash(request, "flash.saved")
    return RedirectResponse("/staff/alerts#rules", status_code=303)
