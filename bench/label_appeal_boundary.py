"""Draw the third round's boundary sample for the kind of appeal, and print it for reading.

The rows marked ``sample=boundary`` in ``bench/data/appeal_train_labels.csv`` were drawn here
(bench/data/appeal_guidelines.md, "Third round"): unlabelled messages of 附件2（测试数据）and
附件4, one per title, none sharing a title or text with a labelled or evaluation message, whose
two most likely kinds under the second round's model are complaint and one of report, help or
suggestion, taken by smallest margin in four batches.  The draw depends on that model: pass
the second round's weights, e.g.
``git show 5d7af57:src/minyi/pipeline/data/appeal_model.npz > /tmp/appeal_round2.npz``.

    .venv/bin/python bench/label_appeal_boundary.py draw --model /tmp/appeal_round2.npz
    .venv/bin/python bench/label_appeal_boundary.py show --model /tmp/appeal_round2.npz --batch 1 --start 0 --stop 40

``draw`` prints ``batch,position,file,message_id``; ``show`` prints title and body (the first
250 and last 80 characters, whitespace removed) without the model's kinds.  Labels were typed
and stored as ids only; no text is written anywhere.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from bench_appeal_model import EVAL, SUPPLEMENT, TRAIN_LABELS, load_corpus
from minyi.pipeline.appeal import KINDS
from minyi.pipeline.appeal_data import read_label_file
from minyi.pipeline.appeal_model import AppealModel, TrainedAppealClassifier

REPO = Path(__file__).resolve().parents[1]
SEEDS = (20261206, 20261209, 20261210, 20261211)
_SPACE = re.compile(r"\s+")


def _key(pair: tuple[str, str]) -> str:
    return _SPACE.sub("", pair[0] + pair[1])


def candidates(corpus: dict, model: Path) -> list[tuple[float, tuple[str, str], str, str]]:  # type: ignore[type-arg]
    """(margin, key, first kind, second kind) of the pool, complaint against report/help/suggestion."""
    labelled = [r for path in (TRAIN_LABELS, EVAL, SUPPLEMENT) for r in read_label_file(path)]
    labelled = [r for r in labelled if not r.sample.startswith("boundary")]  # any round's boundary rows
    taken = {(r.file, r.message_id) for r in labelled}
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
    proba = TrainedAppealClassifier(AppealModel.load(model)).proba([corpus[k] for k in pool])
    complaint = KINDS.index("complaint")
    out = []
    for k, p in zip(pool, proba, strict=True):
        first, second = (int(i) for i in (-p).argsort()[:2])
        other = second if first == complaint else first
        if complaint in (first, second) and KINDS[other] in {"report", "help", "suggestion"}:
            out.append((float(p[first] - p[second]), k, KINDS[first], KINDS[second]))
    return sorted(out)


def batches(cand: list) -> list[list]:  # type: ignore[type-arg]
    """The four batches of the guidelines, each in its own fixed random order."""

    def with_kind(rows: list, kind: str, n: int) -> list:  # type: ignore[type-arg]
        return [c for c in rows if kind in (c[2], c[3])][:n]

    first = cand[:300]
    rest = cand[300:]
    second = with_kind(rest, "help", 110) + with_kind(rest, "report", 90)
    used = {c[1] for c in first + second}
    third = [c for c in rest if c[1] not in used][:200]
    used |= {c[1] for c in third}
    left = [c for c in cand if c[1] not in used]
    fourth = with_kind(left, "help", 100) + with_kind(left, "report", 100)
    out = [first, second, third, fourth]
    for seed, batch in zip(SEEDS, out, strict=True):
        random.Random(seed).shuffle(batch)
    return out


def main() -> None:
    """Draw or show."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("draw", "show"))
    parser.add_argument("--model", type=Path, required=True, help="the second round's appeal_model.npz")
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--stop", type=int, default=40)
    args = parser.parse_args()
    corpus = load_corpus(args.data_dir)
    drawn = batches(candidates(corpus, args.model))
    if args.command == "draw":
        for b, batch in enumerate(drawn, start=1):
            for i, c in enumerate(batch):
                print(f"{b},{i},{c[1][0]},{c[1][1]}")
        return
    for i, c in enumerate(drawn[args.batch - 1][args.start : args.stop], start=args.start):
        title, body = corpus[c[1]]
        body = _SPACE.sub("", body)
        print(f"[{i}] {title} ‖ {body if len(body) <= 330 else body[:250] + ' … ' + body[-80:]}")


if __name__ == "__main__":
    main()
