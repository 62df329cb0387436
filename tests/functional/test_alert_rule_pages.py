"""Admins add, edit and switch alert rules on /staff/alerts; errors are plain words next to the field."""

from __future__ import annotations

import re

from tests.functional.conftest import csrf_of, login

from minyi.alerts import rules as alert_rules


def _post(client, path: str, page_path: str, **fields):
    page = client.get(page_path)
    return client.post(path, data={"csrf_token": csrf_of(page.text)} | fields, follow_redirects=False)


def test_admin_adds_edits_and_switches_a_rule(client, world, session):
    login(client, "boss")
    alerts = client.get("/staff/alerts")
    assert 'id="new-rule"' in alerts.text
    form = client.get("/staff/alerts/rules/new?kind=burst")
    assert form.status_code == 200
    assert 'name="ratio"' in form.text
    assert 'value="3.0"' in form.text
    fields = {
        "kind": "burst",
        "name": "道路突增",
        "scope": "region",
        "ratio": "0.5",
        "cooldown_minutes": "90",
    }
    bad = _post(client, "/staff/alerts/rules", "/staff/alerts/rules/new?kind=burst", **fields)
    assert bad.status_code == 422
    assert 'id="ratio-error">倍数应大于 1。</p>' in bad.text
    assert "Input should" not in bad.text
    fields |= {"ratio": "4", "min_count": "6"}
    made = _post(client, "/staff/alerts/rules", "/staff/alerts/rules/new?kind=burst", **fields)
    assert made.status_code == 303, made.text
    rule = alert_rules.find_rule(session, "道路突增")
    assert rule is not None
    assert rule.params["ratio"] == 4.0
    assert rule.params["min_count"] == 6
    assert rule.scope == "region"
    listed = client.get("/staff/alerts")
    assert "1小时内至少6条且为此前12小时均值的4倍" in listed.text
    assert "ratio=" not in listed.text

    edit_path = f"/staff/alerts/rules/{rule.id}"
    assert 'value="道路突增"' in client.get(edit_path).text
    changed = _post(
        client,
        edit_path,
        edit_path,
        name="道路突增",
        scope="all",
        ratio="5",
        min_count="8",
        recent_hours="2",
        baseline_hours="24",
        cooldown_minutes="120",
    )
    assert changed.status_code == 303
    session.expire_all()
    rule = alert_rules.find_rule(session, "道路突增")
    assert rule.params == {"ratio": 5.0, "min_count": 8, "recent_hours": 2, "baseline_hours": 24}
    assert (rule.scope, rule.cooldown_minutes) == ("all", 120)
    english = client.get("/staff/alerts?lang=en")
    assert "at least 8 messages within 2 h and 5 times the mean of the 24 h before" in english.text

    taken = alert_rules.create_rule(session, name="别的规则", kind="threshold", params={"min_count": 3})
    session.commit()
    clash = _post(client, edit_path, edit_path, name="别的规则", scope="all", cooldown_minutes="60")
    assert clash.status_code == 422
    assert "A rule with this name exists already." in clash.text  # the cookie keeps English
    assert taken.name == "别的规则"
    page = client.get("/staff/alerts")
    switch = re.search(rf'action="(/staff/alerts/rules/{rule.id}/enabled)"', page.text)
    assert switch
    assert client.post(switch.group(1), data={"csrf_token": csrf_of(page.text)}).status_code == 200
    session.expire_all()
    assert alert_rules.find_rule(session, "道路突增").enabled is False


def test_threshold_and_keyword_rules_from_the_form(client, world, session):
    login(client, "boss")
    path = "/staff/alerts/rules/new?kind=threshold"
    empty = _post(client, "/staff/alerts/rules", path, kind="threshold", name="阈值", cooldown_minutes="60")
    assert empty.status_code == 422
    assert 'id="min_count-error"' in empty.text
    words = "/staff/alerts/rules/new?kind=keyword"
    made = _post(
        client,
        "/staff/alerts/rules",
        words,
        kind="keyword",
        name="险情",
        keywords="塌方、火灾\n被困",
        cooldown_minutes="30",
        emails="duty@example.org",
    )
    assert made.status_code == 303
    rule = alert_rules.find_rule(session, "险情")
    assert rule.params["keywords"] == ["塌方", "火灾", "被困"]
    assert rule.emails == ["duty@example.org"]


def test_only_admins_manage_rules(client, world):
    login(client, "disp")
    assert client.get("/staff/alerts/rules/new?kind=burst").status_code == 403
    page = client.get("/staff/alerts")
    assert 'id="new-rule"' not in page.text


def test_all_alerts_and_a_wrong_status(client, world):
    login(client, "disp")
    assert client.get("/staff/alerts?status=").status_code == 200
    wrong = client.get("/staff/alerts?status=closed&lang=zh")
    assert wrong.status_code == 422
    assert "请从列表中选择状态。" in wrong.text
