import json

import numpy as np
import pytest
from tests.corpus import TOPICS, make_corpus

from minyi.pipeline.classify import CategoryClassifier, KeywordRouter


@pytest.fixture(scope="module")
def fitted():
    texts, labels = make_corpus()
    return CategoryClassifier(min_df=1).fit(texts, labels)


NEW = ["学校老师乱收学费，学生课程太多", "公交线路拥堵，红绿灯坏了", "工厂排放污水，异味严重"]


def test_fit_predict_tiny_corpus(fitted):
    assert fitted.classes_ == sorted(TOPICS)
    assert fitted.predict(NEW) == ["教育文体", "交通运输", "环境保护"]
    assert fitted.n_training_ == 36
    assert fitted.version_.startswith("cat-")


def test_probabilities_sum_to_one(fitted):
    proba = fitted.predict_proba(NEW)
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (proba >= 0).all()


def test_top_k_is_ordered(fitted):
    top = fitted.top_k(NEW, k=3)
    for row, expected in zip(top, ["教育文体", "交通运输", "环境保护"], strict=True):
        assert len(row) == 3
        assert row[0][0] == expected
        probs = [p for _, p in row]
        assert probs == sorted(probs, reverse=True)
        assert all(isinstance(label, str) for label, _ in row)
    assert [len(r) for r in fitted.top_k(NEW, k=1)] == [1, 1, 1]


def test_route_sends_low_confidence_to_manual(fitted):
    assert fitted.route(NEW, threshold=0.0) == fitted.predict(NEW)
    assert fitted.route(NEW, threshold=1.01) == [None, None, None]


def test_version_depends_on_data_and_settings():
    texts, labels = make_corpus()
    a = CategoryClassifier(min_df=1).fit(texts, labels).version_
    b = CategoryClassifier(min_df=1).fit(texts, labels).version_
    c = CategoryClassifier(min_df=1, C=1.0).fit(texts, labels).version_
    d = CategoryClassifier(min_df=1).fit(texts[:-1], labels[:-1]).version_
    assert a == b
    assert len({a, c, d}) == 3


def test_save_load_round_trip(fitted, tmp_path):
    path = tmp_path / "models" / "category.skops"
    meta_path = fitted.save(path)
    meta = json.loads(meta_path.read_text("utf-8"))
    assert meta["version"] == fitted.version_
    assert meta["classes"] == fitted.classes_
    assert meta["training_size"] == 36
    assert "created" in meta
    loaded = CategoryClassifier.load(path)
    assert loaded.version_ == fitted.version_
    assert loaded.predict(NEW) == fitted.predict(NEW)
    np.testing.assert_allclose(loaded.predict_proba(NEW), fitted.predict_proba(NEW))
    assert loaded.get_params() == fitted.get_params()


def test_one_class_is_rejected():
    with pytest.raises(ValueError, match="two classes"):
        CategoryClassifier().fit(["学校", "老师"], ["教育文体", "教育文体"])


def test_tiny_class_falls_back_to_logistic_regression():
    texts, labels = make_corpus(per_class=4)
    model = CategoryClassifier(min_df=1).fit([*texts, "地铁站垃圾"], [*labels, "其他"])
    np.testing.assert_allclose(model.predict_proba(NEW).sum(axis=1), 1.0)
    assert "其他" in model.classes_


def test_unfitted_model_raises():
    with pytest.raises(RuntimeError, match="not fitted"):
        CategoryClassifier().predict(NEW)


def test_traditional_and_fullwidth_input_is_normalised(fitted):
    assert fitted.predict(["學校老師亂收學費，學生課程太多"]) == ["教育文体"]


TREE = {
    "交通运输": ["公路运输", "城市公共交通", "出租车管理"],
    "教育文体": ["学前教育", "高等教育", "学校管理、招生考试"],
    "环境保护": ["噪音污染", "大气污染", "垃圾处理"],
}


def test_keyword_router_basics():
    router = KeywordRouter(TREE).fit()
    assert router.classes_ == list(TREE)
    assert router.predict(["小区旁边工地噪音太大", "孩子幼儿园学前教育收费", "今天天气不错"]) == [
        "环境保护",
        "教育文体",
        None,
    ]


def test_keyword_router_title_weight():
    router = KeywordRouter(TREE, title_weight=3.0).fit()
    scores = router.scores("公交车上有人乱扔垃圾", title="垃圾")
    assert scores["环境保护"] > scores["交通运输"]
    assert router.predict(["公交车上有人乱扔垃圾"], titles=["公共交通"]) == ["交通运输"]


def test_a_model_saved_before_nb_svm_loads_as_a_plain_svm(fitted, tmp_path):
    path = tmp_path / "category.skops"
    meta_path = fitted.save(path)
    meta = json.loads(meta_path.read_text("utf-8"))
    assert meta["settings"]["nb_weighting"] is True
    del meta["settings"]["nb_weighting"]
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    loaded = CategoryClassifier.load(path)
    assert loaded.nb_weighting is False
    assert loaded.predict(NEW) == fitted.predict(NEW)


def test_plain_svm_recipe_still_trains():
    texts, labels = make_corpus()
    plain = CategoryClassifier(min_df=1, nb_weighting=False).fit(texts, labels)
    assert plain.predict(NEW) == ["教育文体", "交通运输", "环境保护"]
    assert plain.version_ != CategoryClassifier(min_df=1).fit(texts, labels).version_
