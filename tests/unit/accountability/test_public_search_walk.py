"""PostgreSQL's newest-first walk for common words finds what the GIN index finds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from minyi.accountability import search as search_module
from minyi.accountability import search_index, search_walk
from minyi.accountability.search import SearchQuery, search
from minyi.demo import factories

QUERIES = [
    SearchQuery(text="银杏路"),
    SearchQuery(text="银杏路 路灯"),
    SearchQuery(text="银杏路", department="WALK-JTJ"),
    SearchQuery(text="银杏路", department="WALK-NONE"),
    SearchQuery(text="银杏路", region="A市A3区"),
    SearchQuery(text="银杏路", status="closed"),
    SearchQuery(text="银杏路", date_from=date(2019, 3, 2), date_to=date(2019, 3, 5)),
    SearchQuery(text="银杏路", size=2, page=2),
    SearchQuery(text="银杏路", size=2, page=9),
    SearchQuery(text="梧桐巷"),
]


@pytest.fixture
def postgres(session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the walk is PostgreSQL's; SQLite's FTS5 walks in row order already")
    search_walk._cache.clear()
    yield session
    search_walk._cache.clear()


@pytest.fixture
def answers(postgres):
    session = postgres
    roads = factories.make_department(session, code="WALK-JTJ", name="交通运输局")
    water = factories.make_department(session, code="WALK-SWJ", name="水务局")
    start = datetime(2019, 3, 1, 2, tzinfo=UTC)
    for i in range(12):
        factories.make_case(
            session,
            status="replied" if i % 3 else "closed",
            department=roads if i % 2 else water,
            title=f"银杏路问题{i}",
            body="银杏路路灯不亮" if i % 4 == 0 else "银杏路井盖松动",
            is_public=True,
            region=f"A市A{i % 4}区",
            received_at=start + timedelta(days=i),
        )
    session.commit()
    return session


def _seen(session, query):
    result = search(session, query)
    return [hit.number for hit in result.hits], result.total


def _everything(session):
    return [_seen(session, query) for query in QUERIES]


def _common_words(monkeypatch):
    """Every word counts as common (the statistics are empty before ANALYZE); the walks made."""
    walks = []

    def spy(*args, **kwargs):
        walks.append(search_walk.walk(*args, **kwargs))
        return walks[-1]

    monkeypatch.setattr(search_module, "word_share", lambda _session, _words: 1.0)
    monkeypatch.setattr(search_module, "walk", spy)
    return walks


def test_the_walk_answers_as_the_gin_index_does(answers, monkeypatch):
    by_index = _everything(answers)
    assert by_index[0][1] == 12  # the fixture holds what the queries look for
    walks = _common_words(monkeypatch)
    assert _everything(answers) == by_index
    assert len(walks) == len(QUERIES)
    assert all(walked.complete for walked in walks)


def test_a_walk_that_runs_out_of_budget_falls_back_to_the_index(answers, monkeypatch):
    by_index = _everything(answers)
    walks = _common_words(monkeypatch)
    monkeypatch.setattr(search_walk, "BUDGET", 3)
    assert _everything(answers) == by_index
    assert not all(walked.complete for walked in walks)


def test_two_filters_or_a_category_go_to_the_gin_index(answers, monkeypatch):
    walks = _common_words(monkeypatch)
    search(answers, SearchQuery(text="银杏路", department="WALK-JTJ", status="closed"))
    search(answers, SearchQuery(text="银杏路", category="no-such-category"))
    assert walks == []


def test_the_word_shares_come_from_the_column_statistics(answers):
    answers.execute(text("ANALYZE public_search"))
    words = search_index.tokens().query("银杏路")  # in every answer of the fixture
    assert search_walk.word_share(answers, words) == pytest.approx(1.0)
    assert search_walk.word_share(answers, [*words, "从未出现"]) == 0.0
    assert search_walk.word_share(answers, []) == 0.0
