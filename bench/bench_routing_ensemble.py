"""Routing at 99 % precision: which confidence ranking routes most? (issue 15, experiments)

Run: nice .venv/bin/python bench/bench_routing_ensemble.py [--data-dir DIR] [--folds 5] [--only NAME ...]

Same split as ``bench_classify.py --routing``: 20 % of the raw near-duplicate groups held
out (seed 20261206, one raw row per group, 422 messages), never used to choose anything.
Every idea is CHOSEN on the training split alone: out-of-fold probabilities from a
``--folds``-fold grouped cross-validation of the training split (near-duplicate groups in
one fold), scored on its raw rows (the form messages arrive in: ``cv_*`` columns).  The
held-out split is only reported (``held_*``): each model refitted on the whole training
split.  Features (the production blocks of ``CategoryClassifier``) are fitted once on the
training split and cached; inner folds share that vocabulary and IDF (a small optimism
common to every idea, so it does not favour one).

Models: ``nbsvm`` (production: NB-SVM, sigmoid calibration on 3 folds), ``nbsvm_iso``
(isotonic calibration), ``nbsvm_head2`` (the head block weighted twice as much),
``nbsvm_c025`` (C = 0.25), ``lr_word`` (logistic regression on the word TF-IDF block),
``lr_all`` (logistic regression on all blocks), ``cnb`` (complement naive Bayes on word
counts, sigmoid-calibrated).  Confidences: ``p1`` (top probability), ``ratio``
(p1 / (p1 + p2)), averages of model probabilities, and ``agree`` (the average's top
probability when the models' top classes agree, else 0).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.naive_bayes import ComplementNB
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_classify import REPO, group_rows, load_rows, routing_split
from minyi.pipeline._nbsvm import NBSVM
from minyi.pipeline.classify import CategoryClassifier
from minyi.pipeline.routing import coverage_at_precision

CACHE = Path(tempfile.gettempdir()) / "minyi_routing_ensemble"  # features and fold probabilities
TARGETS = (0.97, 0.98, 0.99)


def cached(name, build):
    path = CACHE / f"{name}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())  # noqa: S301 - written by this script, just above
    value = build()
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(value))
    return value


def prepare(data_dir):
    """Rows, groups, the split, and the feature blocks fitted on the training split."""
    rows = load_rows(data_dir)
    group_rows(rows, data_dir)
    train, test = routing_split(rows)
    clf = CategoryClassifier()
    tokens = clf._tokens(  # noqa: SLF001 - the production features, exactly
        [str(r["text"]) for r in rows]
    )
    blocks = clf._blocks()  # noqa: SLF001 - the production feature blocks
    heads = [t[: clf.head_tokens] for t in tokens]
    mats = {}
    for name, (source, block, weight) in zip(("word", "char", "head"), blocks, strict=True):
        docs = tokens if source == "full" else heads
        block.fit([docs[i] for i in train])
        mats[name] = (block.transform(docs) * weight).tocsr()
    counts = _word_counts(tokens, train)
    return {
        "labels": np.asarray([str(r["label"]) for r in rows]),
        "raw": np.asarray([r["kind"] != "tokens" for r in rows]),
        "groups": np.asarray([int(r["group"]) for r in rows]),
        "train": np.asarray(train),
        "test": np.asarray(test),
        "mats": mats,
        "counts": counts,
    }


def _word_counts(tokens, train):
    """Raw word unigram+bigram counts (vocabulary from the training split, min_df 2)."""
    from sklearn.feature_extraction.text import CountVectorizer

    docs = [" ".join(t) for t in tokens]
    vec = CountVectorizer(
        tokenizer=str.split, lowercase=False, token_pattern=None, ngram_range=(1, 2), min_df=2
    )
    vec.fit([docs[i] for i in train])
    return vec.transform(docs).tocsr()


def models(data):
    m = data["mats"]
    all_blocks = sp.hstack([m["word"], m["char"], m["head"]], format="csr")
    return {
        "nbsvm": (
            all_blocks,
            lambda: CalibratedClassifierCV(NBSVM(C=0.5, class_weight="balanced"), cv=3, ensemble=False),
        ),
        "nbsvm_iso": (
            all_blocks,
            lambda: CalibratedClassifierCV(
                NBSVM(C=0.5, class_weight="balanced"), cv=3, method="isotonic", ensemble=False
            ),
        ),
        "nbsvm_head2": (  # the head (title stand-in) block weighted 1.4 instead of 0.7
            sp.hstack([m["word"], m["char"], 2 * m["head"]], format="csr"),
            lambda: CalibratedClassifierCV(NBSVM(C=0.5, class_weight="balanced"), cv=3, ensemble=False),
        ),
        "nbsvm_c025": (
            all_blocks,
            lambda: CalibratedClassifierCV(NBSVM(C=0.25, class_weight="balanced"), cv=3, ensemble=False),
        ),
        "lr_word": (m["word"], lambda: LogisticRegression(C=20, max_iter=300, class_weight="balanced")),
        "lr_all": (all_blocks, lambda: LogisticRegression(C=20, max_iter=300, class_weight="balanced")),
        "cnb": (
            data["counts"],
            lambda: CalibratedClassifierCV(ComplementNB(alpha=0.3), cv=3, ensemble=False),
        ),
    }


def fit_predict(make, x, y, fit_idx, pred_idx):
    model = make().fit(x[fit_idx], y[fit_idx])
    cpu = time.process_time()
    proba = model.predict_proba(x[pred_idx])
    return model.classes_, proba, (time.process_time() - cpu) / max(len(pred_idx), 1)


def oof_and_held(name, data, folds):
    """Out-of-fold probabilities on the training split and held-out probabilities."""
    x, make = models(data)[name]
    y, train, test = data["labels"], data["train"], data["test"]

    def build():
        start = time.process_time()
        oof = None
        splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=0)
        for fit_pos, pred_pos in splitter.split(train, y[train], data["groups"][train]):
            classes, proba, _ = fit_predict(make, x, y, train[fit_pos], train[pred_pos])
            if oof is None:
                oof = np.zeros((len(train), len(classes)))
            oof[pred_pos] = proba
        classes, held, per_msg = fit_predict(make, x, y, train, test)
        return {
            "classes": list(classes),
            "oof": oof,
            "held": held,
            "cpu_ms_per_msg_model_only": 1000 * per_msg,
            "fit_cpu_s": time.process_time() - start,
        }

    return cached(f"{name}_f{folds}", build)


def confidence(probas, kind, weights=None):
    """(predicted class index, confidence) from one or more aligned probability matrices."""
    mean = np.average(probas, axis=0, weights=weights)
    pred = mean.argmax(axis=1)
    top2 = np.sort(mean, axis=1)[:, -2:]
    if kind == "p1":
        conf = top2[:, 1]
    elif kind == "ratio":
        conf = top2[:, 1] / (top2[:, 1] + top2[:, 0])
    elif kind == "agree":
        agree = np.all([p.argmax(axis=1) == pred for p in probas], axis=0)
        conf = np.where(agree, top2[:, 1], 0.0)
    elif kind == "min":  # the least sure model's probability of the common class
        conf = np.min([p[np.arange(len(pred)), pred] for p in probas], axis=0)
    else:
        raise ValueError(kind)
    return pred, conf


def score(classes, truth, pred, conf):
    predicted = np.asarray(classes)[pred]
    right = predicted == truth
    cov = {t: coverage_at_precision(conf, right, t).coverage for t in TARGETS}
    return f1_score(truth, predicted, average="macro"), cov


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=["nbsvm", "lr_word", "cnb", "lr_all", "nbsvm_iso"])
    args = parser.parse_args(argv)
    with threadpool_limits(1):
        data = cached("data", lambda: prepare(args.data_dir))
        y, train, test = data["labels"], data["train"], data["test"]
        raw_train = data["raw"][train]
        results = {}
        for name in args.only:
            results[name] = oof_and_held(name, data, args.folds)
            r = results[name]
            print(
                f"{name}: fit {r['fit_cpu_s']:.0f} s CPU, {r['cpu_ms_per_msg_model_only']:.3f} ms/msg",
                flush=True,
            )
    classes = results[args.only[0]]["classes"]
    assert all(r["classes"] == classes for r in results.values())
    combos = [(n,) for n in args.only]
    if "nbsvm" in args.only:
        combos += [("nbsvm", o) for o in args.only if o != "nbsvm"]
    if {"nbsvm", "lr_word", "cnb"} <= set(args.only):
        combos.append(("nbsvm", "lr_word", "cnb"))
    print(
        f"\n{'models':<28} {'conf':<6} {'cv F1':>6} {'cv .97':>6} {'cv .98':>6} {'cv .99':>6} | "
        f"{'held F1':>7} {'h .97':>6} {'h .98':>6} {'h .99':>6}"
    )
    runs = [(c, k, None) for c in combos for k in ("p1", "ratio") + (("agree", "min") if len(c) > 1 else ())]
    runs += [
        (c, k, (w, 1 - w)) for c in combos if len(c) == 2 for w in (0.9, 0.8, 0.7) for k in ("p1", "ratio")
    ]
    for combo, kind, weights in runs:
        pred, conf = confidence([results[n]["oof"][raw_train] for n in combo], kind, weights)
        cv_f1, cv_cov = score(classes, y[train][raw_train], pred, conf)
        pred, conf = confidence([results[n]["held"] for n in combo], kind, weights)
        h_f1, h_cov = score(classes, y[test], pred, conf)
        name = "+".join(combo) if weights is None else f"{weights[0]:.1f} {combo[0]}+{combo[1]}"
        print(
            f"{name:<28} {kind:<6} {cv_f1:6.4f} "
            + " ".join(f"{cv_cov[t]:6.1%}" for t in TARGETS)
            + f" | {h_f1:7.4f} "
            + " ".join(f"{h_cov[t]:6.1%}" for t in TARGETS),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
