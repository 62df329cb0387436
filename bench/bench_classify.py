"""Benchmark the category classifier on the TipDM 2020 智慧政务 data (7 first-level classes).

Run: .venv/bin/python bench/bench_classify.py [--data-dir DIR] [--folds 5] [--quick] [--json]
     .venv/bin/python bench/bench_classify.py --routing [--target 0.99] [--json]

``--routing`` measures routing at a chosen precision on a held-out split: 20 % of the
near-duplicate groups that hold a raw row (seed 20261206, fixed before any tuning; one raw
row per group) are set aside, ``minyi.pipeline.training.train`` picks the threshold on the
rest by cross-validation (``--target-precision``), and the held-out messages are scored
with ``minyi.pipeline.training.evaluate``: macro-F1, coverage at 0.97/0.98/0.99 precision
(the best possible on the split) and the stored threshold's coverage and precision.

The honest test is on RAW messages the model has not seen in any form:

1. Rows: 8,266 token-only rows (attachment2_full_segmented), 1,812 raw rows
   (attachment2_raw_subset/dev.csv) and 435 raw rows (sample/附件2.xlsx).  Nearly every raw
   row is also one of the token rows, and the token rows hold near-copies of each other.
2. Dedup: every row is put in the form of the token rows (rjieba + the shared stop-word
   list, read at run time, never copied into the repo) and rows whose token sets have
   Jaccard similarity >= 0.5 are joined into one group (connected components).
3. Folds: the groups that hold a raw row are split into k folds.  A fold's test set is one
   raw row per group (the raw text, as the evaluators will have it); its training set is
   every row, raw or token-only, of every group outside the fold.  So no test message, nor
   a near-copy of it, is ever seen in training in any form.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import accuracy_score, f1_score
from threadpoolctl import threadpool_limits

from minyi.pipeline.classify import CategoryClassifier, KeywordRouter
from minyi.pipeline.training import cross_validate, evaluate, load_labelled
from minyi.pipeline.training import train as train_model

REPO = Path(__file__).resolve().parent.parent
CHOSEN = (
    "chosen: word1-2 + charwb1-3 + head charwb1-2 (x0.7), NB-SVM (balanced, one per class), "
    "calibrated on 3 folds"
)
PLAIN = "plain LinearSVC instead of NB-SVM (the recipe before)"
RECIPES: dict[str, dict[str, object]] = {
    CHOSEN: {},
    PLAIN: {"nb_weighting": False},
    "no char_wb block (faster)": {"char_ngrams": None},
    "ensemble of 3 fold SVMs": {"ensemble": True},
    "class_weight=None": {"class_weight": None},
    "chosen, C=0.25": {"C": 0.25},
    "chosen, C=1.0": {"C": 1.0},
}
QUICK = [CHOSEN, PLAIN]


def load_rows(data_dir: Path) -> list[dict[str, object]]:
    """All labelled rows: kind, text for the classifier, title (if known), label."""
    rows: list[dict[str, object]] = []
    with (data_dir / "attachment2_full_segmented/segmented_without_holdout.csv").open(
        encoding="utf-8-sig"
    ) as f:
        reader = csv.reader(f)
        next(reader)
        rows += [{"kind": "tokens", "text": toks, "title": "", "label": lab} for toks, lab in reader]
    texts, labels = load_labelled(data_dir / "attachment2_raw_subset/dev.csv")
    rows += [
        {"kind": "dev", "text": t, "title": "", "label": lab} for t, lab in zip(texts, labels, strict=True)
    ]
    texts, labels = load_labelled(data_dir / "sample/附件2.xlsx", title_col="留言主题")
    for text, label in zip(texts, labels, strict=True):
        title, _, body = text.partition("\n")
        rows.append({"kind": "sample", "text": title + "".join(body.split()), "title": title, "label": label})
    return rows


def group_rows(rows: list[dict[str, object]], data_dir: Path) -> int:
    """Join near-duplicate rows (token-set Jaccard >= 0.5) into groups; return the group count."""
    import rjieba

    stop_path = data_dir / "attachment2_full_segmented/stop_words.txt"
    stops = {w.strip() for w in stop_path.read_text("utf-8-sig").splitlines()}
    docs = [
        str(r["text"])
        if r["kind"] == "tokens"
        else " ".join(w for w in rjieba.cut(str(r["text"])) if w.strip() and w not in stops)
        for r in rows
    ]
    vec = CountVectorizer(tokenizer=str.split, lowercase=False, binary=True, token_pattern=None)
    x = vec.fit_transform(docs).astype(np.float32).tocsr()
    inter = (x @ x.T).tocoo()
    size = np.asarray(x.sum(axis=1)).ravel()
    jaccard = inter.data / np.maximum(size[inter.row] + size[inter.col] - inter.data, 1)
    keep = jaccard >= 0.5
    graph = sp.coo_matrix((np.ones(keep.sum()), (inter.row[keep], inter.col[keep])), shape=(len(rows),) * 2)
    count, groups = connected_components(graph, directed=False)
    for row, group in zip(rows, groups, strict=True):
        row["group"] = int(group)
    return int(count)


def make_folds(rows: list[dict[str, object]], k: int, seed: int = 0) -> list[tuple[list[int], list[int]]]:
    """(train indexes, raw test indexes) per fold; see the module docstring."""
    raw_groups = sorted({int(r["group"]) for r in rows if r["kind"] != "tokens"})  # type: ignore[call-overload]
    random.Random(seed).shuffle(raw_groups)
    folds = []
    for i in range(k):
        test_groups = set(raw_groups[i::k])
        seen: set[int] = set()
        test, train = [], []
        for j, r in enumerate(rows):
            g = int(r["group"])  # type: ignore[call-overload]
            if g not in test_groups:
                train.append(j)
            elif r["kind"] != "tokens" and g not in seen:
                seen.add(g)
                test.append(j)
        folds.append((train, test))
    return folds


def run_recipe(rows, folds, settings):
    truth, predicted, seconds, cpu_seconds = [], [], [], []
    for train, test in folds:
        start, cpu = time.perf_counter(), time.process_time()
        model = CategoryClassifier(**settings).fit(
            [rows[i]["text"] for i in train], [rows[i]["label"] for i in train]
        )
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu)
        predicted += model.predict([rows[i]["text"] for i in test])
        truth += [rows[i]["label"] for i in test]
    per_fold = len(truth) // len(folds)
    return {
        "macro_f1": f1_score(truth, predicted, average="macro"),
        "accuracy": accuracy_score(truth, predicted),
        "train_seconds_per_fold": float(np.mean(seconds)),
        "train_cpu_seconds_per_fold": float(np.mean(cpu_seconds)),
        "n_test": len(truth),
        "n_test_per_fold": per_fold,
    }


def keyword_tree(data_dir: Path, only: set[str] | None) -> dict[str, list[str]]:
    import openpyxl

    book = openpyxl.load_workbook(data_dir / "official/附件1.xlsx", read_only=True)
    tree: dict[str, list[str]] = {}
    for values in list(book.worksheets[0].iter_rows(values_only=True))[1:]:
        top, *below = [str(v).strip() if v else "" for v in values[:3]]
        if top and (only is None or top in only):
            tree.setdefault(top, []).extend(b for b in below if b)
    return tree


def keyword_scores(rows, data_dir):
    raw, seen = [], set()
    for r in rows:
        if r["kind"] != "tokens" and r["group"] not in seen:
            seen.add(r["group"])
            raw.append(r)
    truth = [r["label"] for r in raw]
    out = {}
    for name, only in (("7 classes", set(truth)), ("15 classes", None)):
        router = KeywordRouter(keyword_tree(data_dir, only)).fit()
        predicted = [
            p or "(none)" for p in router.predict([r["text"] for r in raw], [r["title"] for r in raw])
        ]
        labels = sorted(set(truth))
        out[name] = {
            "macro_f1": f1_score(truth, predicted, labels=labels, average="macro", zero_division=0),
            "accuracy": accuracy_score(truth, predicted),
            "no_match": sum(p == "(none)" for p in predicted) / len(predicted),
            "n": len(raw),
        }
    return out


def final_model(rows):
    """Train on every row (wall and CPU seconds); prediction rate per CPU-second on one thread."""
    texts, labels = [r["text"] for r in rows], [r["label"] for r in rows]
    start, cpu = time.perf_counter(), time.process_time()
    model = CategoryClassifier().fit(texts, labels)
    fit_seconds, fit_cpu = time.perf_counter() - start, time.process_time() - cpu
    raw = [str(r["text"]) for r in rows if r["kind"] != "tokens"][:1000]
    model.predict(raw[:20])  # warm up (dictionary load)
    with threadpool_limits(1):
        cpu = time.process_time()
        model.predict(raw)
        rate = len(raw) / (time.process_time() - cpu)
    return {
        "train_seconds_all_data": fit_seconds,
        "train_cpu_seconds_all_data": fit_cpu,
        "n_train": len(texts),
        "messages_per_cpu_second_one_thread": rate,
    }


def dev_cross_validation(data_dir: Path, folds: int):
    """``minyi model cross-validate`` on the raw dev.csv alone (exact copies grouped)."""
    texts, labels = load_labelled(data_dir / "attachment2_raw_subset/dev.csv")
    return cross_validate(texts, labels, folds=folds).to_dict()


ROUTING_SEED = 20261206


def routing_split(rows, share=0.2, seed=ROUTING_SEED):
    """(train, held-out) indexes: held-out is one raw row of each of ``share`` of the raw groups."""
    raw_groups = sorted({int(r["group"]) for r in rows if r["kind"] != "tokens"})
    random.Random(seed).shuffle(raw_groups)
    held = set(raw_groups[: round(len(raw_groups) * share)])
    seen: set[int] = set()
    train, test = [], []
    for j, r in enumerate(rows):
        g = int(r["group"])
        if g not in held:
            train.append(j)
        elif r["kind"] != "tokens" and g not in seen:
            seen.add(g)
            test.append(j)
    return train, test


def routing_bench(rows, target, folds=5, settings=None):
    """Train with a routing threshold on the training split; score it on the held-out split."""
    train_idx, test_idx = routing_split(rows)
    texts, labels = [rows[i]["text"] for i in train_idx], [rows[i]["label"] for i in train_idx]
    start, cpu = time.perf_counter(), time.process_time()
    model = train_model(texts, labels, target_precision=target, routing_folds=folds, **(settings or {}))
    fit_seconds, fit_cpu = time.perf_counter() - start, time.process_time() - cpu
    held_texts = [rows[i]["text"] for i in test_idx]
    model.predict(held_texts[:20])  # warm up
    with threadpool_limits(1):
        cpu = time.process_time()
        report = evaluate(model, held_texts, [rows[i]["label"] for i in test_idx])
        cpu_ms = 1000 * (time.process_time() - cpu) / len(test_idx)
    return {
        "n_train": len(train_idx),
        "n_held_out": len(test_idx),
        "macro_f1": report.macro_f1,
        "accuracy": report.accuracy,
        "coverage_at_precision": report.coverage_at_precision,
        "routing_held_out": report.routing,
        "routing_cross_validated": model.routing_,
        "train_seconds_with_threshold": fit_seconds,
        "train_cpu_seconds_with_threshold": fit_cpu,
        "cpu_ms_per_message_one_thread": cpu_ms,
    }


def print_routing(res):
    cv, held = res["routing_cross_validated"], res["routing_held_out"]
    cov = res["coverage_at_precision"]
    print(f"train {res['n_train']} rows, held-out {res['n_held_out']} raw messages")
    print(f"held-out macro-F1 {res['macro_f1']:.4f}, accuracy {res['accuracy']:.4f}")
    print("held-out best coverage: " + ", ".join(f"{v:.1%} at {k}" for k, v in cov.items()))
    if cv["threshold"] is None:
        print("no threshold reached the target in cross-validation: nothing routed")
    else:
        print(
            f"threshold {cv['threshold']:.4f} chosen by {cv['folds']}-fold CV for {cv['target_precision']} "
            f"(CV: {cv['cv_coverage']:.1%} at {cv['cv_precision']:.2%}); on the held-out split "
            f"{held['coverage']:.1%} routed at precision {held['precision']:.2%}"
        )
        print(
            f"expected by nested CV of the rule: {cv['expected_coverage']:.1%} routed "
            f"at precision {cv['expected_precision']:.2%}"
        )
    print(
        f"training with the threshold {res['train_seconds_with_threshold']:.0f} s "
        f"({res['train_cpu_seconds_with_threshold']:.0f} s CPU); "
        f"{res['cpu_ms_per_message_one_thread']:.2f} ms CPU per message (one thread)"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0, help="shuffle of the groups into folds")
    parser.add_argument("--quick", action="store_true", help="only the chosen recipe and one baseline")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument(
        "--routing", action="store_true", help="routing at a chosen precision, held-out split"
    )
    parser.add_argument("--target", type=float, default=0.99, help="target precision of --routing")
    args = parser.parse_args(argv)
    rows = load_rows(args.data_dir)
    n_groups = group_rows(rows, args.data_dir)
    if args.routing:
        res = routing_bench(rows, args.target, args.folds)
        print_routing(res)
        if args.json:
            print(json.dumps(res, ensure_ascii=False))
        return 0
    folds = make_folds(rows, args.folds, args.seed)
    kinds = {k: sum(r["kind"] == k for r in rows) for k in ("tokens", "dev", "sample")}
    print(
        f"rows {kinds}, near-duplicate groups {n_groups}, raw test messages {sum(len(t) for _, t in folds)}"
    )
    print(f"\n{'recipe':<96} {'macro-F1':>8} {'acc':>7} {'train s/fold':>12} {'CPU s':>6}")
    results = {}
    for name, settings in RECIPES.items():
        if args.quick and name not in QUICK:
            continue
        res = run_recipe(rows, folds, settings)
        results[name] = res
        print(
            f"{name:<96} {res['macro_f1']:8.4f} {res['accuracy']:7.4f} {res['train_seconds_per_fold']:12.1f} {res['train_cpu_seconds_per_fold']:6.1f}",
            flush=True,
        )
    keywords = keyword_scores(rows, args.data_dir)
    for name, res in keywords.items():
        print(
            f"KeywordRouter cold start, 附件1 tree {name}: macro-F1 {res['macro_f1']:.4f}, accuracy {res['accuracy']:.4f}, no match {res['no_match']:.1%}"
        )
    dev_cv = dev_cross_validation(args.data_dir, args.folds)
    print(
        f"dev.csv alone, {args.folds}-fold cross-validation (exact copies grouped): macro-F1 "
        f"{dev_cv['macro_f1_mean']:.4f} ± {dev_cv['macro_f1_sd']:.4f}, accuracy {dev_cv['accuracy_mean']:.4f}"
    )
    final = final_model(rows)
    print(
        f"final model: {final['n_train']} rows in {final['train_seconds_all_data']:.1f} s "
        f"({final['train_cpu_seconds_all_data']:.1f} s CPU); prediction "
        f"{final['messages_per_cpu_second_one_thread']:.0f} messages per CPU-second on one thread"
    )
    if args.json:
        print(
            json.dumps(
                {
                    "groups": n_groups,
                    "rows": kinds,
                    "recipes": results,
                    "keyword_router": keywords,
                    "dev_cross_validation": dev_cv,
                    "final": final,
                },
                ensure_ascii=False,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
