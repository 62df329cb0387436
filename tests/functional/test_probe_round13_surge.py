"""The thirteenth probe: a surge day (docs/security-probes.md, thirteenth probe).

A storm floods one district and a few hundred messages about the same few problems arrive
within the hour (``tests/surgedata.py``). Each test checks one thing the dispatcher, the
department or the citizen needs to stay usable at that volume.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.functional.conftest import csrf_of, login
from tests.issuedata import make_issue
from tests.surgedata import surge

from minyi.cases import services
from minyi.cases.staff_notices import DISPATCH_DIGEST_HOLD
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.intake.models import Message
from minyi.notify import digests
from minyi.notify.models import OutboxMessage
from minyi.server.app import create_app
from minyi.web import issues as web_issues
from minyi.web import staff as web_staff

ROADS = "jtj@example.gov.cn"


def _department_mail(session) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.recipient == ROADS).order_by(OutboxMessage.created_at)
    return list(session.scalars(query))


def test_a_surge_of_dispatches_sends_the_department_one_digest_not_one_mail_a_case(
    session, world, monkeypatch
):
    start = datetime(2026, 12, 8, 2, 0, 30, tzinfo=UTC)  # early in a window: no boundary in the test
    monkeypatch.setattr(digests, "utcnow", lambda: start)
    world.roads.contact_email = ROADS
    texts = [item for item in surge(40) if item.get("region") == "A市A5区"][:30]
    cases = [
        factories.make_case(
            session, status="dispatched", category=world.road_category, title=t["title"], body=t["body"]
        )
        for t in texts
    ]
    mail = _department_mail(session)
    # before: 30 e-mails 新派单：<number>, one a case
    assert len(mail) == 2, [m.subject for m in mail]
    first, digest = mail
    assert first.subject == f"新派单：{cases[0].number}"
    assert first.next_attempt_at <= digest.next_attempt_at
    assert digest.subject.startswith(f"新派单 {len(cases) - 1} 件")
    for case in cases[1:]:
        assert case.number in digest.body
    assert first.next_attempt_at == start  # at once
    assert digest.next_attempt_at - start <= DISPATCH_DIGEST_HOLD  # within ten minutes


def test_an_urgent_dispatch_is_told_at_once_on_its_own(session, world):
    world.roads.contact_email = ROADS
    factories.make_case(session, status="dispatched", category=world.road_category)
    factories.make_case(session, status="dispatched", category=world.road_category)
    urgent = factories.make_case(session, status="accepted")
    urgent.urgent = True
    urgent.urgent_reason = "被困"
    services.dispatch(session, world.dispatcher, urgent, world.roads)
    session.flush()
    mail = _department_mail(session)
    alone = [m for m in mail if m.subject == f"新派单：{urgent.number}"]
    assert len(alone) == 1
    assert alone[0].next_attempt_at <= alone[0].created_at + timedelta(seconds=1)


def test_a_surge_issue_page_lists_a_page_of_messages_and_cases_not_all(client, session, world, monkeypatch):
    """Before: every case and up to 500 messages on one page (a surge's issue: 400 kB, over a second)."""
    monkeypatch.setattr(web_issues, "ISSUE_PAGE", 20)  # 100 in service; 20 keeps the test fast
    storm = [f"{item['title']}，{item['body']}" for item in surge(60) if item.get("region") == "A市A5区"]
    issue, made = make_issue(
        session, storm[:30], title="翠湖苑地下车库被淹", start=utcnow() - timedelta(hours=2)
    )
    session.commit()
    login(client, "disp")

    def rows(path: str) -> tuple[int, int]:
        page = client.get(path)
        assert page.status_code == 200
        cases_part, messages_part = page.text.split('id="issue-messages"')
        return cases_part.count('<tr><td><a href="/staff/cases/'), messages_part.count('name="message_ids"')

    assert rows(f"/staff/issues/{issue.id}") == (20, 20)
    first = client.get(f"/staff/issues/{issue.id}").text
    assert f"({len(made)})" in first  # the counts are of the whole issue
    assert 'rel="next"' in first
    assert rows(f"/staff/issues/{issue.id}?page=2") == (10, 10)
    assert rows(f"/staff/issues/{issue.id}?page=99") == (10, 10)  # past the last: the last
    refused = client.get(f"/staff/issues/{issue.id}?page=0", headers={"Accept-Language": "en"})
    assert refused.status_code == 422
    assert "page" in refused.text


def test_a_neighbour_over_the_portal_cap_is_told_his_message_was_not_sent_and_what_to_do(settings, database):
    """Before: 尝试次数过多，请 N 分钟后再试 (the login's words): not that nothing was sent, nor why, nor 12345."""
    capped = settings.model_copy(update={"submit_per_address": 1})
    flood = next(item for item in surge(5) if item.get("region") == "A市A5区")
    form = {"title": flood["title"], "body": flood["body"]}
    with TestClient(create_app(capped, database)) as client:
        page = client.get("/")
        assert client.post("/submit", data={**form, "csrf_token": csrf_of(page.text)}).status_code == 200
        for language, words in (
            ("zh-CN", ("尚未提交", "12345", "分钟后")),
            ("en", ("not sent", "12345", "min")),
        ):
            page = client.get("/", headers={"Accept-Language": language})
            refused = client.post(
                "/submit",
                data={**form, "csrf_token": csrf_of(page.text)},
                headers={"Accept-Language": language},
            )
            assert refused.status_code == 429
            assert flood["body"] in refused.text  # what was written is kept
            for word in words:
                assert word in refused.text, (language, word)
            assert "尝试次数过多" not in refused.text


def test_a_surge_group_in_the_inbox_names_a_few_cases_and_merges_them_all(
    client, session, world, monkeypatch
):
    """Before: a group listed every case by name (a surge's group of 175: the inbox's first page 159 kB)."""
    monkeypatch.setattr(web_staff, "GROUP_CASES_SHOWN", 5)  # 20 in service
    storm = [f"{item['title']}，{item['body']}" for item in surge(30) if item.get("region") == "A市A5区"]
    _, made = make_issue(session, storm[:8], title="枫林路涵洞积水", start=utcnow() - timedelta(hours=2))
    session.commit()
    login(client, "disp")
    inbox = client.get("/staff").text
    group = inbox.split('class="case-groups"')[1].split("</details>")[0]
    assert group.count("<li>") == 5
    assert "另有 3 件未列出" in group
    ids = re.findall(r'name="case_ids" value="([^"]+)"', group)
    assert len(ids) == len(made)  # the button still merges the whole group
    merged = client.post(
        "/staff/groups/merge", data={"csrf_token": csrf_of(inbox), "case_ids": ids}, follow_redirects=False
    )
    assert merged.status_code == 303
    session.expire_all()
    assert len({session.get(Message, m.id).case_id for m in made}) == 1
