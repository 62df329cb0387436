"""The knowledge base on the pages: case suggestions, use as draft, 直接答复, the portal, articles."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from tests.conftest import TEST_SECRET
from tests.functional.conftest import csrf_of, login

from minyi.admin.services import add_template
from minyi.cases.models import Case, CaseStatus
from minyi.cases.services import add_historical_reply
from minyi.core.errors import Conflict, Forbidden
from minyi.demo import factories
from minyi.knowledge import search, uses
from minyi.knowledge.models import KnowledgeArticle, KnowledgeUse, UseKind
from minyi.settings import Settings

QUESTION = "请问公积金贷款需要满足什么条件？我是王小明，电话13912345678"
ANSWER = "王小明您好：现将有关情况回复如下：申请住房公积金贷款须连续足额缴存6个月以上。感谢您的来信！"


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    """The test settings, with a direct-answer score the small test index reaches."""
    return Settings(
        env="test",
        data_dir=tmp_path,
        database_url=database_url,
        secret_key=TEST_SECRET,
        processing="inline",
        knowledge_direct_score=1.0,
    )


@pytest.fixture
def answered(session, settings, world) -> Case:
    case = factories.make_case(
        session,
        status="dispatched",
        department=world.roads,
        title="公积金贷款条件",
        body=QUESTION,
        is_public=True,
    )
    add_historical_reply(session, case, ANSWER, datetime(2019, 5, 10, 6, tzinfo=UTC))
    private = factories.make_case(
        session,
        status="dispatched",
        department=world.roads,
        title="公积金贷款额度",
        body="公积金贷款能贷多少",
    )
    add_historical_reply(
        session, private, "私密答复：最高可贷六十万元。", datetime(2019, 5, 11, 6, tzinfo=UTC)
    )
    add_template(
        session,
        name="交通：标准答复",
        body="您好！关于“{title}”（编号{number}），经核查，【待填写】。如有疑问请致电{phone}。",
        department_id=world.roads.id,
    )
    session.commit()
    search.synchronise(session, settings)
    return case


def _section(html: str) -> str:
    start = html.index('id="knowledge"')
    return html[start : html.index("</section>", start)]


def _inquiry(session, key: str = "inquiry-key", kind: str = "inquiry") -> Case:
    case = factories.make_case(
        session, status="received", key=key, title="公积金贷款条件咨询", body="公积金贷款要什么条件？"
    )
    case.appeal_kind = kind
    session.commit()
    return case


def test_case_page_suggests_similar_answers_masked_and_not_itself(client, session, world, answered):
    new = factories.make_case(
        session,
        status="dispatched",
        department=world.roads,
        key="k2",
        title="公积金贷款",
        body="公积金贷款条件是什么",
    )
    session.commit()
    login(client, "road")
    section = _section(client.get(f"/staff/cases/{new.id}").text)
    assert f'data-id="{answered.id}"' in section
    assert "连续足额缴存6个月以上" in section
    assert "13912345678" not in section
    assert "王小明" not in section
    own = _section(client.get(f"/staff/cases/{answered.id}").text)
    assert f'data-id="{answered.id}"' not in own


def test_use_as_draft_fills_the_editor_checks_it_and_records_the_use(client, session, world, answered):
    new = factories.make_case(
        session,
        status="dispatched",
        department=world.roads,
        key="k3",
        title="公积金贷款",
        body="公积金贷款条件是什么",
    )
    session.commit()
    login(client, "road")
    page = client.get(f"/staff/cases/{new.id}")
    response = client.post(
        f"/staff/cases/{new.id}/knowledge-draft",
        data={"csrf_token": csrf_of(page.text), "source": "case", "id": answered.id},
    )
    assert response.status_code == 200, response.text
    editor = re.search(r'<textarea id="reply-body"[^>]*>([^<]*)</textarea>', response.text).group(1)
    assert new.number in editor
    assert "申请住房公积金贷款须连续足额缴存6个月以上" in editor
    assert "【待填写】" not in editor
    assert "回复如下" not in editor
    assert 'id="reply-quality"' in response.text
    session.expire_all()
    use = session.query(KnowledgeUse).filter_by(case_id=new.id).one()
    assert (use.kind, use.source, use.source_id) == (UseKind.DRAFT, "case", answered.id)
    assert use.score > 0
    gone = client.post(
        f"/staff/cases/{new.id}/knowledge-draft",
        data={"csrf_token": csrf_of(page.text), "source": "case", "id": "no-such-case"},
    )
    assert gone.status_code == 404


def test_direct_answer_replies_closes_and_is_counted(client, session, world, answered, settings):
    case = _inquiry(session)
    login(client, "disp")
    page = client.get(f"/staff/cases/{case.id}")
    assert 'id="direct-answer"' in page.text
    response = client.post(
        f"/staff/cases/{case.id}/direct-answer",
        data={
            "csrf_token": csrf_of(page.text),
            "source": "case",
            "id": answered.id,
            "reason": "知识库标准答复",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    session.expire_all()
    closed = session.get(Case, case.id)
    assert closed.status == CaseStatus.CLOSED
    assert [r.is_public for r in closed.replies] == [True]
    assert "连续足额缴存6个月以上" in closed.replies[0].body
    use = session.query(KnowledgeUse).filter_by(case_id=case.id).one()
    assert use.kind == UseKind.DIRECT_ANSWER
    now = datetime.now(UTC)
    assert uses.direct_answer_counts(session, now - timedelta(days=1), now + timedelta(minutes=1)) == 1


def test_direct_answer_is_refused_to_department_staff_and_to_other_kinds(
    client, session, world, answered, settings
):
    case = _inquiry(session)
    with pytest.raises(Forbidden):
        uses.direct_answer(session, settings, world.road_staff, case, "case", answered.id, min_score=0)
    with pytest.raises(Forbidden):
        uses.direct_answer(session, settings, world.supervisor, case, "case", answered.id, min_score=0)
    complaint = _inquiry(session, key="complaint-key", kind="complaint")
    login(client, "disp")
    page = client.get(f"/staff/cases/{complaint.id}")
    assert 'id="direct-answer"' not in page.text
    refused = client.post(
        f"/staff/cases/{complaint.id}/direct-answer",
        data={"csrf_token": csrf_of(page.text), "source": "case", "id": answered.id},
    )
    assert refused.status_code == 409
    with pytest.raises(Conflict):
        uses.direct_answer(session, settings, world.dispatcher, complaint, "case", answered.id, min_score=0)
    session.rollback()
    session.expire_all()
    assert session.get(Case, complaint.id).status == CaseStatus.RECEIVED
    assert session.query(KnowledgeUse).count() == 0


def test_public_endpoint_never_returns_a_private_case(client, session, answered):
    found = client.get("/api/v1/public/knowledge", params={"q": "公积金贷款"}).json()
    assert [hit["id"] for hit in found] == [answered.id]
    assert "私密" not in str(found)
    assert "13912345678" not in str(found)
    assert client.get("/api/v1/public/knowledge", params={"q": "最高可贷多少 额度"}).json() == []
    assert client.get("/api/v1/public/knowledge", params={"q": ""}).json() == []
    too_long = client.get("/api/v1/public/knowledge", params={"q": "路" * 501})
    assert too_long.status_code == 422
    assert "q" in too_long.text
    page = client.get(found[0]["url"])
    assert page.status_code == 200
    assert "连续足额缴存" in page.text
    assert "13912345678" not in page.text
    private = session.query(Case).filter(Case.title == "公积金贷款额度").one()
    assert client.get(f"/public/knowledge/{private.id}").status_code == 404


def test_submit_page_offers_similar_answers_without_blocking(client):
    page = client.get("/")  # the portal's form posts to /submit
    assert re.search(r'id="similar-answers"[^>]* hidden', page.text)  # shown by the script only
    assert "/static/similar-answers.js" in page.text
    assert client.get("/static/similar-answers.js").status_code == 200


def test_articles_create_edit_version_expire_and_import(client, session, world, settings):
    login(client, "boss")
    form = client.get("/staff/knowledge/new")
    token = csrf_of(form.text)
    created = client.post(
        "/staff/knowledge/new",
        data={
            "csrf_token": token,
            "title": "人才购房补贴",
            "body": "本科及以上学历可申请。",
            "department": "JTJ",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    article_id = created.headers["location"].rsplit("/", 1)[-1]
    changed = client.post(
        f"/staff/knowledge/{article_id}",
        data={
            "csrf_token": token,
            "title": "人才购房补贴",
            "body": "硕士及以上学历可申请。",
            "note": "政策调整",
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    page = client.get(f"/staff/knowledge/{article_id}").text
    assert page.count("data-version=") == 2
    assert "政策调整" in page
    bad = client.post(f"/staff/knowledge/{article_id}", data={"csrf_token": token, "title": "", "body": "x"})
    assert bad.status_code == 422
    assert "标题应为 1 到 300 个字" in bad.text
    assert (
        client.get("/staff/knowledge", params={"q": "人才购房"}).text.count(f"/staff/knowledge/{article_id}")
        >= 1
    )
    client.post(f"/staff/knowledge/{article_id}/expire", data={"csrf_token": token})
    session.expire_all()
    article = session.get(KnowledgeArticle, article_id)
    assert article.version == 3
    assert article.valid_to is not None
    assert 'id="kb-expired"' in client.get(f"/staff/knowledge/{article_id}").text
    assert f"/staff/knowledge/{article_id}" not in client.get("/staff/knowledge").text
    assert f"/staff/knowledge/{article_id}" in client.get("/staff/knowledge?expired=1").text
    assert search.search(session, settings, "人才购房补贴") == []
    files = {"file": ("kb.md", "# 落户办理流程\n\n携带身份证到派出所办理。\n".encode(), "text/markdown")}
    imported = client.post(
        "/staff/knowledge-import", data={"csrf_token": token}, files=files, follow_redirects=False
    )
    assert imported.status_code == 303
    assert session.query(KnowledgeArticle).filter_by(title="落户办理流程").count() == 1
    wrong = {"file": ("kb.txt", b"x", "text/plain")}
    assert client.post("/staff/knowledge-import", data={"csrf_token": token}, files=wrong).status_code == 422


def test_staff_read_articles_and_supervisors_do_not_write(client, session, world):
    login(client, "sup")
    assert client.get("/staff/knowledge").status_code == 200
    assert client.get("/staff/knowledge/new").status_code == 403
