"""The case page offers only relevant answers, each with a relevance band, never a raw score.

A new-user walkthrough of the demo found a gas-leak case offered answers about illegal
building and school places, labelled "相似度 20.7" (a BM25 score, which grows with the
question's length and means nothing to a reader).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from tests.conftest import TEST_SECRET
from tests.functional.conftest import login

from minyi.cases.models import Case
from minyi.cases.services import add_historical_reply
from minyi.demo import factories
from minyi.knowledge import search, suggest
from minyi.settings import Settings

ANSWERED = [  # (title, question, answer): what the demo's knowledge base held
    (
        "锦绣家园小区违章搭建",
        "锦绣家园小区一楼住户在楼下违章搭建阳光房，占用公共绿地，请有关部门处理。",
        "您好：经核查，该违章搭建已由街道城管中队责令限期拆除。感谢您的来信！",
    ),
    (
        "梅溪郡小区子女入学",
        "梅溪郡小区适龄儿童就近入学没有学位，请求教育局解决小区孩子入学问题。",
        "您好：经核查，梅溪郡小区已划入实验小学学区，可按片区入学。感谢您的来信！",
    ),
    (
        "公积金贷款条件",
        "请问公积金贷款需要满足什么条件？",
        "您好：申请住房公积金贷款须连续足额缴存6个月以上。感谢您的来信！",
    ),
]


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return Settings(
        env="test", data_dir=tmp_path, database_url=database_url, secret_key=TEST_SECRET, processing="inline"
    )


@pytest.fixture
def answered(session, settings, world) -> list[Case]:
    cases = []
    for n, (title, question, answer) in enumerate(ANSWERED):
        case = factories.make_case(
            session, status="dispatched", department=world.roads, key=f"kr-{n}", title=title, body=question
        )
        add_historical_reply(session, case, answer, datetime(2019, 5, 10 + n, 6, tzinfo=UTC))
        cases.append(case)
    session.commit()
    search.synchronise(session, settings)
    return cases


def _section(html: str) -> str:
    start = html.index('id="knowledge"')
    return html[start : html.index("</section>", start)]


def _new_case(session, world, key: str, title: str, body: str) -> Case:
    case = factories.make_case(
        session, status="dispatched", department=world.roads, key=key, title=title, body=body
    )
    session.commit()
    return case


def test_an_unrelated_answer_is_not_suggested(client, session, settings, world, answered):
    gas = _new_case(
        session,
        world,
        "kr-gas",
        "锦绣家园小区燃气泄漏隐患请尽快处理",
        "好几栋楼的住户都闻到了，怀疑是小区地下燃气管道燃气泄漏，请燃气公司尽快派人检查。",
    )
    found = search.search(session, settings, suggest.query_of(gas), top=5)
    assert found, "BM25 alone finds the answers that share 小区 and 锦绣家园"
    assert found[0].coverage < suggest.MIN_COVERAGE  # 燃气, 泄漏: no answer holds them
    assert suggest.suggestions_for(session, settings, gas, world.admin).cases == []
    login(client, "road")
    section = _section(client.get(f"/staff/cases/{gas.id}").text)
    assert "knowledge-hit" not in section
    assert 'id="knowledge-no-cases"' in section
    assert "暂无相近的答复" in section


def test_a_related_answer_shows_a_relevance_band_not_a_score(client, session, settings, world, answered):
    loan = _new_case(session, world, "kr-loan", "公积金贷款", "公积金贷款条件是什么")
    hits = suggest.suggestions_for(session, settings, loan, world.admin).cases
    assert [hit.id for hit in hits] == [answered[2].id]
    assert hits[0].coverage >= suggest.MIN_COVERAGE
    assert hits[0].band == "high"
    login(client, "road")
    section = _section(client.get(f"/staff/cases/{loan.id}").text)
    assert f'data-id="{answered[2].id}"' in section
    assert "相关度 高" in section
    assert "相似度" not in section
    assert f"{hits[0].score:.1f}" not in section
    assert not re.search(r"相关度 \d", section)


def test_the_bands_follow_the_relevance():
    def hit(relevance: float) -> search.Hit:
        return search.Hit("case", "1", "t", "a", "", "", 50.0, relevance=relevance)

    assert [hit(r).band for r in (0.9, search.HIGH_RELEVANCE, search.FAIR_RELEVANCE, 0.05)] == [
        "high",
        "high",
        "fair",
        "low",
    ]


def test_weak_answers_are_folded_away_not_suggested(client, session, settings, world, answered, monkeypatch):
    """As in the demo: the index knows the words (coverage 0.6) but the answers share only 小区."""
    gas = _new_case(session, world, "kr-gas2", "锦绣家园楼道燃气味", "楼道里有很重的燃气味")
    weak = [
        search.Hit(
            "case", case.id, case.title, "已处理。", "", "2019-05-10", 25.5, relevance=0.05, coverage=0.6
        )
        for case in answered[:2]
    ]
    monkeypatch.setattr(search, "search", lambda *_args, **_kwargs: weak)
    found = suggest.suggestions_for(session, settings, gas, world.admin)
    assert (found.cases, [hit.id for hit in found.weak]) == ([], [answered[0].id, answered[1].id])
    login(client, "road")
    section = _section(client.get(f"/staff/cases/{gas.id}").text)
    assert "knowledge-hit" not in section
    assert 'id="knowledge-no-cases"' in section
    folded = section[section.index('id="knowledge-weak"') :]
    assert f'data-id="{answered[0].id}"' in folded
    assert "相关度 低" in folded
    assert "25.5" not in section
    assert (
        suggest.chosen(session, settings, gas, world.admin, "case", answered[0].id).id == answered[0].id
    )  # still usable


def test_a_question_the_base_knows_little_of_reads_no_better_than_fair():
    """公积金提取需要什么材料 met 生育登记需要什么材料 on 需要…材料: relevance 0.43, coverage 0.39."""
    from minyi.knowledge import search

    weak = search.Hit(
        "case",
        "x",
        "生育登记需要什么材料？",
        "…",
        "卫健委",
        "2026-12-01",
        31.6,
        relevance=0.43,
        coverage=0.39,
    )
    assert weak.band == "fair"
    strong = search.Hit(
        "case", "y", "广场舞噪音扰民问题", "…", "城管局", "2026-12-01", 22.8, relevance=0.54, coverage=0.96
    )
    assert strong.band == "high"
