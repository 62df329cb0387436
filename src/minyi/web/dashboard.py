"""The public dashboard (/public/dashboard) and the open data of its aggregates (/public/data/scorecard.*).

No login: everything shown is an aggregate count or a rate (``minyi.accountability``), read
from the pre-aggregated table, never from the cases. A bad filter value answers 422 with
the page and a sentence naming the filter, in the reader's language.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response

from minyi.accountability import opendata
from minyi.accountability.definitions import FIGURES, HOURS_AS_DAYS, RANKABLE, figure
from minyi.accountability.overview import DEFAULT_RANK, Overview, choices, overview, with_default_period
from minyi.accountability.scorecard import Filter, Ranked, Row, parse_filter
from minyi.core.errors import InvalidInput
from minyi.core.localtime import format_time
from minyi.http.deps import AppSettings, DbSession
from minyi.http.transactions import Router
from minyi.web import downloads, i18n
from minyi.web.errors import error_page
from minyi.web.templating import language_of, render

router = Router(include_in_schema=False)
MonthQuery = Annotated[str, Query(max_length=20)]
KeyQuery = Annotated[str, Query(max_length=60)]
RegionQuery = Annotated[str, Query(max_length=300)]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def format_value(key: str, value: float | None, language: str) -> str:
    """A figure as people read it: 93.5%, 36.0 小时 / 3.2 天, a count, or — for none."""
    if value is None:
        return i18n.translate("dashboard.no_value", language)
    kind = figure(key).kind
    if kind == "count":
        return f"{int(value):,}"
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if value > HOURS_AS_DAYS:
        return i18n.translate("dashboard.days", language).format(n=f"{value / 24:.1f}")
    return i18n.translate("dashboard.hours", language).format(n=f"{value:.1f}")


def _row(row: Row, language: str) -> dict[str, Any]:
    values = {f.key: format_value(f.key, row.value(f.key), language) for f in FIGURES}
    return {"key": row.key, "label": row.label(language), "volume": row.volume, "values": values}


def _ranked(item: Ranked, language: str) -> dict[str, Any]:
    shown = _row(item.row, language)
    if item.rank is not None:
        shown["rank"] = str(item.rank)
    elif not item.enough:
        shown["rank"] = i18n.translate("dashboard.too_few", language)
    else:
        shown["rank"] = i18n.translate("dashboard.no_value", language)
    shown["ranked"] = item.rank is not None
    return shown


def chart_data(view: Overview, language: str) -> dict[str, Any]:
    """The trend series for the chart script: months, volume, and each rate in percent."""
    rates = [f for f in FIGURES if f.kind == "rate"]
    series = [
        {"name": f.name(language), "data": [_percent(row.value(f.key)) for row in view.trend]} for f in rates
    ]
    return {
        "months": [row.key for row in view.trend],
        "volume": [row.volume for row in view.trend],
        "volume_label": i18n.translate("dashboard.trend.volume", language),
        "rates": series,
    }


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _query_string(flt: Filter, rank: str) -> str:
    from urllib.parse import urlencode

    pairs = {
        "start": flt.start or "",
        "end": flt.end or "",
        "department": "-" if flt.department_id == "" else (flt.department_id or ""),
        "region": "-" if flt.region == "" else (flt.region or ""),
        "category": "-" if flt.category_id == "" else (flt.category_id or ""),
    }
    if rank != DEFAULT_RANK:
        pairs["rank"] = rank
    return urlencode({key: value for key, value in pairs.items() if value})


def _context(view: Overview, language: str, licence: str) -> dict[str, Any]:
    return {
        "view": view,
        "choices": view.choices,
        "figures": [(f, f.name(language), f.definition(language)) for f in FIGURES],
        "rankable": [(key, figure(key).name(language)) for key in RANKABLE],
        "total": _row(view.total, language),
        "total_bases": {f.key: f.base(view.total.counts) for f in FIGURES},
        "groups": {by: [_ranked(item, language) for item in items] for by, items in view.groups.items()},
        "trend": [_row(row, language) for row in view.trend],
        "chart": chart_data(view, language),
        "refreshed": format_time(view.refreshed_at) if view.refreshed_at else "",
        "query": _query_string(view.flt, view.rank),
        "min_volume_text": i18n.translate("dashboard.min_volume", language).format(n=view.min_volume),
        "licence": licence,
    }


def _error_text(exc: InvalidInput, language: str) -> str:
    key = f"dashboard.error.{exc.field}"
    text = i18n.translate(key, language)
    return text if text != key else i18n.translate("dashboard.error", language)


@router.get("/public/dashboard")
def dashboard(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    start: MonthQuery = "",
    end: MonthQuery = "",
    department: KeyQuery = "",
    region: RegionQuery = "",
    category: KeyQuery = "",
    rank: KeyQuery = DEFAULT_RANK,
) -> Response:
    """The scorecard: headline figures with their definitions, trend, rankings, open-data links."""
    language = language_of(request)
    values = {"start": start, "end": end, "department": department, "region": region, "category": category}
    try:
        flt = parse_filter(start, end, department, region, category)
        view = overview(db, flt, rank=rank or DEFAULT_RANK, min_volume=settings.scorecard_min_volume)
    except InvalidInput as exc:
        context = {
            "error": _error_text(exc, language),
            "values": values,
            "choices": choices(db),
            "view": None,
        }
        context["figures"] = [(f, f.name(language), f.definition(language)) for f in FIGURES]
        context["rankable"] = [(key, figure(key).name(language)) for key in RANKABLE]
        return render(request, "portal/dashboard.html", context, status_code=422)
    context = _context(view, language, settings.open_data_licence)
    context["values"] = {
        **values,
        "start": view.flt.start or "",
        "end": view.flt.end or "",
        "rank": view.rank,
    }
    return render(request, "portal/dashboard.html", context)


@router.get("/public/data/scorecard.{fmt}")
def scorecard_data(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    fmt: str,
    start: MonthQuery = "",
    end: MonthQuery = "",
    department: KeyQuery = "",
    region: RegionQuery = "",
    category: KeyQuery = "",
    by: Annotated[str, Query(max_length=60)] = "",
) -> Response:
    """The aggregate table as CSV, JSON or XLSX (every month unless a period is given)."""
    if fmt not in MEDIA:
        return error_page(request, i18n.translate("error.not_found", language_of(request)), 404)
    try:
        flt = parse_filter(start, end, department, region, category)
        dims = opendata.parse_dims(by)
        with downloads.one_at_a_time():
            table = opendata.build(db, flt, dims, settings.open_data_licence)
            body = {"csv": opendata.to_csv, "json": opendata.to_json, "xlsx": opendata.to_xlsx}[fmt](table)
    except InvalidInput as exc:
        return error_page(request, _error_text(exc, language_of(request)), 422)
    headers = {"Content-Disposition": f'attachment; filename="scorecard.{fmt}"'}
    return Response(body, media_type=MEDIA[fmt], headers=headers)


__all__ = ["chart_data", "format_value", "router", "with_default_period"]
