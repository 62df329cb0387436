"""``minyi report``: the briefing (简报) of a day, week or month as HTML or PDF, and its e-mail.

``minyi report --period month --end 2019-03-31 --format pdf --out 2019-03.pdf`` writes one
file. ``minyi report send`` renders the briefing of the last complete period
(``MINYI_REPORT_PERIOD``) and queues it as a PDF attachment to ``MINYI_REPORT_RECIPIENTS``
through the outbox; it is meant to run from a timer and queues each period once.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from minyi.cli.context import CliContext, pass_context

if TYPE_CHECKING:
    from minyi.accountability.briefing import Briefing

PERIOD_CHOICE = click.Choice(["day", "week", "month"])
LANGUAGE_CHOICE = click.Choice(["zh", "en"])
end_option = click.option(
    "--end",
    "end",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day of the period (YYYY-MM-DD); default: the last complete day, week (Mon-Sun) or month.",
)


def default_end(kind: str, today: date) -> date:
    """The last day of the last complete period: yesterday, last Sunday, or last month's last day.

    A week is Monday to Sunday, as the forecast's and the calendar's. Seven days ending
    yesterday made a timer that fired late (``Persistent=true`` after a Monday off, or a
    daily timer) send a Tuesday-to-Monday week beside the Monday-to-Sunday ones, the missed
    week never (tenth probe).
    """
    if kind == "month":
        return today.replace(day=1) - timedelta(days=1)
    if kind == "week":
        return today - timedelta(days=today.weekday() + 1)
    return today - timedelta(days=1)


def _build(ctx: CliContext, kind: str, end: datetime | None) -> Briefing:
    """Assemble the briefing from the database (read only)."""
    from minyi.accountability.briefing import assemble
    from minyi.core.errors import InvalidInput
    from minyi.core.localtime import zone
    from minyi.db.base import utcnow

    tz = zone()
    now = utcnow()
    last = end.date() if end else default_end(kind, now.astimezone(tz).date())
    database = ctx.require_current_schema()
    try:
        with database.session() as session:
            return assemble(session, kind, last, tz, now=now, sign_for_hours=ctx.settings.sign_for_hours)
    except InvalidInput as exc:
        raise click.UsageError(str(exc)) from exc


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so no half-written file is left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _summary(briefing: Briefing) -> str:
    """The headline figures in one line (English, for the operator's terminal and logs)."""
    from minyi.web.briefing import shown

    row = briefing.figures
    keys = ("response_rate", "on_time_rate", "satisfaction_rate", "median_reply_hours")
    return f"{row.volume} cases, " + ", ".join(f"{key} {shown(key, row, 'en')}" for key in keys)


def _render(briefing: Briefing, fmt: str, language: str, site_name: str) -> bytes:
    from minyi.web.briefing import render_html, render_pdf

    html = render_html(briefing, language, site_name=site_name)
    return render_pdf(html) if fmt == "pdf" else html.encode("utf-8")


@click.group(invoke_without_command=True)
@click.option("--period", type=PERIOD_CHOICE, default="week", show_default=True, help="Length of the period.")
@end_option
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), default="html", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="File to write (required).")
@click.option(
    "--language", type=LANGUAGE_CHOICE, default="zh", show_default=True, help="Language of the text."
)
@click.pass_context
def report(
    click_ctx: click.Context, period: str, end: datetime | None, fmt: str, out: Path | None, language: str
) -> None:
    """Briefings (简报) of a day, week or month as HTML or PDF, and their scheduled e-mail.

    Without a sub-command, writes one briefing to --out; `minyi report send` e-mails it.
    """
    if click_ctx.invoked_subcommand is not None:
        return
    if out is None:
        raise click.UsageError("--out FILE is required (the briefing's HTML or PDF file)")
    ctx = click_ctx.find_object(CliContext)
    if ctx is None:  # pragma: no cover - main always sets it
        raise click.ClickException("no settings")
    briefing = _build(ctx, period, end)
    site = ctx.settings.site_name_en if language == "en" else ctx.settings.site_name
    _write_atomically(out, _render(briefing, fmt, language, site))
    click.echo(f"{briefing.period.key}: {_summary(briefing)}, {briefing.overdue_total} overdue → {out}")


@report.command("send")
@click.option("--period", type=PERIOD_CHOICE, default=None, help="Default: MINYI_REPORT_PERIOD.")
@end_option
@click.option("--language", type=LANGUAGE_CHOICE, default=None, help="Default: MINYI_REPORT_LANGUAGE.")
@pass_context
def send(ctx: CliContext, period: str | None, end: datetime | None, language: str | None) -> None:
    """Queue the briefing as a PDF e-mail to MINYI_REPORT_RECIPIENTS (once per period)."""
    from minyi.accountability import briefing_delivery as delivery
    from minyi.web.briefing import period_text, shown, title_of
    from minyi.web.i18n import translate

    settings = ctx.settings
    recipients = delivery.split_recipients(settings.report_recipients)
    if not recipients:
        raise click.ClickException("no recipients: set MINYI_REPORT_RECIPIENTS (comma-separated addresses)")
    kind, lang = period or settings.report_period, language or settings.report_language
    briefing = _build(ctx, kind, end)
    key = briefing.period.key
    with ctx.database.session() as session:
        waiting = delivery.waiting_for(session, key, lang, recipients)
        if not waiting:
            click.echo(f"{key}: already queued for every recipient; nothing to do")
            return
        title = title_of(briefing, lang)
        pdf = (
            settings.data_dir
            / "reports"
            / f"{kind}-{briefing.period.first}-{briefing.period.last}-{lang}.pdf"
        )
        _write_atomically(
            pdf, _render(briefing, "pdf", lang, settings.site_name_en if lang == "en" else settings.site_name)
        )
        words = {"title": title, "period": period_text(briefing)}
        figures = {key: shown(key, briefing.figures, lang) for key in ("response_rate", "on_time_rate")}
        mail = delivery.Mail(
            subject=translate("brief.mail_subject", lang).format(**words),
            body=translate("brief.mail_body", lang).format(
                **words,
                received=briefing.figures.volume,
                response=figures["response_rate"],
                on_time=figures["on_time_rate"],
                satisfaction=shown("satisfaction_rate", briefing.figures, lang),
            ),
            pdf=pdf.resolve(),
            filename=pdf.name,
        )
        queued = delivery.queue(session, key, lang, waiting, mail)
        session.commit()
    click.echo(f"{key}: queued for {len(queued)} recipient(s) ({pdf}); `minyi notify run` delivers them")
