"""Routing at 99 %: label noise, conflicting near-copies, a better single model (issue 15, third round).

Run: nice .venv/bin/python bench/bench_routing_noise.py [--only NAME ...] [--reps 10]
     nice .venv/bin/python bench/bench_routing_noise.py --proxy [NAME ...]   (cheap, see run_proxy)
     nice .venv/bin/python bench/bench_routing_noise.py --c-proxy 1.0
     nice .venv/bin/python bench/bench_routing_noise.py --pairs-only   (the confusable-pairs rule)

Run ``bench_routing_ensemble.py --only nbsvm`` first: the production baseline comes from its cache.

Same split and folds as ``bench_routing_ensemble.py`` (whose cache this reuses: the
production feature blocks fitted once on the training split, the production NB-SVM's
out-of-fold and held-out probabilities).  Every variant is judged on the training split
alone: out-of-fold probabilities of its 1,802 raw rows from the same 5 grouped outer
folds, scored as the best coverage at 0.97 / 0.98 / 0.99 and by the production rule
(one threshold on p₁ aimed at 99.25 %) under nested cross-validation.  The 422 held-out
messages are only reported (the variant refitted on the whole training split).

Cleaning the training rows is itself nested, so it never sees the rows it is scored on:
inside each outer fold the rows of the four training folds get probabilities from models
that saw neither their fold nor the outer one (:func:`inner_decisions`: one uncalibrated
NB-SVM per pair of folds; the 7 decision values turned into probabilities by a multinomial
logistic regression), the rows
those probabilities contradict are dropped or down-weighted, and the production model is
fitted on what is left.  For the held-out report the same is done on the whole training
split.  Detectors:

* ``cl``: confident learning (Northcutt et al. 2021): a row labelled ``i`` is flagged when
  its most probable class among those at or above their class's mean self-confidence is
  some ``j ≠ i``;
* ``strict``: the given label's probability is below 0.1 and another class's at least 0.8;
* ``conflict``: near-duplicate groups (Jaccard ≥ 0.5) carrying two labels: rows not of the
  group's majority label are flagged (ties: the whole group).

Single-model variants (production features): ``c1`` (C = 1.0), ``c035`` (C = 0.35); and
``--c-proxy C``, a cheap comparison of C (one uncalibrated NB-SVM per outer fold).  Character
4-grams need a block ``_ngrams`` does not have (its codes stop at 3 characters): not tried.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_classify import REPO
from bench_routing_ensemble import TARGETS, cached, oof_and_held, prepare
from bench_routing_thresholds import global_rule, nested
from minyi.pipeline._nbsvm import NBSVM
from minyi.pipeline.routing import coverage_at_precision


def production(c=0.5):
    return CalibratedClassifierCV(NBSVM(C=c, class_weight="balanced"), cv=3, ensemble=False)


def outer_folds(data):
    y, train, groups = data["labels"], data["train"], data["groups"]
    splitter = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0)  # the cache's folds
    return list(splitter.split(train, y[train], groups[train]))


def inner_decisions(data, x, only=None):
    """Uncalibrated NB-SVM decisions of every training row, from fits that never saw two folds.

    ``(j, k)`` for ``j < k`` fits on the outer folds other than ``j`` and ``k`` and
    predicts both: for outer fold ``k`` the rows of fold ``j`` get a decision from a model
    that saw neither them nor fold ``k`` (and the other way round).  10 fits instead of
    5 × 5 for an inner cross-validation in each outer fold; ``(j, j)`` (5 more fits: the
    other four folds) serve the held-out report.
    """
    y, train = data["labels"], data["train"]
    fold_of = np.empty(len(train), dtype=np.int64)
    for k, (_, pred_pos) in enumerate(outer_folds(data)):
        fold_of[pred_pos] = k
    out = {}
    for j in range(5):
        for k in range(j, 5):
            if only is not None and (j, k) not in only:
                continue

            def build(j=j, k=k):
                fit = train[(fold_of != j) & (fold_of != k)]
                pred = np.flatnonzero((fold_of == j) | (fold_of == k))
                return pred, NBSVM(C=0.5).fit(x[fit], y[fit]).decision_function(x[train[pred]])

            out[j, k] = cached(f"noise_pair_{j}{k}", build)
    return fold_of, out


def inner_proba(data, x, outer):
    """Probabilities of the training rows outside outer fold ``outer`` (``None``: of all rows),
    from models that saw neither the row's fold nor ``outer``; a multinomial logistic
    regression on the 7 decision values turns them into probabilities."""
    y, train = data["labels"], data["train"]
    fold_of, pairs = inner_decisions(data, x)
    rows = np.flatnonzero(fold_of != outer) if outer is not None else np.arange(len(train))
    decisions = np.zeros((len(train), len(np.unique(y))))
    for (j, k), (pred, values) in pairs.items():
        if outer is None and j == k:
            decisions[pred] = values
        elif outer is not None and outer in (j, k) and j != k:
            other = k if outer == j else j
            mine = fold_of[pred] == other
            decisions[pred[mine]] = values[mine]
    softmax = LogisticRegression(max_iter=2000).fit(decisions[rows], y[train][rows])
    return softmax.predict_proba(decisions[rows])


def inner_softmax(data, x, outer):
    """The inner decisions' multinomial logistic regression for outer fold ``outer`` (a calibrator)."""
    y, train = data["labels"], data["train"]
    fold_of, pairs = inner_decisions(data, x)
    decisions = np.zeros((len(train), len(np.unique(y))))
    for (j, k), (pred, values) in pairs.items():
        if outer in (j, k) and j != k:
            mine = fold_of[pred] == (k if outer == j else j)
            decisions[pred[mine]] = values[mine]
    rows = fold_of != outer
    return LogisticRegression(max_iter=2000).fit(decisions[rows], y[train][rows])


def run_proxy(data, variant):
    """A cheap stand-in for comparing cleanings: per outer fold one uncalibrated NB-SVM (on the
    cleaned rows), its decisions turned into probabilities by :func:`inner_softmax`; the same
    for the baseline (``variant`` "none").  A fifth of the production cost (no calibration
    folds); only differences between variants mean something."""
    x = all_blocks(data)
    y, train = data["labels"], data["train"]

    def build():
        start = time.process_time()
        oof, flagged = np.zeros((len(train), 7)), []
        for k, (fit_pos, pred_pos) in enumerate(outer_folds(data)):
            idx = train[fit_pos]
            if variant == "none":
                weights, flags = None, np.zeros(len(idx), dtype=bool)
            else:
                weights, flags = cleaned_weights(data, x, idx, variant, k)
            flagged.append(int(flags.sum()))
            svm = fit_weighted(lambda: NBSVM(C=0.5), x, y, idx, weights)
            oof[pred_pos] = inner_softmax(data, x, k).predict_proba(svm.decision_function(x[train[pred_pos]]))
        return {
            "oof": oof,
            "held": None,
            "flagged_per_fold": flagged,
            "fit_cpu_s": time.process_time() - start,
        }

    return cached(f"proxy_{variant}", build)


def flag_cl(proba, labels, classes):
    given = np.searchsorted(classes, labels)
    thresholds = np.array([proba[given == k, k].mean() for k in range(len(classes))])
    above = proba >= thresholds
    assigned = np.where(above, proba, -1).argmax(axis=1)
    return above.any(axis=1) & (assigned != given)


def flag_strict(proba, labels, classes, low=0.1, high=0.8):
    given = np.searchsorted(classes, labels)
    own = proba[np.arange(len(given)), given]
    other = np.where(np.eye(len(classes), dtype=bool)[given], 0, proba).max(axis=1)
    return (own < low) & (other >= high)


def flag_conflict(labels, groups):
    flags = np.zeros(len(labels), dtype=bool)
    for g in np.unique(groups):
        members = np.flatnonzero(groups == g)
        counts = Counter(labels[members]).most_common()
        if len(counts) > 1:
            tie = counts[0][1] == counts[1][1]
            flags[members] = True if tie else labels[members] != counts[0][0]
    return flags


DETECTORS = {"cl": flag_cl, "strict": flag_strict}
# variant name -> (detector, action: "drop" or a weight for flagged rows)
CLEANING = {
    "cl_drop": ("cl", "drop"),
    "cl_w03": ("cl", 0.3),
    "strict_drop": ("strict", "drop"),
    "strict_w03": ("strict", 0.3),
    "conflict_drop": ("conflict", "drop"),
    "conflict_w03": ("conflict", 0.3),
}


def fit_weighted(make, x, y, idx, weights):
    if weights is None:
        return make().fit(x[idx], y[idx])
    keep = weights > 0
    return make().fit(x[idx[keep]], y[idx[keep]], sample_weight=weights[keep])


def cleaned_weights(data, x, idx, variant, outer):
    """Sample weights of rows ``idx`` (the training rows outside outer fold ``outer``,
    ``None``: all) after cleaning, and the flags."""
    y, groups = data["labels"], data["groups"]
    detector, action = CLEANING[variant]
    if detector == "conflict":
        flags = flag_conflict(y[idx], groups[idx])
    else:
        proba = inner_proba(data, x, outer)
        flags = DETECTORS[detector](proba, y[idx], np.unique(y))
    weights = np.ones(len(idx))
    weights[flags] = 0.0 if action == "drop" else float(action)
    return weights, flags


def run_cleaning(data, variant):
    x = all_blocks(data)
    y, train, test = data["labels"], data["train"], data["test"]

    def build():
        start = time.process_time()
        oof, flagged = np.zeros((len(train), 7)), []
        for k, (fit_pos, pred_pos) in enumerate(outer_folds(data)):
            idx = train[fit_pos]
            weights, flags = cleaned_weights(data, x, idx, variant, k)
            flagged.append(int(flags.sum()))
            oof[pred_pos] = fit_weighted(production, x, y, idx, weights).predict_proba(x[train[pred_pos]])
        weights, flags = cleaned_weights(data, x, train, variant, None)
        held = fit_weighted(production, x, y, train, weights).predict_proba(x[test])
        return {
            "oof": oof,
            "held": held,
            "flagged_per_fold": flagged,
            "flagged_all": int(flags.sum()),
            "flagged_raw_all": int((flags & data["raw"][train]).sum()),
            "fit_cpu_s": time.process_time() - start,
        }

    return cached(f"noise_{variant}", build)


def all_blocks(data):
    m = data["mats"]
    return sp.hstack([m["word"], m["char"], m["head"]], format="csr")


SINGLE = {
    "c1": (all_blocks, lambda: production(1.0)),
    "c035": (all_blocks, lambda: production(0.35)),
}


def run_single(data, variant):
    features, make = SINGLE[variant]
    y, train, test = data["labels"], data["train"], data["test"]

    def build():
        x = features(data)
        start = time.process_time()
        oof = np.zeros((len(train), 7))
        for fit_pos, pred_pos in outer_folds(data):
            oof[pred_pos] = make().fit(x[train[fit_pos]], y[train[fit_pos]]).predict_proba(x[train[pred_pos]])
        held = make().fit(x[train], y[train]).predict_proba(x[test])
        return {"oof": oof, "held": held, "fit_cpu_s": time.process_time() - start}

    return cached(f"single_{variant}", build)


def run_c_proxy(data, c):
    """One uncalibrated NB-SVM with ``C = c`` per outer fold; its out-of-fold decisions turned into
    probabilities by a multinomial logistic regression cross-fitted on those decisions (other
    groups' rows).  Compare only with the same proxy at C = 0.5."""
    x = all_blocks(data)
    y, train, groups = data["labels"], data["train"], data["groups"]

    def build():
        start = time.process_time()
        decisions = np.zeros((len(train), 7))
        for fit_pos, pred_pos in outer_folds(data):
            svm = NBSVM(C=c).fit(x[train[fit_pos]], y[train[fit_pos]])
            decisions[pred_pos] = svm.decision_function(x[train[pred_pos]])
        oof = np.zeros_like(decisions)
        splitter = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=2)
        for fit, pred in splitter.split(decisions, y[train], groups[train]):
            softmax = LogisticRegression(max_iter=2000).fit(decisions[fit], y[train][fit])
            oof[pred] = softmax.predict_proba(decisions[pred])
        return {"oof": oof, "held": None, "decisions": decisions, "fit_cpu_s": time.process_time() - start}

    return cached(f"cproxy_{c}", build)


def report(name, res, data, classes, reps):
    y, train, test = data["labels"], data["train"], data["test"]
    raw = data["raw"][train]
    line = f"{name:<14}"
    stored = None
    for part, (proba, truth) in enumerate(((res["oof"][raw], y[train][raw]), (res["held"], y[test]))):
        if proba is None:
            continue
        pred, p1 = proba.argmax(1), proba.max(1)
        right = classes[pred] == truth
        f1 = f1_score(truth, classes[pred], average="macro")
        cov = " ".join(f"{coverage_at_precision(p1, right, t).coverage:6.1%}" for t in TARGETS)
        line += f" | {f1:.4f} {cov}"
        if part == 0:
            share, precision = nested(global_rule, (pred, p1, right), 0.9925, reps)
            line += f" {share:6.1%}@{precision:.4f}"
            stored = coverage_at_precision(p1, right, 0.9925).threshold
        else:
            routed = p1 >= (np.inf if stored is None else stored)
            line += f" {routed.mean():6.1%}@{right[routed].mean() if routed.any() else 0:.4f}"
    extra = {k: res[k] for k in ("flagged_per_fold", "flagged_all", "flagged_raw_all") if k in res}
    print(f"{line} | {res.get('fit_cpu_s', 0):.0f} s {extra or ''}", flush=True)


def pair_scores(proba, pairs, lam):
    """p₁, less ``lam`` × p₂ when the two best classes form one of ``pairs`` (a confusable boundary)."""
    order = np.argsort(-proba, axis=1)
    p1, p2 = proba[np.arange(len(proba)), order[:, 0]], proba[np.arange(len(proba)), order[:, 1]]
    on_pair = np.array([frozenset(t) in pairs for t in order[:, :2].tolist()], dtype=bool)
    return order[:, 0], np.where(on_pair, p1 - lam * p2, p1)


def confusable_pairs(proba, right, count=3):
    """The ``count`` class pairs (top two) that hold most confident errors (p₁ ≥ 0.9)."""
    order = np.argsort(-proba, axis=1)[:, :2]
    wrong = (~right) & (proba.max(axis=1) >= 0.9)
    return {pair for pair, _ in Counter(frozenset(t) for t in order[wrong].tolist()).most_common(count)}


def pair_rule_rows(proba, truth, classes, reps, aim=0.9925):
    """Nested CV of "route less on the most confused pairs": pairs and λ chosen on the inner folds."""
    from sklearn.model_selection import StratifiedKFold

    right = classes[proba.argmax(1)] == truth
    for lam in (0.5, 1.0, 2.0, 4.0):
        shares, precisions = [], []
        for rep in range(reps):
            routed = np.zeros(len(right), dtype=bool)
            for fit, held in StratifiedKFold(5, shuffle=True, random_state=rep).split(proba, right):
                pairs = confusable_pairs(proba[fit], right[fit])
                _, score = pair_scores(proba[fit], pairs, lam)
                limit = coverage_at_precision(score, right[fit], aim).threshold
                _, score_held = pair_scores(proba[held], pairs, lam)
                routed[held] = score_held >= (np.inf if limit is None else limit)
            shares.append(routed.mean())
            precisions.append(right[routed].mean() if routed.any() else 0.0)
        pairs = confusable_pairs(proba, right)
        _, score = pair_scores(proba, pairs, lam)
        best = coverage_at_precision(score, right, 0.99).coverage
        names = sorted("/".join(sorted(classes[list(p)])) for p in pairs)
        print(
            f"pairs rule λ={lam}: nested {np.mean(shares):.1%} at {np.mean(precisions):.4f}; "
            f"best cov .99 {best:.1%}; pairs {names}",
            flush=True,
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--only", nargs="*", default=[*CLEANING, *SINGLE])
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--proxy", nargs="*", help="cheap comparison of cleanings (see run_proxy)")
    parser.add_argument("--c-proxy", type=float, help="cheap comparison of C (see run_c_proxy)")
    parser.add_argument("--pairs-only", action="store_true", help="only the confusable-pairs rule")
    args = parser.parse_args(argv)
    with threadpool_limits(1):
        data = cached("data", lambda: prepare(args.data_dir))
        if args.c_proxy is not None:
            classes = np.unique(data["labels"])
            report(f"C={args.c_proxy}", run_c_proxy(data, args.c_proxy), data, classes, args.reps)
            return 0
        if args.proxy is not None:
            classes = np.unique(data["labels"])
            for name in args.proxy or ["none", *CLEANING]:
                report(f"proxy {name}", run_proxy(data, name), data, classes, args.reps)
            return 0
        results = {}  # the variants first: the baseline may still be computing elsewhere
        for name in [] if args.pairs_only else args.only:
            results[name] = run_cleaning(data, name) if name in CLEANING else run_single(data, name)
            print(f"{name}: {results[name]['fit_cpu_s']:.0f} s CPU", flush=True)
        base = oof_and_held("nbsvm", data, 5)
    classes = np.asarray(base["classes"])
    print(
        f"{'variant':<14} | out of fold (raw rows): F1, cov .97 .98 .99, nested rule "
        f"| held-out: F1, cov .97 .98 .99, stored rule | fit CPU"
    )
    report("production", base, data, classes, args.reps)
    for name, res in results.items():
        report(name, res, data, classes, args.reps)
    raw = data["raw"][data["train"]]
    pair_rule_rows(base["oof"][raw], data["labels"][data["train"]][raw], classes, args.reps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
