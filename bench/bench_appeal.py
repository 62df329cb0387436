"""Benchmark the kind-of-appeal stage (minyi.pipeline.appeal) on the hand-labelled set.

The labelled set (bench/data/appeal_eval.csv) holds only ids and kinds; the texts are
read from the shared TipDM 2020 files (official/附件3.xlsx and 附件4.xlsx) and never
copied into the repository.  Reported for (a) the rules alone and (b) the rules plus
the weak-supervised model trained on every other 附件3+附件4 message (eval messages
and exact duplicates of them left out): accuracy, macro-F1, per-kind precision and
recall, the confusion matrix, and throughput.

    .venv/bin/python bench/bench_appeal.py [--data-dir DIR] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import time
from pathlib import Path

import openpyxl

from minyi.pipeline.appeal import KINDS, AppealClassifier

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO / "bench" / "data" / "appeal_eval.csv"
SUPPLEMENT = REPO / "bench" / "data" / "appeal_eval_supplement.csv"
FILES = ("附件3", "附件4")


def read_messages(data_dir: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(file, 留言编号) → (留言主题, 留言详情) for both files."""
    messages: dict[tuple[str, str], tuple[str, str]] = {}
    for name in FILES:
        book = openpyxl.load_workbook(data_dir / "official" / f"{name}.xlsx", read_only=True)
        rows = book.active.iter_rows(values_only=True)
        header = [str(h).strip() for h in next(rows)]
        i_id, i_title, i_body = (header.index(c) for c in ("留言编号", "留言主题", "留言详情"))
        for row in rows:
            key = (name, str(row[i_id]).strip())
            messages[key] = (str(row[i_title] or "").strip(), str(row[i_body] or "").strip())
        book.close()
    return messages


def read_labels(path: Path) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8") as f:
        return [(r["file"], r["message_id"], r["kind"]) for r in csv.DictReader(f)]


def scores(gold: list[str], pred: list[str]) -> dict[str, object]:
    """Accuracy, macro-F1 over the kinds present in gold or predictions, per-kind P/R, confusion."""
    confusion = {g: dict.fromkeys(KINDS, 0) for g in KINDS}
    for g, p in zip(gold, pred, strict=True):
        confusion[g][p] += 1
    per_kind: dict[str, dict[str, float | int]] = {}
    f1s = []
    for k in KINDS:
        tp = confusion[k][k]
        n_pred = sum(confusion[g][k] for g in KINDS)
        n_gold = sum(confusion[k].values())
        if n_pred == 0 and n_gold == 0:
            continue
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1s.append(f1)
        per_kind[k] = {
            "gold": n_gold,
            "predicted": n_pred,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
        }
    accuracy = sum(confusion[k][k] for k in KINDS) / len(gold)
    return {
        "n": len(gold),
        "accuracy": round(accuracy, 4),
        "macro_f1": round(sum(f1s) / len(f1s), 4),
        "per_kind": per_kind,
        "confusion": confusion,
    }


def throughput(clf: AppealClassifier, pairs: list[tuple[str, str]], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        clf.predict_results(pairs)
        best = min(best, time.perf_counter() - start)
    return len(pairs) / best


def print_report(name: str, result: dict[str, object]) -> None:
    print(f"\n== {name}: n={result['n']} accuracy={result['accuracy']} macro-F1={result['macro_f1']}")
    print(f"{'kind':<11}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}")
    for kind, row in result["per_kind"].items():  # type: ignore[attr-defined]
        print(
            f"{kind:<11}{row['gold']:>6}{row['predicted']:>6}"
            f"{row['precision']:>8.3f}{row['recall']:>8.3f}{row['f1']:>8.3f}"
        )
    print("confusion (rows gold, columns predicted): " + " ".join(k[:4] for k in KINDS))
    for kind in KINDS:
        row = result["confusion"][kind]  # type: ignore[index]
        print(f"  {kind:<11}" + " ".join(f"{row[k]:>4}" for k in KINDS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--repeat", type=int, default=3, help="throughput runs (best is kept)")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args()

    messages = read_messages(args.data_dir)
    labelled = read_labels(EVAL)
    supplement = read_labels(SUPPLEMENT) if SUPPLEMENT.exists() else []
    held_out = {(f, i) for f, i, _ in labelled + supplement}
    held_texts = {"".join((messages[k][0] + messages[k][1]).split()) for k in held_out}
    train = [
        v
        for k, v in messages.items()
        if k not in held_out and "".join((v[0] + v[1]).split()) not in held_texts
    ]
    pairs = [messages[(f, i)] for f, i, _ in labelled]
    gold = [k for _, _, k in labelled]

    rules = AppealClassifier(use_model=False)
    start = time.perf_counter()
    model = AppealClassifier().fit(train)
    fit_seconds = time.perf_counter() - start

    report: dict[str, object] = {
        "python": platform.python_version(),
        "eval_n": len(labelled),
        "gold_distribution": {k: gold.count(k) for k in KINDS},
        "train_n": len(train),
        "weak_labels_used": model.n_train_,
        "fit_seconds": round(fit_seconds, 2),
        "model_version": model.version_,
    }
    for name, clf in (("rules", rules), ("rules+weak_model", model)):
        result = scores(gold, clf.predict(pairs))
        if supplement:
            sup_pairs = [messages[(f, i)] for f, i, _ in supplement]
            result["supplement"] = scores([k for _, _, k in supplement], clf.predict(sup_pairs))
        corpus = list(messages.values())
        result["messages_per_second"] = round(throughput(clf, corpus, args.repeat))
        report[name] = result
        print_report(name, result)
        if supplement:
            sup = result["supplement"]
            print(f"   praise supplement: n={sup['n']} accuracy={sup['accuracy']}")  # type: ignore[index]
        print(f"   throughput: {result['messages_per_second']:,} messages/s over {len(corpus):,} messages")
    print(f"\ntrain texts {len(train):,}, weak labels used {model.n_train_:,}, fit {fit_seconds:.1f} s")
    if args.json:
        print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
