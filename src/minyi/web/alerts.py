"""Staff page for alerts: the list, an acknowledge button, and the rules (admins switch them).

Its JSON twin is ``GET /api/v1/alerts`` (and ``/api/v1/alerts/rules`` for admins).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from minyi.accounts.models import Role
from minyi.alerts import rules as alert_rules
from minyi.alerts import services as alerts
from minyi.alerts.models import AlertRule, AlertStatus
from minyi.core.errors import DomainError
from minyi.http.deps import DbSession, StaffUser
from minyi.web.staff import _check_csrf
from minyi.web.templating import render

router = APIRouter(prefix="/staff/alerts", include_in_schema=False)
FormField = Annotated[str, Form()]
PAGE_SIZE = 50


@router.get("")
def alert_page(
    request: Request,
    db: DbSession,
    user: StaffUser,
    status: Annotated[AlertStatus | None, Query()] = AlertStatus.OPEN,
) -> Response:
    """Alerts (open ones by default), and for admins the rules."""
    found, total = alerts.list_alerts(db, status=status.value if status else None, limit=PAGE_SIZE)
    context = {
        "alerts": found,
        "total": total,
        "status": status.value if status else "",
        "can_acknowledge": user.role in alerts.ACKNOWLEDGING_ROLES,
        "rules": alert_rules.list_rules(db) if user.role == Role.ADMIN else [],
    }
    return render(request, "staff/alerts.html", context)


@router.post("/{alert_id}/acknowledge")
def acknowledge(
    request: Request, db: DbSession, user: StaffUser, alert_id: str, csrf_token: FormField = ""
) -> Response:
    """Acknowledge one alert (admins, dispatchers, supervisors)."""
    _check_csrf(request, csrf_token)
    try:
        alerts.acknowledge_by_id(db, user, alert_id)
    except DomainError as exc:
        raise HTTPException(exc.status, exc.message) from exc
    db.commit()
    return RedirectResponse("/staff/alerts", status_code=303)


@router.post("/rules/{rule_id}/enabled")
def switch_rule(
    request: Request, db: DbSession, user: StaffUser, rule_id: str, csrf_token: FormField = ""
) -> Response:
    """Switch a rule on or off (admins)."""
    _check_csrf(request, csrf_token)
    if user.role != Role.ADMIN:
        raise HTTPException(403, "administrators only")
    rule = db.get(AlertRule, rule_id)
    if rule is None:
        raise HTTPException(404, "no such alert rule")
    alert_rules.set_enabled(db, rule, not rule.enabled)
    db.commit()
    return RedirectResponse("/staff/alerts#rules", status_code=303)
