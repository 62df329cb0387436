"""The integer path of the appeal model (appeal_fast) gives the answers of the named features."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minyi.pipeline import appeal_fast
from minyi.pipeline.appeal import KINDS
from minyi.pipeline.appeal_fast import GramTable
from minyi.pipeline.appeal_model import (
    AppealModel,
    TrainedAppealClassifier,
    _readable,
    default_appeal_classifier,
)

GARBLED = "投诉物业乱收费，请相关部门处理。".encode().decode("gbk", errors="replace")
LONG = "小区门口的道路坑洼不平，" * 60 + "请问什么时候能修好？"
TEXTS: list[tuple[str, str]] = [
    ("", ""),
    ("", "请问公积金怎么提取？"),
    ("投诉物业", ""),
    ("Hello world", "The street light is broken, please fix it."),
    (GARBLED, GARBLED + GARBLED),
    ("关于道路维修的建议", LONG),
    ("投诉噪音😀", "楼下饭店😡😡每天晚上 🎉 噪音扰民，𠀋𠀋𪚥 请处理！"),
    ("举报 违章 建筑", "某小区　顶楼\t业主\n私搭乱建　　，请 城管 查处。"),
    ("哈哈哈哈哈", "啊" * 500),
    ("表扬", "感谢社区工作人员耐心细致，帮我们解决了难题，特此表扬！"),
    ("\x00投诉", "a\x00b请问\U0010ffff"),  # NUL and the last code point
    ("请问", "？？？？"),
    ("ＡＢＣ", "１２３　４５６"),
]


@pytest.fixture(scope="module")
def packaged() -> tuple[TrainedAppealClassifier, TrainedAppealClassifier]:
    fast = default_appeal_classifier()
    assert isinstance(fast, TrainedAppealClassifier)
    return fast, TrainedAppealClassifier(fast.appeal_model, fast=False)


def assert_same(fast: TrainedAppealClassifier, ref: TrainedAppealClassifier, pairs: list[tuple[str, str]]):
    got, want = fast.scores(pairs), ref.scores(pairs)
    np.testing.assert_allclose(got.logits, want.logits, rtol=0, atol=1e-12)
    assert got.familiar.tolist() == want.familiar.tolist()
    assert got.reasons == want.reasons
    assert fast.predict_results(pairs) == ref.predict_results(pairs)


def test_the_fast_path_is_the_default(packaged):
    fast, ref = packaged
    assert fast.fast
    assert not ref.fast


def test_awkward_texts_give_the_reference_answers_in_a_batch(packaged):
    assert_same(*packaged, TEXTS)


@pytest.mark.parametrize("pair", TEXTS, ids=range(len(TEXTS)))
def test_awkward_texts_give_the_reference_answers_one_by_one(packaged, pair):
    assert_same(*packaged, [pair])


def test_a_batch_gives_what_its_messages_give_alone(packaged):
    fast, _ = packaged
    together = fast.predict_results(TEXTS)
    assert together == [fast.predict_results([pair])[0] for pair in TEXTS]
    assert fast.predict_results([]) == []


def test_garbled_text_is_unfamiliar_and_undetermined(packaged):
    fast, _ = packaged
    scores = fast.scores([(GARBLED, GARBLED)])
    assert not scores.familiar[0]
    assert fast.predict_results([(GARBLED, GARBLED)])[0].kind == "undetermined"


def test_proba_of_both_paths_agree(packaged):
    fast, ref = packaged
    np.testing.assert_allclose(fast.proba(TEXTS), ref.proba(TEXTS), rtol=0, atol=1e-12)


def small_model(names: list[str], body_chars: int) -> AppealModel:
    rules = default_appeal_classifier()
    assert isinstance(rules, TrainedAppealClassifier)
    rng = np.random.default_rng(0)
    return AppealModel(
        names,
        rng.normal(size=(len(names), len(KINDS))).astype(np.float32),
        rng.normal(size=len(KINDS)).astype(np.float32),
        temperature=0.5,
        threshold=0.2,
        version="test",
        rules_version=rules.appeal_model.rules_version,
        body_chars=body_chars,
    )


def test_astral_grams_and_a_short_body_budget_in_a_small_model():
    names = [
        "t:投",
        "t:投诉",
        "t:诉😀",
        "b:😀",
        "b:😀😀",
        "b:𠀋𪚥",
        "b:道路",
        "w:噪音",
        "r:none",
        "empty",
        "c:t:0",
    ]
    model = small_model(names, body_chars=12)
    fast, ref = TrainedAppealClassifier(model), TrainedAppealClassifier(model, fast=False)
    assert_same(fast, ref, TEXTS)


def test_a_model_without_character_blocks():
    model = small_model(["w:噪音", "w:投诉", "r:none", "empty"], body_chars=400)
    fast, ref = TrainedAppealClassifier(model), TrainedAppealClassifier(model, fast=False)
    assert_same(fast, ref, TEXTS)


def test_lone_surrogates_have_code_points_too():
    codes, owners = appeal_fast._codes(["a\ud800", " b😀"])
    assert codes.tolist() == [0x61, 0xD800, 0x62, 0x1F600]
    assert owners.tolist() == [0, 0, 1, 1]


def test_the_gram_table_finds_the_rows_of_its_names():
    names = ["w:x", "t:a", "b:a", "t:ab", "b:😀😀", "s:help", "t:toolong"]
    table = GramTable(names)
    assert sorted(table.rows.tolist()) == [1, 2, 3, 4]


TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("投诉建议请问举报感谢道路噪音物业 　\t\n？！，。😀𠀋ａＡ"),
        st.characters(exclude_categories=("Cs",)),  # lone surrogates never get this far (UTF-8)
    ),
    max_size=700,
)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=4))
def test_any_text_gives_the_reference_answers(packaged, pairs):
    assert_same(*packaged, [(t.strip(), b.strip()) for t, b in pairs])


@settings(max_examples=300, deadline=None, database=None)
@given(TEXT)
def test_readable_means_two_chinese_characters_anywhere(text):
    assert _readable(text) == (len(re.findall(r"[\u4e00-\u9fff]", text)) >= 2)
