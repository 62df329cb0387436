"""AppealClassifier: cue rules, title weight, negation, cold start, weak supervision, persistence."""

from __future__ import annotations

import json
import random
import time

import pytest

from minyi.cases.models import AppealKind
from minyi.pipeline.appeal import KINDS, AppealClassifier, AppealResult
from minyi.pipeline.appeal_cues import DEFAULT_CUES, first_chars, literal_prefixes


@pytest.fixture(scope="module")
def rules() -> AppealClassifier:
    return AppealClassifier(use_model=False)


def test_kinds_match_the_case_model():
    # the case model has one more value: undetermined (未能判断), given by the trained model
    assert {*KINDS, "undetermined"} == {k.value for k in AppealKind}


@pytest.mark.parametrize(
    ("title", "body", "kind"),
    [
        ("请问公积金提取怎么办理？", "需要什么材料？在哪里办？", "inquiry"),
        ("咨询外地车过户的手续", "我想了解一下流程。", "inquiry"),
        ("求助：老板拖欠工资半年", "我们走投无路，恳请帮助。", "help"),
        ("投诉某物业乱收费", "物业态度恶劣，严重影响业主生活。", "complaint"),
        ("某烧烤店深夜扰民", "噪音太大，居民苦不堪言。", "complaint"),
        ("关于增设公交站的建议", "建议在路口增设一个站点，方便居民出行。", "suggestion"),
        ("表扬社区网格员", "网格员尽职尽责，我们送上锦旗。", "praise"),
        ("感谢派出所民警", "民警帮我找回了钱包，特此表扬。", "praise"),
        ("举报某村干部贪污", "村干部骗取补贴，侵吞集体资金。", "report"),
        ("某小区顶楼违建", "业主在楼顶违法建设，请查处。", "report"),
    ],
)
def test_each_kind_from_clear_cues(rules, title, body, kind):
    result = rules.predict_one(title, body)
    assert result.kind == kind
    assert result.confidence >= 0.5
    assert result.reasons


def test_title_cues_dominate_body_cues(rules):
    body = "希望相关部门重视。"  # a weak suggestion cue in the body
    assert rules.predict_one("投诉快递公司乱收费", body).kind == "complaint"
    assert rules.predict_one(None, "投诉" + body).kind == "complaint"
    result = rules.predict_one("咨询落户政策", "建议材料清单公开。")
    assert result.kind == "inquiry"  # title 咨询 x2 beats one body 建议


def test_negation_cancels_a_cue(rules):
    result = rules.predict_one(None, "我不是投诉，只是建议在小区门口增设路灯。")
    assert result.kind == "suggestion"
    assert any("negated" in r and "投诉" in r for r in result.reasons)
    assert rules.predict_one(None, "并非举报，想咨询一下办理流程。").kind == "inquiry"


def test_negation_stops_at_a_clause_boundary(rules):
    result = rules.predict_one(None, "没有，投诉物业")
    assert result.kind == "complaint"
    assert not any("negated" in r for r in result.reasons)


def test_letter_formula_is_not_praise(rules):
    result = rules.predict_one("路灯坏了三个月", "路灯一直不亮，请尽快维修。此致敬礼")
    assert result.kind == "complaint"


def test_politeness_in_the_body_is_not_praise(rules):
    assert rules.predict_one("小区停水", "已经停水三天了，谢谢！感谢领导！").kind == "complaint"


def test_cold_start_without_fit():
    clf = AppealClassifier()
    assert not hasattr(clf, "version_")
    assert clf.predict([("投诉噪音扰民", ""), "请问怎么办理居住证？"]) == ["complaint", "inquiry"]
    assert clf.version_.startswith("appeal-rules-")
    assert clf.model_ is None


@pytest.mark.parametrize(("title", "body"), [("", ""), (None, None), ("   ", "\n\t")])
def test_empty_text_gives_the_default_with_zero_confidence(rules, title, body):
    result = rules.predict_one(title, body)
    assert result == AppealResult("inquiry", 0.0, ["no cue: default inquiry"])


def test_default_kind_is_a_setting():
    assert AppealClassifier(default_kind="complaint").predict_one("", "").kind == "complaint"
    with pytest.raises(ValueError, match="default_kind"):
        AppealClassifier(default_kind="other").predict_one("", "")


def test_reasons_name_the_cues_and_fields(rules):
    result = rules.predict_one("举报非法采砂", "采砂船偷排污水")
    assert result.kind == "report"
    assert any(r.startswith('title "举报" → report') for r in result.reasons)
    assert any(r.startswith('body "偷排" → report') for r in result.reasons)


def test_question_marks_count_for_inquiry(rules):
    result = rules.predict_one("幼儿园开园时间？", "")
    assert result.kind == "inquiry"
    assert any("？" in r for r in result.reasons)


def test_custom_cue_table():
    clf = AppealClassifier(cues=[("praise", "好样的", 3.0)], use_model=False)
    assert clf.predict_one(None, "师傅好样的").kind == "praise"
    with pytest.raises(ValueError, match="unknown kind"):
        AppealClassifier(cues=[("thanks", "谢", 1.0)]).predict_one("", "")


def test_first_chars_reads_the_default_table():
    assert first_chars("捆绑(?:销售)?|[？?]|(?:如何|怎么)办") == {"捆", "？", "?", "如", "怎"}
    assert first_chars(".{0,3}x") is None
    assert all(first_chars(pattern) for _, pattern, _ in DEFAULT_CUES)


def test_literal_prefixes_take_the_leading_literal_run_of_each_alternative():
    assert literal_prefixes("拖欠.{0,6}(?:工资|工钱)|欠薪") == {"拖欠", "欠薪"}
    assert literal_prefixes("^(?:感谢|为.{0,20}点赞)") == {"感谢", "为"}
    assert literal_prefixes("去哪里?(?:办理|申请)|[？?]") == {"去哪", "？", "?"}
    assert literal_prefixes("捆绑(?:销售)?") == {"捆绑"}
    assert literal_prefixes("(?:销售)?捆绑") is None
    assert literal_prefixes(".{0,3}x") is None
    assert all(literal_prefixes(pattern) for _, pattern, _ in DEFAULT_CUES)


# --- weak supervision --------------------------------------------------------------------------

PLACES = ["东湖小区", "西山路", "南门社区", "北站片区", "新城街道", "河西村"]
TEMPLATES = {
    "inquiry": ("咨询{p}的办事流程", "请问在{p}办理需要什么材料？什么时候可以办？"),
    "complaint": ("投诉{p}施工扰民", "{p}工地夜间施工噪音太大，严重影响休息，多次反映无果。"),
    "suggestion": ("建议{p}增设公交站", "希望在{p}增设一个公交站，方便老人出行，建议考虑。"),
    "report": ("举报{p}违法建设", "{p}有人违法搭建房屋，非法占用公共绿地，请查处。"),
    "help": ("求助：{p}拖欠工资", "我在{p}打工，老板拖欠工资半年，走投无路，恳请帮助。"),
    "praise": ("表扬{p}工作人员", "{p}工作人员尽职尽责，特此表扬，送上锦旗。"),
}
# no cue at all: the model must learn these words from the weak labels above
UNSEEN = {
    "complaint": ("{p}工地夜间施工", "{p}工地夜间施工，吵得睡不着。"),
    "report": ("{p}有人搭建房屋", "{p}有人私搭房屋，占用公共绿地。"),
}


def synthetic_corpus(n_per_kind: int = 20, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    texts = []
    for title, body in TEMPLATES.values():
        for _ in range(n_per_kind):
            p = rng.choice(PLACES)
            texts.append((title.format(p=p), body.format(p=p)))
    rng.shuffle(texts)
    return texts


@pytest.fixture(scope="module")
def weak() -> AppealClassifier:
    return AppealClassifier().fit(synthetic_corpus())


def test_weak_supervised_fit_trains_a_model(weak):
    assert weak.model_ is not None
    assert weak.n_train_ == 120
    assert "+weak-120-" in weak.version_
    for kind, (title, body) in TEMPLATES.items():
        assert weak.predict_one(title.format(p="中心广场"), body.format(p="中心广场")).kind == kind


def test_weak_model_generalises_beyond_the_cues(weak):
    rules_only = AppealClassifier(use_model=False)
    for kind, (title_template, body_template) in UNSEEN.items():
        title, body = title_template.format(p="东湖小区"), body_template.format(p="东湖小区")
        assert rules_only.predict_one(title, body).confidence < 0.5
        result = weak.predict_one(title, body)
        assert result.kind == kind
        assert any(r.startswith("model → ") for r in result.reasons)


def test_min_confidence_filters_weak_labels():
    texts = [*synthetic_corpus(5), ("东湖小区", "东湖小区的情况")]  # the last one fires no cue
    clf = AppealClassifier(min_confidence=0.5).fit(texts)
    assert clf.n_train_ == 30


def test_supervised_fit_uses_gold_labels():
    texts = [("东湖", "东湖水很清"), ("西山", "西山路很堵")] * 5
    labels = ["praise", "complaint"] * 5
    clf = AppealClassifier(model_weight=1.0).fit(texts, labels)
    assert "+supervised-10-" in clf.version_
    assert clf.predict_one("东湖", "东湖水很清").kind == "praise"
    with pytest.raises(ValueError, match="unknown kind"):
        AppealClassifier().fit(texts, ["thanks"] * 10)
    with pytest.raises(ValueError, match="labels"):
        AppealClassifier().fit(texts, ["praise"])


def test_fit_with_one_class_keeps_rules_only():
    clf = AppealClassifier().fit([("投诉噪音", "扰民")] * 5)
    assert clf.model_ is None
    assert clf.predict_one("咨询", "请问").kind == "inquiry"


def test_use_model_false_skips_training():
    clf = AppealClassifier(use_model=False).fit(synthetic_corpus(3))
    assert clf.model_ is None


# --- persistence -------------------------------------------------------------------------------


def test_save_load_round_trip(weak, tmp_path):
    weak.save(tmp_path / "appeal")
    state = json.loads((tmp_path / "appeal" / "appeal_rules.json").read_text("utf-8"))
    assert state["model_file"] == "appeal_model.skops"
    assert state["params"]["cues"][0] == list(DEFAULT_CUES[0])
    loaded = AppealClassifier.load(tmp_path / "appeal")
    assert loaded.version_ == weak.version_
    texts = [(t.format(p="西山路"), b.format(p="西山路")) for t, b in [*TEMPLATES.values(), *UNSEEN.values()]]
    assert loaded.predict_results(texts) == weak.predict_results(texts)


def test_save_load_rules_only(tmp_path):
    clf = AppealClassifier(title_weight=3.0, cues=[("report", "举报", 2.0)])
    clf.save(tmp_path)
    assert not (tmp_path / "appeal_model.skops").exists()
    loaded = AppealClassifier.load(tmp_path)
    assert loaded.title_weight == 3.0
    assert loaded.cues_ == [("report", "举报", 2.0)]
    assert loaded.predict_one("举报", "").kind == "report"


def test_load_rejects_an_unknown_format(tmp_path):
    (tmp_path / "appeal_rules.json").write_text('{"format": 99}', "utf-8")
    with pytest.raises(ValueError, match="unknown format"):
        AppealClassifier.load(tmp_path)


# --- speed -------------------------------------------------------------------------------------


def test_rules_handle_thousands_of_messages_per_second(rules):
    body = (
        "我家住在东湖小区，楼下烧烤店每天营业到凌晨，油烟和噪音严重影响休息，多次反映无果，希望有关部门处理。"
        * 3
    )
    texts = [("东湖小区烧烤店扰民", body)] * 2000
    start = time.perf_counter()
    rules.predict(texts)
    assert len(texts) / (time.perf_counter() - start) > 1000  # about 5,000/s on one shared core
