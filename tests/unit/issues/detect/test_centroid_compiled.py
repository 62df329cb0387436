"""The compiled centroid (``minyi._issuestate.Centroid``) is the dict it replaces, to the bit and in order.

An issue's centroid is a dict (term id → weight) in the Python reference and a ``Centroid``
(flat arrays) when compiled (:func:`~minyi.issues.detect._fast.new_centroid`).  The
detector's results depend on its order (ties of weights keep it), so a ``Centroid`` and a
dict are driven through the same generated writes and must list the same items in the same
order after each; the kernels that read it must answer with the same doubles as the Python
reading the dict.
"""

from __future__ import annotations

import pickle
import random
from array import array
from datetime import UTC, datetime, timedelta

import pytest

from minyi.issues.detect import _fast, consolidate
from minyi.issues.detect.gate import Gate, state_score
from minyi.issues.detect.issue import IssueMessage, IssueState, Member

Centroid = getattr(_fast._S, "Centroid", None)
built = pytest.mark.skipif(Centroid is None or not _fast.COMPILED, reason="minyi._issuestate was not built")

_PLACES = frozenset(range(0, 300, 7))
_GATES = (Gate(), Gate(0.3, 0.7, 0.0, 1.0, 0.25), Gate(1.0, 0.0, 0.9, 0.1, 1.0))
_CORES = ("滨江", "滨江新城", "人民路")
_START = datetime(2024, 1, 1, tzinfo=UTC)


def _weight(rng: random.Random) -> float:
    """A weight: a third from a few values (ties), some negative or zero."""
    if rng.random() < 0.35:
        return rng.choice((0.25, 0.5, 0.125, 0.0, -0.0))
    return rng.random() * (-1.0 if rng.random() < 0.1 else 1.0)


def _step(rng: random.Random, target: dict[int, float], terms: int) -> None:
    """One write, as the detector makes them: set, update, pop, del, or a bulk of sets."""
    term = rng.randrange(terms)
    kind = rng.random()
    if kind < 0.5:
        target[term] = _weight(rng)
    elif kind < 0.7:
        target[term] = target.get(term, 0.0) + _weight(rng)
    elif kind < 0.9:
        target.pop(term, None)
    elif term in target:
        del target[term]


@built
@pytest.mark.parametrize("seed", range(5))
def test_a_centroid_keeps_the_items_and_order_of_a_dict_through_any_writes(seed: int) -> None:
    rng = random.Random(seed)
    for terms in (3, 40, 700, 5000):
        reference: dict[int, float] = {}
        flat = Centroid()
        for step in range(3000):
            state = rng.getstate()
            _step(rng, reference, terms)
            rng.setstate(state)
            _step(rng, flat, terms)
            if step % 97 == 0 or len(reference) < 5:
                assert flat.items() == list(reference.items())
        assert list(flat) == list(reference)
        assert flat.keys() == list(reference.keys())
        assert flat.values() == list(reference.values())
        assert len(flat) == len(reference)
        assert flat == reference
        assert reference == flat
        assert dict(flat) == reference
        assert list(dict(flat)) == list(reference)
        assert all(term in flat for term in reference)
        assert all((term in flat) == (term in reference) for term in range(-3, terms + 3))
        assert [flat.get(term, -7.0) for term in range(terms)] == [
            reference.get(term, -7.0) for term in range(terms)
        ]
        assert flat.copy().items() == flat.items()
        assert pickle.loads(pickle.dumps(flat)).items() == flat.items()  # noqa: S301 - our own object


@built
def test_a_centroid_answers_as_a_dict_at_its_edges() -> None:
    flat = Centroid([(5, 1.0), (2, 2.0)])
    assert flat.get(9) is None
    assert flat.get(1 << 40, 3.0) == 3.0  # beyond int32: absent, as from a dict of int32 terms
    assert (1 << 40) not in flat
    assert flat.pop(9, "none") == "none"
    with pytest.raises(KeyError):
        flat[9]
    with pytest.raises(KeyError):
        del flat[9]
    with pytest.raises(KeyError):
        flat.pop(9)
    flat[5] = 3  # an int weight is kept as the float it is equal to
    assert flat[5] == 3.0
    assert isinstance(flat[5], float)
    assert flat != {5: 3.0}
    assert flat == {5: 3.0, 2: 2.0}
    assert Centroid({7: 1.5}) == {7: 1.5}
    assert repr(Centroid([(1, 0.5)])) == "Centroid({1: 0.5})"
    assert flat.__sizeof__() > 0


@built
def test_a_centroid_refuses_what_it_cannot_hold() -> None:
    flat = Centroid()
    with pytest.raises(OverflowError):
        flat[1 << 31] = 1.0
    with pytest.raises(OverflowError):
        flat[-(1 << 31)] = 1.0  # int32's least value marks a removed entry
    with pytest.raises(TypeError):
        flat["term"] = 1.0
    with pytest.raises(TypeError):
        flat[1] = "heavy"
    with pytest.raises(TypeError):
        flat.get("term")
    with pytest.raises(ValueError, match="pair"):
        Centroid([(1, 2.0, 3.0)])
    with pytest.raises(TypeError):
        Centroid([1])
    with pytest.raises(TypeError):
        hash(flat)
    terms, weights = array("i", [1, 2]), array("f", [0.5, 0.5])
    with pytest.raises(ValueError, match="array"):
        flat.add_into(terms, array("d", weights), (), set())
    with pytest.raises(ValueError, match="array"):
        flat.member_gated(array("q", terms), weights, (), False)  # noqa: FBT003
    with pytest.raises(ValueError, match="array"):
        flat.add_into(terms, array("f", [0.5]), (), set())
    with pytest.raises(OverflowError):
        flat.add_into(array("i", [-(1 << 31)]), array("f", [1.0]), (), set())
    with pytest.raises(TypeError):
        flat.gated_dot([(1, 1.0)], ())
    with pytest.raises(TypeError):
        flat.square_sum(3)
    assert flat == {}  # nothing half-written by a refusal


def _members(rng: random.Random, count: int) -> list[Member]:
    members = []
    for index in range(count):
        terms = rng.sample(range(300), rng.randint(1, 40))
        vector = {term: abs(_weight(rng)) for term in terms}
        message = IssueMessage(f"m{index}", "标题", "", _START + timedelta(hours=index))
        members.append(Member.of(message, vector, [], tuple(rng.sample(_CORES, rng.randint(0, 2)))))
    return members


def _states(rng: random.Random, count: int) -> list[IssueState]:
    """Issues grown member by member (adds, a prune, a split's subtraction): the detector's writes."""
    states = []
    for issue_id in range(count):
        state = IssueState(issue_id, created=issue_id)
        for member in _members(rng, rng.randint(0, 12)):
            state.add(member, _PLACES)
        if state.centroid and rng.random() < 0.3:
            state.prune(max(1, len(state.centroid) * 3 // 4))
        if len(state.members) > 2 and rng.random() < 0.3:
            part = IssueState(-1, created=0)
            part.add(state.members[-1], _PLACES)
            state.subtract(part)
        states.append(state)
    return states


@built
@pytest.mark.parametrize("seed", range(4))
def test_issues_grown_with_a_centroid_score_as_issues_grown_with_a_dict(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """The same writes on both, then every kernel: compiled on the Centroid, Python on the dict."""

    def run() -> tuple[object, ...]:
        rng = random.Random(seed)
        states = _states(rng, 12)
        vectors = [
            {t: abs(_weight(rng)) for t in rng.sample(range(300), rng.randint(0, 40))} for _ in range(8)
        ]
        gate = _GATES[seed % 3]
        cores = set(_CORES[:2])
        return (
            [type(state.centroid).__name__ for state in states],
            [list(state.centroid.items()) for state in states],
            [state.norm2 for state in states],
            [state.place_norm2() for state in states],
            [list(state.unit_centroid(limit).items()) for state in states for limit in (0, 3, 40, 70)],
            [
                consolidate._dots(a, b, places)
                for a in states
                for b in states
                for places in (_PLACES, frozenset())
            ],
            [consolidate._incoherent(s, t, gate, _PLACES) for s in states for t in (0.0, 0.3, 0.6, 0.9)],
            [state_score(gate, s, v, cores, _PLACES) for s in states for v in vectors],
            [m.dot(s.centroid) for s in states for m in s.members],
            [_fast.gated_dot(v, s.centroid, _PLACES) for s in states for v in vectors],
        )

    kernels = _fast.compiled_consolidation()
    assert kernels is not None
    fast = run()
    monkeypatch.setattr(_fast, "COMPILED", False)
    reference = run()
    assert set(fast[0]) == {"Centroid"}
    assert set(reference[0]) == {"dict"}
    assert fast[1:] == reference[1:]
    monkeypatch.setattr(_fast, "COMPILED", True)
    rng = random.Random(seed)
    states = _states(rng, 12)
    vectors = [{t: abs(_weight(rng)) for t in rng.sample(range(300), rng.randint(0, 40))} for _ in range(8)]
    scores = [kernels.state_scores(_GATES[seed % 3], states, v, set(_CORES[:2]), _PLACES) for v in vectors]
    assert [scores[j][i] for i in range(len(states)) for j in range(len(vectors))] == reference[7]


@built
@pytest.mark.parametrize("seed", range(3))
def test_the_centroids_own_kernels_are_the_reference_functions(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """add_into, member_gated (rest or not), gated_dot and square_sum, on places of 0, 1 and many terms."""
    rng = random.Random(seed)
    cases = []
    for _ in range(150):
        terms = rng.sample(range(300), rng.randint(0, 40))
        items = [(term, _weight(rng)) for term in rng.sample(range(300), rng.randint(0, 200))]
        member = (array("i", terms), array("f", [abs(_weight(rng)) for _ in terms]))
        vector = {term: _weight(rng) for term in rng.sample(range(320), rng.randint(0, 40))}
        places = rng.choice((frozenset(), frozenset(terms[:1]), _PLACES, set(range(300))))
        cases.append((items, member, vector, places))

    def run(make: type) -> list[object]:
        found: list[object] = []
        for items, (terms, weights), vector, places in cases:
            centroid = make(items)
            found.append(_fast.member_gated(terms, weights, centroid, places, rest=True))
            found.append(_fast.member_gated(terms, weights, centroid, places, rest=False))
            found.append(_fast.member_dot(terms, weights, centroid))
            found.append(_fast.gated_dot(vector, centroid, places))
            found.append(_fast.square_sum(centroid, list(vector) + list(places)[:50]))
            place_terms: set[int] = set()
            dot, own, changed = _fast.add_into(centroid, terms, weights, places, place_terms)
            found.extend((dot, own, list(changed.items()), sorted(place_terms), list(centroid.items())))
        return found

    fast = run(Centroid)
    monkeypatch.setattr(_fast, "COMPILED", False)
    assert fast == run(dict)


@built
def test_candidate_scores_read_what_an_issue_keeps_and_call_its_methods_otherwise() -> None:
    """``state_scores`` reads ``_place_norm2`` and ``_main`` when kept; else (None, or absent) it calls the methods."""
    kernels = _fast.compiled_consolidation()
    assert kernels is not None
    rng = random.Random(3)
    states = _states(rng, 6)
    vector = {term: abs(_weight(rng)) for term in rng.sample(range(300), 30)}
    cold = kernels.state_scores(Gate(), states, vector, {"滨江"}, _PLACES)  # computes and keeps
    assert all(state._place_norm2 is not None for state in states if state.norm2 > 0.0)
    assert kernels.state_scores(Gate(), states, vector, {"滨江"}, _PLACES) == cold

    class Plain:  # no kept attributes: only the methods
        def __init__(self, state: IssueState) -> None:
            self.centroid, self.norm2, self.state = state.centroid, state.norm2, state

        def place_norm2(self) -> float:
            return self.state.place_norm2()

        def main_cores(self) -> set[str]:
            return self.state.main_cores()

    assert kernels.state_scores(Gate(), [Plain(state) for state in states], vector, {"滨江"}, _PLACES) == cold
