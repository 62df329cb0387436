"""The compiled kernels of consolidation and scoring give exactly what the Python reference gives.

``minyi._issuestate``'s ``unit_centroid``, ``centroid_dots``, ``incoherent`` and
``state_scores`` stand in for :meth:`IssueState.unit_centroid`, ``consolidate._dots``,
``consolidate._incoherent`` and :func:`~minyi.issues.detect.gate.state_score` when built; each is
fed generated inputs (ties of weights, equal sizes, cores that contain one another, folded
members, empty sides) and must answer what the Python does, to the last bit.
"""

from __future__ import annotations

import random
from array import array
from datetime import UTC, datetime, timedelta

import pytest

from minyi.issues.detect import _fast, consolidate
from minyi.issues.detect.gate import Gate, state_score
from minyi.issues.detect.issue import IssueMessage, IssueState, Member

kernels = _fast.compiled_consolidation()
built = pytest.mark.skipif(kernels is None, reason="minyi._issuestate was not built")

_CORES = ("滨江", "滨江新城", "人民路", "人民", "湘江", "金桂小区")
_GATES = (Gate(), Gate(0.3, 0.7, 0.0, 1.0, 0.25), Gate(1.0, 0.0, 0.9, 0.1, 1.0))
_PLACES = frozenset(range(0, 90, 7))
_START = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def python(monkeypatch: pytest.MonkeyPatch):
    """Call to run the Python reference for the rest of the test."""

    def switch() -> None:
        monkeypatch.setattr(_fast, "COMPILED", False)
        assert _fast.compiled_consolidation() is None

    return switch


def _weights(rng: random.Random, count: int) -> list[float]:
    """Weights, a third from a few values (ties decide the order of equals), a few negative.

    The detector's weights are positive, but its differences (a member's weight taken out of
    its centroid) may fall below 0 by rounding: the clamps at 0 are tested with negatives.
    """
    found = [rng.choice((0.25, 0.5, 0.125)) if rng.random() < 0.35 else rng.random() for _ in range(count)]
    return [-weight if rng.random() < 0.1 else weight for weight in found]


def _centroid(rng: random.Random, size: int, terms: int = 100) -> dict[int, float]:
    keys = rng.sample(range(max(terms, size)), size)
    return dict(zip(keys, _weights(rng, size), strict=True))


def _cores(rng: random.Random) -> tuple[str, ...]:
    return tuple(rng.sample(_CORES, rng.choice((0, 0, 1, 1, 2))))


def _member(rng: random.Random, index: int, *, folded: bool = False) -> Member:
    terms = rng.sample(range(100), rng.randint(1, 30))
    vector = dict(zip(terms, _weights(rng, len(terms)), strict=True))
    message = IssueMessage(f"m{index}", "标题", "", _START + timedelta(hours=index))
    member = Member.of(message, vector, [], _cores(rng))
    if folded:
        member.fold()
    return member


def _state(rng: random.Random, count: int, issue_id: int = 1) -> IssueState:
    state = IssueState(issue_id, created=issue_id)
    for index in range(count):
        state.add(_member(rng, index, folded=rng.random() < 0.15), _PLACES)
    return state


@built
@pytest.mark.parametrize("seed", range(4))
def test_the_heaviest_terms_of_a_centroid_are_the_reference_ones_in_order(python, seed: int) -> None:
    rng = random.Random(seed)
    cases = []
    for size in (0, 1, 3, 39, 40, 41, 64, 65, 400, 401, 2500):
        for limit in (0, 1, 3, 40, 64, 65, 3000):
            state = IssueState(1, created=1, centroid=_centroid(rng, size, 3000))
            state.norm2 = rng.choice((0.0, -1.0, 1.0, sum(w * w for w in state.centroid.values())))
            cases.append((state, limit))
    fast = [list(state.unit_centroid(limit).items()) for state, limit in cases]
    python()
    assert fast == [list(state.unit_centroid(limit).items()) for state, limit in cases]
    assert any(len(found) == 40 for found in fast)  # the merge pass's limit was met


@built
def test_the_dot_products_of_two_centroids_are_the_reference_ones(python) -> None:
    rng = random.Random(5)
    pairs = []
    for _ in range(300):
        left_size = rng.randint(0, 60)
        right_size = left_size if rng.random() < 0.3 else rng.randint(0, 60)  # equal sizes: left first
        left = IssueState(1, created=1, centroid=_centroid(rng, left_size))
        right = IssueState(2, created=2, centroid=_centroid(rng, right_size))
        pairs.append((left, right, rng.choice((_PLACES, frozenset(), set(range(100))))))
    fast = [consolidate._dots(left, right, places) for left, right, places in pairs]
    python()
    assert fast == [consolidate._dots(left, right, places) for left, right, places in pairs]
    assert sum(dot != 0.0 for dot, _ in fast) > 200  # most pairs share terms


@built
@pytest.mark.parametrize("seed", range(6))
def test_an_issue_is_incoherent_exactly_when_the_reference_says(python, seed: int) -> None:
    """Thresholds at each member's own score, just above and just below: ``<`` is tested to the bit."""
    rng = random.Random(seed)
    cases = []
    for count in (0, 1, 2, 3, 5, 9, 20):
        state = _state(rng, count)
        gate = rng.choice(_GATES)
        known = (state.place_norm2(), state.main_cores())
        scores = [
            consolidate._gated(m, state, gate, _PLACES, rest=True, known=known)
            for m in state.members
            if not m.folded
        ]
        thresholds = [t for score in (*scores, 0.0, 1.0) for t in (score, score + 1e-12, score - 1e-12)]
        cases.extend((state, threshold, gate) for threshold in thresholds)
    fast = [consolidate._incoherent(state, t, gate, _PLACES) for state, t, gate in cases]
    python()
    assert fast == [consolidate._incoherent(state, t, gate, _PLACES) for state, t, gate in cases]
    assert True in fast
    assert False in fast


@built
@pytest.mark.parametrize("seed", range(4))
def test_the_gated_scores_of_candidate_issues_are_the_reference_ones(python, seed: int) -> None:
    rng = random.Random(seed)
    cases = []
    for _ in range(60):
        states = [_state(rng, rng.randint(0, 6), issue_id) for issue_id in range(rng.randint(0, 5))]
        vector = _centroid(rng, rng.randint(0, 40))
        cases.append(
            (rng.choice(_GATES), states, vector, set(_cores(rng)), rng.choice((_PLACES, frozenset())))
        )
    assert kernels is not None
    fast = [kernels.state_scores(gate, states, v, cores, places) for gate, states, v, cores, places in cases]
    python()
    expected = [[state_score(g, s, v, c, p) for s in states] for g, states, v, c, p in cases]
    assert fast == expected
    assert len({score for scores in fast for score in scores}) > 50  # not all one value


@built
def test_the_kernels_refuse_what_they_cannot_read() -> None:
    assert kernels is not None
    with pytest.raises(ValueError, match="limit"):
        kernels.unit_centroid({1: 1.0}, -1, 1.0)
    with pytest.raises(TypeError):
        kernels.unit_centroid({1: "heavy"}, 3, 1.0)
    member = _member(random.Random(1), 0)
    member.weights = array("d", member.weights)  # doubles: not the layout kept
    with pytest.raises(ValueError, match="array"):
        kernels.incoherent([member], {}, set(), 1.0, 0.0, set(), Gate(), 0.5)
    with pytest.raises(AttributeError):
        kernels.incoherent([object()], {}, set(), 1.0, 0.0, set(), Gate(), 0.5)
    state = IssueState(1, created=1, norm2=1.0)
    state.centroid = [(1, 1.0)]  # type: ignore[assignment]
    with pytest.raises(TypeError, match="dict"):
        kernels.state_scores(Gate(), [state], {1: 1.0}, set(), set())
    with pytest.raises(AttributeError):
        kernels.state_scores(object(), [], {}, set(), set())
    assert kernels.state_scores(Gate(), [], {}, set(), set()) == []
    assert kernels.incoherent([], {}, set(), 0.0, 0.0, set(), Gate(), 1.0) is False
    assert kernels.centroid_dots({}, {}, set()) == (0.0, 0.0)
