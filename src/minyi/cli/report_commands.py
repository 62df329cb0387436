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
from minyi.cli.i18n import domain_message, t, zh

if TYPE_CHECKING:
    from minyi.accountability.briefing import Briefing

PERIOD_CHOICE = click.Choice(["day", "week", "month", "year"])
LANGUAGE_CHOICE = click.Choice(["zh", "en"])
end_option = click.option(
    "--end",
    "end",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help=t(
        "Last day of the period (YYYY-MM-DD); default: the last complete day, week (Mon-Sun), month or year.",
        "时段的最后一天（YYYY-MM-DD）；默认：最近一个完整的日、周（周一至周日）、月或年。",
    ),
)


def default_end(kind: str, today: date) -> date:
    """The last day of the last complete period: yesterday, last Sunday, last month's or last year's last day.

    A week is Monday to Sunday, as the forecast's and the calendar's. Seven days ending
    yesterday made a timer that fired late (``Persistent=true`` after a Monday off, or a
    daily timer) send a Tuesday-to-Monday week beside the Monday-to-Sunday ones, the missed
    week never (tenth probe).
    """
    if kind == "year":
        return today.replace(month=1, day=1) - timedelta(days=1)
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
        raise click.UsageError(domain_message(str(exc))) from exc


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
    """The headline figures in one line, for the operator's terminal."""
    from minyi.accountability.definitions import figure
    from minyi.web.briefing import shown

    row = briefing.figures
    language = t("en", "zh")
    # The scorecard's own names (响应率, 按期办结率), as the briefing and the dashboard print
    # them: the line said 答复率 and 按时办结率, words no page uses, and mixed ", " with "，".
    keys = ("response_rate", "on_time_rate", "satisfaction_rate", "median_reply_hours")
    words = {key: t(figure(key).name_en, figure(key).name_zh) for key in keys}
    figures = t(", ", "，").join(f"{word} {shown(key, row, language)}" for key, word in words.items())
    return t(f"{row.volume} cases, {figures}", f"{row.volume} 件，{figures}")


def _render(briefing: Briefing, fmt: str, language: str, site_name: str) -> bytes:
    from minyi.web.briefing import render_html, render_pdf

    html = render_html(briefing, language, site_name=site_name)
    return render_pdf(html) if fmt == "pdf" else html.encode("utf-8")


@click.group(invoke_without_command=True)
@click.option(
    "--period",
    type=PERIOD_CHOICE,
    default="week",
    show_default=True,
    help=t("Length of the period.", "时段长度。"),
)
@end_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf"]),
    default="html",
    show_default=True,
    help=t("File format.", "文件格式。"),
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help=t("File to write (required).", "要写入的文件（必填）。"),
)
@click.option(
    "--language",
    type=LANGUAGE_CHOICE,
    default="zh",
    show_default=True,
    help=t("Language of the briefing.", "简报的语言。"),
)
@click.pass_context
@zh(
    """按日、周、月或年生成简报（HTML 或 PDF），以及定时发送简报邮件。

    不带子命令时，把一份简报写到 --out；`minyi report send` 用邮件发送。
    """
)
def report(
    click_ctx: click.Context, period: str, end: datetime | None, fmt: str, out: Path | None, language: str
) -> None:
    """Briefings (简报) of a day, week, month or year as HTML or PDF, and their scheduled e-mail.

    Without a sub-command, writes one briefing to --out; `minyi report send` e-mails it.
    """
    if click_ctx.invoked_subcommand is not None:
        return
    if out is None:
        raise click.UsageError(
            t(
                "--out FILE is required (the briefing's HTML or PDF file)",
                "需要 --out 文件（简报的 HTML 或 PDF 文件）",
            )
        )
    ctx = click_ctx.find_object(CliContext)
    if ctx is None:  # pragma: no cover - main always sets it
        raise click.ClickException(t("no settings", "没有设置"))
    from minyi.web.briefing import period_text, title_of

    briefing = _build(ctx, period, end)
    site = ctx.settings.site_name_en if language == "en" else ctx.settings.site_name
    _write_atomically(out, _render(briefing, fmt, language, site))
    overdue = briefing.overdue_total
    # The title and dates, not the outbox's key (``week:2026-11-30..2026-12-06``), and the
    # overdue count named as the briefing names it: the whole backlog, not this period's cases.
    named = f"{title_of(briefing, t('en', 'zh'))} {period_text(briefing)}"
    click.echo(
        t(
            f"{named}: {_summary(briefing)}; {overdue} overdue in all (not only this period's) → {out}",
            f"{named}：{_summary(briefing)}；期末全部超期未答复 {overdue} 件 → {out}",
        )
    )


@report.command("send")
@click.option(
    "--period",
    type=PERIOD_CHOICE,
    default=None,
    help=t("Default: MINYI_REPORT_PERIOD.", "默认：MINYI_REPORT_PERIOD。"),
)
@end_option
@click.option(
    "--language",
    type=LANGUAGE_CHOICE,
    default=None,
    help=t("Default: MINYI_REPORT_LANGUAGE.", "默认：MINYI_REPORT_LANGUAGE。"),
)
@pass_context
@zh("把简报作为 PDF 邮件排入发件箱，发给 MINYI_REPORT_RECIPIENTS（每个时段一次）。")
def send(ctx: CliContext, period: str | None, end: datetime | None, language: str | None) -> None:
    """Queue the briefing as a PDF e-mail to MINYI_REPORT_RECIPIENTS (once per period)."""
    from minyi.accountability import briefing_delivery as delivery
    from minyi.web.briefing import period_text, shown, title_of
    from minyi.web.i18n import translate

    settings = ctx.settings
    recipients = delivery.split_recipients(settings.report_recipients)
    if not recipients:
        raise click.ClickException(
            t(
                "no recipients: set MINYI_REPORT_RECIPIENTS (comma-separated addresses)",
                "没有收件人：请设置 MINYI_REPORT_RECIPIENTS（用逗号分隔的地址）",
            )
        )
    kind, lang = period or settings.report_period, language or settings.report_language
    briefing = _build(ctx, kind, end)
    key = briefing.period.key
    with ctx.database.session() as session:
        waiting = delivery.waiting_for(session, key, lang, recipients)
        if not waiting:
            click.echo(
                t(
                    f"{key}: already queued for every recipient; nothing to do",
                    f"{key}：已给每位收件人排队，无需再做",
                )
            )
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
    click.echo(
        t(
            f"{key}: queued for {len(queued)} recipient(s) ({pdf}); `minyi notify run` delivers them",
            f"{key}：已为 {len(queued)} 位收件人排队（{pdf}）；由 `minyi notify run` 发出",
        )
    )
