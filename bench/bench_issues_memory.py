"""Where the memory and the garbage collector's time of a long ``IssueDetector.fit`` go.

Usage::

    PYTHONHASHSEED=0 python bench/bench_issues_memory.py [--data-dir DIR] [--size 200000]

Runs ``fit`` on N copies of 附件3 streamed in time order (as ``bench_issues_same.py``),
timing Python's cyclic garbage collections with :data:`gc.callbacks` (all, and the full
ones), then prints the resident memory and the deep size of each part of the detector:
the variant-name index, the dormant issues, the archived summaries (a pending one without
its dormant state, counted before), the live issues, the near-copy index, the message →
issue map. Deep sizes count Python objects only (the compiled vocabulary and postings are
not seen), each object once, in the order printed.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench_issues import InOrder, load_attachment3
from minyi.issues.detect.cluster import IssueDetector


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1]) * 4096 / 2**20


class _Deep:
    """Deep sizes, each object counted once across calls (the first part that reaches it)."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.kept: list[Any] = []  # keeps the measured objects alive: no id is reused

    def size(self, root: Any) -> float:
        self.kept.append(root)
        total, stack = 0, [root]
        while stack:
            item = stack.pop()
            if id(item) in self.seen or isinstance(item, type):
                continue
            self.seen.add(id(item))
            total += sys.getsizeof(item)
            stack.extend(gc.get_referents(item))
        return total / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data/tipdm2020_smart_gov"))
    parser.add_argument("--size", type=int, default=200_000)
    args = parser.parse_args()
    messages = InOrder(load_attachment3(args.data_dir), args.size)
    spent = {"all": 0.0, "full": 0.0, "start": 0.0}

    def timed(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            spent["start"] = time.process_time()
            return
        took = time.process_time() - spent["start"]
        spent["all"] += took
        spent["full"] += took if info["generation"] == 2 else 0.0  # the oldest generation

    print(f"before fit: {_rss_mb():.0f} MB resident")
    gc.callbacks.append(timed)
    cpu = time.process_time()
    detector = IssueDetector().fit(messages, in_order=True)
    cpu = time.process_time() - cpu - messages.cpu
    gc.callbacks.remove(timed)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"fit: {cpu:.1f} s CPU, of which garbage collection {spent['all']:.1f} s ({spent['full']:.1f} s full)"
    )
    print(f"after fit: {_rss_mb():.0f} MB resident, peak {peak:.0f} MB")
    deep = _Deep()
    featurizer = detector.featurizer_
    parts = {
        "variant-name index": featurizer.names_,
        "dormant issues": detector.dormant_,  # first: a pending summary holds its dormant state
        "archived summaries": detector.archived_,
        "live issues": detector.active_,
        "near-copy index": detector.dedupe_,
        "message -> issue": detector.issue_of_,
        "featuriser (Python side)": featurizer,
    }
    for name, part in parts.items():
        print(f"  {name:26} {deep.size(part):7.1f} MB")
    index = detector.dedupe_.index_
    if index is not None:  # the compiled near-copy index: arrays the garbage collector cannot see
        print(
            f"  {'near-copy arrays (C)':26} {index.nbytes() / 2**20:7.1f} MB (its two dicts and keys not counted)"
        )


if __name__ == "__main__":
    main()
