"""``minyi report`` end to end: HTML, a PDF in Noto CJK with its Chinese headings, the e-mail once."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import select
from tests.conftest import TEST_SECRET

from minyi.cli.main import cli
from minyi.db.session import Database
from minyi.demo import factories
from minyi.notify.models import OutboxMessage
from minyi.notify.senders import DeliveryError, SmtpSender
from minyi.settings import get_settings

TZ = ZoneInfo("Asia/Shanghai")
PHONE = "13712345678"
HEADINGS = (
    "民意月报",
    "一、总体情况",
    "二、部门办理情况",
    "三、热点问题",
    "四、异常预警",
    "五、超期与重办案件",
)


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MINYI_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("MINYI_PROCESSING", "inline")
    monkeypatch.setenv("MINYI_REPORT_RECIPIENTS", "chief@example.org, duty@example.org")
    monkeypatch.setenv("MINYI_REPORT_PERIOD", "month")
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    database = Database(get_settings().effective_database_url)
    with database.session() as session:
        water = factories.make_department(session, code="WATER", name="水务局")
        for n, day in enumerate(("2019-03-04", "2019-03-05", "2019-03-05")):
            case = factories.make_case(
                session,
                status="replied",
                department=water,
                key=f"r{n}",
                title=f"停水{n}",
                body=f"电话{PHONE}",
            )
            case.messages[0].submitted_at = datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=TZ)
            case.replied_at = datetime.fromisoformat("2019-03-08T09:00").replace(tzinfo=TZ)
            case.due_at = datetime.fromisoformat("2019-03-20T09:00").replace(tzinfo=TZ)
        session.commit()
    yield runner, tmp_path, database
    database.engine.dispose()
    get_settings.cache_clear()


def _pdf_text_and_fonts(data: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        found = page["/Resources"].get("/Font", {})
        fonts.update(str(found[name].get_object()["/BaseFont"]) for name in found)
    return "\n".join(page.extract_text() for page in reader.pages), fonts


def test_html_briefing_has_the_figures(env):
    runner, tmp, _ = env
    out = tmp / "march.html"
    args = ["report", "--period", "month", "--end", "2019-03-31", "--format", "html", "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "3 cases, Response rate 3/3" in result.output  # three cases: a fraction, not 100.0%
    page = out.read_text(encoding="utf-8")
    assert '<b id="fig-volume">3</b>' in page
    assert '<b id="fig-response_rate">3/3</b>' in page
    assert "按期办结率" in page
    assert "水务局" in page
    assert "<svg" in page
    assert PHONE not in page
    english = tmp / "march-en.html"
    assert runner.invoke(cli, [*args[:-1], str(english), "--language", "en"]).exit_code == 0
    assert "Monthly briefing" in english.read_text(encoding="utf-8")


def test_pdf_briefing_is_chinese_in_noto_cjk(env):
    runner, tmp, _ = env
    out = tmp / "march.pdf"
    args = ["report", "--period", "month", "--end", "2019-03-31", "--format", "pdf", "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    text, fonts = _pdf_text_and_fonts(out.read_bytes())
    for heading in HEADINGS:
        assert heading in text
    assert "水务局" in text
    assert "\ufffd" not in text  # no character without a glyph
    assert fonts
    assert all("NotoSansCJK" in f.replace("-", "") for f in fonts), fonts  # no fallback font
    english = tmp / "march-en.pdf"
    assert runner.invoke(cli, [*args[:-1], str(english), "--language", "en"]).exit_code == 0
    text, fonts = _pdf_text_and_fonts(english.read_bytes())
    assert "Monthly briefing" in text
    assert all("NotoSansCJK" in f.replace("-", "") for f in fonts), fonts


def test_bad_input_is_a_clear_error(env):
    runner, tmp, _ = env
    result = runner.invoke(
        cli, ["report", "--period", "month", "--end", "31/03/2019", "--out", str(tmp / "x")]
    )
    assert result.exit_code == 2
    assert "--end" in result.output
    assert "Traceback" not in result.output
    missing = runner.invoke(cli, ["report", "--period", "month", "--end", "2019-03-31"])
    assert missing.exit_code == 2
    assert "--out" in missing.output


def test_send_queues_the_pdf_once_per_period(env):
    runner, _, database = env
    first = runner.invoke(cli, ["report", "send", "--end", "2019-03-31"])
    assert first.exit_code == 0, first.output
    assert "queued for 2 recipient(s)" in first.output
    again = runner.invoke(cli, ["report", "send", "--end", "2019-03-31"])
    assert again.exit_code == 0, again.output
    assert "nothing to do" in again.output
    with database.session() as session:
        items = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.recipient)))
    assert [i.recipient for i in items] == ["chief@example.org", "duty@example.org"]
    assert items[0].subject == "民意月报（2019-03-01 — 2019-03-31）"
    mail = SmtpSender("localhost", mail_from="minyi@example.org").build(items[0])
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "month-2019-03-01-2019-03-31-zh.pdf"
    text, _ = _pdf_text_and_fonts(attachment.get_content())
    assert "民意月报" in text


def test_send_without_recipients_or_attachment_fails_clearly(env, monkeypatch):
    runner, tmp, _database = env
    monkeypatch.setenv("MINYI_REPORT_RECIPIENTS", "")
    get_settings.cache_clear()
    result = runner.invoke(cli, ["report", "send"])
    assert result.exit_code == 1
    assert "MINYI_REPORT_RECIPIENTS" in result.output
    item = OutboxMessage(
        id="x",
        channel="email",
        recipient="a@example.org",
        subject="s",
        body="b",
        payload={"attachments": [{"path": str(tmp / "gone.pdf"), "filename": "gone.pdf"}]},
    )
    with pytest.raises(DeliveryError, match=r"gone\.pdf"):
        SmtpSender("localhost", mail_from="minyi@example.org").build(item)


def test_seven_days_ending_midweek_are_not_called_weekly(env):
    """``--end`` on a Wednesday: the line and the page name 近 7 日 and its dates, not 周报."""
    runner, tmp, _ = env
    out = tmp / "days.html"
    args = ["report", "--period", "week", "--end", "2019-03-06", "--format", "html", "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Seven-day briefing 2019-02-28 — 2019-03-06:")
    page = out.read_text(encoding="utf-8")
    assert "民意简报（近 7 日）" in page
    assert "民意周报" not in page


def test_the_scheduled_period_may_be_a_year(env, monkeypatch):
    """``MINYI_REPORT_PERIOD=year``: 民意年报 by timer, queued once like the others."""
    runner, _, _ = env
    monkeypatch.setenv("MINYI_REPORT_PERIOD", "year")
    get_settings.cache_clear()
    result = runner.invoke(cli, ["report", "send", "--end", "2019-12-31"])
    assert result.exit_code == 0, result.output
    assert "year:2019-01-01..2019-12-31: queued for 2 recipient(s)" in result.output
