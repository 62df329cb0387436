"""The staff pages speak plainly, in Chinese and in English: no codes, scores, symbols or validator English.

A live server on the demo data (cases routed by the keyword rules, events by the system and by
staff, hot issues, alerts of every kind); an admin reads the case page, the issues, an issue and
the alerts in both languages, adds an alert rule with the form, and a citizen's invalid form
gets short messages next to the fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.browser.conftest import running
from tests.conftest import TEST_SECRET, fresh_database_url

from minyi.alerts import rules as alert_rules
from minyi.alerts.models import Alert
from minyi.analysis.models import MessageAnalysis
from minyi.cases.models import Case, CaseEvent
from minyi.db.base import utcnow
from minyi.db.session import Database
from minyi.demo.seed import ADMIN_PASSWORD, ADMIN_USERNAME, seed_demo
from minyi.intake.models import Message
from minyi.issues.models import HotIssue
from minyi.schema import migrate
from minyi.settings import Settings

pytestmark = pytest.mark.browser

RAW = (
    "String should",
    "Input should",
    "valid email",
    "Field required",
    "complaint +",
    "no cue",
    "keywords:",
    "σ",
    "ratio=",
    "min_count",
    "user:",
)
SYSTEM_WORD = re.compile(r"\bsystem\b")
CODE_IN_ARROW = re.compile(r"→ ?[A-Z]{2,}\b")
MEASURED = {
    "burst": {"recent": 12, "recent_hours": 1, "baseline": 3.0, "baseline_hours": 12, "ratio": 4.0},
    "trend": {
        "last_24h": 40,
        "baseline_days": 7,
        "mean": 20.0,
        "sigma": 7.6,
        "k": 3.0,
        "limit": 42.8,
        "z": 2.63,
    },
}


@dataclass
class Demo:
    url: str
    case_id: str
    issue_id: str


def _add_alerts(session) -> None:
    """A burst and a trend alert next to what the demo raised (thresholds and keywords)."""
    now = utcnow()
    for name, kind in (("区域一小时突增", "burst"), ("类别24小时趋势", "trend")):
        rule = alert_rules.find_rule(session, name)
        assert rule is not None
        session.add(
            Alert(
                rule_id=rule.id,
                kind=kind,
                scope_kind=rule.scope,
                scope_key="A市A5区",
                label="A市A5区",
                fired_at=now - timedelta(minutes=5),
                last_seen_at=now - timedelta(minutes=5),
                measured=MEASURED[kind],
                dedupe_key=f"browser:{kind}",
            )
        )


def _busy_case(session) -> str:
    """A case routed by the keyword rules whose history has staff steps."""
    staff_steps = (
        select(CaseEvent.case_id, func.count().label("n"))
        .where(CaseEvent.actor.like("user:%"))
        .group_by(CaseEvent.case_id)
        .subquery()
    )
    query = (
        select(Case.id)
        .join(staff_steps, staff_steps.c.case_id == Case.id)
        .join(Message, Message.case_id == Case.id)
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(MessageAnalysis.category_model.like("keywords:%"))
        .order_by(staff_steps.c.n.desc())
        .limit(1)
    )
    case_id = session.scalar(query)
    assert case_id is not None
    return str(case_id)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    tmp = tmp_path_factory.mktemp("plain-live")
    url = fresh_database_url(Path(tmp), "minyi_test_plain_browser")
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        seed_demo(session, key=TEST_SECRET, messages=160)
        _add_alerts(session)
        case_id = _busy_case(session)
        issue_id = str(session.scalar(select(HotIssue.id).order_by(HotIssue.heat.desc()).limit(1)))
    settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key=TEST_SECRET)
    with running(settings, database) as base:
        yield Demo(base, case_id, issue_id)


def _login(page, base: str) -> None:
    page.goto(base + "/staff/login?lang=zh")
    page.get_by_label("用户名").fill(ADMIN_USERNAME)
    page.get_by_label("密码").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/staff$"))


def _plain(text: str, where: str) -> None:
    for raw in RAW:
        assert raw not in text, f"{raw!r} on {where}"
    assert not SYSTEM_WORD.search(text), f"'system' on {where}"
    assert not CODE_IN_ARROW.search(text), (
        f"a department code after an arrow on {where}: {CODE_IN_ARROW.search(text)}"
    )


def test_staff_pages_in_plain_chinese_and_english(demo_server, browser):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900}).new_page()
    _login(page, demo_server.url)
    paths = (
        f"/staff/cases/{demo_server.case_id}",
        "/staff/issues",
        f"/staff/issues/{demo_server.issue_id}",
        "/staff/alerts?status=",
    )
    seen: dict[tuple[str, str], str] = {}
    for lang in ("zh", "en"):
        for path in paths:
            sep = "&" if "?" in path else "?"
            page.goto(f"{demo_server.url}{path}{sep}lang={lang}")
            text = page.inner_text("body")
            _plain(text, f"{path} ({lang})")
            seen[lang, path] = text
    case_zh, case_en = seen["zh", paths[0]], seen["en", paths[0]]
    assert "系统" in case_zh
    assert "依据：" in case_zh
    assert "关键词规则" in case_zh
    assert "派单" in case_zh
    assert "System" in case_en
    assert "Because:" in case_en
    assert "Keyword rules" in case_en
    alerts_zh, alerts_en = seen["zh", paths[3]], seen["en", paths[3]]
    assert "近1小时 12 条，是前12小时均值的 4 倍" in alerts_zh
    assert "近24小时 40 条，比前7日平均每天（20 条）高出约 2.6 倍的平常波动" in alerts_zh
    assert "1小时内至少5条且为此前12小时均值的3倍" in alerts_zh
    assert "12 messages in the last 1 h, 4 times the mean of the 12 h before" in alerts_en
    assert "by about 2.6 times its usual day-to-day swing" in alerts_en

    page.goto(f"{demo_server.url}/staff/cases/{demo_server.case_id}?lang=zh")
    details = page.locator("details.tech").first
    details.locator("summary").click()
    assert "keywords:" in details.inner_text()  # the version is there for who asks


def test_admin_adds_a_rule_and_errors_read_plainly(demo_server, browser):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900}).new_page()
    _login(page, demo_server.url)
    page.goto(demo_server.url + "/staff/alerts?lang=zh")
    page.get_by_label("新增规则").select_option("threshold")
    page.locator("#new-rule").get_by_role("button", name="添加").click()
    page.wait_for_url(re.compile(r".*/staff/alerts/rules/new\?kind=threshold"))
    page.get_by_label("名称").fill("浏览器阈值规则")
    page.get_by_label("最少留言数").fill("abc")
    page.get_by_role("button", name="保存").click()
    error = page.locator("#min_count-error")
    assert error.inner_text() == "最少留言数应为整数。"
    _plain(page.inner_text("body"), "the rule form")
    page.get_by_label("最少留言数").fill("30")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r".*/staff/alerts(#.*)?$"))
    row = page.locator("tr[id^='rule-']", has_text="浏览器阈值规则")
    assert "24小时内累计至少30条" in row.inner_text()

    citizen = browser.new_context(locale="en-US").new_page()
    for lang, title_error, email_error in (
        ("zh", "请填写留言主题。", "电子邮箱格式不正确。"),
        ("en", "Please fill in Subject.", "E-mail is not a valid address."),
    ):
        citizen.goto(f"{demo_server.url}/?lang={lang}")
        citizen.locator("#body").fill("路灯坏了")
        citizen.locator("#email").fill("x@")
        citizen.locator("form.form button[type=submit]").click()
        citizen.wait_for_load_state()
        assert citizen.locator("#title-error").inner_text() == title_error
        assert citizen.locator("#email-error").inner_text() == email_error
        _plain(citizen.inner_text("body"), f"the portal form ({lang})")
