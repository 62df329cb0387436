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

``show`` prints title and body (the first 250 and last 80 characters, whitespace removed)
after a ``# file,message_id`` line; no model's kind is shown. No text is written anywhere.
"""

from __future__ import annotations

import argparse
import random
from contextlib import redirect_stdout
from pathlib import Path

from bench_appeal_model import EVAL, SUPPLEMENT, TRAIN_LABELS, load_corpus
from label_appeal_fourth import _key, _near_copies, _print
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
    parser.add_argument("command", choices=("draw", "show", "dump"))
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--stop", type=int, default=40)
    parser.add_argument("--out", type=Path, help="dump: a folder outside the repository for the batches")
    args = parser.parse_args()
    corpus = load_corpus(args.data_dir)
    keys = pool(corpus)
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
