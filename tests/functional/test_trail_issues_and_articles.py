"""Hot-issue edits and knowledge articles in the audit trail (the thirteenth probe's left-open items).

Renaming, merging and splitting a hot issue changes what the public figures and briefings
say the city is talking about; an article is the answer staff give to a recurring question.
Neither left an audit entry. Each way in (page, API, command line) now records one event:
who, from where, the issue's or article's id as subject, and what changed — ids, versions
and masked titles, never a message's text. A refused edit records nothing.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from tests.functional.conftest import bearer, csrf_of, login
from tests.issuedata import NOISE, PARKING, make_issue

from minyi.audit import services as audit
from minyi.audit.models import AuditEvent


@pytest.fixture
def two_issues(session, world):
    noise, noise_messages = make_issue(session, NOISE)
    parking, _ = make_issue(session, PARKING, title="悦湖湾捆绑车位", author_prefix="p")
    session.commit()
    return noise, noise_messages, parking


def _events(session, *actions: str) -> list[AuditEvent]:
    session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.at, AuditEvent.id)
    return list(session.scalars(query))


def test_the_issue_page_records_rename_split_and_merge(client, session, two_issues, world):
    noise, messages, parking = two_issues
    login(client, "disp")
    token = csrf_of(client.get(f"/staff/issues/{noise.id}").text)
    refused = client.post(f"/staff/issues/{noise.id}/rename", data={"title": " ", "csrf_token": token})
    assert refused.status_code == 422
    assert _events(session, audit.ISSUE_RENAMED) == []  # a refused edit records nothing
    client.post(
        f"/staff/issues/{noise.id}/rename",
        data={"title": "搅拌站噪音 找王先生13812345678", "csrf_token": token},
    )
    (renamed,) = _events(session, audit.ISSUE_RENAMED)
    assert (renamed.actor, renamed.actor_user_id, renamed.subject) == ("disp", world.dispatcher.id, noise.id)
    assert renamed.address
    assert renamed.details["was"] == "滨江新城搅拌站噪音"
    assert "13812345678" not in renamed.details["title"]  # a title is masked in the trail
    assert renamed.details["title"].startswith("搅拌站噪音")

    picked = [m.id for m in messages[:2]]
    split = client.post(
        f"/staff/issues/{noise.id}/split",
        data={"message_ids": picked, "title": "夜间施工", "csrf_token": token},
        follow_redirects=False,
    )
    new_id = split.headers["location"].rsplit("/", 1)[1]
    (parted,) = _events(session, audit.ISSUE_SPLIT)
    assert (parted.subject, parted.details) == (
        noise.id,
        {"new_issue": new_id, "title": "夜间施工", "messages": 2},
    )
    client.post(
        f"/staff/issues/{new_id}/merge", data={"target_id": parking.id, "confirm": "1", "csrf_token": token}
    )
    (merged,) = _events(session, audit.ISSUE_MERGED)
    assert (merged.actor, merged.subject) == ("disp", new_id)
    assert merged.details == {"into": parking.id, "title": "悦湖湾捆绑车位", "messages": 2}
    assert not any(m.body[:10] in str(e.details) for m in messages for e in (renamed, parted, merged))


def test_the_api_records_what_the_page_records(client, session, two_issues, world):
    noise, messages, parking = two_issues
    disp = bearer(session, world.dispatcher)
    assert client.post(
        f"/api/v1/issues/{noise.id}/rename", json={"title": "夜间噪音"}, headers=disp
    ).is_success
    split = client.post(
        f"/api/v1/issues/{noise.id}/split", json={"message_ids": [messages[0].id]}, headers=disp
    )
    new_id = split.json()["id"]
    assert client.post(
        f"/api/v1/issues/{new_id}/merge", json={"target_id": parking.id}, headers=disp
    ).is_success
    events = _events(session, audit.ISSUE_RENAMED, audit.ISSUE_SPLIT, audit.ISSUE_MERGED)
    assert [(e.action, e.actor, e.subject) for e in events] == [
        (audit.ISSUE_RENAMED, "disp", noise.id),
        (audit.ISSUE_SPLIT, "disp", noise.id),
        (audit.ISSUE_MERGED, "disp", new_id),
    ]
    assert events[1].details["new_issue"] == new_id
    assert all(e.address for e in events)


def test_the_audit_pages_subject_filter_finds_an_issues_edits(client, session, two_issues):
    noise, _, _ = two_issues
    login(client, "disp")
    token = csrf_of(client.get(f"/staff/issues/{noise.id}").text)
    client.post(f"/staff/issues/{noise.id}/rename", data={"title": "搅拌站夜间噪音", "csrf_token": token})
    client.post("/logout", data={"csrf_token": token})
    login(client, "boss")
    page = client.get("/staff/admin/audit", params={"subject": noise.id})
    assert page.status_code == 200
    assert "热点问题改名" in page.text
    assert "原标题：滨江新城搅拌站噪音" in page.text
    assert "热点问题、文章的编号" in page.text  # the filter says it takes one


def test_the_knowledge_pages_record_articles_created_changed_expired_and_imported(client, session, world):
    login(client, "boss")
    token = csrf_of(client.get("/staff/knowledge/new").text)
    created = client.post(
        "/staff/knowledge/new",
        data={"csrf_token": token, "title": "人才购房补贴", "body": "本科及以上学历可申请。"},
        follow_redirects=False,
    )
    article_id = created.headers["location"].rsplit("/", 1)[-1]
    client.post(
        f"/staff/knowledge/{article_id}",
        data={
            "csrf_token": token,
            "title": "人才购房补贴",
            "body": "硕士及以上学历可申请。",
            "note": "政策调整",
        },
    )
    assert (
        client.post(f"/staff/knowledge/{article_id}", data={"csrf_token": token, "title": ""}).status_code
        == 422
    )
    client.post(f"/staff/knowledge/{article_id}/expire", data={"csrf_token": token})
    files = {"file": ("kb.md", "# 落户办理流程\n\n携带身份证到派出所办理。\n".encode(), "text/markdown")}
    client.post("/staff/knowledge-import", data={"csrf_token": token}, files=files)
    kinds = (audit.ARTICLE_CREATED, audit.ARTICLE_CHANGED, audit.ARTICLE_EXPIRED)
    events = _events(session, *kinds)
    assert [(e.action, e.details["version"]) for e in events] == [
        (audit.ARTICLE_CREATED, 1),
        (audit.ARTICLE_CHANGED, 2),
        (audit.ARTICLE_EXPIRED, 3),
        (audit.ARTICLE_CREATED, 1),
    ]
    assert {e.subject for e in events[:3]} == {article_id}
    assert {(e.actor, e.actor_user_id) for e in events} == {("boss", world.admin.id)}
    assert all(e.address for e in events)
    assert events[2].details["valid_to"]
    assert events[3].details == {"version": 1, "title": "落户办理流程", "file": "kb.md"}
    assert not any("学历" in str(e.details) for e in events)  # the title, never the text
    page = client.get("/staff/admin/audit", params={"subject": article_id})
    assert page.text.count("人才购房补贴") >= 3
    assert "知识库文章失效" in page.text


def test_the_command_line_signs_an_article_import(tmp_path, monkeypatch):
    from tests.functional.conftest import cli_database

    from minyi.cli.main import cli

    source = tmp_path / "kb.md"
    source.write_text("# 落户办理流程\n\n携带身份证到派出所办理。\n", "utf-8")
    with cli_database(tmp_path, monkeypatch, "trail") as database:
        result = CliRunner().invoke(cli, ["knowledge", "import", str(source)])
        assert result.exit_code == 0, result.output
        with database.session() as session:
            (event,) = _events(session, audit.ARTICLE_CREATED)
    assert (event.actor, event.actor_user_id, event.details["file"]) == ("command line", None, "kb.md")
