"""The briefing rendered: one self-contained HTML page (inline CSS and SVG) and its PDF.

The data is :class:`minyi.accountability.briefing.Briefing`; this module only turns it into
text in the reader's language. It lives in the interface layer because it uses Jinja2 (the
template is ``templates/briefing/report.html``) and WeasyPrint. The PDF asks for Noto Sans
CJK by name, the font of the OS package ``fonts-noto-cjk``, so that every Chinese glyph has a
shape; WeasyPrint embeds the subset of the font it used.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from minyi.accountability.briefing import Briefing, Period
from minyi.accountability.briefing_charts import column_chart, hbar_chart, range_chart
from minyi.accountability.definitions import FIGURES, HOURS_AS_DAYS, SMALL_BASE, figure
from minyi.accountability.scorecard import Row
from minyi.alerts.wording import describe_alert, kind_name, scope_name
from minyi.core.localtime import format_time
from minyi.web import i18n
from minyi.web.templating import templates

TEMPLATE = "briefing/report.html"
#: A department appears in the on-time chart with this many cases due: a bar of 100 % over
#: two cases beside one of 83 % over 24 read as the better department (fourteenth probe).
MIN_SCORECARD_VOLUME = SMALL_BASE


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def hours_text(value: float, language: str) -> str:
    """A median time to reply as the dashboard writes it: 36.0 小时, or 4.1 天 above two days."""
    if value > HOURS_AS_DAYS:
        return i18n.translate("dashboard.days", language).format(n=f"{value / 24:.1f}")
    return i18n.translate("dashboard.hours", language).format(n=f"{value:.1f}")


def shown(key: str, row: Row, language: str) -> str:
    """A figure of ``row`` as the briefing writes it: a count, a rate, a time; — when none.

    A rate over fewer than :data:`SMALL_BASE` cases is its fraction (``3/4``): “100.0%”
    over two cases read like a department's record (fourteenth probe). The median is in
    days above two days, as its definition and the dashboard say.
    """
    found = figure(key)
    value = row.value(key)
    if value is None:
        return "—"
    if found.kind == "count":
        return f"{value:.0f}"
    if found.kind == "hours":
        return hours_text(value, language)
    base = found.base(row.counts)
    if base < SMALL_BASE:
        part = sum(int(row.counts.get(column, 0)) for column in found.numerator)
        return f"{part}/{base}"
    return _percent(value)


def base_text(key: str, row: Row, language: str) -> str:
    """What a rate is counted over, with its unit: 基数 116 次派单 (签收及时率), else 基数 47 件."""
    name = "brief.base_dispatches" if key == "sign_rate" else "brief.base"
    return i18n.translate(name, language).replace("{n}", str(figure(key).base(row.counts)))


def change_text(briefing: Briefing, language: str) -> str:
    """环比 of the volume with the count it is against: +3.2%（上期 187 件）.

    Against fewer than :data:`SMALL_BASE` cases only the count before is said: 2 → 5 read
    as “+150.0%” (fourteenth probe).
    """
    before = briefing.previous.volume
    said = i18n.translate("brief.previous_cases", language).replace("{n}", str(before))
    change = briefing.volume_change
    if change is None or before < SMALL_BASE:
        return said
    return f"{change * 100:+.1f}%（{said}）" if language != "en" else f"{change * 100:+.1f}% ({said})"


def previous_text(key: str, briefing: Briefing, language: str) -> str:
    """A figure of the period before (上期 85.0%), for the trend beside this period's."""
    return f"{i18n.translate('brief.previous', language)} {shown(key, briefing.previous, language)}"


def title_of(briefing: Briefing, language: str) -> str:
    """The briefing's title (民意月报 …) in ``language``.

    A week is 周报 only Monday to Sunday: seven days ending on another day (``--end`` on a
    Wednesday) are 民意简报（近 7 日）, the dates beside the title saying which (fourteenth probe).
    """
    period = briefing.period
    if period.kind == "week" and period.first.weekday() != 0:
        return i18n.translate("brief.title.seven_days", language)
    return i18n.translate(f"brief.title.{period.kind}", language)


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
        "on_time": hbar_chart(
            on_time, t("brief.on_time_chart").replace("{n}", str(MIN_SCORECARD_VOLUME)), percent=True
        ),
        "forecast": range_chart(weeks, t("brief.forecast")),
    }


def forecast_span(briefing: Briefing, language: str) -> str:
    """Which four weeks the forecast covers, and how much of the first had passed when written.

    A briefing written late starts its forecast with the week it is written in (see
    :func:`accountability.briefing.forecast_from`); the reader is told the dates and that
    the days already gone are forecast, not counted.
    """
    weeks = briefing.forecast.weeks if briefing.forecast else ()
    if not weeks:
        return ""
    first, last = weeks[0].week_start, weeks[-1].week_start + timedelta(days=6)
    said = i18n.translate("brief.forecast_span", language).format(first=first, last=last)
    passed = (briefing.generated_at.astimezone(briefing.period.start.tzinfo).date() - first).days
    if passed > 0:
        started = i18n.translate("brief.forecast_span_started", language).format(days=passed)
        said += (" " if language == "en" else "") + started
    return said


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
        "base": lambda key, row: base_text(key, row, language),
        "small_base": SMALL_BASE,
        "figures": FIGURES,
        "change": change_text(briefing, language),
        "previous": lambda key: previous_text(key, briefing, language),
        "charts": _charts(briefing, language),
        "alerts": _alerts(briefing, language),
        "forecast_span": forecast_span(briefing, language),
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
