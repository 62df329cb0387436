"""Draw the fifth round's labels for the kind of appeal (a random sample), print them for reading.

The rows marked ``sample=random5`` in ``bench/data/appeal_train_labels.csv`` were drawn here
(bench/data/appeal_guidelines.md, "Fifth round"). The fifth round of issue 15 found that the
model gains about as much from random labels as from boundary ones (+0.024 accuracy for each
doubling of the labels in cross-validation), so this round draws at random, which also keeps
the kinds in their natural shares and lets the new rows be scored in cross-validation.

The pool: unlabelled messages of 附件2（测试数据）, 附件3 and 附件4, one per title, sharing no
title or text with any labelled or evaluation message, and **no near copy** of an evaluation
or test-split message (more than half of its character pairs, title and the first 400
characters of the body, in one of them: the fourth round's test). The pool is shuffled once
(seed 20261214) and labelled in that order, so any prefix is a random sample.

    .venv/bin/python bench/label_appeal_fifth.py draw > /tmp/fifth.csv    # order,file,message_id
    .venv/bin/python bench/label_appeal_fifth.py show --start 0 --stop 40
    .venv/bin/python bench/label_appeal_fifth.py dump --out /tmp/appeal5              # batches of 40
    .venv/bin/python bench/label_appeal_fifth.py store --labels L1.csv L2.csv …      # append, in draw order
    .venv/bin/python bench/label_appeal_fifth.py agree --labels L1_overlap.csv L2.csv  # two annotators

``show`` prints title and body (the first 250 and last 80 characters, whitespace removed)
after a ``# file,message_id`` line; no model's kind is shown. No text is written anywhere.
"""

from __future__ import annotations

import argparse
import csv
import random
from contextlib import redirect_stdout
from pathlib import Path

from bench_appeal_model import EVAL, SUPPLEMENT, TRAIN_LABELS, load_corpus
from label_appeal_fourth import _key, _near_copies, _print
from minyi.pipeline.appeal import KINDS
from minyi.pipeline.appeal_data import read_label_file

REPO = Path(__file__).resolve().parents[1]
SEED = 20261214


def pool(corpus: dict) -> list:  # type: ignore[type-arg]
    """The unlabelled keys in their one random order (see the module's docstring)."""
    rows = [r for r in read_label_file(TRAIN_LABELS) if r.sample != "random5"]  # the draw saw none of them
    evaluation = [r for path in (EVAL, SUPPLEMENT) for r in read_label_file(path)]
    taken = {(r.file, r.message_id) for r in rows + evaluation}
    texts = {_key(corpus[k]) for k in taken}
    titles = {corpus[k][0].replace(" ", "") for k in taken}
    keys, seen = [], set()
    for k in sorted(corpus):
        pair = corpus[k]
        title = pair[0].replace(" ", "")
        if k in taken or _key(pair) in texts or title in titles or title in seen or not title:
            continue
        seen.add(title)
        keys.append(k)
    held = [(r.file, r.message_id) for r in evaluation] + [
        (r.file, r.message_id) for r in rows if r.split == "test"
    ]
    near = _near_copies(keys, held, corpus)
    print(f"# pool {len(keys)}, near copies of evaluation or test messages dropped: {len(near)}")
    keys = [k for k in keys if k not in near]
    random.Random(SEED).shuffle(keys)
    return keys


def main() -> None:
    """Draw, show or dump."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("draw", "show", "dump", "store", "agree"))
    parser.add_argument("--labels", type=Path, nargs="*", default=[], help="store/agree: label files")
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--stop", type=int, default=40)
    parser.add_argument("--out", type=Path, help="dump: a folder outside the repository for the batches")
    args = parser.parse_args()
    if args.command == "agree":
        agree(*args.labels)
        return
    corpus = load_corpus(args.data_dir)
    keys = pool(corpus)
    if args.command == "store":
        store(keys, args.labels)
        return
    if args.command == "draw":
        for i, k in enumerate(keys):
            print(f"{i},{k[0]},{k[1]}")
        return
    if args.command == "dump":
        _dump(corpus, keys, args.out)
        return
    for i, k in enumerate(keys[args.start : args.stop], start=args.start):
        print(f"# {k[0]},{k[1]}")
        _print(i, corpus[k])


def _read(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return {(r["file"], r["message_id"]): r for r in csv.DictReader(f)}


def store(keys: list, paths: list[Path]) -> None:  # type: ignore[type-arg]
    """Append the annotators' labels to the training file as ``sample=random5``, in draw order.

    Every id must be in the pool and every kind and confidence valid; nothing is written
    otherwise. Ids already in the file are refused (a second store of the same labels).
    """
    labelled: dict[tuple[str, str], dict[str, str]] = {}
    for path in paths:
        labelled.update(_read(path))
    order = {k: i for i, k in enumerate(keys)}
    stored = {(r.file, r.message_id) for r in read_label_file(TRAIN_LABELS)}
    problems = [f"{k}: not in the pool" for k in labelled if k not in order]
    problems += [f"{k}: already stored" for k in labelled if k in stored]
    problems += [f"{k}: kind {r['kind']!r}" for k, r in labelled.items() if r["kind"] not in KINDS]
    problems += [
        f"{k}: {r['confidence']!r}" for k, r in labelled.items() if r["confidence"] not in {"sure", "unsure"}
    ]
    if problems:
        raise SystemExit("\n".join(problems[:20]))
    with TRAIN_LABELS.open("a", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        for k in sorted(labelled, key=order.__getitem__):
            writer.writerow([k[0], k[1], labelled[k]["kind"], "train", labelled[k]["confidence"], "random5"])
    print(
        f"stored {len(labelled)} labels (draw positions {min(map(order.get, labelled))}–{max(map(order.get, labelled))})"
    )


def agree(first: Path, second: Path) -> None:
    """Agreement and Cohen's kappa of two annotators on the ids both labelled."""
    a, b = _read(first), _read(second)
    pairs = [(a[k]["kind"], b[k]["kind"]) for k in a if k in b]
    n = len(pairs)
    po = sum(x == y for x, y in pairs) / n
    pe = sum((sum(x == k for x, _ in pairs) / n) * (sum(y == k for _, y in pairs) / n) for k in KINDS)
    print(f"{n} messages, agreement {po:.3f}, kappa {(po - pe) / (1 - pe):.3f}")


def _dump(corpus: dict, keys: list, out: Path) -> None:  # type: ignore[type-arg]
    """Batches of 40 as ``show`` prints them, one file each, so that readers need not reload the corpus."""
    out.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(keys), 40):
        with (out / f"batch_{start:05d}.txt").open("w", encoding="utf-8") as f, redirect_stdout(f):
            for i, k in enumerate(keys[start : start + 40], start=start):
                print(f"# {k[0]},{k[1]}")
                _print(i, corpus[k])


if __name__ == "__main__":
    main()
