from datetime import date, datetime, timedelta, timezone

import pytest

from minyi.pipeline.reply_quality import ReplyQualityChecker, working_days_between
from minyi.pipeline.reply_quality_cues import has_closing, has_greeting, has_opening, whole_term

CST = timezone(timedelta(hours=8))  # Beijing time


def bj(*parts):
    return datetime(*parts, tzinfo=CST)


TITLE = "A3区丽发新城附近搅拌站噪音扰民"
BODY = "丽发新城小区旁边的搅拌站每天晚上施工到凌晨，噪音很大，严重影响居民休息，请有关部门尽快处理。"
GOOD = (
    "网友“UU008123”您好！您反映的丽发新城附近搅拌站噪音扰民问题已收悉。经核查，该搅拌站位于丽发新城东侧，"
    "区生态环境局已于5月6日现场查看，并责令其夜间停止生产，目前已整改到位。下一步我们将持续跟踪，"
    "如有疑问，请致电0731-84123456。感谢您对我们工作的支持！2019年5月9日"
)
OFF_TOPIC = (
    "网友您好！您的留言已收悉。经核查，星沙大道路面破损路段已于5月6日完成修复，目前已恢复正常通行。"
    "如有疑问，请致电0731-84123456。感谢您对我们工作的支持！"
)


@pytest.fixture(scope="module")
def checker():
    return ReplyQualityChecker()


def test_complete_relevant_reply_scores_high(checker):
    q = checker.check(TITLE, BODY, GOOD)
    assert q.score >= 85
    assert q.completeness.score == 100
    assert all(v == 1.0 for v in q.elements.values())
    assert not [f for f in q.findings if f.code.startswith("missing_")]
    assert q.relevance.score is not None
    assert q.relevance.score >= 80
    assert "丽发新城" in q.key_terms
    assert "搅拌站" in q.key_terms
    assert q.missing_key_terms == ()
    assert not q.blocking
    assert q.timeliness.score is None


def test_reply_ignoring_places_is_flagged_for_relevance(checker):
    q = checker.check(TITLE, BODY, OFF_TOPIC)
    assert "missing_key_terms" in q.codes
    assert "丽发新城" in q.missing_key_terms
    assert "搅拌站" in q.missing_key_terms
    reason = next(f.reason for f in q.findings if f.code == "missing_key_terms")
    assert "答复未提及留言中的" in reason
    assert "‘丽发新城’" in reason
    assert "‘搅拌站’" in reason
    assert "low_relevance" in q.codes
    good = checker.check(TITLE, BODY, GOOD)
    assert q.relevance.score is not None
    assert good.relevance.score is not None
    assert q.relevance.score < good.relevance.score
    assert q.score < good.score


def test_bare_acknowledgement_is_short_and_incomplete(checker):
    q = checker.check(TITLE, BODY, "已收悉")
    assert {
        "too_short",
        "missing_action",
        "missing_result",
        "missing_next_step",
        "missing_closing",
    } <= q.codes
    assert "missing_greeting" in q.codes
    assert q.completeness.score == 0
    assert q.score < 30
    short = next(f for f in q.findings if f.code == "too_short")
    assert short.component == "issues"
    assert "过短" in short.reason


def test_missing_result_has_chinese_reason(checker):
    reply = (
        "网友您好！您反映的丽发新城搅拌站噪音问题已收悉，我局高度重视，经调查，该搅拌站为丽发新城配套项目。"
        "如有疑问，请致电0731-84123456。感谢您的关注！"
    )
    q = checker.check(TITLE, BODY, reply)
    result = next(f for f in q.findings if f.code == "missing_result")
    assert result.reason.startswith("缺少处理结果")
    assert q.elements["result"] == 0.0
    assert q.elements["action"] == 1.0


def test_vague_promise_gets_half_credit(checker):
    reply = (
        "网友您好！您的留言已收悉。关于丽发新城搅拌站的问题，经了解，相关部门正在研究，将认真考虑您的建议。"
        "感谢您对我们工作的支持！"
    )
    q = checker.check(TITLE, BODY, reply)
    assert q.elements["result"] == 0.5
    assert "vague_result" in q.codes


def test_unfilled_template_placeholders_are_caught(checker):
    reply = (
        "尊敬的{姓名}：您好！关于您反映的XX小区搅拌站噪音问题，经核查，已于***完成整改。"
        "如有疑问请致电【联系电话】。感谢您对我们工作的支持！"
    )
    q = checker.check(TITLE, BODY, reply)
    assert "unfilled_placeholder" in q.codes
    reason = next(f.reason for f in q.findings if f.code == "unfilled_placeholder")
    for hole in ("{姓名}", "XX", "***"):
        assert hole in reason
    assert q.blocking
    assert q.score <= 40


def test_full_width_placeholder_braces_are_caught(checker):
    reply = GOOD.replace("UU008123", "｛网友名｝")
    q = checker.check(TITLE, BODY, reply)
    assert "unfilled_placeholder" in q.codes


def test_reply_copying_message_is_flagged(checker):
    q = checker.check(TITLE, BODY, "网友您好！" + BODY)
    assert "copies_message" in q.codes
    assert q.blocking


def test_late_reply_flagged_with_days_late(checker):
    received = bj(2019, 4, 1, 9, 30)  # Monday
    replied = bj(2019, 4, 26, 10, 0)  # Friday, 19 working days later
    q = checker.check(TITLE, BODY, GOOD, received_at=received, replied_at=replied)
    assert q.working_days == 19
    assert q.days_late == 4
    late = next(f for f in q.findings if f.code == "late_reply")
    assert "超期4个工作日" in late.reason
    assert q.timeliness.score == 60


def test_explicit_due_date_is_used(checker):
    q = checker.check(
        TITLE,
        BODY,
        GOOD,
        received_at=bj(2019, 4, 1),
        replied_at=bj(2019, 4, 10),
        due_at=bj(2019, 4, 8),
    )
    assert q.days_late == 2
    assert "late_reply" in q.codes


def test_on_time_reply_scores_full_timeliness(checker):
    q = checker.check(TITLE, BODY, GOOD, received_at=bj(2019, 4, 1), replied_at=bj(2019, 4, 5))
    assert q.timeliness.score == 100
    assert q.days_late == 0
    assert "late_reply" not in q.codes


def test_no_times_timeliness_not_scored(checker):
    q = checker.check(TITLE, BODY, GOOD)
    assert q.timeliness.score is None
    assert q.working_days is None
    assert q.days_late is None
    assert "未评时效" in q.timeliness.note
    with_times = checker.check(TITLE, BODY, GOOD, bj(2019, 4, 1), bj(2019, 4, 5))
    assert with_times.score >= q.score  # an unscored component is left out, not counted as zero


@pytest.mark.parametrize("reply", ["", "   ", "\n\t"])
def test_empty_reply_scores_zero_with_reason(checker, reply):
    q = checker.check(TITLE, BODY, reply)
    assert q.score == 0
    assert "empty_reply" in q.codes
    assert q.blocking
    assert "答复内容为空" in q.issues.note


def test_empty_message_leaves_relevance_unscored(checker):
    q = checker.check("", "", GOOD)
    assert q.relevance.score is None
    assert q.score > 0


def test_refusal_without_reason_is_flagged(checker):
    reply = "网友您好！您的留言已收悉。经核查，您反映的问题不属于我局职责范围。感谢您对我们工作的支持与理解！"
    q = checker.check(TITLE, BODY, reply)
    assert "refusal_without_reason" in q.codes
    with_referral = reply.replace("职责范围。", "职责范围，建议您向区城管执法局反映，联系电话0731-84123456。")
    assert "refusal_without_reason" not in checker.check(TITLE, BODY, with_referral).codes


def test_fit_learns_idf_and_scale():
    messages = [(TITLE, BODY), ("星沙大道路面破损", "星沙大道多处路面破损，行车颠簸。")] * 12
    replies = [GOOD, OFF_TOPIC] * 12
    fitted = ReplyQualityChecker().fit(messages, replies)
    assert fitted.idf_
    assert fitted.cosine_full_ > 0
    assert fitted.idf_["搅拌站"] > fitted.idf_.get("感谢", 0.0)
    q = fitted.check(TITLE, BODY, GOOD)
    assert q.relevance.score is not None
    assert q.relevance.score >= 80


def test_weights_are_settings():
    only_completeness = ReplyQualityChecker(weights={"completeness": 1.0})
    q = only_completeness.check(TITLE, BODY, OFF_TOPIC)
    assert q.score == q.completeness.score
    with pytest.raises(ValueError):
        ReplyQualityChecker(weights={"politeness": 1.0}).check(TITLE, BODY, GOOD)


def test_to_dict_is_plain(checker):
    d = checker.check(TITLE, BODY, GOOD).to_dict()
    assert d["score"] > 0
    assert isinstance(d["completeness"], dict)


def test_working_days_between_skips_weekends_and_holidays():
    assert working_days_between(date(2019, 4, 5), date(2019, 4, 8)) == 1  # Friday → Monday
    assert working_days_between(date(2019, 4, 1), date(2019, 4, 1)) == 0
    assert working_days_between(date(2019, 4, 1), date(2019, 4, 8), [date(2019, 4, 5)]) == 4


def test_opening_and_closing_detectors_are_positional():
    assert has_greeting("网友“UU008123”您好！来信收悉。")
    assert has_opening("您的留言已收悉，现将有关情况回复如下：")
    assert not has_greeting("经核查，该路段已修复。" * 10 + "网友您好")
    assert has_closing("……已整改到位。感谢您对我们工作的支持！2019年5月9日")
    assert not has_closing("感谢您的来信。" + "经核查，该路段已经修复完毕，恢复通行。" * 8)
    assert has_closing("2019年12月9日", date_counts=True)
    assert not has_closing("2019年12月9日")


@pytest.mark.parametrize(
    ("title", "term", "whole"),
    [
        ("希望A市360路车能够提早发车！", "路车", "360路"),  # the eleventh probe's ‘路车’
        ("建议A市地铁2号线西延二期暂缓修建", "地铁", "地铁2号线"),
        ("关于A市地铁轨道8号线北段的建议", "号线", "8号线"),
        ("对A市万芙北路由南往北右转的建议", "北路", "万芙北路"),
        ("呼吁A市三一大道改建自行车道", "大道", "三一大道"),
        ("再次反映A5区花卉路井盖噪音扰民", "花卉", "花卉路"),
        ("投诉A2区丽发新城搅拌站噪音扰民", "搅拌站", "搅拌站"),  # whole already
    ],
)
def test_a_key_term_is_the_whole_word_the_title_writes(title, term, whole):
    start = title.find(term)
    first, last = whole_term(title, start, start + len(term))
    assert title[first:last] == whole


def test_the_missing_term_warning_names_the_bus_line_not_a_piece_of_it(checker):
    title = "希望A市360路车能够提早发车！"
    body = "360路车每天早上发车太晚，上班赶不上，希望提早发车。"
    unrelated = (
        "网友您好！您反映的问题已收悉。经核查，相关单位已到现场查看并完成整改。"
        "如有疑问请致电0731-88001203。感谢您对我们工作的支持。"
    )
    result = checker.check(title, body, unrelated)
    assert "360路" in result.key_terms
    assert "路车" not in result.key_terms
    (warning,) = [f for f in result.findings if f.code == "missing_key_terms"]
    assert "‘360路’" in warning.reason
    assert "‘路车’" not in warning.reason
    answered = checker.check(
        title, body, unrelated.replace("相关单位", "公交集团已调整360路公交车的发车时间，")
    )
    assert "360路" not in answered.missing_key_terms
