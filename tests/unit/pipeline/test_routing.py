"""Choosing the routing threshold for a target precision, and reporting what it does."""

import pytest
from tests.corpus import make_corpus

from minyi.pipeline.classify import CategoryClassifier
from minyi.pipeline.routing import (
    apply_threshold,
    choose_threshold,
    coverage_at_precision,
    expected_point,
    out_of_fold_confidence,
)
from minyi.pipeline.training import evaluate, train


def test_coverage_at_precision_takes_the_largest_share_that_is_precise_enough():
    confidence = [0.99, 0.95, 0.9, 0.8, 0.7, 0.6]
    correct = [True, True, True, False, True, False]
    point = coverage_at_precision(confidence, correct, 0.75)
    assert point.threshold == 0.7
    assert point.coverage == pytest.approx(5 / 6)
    assert point.precision == pytest.approx(0.8)
    assert coverage_at_precision(confidence, correct, 1.0).threshold == 0.9


def test_ties_are_routed_together_and_nothing_when_no_threshold_is_precise_enough():
    assert coverage_at_precision([0.9, 0.9], [True, False], 0.99).threshold is None
    assert coverage_at_precision([0.9, 0.9, 0.95], [True, False, True], 0.99).coverage == pytest.approx(1 / 3)
    assert coverage_at_precision([], [], 0.9).coverage == 0.0


def test_apply_threshold():
    point = apply_threshold([0.99, 0.95, 0.5], [True, False, True], 0.9)
    assert point.coverage == pytest.approx(2 / 3)
    assert point.precision == pytest.approx(0.5)
    assert apply_threshold([0.99], [True], None).coverage == 0.0


def test_choose_threshold_keeps_a_safety_margin():
    confidence = [1 - i / 1000 for i in range(1000)]
    correct = [i % 100 != 99 for i in range(1000)]  # one error in every hundred
    loose = coverage_at_precision(confidence, correct, 0.985)
    safe = choose_threshold(confidence, correct, 0.985, margin=0.5)  # aims at 99.25 %
    assert safe.precision >= 0.9925
    assert safe.coverage < loose.coverage
    with pytest.raises(ValueError, match="between 0 and 1"):
        choose_threshold(confidence, correct, 1.0)


def test_expected_point_scores_the_rule_on_rows_it_did_not_choose_on():
    separable = expected_point([i / 100 for i in range(100)], [i >= 40 for i in range(100)], 0.99)
    assert separable.threshold is None  # an estimate, not one threshold
    assert separable.precision == 1.0
    assert separable.coverage == pytest.approx(0.6, abs=0.05)
    confidence = [1 - i / 1000 for i in range(1000)]
    correct = [i % 100 != 99 and not (i > 600 and i % 7 == 0) for i in range(1000)]
    chosen = choose_threshold(confidence, correct, 0.98)
    expected = expected_point(confidence, correct, 0.98)
    assert 0 < expected.coverage <= chosen.coverage + 0.05
    assert 0.97 < expected.precision <= 1
    assert expected_point([0.9, 0.8], [True, True]).coverage == 0.0  # fewer rows than folds


def test_out_of_fold_confidence_covers_every_message():
    texts, labels = make_corpus(per_class=10)
    confidence, correct = out_of_fold_confidence(texts, labels, folds=3, min_df=1)
    assert len(confidence) == len(texts) == len(correct)
    assert ((confidence > 0) & (confidence <= 1)).all()
    assert correct.mean() > 0.7


def test_train_stores_the_threshold_and_evaluate_reports_it(tmp_path):
    texts, labels = make_corpus(per_class=12)
    model = train(texts, labels, target_precision=0.9, routing_folds=3, min_df=1)
    assert model.routing_["target_precision"] == 0.9
    assert model.routing_["folds"] == 3
    assert model.routing_threshold is not None
    assert 0 <= model.routing_["expected_coverage"] <= 1
    assert 0 <= model.routing_["expected_precision"] <= 1
    model.save(tmp_path / "m.skops")
    loaded = CategoryClassifier.load(tmp_path / "m.skops")
    assert loaded.routing_threshold == model.routing_threshold
    report = evaluate(loaded, texts, labels).to_dict()
    assert report["routing"]["threshold"] == model.routing_threshold
    assert 0 < report["routing"]["coverage"] <= 1
    assert set(report["coverage_at_precision"]) == {"0.97", "0.98", "0.99"}
    assert "stored threshold" in evaluate(loaded, texts, labels).format_text()
    assert "按保存的阈值" in evaluate(loaded, texts, labels).format_text("zh")


def test_a_model_without_a_threshold_reports_no_routing():
    texts, labels = make_corpus(per_class=8)
    model = train(texts, labels, min_df=1)
    assert model.routing_threshold is None
    assert not model.routes_nothing
    assert evaluate(model, texts, labels).routing is None


def test_token_lists_are_told_from_messages_as_they_arrive():
    from minyi.pipeline.routing import arriving_form, near_duplicate_groups

    texts = ["市 西湖 建筑 集团 占 道 施工", "学校乱收费问题严重，请尽快处理", "Street light broken"]
    assert arriving_form(texts).tolist() == [False, True, True]
    assert near_duplicate_groups(["学校 乱收费 问题 严重", "学校乱收费问题严重", "公交线路拥堵"]) == [0, 0, 1]
