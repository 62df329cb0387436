"""The NumPy fast paths behind the classifier, segmenter and appeal rules give the reference answers."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from tests.corpus import make_corpus

from minyi.pipeline._linear import LinearProba
from minyi.pipeline._ngrams import CharNgrams, CodeTable, WordNgrams
from minyi.pipeline.appeal import AppealClassifier
from minyi.pipeline.classify import CategoryClassifier
from minyi.pipeline.normalize import TextNormalizer
from minyi.pipeline.segment import Segmenter

WORDS = ["学校", "老师", "公交", "道路", "噪音", "污染", "垃圾", "反映", "希望", "解决", "A3", "wifi"]


def token_docs(count: int, seed: int = 0) -> list[list[str]]:
    rng = random.Random(seed)
    return [[rng.choice(WORDS) for _ in range(rng.randint(0, 12))] for _ in range(count)]


def test_word_block_equals_scikit_learn_tfidf():
    docs = token_docs(80)
    ours = WordNgrams(max_n=2, min_df=2).fit(docs)
    reference = TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    reference.fit([" ".join(d) for d in docs])
    new = [*token_docs(30, seed=1), [], ["未知词"]]
    a, b = ours.transform(new), reference.transform([" ".join(d) for d in new])
    assert a.shape == b.shape
    for i in range(len(new)):  # the same values; columns may be ordered differently
        np.testing.assert_allclose(np.sort(a[i].data), np.sort(b[i].data))
    assert a[len(new) - 1].nnz == 0


def test_char_block_holds_in_word_grams_only():
    block = CharNgrams(1, 3, min_df=1).fit([["学校老师"], ["公交"]])
    row = block.transform([["学校", "公交"]])
    assert row.nnz > 0
    np.testing.assert_allclose(sp.linalg.norm(row), 1.0)
    assert block.transform([["校公"]]).nnz == 2  # 校 and 公 alone: no gram across words was learned
    assert block.transform([[]]).nnz == 0


def test_blocks_round_trip_through_their_state():
    docs = token_docs(50)
    for block in (WordNgrams(2, 1).fit(docs), CharNgrams(1, 3, 1).fit(docs)):
        copy = type(block).from_state(block.state())
        assert (copy.transform(docs) != block.transform(docs)).nnz == 0


def test_code_table_finds_exactly_the_indexed_codes():
    rng = np.random.default_rng(0)
    codes = np.unique(rng.integers(0, 2**62, 5000))
    table = CodeTable(codes)
    np.testing.assert_array_equal(table.lookup(codes), np.arange(len(codes)))
    assert (table.lookup(rng.integers(0, 2**62, 1000) | 1) >= 0).sum() <= 1
    assert len(CodeTable(np.empty(0, dtype=np.int64)).lookup(codes)) == len(codes)


@pytest.mark.parametrize("ensemble", [True, False])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_linear_proba_equals_calibrated_svm(ensemble, n_classes):
    texts, labels = make_corpus()
    keep = [i for i, label in enumerate(labels) if label in sorted(set(labels))[:n_classes]]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2))
    x = vectorizer.fit_transform([texts[i] for i in keep])
    y = [labels[i] for i in keep]
    model = CalibratedClassifierCV(LinearSVC(C=0.5), cv=3, method="sigmoid", ensemble=ensemble).fit(x, y)
    ours = LinearProba.from_estimator(model)
    np.testing.assert_allclose(ours.predict_proba(x), model.predict_proba(x), atol=1e-12)
    again = LinearProba.from_state(ours.state())
    np.testing.assert_allclose(again.predict_proba(x), model.predict_proba(x), atol=1e-12)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_linear_proba_equals_logistic_regression(n_classes):
    texts, labels = make_corpus()
    keep = [i for i, label in enumerate(labels) if label in sorted(set(labels))[:n_classes]]
    x = TfidfVectorizer(analyzer="char").fit_transform([texts[i] for i in keep])
    model = LogisticRegression(max_iter=500).fit(x, [labels[i] for i in keep])
    np.testing.assert_allclose(LinearProba.from_estimator(model).predict_proba(x), model.predict_proba(x))


def test_normalized_texts_skip_the_second_normalisation():
    texts, labels = make_corpus()
    model = CategoryClassifier(min_df=1).fit(texts, labels)
    raw = ["學校老師亂收學費，學生課程太多", "公交线路拥堵，红绿灯坏了"]
    normalised = [TextNormalizer().transform_one(t).text for t in raw]
    np.testing.assert_allclose(model.predict_proba(normalised, normalized=True), model.predict_proba(raw))


def test_bad_word_ngrams_are_rejected():
    texts, labels = make_corpus()
    with pytest.raises(ValueError, match="word_ngrams"):
        CategoryClassifier(word_ngrams=(2, 3)).fit(texts, labels)


def test_an_old_model_gives_a_clear_error(tmp_path):
    texts, labels = make_corpus()
    path = tmp_path / "old.skops"
    meta_path = CategoryClassifier(min_df=1).fit(texts, labels).save(path)
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["format_version"] = 1
    meta_path.write_text(json.dumps(meta), "utf-8")
    with pytest.raises(ValueError, match=r"format 1.*train the model again"):
        CategoryClassifier.load(path)


def test_segmenter_memo_gives_the_same_tokens_and_stays_bounded(monkeypatch):
    from minyi.pipeline import segment

    text = "我反映一下：A3栋的WiFi信号差，《物业》说不管！学校老师"
    fresh = Segmenter().fit()
    first, second = fresh.tokens(text), fresh.tokens(text)
    assert first == second == Segmenter(stop_words=None).fit().tokens(text)
    monkeypatch.setattr(segment, "_MEMO_SIZE", 3)
    small = Segmenter().fit()
    for _ in range(3):
        assert small.tokens(text) == first
        assert len(small.memo_) <= 3 + len(text)


def test_cue_scanner_finds_what_the_combined_expression_finds():
    rules = AppealClassifier(use_model=False)
    rules.predict_one("x")  # prepares the rules
    texts = [
        "我要实名举报某单位领导贪污受贿，请问怎么办理？不是投诉，是建议增设公交线路。",
        "请尽快处理噪音问题，要求赔偿！此致敬礼",
        "感谢工作人员认真负责，点赞！能不能延长线路时间？？？",
        "",
    ]
    for text in texts:
        reference = [(int(m.lastgroup[1:]), m.span()) for m in rules.pattern_.finditer(text) if m.lastgroup]
        assert [(i, m.span()) for i, m in rules.scanner_.finditer(text)] == reference


def test_cue_scanner_searches_a_cue_whose_prefix_it_cannot_read():
    cues = [("complaint", ".{0,2}吵", 1.0), ("inquiry", "请问|[？?]", 1.0), ("report", "举报", 2.0)]
    rules = AppealClassifier(use_model=False, cues=cues)
    rules.predict_one("x")
    assert rules.scanner_.searched == 0b001
    for text in ("楼上很吵，请问能否举报？", "吵吵吵??", "没有"):
        reference = [(int(m.lastgroup[1:]), m.span()) for m in rules.pattern_.finditer(text) if m.lastgroup]
        assert [(i, m.span()) for i, m in rules.scanner_.finditer(text)] == reference
