"""The keywords shown of an issue are whole words as its titles write them (``readable``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from minyi.issues.detect.cluster import IssueDetector
from minyi.issues.detect.issue import IssueMessage
from minyi.issues.detect.readable import readable_keywords

TITLE = "投诉A2区丽发新城搅拌站噪音扰民"


@pytest.mark.parametrize(
    ("tokens", "titles", "shown"),
    [
        # The probe's case: a district code and a token across the district and the estate.
        (["a2", "区丽发", "搅拌站"], [TITLE], ("A2区", "丽发新城", "搅拌站")),
        # A token inside a name is the name; a whole name stays itself, as written.
        (["丽发", "丽发新城"], [TITLE], ("丽发新城",)),
        (["k9", "交房"], ["A市五矿万境K9栋交房后仍存在诸多问题"], ("K9", "交房")),
        # Across a unit and a name: the name the place finder gives.
        (["县星沙", "改造"], ["A7县星沙四区凉塘路的旧城改造要拖到何时"], ("星沙四区凉塘路", "改造")),
        # Across a unit and a word: the part outside the unit when it is a word.
        (["县星沙", "改造"], ["A7县星沙镇的旧城改造要拖到何时"], ("星沙镇", "改造")),
        # One character left: grown to what every title holding it writes next, up to a name's end.
        (
            ["市经", "规划"],
            ["建议A市经开区泉星公园项目规划优化", "问问A市经开区东六线以西的有关规划"],
            ("经开区", "规划"),
        ),
        # ... and nothing when one title alone holds it.
        (["市经", "规划"], ["建议A市经开区泉星公园项目规划优化"], ("规划",)),
        # Inside a town (an administrative unit named in words): the town.
        (["县楚龙", "a7"], ["A7县楚龙街道红树湾小区的消防设施瘫痪了"], ("楚龙街道", "A7县")),
        # Body words (not in a title) as they are, but never a unit's code.
        (["混凝土", "a2", "p2p"], ["丽发新城搅拌站噪音扰民"], ("混凝土", "p2p")),
        # Repeats and words inside a longer keyword go.
        (["丽发新城", "区丽发", "新城", "噪音"], [TITLE], ("丽发新城", "噪音")),
    ],
)
def test_tokens_become_whole_words_of_the_titles(tokens, titles, shown):
    assert readable_keywords(tokens, titles, 6) == shown


def test_at_most_limit_keywords():
    assert readable_keywords(["搅拌站", "噪音", "扰民"], [TITLE], 2) == ("搅拌站", "噪音")


def test_a_detected_issue_shows_no_piece_of_a_name_and_keeps_the_case():
    start = datetime(2024, 3, 1, 8, tzinfo=UTC)
    titles = [
        "A2区丽发新城搅拌站噪音扰民",
        "A2区丽发新城附近搅拌站夜间施工",
        "投诉A2区丽发新城搅拌站粉尘污染",
        "A2区丽发新城旁搅拌站噪音大",
    ]
    batch = [
        IssueMessage(
            f"m{i}", titles[i % 4], "小区旁边的搅拌站每天晚上施工，噪音很大。", start + timedelta(hours=i)
        )
        for i in range(12)
    ]
    (issue,) = [i for i in IssueDetector().fit(batch).issues() if i.size == 12]
    assert "搅拌站" in issue.keywords
    assert not {"a2", "区丽发", "丽发"} & set(issue.keywords)
    for word in issue.keywords:
        assert any(word in title for title in titles) or word in batch[0].body
