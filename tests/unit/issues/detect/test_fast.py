"""The compiled loops of the detector (minyi._speedups) give exactly what the Python reference gives."""

from __future__ import annotations

import heapq
import os
import random
from array import array
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter

import pytest

from minyi.issues.detect import _fast
from minyi.issues.detect._postings import Postings
from minyi.issues.detect.cluster import IssueDetector
from minyi.issues.detect.features import Featurizer, _WordMemo
from minyi.issues.detect.issue import IssueMessage, _largest

from .test_cluster import FUND, MIXING, PARKING, PLACES, messages

compiled = pytest.mark.skipif(not _fast.COMPILED, reason="minyi._speedups was not built")


@pytest.fixture
def reference(monkeypatch):
    """Call to run the Python reference for the rest of the test."""

    def switch():
        monkeypatch.setattr(_fast, "COMPILED", False)

    return switch


def test_the_detector_is_compiled_when_ci_asks_for_it():
    if os.environ.get("MINYI_REQUIRE_SPEEDUPS"):
        assert _fast.COMPILED


def test_pure_python_switch_turns_the_compiled_loops_off(monkeypatch):
    monkeypatch.setenv("MINYI_PURE_PYTHON", "1")
    assert _fast._compiled() is None


#: ``x ** 2`` (the C library's pow) and ``x * x`` differ in the last bit for this ``x``.
ROUNDS_APART = 0.19421475817616485


def test_squares_are_powers_as_the_detector_always_took_them():
    assert _fast.square_sum({1: ROUNDS_APART}, [1]) == ROUNDS_APART**2 != ROUNDS_APART * ROUNDS_APART


@dataclass
class _State:
    norm2: float


def _vector(rng: random.Random, terms: int, size: int) -> dict[int, float]:
    return {term: rng.random() for term in rng.sample(range(terms), size)}


@compiled
def test_dot_products_and_probes_match_the_reference(reference):
    rng = random.Random(5)
    centroid = _vector(rng, 300, 120)
    vector = _vector(rng, 300, 48)
    places = set(rng.sample(range(300), 40))
    postings: dict[int, dict[int, float]] = {}
    for issue_id in range(1, 400):
        for term in rng.sample(range(300), 20):
            postings.setdefault(term, {})[issue_id] = rng.random()
    postings[7] = {}
    active = {issue_id: _State(rng.random() + 0.1) for issue_id in range(1, 400)}
    active[3] = _State(active[2].norm2)  # equal keys are possible: the larger id goes first
    calls = [
        lambda: _fast.gated_dot(vector, centroid, places),
        lambda: _fast.gated_dot({}, centroid, places),
        lambda: _fast.square_sum(centroid, places),
        lambda: _fast.square_sum(centroid, ()),
        lambda: _fast.square_sum({1: ROUNDS_APART}, [1, 2]),
        lambda: _fast.probe(vector, postings, active, probe_terms=12, limit=40, exclude=None, k=4),
        lambda: _fast.probe(vector, postings, active, probe_terms=48, limit=400, exclude=5, k=7),
        lambda: _fast.probe(vector, postings, active, probe_terms=12, limit=0, exclude=None, k=4),
        lambda: _fast.probe({}, postings, active, probe_terms=12, limit=40, exclude=None, k=4),
    ]
    fast = [call() for call in calls]
    reference()
    assert fast == [call() for call in calls]


@compiled
def test_word_counts_and_weights_match_the_reference(reference):
    tokens = ["丽发新城", "搅拌站", "的", "噪音", "搅拌站", "12", "新城", "噪音扰民", "Ab"]
    names = ["丽发新城", "金桂花园"]

    def run() -> tuple[dict[str, float], dict[int, float], dict[str, int], list[int], set[int]]:
        memo = _WordMemo(frozenset({"噪音扰民"}))
        counts: dict[str, float] = {"@丽发": 1.0, "@A2区": 0.3}
        _fast.count_words(tokens, memo, counts, names=names, joined="\n".join(names), weight=3.0)
        _fast.count_words(tokens[2:], memo, counts, names=[], joined="", weight=1.0)
        index, terms, df, place_ids = {"噪音": 0}, ["噪音"], [4], set()
        options = {"place_weight": 2.5, "admin_weight": 0.3, "limit": 4}
        vector = _fast.weigh(counts, index, terms, df, place_ids, docs=9, learn=True, **options)
        known = _fast.weigh(
            {"噪音": 2.0, "新词": 1.0}, index, terms, df, place_ids, docs=9, learn=False, **options
        )
        return counts, vector | {-1: sum(known.values())}, index, df, place_ids

    fast = run()
    reference()
    assert fast == run()


@compiled
def test_shingle_sets_and_overlaps_match_the_reference(reference):
    keys = ["丽发新城搅拌站噪音扰民", "丽发新城搅拌站噪音扰民严重", "ab", "a", "𠀋𠀋𠀋abc𠀋𠀋"]

    def run() -> list[object]:
        sets = [_fast.shingle_set(key, 3) for key in keys]
        return [[found.tolist() for found in sets], [_fast.overlap(a, b) for a in sets for b in sets]]

    fast = run()
    reference()
    assert fast == run()


@compiled
def test_centroid_and_index_bookkeeping_match_the_reference(reference):
    rng = random.Random(8)

    def run() -> tuple[object, ...]:
        centroid = {term: rng.random() for term in range(0, 40, 3)}
        place_terms: set[int] = set()
        terms = array("i", rng.sample(range(60), 30))
        weights = array("f", [rng.random() for _ in terms])
        added = _fast.add_into(centroid, terms, weights, {3, 4, 5, 59}, place_terms)
        folded = _fast.add_into(centroid, array("i"), array("f"), set(), place_terms)
        postings: dict[int, dict[int, float]] = {1: {7: 0.5}, 2: {8: 0.1, 7: 0.2}}
        _fast.postings_index(postings, 7, added[2])
        _fast.postings_drop(postings, 8, [2, 3, 99])
        _fast.postings_drop(postings, 7, dict.fromkeys([1, 2, 4]))
        return added, folded, centroid, list(place_terms), postings

    fast = run()
    reference()
    rng.seed(8)
    assert fast == run()


@compiled
def test_member_scores_of_consolidation_match_the_reference(reference):
    rng = random.Random(9)

    def run() -> list[tuple[float, ...]]:
        centroid = {term: rng.random() for term in range(0, 50, 2)}
        found = []
        for rest in (True, False):
            terms = array("i", rng.sample(range(60), 25))
            weights = array("f", [rng.random() for _ in terms])
            found.append(_fast.member_gated(terms, weights, centroid, {2, 3, 8, 59}, rest=rest))
        found.append(_fast.member_gated(array("i"), array("f"), centroid, set(), rest=True))
        return found

    fast = run()
    reference()
    rng.seed(9)
    assert fast == run()
    assert fast[2] == (0.0, 0.0, 0.0, 0.0, 0.0)


def _synthetic(count: int, seed: int) -> list[IssueMessage]:
    """Messages about many problems at many places, with near copies and drifting wording."""
    rng = random.Random(seed)
    words = [f"{a}{b}" for a in "修建停水漏电噪音垃圾学位车位拆迁" for b in "问题严重扰民投诉处理整改"]
    places = [
        f"{a}{b}{c}" for a in "金银丽华星湘" for b in "桂发城江" for c in ("小区", "花园", "路", "学校")
    ]
    start = datetime(2023, 1, 1, tzinfo=UTC)
    found: list[IssueMessage] = []
    for index in range(count):
        if found and rng.random() < 0.1:
            copy = rng.choice(found)
            title, body = copy.title, copy.body + "。"
        else:
            place = rng.choice(places)
            title = place + "".join(rng.choices(words, k=3))
            body = f"我是{place}的业主，" + "，".join(rng.choices(words, k=rng.randint(5, 30)))
        when = start + timedelta(hours=7 * index + rng.randint(0, 5))
        found.append(
            IssueMessage(f"s{index}", title, body, when, f"a{rng.randint(0, count // 3)}", index % 5)
        )
    return found


def _outcome(corpus: list[IssueMessage]) -> tuple[dict[str, int], list[tuple[object, ...]]]:
    detector = IssueDetector(consolidate_every=200)
    ids = [detector.assign(message) for message in corpus]
    detector.consolidate()
    if hasattr(detector.postings_, "told"):  # the compiled index holds every live centroid's length
        assert all(detector.postings_.told(i) == s.norm2 for i, s in detector.active_.items() if s.centroid)
    issues = [(i.id, i.size, i.keywords, i.places, i.representative_ids, i.title) for i in detector.issues()]
    return detector.assignments() | {f"online{n}": i for n, i in enumerate(ids)}, issues


@compiled
@pytest.mark.parametrize("corpus", ["fixture", "synthetic"])
def test_the_detector_finds_the_same_issues_compiled_and_in_python(reference, corpus):
    if corpus == "fixture":
        found = [
            *messages(MIXING, PLACES[0], 12, prefix="a"),
            *messages(PARKING, PLACES[2], 9, prefix="b"),
            *messages(FUND, PLACES[4], 6, prefix="c"),
            *messages(MIXING, PLACES[5], 5, prefix="d", start=datetime(2024, 9, 1, tzinfo=UTC)),
        ]
    else:
        found = _synthetic(1500, seed=16)
    fast = _outcome(found)
    reference()
    slow = _outcome(found)
    assert fast == slow
    assert len({issue_id for key, issue_id in fast[0].items() if not key.startswith("online")}) < len(found)


array_index = pytest.mark.skipif(_fast.compiled_postings() is None, reason="minyi._issuestate was not built")


@array_index
def test_the_array_index_keeps_and_probes_what_the_dict_index_does() -> None:
    """Random updates and removals, then probes: the compiled index equals the reference dict of dicts."""
    rng = random.Random(21)
    compiled_type = _fast.compiled_postings()
    assert compiled_type is not None
    arrays, reference = compiled_type(), Postings()
    active = {issue_id: _State(rng.random() + 0.1) for issue_id in range(1, 300)}
    active[3] = _State(active[2].norm2)  # equal keys: the larger id goes first
    for step in range(3000):
        issue_id = rng.randrange(1, 300)
        if rng.random() < 0.6:
            changed = _vector(rng, 2500 if step % 7 else 5000, rng.randint(0, 40))
            if rng.random() < 0.5:  # told the length (else the probe reads it from ``active``)
                arrays.index(issue_id, changed, active[issue_id].norm2)
            else:
                arrays.index(issue_id, changed, None if rng.random() < 0.5 else -1.0)
            reference.index(issue_id, changed)
        else:
            terms = rng.sample(range(5000), rng.randint(0, 300))
            arrays.drop(issue_id, terms)
            reference.drop(issue_id, terms)
        if step % 250 == 0:
            assert dict(arrays.items()) == reference
    assert dict(arrays.items()) == reference
    assert list(arrays.values()) == [posting for _, posting in sorted(reference.items())]
    assert len(arrays) == len(reference)
    for _ in range(200):
        vector = dict(sorted(_vector(rng, 5000, 48).items(), key=lambda item: -item[1]))
        probe_terms, limit = rng.choice([12, 48]), rng.choice([0, 3, 40, 400])
        exclude, k = rng.choice([None, rng.randrange(1, 300)]), rng.choice([1, 4, 9])
        found = [
            _fast.probe(vector, index, active, probe_terms=probe_terms, limit=limit, exclude=exclude, k=k)
            for index in (arrays, reference)
        ]
        assert found[0] == found[1]
    for issue_id in range(1, 300):
        arrays.drop(issue_id, range(5000))
    assert len(arrays) == 0
    assert list(arrays.items()) == []


@array_index
def test_the_array_index_refuses_ids_it_cannot_hold() -> None:
    compiled_type = _fast.compiled_postings()
    assert compiled_type is not None
    arrays = compiled_type()
    with pytest.raises(OverflowError):
        arrays.index(2**31, {1: 0.5})
    with pytest.raises(OverflowError):
        arrays.index(1, {-1: 0.5})
    with pytest.raises(TypeError):
        arrays.index(1, {1: "x"})
    assert len(arrays) == 0


@compiled
def test_member_dot_products_match_the_reference(reference: object) -> None:
    rng = random.Random(10)
    centroid = {term: rng.random() for term in range(0, 50, 2)}
    members = [array("i", rng.sample(range(60), size)) for size in (0, 1, 25, 60)]
    weights = [array("f", [rng.random() for _ in terms]) for terms in members]
    fast = [_fast.member_dot(terms, w, centroid) for terms, w in zip(members, weights, strict=True)]
    reference()  # type: ignore[operator]
    assert fast == [_fast.member_dot(terms, w, centroid) for terms, w in zip(members, weights, strict=True)]


def test_the_largest_few_are_what_nlargest_gives_ties_included() -> None:
    rng = random.Random(11)
    for size in (0, 3, 50, 399, 400, 401, 2000):
        items = [(index, float(rng.randint(0, 20))) for index in range(size)]
        for n in (0, 3, 40, size + 1):
            assert _largest(n, items, itemgetter(1)) == heapq.nlargest(n, items, key=itemgetter(1))


@array_index
def test_near_copy_candidate_counts_match_the_reference(reference: object) -> None:
    rng = random.Random(12)
    postings: dict[int, dict[str, None]] = {}
    for item in range(300):
        for value in rng.sample(range(400), 8):
            postings.setdefault(value, {})[f"m{item}"] = None
    postings[7] = {}
    sketches = [tuple(rng.sample(range(420), size)) for size in (0, 1, 8, 8, 8)] + [(7, 7, 1)]

    def run() -> list[list[tuple[str, int]]]:
        return [
            list(_fast.shared_counts(postings, sketch, limit).items())
            for sketch in sketches
            for limit in (0, 5, 200)
        ]

    fast = run()
    reference()  # type: ignore[operator]
    assert fast == run()
    assert any(fast)


vocabulary = pytest.mark.skipif(_fast.compiled_vocabulary() is None, reason="minyi._issuestate was not built")


@vocabulary
def test_the_compiled_vocabulary_counts_and_weighs_what_the_reference_does(reference: object) -> None:
    """Messages featurised through the compiled vocabulary and through the dict of counts: same
    vectors (ids, weights, order), same terms, ids of places and document frequencies."""
    corpus = _synthetic(400, seed=23)
    corpus += [  # case variants of one word, a stop word, digits, a repeated place, no word at all
        IssueMessage("x1", "ABC小区ABC停车", "abc小区的Abc停车位问题，A3区A3区，12345", corpus[0].when),
        IssueMessage("x2", "", "。。。", corpus[0].when),
        IssueMessage("x3", "金桂花园金桂小区", "金桂花园金桂小区金桂", corpus[0].when),
    ]

    def run() -> tuple[object, ...]:
        featurizer = Featurizer().reset()
        found = [featurizer.transform_one(m.title, m.body, learn=n % 7 != 3) for n, m in enumerate(corpus)]
        vectors = [list(features.vector.items()) for features in found]
        cores = [features.title_cores for features in found]
        frequencies = [featurizer.document_frequency(term) for term in featurizer.terms_]
        return vectors, cores, list(featurizer.terms_), sorted(featurizer.place_ids_), frequencies

    fast = run()
    assert Featurizer().reset().vocabulary_ is not None
    reference()  # type: ignore[operator]
    assert Featurizer().reset().vocabulary_ is None
    assert fast == run()


@vocabulary
def test_the_compiled_vocabulary_refuses_what_it_cannot_read() -> None:
    compiled_type = _fast.compiled_vocabulary()
    assert compiled_type is not None
    terms: list[str] = []
    words = compiled_type(lambda token: token, 2, terms, set())
    with pytest.raises(TypeError):
        words.vector([1], [], [], "", 3.0, [], 2, True, 2.5, 0.3, 48)  # noqa: FBT003
    with pytest.raises(ValueError, match="once"):
        compiled_type(lambda token: token, 2, ["x"], set())
    broken = compiled_type(len, 2, [], set())
    with pytest.raises(TypeError):
        broken.vector(["词语"], [], [], "", 3.0, [], 2, True, 2.5, 0.3, 48)  # noqa: FBT003
    assert words.vector(["甲乙", "丙丁", "甲乙"], ["戊己"], [], "", 3.0, [("@乙", 1.0)], 2, True, 2.5, 0.3, 2)  # noqa: FBT003
    assert terms == ["甲乙", "丙丁", "戊己", "@乙"]
    assert (words.id("丙丁"), words.id("无"), words.df("无"), len(words)) == (1, None, 1, 4)


#: Short texts that differ only where the packed keys of the compiled tables could confuse them:
#: NUL, the last code point, surrogates, the supplementary plane, one to four characters.
SHORT_KEYS = ["a", "a\x00", "\x00", "\x00a", "\x00\x00", "aa", "aaa", "aaaa", "\U0010ffff", "\U0010ffffa"]
SHORT_KEYS += [
    "\ud800",
    "\udfff",
    "\ud800\udfff",
    "𠀀",
    "𠀀𠀁",
    "𠀁𠀀",
    "𠀀𠀁𠀂",
    "词",
    "词语",
    "词语组",
    "词语组合",
    "é",
]


@vocabulary
@pytest.mark.parametrize("memo_size", [0, 5, 10_000])
def test_the_compiled_vocabulary_tells_every_short_text_apart(memo_size: int) -> None:
    """Each token gets the id of its first occurrence, each term reads back as itself."""
    compiled_type = _fast.compiled_vocabulary()
    assert compiled_type is not None
    rng = random.Random(memo_size)
    pool = SHORT_KEYS + ["".join(rng.choices(SHORT_KEYS, k=rng.randint(1, 3))) for _ in range(300)]
    terms: list[str] = []
    words = compiled_type(lambda token: token, memo_size, terms, set())
    for _ in range(200):
        tokens = rng.choices(pool, k=rng.randint(0, 40))
        words.vector(tokens, [], [], "", 1.0, [], 10, True, 2.5, 0.3, 48)  # noqa: FBT003
    assert len(set(terms)) == len(terms)
    assert all(terms[words.id(term)] == term for term in terms)  # type: ignore[index]
    unseen = [text for text in pool + [t + "x" for t in SHORT_KEYS] if text not in set(terms)]
    assert all(words.id(text) is None for text in unseen)
