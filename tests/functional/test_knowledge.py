"""The knowledge base: articles with versions, answered cases found masked, CLI and API."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from tests.conftest import TEST_SECRET
from tests.functional.conftest import bearer

from minyi.cases.services import add_historical_reply
from minyi.cli.main import cli
from minyi.core.errors import Forbidden, InvalidInput
from minyi.db.session import Database
from minyi.demo import factories
from minyi.knowledge import articles, search
from minyi.knowledge.models import ArticleVersion, KnowledgeArticle
from minyi.settings import get_settings

QUESTION = "请问公积金贷款需要满足什么条件？我是王小明，电话13912345678"
ANSWER = "王小明您好：申请住房公积金贷款须连续足额缴存6个月以上，详询0731-12345678。"


@pytest.fixture
def answered(session, world):
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
        session, status="dispatched", department=world.roads, title="人民路路灯不亮", body="路灯坏了一个月"
    )
    add_historical_reply(session, private, "已安排维修路灯。", datetime(2019, 5, 11, 6, tzinfo=UTC))
    session.commit()
    return case


def test_answered_cases_are_found_masked_and_private_ones_only_by_staff(session, settings, answered):
    assert search.synchronise(session, settings) >= 2
    hits = search.search(session, settings, "公积金贷款要什么条件", top=3)
    assert hits[0].id == answered.id
    assert hits[0].source == "case"
    assert hits[0].department == "交通运输局"
    assert hits[0].date == "2019-05-10"
    assert "13912345678" not in hits[0].question
    assert "王小明" not in hits[0].question + hits[0].answer
    assert [h.title for h in search.search(session, settings, "路灯", public_only=True)] == []
    assert [h.title for h in search.search(session, settings, "路灯")] == ["人民路路灯不亮"]


def test_bad_queries_name_the_field(session, settings):
    for text, top in (("", 5), ("路灯", 0), ("路" * 3000, 5)):
        with pytest.raises(InvalidInput):
            search.search(session, settings, text, top=top)


def test_an_article_keeps_its_versions_and_is_hidden_when_expired(session, settings, world):
    data = articles.ArticleIn(
        title="人才购房补贴申请条件", body="本科及以上学历可申请购房补贴。", department="JTJ", tags=["人才"]
    )
    article = articles.save_article(session, world.admin, data)
    changed = articles.ArticleIn(
        title="人才购房补贴申请条件", body="硕士及以上学历可申请。", department="JTJ"
    )
    articles.save_article(session, world.admin, changed, article.id, note="政策调整")
    session.commit()
    versions = (
        session.query(ArticleVersion).filter_by(article_id=article.id).order_by(ArticleVersion.version).all()
    )
    assert [(v.version, v.body[:2]) for v in versions] == [(1, "本科"), (2, "硕士")]
    search.synchronise(session, settings)
    found = search.search(session, settings, "人才购房补贴", public_only=True)
    assert found[0].source == "article"
    assert found[0].answer.startswith("硕士")
    article.valid_to = date(2020, 1, 1)
    article.updated_at = datetime.now(UTC)
    session.commit()
    search.synchronise(session, settings)
    assert search.search(session, settings, "人才购房补贴") == []
    assert articles.list_articles(session, on=date(2026, 1, 1)) == []


def test_only_curators_write_articles(session, world):
    data = articles.ArticleIn(title="标题", body="正文", department="JYJ")
    with pytest.raises(Forbidden):
        articles.save_article(session, world.road_staff, data)
    with pytest.raises(InvalidInput):
        articles.save_article(session, world.admin, articles.ArticleIn(title="", body="正文"))
    with pytest.raises(InvalidInput):
        articles.save_article(
            session, world.admin, articles.ArticleIn(title="t", body="b", department="无此部门")
        )


def test_articles_import_from_markdown_and_csv(session, world, tmp_path):
    md = tmp_path / "kb.md"
    md.write_text(
        "# 落户办理流程\n部门: JTJ\n标签: 落户, 户口\n\n携带身份证到派出所办理。\n\n# 社保转移\n\n在新参保地申请。\n",
        encoding="utf-8",
    )
    saved = articles.import_articles(session, md)
    assert [(a.title, a.tags) for a in saved] == [("落户办理流程", ["落户", "户口"]), ("社保转移", [])]
    assert saved[0].department.code == "JTJ"
    csv = tmp_path / "kb.csv"
    csv.write_text("标题,正文,失效日期\n公积金提取,凭证明办理,2030-12-31\n", encoding="utf-8")
    assert articles.import_articles(session, csv)[0].valid_to == date(2030, 12, 31)
    bad = tmp_path / "bad.csv"
    bad.write_text("名称,说明\n甲,乙\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="title column"):
        articles.import_articles(session, bad)


def test_importing_articles_again_adds_nothing_and_a_change_is_a_new_version(session, world, tmp_path):
    md = tmp_path / "kb.md"
    md.write_text(
        "# 落户办理流程\n部门: JTJ\n\n携带身份证到派出所办理。\n\n# 社保转移\n\n在新参保地申请。\n", "utf-8"
    )
    assert len(articles.import_articles(session, md)) == 2
    assert articles.import_articles(session, md) == []
    assert session.query(KnowledgeArticle).count() == 2
    md.write_text("# 落户办理流程\n部门: JTJ\n\n携带身份证和户口簿到派出所办理。\n", "utf-8")
    (changed,) = articles.import_articles(session, md)
    assert (changed.version, session.query(KnowledgeArticle).count()) == (2, 2)
    csv = tmp_path / "kb.csv"
    csv.write_text("标题,正文,部门\n公积金提取,凭证明办理,JTJ\n医保报销,凭发票办理,NOPE\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="row 3: department: no department 'NOPE'"):
        articles.import_articles(session, csv)


def test_api_search(client, session, answered, world):
    headers = bearer(session, world.dispatcher)
    response = client.get("/api/v1/knowledge/search", params={"q": "公积金贷款", "top": 2}, headers=headers)
    assert response.status_code == 200
    assert response.json()[0]["id"] == answered.id
    assert client.get("/api/v1/knowledge/search", params={"q": "公积金"}).status_code == 401
    assert client.get("/api/v1/knowledge/search", params={"q": " "}, headers=headers).json() == []
    long = client.get("/api/v1/knowledge/search", params={"q": "路" * 3000}, headers=headers)
    assert long.status_code == 422
    assert "q" in long.text


def test_cli_search_import_and_reindex(tmp_path, monkeypatch):
    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MINYI_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("MINYI_PROCESSING", "inline")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
        database = Database(get_settings().effective_database_url)
        with database.session() as session:
            roads = factories.make_department(session, code="JTJ", name="交通运输局")
            case = factories.make_case(session, department=roads, title="公积金贷款条件", body=QUESTION)
            add_historical_reply(session, case, ANSWER, datetime(2019, 5, 10, 6, tzinfo=UTC))
            session.commit()
        database.engine.dispose()
        md = tmp_path / "kb.md"
        md.write_text("# 公积金提取条件\n\n凭购房合同提取。\n", encoding="utf-8")
        assert "1 articles created or changed" in runner.invoke(cli, ["knowledge", "import", str(md)]).output
        assert "indexed 2" in runner.invoke(cli, ["knowledge", "reindex"]).output
        result = runner.invoke(cli, ["knowledge", "search", "公积金贷款条件", "--format", "json"])
        assert result.exit_code == 0, result.output
        hits = json.loads(result.output)
        assert {"source", "id", "title", "answer", "department", "date", "score"} <= set(hits[0])
        assert hits[0]["title"] == "公积金贷款条件"
        assert "公积金提取条件" in runner.invoke(cli, ["knowledge", "articles"]).output
        table = runner.invoke(cli, ["knowledge", "search", "公积金", "--top", "1"])
        assert table.exit_code == 0
        assert "1. [" in table.output
        assert runner.invoke(cli, ["knowledge", "search", "  "]).exit_code != 0
    finally:
        get_settings.cache_clear()


def test_a_large_backlog_is_indexed_in_the_background_not_in_the_request(tmp_path, monkeypatch):
    """A first case page after a restore of 40k answers indexed them all inside its request (15 min)."""
    from tests.conftest import fresh_database_url

    from minyi.schema import migrate

    database = Database(fresh_database_url(tmp_path, "minyi_knowledge_backlog"))
    migrate.upgrade(database.engine)
    settings = get_settings().model_copy(update={"data_dir": tmp_path})
    with database.session() as writing:
        department = factories.make_department(writing, code="GJJ")
        for n in range(3):
            case = factories.make_case(
                writing,
                status="dispatched",
                department=department,
                title=f"公积金贷款{n}",
                body=QUESTION,
                is_public=True,
            )
            add_historical_reply(writing, case, ANSWER, datetime(2019, 5, 10, 6, tzinfo=UTC))
        writing.commit()
    monkeypatch.setattr(search, "REQUEST_SYNC_CASES", 2)  # three answered cases are "many"
    index = search.open_index(settings)
    try:
        with database.session() as reading:
            assert search.refresh_if_stale(reading, settings, index) is False  # not in the request
        for thread in [t for t in threading.enumerate() if t.name == "knowledge-sync"]:
            thread.join(timeout=30)
        assert index.path not in search._background
        with database.session() as reading:
            hits = search.search(reading, settings, "公积金贷款要什么条件", top=5)
        assert len(hits) == 3
    finally:
        database.engine.dispose()


def test_a_case_merged_away_or_reopened_leaves_the_public_knowledge_at_once(
    session, settings, answered, world
):
    from minyi.cases.events import record
    from minyi.cases.models import CaseStatus, EventAction

    search.synchronise(session, settings)
    assert [h.id for h in search.search(session, settings, "公积金贷款", public_only=True)] == [answered.id]
    # 并案: the case is absorbed (no longer public); the index has not synchronised yet.
    answered.is_public = False
    record(session, answered, EventAction.MERGED_INTO, payload={"into": "x"})
    session.commit()
    assert search.search(session, settings, "公积金贷款", public_only=True) == []
    from minyi.accounts.permissions import department_filter

    assert (
        search.search(session, settings, "公积金贷款", departments=department_filter(world.school_staff))
        == []
    )
    assert [h.id for h in search.search(session, settings, "公积金贷款")] == [answered.id]  # admins read it
    # the next synchronisation rewrites it (private now), and drops it once it is no longer answered
    search.synchronise(session, settings)
    index = search.open_index(settings)
    assert [f.document.public for f in index.search("公积金贷款", top=3) if f.document.id == answered.id] == [
        False
    ]
    record(session, answered, EventAction.REOPENED, to_status=CaseStatus.IN_PROGRESS)
    session.commit()
    search.synchronise(session, settings)
    assert [f.document.id for f in index.search("公积金贷款", top=3)] == []
