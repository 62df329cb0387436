"""Jinja2 environment and the helpers every page uses."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from minyi.accounts import permissions
from minyi.cases import lifecycle
from minyi.cases.public_text import PublicText
from minyi.core.localtime import format_recent, format_time
from minyi.http.security import csrf_token
from minyi.pipeline.privacy import mask_contact_value, mask_text
from minyi.web import i18n, import_texts, labels
from minyi.web.audit_details import audit_actor, audit_details, audit_subject
from minyi.web.timeline_details import event_details

TEMPLATES_DIR = Path(__file__).parent / "templates"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


@pass_context
def _masked(context: Context, text: str | None) -> str:
    """``text`` with personal data masked; the page's official numbers (``keep_numbers``) stay readable."""
    return mask_text(text, keep=context.get("keep_numbers", ()))


_HAN = re.compile(r"[\u3400-\u9fff]")


@pass_context
def _zh(context: Context, text: str | None) -> str:
    """Chinese data on an English page, marked ``lang="zh-CN"`` (WCAG 3.1.2, language of parts).

    A screen reader reads a message's text with a Chinese voice instead of spelling it in an
    English one. Chinese pages and text without Han characters are left as they are.
    """
    value = "" if text is None else text
    if context.get("lang") != "en" or not _HAN.search(value):
        return value
    return Markup('<span lang="zh-CN">{}</span>').format(value)


#: A phone number written with dashes (0731-12345, 0731-8800-1234-801, masked 0731-******56):
#: digit groups, the first of at least three digits, joined by hyphens.
_PHONE = re.compile(r"(?<![0-9A-Za-z*\-])[0-9]{3,}[0-9*]*(?:-[0-9*]{2,})+(?![0-9A-Za-z*\-])")


def _unbroken(text: str | None) -> Markup:
    """``text`` escaped, each phone number in it kept on one line (``<span class="nowrap">``).

    A phone's browser broke a reply's 0731-12345 at its dash, leaving 0731- at a line's end.
    Markup (from ``zh`` or ``highlight``) is taken as it is; its tags have no such numbers.
    """
    escaped = str(escape("" if text is None else text))
    return Markup(_PHONE.sub(lambda found: f'<span class="nowrap">{found.group(0)}</span>', escaped))  # noqa: S704 - escaped above


templates.env.filters["masked"] = _masked
templates.env.filters["unbroken"] = _unbroken
templates.env.filters["zh"] = _zh
templates.env.filters["masked_contact"] = mask_contact_value
templates.env.filters["time"] = format_time
templates.env.filters["recent"] = format_recent
templates.env.globals["status_label"] = lifecycle.label
templates.env.globals["may"] = permissions.may_at_all  # {% if may(user, 'administer') %}
templates.env.globals.update(labels.GLOBALS)  # event_label, channel_label, describe_alert …
templates.env.globals.update(
    import_field=import_texts.field_label,
    import_status=import_texts.run_status,
    import_layout=import_texts.layout_text,
    import_problem=import_texts.problem_text,
    unused_columns=import_texts.unused_columns,
)


def here(request: Request) -> str:
    """This page's path and query without ``lang``: where the language switch comes back to."""
    kept = [(key, value) for key, value in request.query_params.multi_items() if key != "lang"]
    return request.url.path + (f"?{urlencode(kept)}" if kept else "")


templates.env.globals["here"] = here
templates.env.globals["event_details"] = event_details
templates.env.globals["audit_details"] = audit_details
templates.env.globals["audit_actor"] = audit_actor
templates.env.globals["audit_subject"] = audit_subject


def _site_name(settings: Any, language: str) -> str:
    """The site's name in the page's language (an English page headed 民意 · 政务留言 mixed the two)."""
    return str(settings.site_name_en if language == "en" and settings.site_name_en else settings.site_name)


def language_of(request: Request) -> i18n.Language:
    """The page language: ``?lang=``, else the cookie, else the browser's, else the site default.

    The browser's is the first of zh and en its ``Accept-Language`` prefers, if it names one.
    """
    default = i18n.accepted_language(request.headers.get("accept-language")) or (
        request.app.state.settings.default_language
    )
    return i18n.pick_language(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE), default)


FLASH_KEY = "flash"
MAX_FLASHES = 3


def flash(request: Request, key: str, **values: str) -> None:
    """Say on the next page, once, that an action was done (``flash.*`` texts, ``{name}`` filled)."""
    text = i18n.translate(key, language_of(request)).format(**values)
    waiting = [str(t) for t in request.session.get(FLASH_KEY, [])]
    request.session[FLASH_KEY] = [*waiting, text][-MAX_FLASHES:]


def _take_flashes(request: Request) -> list[str]:
    """The messages waiting for this session, removed so they are shown once."""
    if "session" not in request.scope:
        return []
    return [str(t) for t in request.session.pop(FLASH_KEY, [])]


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render template ``name`` with the common context."""
    language = language_of(request)
    ctx: dict[str, Any] = {
        "lang": language,
        "colon": ": " if language == "en" else "：",  # after a label: full width in Chinese only
        "t": lambda key: i18n.translate(key, language),
        "csrf_token": csrf_token(request),
        "site_name": _site_name(request.app.state.settings, language),
        "user": getattr(request.state, "user", None),
        "flashes": _take_flashes(request),
    }
    # What public texts show: http.deps.PUBLIC_VIEW adds the departments' numbers to the allow-list.
    public = getattr(request.state, "public_text", None)
    public = public or PublicText(request.app.state.settings.public_number_list)
    ctx.update(public_text=public, keep_numbers=public.keep)
    ctx.update(context or {})
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, language, max_age=365 * 86400, samesite="lax")
    return response
