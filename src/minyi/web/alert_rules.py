"""Admins add and edit alert rules on the staff pages (``/staff/alerts``), not only by CLI.

The form has one field per parameter; only the chosen kind's fields are read, a blank one
takes the default. Errors are shown next to their field, in the page's language. The rules
themselves are :mod:`minyi.alerts.rules` (the same checks as the CLI and the API).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.alerts import params as rule_params
from minyi.alerts import rules as alert_rules
from minyi.alerts.models import AlertRule, RuleKind, Scope
from minyi.alerts.params import RuleError
from minyi.audit import services as audit
from minyi.core.errors import NotFound
from minyi.http.deps import CsrfChecked, DbSession, StaffUser, client_address
from minyi.http.transactions import Router
from minyi.web.templating import language_of, render
from minyi.web.validation import field_label, plain_errors

router = Router(prefix="/staff/alerts/rules", include_in_schema=False)
_SPLIT = re.compile(r"[\s,，、;；]+")
LIST_FIELDS = ("keywords",)
FORM_PARAMS = {kind: list(model.model_fields) for kind, model in rule_params.MODELS.items()}


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


RuleForm = Annotated[dict[str, str], Depends(_form)]


def _admin(user: User) -> User:
    require(user, Action.MANAGE_ALERT_RULES)
    return user


def _words(text: str) -> list[str]:
    return [part for part in _SPLIT.split(text) if part]


def _params(kind: str, form: dict[str, str]) -> dict[str, Any]:
    """The kind's parameters from the form; blanks are left to the defaults."""
    found: dict[str, Any] = {}
    for name in FORM_PARAMS.get(kind, []):
        value = form.get(name, "").strip()
        if value:
            found[name] = _words(value) if name in LIST_FIELDS else value
    return found


def _rule_error(exc: RuleError, language: str) -> dict[str, str]:
    """A rule service's error next to its field, in words."""
    field = exc.field.removeprefix("params.") if exc.field else "form"
    label = field_label(field, language)
    en = language == "en"
    if field == "name" and "exists" in exc.message:
        return {field: "A rule with this name exists already." if en else "已有同名规则，请换一个名称。"}
    if field == "cooldown_minutes":
        high = alert_rules.MAX_COOLDOWN_MINUTES
        return {field: f"{label}: 1 to {high} minutes." if en else f"{label}应在 1 到 {high} 分钟之间。"}
    if field == "name":
        return {field: "Please give a name of at most 120 characters." if en else "请填写名称（最多120字）。"}
    return {field: f"{label} is not valid; please check it." if en else f"{label}填写有误，请检查。"}


def _checked(kind: str, form: dict[str, str], language: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The parameters checked by the kind's model, or the errors per field."""
    model = rule_params.MODELS.get(kind)
    if model is None:
        return {}, {"kind": field_label("kind", language)}
    try:
        return model.model_validate(_params(kind, form)).model_dump(), {}
    except ValidationError as exc:
        errors = plain_errors(exc.errors(), language)
        if "form" in errors:  # a check of the whole (threshold: a count or likes)
            errors["min_count"] = errors.pop("form")
        return {}, errors


def _cooldown(form: dict[str, str]) -> int:
    text = form.get("cooldown_minutes", "").strip()
    return int(text) if text.isdigit() else 0


def _page(
    request: Request, rule: AlertRule | None, kind: str, values: dict[str, Any], errors: dict[str, str]
) -> Response:
    context = {
        "rule": rule,
        "kind": kind,
        "values": values,
        "errors": errors,
        "fields": FORM_PARAMS.get(kind, []),
        "kinds": [k.value for k in RuleKind],
        "scopes": [s.value for s in Scope],
    }
    return render(request, "staff/alert_rule.html", context, status_code=422 if errors else 200)


def _values(rule: AlertRule) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": rule.name,
        "scope": rule.scope,
        "cooldown_minutes": rule.cooldown_minutes,
        "emails": "\n".join(rule.emails),
        "webhook_urls": "\n".join(rule.webhook_urls),
    }
    for key, value in rule.params.items():
        values[key] = "、".join(value) if isinstance(value, list) else ("" if value is None else value)
    return values


def _save(
    db: Session, rule: AlertRule | None, kind: str, form: dict[str, str], language: str
) -> tuple[AlertRule | None, dict[str, str]]:
    checked, errors = _checked(kind, form, language)
    if errors:
        return None, errors
    fields: dict[str, Any] = {
        "name": form.get("name", ""),
        "scope": form.get("scope", Scope.ALL.value),
        "params": checked,
        "cooldown_minutes": _cooldown(form),
        "webhook_urls": _words(form.get("webhook_urls", "")),
        "emails": _words(form.get("emails", "")),
    }
    try:
        if rule is None:
            return alert_rules.create_rule(db, kind=kind, **fields), {}
        return alert_rules.update_rule(db, rule, **fields), {}
    except RuleError as exc:
        db.rollback()
        return None, _rule_error(exc, language)


@router.get("/new")
def new_rule_page(request: Request, user: StaffUser, kind: str = RuleKind.BURST.value) -> Response:
    """The form for a new rule of ``kind``, with the defaults filled in."""
    _admin(user)
    model = rule_params.MODELS.get(kind)
    if model is None:
        raise NotFound("no such kind of rule")
    defaults = {name: (f.default if f.default is not None else "") for name, f in model.model_fields.items()}
    values = {
        "scope": Scope.ALL.value,
        "cooldown_minutes": 60,
        **{k: v for k, v in defaults.items() if v != ""},
    }
    return _page(request, None, kind, values, {})


@router.post("")
def add_rule(
    request: Request, db: DbSession, user: StaffUser, form: RuleForm, _csrf: CsrfChecked = None
) -> Response:
    """Add a rule from the form; the form comes back with its errors when it is invalid."""
    _admin(user)
    kind = form.get("kind", "")
    if kind not in rule_params.MODELS:
        raise NotFound("no such kind of rule")
    rule, errors = _save(db, None, kind, form, language_of(request))
    if rule is None:
        return _page(request, None, kind, form, errors)
    alert_rules.record(db, audit.ALERT_RULE_SAVED, rule, by=user, address=client_address(request), new=True)
    db.commit()
    return RedirectResponse(f"/staff/alerts#rule-{rule.id}", status_code=303)


def _rule(db: Session, rule_id: str) -> AlertRule:
    rule = db.get(AlertRule, rule_id)
    if rule is None:
        raise NotFound("no such alert rule")
    return rule


@router.get("/{rule_id}")
def edit_rule_page(request: Request, db: DbSession, user: StaffUser, rule_id: str) -> Response:
    """The form to change a rule."""
    _admin(user)
    rule = _rule(db, rule_id)
    return _page(request, rule, rule.kind, _values(rule), {})


@router.post("/{rule_id}")
def edit_rule(
    request: Request, db: DbSession, user: StaffUser, rule_id: str, form: RuleForm, _csrf: CsrfChecked = None
) -> Response:
    """Change a rule's name, scope, parameters, cool-down and targets."""
    _admin(user)
    rule = _rule(db, rule_id)
    saved, errors = _save(db, rule, rule.kind, form, language_of(request))
    if saved is None:
        return _page(request, db.get(AlertRule, rule_id), rule.kind, form, errors)
    alert_rules.record(db, audit.ALERT_RULE_SAVED, saved, by=user, address=client_address(request))
    db.commit()
    return RedirectResponse(f"/staff/alerts#rule-{rule.id}", status_code=303)
