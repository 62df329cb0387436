"""Draw the fourth round's labels for the kind of appeal, print them for reading, and score agreement.

The rows marked ``sample=boundary4`` in ``bench/data/appeal_train_labels.csv`` were drawn here
(bench/data/appeal_guidelines.md, "Fourth round"): unlabelled messages of 附件2（测试数据）and
附件4, one per title, sharing no title or text with any labelled or evaluation message (the
third round's boundary rows included), and **no near copy** of an evaluation or test-split
message: a pool message is dropped when more than half of its character pairs (title and the
first 400 characters of the body) occur in one evaluation or test message.  Kept: messages whose
two most likely kinds under the third round's packaged model (``appeal-lr-2506h0w-78a6608f``)
are complaint and report or complaint and help (the two largest errors), by smallest margin,
in two batches (the first 240, then the next 160), each shown in a fixed random order.

The draw depends on that model: ``git show a0ca539:src/minyi/pipeline/data/appeal_model.npz >
/tmp/appeal_round3.npz``.

    .venv/bin/python bench/label_appeal_fourth.py draw --model /tmp/appeal_round3.npz [--batch 2]
    .venv/bin/python bench/label_appeal_fourth.py show --model /tmp/appeal_round3.npz --batch 1 --start 0 --stop 40
    .venv/bin/python bench/label_appeal_fourth.py blind --start 0 --stop 24
    .venv/bin/python bench/label_appeal_fourth.py agree --labels bench/data/appeal_fourth_blind.csv

``show`` prints title and body (the first 250 and last 80 characters, whitespace removed)
without the model's kinds.  ``blind`` prints 24 random first-round messages (seed 20261213)
without their labels, for an agreement figure with the first annotator; ``agree`` compares a
``file,message_id,kind`` file with the stored labels.  No text is written anywhere.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from bench_appeal_model import EVAL, SUPPLEMENT, TRAIN_LABELS, load_corpus
from minyi.pipeline.appeal import KINDS
from minyi.pipeline.appeal_data import read_label_file
from minyi.pipeline.appeal_model import AppealModel, TrainedAppealClassifier

REPO = Path(__file__).resolve().parents[1]
SEED = 20261212
BLIND_SEED = 20261213
_SPACE = re.compile(r"\s+")


def _key(pair: tuple[str, str]) -> str:
    return _SPACE.sub("", pair[0] + pair[1])


def _pairs(pair: tuple[str, str]) -> set[str]:
    text = _SPACE.sub("", pair[0] + pair[1][:400])
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _near_copies(pool: list, held: list, corpus: dict) -> set:  # type: ignore[type-arg]
    """Pool keys sharing more than half of their character pairs with one held message."""
    grams = [_pairs(corpus[k]) for k in pool] + [_pairs(corpus[k]) for k in held]
    index: dict[str, int] = {}
    rows, cols = [], []
    for r, g in enumerate(grams):
        for gram in g:
            rows.append(r)
            cols.append(index.setdefault(gram, len(index)))
    m = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(grams), len(index)))
    overlap = (m[: len(pool)] @ m[len(pool) :].T).toarray()
    size = np.maximum(np.asarray(m[: len(pool)].sum(axis=1)).ravel(), 1)
    return {k for k, best in zip(pool, overlap.max(axis=1) / size, strict=True) if best > 0.5}


def candidates(corpus: dict, model: Path) -> list[tuple[float, tuple[str, str], str, str]]:  # type: ignore[type-arg]
    """(margin, key, first kind, second kind), complaint against report or help, by margin."""
    rows = [r for r in read_label_file(TRAIN_LABELS) if r.sample != "boundary4"]  # the draw saw none of them
    evaluation = [r for path in (EVAL, SUPPLEMENT) for r in read_label_file(path)]
    taken = {(r.file, r.message_id) for r in rows + evaluation}
    texts = {_key(corpus[k]) for k in taken}
    titles = {corpus[k][0].replace(" ", "") for k in taken}
    pool, seen = [], set()
    for k, pair in corpus.items():
        title = pair[0].replace(" ", "")
        if (
            k[0] not in {"附件2测试", "附件4"}
            or k in taken
            or _key(pair) in texts
            or title in titles
            or title in seen
        ):
            continue
        seen.add(title)
        pool.append(k)
    held = [(r.file, r.message_id) for r in evaluation] + [
        (r.file, r.message_id) for r in rows if r.split == "test"
    ]
    near = _near_copies(pool, held, corpus)
    print(f"# pool {len(pool)}, near copies of evaluation or test messages dropped: {len(near)}")
    pool = [k for k in pool if k not in near]
    proba = TrainedAppealClassifier(AppealModel.load(model)).proba([corpus[k] for k in pool])
    complaint = KINDS.index("complaint")
    out = []
    for k, p in zip(pool, proba, strict=True):
        first, second = (int(i) for i in (-p).argsort()[:2])
        other = second if first == complaint else first
        if complaint in (first, second) and KINDS[other] in {"report", "help"}:
            out.append((float(p[first] - p[second]), k, KINDS[first], KINDS[second]))
    return sorted(out)


BATCHES = (240, 160)  # by smallest margin: the first 240, then the next 160


def drawn(corpus: dict, model: Path, batch: int) -> list:  # type: ignore[type-arg]
    """Batch 1 or 2 of the smallest margins, each in its own fixed random order."""
    start = sum(BATCHES[: batch - 1])
    rows = candidates(corpus, model)[start : start + BATCHES[batch - 1]]
    random.Random(SEED + batch - 1).shuffle(rows)
    return rows


def _print(i: int, pair: tuple[str, str]) -> None:
    title, body = pair
    body = _SPACE.sub("", body)
    print(f"[{i}] {title} ‖ {body if len(body) <= 330 else body[:250] + ' … ' + body[-80:]}")


def blind_rows() -> list:  # type: ignore[type-arg]
    """First-round random rows in a fixed random order, for the agreement check."""
    rows = [r for r in read_label_file(TRAIN_LABELS) if r.sample == "random"]
    random.Random(BLIND_SEED).shuffle(rows)
    return rows


def agree(path: Path) -> None:
    """Agreement and Cohen's kappa of a blind labelling against the stored labels."""
    stored = {(r.file, r.message_id): r.kind for r in read_label_file(TRAIN_LABELS)}
    with path.open(encoding="utf-8") as f:
        pairs = [(stored[(r["file"], r["message_id"])], r["kind"]) for r in csv.DictReader(f)]
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    pe = sum((sum(a == k for a, _ in pairs) / n) * (sum(b == k for _, b in pairs) / n) for k in KINDS)
    print(f"{n} messages, agreement {po:.3f}, kappa {(po - pe) / (1 - pe):.3f}")
    for (a, b), row in zip(pairs, csv.DictReader(path.open(encoding="utf-8")), strict=True):
        if a != b:
            print(f"  {row['file']} {row['message_id']}: stored {a}, blind {b}")


def main() -> None:
    """Draw, show, blind or agree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("draw", "show", "blind", "agree"))
    parser.add_argument("--model", type=Path, help="the third round's appeal_model.npz")
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--batch", type=int, choices=(1, 2), default=1)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--stop", type=int, default=40)
    parser.add_argument("--labels", type=Path)
    args = parser.parse_args()
    if args.command == "agree":
        agree(args.labels)
        return
    corpus = load_corpus(args.data_dir)
    if args.command == "blind":
        for i, r in enumerate(blind_rows()[args.start : args.stop], start=args.start):
            print(f"# {r.file},{r.message_id}")
            _print(i, corpus[(r.file, r.message_id)])
        return
    batch = drawn(corpus, args.model, args.batch)
    if args.command == "draw":
        for i, c in enumerate(batch):
            print(f"{i},{c[1][0]},{c[1][1]}")
        return
    for i, c in enumerate(batch[args.start : args.stop], start=args.start):
        _print(i, corpus[c[1]])


if __name__ == "__main__":
    main()
