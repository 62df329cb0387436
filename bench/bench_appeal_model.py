"""Benchmark the trained kind-of-appeal model against the cue rules, as they run at intake.

Labels: bench/data/appeal_train_labels.csv (``split`` train/test, ids only; rows drawn by
keyword, ``sample=keyword``, are trained on but scored apart) and the separate
evaluation set bench/data/appeal_eval.csv (never trained on).  Texts come from the shared
TipDM 2020 files.  The model is trained on the ``train`` split (plus, with ``--weak-weight``,
weak labels from the rules on unlabelled messages, evaluation and test texts left out),
then scored on the ``test`` split and on appeal_eval.csv: accuracy (an undetermined answer
counts as wrong), macro-F1 over the six kinds, per-kind F1, the confusion matrix
(undetermined as its own column), the share undetermined, accuracy on the decided ones, and
CPU time per message.

    .venv/bin/python bench/bench_appeal_model.py [--data-dir DIR] [--weak-weight W] [--save FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from minyi.pipeline.appeal import KINDS, AppealClassifier
from minyi.pipeline.appeal_data import find_message_file, read_label_file, read_messages
from minyi.pipeline.appeal_model import UNDETERMINED, TrainedAppealClassifier
from minyi.pipeline.appeal_training import TrainSettings, train_appeal_model
from minyi.pipeline.normalize import TextNormalizer

REPO = Path(__file__).resolve().parents[1]
TRAIN_LABELS = REPO / "bench" / "data" / "appeal_train_labels.csv"
EVAL = REPO / "bench" / "data" / "appeal_eval.csv"
SUPPLEMENT = REPO / "bench" / "data" / "appeal_eval_supplement.csv"
FILES = ("附件2测试", "附件3", "附件4")
COLUMNS = (*KINDS, UNDETERMINED)

Pair = tuple[str, str]


def load_corpus(data_dir: Path) -> dict[tuple[str, str], Pair]:
    """(file, id) → normalised (title, body), as the pipeline hands them to the appeal stage."""
    normalizer = TextNormalizer().fit()
    corpus: dict[tuple[str, str], Pair] = {}
    for name in FILES:
        for mid, (title, body) in read_messages(find_message_file(data_dir, name)).items():
            corpus[(name, mid)] = (normalizer.transform_one(title).text, normalizer.transform_one(body).text)
    return corpus


def _key(pair: Pair) -> str:
    return "".join((pair[0] + pair[1]).split())


def scores(gold: list[str], pred: list[str]) -> dict[str, object]:
    """Accuracy (undetermined = wrong), macro-F1 over the six kinds, per-kind F1, confusion."""
    confusion = {g: dict.fromkeys(COLUMNS, 0) for g in KINDS}
    for g, p in zip(gold, pred, strict=True):
        confusion[g][p] += 1
    per_kind: dict[str, dict[str, float]] = {}
    for k in KINDS:
        tp = confusion[k][k]
        n_pred = sum(confusion[g][k] for g in KINDS)
        n_gold = sum(confusion[k].values())
        if n_gold == 0 and n_pred == 0:
            continue
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        per_kind[k] = {"gold": n_gold, "pred": n_pred, "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}
    decided = [(g, p) for g, p in zip(gold, pred, strict=True) if p != UNDETERMINED]
    return {
        "n": len(gold),
        "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold), 4),
        "macro_f1": round(sum(v["f1"] for v in per_kind.values()) / len(per_kind), 4),
        "undetermined": round(1 - len(decided) / len(gold), 4),
        "accuracy_decided": round(sum(g == p for g, p in decided) / len(decided), 4) if decided else None,
        "per_kind": per_kind,
        "confusion": confusion,
    }


def print_scores(name: str, result: dict[str, object]) -> None:
    """One block of the report."""
    print(
        f"\n== {name}: n={result['n']} accuracy={result['accuracy']} macro-F1={result['macro_f1']}"
        f" undetermined={result['undetermined']} accuracy(decided)={result['accuracy_decided']}"
    )
    print("   F1 " + "  ".join(f"{k}={v['f1']:.2f}" for k, v in result["per_kind"].items()))  # type: ignore[attr-defined]
    print("   confusion (rows gold, columns predicted): " + " ".join(c[:5] for c in COLUMNS))
    for kind in KINDS:
        row = result["confusion"][kind]  # type: ignore[index]
        print(f"     {kind:<11}" + " ".join(f"{row[c]:>5}" for c in COLUMNS))


def threshold_table(clf: TrainedAppealClassifier, rows: list, corpus: dict) -> list[dict[str, float]]:  # type: ignore[type-arg]
    """Share undetermined, accuracy (undetermined = wrong) and on the decided, per threshold."""
    proba = clf.proba([corpus[(r.file, r.message_id)] for r in rows])
    right = [KINDS[int(p.argmax())] == r.kind for p, r in zip(proba, rows, strict=True)]
    table = []
    print("\n   threshold  undetermined  accuracy  accuracy(decided)   (test split)")
    for threshold in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7):
        decided = [ok for p, ok in zip(proba, right, strict=True) if p.max() >= threshold]
        row = {
            "threshold": threshold,
            "undetermined": round(1 - len(decided) / len(rows), 4),
            "accuracy": round(sum(decided) / len(rows), 4),
            "accuracy_decided": round(sum(decided) / len(decided), 4) if decided else 0.0,
        }
        table.append(row)
        print(
            f"   {threshold:>9.1f}  {row['undetermined']:>12.3f}  {row['accuracy']:>8.3f}  {row['accuracy_decided']:>17.3f}"
        )
    return table


def cpu_per_message(clf: AppealClassifier, pairs: list[Pair]) -> float:
    """Process CPU milliseconds per message, one message at a time (as intake calls it)."""
    clf.predict_results(pairs[:5])  # warm: the segmenter's dictionary loads once
    start = time.process_time()
    for pair in pairs:
        clf.predict_results([pair])
    return 1000 * (time.process_time() - start) / len(pairs)


def main() -> None:
    """Train, score, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--weak-weight", type=float, default=0.0)
    parser.add_argument("--c", type=float, default=TrainSettings.c)
    parser.add_argument("--threshold", type=float, default=TrainSettings.threshold)
    parser.add_argument("--save", type=Path, help="also write the trained model here")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    corpus = load_corpus(args.data_dir)
    rows = read_label_file(TRAIN_LABELS)
    evaluation = read_label_file(EVAL)
    held = [r for r in rows if r.split == "test"] + evaluation + read_label_file(SUPPLEMENT)
    held_texts = {_key(corpus[(r.file, r.message_id)]) for r in held}
    train = [r for r in rows if r.split == "train" and _key(corpus[(r.file, r.message_id)]) not in held_texts]
    labelled_keys = {(r.file, r.message_id) for r in rows}
    unlabelled = [p for k, p in corpus.items() if k not in labelled_keys and _key(p) not in held_texts]
    settings = TrainSettings(c=args.c, weak_weight=args.weak_weight, threshold=args.threshold)
    start = time.process_time()
    model, report = train_appeal_model(
        [corpus[(r.file, r.message_id)] for r in train], [r.kind for r in train], unlabelled, settings
    )
    fit_seconds = time.process_time() - start
    trained = TrainedAppealClassifier(model)
    rules = AppealClassifier(use_model=False, normalize=False)
    out: dict[str, object] = {
        "train_n": len(train),
        "weak_n": report["weak_labels"],
        "features": report["features"],
        "temperature": report["temperature"],
        "threshold": settings.threshold,
        "fit_cpu_seconds": round(fit_seconds, 1),
        "version": model.version,
    }
    print(out)
    sets = {
        "test split": [r for r in rows if r.split == "test" and r.sample == "random"],
        "appeal_eval.csv": evaluation,
    }
    for set_name, labelled in sets.items():
        pairs = [corpus[(r.file, r.message_id)] for r in labelled]
        gold = [r.kind for r in labelled]
        for clf_name, clf in (("rules", rules), ("model", trained)):
            result = scores(gold, [r.kind for r in clf.predict_results(pairs)])
            out[f"{set_name} / {clf_name}"] = result
            print_scores(f"{set_name} / {clf_name}", result)
    sample = list(corpus.values())[:500]
    out["cpu_ms_per_message"] = {"rules": round(cpu_per_message(rules, sample), 3)}
    out["cpu_ms_per_message"]["model"] = round(cpu_per_message(trained, sample), 3)  # type: ignore[index]
    out["thresholds"] = threshold_table(trained, sets["test split"], corpus)
    keyword = [r for r in rows if r.split == "test" and r.sample != "random"]
    if keyword:
        found = trained.predict_results([corpus[(r.file, r.message_id)] for r in keyword])
        right = sum(r.kind == f.kind for r, f in zip(keyword, found, strict=True))
        out["keyword_test_rows"] = {"n": len(keyword), "model_right": right}
        print(
            f"\nkeyword-selected test rows (not in the scores above): model right on {right}/{len(keyword)}"
        )
    print(f"\nCPU per message (one at a time, 500 messages): {out['cpu_ms_per_message']} ms")
    if args.save:
        model.save(args.save)
        print(f"saved {args.save} ({args.save.stat().st_size:,} bytes)")
    if args.json:
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
