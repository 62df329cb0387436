"""The compiled kernels reading dict centroids (the layout before) against ``Centroid`` (flat arrays).

Usage::

    PYTHONHASHSEED=0 python bench/bench_issues_centroid.py [--data-dir DIR] [--size 10000] [--rounds 6]

Fits the detector on N copies of 附件3 streamed in time order (as ``bench_issues_same.py``),
then, in one process, times the kernels that read an issue's centroid on its live issues
with their centroids as dicts and as ``minyi._issuestate.Centroid``, in alternated rounds
(the medians printed): ``state_scores`` (a message against 4 candidate issues),
``unit_centroid`` (the merge pass's 40 heaviest terms), ``centroid_dots`` (two centroids),
``incoherent`` (a whole issue's coherence test, no member below) and ``member_dot`` (20
members against their issue).  The same kernels, the same inputs: only the layout differs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench_issues import InOrder, load_attachment3
from minyi.issues.detect import _fast
from minyi.issues.detect.cluster import IssueDetector
from minyi.issues.detect.issue import IssueState


def _timed(work: Callable[[], object], count: int) -> float:
    start = time.process_time()
    work()
    return (time.process_time() - start) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data/tipdm2020_smart_gov"))
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    kernels = _fast.compiled_consolidation()
    if kernels is None or not hasattr(kernels, "Centroid"):
        sys.exit("minyi._issuestate (with Centroid) was not built")
    detector = IssueDetector().fit(InOrder(load_attachment3(args.data_dir), args.size), in_order=True)
    states = [state for state in detector.active_.values() if state.centroid]
    places, gate = detector.featurizer_.place_ids_, detector.gate_
    rng = random.Random(0)
    vectors = []
    for state in rng.choices(states, k=300):
        unit = list(state.unit_centroid(60).items())
        vectors.append(dict(rng.sample(unit, min(38, len(unit)))))
    candidates = [rng.sample(states, min(4, len(states))) for _ in vectors]
    largest = sorted(states, key=lambda state: -len(state.centroid))[:100]
    pairs = [(rng.choice(largest), rng.choice(states)) for _ in range(2000)]

    def layout(make: Callable[[dict[int, float]], dict[int, float]]) -> None:
        for state in states:
            state.centroid = make(dict(state.centroid))
            state.changed()

    def incoherent(state: IssueState) -> object:
        known = (state.place_norm2(), state.main_cores())
        return kernels.incoherent(state.members, state.centroid, places, state.norm2, *known, gate, -1.0)

    work: dict[str, tuple[Callable[[], object], int]] = {
        "state_scores, 4 issues": (
            lambda: [
                kernels.state_scores(gate, c, v, set(), places)
                for v, c in zip(vectors, candidates, strict=True)
            ],
            len(vectors),
        ),
        "unit_centroid(40)": (lambda: [s.unit_centroid(40) for s in largest], len(largest)),
        "centroid_dots": (
            lambda: [kernels.centroid_dots(a.centroid, b.centroid, places) for a, b in pairs],
            len(pairs),
        ),
        "incoherent, a whole issue": (lambda: [incoherent(s) for s in largest], len(largest)),
        "member_dot x 20": (
            lambda: [
                _fast.member_dot(m.terms, m.weights, s.centroid) for s in largest for m in s.members[-20:]
            ],
            len(largest),
        ),
    }
    found: dict[str, dict[str, list[float]]] = {"dict": {}, "Centroid": {}}
    makers = {"dict": dict, "Centroid": kernels.Centroid}
    for number in range(args.rounds):
        for kind in ("dict", "Centroid") if number % 2 == 0 else ("Centroid", "dict"):
            layout(makers[kind])
            for name, (run, count) in work.items():
                found[kind].setdefault(name, []).append(_timed(run, count))
    terms = sum(len(state.centroid) for state in states)
    print(
        f"n={args.size} live issues={len(states)} centroid terms={terms} largest={len(largest[0].centroid)}"
    )
    for name in work:
        before, after = (statistics.median(found[kind][name]) for kind in ("dict", "Centroid"))
        print(
            f"{name}: dict {1e6 * before:.2f} µs, Centroid {1e6 * after:.2f} µs ({100 * (after / before - 1):+.0f} %)"
        )


if __name__ == "__main__":
    main()
