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

Then the model as shipped (``minyi model train-appeal --all-splits``) is trained on every
labelled row and scored by its own cross-validation (the out-of-fold predictions it is
calibrated on: no message judged by a model that saw it), also on the rows of the first two
rounds alone (``sample`` not ``boundary``: the third round's rows were chosen where the model
hesitates, so they are harder than a random sample), and appeal_eval.csv is run through
the whole intake pipeline (:class:`~minyi.pipeline.runner.TextPipeline` on the raw title and
body: normalisation, masking, the appeal stage) with that model and with the packaged one.
``--save`` writes the model trained on every row.

    .venv/bin/python bench/bench_appeal_model.py [--data-dir DIR] [--model lr|nbsvm] [--weak-weight W]
        [--boundary-weight W] [--unsure-weight W] [--save FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from minyi.pipeline.appeal import KINDS, AppealClassifier
from minyi.pipeline.appeal_data import find_message_file, read_label_file, read_messages
from minyi.pipeline.appeal_model import (
    UNDETERMINED,
    AppealModel,
    TrainedAppealClassifier,
    default_appeal_classifier,
)
from minyi.pipeline.appeal_training import TrainSettings, label_weights, train_appeal_model
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


def load_raw(data_dir: Path) -> dict[tuple[str, str], Pair]:
    """(file, id) → raw (title, body), as a citizen sends them to intake."""
    return {
        (name, mid): pair
        for name in FILES
        for mid, pair in read_messages(find_message_file(data_dir, name)).items()
    }


def intake_kinds(clf: AppealClassifier, raw: list[Pair]) -> list[str]:
    """The kind the whole intake pipeline stores for each raw message."""
    from datetime import UTC, datetime

    from minyi.pipeline.runner import PipelineInput, TextPipeline

    pipeline = TextPipeline(appeal=clf)
    when = datetime(2020, 1, 1, tzinfo=UTC)
    items = [PipelineInput(str(i), t, b, None, when) for i, (t, b) in enumerate(raw)]
    return [a.appeal_kind for a in pipeline.analyse_many(items, index=False)]


def oof_scores(model: AppealModel, oof: object, gold: list[str]) -> dict[str, object]:
    """Cross-validated scores of the shipped set-up, from its calibration's out-of-fold logits."""
    import numpy as np

    z = np.asarray(oof) / model.temperature
    z = np.exp(z - z.max(axis=1, keepdims=True))
    proba = z / z.sum(axis=1, keepdims=True)
    best = [KINDS[int(i)] for i in proba.argmax(axis=1)]
    shipped = [
        k if p >= model.threshold else UNDETERMINED for k, p in zip(best, proba.max(axis=1), strict=True)
    ]
    out: dict[str, object] = {"at threshold": scores(gold, shipped), "never abstain": scores(gold, best)}
    table = []
    for threshold in (0.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6):
        decided = [k == g for k, g, p in zip(best, gold, proba.max(axis=1), strict=True) if p >= threshold]
        table.append(
            {
                "threshold": threshold,
                "undetermined": round(1 - len(decided) / len(gold), 4),
                "accuracy": round(sum(decided) / len(gold), 4),
                "accuracy_decided": round(sum(decided) / len(decided), 4) if decided else 0.0,
            }
        )
    out["thresholds"] = table
    return out


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
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0
        per_kind[k] = {"gold": n_gold, "pred": n_pred, "f1": f1}
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


def _settings(args: argparse.Namespace, *, weak_weight: float) -> TrainSettings:
    return TrainSettings(
        model=args.model,
        c=args.c,
        weak_weight=weak_weight,
        threshold=args.threshold,
        boundary_weight=args.boundary_weight,
        unsure_weight=args.unsure_weight,
    )


def split_benchmark(args: argparse.Namespace, corpus: dict, rows: list, evaluation: list, held: list) -> dict:  # type: ignore[type-arg]
    """Train on the ``train`` split, score the ``test`` split and appeal_eval.csv (rules and model)."""
    held_texts = {_key(corpus[(r.file, r.message_id)]) for r in held}
    train = [r for r in rows if r.split == "train" and _key(corpus[(r.file, r.message_id)]) not in held_texts]
    labelled_keys = {(r.file, r.message_id) for r in rows}
    unlabelled = [p for k, p in corpus.items() if k not in labelled_keys and _key(p) not in held_texts]
    settings = _settings(args, weak_weight=args.weak_weight)
    start = time.process_time()
    model, report = train_appeal_model(
        [corpus[(r.file, r.message_id)] for r in train],
        [r.kind for r in train],
        unlabelled,
        settings,
        label_weights([r.sample for r in train], [r.confidence for r in train], settings),
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
    return out


def shipped_benchmark(
    args: argparse.Namespace,
    corpus: dict,  # type: ignore[type-arg]
    rows: list,  # type: ignore[type-arg]
    evaluation: list,  # type: ignore[type-arg]
    held: list,  # type: ignore[type-arg]
) -> dict:  # type: ignore[type-arg]
    """Train as shipped (every labelled row), cross-validate, run appeal_eval.csv through intake."""
    held_texts = {_key(corpus[(r.file, r.message_id)]) for r in held}
    train = [r for r in rows if _key(corpus[(r.file, r.message_id)]) not in held_texts]
    settings = _settings(args, weak_weight=0.0)
    start = time.process_time()
    model, report = train_appeal_model(
        [corpus[(r.file, r.message_id)] for r in train],
        [r.kind for r in train],
        (),
        settings,
        label_weights([r.sample for r in train], [r.confidence for r in train], settings),
    )
    out: dict[str, object] = {
        "train_n": len(train),
        "version": model.version,
        "temperature": model.temperature,
        "fit_cpu_seconds": round(time.process_time() - start, 1),
    }
    print(f"\n=== as shipped (every labelled row): {out}")
    oof = report["out_of_fold_logits"]
    cv = oof_scores(model, oof, [r.kind for r in train])
    out["cross-validation"] = cv
    print_scores("cross-validation, at the threshold", cv["at threshold"])  # type: ignore[arg-type]
    print_scores("cross-validation, never abstaining", cv["never abstain"])  # type: ignore[arg-type]
    print("   thresholds (cross-validation):", cv["thresholds"])
    first = [i for i, r in enumerate(train) if not r.sample.startswith("boundary")]
    if len(first) < len(train):  # the rows drawn before the boundary rows: comparable with earlier rounds
        cv_first = oof_scores(model, oof[first], [train[i].kind for i in first])
        out["cross-validation, rows of the first two rounds"] = cv_first
        print_scores("cross-validation on the rows of the first two rounds", cv_first["at threshold"])  # type: ignore[arg-type]
    raw = load_raw(args.data_dir)
    pairs = [raw[(r.file, r.message_id)] for r in evaluation]
    gold = [r.kind for r in evaluation]
    for name, clf in (
        ("packaged", default_appeal_classifier()),
        ("trained now", TrainedAppealClassifier(model)),
    ):
        result = scores(gold, intake_kinds(clf, pairs))
        out[f"appeal_eval.csv through intake / {name}"] = result
        print_scores(f"appeal_eval.csv through intake / {name} ({getattr(clf, 'version_', 'rules')})", result)
    if args.save:
        model.save(args.save)
        print(f"saved {args.save} ({args.save.stat().st_size:,} bytes)")
    return out


def main() -> None:
    """Train, score, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--weak-weight", type=float, default=0.0)
    parser.add_argument("--model", choices=("lr", "nbsvm"), default=TrainSettings.model)
    parser.add_argument("--c", type=float, default=TrainSettings.c)
    parser.add_argument("--threshold", type=float, default=TrainSettings.threshold)
    parser.add_argument("--boundary-weight", type=float, default=TrainSettings.boundary_weight)
    parser.add_argument("--unsure-weight", type=float, default=TrainSettings.unsure_weight)
    parser.add_argument("--save", type=Path, help="also write the model trained on every labelled row here")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    corpus = load_corpus(args.data_dir)
    rows = read_label_file(TRAIN_LABELS)
    evaluation = read_label_file(EVAL)
    held = evaluation + read_label_file(SUPPLEMENT)
    out = split_benchmark(args, corpus, rows, evaluation, [r for r in rows if r.split == "test"] + held)
    out["as shipped"] = shipped_benchmark(args, corpus, rows, evaluation, held)
    if args.json:
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
