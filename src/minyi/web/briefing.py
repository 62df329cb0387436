"""The briefing rendered: one self-contained HTML page (inline CSS and SVG) and its PDF.

The data is :class:`minyi.accountability.briefing.Briefing`; this module only turns it into
text in the reader's language. It lives in the interface layer because it uses Jinja2 (the
template is ``templates/briefing/report.html``) and WeasyPrint. The PDF asks for Noto Sans
CJK by name, the font of the OS package ``fonts-noto-cjk``, so that every Chinese glyph has a
shape; WeasyPrint embeds the subset of the font it used.
"""

from __future__ import annotations

import logging
from typing import Any

from minyi.accountability.briefing import Briefing, Period
from minyi.accountability.briefing_charts import column_chart, hbar_chart, range_chart
from minyi.accountability.definitions import FIGURES, figure
from minyi.accountability.scorecard import Row
from minyi.alerts.wording import describe_alert, kind_name, scope_name
from minyi.core.localtime import format_time
from minyi.web import i18n
from minyi.web.templating import templates

TEMPLATE = "briefing/report.html"
MIN_SCORECARD_VOLUME = 1  # a department appears in the on-time chart with this many answers


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def shown(key: str, row: Row, language: str) -> str:
    """A figure of ``row`` as the briefing writes it: a count, a percentage or hours; — when none."""
    value = row.value(key)
    kind = figure(key).kind
    if value is None:
        return "—"
    if kind == "count":
        return f"{value:.0f}"
    if kind == "hours":
        return f"{value:.1f} h" if language == "en" else f"{value:.1f} 小时"
    return _percent(value)


def _change(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}%"


def title_of(briefing: Briefing, language: str) -> str:
    """The briefing's title (民意月报 …) in ``language``."""
    return i18n.translate(f"brief.title.{briefing.period.kind}", language)


def period_text(briefing: Briefing) -> str:
    """The period as dates: ``2019-03-01 — 2019-03-31`` (one date for a day)."""
    return _dates(briefing.period)


def compared_text(briefing: Briefing) -> str:
    """The period the changes (环比) are counted against, as dates.

    Said on the briefing because it is not always the whole period before: a month ending
    on the 15th is compared with the 1st to the 15th of the month before.
    """
    return _dates(briefing.compared_with)


def _dates(period: Period) -> str:
    if period.first == period.last:
        return period.first.isoformat()
    return f"{period.first.isoformat()} — {period.last.isoformat()}"


def _charts(briefing: Briefing, language: str) -> dict[str, str]:
    """The charts as SVG text, labelled in ``language``."""

    def t(key: str) -> str:
        return i18n.translate(key, language)

    charts = {"day": "brief.volume_chart_hours", "year": "brief.volume_chart_months"}
    volume_label = t(charts.get(briefing.period.kind, "brief.volume_chart"))
    on_time = [
        (row.label(language), row.value("on_time_rate") or 0.0)
        for row in briefing.scorecard
        if figure("on_time_rate").base(row.counts) >= MIN_SCORECARD_VOLUME
    ]
    forecast = briefing.forecast
    weeks = [
        (f"{w.week_start.month}/{w.week_start.day}", w.expected, w.low, w.high)
        for w in (forecast.weeks if forecast else ())
    ]
    return {
        "volume": column_chart(briefing.volume, volume_label),
        "on_time": hbar_chart(on_time, t("brief.on_time_chart"), percent=True),
        "forecast": range_chart(weeks, t("brief.forecast")),
    }


def _alerts(briefing: Briefing, language: str) -> list[dict[str, str]]:
    return [
        {
            "kind": kind_name(a.kind, language),
            "topic": f"{scope_name(a.scope_kind, language)} · {a.label}",
            "what": describe_alert(a.kind, a.measured, language),
            "time": format_time(a.fired_at),
        }
        for a in briefing.alerts
    ]


def render_html(briefing: Briefing, language: str, *, site_name: str) -> str:
    """The briefing as one HTML page (no script, no external resource)."""

    def t(key: str) -> str:
        return i18n.translate(key, language)

    context: dict[str, Any] = {
        "b": briefing,
        "lang": language,
        "colon": ": " if language == "en" else "：",
        "t": t,
        "site_name": site_name,
        "title": title_of(briefing, language),
        "period": period_text(briefing),
        "compared": compared_text(briefing),
        "percent": _percent,
        "shown": lambda key, row: shown(key, row, language),
        "figures": FIGURES,
        "change": _change,
        "charts": _charts(briefing, language),
        "alerts": _alerts(briefing, language),
    }
    return templates.env.get_template(TEMPLATE).render(context)


def render_pdf(html: str) -> bytes:
    """The PDF of a rendered briefing page (WeasyPrint; fonts from the OS)."""
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)  # not its progress steps
    from weasyprint import HTML  # type: ignore[import-untyped] # no type hints shipped
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped] # no type hints shipped

    # Nothing outside the page is fetched (only data: URIs): the page holds citizens' words,
    # and a file: or http: reference slipping into it must not read a server file or call out.
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf
