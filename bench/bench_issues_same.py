"""Same issues, and how fast: ``IssueDetector.fit`` on N copies of 附件3, streamed in time order.

Usage::

    PYTHONHASHSEED=0 python bench/bench_issues_same.py [--data-dir DIR] [--size 200000]

Prints the SHA-256 of the sorted assignments (message id → issue id), so that two versions
of the detector can be checked to give the same issues, with the CPU time of ``fit`` (the
making of the copies left out, as in ``bench_issues.py``) and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench_issues import InOrder, load_attachment3
from minyi.issues.detect import _fast
from minyi.issues.detect.cluster import IssueDetector


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data/tipdm2020_smart_gov"))
    parser.add_argument("--size", type=int, default=200_000)
    args = parser.parse_args()
    messages = InOrder(load_attachment3(args.data_dir), args.size)
    cpu = time.process_time()
    detector = IssueDetector().fit(messages, in_order=True)
    cpu = time.process_time() - cpu - messages.cpu
    assignments = detector.assignments()
    digest = hashlib.sha256(repr(sorted(assignments.items())).encode()).hexdigest()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"n={len(assignments)} compiled={_fast.COMPILED} cpu={cpu:.1f}s {1000 * cpu / len(assignments):.3f} ms/msg "
        f"issues={len(set(assignments.values()))} peak={peak:.0f}MB sha256={digest[:16]}"
    )


if __name__ == "__main__":
    main()
