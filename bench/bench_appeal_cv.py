"""Issue 15, fourth round: compare set-ups of the kind-of-appeal model by cross-validation only.

The folds are those of the second and third rounds: 5 folds grouped by text and stratified
by kind (``StratifiedGroupKFold``, shuffled, seed 0) over the labelled rows of the first two
rounds (``sample`` not ``boundary``), in label-file order, with the evaluation texts left out
as ``minyi model train-appeal --exclude`` leaves them out.  Boundary rows (third round and
later) are in every training fold and never scored.  ``appeal_eval.csv`` is never read here
except to exclude its texts.

Features are built once per block (the blocks of
:mod:`minyi.pipeline.appeal_features` plus candidate blocks), cached in ``--cache``, and each
variant picks blocks, block weights, a model and row weights.  A feature must occur in two
training rows of the fold (``min_df`` 2, as in training).  Scores: accuracy of the best guess
(never abstaining), accuracy at the 0.35 threshold after a temperature fitted on the
out-of-fold logits, macro-F1 over six kinds and five kinds (no praise), per-kind F1 and the
confusion matrix.

    .venv/bin/python bench/bench_appeal_cv.py [--variants NAME,...] [--json]
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from bench_appeal_model import EVAL, SUPPLEMENT, TRAIN_LABELS, load_corpus
from minyi.pipeline.appeal import KINDS, AppealClassifier
from minyi.pipeline.appeal_data import read_label_file
from minyi.pipeline.appeal_features import FeatureMaker
from minyi.pipeline.appeal_training import fit_temperature

REPO = Path(__file__).resolve().parents[1]
_SPACE = re.compile(r"\s+")
_SENT = re.compile(r"[。！？!?；;\n]+")
_QUESTION = (
    "？",
    "?",
    "请问",
    "能否",
    "是否",
    "可否",
    "吗",
    "怎么",
    "如何",
    "什么时候",
    "何时",
    "为什么",
    "多少",
    "哪里",
)


def _key(pair: tuple[str, str]) -> str:
    return _SPACE.sub("", pair[0] + pair[1])


def _grams(text: str, prefix: str, sizes: tuple[int, ...]) -> set[str]:
    text = _SPACE.sub("", text)
    return {prefix + text[i : i + n] for n in sizes for i in range(len(text) - n + 1)}


def _sentences(body: str) -> list[str]:
    return [s for s in _SENT.split(_SPACE.sub("", body)) if len(s) >= 2]


def blocks_of(maker: FeatureMaker, title: str, body: str) -> dict[str, dict[str, float]]:
    """Every candidate block of one message: name → binary or valued features."""
    base, _ = maker.one(title, body)
    out: dict[str, dict[str, float]] = {"t": {}, "b": {}, "w": {}, "cue": {}}
    for name, value in base.items():
        head = name[:2]
        block = {"t:": "t", "b:": "b", "w:": "w"}.get(head, "cue")
        out[block][name] = 1.0 if block != "cue" else value
    part = maker.body_part(body)
    words = maker.segmenter.tokens(part)
    twords = maker.segmenter.tokens(title)
    sents = _sentences(body)
    first, last = (sents[0], sents[-1]) if sents else ("", "")
    out["t3"] = dict.fromkeys(_grams(title, "t3:", (3,)), 1.0)
    out["b3"] = dict.fromkeys(_grams(part, "b3:", (3,)), 1.0)
    out["tw"] = dict.fromkeys({"tw:" + w for w in twords}, 1.0)
    out["w2"] = dict.fromkeys({f"w2:{a}_{b}" for a, b in pairwise(words)}, 1.0)
    out["fs"] = dict.fromkeys(_grams(first[:60], "fs:", (1, 2)), 1.0)
    out["ls"] = dict.fromkeys(_grams(last[-60:], "ls:", (1, 2)), 1.0)
    q: dict[str, float] = {}
    for cue in _QUESTION:
        if cue in title:
            q["qt:" + cue] = 1.0
        if cue in last:
            q["ql:" + cue] = 1.0
    n_q = body.count("？") + body.count("?")
    q["q:n"] = min(n_q, 5) / 5
    q["q:len"] = min(len(body), 2000) / 2000
    out["q"] = q
    return out


@dataclass
class Data:
    """Blocks as sparse matrices over every row, labels, folds."""

    matrices: dict[str, Any]
    kinds: list[str]
    boundary: np.ndarray
    unsure: np.ndarray
    scored: np.ndarray  # indices of first-two-round rows
    round4: np.ndarray  # rows labelled in the fourth round (sample=boundary4)
    round5: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # sample=random5, usable ones
    folds: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)


def block_matrices(per_row: list[dict[str, dict[str, float]]]) -> dict[str, Any]:
    """One sparse matrix a feature block (rows in order, columns the block's sorted names)."""
    matrices = {}
    for name in per_row[0]:
        vocab = sorted({f for b in per_row for f in b[name]})
        index = {f: i for i, f in enumerate(vocab)}
        ri, ci, vals = [], [], []
        for r, b in enumerate(per_row):
            for feature, value in b[name].items():
                ri.append(r)
                ci.append(index[feature])
                vals.append(value)
        matrices[name] = sp.csr_matrix((vals, (ri, ci)), shape=(len(per_row), len(vocab)))
    return matrices


def build(data_dir: Path, cache: Path) -> Data:
    """Features of every training row (cached), and the folds."""
    if cache.is_file():
        with cache.open("rb") as stream:
            cached: Data = pickle.load(stream)  # noqa: S301 - our own cache file
        return cached
    corpus = load_corpus(data_dir)
    rows = read_label_file(TRAIN_LABELS)
    held = {_key(corpus[(r.file, r.message_id)]) for p in (EVAL, SUPPLEMENT) for r in read_label_file(p)}
    rows = [r for r in rows if _key(corpus[(r.file, r.message_id)]) not in held]
    rules = AppealClassifier(use_model=False, normalize=False)
    rules._prepare_rules()  # noqa: SLF001 - as training does
    maker = FeatureMaker(rules)
    per_row = [blocks_of(maker, *corpus[(r.file, r.message_id)]) for r in rows]
    matrices = block_matrices(per_row)
    kinds = [r.kind for r in rows]
    fifth = np.array([r.sample == "random5" for r in rows])
    # The fifth round's random rows train every fold and are never scored, like the boundary
    # rows, so that the 1,606 scored rows and their folds stay those of every earlier round.
    boundary = np.array([r.sample.startswith("boundary") for r in rows]) | fifth
    round4 = np.array([r.sample == "boundary4" for r in rows])
    unsure = np.array([r.confidence == "unsure" for r in rows])
    scored = np.flatnonzero(~boundary)
    round5 = fifth & ~_near_scored(corpus, rows, fifth, scored)
    data = Data(matrices, kinds, boundary & (round5 | ~fifth), unsure, scored, round4, round5)
    data.folds = _folds(data, [_key(corpus[(r.file, r.message_id)]) for r in rows])
    with cache.open("wb") as out:
        pickle.dump(data, out)
    return data


def _near_scored(corpus: dict, rows: list, fifth: np.ndarray, scored: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    """Fifth-round rows that are near copies of a scored row: they would leak a test fold's text."""
    from label_appeal_fourth import _near_copies

    keys = [(r.file, r.message_id) for r in rows]
    pool = [keys[i] for i in np.flatnonzero(fifth)]
    near = _near_copies(pool, [keys[i] for i in scored], corpus) if pool else set()
    print(f"# fifth-round rows {len(pool)}, near copies of scored rows left out of the folds: {len(near)}")
    return np.array([k in near for k in keys])


def _folds(data: Data, keys: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import StratifiedGroupKFold

    labels = [data.kinds[i] for i in data.scored]
    groups = [keys[i] for i in data.scored]
    splitter = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0)
    extra = np.flatnonzero(data.boundary)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for tr, te in splitter.split(np.zeros(len(labels)), labels, groups):
            out.append((np.concatenate([data.scored[tr], extra]), data.scored[te]))
    return out


def _unit_rows(m: Any) -> Any:
    """Binary block scaled to unit length per row (as appeal_features does)."""
    m = m.tocsr(copy=True)
    m.data[:] = 1.0
    norms = np.sqrt(np.asarray(m.sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.diags(1.0 / norms) @ m


TEXT_BLOCKS = {"t", "b", "w", "t3", "b3", "tw", "w2", "fs", "ls"}


def design(data: Data, spec: dict[str, float], train: np.ndarray, min_df: int = 2) -> Any:
    """The blocks of ``spec`` (name → weight), min_df 2 over ``train``, unit-scaled."""
    parts = []
    for name, weight in spec.items():
        m = data.matrices[name].tocsc()
        df = np.asarray((m[train] != 0).sum(axis=0)).ravel()
        m = m[:, np.flatnonzero(df >= min_df)].tocsr()
        if name in TEXT_BLOCKS:
            m = _unit_rows(m)
        parts.append(weight * m)
    return sp.hstack(parts).tocsr()


def _fit_predict(  # noqa: PLR0913, PLR0917 - a model, its training data and what it scores
    model: str, x: Any, y: np.ndarray, w: np.ndarray, xt: Any, c: float
) -> np.ndarray:
    """Logits of ``xt`` (columns in KINDS order) from ``model`` fitted on x, y, w."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    from minyi.pipeline._nbsvm import NBSVM

    if model == "lr":
        clf: Any = LogisticRegression(C=c, max_iter=3000)
    elif model == "svm":
        clf = LinearSVC(C=c)
    else:
        clf = NBSVM(C=c, class_weight=None, n_jobs=1)
    clf.fit(x, y, sample_weight=w)
    scores = np.asarray(clf.decision_function(xt))
    out = np.full((xt.shape[0], len(KINDS)), -30.0)
    for j, k in enumerate(clf.classes_):
        out[:, KINDS.index(str(k))] = scores[:, j]
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def weights_of(data: Data, v: dict[str, Any], rows: np.ndarray) -> np.ndarray:
    """Kind weights (inverse frequency ** balance) times row weights (boundary, unsure)."""
    kinds = [data.kinds[i] for i in rows]
    counts = Counter(kinds)
    bal = {k: (len(kinds) / (len(counts) * n)) ** v.get("balance", 0.5) for k, n in counts.items()}
    w = np.array([bal[k] for k in kinds])
    w[data.boundary[rows]] *= v.get("w_boundary", 1.0)
    w[data.unsure[rows] & data.boundary[rows]] *= v.get("w_unsure_boundary", 1.0)
    w[data.unsure[rows] & ~data.boundary[rows]] *= v.get("w_unsure_random", 1.0)
    w[data.round4[rows]] *= v.get("w_round4", 1.0)
    if data.round5.any():
        w[data.round5[rows]] *= v.get("w_round5", 1.0)
    return w


def _fifth_share(data: Data, train: np.ndarray, share: float) -> np.ndarray:
    """``train`` with only the first ``share`` of the fifth round's rows (they are in random order)."""
    if share >= 1.0 or not data.round5.any():
        return train
    fifth = np.flatnonzero(data.round5)
    dropped = set(fifth[int(share * len(fifth)) :].tolist())
    return np.array([i for i in train if i not in dropped], dtype=train.dtype)


def oof_logits(data: Data, v: dict[str, Any]) -> np.ndarray:
    """Out-of-fold logits of the scored rows for one variant (several models: averaged log-probs)."""
    y = np.asarray(data.kinds)
    out = np.zeros((len(data.kinds), len(KINDS)))
    members = v.get("members", [v])
    for fold_train, test in data.folds:
        train = fold_train[~data.round4[fold_train]] if v.get("no_round4") else fold_train
        train = _fifth_share(data, train, v.get("round5_share", 1.0))
        total = np.zeros((len(test), len(KINDS)))
        for m in members:
            x = design(data, m["spec"], train, v.get("min_df", 2))
            w = weights_of(data, {**v, **m}, train)
            z = _fit_predict(m["model"], x[train], y[train], w, x[test], m["c"])
            total += z * m.get("scale", 1.0)
        out[test] = total / len(members)
    scored: np.ndarray = out[data.scored]
    return scored


def score(data: Data, logits: np.ndarray, threshold: float = 0.35) -> dict[str, Any]:
    """Accuracies, macro-F1s, per-kind F1 and confusion of out-of-fold logits."""
    gold = [data.kinds[i] for i in data.scored]
    gi = [KINDS.index(k) for k in gold]
    t = fit_temperature(logits, gi)
    p = _softmax(logits / t)
    best = p.argmax(axis=1)
    at = np.where(p.max(axis=1) >= threshold, best, len(KINDS))
    conf = np.zeros((len(KINDS), len(KINDS) + 1), dtype=int)
    for g, b in zip(gi, at, strict=True):
        conf[g, b] += 1
    f1 = {}
    for j, k in enumerate(KINDS):
        tp = conf[j, j]
        pp, gg = conf[:, j].sum(), conf[j].sum()
        f1[k] = 2 * tp / (pp + gg) if pp + gg else 0.0
    return {
        "acc_never_abstain": round(float((best == np.asarray(gi)).mean()), 4),
        "acc_at_0.35": round(float((at == np.asarray(gi)).mean()), 4),
        "undetermined": round(float((at == len(KINDS)).mean()), 4),
        "macro_f1_6": round(float(np.mean(list(f1.values()))), 4),
        "macro_f1_5": round(float(np.mean([f1[k] for k in KINDS if k != "praise"])), 4),
        "f1": {k: round(v, 3) for k, v in f1.items()},
        "temperature": t,
        "confusion": conf.tolist(),
    }


BASE = {"t": 1.0, "b": 1.0, "w": 1.0, "cue": 1.0}
LR = {"model": "lr", "c": 16.0, "spec": BASE}
VARIANTS: dict[str, dict[str, Any]] = {
    "base": dict(LR),
    "base_r3": {**LR, "no_round4": True},
    "r3_w_boundary_0.5": {**LR, "no_round4": True, "w_boundary": 0.5},
    "w_boundary_0.5": {**LR, "w_boundary": 0.5},
    "unsure_b_0.5": {**LR, "w_unsure_boundary": 0.5},
    "unsure_all_0.5": {**LR, "w_unsure_boundary": 0.5, "w_unsure_random": 0.5},
    "unsure_b_0.3": {**LR, "w_unsure_boundary": 0.3},
    "wb0.5_unsure_b0.5": {**LR, "w_boundary": 0.5, "w_unsure_boundary": 0.5},
    "+t3": {**LR, "spec": {**BASE, "t3": 1.0}},
    "+tw": {**LR, "spec": {**BASE, "tw": 1.0}},
    "+fs": {**LR, "spec": {**BASE, "fs": 1.0}},
    "+ls": {**LR, "spec": {**BASE, "ls": 1.0}},
    "+fs+ls": {**LR, "spec": {**BASE, "fs": 1.0, "ls": 1.0}},
    "+q": {**LR, "spec": {**BASE, "q": 1.0}},
    "+w2": {**LR, "spec": {**BASE, "w2": 1.0}},
    "+b3": {**LR, "spec": {**BASE, "b3": 1.0}},
    "nbsvm": {"model": "nbsvm", "c": 0.5, "spec": BASE},
    "svm": {"model": "svm", "c": 0.5, "spec": BASE},
    "balance_1": {**LR, "balance": 1.0},
    "c_8": {**LR, "c": 8.0},
    "c_32": {**LR, "c": 32.0},
    "ens_lr_nbsvm": {"members": [LR, {"model": "nbsvm", "c": 0.5, "spec": BASE, "scale": 4.0}]},
}
NB = {"model": "nbsvm", "c": 0.5, "spec": BASE}
VARIANTS.update(
    {
        "nb_c0.1": {**NB, "c": 0.1},
        "nb_c0.25": {**NB, "c": 0.25},
        "nb_c1": {**NB, "c": 1.0},
        "nb_bal0": {**NB, "balance": 0.0},
        "nb_bal1": {**NB, "balance": 1.0},
        "nb_unsure_b0.5": {**NB, "w_unsure_boundary": 0.5},
        "nb_unsure_all0.5": {**NB, "w_unsure_boundary": 0.5, "w_unsure_random": 0.5},
        "nb_wb0.5": {**NB, "w_boundary": 0.5},
        "nb_no_round4": {**NB, "no_round4": True},
        "nb_round5_0": {**NB, "round5_share": 0.0},
        "nb_round5_half": {**NB, "round5_share": 0.5},
        "nb_round5_quarter": {**NB, "round5_share": 0.25},
        "nb_round5_3q": {**NB, "round5_share": 0.75},
        "nb_w_round5_0.5": {**NB, "w_round5": 0.5},
        "nb_min_df3": {**NB, "min_df": 3},
        "nb_min_df5": {**NB, "min_df": 5},
        "nb_w_round5_0.3": {**NB, "w_round5": 0.3},
        "nb+t3": {**NB, "spec": {**BASE, "t3": 1.0}},
        "nb+w2": {**NB, "spec": {**BASE, "w2": 1.0}},
        "nb+tw": {**NB, "spec": {**BASE, "tw": 1.0}},
        "nb+fs+ls": {**NB, "spec": {**BASE, "fs": 1.0, "ls": 1.0}},
        "nb+q": {**NB, "spec": {**BASE, "q": 1.0}},
        "nb+b3": {**NB, "spec": {**BASE, "b3": 1.0}},
        "nb_cue2": {**NB, "spec": {**BASE, "cue": 2.0}},
    }
)


def main() -> None:
    """Run the chosen variants and print their scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/appeal_cv_blocks5.pkl"))  # noqa: S108 - a scratch cache
    parser.add_argument("--variants", default="base")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = build(args.data_dir, args.cache)
    print(
        f"{len(data.kinds)} rows, {len(data.scored)} scored; blocks",
        {k: m.shape[1] for k, m in data.matrices.items()},
    )
    results = {}
    for name in args.variants.split(","):
        start = time.process_time()
        r = score(data, oof_logits(data, VARIANTS[name]))
        r["cpu_s"] = round(time.process_time() - start, 1)
        results[name] = r
        with (args.cache.parent / f"appeal_cv_{name}.json").open("w") as f:
            json.dump(r, f)
        print(
            f"{name:<22} acc {r['acc_at_0.35']:.4f} (never {r['acc_never_abstain']:.4f}, und {r['undetermined']:.3f})"
            f"  mF1-6 {r['macro_f1_6']:.4f}  mF1-5 {r['macro_f1_5']:.4f}  F1 {r['f1']}  T {r['temperature']}  {r['cpu_s']}s",
            flush=True,
        )
    if args.json:
        print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
