"""The demand forecast page (/public/dashboard/forecast): history, forecast and its error.

No login: only weekly counts are shown (:mod:`minyi.accountability.forecast`), computed at
most once per data change (:mod:`minyi.accountability.forecast_cache`). The chart is drawn
by ``/static/forecast-chart.js`` with the vendored ECharts; the table under it holds every
number, so the page reads without JavaScript too.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from fastapi.responses import Response

from minyi.accountability.forecast import MAX_WEEKS, TOTAL_KEY, ForecastReport, SeriesForecast
from minyi.accountability.forecast_cache import cached_forecast
from minyi.departments.services import list_categories
from minyi.http.deps import DbSession
from minyi.http.transactions import Router
from minyi.web import i18n
from minyi.web.templating import language_of, render

router = Router(include_in_schema=False)
CHART_HISTORY_WEEKS = 104  # two years of history on the chart; the JSON has all of it


def _label(series: SeriesForecast, language: str, english: dict[str, str] | None = None) -> str:
    """A series' name: 总量, or its category's (in English on the English page), or its region."""
    if series.key == TOTAL_KEY:
        return i18n.translate("forecast.total", language)
    return (english or {}).get(series.key, series.label) if language == "en" else series.label


def english_names(db: DbSession, by: str) -> dict[str, str]:
    """Top-level categories' English names by id (a series' key), for the English page."""
    if by != "category":
        return {}
    return {c.id: c.name_en for c in list_categories(db, max_level=1) if c.name_en}


def chart_data(
    report: ForecastReport, language: str, english: dict[str, str] | None = None
) -> dict[str, Any]:
    """Every series' recent history and forecast, for forecast-chart.js."""
    shown = report.history_weeks[-CHART_HISTORY_WEEKS:]
    weeks = [w.isoformat() for w in [*shown, *report.forecast_weeks]]
    labels = {
        k: i18n.translate(f"forecast.chart.{k}", language) for k in ("history", "forecast", "lower", "band")
    }
    padding: list[float | None] = [None] * len(report.forecast_weeks)
    series = []
    for item in report.series:
        past = item.history[-CHART_HISTORY_WEEKS:]
        joint: list[float | None] = [None] * (len(past) - 1) + [float(past[-1])] if past else []
        series.append(
            {
                "key": item.key,
                "label": _label(item, language, english),
                "history": [*past, *padding],
                "forecast": [*joint, *item.values],
                "lower": [*([None] * len(past)), *item.lower],
                "upper": [*([None] * len(past)), *item.upper],
            }
        )
    return {"weeks": weeks, "labels": labels, "series": series}


def _number(value: float | None, suffix: str = "") -> str:
    """One decimal place at most (13.946 beside 14 read as two different precisions)."""
    return "—" if value is None else f"{round(value, 1):g}{suffix}"


#: A forecast's MASE below this beat "last week again" clearly; up to the next, about as well.
RELIABLE_BELOW, FAIR_BELOW = 0.8, 1.2


def _reliability(mase: float | None, language: str) -> str:
    """The backtest's verdict in plain words: what a reader can do with the forecast."""
    if mase is None:
        key = "forecast.reliability.unknown"
    elif mase < RELIABLE_BELOW:
        key = "forecast.reliability.good"
    elif mase < FAIR_BELOW:
        key = "forecast.reliability.fair"
    else:
        key = "forecast.reliability.weak"
    return i18n.translate(key, language)


def _rows(
    report: ForecastReport, language: str, english: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """One table row per series: the forecast per week and the errors beside the baselines."""
    rows = []
    for item in report.series:
        naive, seasonal = item.baselines
        cells = [
            f"{v:.0f} ({lo:.0f}–{hi:.0f})"
            for v, lo, hi in zip(item.values, item.lower, item.upper, strict=True)
        ]
        rows.append(
            {
                "label": _label(item, language, english),
                "cells": cells,
                "reliability": _reliability(item.error.mase, language),
                "mase": _number(item.error.mase),
                "mape": _number(item.error.mape, "%"),
                "naive": _number(naive.mase),
                "seasonal": _number(seasonal.mase),
                "short": item.note == "short_history",
            }
        )
    return rows


@router.get("/public/dashboard/forecast")
def forecast_page(
    request: Request,
    db: DbSession,
    by: Annotated[Literal["category", "region"], Query()] = "category",
    weeks: Annotated[int, Query(ge=1, le=MAX_WEEKS)] = 4,
    end: Annotated[date | None, Query()] = None,
) -> Response:
    """Weekly volume forecast, total and per category or region, with its backtest error."""
    report = cached_forecast(db, by=by, weeks=weeks, end=end)
    language = language_of(request)
    english = english_names(db, by) if language == "en" else {}
    context = {
        "report": report,
        "rows": _rows(report, language, english),
        "chart": chart_data(report, language, english),
        "values": {"by": by, "weeks": weeks, "end": end.isoformat() if end else ""},
        "empty": not report.history_weeks,
        # a far end (2030) has no weeks of history before it: say so, not "no messages yet"
        "empty_text": (
            i18n.translate("forecast.empty_end", language).format(end=end.isoformat())
            if end
            else i18n.translate("forecast.empty", language)
        ),
    }
    return render(request, "portal/forecast.html", context)
