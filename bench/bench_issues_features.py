"""The detector's featuriser alone: ``Featurizer.transform_one`` on N copies of 附件3, in time order.

Usage::

    PYTHONHASHSEED=0 python bench/bench_issues_features.py [--data-dir DIR] [--size 30000]

Prints the CPU time a message of featurising (title and body normalised, segmented, places
found, the TF-IDF vector), the making of the copies left out, and a SHA-256 of every
message's vector, places and title cores, so that two versions of the featuriser can be
checked to give the same features (and ``MINYI_PURE_PYTHON=1`` against the compiled path).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench_issues import InOrder, load_attachment3
from minyi.issues.detect import _fast
from minyi.issues.detect.features import Featurizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data/tipdm2020_smart_gov"))
    parser.add_argument("--size", type=int, default=30_000)
    args = parser.parse_args()
    messages = InOrder(load_attachment3(args.data_dir), args.size)
    featurizer = Featurizer().reset()
    featurizer.words("预热")  # rjieba's dictionary loads on first use: not the featuriser's time
    digest = hashlib.sha256()
    count = 0
    cpu = time.process_time()
    for message in messages:
        found = featurizer.transform_one(message.title, message.body)
        digest.update(repr((found.vector, found.places, sorted(found.title_cores))).encode())
        count += 1
    cpu = time.process_time() - cpu - messages.cpu
    print(
        f"n={count} compiled={_fast.COMPILED} cpu={cpu:.1f}s {1000 * cpu / count:.3f} ms/msg "
        f"sha256={digest.hexdigest()[:16]}"
    )


if __name__ == "__main__":
    main()
