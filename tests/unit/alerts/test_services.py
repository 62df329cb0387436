"""Alert services on the real database: rules, counts per scope, cool-down, delivery, keywords."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from minyi.alerts import rules, services
from minyi.alerts.models import Alert, AlertRule, AlertStatus
from minyi.alerts.params import RuleError
from minyi.alerts.series import hourly
from minyi.analysis.models import MessageAnalysis
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.intake.models import Message
from minyi.issues.models import HotIssue
from minyi.notify.models import OutboxMessage

REGION = "A市A1区"


@pytest.fixture
def now() -> datetime:
    return utcnow()


@pytest.fixture
def quiet(session):
    """The default rules switched off, so each test sees only its own rules."""
    session.execute(update(AlertRule).values(enabled=False))
    session.flush()


def message(
    session, when: datetime, *, region: str = REGION, analysis: dict | None = None, **fields
) -> Message:
    stored = factories.make_message(session, process=False, received_at=when, region=region, **fields)
    if analysis is not None:
        session.add(MessageAnalysis(message_id=stored.id, pipeline_version="test", **analysis))
        session.flush()
    return stored


def outbox_count(session) -> int:
    return int(session.scalar(select(func.count()).select_from(OutboxMessage)))


def burst_rule(session, **overrides) -> AlertRule:
    fields = {
        "name": "区域突增",
        "kind": "burst",
        "scope": "region",
        "params": {"ratio": 3, "min_count": 5},
        "emails": ["duty@example.gov.cn"],
        "cooldown_minutes": 60,
    }
    fields.update(overrides)
    return rules.create_rule(session, **fields)


# --- rules -----------------------------------------------------------------------------


def test_a_fresh_database_has_sensible_default_rules(session):
    defaults = {rule.kind: rule for rule in rules.list_rules(session, enabled_only=True)}
    assert set(defaults) == {"keyword", "burst", "trend", "threshold"}
    assert {"燃气泄漏", "塌方", "火灾", "爆炸"} <= set(defaults["keyword"].params["keywords"])
    assert defaults["trend"].params["k"] == 3


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "burst", "params": {"ratio": 0.5}}, "params.ratio"),
        ({"kind": "burst", "params": {"speed": 1}}, "params.speed"),
        ({"kind": "threshold", "params": {}}, "params"),
        ({"kind": "keyword", "params": {"keywords": [" "]}}, "params.keywords"),
        ({"kind": "panic"}, "kind"),
        ({"kind": "burst", "scope": "author"}, "scope"),
        ({"kind": "burst", "cooldown_minutes": 0}, "cooldown_minutes"),
        ({"kind": "burst", "webhook_urls": ["ftp://x"]}, "webhook_urls"),
        ({"kind": "burst", "emails": ["not-an-address"]}, "emails"),
        ({"kind": "burst", "name": "类别一小时突增"}, "name"),
    ],
)
def test_invalid_rules_name_the_field(session, fields, field):
    with pytest.raises(RuleError) as caught:
        rules.create_rule(session, **{"name": "新规则", **fields})
    assert caught.value.field == field


def test_rules_get_defaults_and_can_be_switched_off(session):
    rule = rules.create_rule(session, name="突增", kind="burst")
    assert rule.params == {"ratio": 3.0, "min_count": 5, "recent_hours": 1, "baseline_hours": 12}
    assert rules.find_rule(session, "突增") is rule
    assert rules.find_rule(session, rule.id) is rule
    rules.set_enabled(session, rule, False)
    assert rule not in rules.list_rules(session, enabled_only=True)


# --- counts ----------------------------------------------------------------------------


def test_hourly_counts_per_region_use_the_time_written(session, now):
    message(session, now - timedelta(minutes=10), likes=3)
    message(session, now - timedelta(minutes=70), likes=4)
    message(session, now - timedelta(minutes=20), region="A市A2区")
    imported = message(session, now, submitted_at=now - timedelta(hours=5, minutes=5))
    assert imported.received_at > now - timedelta(minutes=1)
    data = hourly(session, "region", now, 12).series
    assert data[REGION].counts[:6] == [1, 1, 0, 0, 0, 1]
    assert data[REGION].likes[:2] == [3, 4]
    assert data["A市A2区"].counts[0] == 1
    assert hourly(session, "all", now, 2).series["all"].counts == [2, 1]


# --- burst, trend, threshold -----------------------------------------------------------


def test_a_burst_raises_one_alert_and_one_notification_per_cool_down(session, now, settings, quiet):
    rule = burst_rule(session)
    message(session, now - timedelta(hours=5))
    for minutes in range(6):
        message(session, now - timedelta(minutes=5 + minutes))
    before = outbox_count(session)

    fired = services.check(session, now, settings=settings)
    assert len(fired) == 1
    alert = fired[0]
    assert (alert.rule_id, alert.scope_kind, alert.scope_key, alert.label) == (
        rule.id,
        "region",
        REGION,
        REGION,
    )
    assert alert.measured["recent"] == 6
    assert services.is_new(alert)
    assert outbox_count(session) == before + 1
    item = session.scalar(select(OutboxMessage).order_by(OutboxMessage.created_at.desc()))
    assert item.recipient == "duty@example.gov.cn"
    assert "区域突增" in item.subject
    assert item.payload["alert_id"] == alert.id

    again = services.check(session, now + timedelta(minutes=10), settings=settings)
    assert [a.id for a in again] == [alert.id]
    assert not services.is_new(again[0])
    assert alert.repeat_count == 0  # seen again, nothing new: a run of the check is not a repeat
    assert alert.last_seen_at == now + timedelta(minutes=10)
    assert outbox_count(session) == before + 1  # no new notification in the cool-down


def test_a_repeat_counts_new_evidence_not_runs_of_the_check(session, now, settings, quiet):
    rule = burst_rule(session, cooldown_minutes=60)
    first = services.fire(
        session, rule, services.Hit(scope_key=REGION, label=REGION, measured={"recent": 6}), now, settings
    )
    assert services.is_new(first)
    for minutes in (5, 10, 15):
        same = services.Hit(scope_key=REGION, label=REGION, measured={"recent": 6})
        assert services.fire(session, rule, same, now + timedelta(minutes=minutes), settings) is first
    assert first.repeat_count == 0
    grown = services.Hit(scope_key=REGION, label=REGION, measured={"recent": 8})
    assert services.fire(session, rule, grown, now + timedelta(minutes=20), settings) is first
    assert (first.repeat_count, first.measured["recent"]) == (1, 8)


def test_after_the_cool_down_the_same_topic_fires_again(session, now, settings, quiet):
    rule = burst_rule(session, cooldown_minutes=30)
    hit = services.Hit(scope_key=REGION, label=REGION, measured={"recent": 9})
    first = services.fire(session, rule, hit, now, settings)
    repeat = services.fire(session, rule, hit, now + timedelta(minutes=29), settings)
    later = services.fire(session, rule, hit, now + timedelta(minutes=31), settings)
    other = services.fire(session, rule, services.Hit("A市A2区", "A市A2区", {}), now, settings)
    assert repeat is first
    assert later is not first
    assert other is not first
    assert session.scalar(select(func.count()).select_from(Alert).where(Alert.rule_id == rule.id)) == 3


def test_a_trend_per_category_against_seven_days(session, now, settings, quiet):
    rules.create_rule(session, name="趋势", kind="trend", scope="category", params={"k": 3, "min_count": 8})
    category = factories.make_category(session, name="燃气")
    tagged = {"category_id": category.id}
    for day in range(1, 8):
        message(session, now - timedelta(days=day, hours=2), analysis=tagged)
    for hour in range(12):
        message(session, now - timedelta(hours=hour, minutes=5), analysis=tagged)
    fired = services.check(session, now, settings=settings)
    assert [(a.kind, a.scope_key, a.category_id) for a in fired] == [("trend", category.id, category.id)]
    assert fired[0].label == category.path
    assert fired[0].measured["last_24h"] == 12
    assert fired[0].measured["mean"] == 1


def test_a_trend_needs_history(session, now, settings, quiet):
    rules.create_rule(session, name="趋势", kind="trend", scope="region", params={"min_count": 5})
    for hour in range(12):
        message(session, now - timedelta(hours=hour, minutes=5))
    assert services.check(session, now, settings=settings) == []  # the data start today


def test_a_threshold_on_a_hot_issue_by_likes(session, now, settings, quiet):
    rules.create_rule(
        session, name="阈值", kind="threshold", scope="issue", params={"window_hours": 24, "min_likes": 100}
    )
    issue = HotIssue(title="丽发新城搅拌站噪音", first_time=now, last_time=now)
    session.add(issue)
    session.flush()
    for likes in (40, 70):
        message(session, now - timedelta(hours=3), likes=likes, analysis={"issue_id": issue.id})
    message(session, now - timedelta(hours=30), likes=500, analysis={"issue_id": issue.id})
    fired = services.check(session, now, settings=settings)
    assert [(a.issue_id, a.label) for a in fired] == [(issue.id, issue.title)]
    assert fired[0].measured["likes"] == 110


def test_old_imported_posts_are_no_burst(session, now, settings, quiet):
    burst_rule(session)
    for hour in range(10):
        message(session, now, submitted_at=now - timedelta(days=3, hours=hour))
    assert services.check(session, now, settings=settings) == []


def test_targets_fall_back_to_the_settings(session, now, settings, quiet):
    rule = burst_rule(session, emails=[])
    configured = settings.model_copy(
        update={"webhook_url": "https://hooks.example.org/x", "alert_emails": "a@example.org, b@example.org"}
    )
    services.fire(session, rule, services.Hit(REGION, REGION, {}), now, configured)
    items = session.scalars(select(OutboxMessage).where(OutboxMessage.payload.is_not(None))).all()
    assert sorted((i.channel, i.recipient) for i in items) == [
        ("email", "a@example.org"),
        ("email", "b@example.org"),
        ("webhook", "alerts"),
    ]
    own = burst_rule(session, name="自有", webhook_urls=["https://own.example.org/hook"], emails=[])
    services.fire(session, own, services.Hit(REGION, REGION, {}), now, settings)
    assert session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "https://own.example.org/hook")
    )


# --- keywords --------------------------------------------------------------------------


def keyword_rule(session, **overrides) -> AlertRule:
    fields = {
        "name": "紧急",
        "kind": "keyword",
        "scope": "region",
        "params": {"keywords": ["燃气泄漏", "火灾"]},
    }
    fields.update(overrides)
    return rules.create_rule(session, **fields)


def test_a_keyword_raises_an_alert_with_a_masked_snippet(session, now, settings, quiet):
    keyword_rule(session, emails=["duty@example.gov.cn"])
    text = "我是张三，电话13812345678，楼道里燃气泄漏，味道很大，请马上处理！"
    found = message(session, now, title="燃气泄漏", body=text, author="weibo-42")
    fired = services.watch_message(session, found, None, now=now, settings=settings)
    assert len(fired) == 1
    alert = fired[0]
    assert alert.scope_key == f"{REGION}|燃气泄漏"
    assert alert.label == f"{REGION} · 燃气泄漏"
    assert alert.message_ids == [found.id]
    snippet = alert.measured["snippet"]
    assert "燃气泄漏" in snippet
    assert "13812345678" not in snippet
    assert "138****5678" in snippet
    item = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "duty@example.gov.cn"))
    assert "13812345678" not in item.body
    assert found.author_pseudonym not in str(item.payload) + item.body + str(alert.measured)


def test_keyword_repeats_in_the_cool_down_are_counted_not_sent(session, now, settings, quiet):
    keyword_rule(session, emails=["duty@example.gov.cn"])
    first = message(session, now, body="小区燃气泄漏")
    second = message(session, now, body="又闻到燃气泄漏")
    elsewhere = message(session, now, body="燃气泄漏", region="A市A2区")
    before = outbox_count(session)
    [alert] = services.watch_message(session, first, None, now=now, settings=settings)
    [same] = services.watch_message(session, second, None, now=now + timedelta(minutes=5), settings=settings)
    [other] = services.watch_message(session, elsewhere, None, now=now, settings=settings)
    assert same is alert
    assert other is not alert
    assert alert.repeat_count == 1
    assert alert.message_ids == [first.id, second.id]
    assert alert.measured["messages"] == 2
    # the same message watched again (processed twice) is not another message
    [again] = services.watch_message(session, second, None, now=now + timedelta(minutes=6), settings=settings)
    assert again is alert
    assert (alert.repeat_count, alert.measured["messages"]) == (1, 2)
    assert outbox_count(session) == before + 2


def test_keywords_are_read_from_the_normalised_text(session, now, settings, quiet):
    keyword_rule(session)
    found = message(session, now, body="樓道裡燃氣洩漏", analysis={"normalized_body": "楼道里燃气泄漏"})
    analysis = session.get(MessageAnalysis, found.id)
    assert services.watch_message(session, found, analysis, now=now, settings=settings)


def test_no_keyword_alert_for_old_posts_disabled_rules_or_other_words(session, now, settings, quiet):
    rule = keyword_rule(session)
    old = message(session, now, body="燃气泄漏", submitted_at=now - timedelta(days=2))
    assert services.watch_message(session, old, None, now=now, settings=settings) == []
    calm = message(session, now, body="路灯不亮")
    assert services.watch_message(session, calm, None, now=now, settings=settings) == []
    rules.set_enabled(session, rule, False)
    fresh = message(session, now, body="火灾")
    assert services.watch_message(session, fresh, None, now=now, settings=settings) == []


def test_intake_watches_keywords_right_after_the_analysis(session, settings):
    from minyi.analysis.provider import PipelineProvider
    from minyi.flows import processing
    from minyi.intake import services as intake

    pipeline = PipelineProvider().get(session)
    accepted = intake.accept(
        session,
        factories.make_message_in(title="燃气泄漏", body="楼下燃气泄漏，很危险"),
        channel="api",
        key="k",
    )
    processing.process(session, accepted.message, pipeline)
    alert = session.scalar(
        select(Alert).where(Alert.message_ids.is_not(None)).order_by(Alert.fired_at.desc())
    )
    assert alert is not None
    assert alert.measured["keyword"] == "燃气泄漏"
    assert accepted.message.id in alert.message_ids


# --- reading and acknowledging ---------------------------------------------------------


def test_list_and_acknowledge(session, now, settings, quiet):
    rule = burst_rule(session)
    first = services.fire(session, rule, services.Hit("x", "x", {}), now - timedelta(hours=2), settings)
    second = services.fire(session, rule, services.Hit("y", "y", {}), now, settings)
    found, total = services.list_alerts(session, status="open")
    assert total == 2
    assert [a.id for a in found] == [second.id, first.id]
    user = factories.make_user(session, username="sup", role="supervisor")
    services.acknowledge(session, first, user, now)
    assert (first.status, first.acknowledged_by_id) == (AlertStatus.ACKNOWLEDGED, user.id)
    with pytest.raises(services.AlertError):
        services.acknowledge(session, first, user, now)
    assert services.list_alerts(session, status="open")[1] == 1
