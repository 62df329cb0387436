"""CPU a message of the kind-of-appeal model at intake, by batch size (issue 18).

``TrainedAppealClassifier.predict_results`` on the messages of 附件4, normalised as the pipeline
hands them over, in batches of 1, 32 and 500 (the web form, the NATS workers, the bulk import's
analysis workers); best of three passes. ``--reference`` runs the named features of training
(``fast=False``) instead of the integer path of :mod:`minyi.pipeline.appeal_fast`, and
``--check`` first asserts that both give the same results. Run it under
``/work/notes/quiet_run`` and pair it with the other path in the same minutes.

    .venv/bin/python bench/bench_appeal_cost.py [--data-dir DIR] [--reference] [--check]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from minyi.pipeline.appeal_data import find_message_file, read_messages
from minyi.pipeline.appeal_model import TrainedAppealClassifier, default_appeal_classifier
from minyi.pipeline.normalize import TextNormalizer

BATCHES = (1, 32, 500)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data/tipdm2020_smart_gov"))
    parser.add_argument("--reference", action="store_true", help="the named features (fast=False)")
    parser.add_argument("--check", action="store_true", help="assert both paths give the same results")
    args = parser.parse_args()
    normalizer = TextNormalizer().fit()
    messages = read_messages(find_message_file(args.data_dir, "附件4"))
    pairs = [
        (normalizer.transform_one(t).text, normalizer.transform_one(b).text) for t, b in messages.values()
    ]
    packaged = default_appeal_classifier()
    assert isinstance(packaged, TrainedAppealClassifier)
    clf = TrainedAppealClassifier(packaged.appeal_model, fast=not args.reference)
    if args.check:
        reference = TrainedAppealClassifier(packaged.appeal_model, fast=False)
        assert packaged.predict_results(pairs) == reference.predict_results(pairs)
    clf.predict_results(pairs[:50])  # warm: the segmenter's dictionary
    timings = []
    for size in BATCHES:
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            for first in range(0, len(pairs), size):
                clf.predict_results(pairs[first : first + size])
            best = min(best, time.process_time() - start)
        timings.append(f"batch {size}: {1000 * best / len(pairs):.3f}")
    path = "reference (named features)" if args.reference else "fast (integer grams)"
    print(f"{path}, {len(pairs)} messages, ms CPU a message: " + " | ".join(timings))


if __name__ == "__main__":
    main()
