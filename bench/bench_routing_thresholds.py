"""Routing at 99 % precision: is the threshold rule, the score or the calibration what limits coverage?

Run: nice .venv/bin/python bench/bench_routing_thresholds.py [--model nbsvm] [--reps 10] [--knn]

It reuses the cache of ``bench_routing_ensemble.py`` (same held-out split: 422 raw
messages, seed 20261206; out-of-fold probabilities of the 1,802 raw rows of the training
split from a 5-fold grouped cross-validation; the held-out probabilities from the model
refitted on the whole training split), so after that script has run this one takes seconds.

Every rule is judged on the training split alone by *nested* cross-validation: the
1,802 out-of-fold rows are split again into 5 folds, the rule chooses its threshold(s) on
four and is applied to the fifth; ``--reps`` shuffles average out the split.  That is the
honest estimate of what a rule delivers on new messages (choosing and scoring on the same
rows flatters rules with more free parameters, such as one threshold per class).  The
held-out split is only reported: the rule chosen on all 1,802 rows, applied to it.

Rules:

* ``global``: one threshold on a score, the smallest whose routed share reaches ``aim``
  precision (production: top probability, aim 0.9925 for a 0.99 target);
* ``per-class``: one threshold per predicted class, chosen together to route the most
  messages at pooled precision ≥ ``aim`` (a Lagrangian sweep over the classes' curves);
* ``platt+class``: the chance that the top class is right, fitted by logistic regression
  on logit(p₁) with one intercept per predicted class (per-class calibration of the
  confidence), cross-fitted on the chosen rows, then one global threshold.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_classify import REPO
from bench_routing_ensemble import cached, oof_and_held, prepare
from minyi.pipeline.routing import apply_threshold, coverage_at_precision

AIMS = (0.985, 0.99, 0.9925, 0.995)
LAMBDAS = np.logspace(-1, 4, 400)


def scores(proba, kind):
    """(predicted class index, routing score) of each row."""
    top2 = np.sort(proba, axis=1)[:, -2:]
    p1, p2 = top2[:, 1], top2[:, 0]
    score = {"p1": p1, "ratio": p1 / (p1 + p2), "margin": p1 - p2}[kind]
    return proba.argmax(axis=1), score


def global_rule(pred, score, right, aim):  # noqa: ARG001 - same signature as the others
    point = coverage_at_precision(score, right, aim)
    limit = np.inf if point.threshold is None else point.threshold
    return lambda _pred, s: s >= limit


def per_class_rule(pred, score, right, aim, classes=7):
    """Thresholds per predicted class maximising the routed count at pooled precision ≥ aim."""
    curves = []
    for k in range(classes):
        s, r = score[pred == k], right[pred == k]
        order = np.argsort(-s, kind="stable")
        s, r = s[order], r[order]
        last = np.append(s[1:] != s[:-1], True)
        curves.append(
            (
                np.concatenate([[np.inf], s[last]]),
                np.concatenate([[0], np.arange(1, len(s) + 1)[last]]),
                np.concatenate([[0], np.cumsum(~r)[last]]),
            )
        )
    best, limits = -1, np.full(classes, np.inf)
    for lam in LAMBDAS:
        picks = [int(np.argmax(n + lam * ((1 - aim) * n - e))) for _, n, e in curves]
        routed = sum(curves[k][1][j] for k, j in enumerate(picks))
        errors = sum(curves[k][2][j] for k, j in enumerate(picks))
        if routed > best and errors <= (1 - aim) * routed:
            best, limits = routed, np.asarray([curves[k][0][j] for k, j in enumerate(picks)])
    return lambda p, s: s >= limits[p]


def _platt_x(pred, p1, classes=7):
    logit = np.log(np.clip(p1, 1e-6, 1 - 1e-6) / np.clip(1 - p1, 1e-6, 1))
    return np.column_stack([logit, np.eye(classes)[pred]])


def platt_rule(pred, score, right, aim):
    """Per-class Platt scaling of the top probability (cross-fitted), then one threshold."""
    x = _platt_x(pred, score)
    inner = np.zeros(len(x))
    for fit, held in StratifiedKFold(5, shuffle=True, random_state=0).split(x, right):
        inner[held] = LogisticRegression(max_iter=1000).fit(x[fit], right[fit]).predict_proba(x[held])[:, 1]
    point = coverage_at_precision(inner, right, aim)
    limit = np.inf if point.threshold is None else point.threshold
    model = LogisticRegression(max_iter=1000).fit(x, right)
    return lambda p, s: model.predict_proba(_platt_x(p, s))[:, 1] >= limit


RULES = {"global": global_rule, "per-class": per_class_rule, "platt+class": platt_rule}


def nested(rule, rows, aim, reps):
    """Mean routed share and precision of ``rule`` on rows it did not choose on.

    ``rows`` is (predicted class index, score, right or wrong) of the out-of-fold rows.
    """
    pred, score, right = rows
    shares, precisions = [], []
    for rep in range(reps):
        routed = np.zeros(len(right), dtype=bool)
        for fit, held in StratifiedKFold(5, shuffle=True, random_state=rep).split(score, right):
            decide = rule(pred[fit], score[fit], right[fit], aim)
            routed[held] = decide(pred[held], score[held])
        shares.append(routed.mean())
        precisions.append(right[routed].mean() if routed.any() else 0.0)
    return float(np.mean(shares)), float(np.mean(precisions))


def knn_agreement(data, res, k=20):
    """Share of the ``k`` most similar training messages (cosine, similarity-weighted) whose
    label is the predicted class: out of fold for the raw training rows, against the whole
    training split for the held-out rows."""
    import scipy.sparse as sp
    from sklearn.model_selection import StratifiedGroupKFold
    from sklearn.preprocessing import normalize

    y, train, test, groups = data["labels"], data["train"], data["test"], data["groups"]
    m = data["mats"]
    x = normalize(sp.hstack([m["word"], m["char"], m["head"]], format="csr"))
    classes = np.asarray(res["classes"])

    def agreement(query, reference, pred):
        sims = (x[query] @ x[reference].T).toarray()
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        weight = np.take_along_axis(sims, top, 1)
        agree = y[reference][top] == classes[pred][:, None]
        return (agree * weight).sum(1) / np.maximum(weight.sum(1), 1e-9)

    raw = data["raw"][train]
    out = np.zeros(len(train))
    splitter = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0)  # the cache's folds
    for fit_pos, pred_pos in splitter.split(train, y[train], groups[train]):
        query = pred_pos[raw[pred_pos]]
        out[query] = agreement(train[query], train[fit_pos], res["oof"][query].argmax(1))
    return out[raw], agreement(test, train, res["held"].argmax(1))


def knn_rows(data, res, reps):
    """The nearest-neighbour second opinion as a routing score, alone and with p1."""
    y, train, test = data["labels"], data["train"], data["test"]
    classes = np.asarray(res["classes"])
    oof, held = res["oof"][data["raw"][train]], res["held"]
    agree, agree_h = knn_agreement(data, res)
    pred, p1 = oof.argmax(1), oof.max(1)
    pred_h, p1_h = held.argmax(1), held.max(1)
    right, right_h = classes[pred] == y[train][data["raw"][train]], classes[pred_h] == y[test]
    print(
        f"\nneighbour agreement: mean {agree[right].mean():.2f} if right, {agree[~right].mean():.2f} if wrong"
    )
    for name, score, score_h in (
        ("agreement", agree, agree_h),
        ("p1*agreement", p1 * agree, p1_h * agree_h),
        ("p1*sqrt(agr.)", p1 * np.sqrt(agree), p1_h * np.sqrt(agree_h)),
    ):
        for aim in (0.99, 0.9925):
            share, precision = nested(global_rule, (pred, score, right), aim, reps)
            routed = global_rule(pred, score, right, aim)(pred_h, score_h)
            print(
                f"{name:<14} {aim:6.4f} | {share:6.1%} at {precision:.4f} | "
                f"{routed.mean():6.1%} at {right_h[routed].mean() if routed.any() else 0:.4f}"
            )


def calibration_table(conf, right, conf_held, right_held):
    print("\ntop probability bin: out-of-fold rows (mean p1, accuracy) | held-out accuracy")
    for low, high in ((0.6, 0.9), (0.9, 0.95), (0.95, 0.98), (0.98, 1.01)):
        m, h = (conf >= low) & (conf < high), (conf_held >= low) & (conf_held < high)
        print(
            f"  [{low:.2f}, {min(high, 1):.2f}): n={m.sum():4d} mean {conf[m].mean():.3f} "
            f"acc {right[m].mean():.3f} | n={h.sum():3d} acc {right_held[h].mean():.3f}"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--model", default="nbsvm", help="a model name of bench_routing_ensemble.py")
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--knn", action="store_true", help="also the nearest-neighbour second opinion")
    args = parser.parse_args(argv)
    data = cached("data", lambda: prepare(args.data_dir))
    res = oof_and_held(args.model, data, 5)
    y, train, test = data["labels"], data["train"], data["test"]
    classes = np.asarray(res["classes"])
    oof, y_cv = res["oof"][data["raw"][train]], y[train][data["raw"][train]]
    held, y_held = res["held"], y[test]
    print(
        f"{args.model}: macro-F1 out-of-fold (raw rows) {f1_score(y_cv, classes[oof.argmax(1)], average='macro'):.4f}, "
        f"held-out {f1_score(y_held, classes[held.argmax(1)], average='macro'):.4f}"
    )
    print(
        f"\n{'rule':<12} {'score':<7} {'aim':>6} | nested CV: routed at precision | held-out: routed at precision"
    )
    for rule_name, rule in RULES.items():
        for kind in ("p1",) if rule_name == "platt+class" else ("p1", "ratio", "margin"):
            pred, score = scores(oof, kind)
            pred_h, score_h = scores(held, kind)
            right, right_h = classes[pred] == y_cv, classes[pred_h] == y_held
            for aim in AIMS:
                share, precision = nested(rule, (pred, score, right), aim, args.reps)
                routed = rule(pred, score, right, aim)(pred_h, score_h)
                h_prec = right_h[routed].mean() if routed.any() else 0.0
                print(
                    f"{rule_name:<12} {kind:<7} {aim:6.4f} | {share:6.1%} at {precision:.4f}        | "
                    f"{routed.mean():6.1%} at {h_prec:.4f} ({int((~right_h[routed]).sum())} errors)",
                    flush=True,
                )
    pred, conf = scores(oof, "p1")
    pred_h, conf_h = scores(held, "p1")
    calibration_table(conf, classes[pred] == y_cv, conf_h, classes[pred_h] == y_held)
    best = {
        t: coverage_at_precision(conf_h, classes[pred_h] == y_held, t).coverage for t in (0.97, 0.98, 0.99)
    }
    print("held-out best coverage at 0.97/0.98/0.99:", " / ".join(f"{v:.1%}" for v in best.values()))
    stored = coverage_at_precision(conf, classes[pred] == y_cv, 0.9925)
    print(
        "production rule on held-out:", apply_threshold(conf_h, classes[pred_h] == y_held, stored.threshold)
    )
    wrong = (classes[pred_h] != y_held) & (conf_h >= 0.9)
    pairs = Counter(f"{t}→{p}" for t, p in zip(y_held[wrong], classes[pred_h][wrong], strict=True))
    print(f"held-out errors at p1 ≥ 0.9 ({wrong.sum()}), label→prediction:", dict(pairs.most_common()))
    if args.knn:
        knn_rows(data, res, args.reps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
