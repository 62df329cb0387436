"""Themes versus concrete issues at ranking time: the key's specificity, the split, the order."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from minyi.issues.detect.heat import HeatWeights
from minyi.issues.detect.issue import Issue, IssueMessage, people_counts
from minyi.issues.detect.theme import (
    TERMS,
    Postings,
    _top_grams,
    concrete_first,
    concreteness,
    rank_concrete,
)

START = datetime(2024, 3, 1, 9, tzinfo=UTC)
FLAT = HeatWeights(tau_days=0, growth=0)

PLANT = [
    f"投诉丽发新城小区附近搅拌站噪音扰民{tail}"
    for tail in ("", "！", "，晚上睡不着", "严重", "再次反映", "求处理")
]
OLD_TOWN = [
    "A7县凉塘路旧城改造什么时候动工",
    "A7县凉塘路的旧城改造要拖到何时",
    "请问A7县凉塘路旧城改造何时启动",
    "A7县凉塘路旧城改造究竟要拖到何年何月",
]
ROAD = [
    "A7县东六路路面破损不堪",
    "A7县东六路附近的空地做什么用途",
    "A7县东六路照明光线太暗",
    "A7县东六路晚上太吵了",
]
ELSEWHERE = [
    "A7县星沙大道夜间飙车",
    "A7县时代星城摆摊设点严重",
    "A7县商业乐园油烟扰民",
    "A7县星沙医院偷税漏税",
]
BACKGROUND = [
    *(
        f"A7县东六路{what}"
        for what in ("消防设施陈旧", "增设人行横道", "下穿通道何时通车", "中国铁建违规封闭天井")
    ),
    *(f"A7县第{n}小区{what}" for n in range(20) for what in ("停车难",)),
    "A3区学校食堂收费问题",
    "A5区公交线路调整建议",
]


def messages(titles: list[str], prefix: str, start: int = 0) -> list[IssueMessage]:
    """One message per title, each by its own author, one hour apart."""
    return [
        IssueMessage(
            f"{prefix}{start + index}",
            title,
            "",
            START + timedelta(hours=start + index),
            author=f"{prefix}-author-{index}",
            likes=index,
        )
        for index, title in enumerate(titles)
    ]


def issue_of(issue_id: int, members: list[IssueMessage]) -> Issue:
    weighted, people_likes = people_counts((m.author, m.likes) for m in members)
    return Issue(
        id=issue_id,
        title=members[0].title,
        keywords=(),
        places=(),
        first_time=members[0].when,
        last_time=members[-1].when,
        size=len(members),
        authors=len({m.author for m in members}),
        likes=sum(m.likes for m in members),
        dislikes=0,
        reposts=0,
        replies=0,
        timeline={members[0].when.date(): len(members)},
        representative_ids=(members[0].message_id,),
        message_ids=tuple(m.message_id for m in members),
        weighted_posts=weighted,
        people_likes=people_likes,
    )


def corpus() -> tuple[list[IssueMessage], Issue, Issue]:
    """A concrete issue (the plant), a theme (an area's mixed problems) and background messages."""
    plant = messages(PLANT, "p")
    theme = messages(OLD_TOWN + ROAD + ELSEWHERE, "t")
    background = messages(BACKGROUND, "b")
    return plant + theme + background, issue_of(1, plant), issue_of(2, theme)


def test_a_concrete_issue_has_a_specific_key_and_a_theme_has_none() -> None:
    every, plant, theme = corpus()
    found = concreteness([plant, theme], {m.message_id: m.title for m in every})
    assert not found[1].theme
    assert found[1].specificity > 0.9
    assert found[2].theme


def test_a_theme_is_split_and_its_rest_ranks_after_the_concrete_issues() -> None:
    every, plant, theme = corpus()
    ranking = rank_concrete([theme, plant], every, min_size=3, weights=FLAT)
    ids = [issue.id for issue, _ in ranking.ranked]
    old_town = {m.message_id for m in every if m.title in OLD_TOWN}
    new_id = ranking.moved[next(iter(old_town))]
    assert set(ranking.moved) == old_town  # the 凉塘路 part, and nothing else
    assert new_id not in {1, 2}
    assert ids == [1, new_id, 2]  # the rest of the theme is hotter than the part, but last
    assert ranking.themes == {2}
    rest = next(issue for issue, _ in ranking.ranked if issue.id == 2)
    assert rest.size == len(ROAD) + len(ELSEWHERE)
    part = next(issue for issue, _ in ranking.ranked if issue.id == new_id)
    assert part.authors == len(OLD_TOWN)
    assert part.title == OLD_TOWN[0]


def test_messages_sharing_only_place_names_are_not_split_out() -> None:
    """东六路 and A7县 are names: four different problems on one road stay in the theme."""
    every, _, theme = corpus()
    ranking = rank_concrete([theme], every, weights=FLAT)
    road = {m.message_id for m in every if m.title in ROAD}
    assert not road & set(ranking.moved)


def test_concrete_first_keeps_the_order_within_each_part() -> None:
    every, plant, theme = corpus()
    other = issue_of(3, messages(["A3区学校食堂收费问题"] * 3, "x"))
    ranked = [(theme, 9.0), (plant, 5.0), (other, 1.0)]
    assert [i.id for i, _ in concrete_first(ranked, {2})] == [1, 3, 2]
    assert Postings({m.message_id: m.title for m in every}).both("丽发", "搅拌") == len(PLANT)


QUESTIONS = [
    "贷款额度怎么算",
    "能否用来付房租",
    "缴存比例太低",
    "异地转移很麻烦",
    "断缴还能贷款吗",
    "组合贷办不下来",
    "账户密码忘了",
    "离职后怎么取出",
    "装修能不能用",
    "退休后如何销户",
]
ELSEWHERE_TOO = ["缴存基数", "中心电话打不通", "网点排队太久", "年度结息", "个税抵扣", "冲还贷", "证明开具"]


def test_a_topic_word_needs_a_more_specific_key_than_a_name() -> None:
    """10 of the 17 titles with 公积金 (0.59): a theme; 10 of the 17 with 伊景园: one place, concrete."""
    fund = messages([f"公积金{q}" for q in QUESTIONS], "f")
    estate = messages([f"伊景园{q}" for q in QUESTIONS], "e")
    others = messages([f"公积金{q}" for q in ELSEWHERE_TOO] + [f"伊景园{q}" for q in ELSEWHERE_TOO], "o")
    titles = {m.message_id: m.title for m in fund + estate + others}
    found = concreteness([issue_of(1, fund), issue_of(2, estate)], titles)
    assert 0.5 < found[1].specificity < 0.6
    assert found[1].topic
    assert found[1].theme
    assert found[2].specificity == found[1].specificity
    assert not found[2].topic
    assert not found[2].theme


def test_shared_bigrams_tie_by_the_bigram_not_by_the_hash_seed() -> None:
    """Ties at the cut must not follow set order (it comes from the string hash seed)."""
    grams = [f"g{i:03d}" for i in range(TERMS + 5)]
    forward = Counter(dict.fromkeys(grams, 3))
    backward = Counter(dict.fromkeys(reversed(grams), 3))
    assert _top_grams(forward, 2) == _top_grams(backward, 2) == grams[:TERMS]


def test_a_part_of_a_topic_theme_needs_a_problem_word_of_its_own() -> None:
    """人才 questions asked in A市 are the 人才 theme again; 人才 + 补贴 is one policy, split out."""
    subsidy = [f"A市人才购房补贴{q}" for q in ("怎么申请", "为什么通不过", "何时发放", "审核太慢")]
    city = [f"A市人才{q}" for q in ("落户问题", "技师奖励", "公寓申请", "租房政策", "引进条件")]
    spread = [f"人才{q}" for q in ("绿卡", "认定标准", "市场招聘", "住房保障")]
    theme = messages(subsidy + city + spread, "h")
    elsewhere = ("服务中心", "公寓", "交流会", "档案", "证书", "补助", "引进", "测评", "驿站")
    others = messages([f"A市人才{q}" for q in elsewhere], "o")
    city_wide = messages([f"A市人民路第{n}号路灯不亮" for n in range(40)], "c")
    every = theme + others + city_wide
    found = concreteness([issue_of(1, theme)], {m.message_id: m.title for m in every})
    assert found[1].topic
    assert found[1].theme
    assert found[1].key == ("人才",)
    ranking = rank_concrete([issue_of(1, theme)], every, weights=FLAT)
    moved = {m.message_id for m in theme if m.message_id in ranking.moved}
    assert moved == {m.message_id for m in theme if m.title in subsidy}  # not the 5 other A市 questions


def test_parts_take_ids_no_other_issue_has() -> None:
    """Only the issues of --min-size messages are ranked; a part's id must not be a smaller issue's."""
    every, plant, theme = corpus()
    assert set(rank_concrete([theme, plant], every, weights=FLAT).moved.values()) == {3}  # above 1 and 2
    ranking = rank_concrete([theme, plant], every, weights=FLAT, first_id=50)  # the detector gave 1 … 49
    assert set(ranking.moved.values()) == {50}
    assert 50 in {issue.id for issue, _ in ranking.ranked}


def test_a_topic_key_shared_by_many_titles_must_be_more_specific_still() -> None:
    """公积金 in 10 titles of the issue and 5 elsewhere (0.67): a theme; a key of 2 titles of 3 (0.67): not."""
    fund = messages([f"公积金{q}" for q in QUESTIONS[:10]], "f")
    others = messages([f"公积金{q}" for q in ELSEWHERE_TOO[:5]], "o")
    small = messages(["举报ktv严重扰民", "ktv严重扰民无人管", "晚上广场舞太吵"], "s")
    titles = {m.message_id: m.title for m in fund + others + small}
    found = concreteness([issue_of(1, fund), issue_of(2, small)], titles)
    assert 0.6 < found[1].specificity < 0.7
    assert found[1].topic
    assert found[1].held == 10
    assert found[1].theme
    assert 0.6 < found[2].specificity < 0.7  # a topic key too (kt, 扰民), but only two titles hold it
    assert found[2].held == 2
    assert not found[2].theme
