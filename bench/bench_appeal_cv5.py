"""Issue 15, fifth round: situation features, self-training and kind biases, by cross-validation only.

The folds, rows and scores are those of ``bench_appeal_cv.py`` (5 folds grouped by text and
stratified by kind over the 1,606 rows of the first two rounds; boundary rows in every
training fold, never scored).  ``appeal_eval.csv`` is read only to keep its texts out.

* ``v`` block: :func:`situation` below (who is affected, what is asked: first-person harm,
  third-party wrongdoing, hardship, questions, proposals), at a block weight.  It is here and
  not in :mod:`minyi.pipeline.appeal_features` because it was not kept.
* Self-training: in each fold the model of the fold's training rows labels the unlabelled
  messages of 附件2/3/4 (no labelled, evaluation or supplement id, and no copy of their
  text); answers with a probability ≥ ``tau`` (temperature of the fold's own out-of-fold
  logits) are added at weight ``w`` and the model is fitted again.
* Kind biases: one additive bias per kind on the calibrated logits, chosen on the other four
  folds' out-of-fold logits (nested), applied to the fifth.
* ``--extras``: a two-stage model (投诉 against the rest, then the other kinds), the calibrated
  model mixed with the rules' distribution, and accuracy on the rows the annotator marked
  sure against those marked unsure, and a learning curve (training folds subsampled).
* ``--seeds``: the same variants on other fold partitions (seeds 1–4), for the spread.

Every variant is scored fold by fold against the base set-up (paired differences).

    .venv/bin/python bench/bench_appeal_cv5.py [--variants NAME,...]
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench_appeal_cv import (
    Data,
    _fit_predict,
    _folds,
    _key,
    _softmax,
    block_matrices,
    design,
    score,
    weights_of,
)
from bench_appeal_model import EVAL, SUPPLEMENT, TRAIN_LABELS, load_corpus
from minyi.pipeline.appeal import KINDS, AppealClassifier
from minyi.pipeline.appeal_data import read_label_file
from minyi.pipeline.appeal_features import FeatureMaker, Features
from minyi.pipeline.appeal_training import fit_temperature

REPO = Path(__file__).resolve().parents[1]

#: Word groups of :func:`situation` (normalised text, simplified characters).
_GROUPS: tuple[tuple[str, str], ...] = (
    ("self", "我|本人|俺"),
    (
        "loss",
        "损失|受损|损坏|被骗|骗了|被打|打伤|受伤|赔偿|退款|退还|退费|扣除|克扣|拖欠|欠款|不退|未退|没退|不给|上当|维权",
    ),
    ("third", "有人|某某|该公司|该店|商家|老板|店主|开发商|此人|该人|他们|他家|村干部|村委|书记|个别"),
    ("wrong", "违法|违规|偷|私自|擅自|非法|无证|违建|违章|乱倒|乱排|骗取|侵占|霸占|贪|套取|冒领"),
    ("hard", "困难|救助|无力|生病|患病|重病|残疾|低保|孤寡|没钱|无钱|走投无路|医药费|治疗|帮帮"),
    ("ask", "请问|是否|能否|可否|怎么办理|如何办理|怎样|怎么办|哪里|何时|什么时候|多少|吗|[？?]"),
    ("propose", "建议|希望|应该|应当|增设|设置|开通|修建|安装|完善|规划"),
    ("public", "广大|市民|群众|居民|大家|百姓|公众|公共|社会"),
    ("office", "政府|部门|街道|社区|城管|执法|物业|不作为|推诿"),
)
_GROUP_RES = tuple((name, re.compile(pattern)) for name, pattern in _GROUPS)
#: Pairs of groups close together in the body (within a clause): who suffers what.
_PAIRS = (
    ("self_loss", re.compile(r"(?:我|本人)[^。！？；]{0,24}?(?:" + _GROUPS[1][1] + ")")),
    ("third_wrong", re.compile(r"(?:" + _GROUPS[2][1] + r")[^。！？；]{0,24}?(?:" + _GROUPS[3][1] + ")")),
    ("self_hard", re.compile(r"(?:我|本人)[^。！？；]{0,24}?(?:" + _GROUPS[4][1] + ")")),
)
_LAST = re.compile(r"[^。！？!?；;]+[。！？!?；;]*\s*$")
_TAIL = 60


def situation(title: str, body: str) -> Features:
    """Who is affected and what is asked: ``v:`` features of a normalised message.

    Each word group counts in the title (``v:t:``), the body (``v:b:``) and the last
    sentence of the body (``v:l:``, its last 60 characters); pairs of groups within one
    clause (``v:p:``) tell the injured writer from the reported third party.  ``body`` is
    the part the model reads (``FeatureMaker.body_part``), which bounds the cost.
    """
    out: Features = {}
    last_match = _LAST.search(body[-_TAIL:]) if body else None
    last = last_match.group(0) if last_match else ""
    for name, regex in _GROUP_RES:
        if regex.search(title):
            out[f"v:t:{name}"] = 1.0
        if regex.search(body):
            out[f"v:b:{name}"] = 1.0
            if regex.search(last):
                out[f"v:l:{name}"] = 1.0
    for name, regex in _PAIRS:
        if regex.search(body) or regex.search(title):
            out[f"v:p:{name}"] = 1.0
    n_self = body.count("我")
    out["v:self_n"] = min(n_self, 10) / 10
    return out


def _blocks(maker: FeatureMaker, title: str, body: str) -> dict[str, dict[str, float]]:
    base, _ = maker.one(title, body)
    out: dict[str, dict[str, float]] = {"t": {}, "b": {}, "w": {}, "cue": {}}
    for name, value in base.items():
        block = {"t:": "t", "b:": "b", "w:": "w"}.get(name[:2], "cue")
        if block == "cue" and name.startswith("v:"):
            continue
        out[block][name] = 1.0 if block != "cue" else value
    out["v"] = situation(title, maker.body_part(body))
    score = maker.rules._score(title, body)  # noqa: SLF001 - the rules' own scores
    out["rules"] = {k: score.scores.get(k, 0.0) + maker.rules.smoothing / len(KINDS) for k in KINDS}
    return out


def build(data_dir: Path, cache: Path) -> tuple[Data, int]:
    """Blocks of the labelled rows then the unlabelled pool; the number of labelled rows."""
    if cache.is_file():
        with cache.open("rb") as stream:
            return pickle.load(stream)  # noqa: S301 - our own cache file
    corpus = load_corpus(data_dir)
    rows = read_label_file(TRAIN_LABELS)
    held = {_key(corpus[(r.file, r.message_id)]) for p in (EVAL, SUPPLEMENT) for r in read_label_file(p)}
    held_ids = {(r.file, r.message_id) for p in (EVAL, SUPPLEMENT, TRAIN_LABELS) for r in read_label_file(p)}
    rows = [r for r in rows if _key(corpus[(r.file, r.message_id)]) not in held]
    labelled_keys = {_key(corpus[(r.file, r.message_id)]) for r in rows}
    pool, seen = [], held | labelled_keys
    for ident, pair in corpus.items():
        k = _key(pair)
        if ident in held_ids or k in seen or len(k) < 4:
            continue
        seen.add(k)
        pool.append(pair)
    rules = AppealClassifier(use_model=False, normalize=False)
    rules._prepare_rules()  # noqa: SLF001 - as training does
    maker = FeatureMaker(rules)
    texts = [corpus[(r.file, r.message_id)] for r in rows] + pool
    per_row = [_blocks(maker, *pair) for pair in texts]
    matrices = block_matrices(per_row)
    n = len(rows)
    pad = np.zeros(len(pool), dtype=bool)
    boundary = np.concatenate([np.array([r.sample.startswith("boundary") for r in rows]), pad])
    round4 = np.concatenate([np.array([r.sample == "boundary4" for r in rows]), pad])
    unsure = np.concatenate([np.array([r.confidence == "unsure" for r in rows]), pad])
    data = Data(matrices, [r.kind for r in rows], boundary, unsure, np.flatnonzero(~boundary[:n]), round4)
    data.folds = _folds(data, [_key(corpus[(r.file, r.message_id)]) for r in rows])
    with cache.open("wb") as out:
        pickle.dump((data, n), out)
    return data, n


def _fold_logits(data: Data, v: dict[str, Any], train: np.ndarray, test: np.ndarray, n: int) -> np.ndarray:
    """Logits of ``test`` from the variant fitted on ``train`` (with self-training if asked)."""
    y = np.asarray(data.kinds + [""] * (data.matrices["t"].shape[0] - n), dtype=object)
    x = design(data, v["spec"], train)
    w = weights_of(data, v, train)
    z = _fit_predict("nbsvm", x[train], y[train].astype(str), w, x[test], v["c"])
    tau = v.get("tau")
    if tau is None:
        return z
    pool = np.arange(n, data.matrices["t"].shape[0])
    zp = _fit_predict("nbsvm", x[train], y[train].astype(str), w, x[pool], v["c"])
    p = _softmax(zp / v.get("t_pool", 0.386))
    best, conf = p.argmax(axis=1), p.max(axis=1)
    keep = conf >= tau
    skip = {KINDS.index(k) for k in v.get("skip_kinds", ())}
    keep &= np.array([b not in skip for b in best])
    chosen = pool[keep]
    y[chosen] = [KINDS[b] for b in best[keep]]
    rows = np.concatenate([train, chosen])
    x2 = design(data, v["spec"], rows)
    w2 = np.concatenate([w, v["w_pseudo"] * np.ones(len(chosen))])
    v.setdefault("_pseudo", []).append(len(chosen))
    out: np.ndarray = _fit_predict("nbsvm", x2[rows], y[rows].astype(str), w2, x2[test], v["c"])
    return out


def oof(data: Data, v: dict[str, Any], n: int) -> np.ndarray:
    """Out-of-fold logits of every labelled row (scored rows filled)."""
    out = np.zeros((n, len(KINDS)))
    for train, test in data.folds:
        out[test] = _fold_logits(data, v, train, test, n)
    return out


def _acc_f1(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    f1 = []
    for j in range(len(KINDS)):
        if KINDS[j] == "praise":
            continue
        tp = np.sum((gold == j) & (pred == j))
        d = np.sum(gold == j) + np.sum(pred == j)
        f1.append(2 * tp / d if d else 0.0)
    return float(np.mean(gold == pred)), float(np.mean(f1))


def per_fold(data: Data, logits: np.ndarray, t: float) -> list[float]:
    """Accuracy at 0.35 of each fold with one temperature."""
    gold = np.array([KINDS.index(k) for k in data.kinds])
    accs = []
    for _, test in data.folds:
        p = _softmax(logits[test] / t)
        at = np.where(p.max(axis=1) >= 0.35, p.argmax(axis=1), -1)
        accs.append(float(np.mean(at == gold[test])))
    return accs


def _choose_bias(z: np.ndarray, gold: np.ndarray, objective: str) -> np.ndarray:
    """Coordinate ascent on one bias per kind (grid −1..1, three passes)."""
    bias = np.zeros(len(KINDS))
    grid = np.linspace(-1.0, 1.0, 21)

    def value(b: np.ndarray) -> float:
        acc, f1 = _acc_f1(gold, (z + b).argmax(axis=1))
        return acc if objective == "acc" else acc + f1

    for _ in range(3):
        for j in range(len(KINDS)):
            scores = []
            for g in grid:
                b = bias.copy()
                b[j] = g
                scores.append(value(b))
            bias[j] = grid[int(np.argmax(scores))]
    bias -= bias.mean()
    return bias


def nested_bias(data: Data, logits: np.ndarray, objective: str) -> np.ndarray:
    """Logits with a bias per kind chosen on the other folds (calibrated by their temperature)."""
    gold = np.array([KINDS.index(k) for k in data.kinds])
    out = logits.copy()
    for _, test in data.folds:
        other = np.setdiff1d(data.scored, test)
        t = fit_temperature(logits[other], list(gold[other]))
        b = _choose_bias(logits[other] / t, gold[other], objective)
        out[test] = logits[test] + b * t
    return out


def two_stage(data: Data, n: int) -> np.ndarray:
    """Log-probabilities of a 投诉-or-not NB-SVM, then an NB-SVM over the other kinds."""
    from minyi.pipeline._nbsvm import NBSVM

    y, ci, scale = np.asarray(data.kinds), KINDS.index("complaint"), 1 / 0.386
    out = np.zeros((n, len(KINDS)))
    for train, test in data.folds:
        x = design(data, BASE, train)
        first = NBSVM(C=0.5, class_weight=None, n_jobs=1)
        first.fit(
            x[train],
            np.where(y[train] == "complaint", "complaint", "other"),
            sample_weight=weights_of(data, {}, train),
        )
        s1 = np.asarray(first.decision_function(x[test])).ravel()
        p_complaint = (
            1 / (1 + np.exp(-s1 * scale))
            if str(first.classes_[1]) == "complaint"
            else 1 / (1 + np.exp(s1 * scale))
        )
        rest = train[y[train] != "complaint"]
        x2 = design(data, BASE, rest)
        z2 = _fit_predict("nbsvm", x2[rest], y[rest], weights_of(data, {}, rest), x2[test], 0.5)
        p2 = _softmax(z2 * scale)
        p2[:, ci] = 0
        p2 /= p2.sum(axis=1, keepdims=True)
        p = (1 - p_complaint)[:, None] * p2
        p[:, ci] = p_complaint
        out[test] = np.log(p + 1e-9)
    return out


def rules_mix(data: Data, logits: np.ndarray, t: float, share: float) -> np.ndarray:
    """Log of (1 − share) × calibrated model + share × the rules' distribution."""
    order = [sorted(KINDS).index(k) for k in KINDS]
    r = np.asarray(data.matrices["rules"].todense())[: len(logits)][:, order]
    r /= r.sum(axis=1, keepdims=True)
    out: np.ndarray = np.log((1 - share) * _softmax(logits / t) + share * r)
    return out


def extras(data: Data, n: int) -> None:
    """Two-stage model, rules mixed in, accuracy on sure and unsure rows (of the base)."""
    z = oof(data, dict(VARIANTS["base"]), n)
    r = score(data, z[data.scored])
    gold = np.array([KINDS.index(k) for k in data.kinds])[data.scored]
    right = _softmax(z[data.scored] / r["temperature"]).argmax(axis=1) == gold
    unsure = data.unsure[data.scored]
    print(
        f"base: sure rows {int((~unsure).sum())} acc {right[~unsure].mean():.4f};"
        f" unsure rows {int(unsure.sum())} acc {right[unsure].mean():.4f}"
    )
    runs = [("two_stage", two_stage(data, n))]
    runs += [(f"rules_mix_{a}", rules_mix(data, z, r["temperature"], a)) for a in (0.05, 0.1, 0.2, 0.3)]
    for name, logits in runs:
        q = score(data, logits[data.scored])
        print(
            f"{name:<16} acc {q['acc_at_0.35']:.4f} (never {q['acc_never_abstain']:.4f})"
            f" mF1-5 {q['macro_f1_5']:.4f} mF1-6 {q['macro_f1_6']:.4f}",
            flush=True,
        )


def curve(data: Data, n: int) -> None:
    """Learning curve: each training fold subsampled to 25/50/75 % (three draws each)."""
    y = np.asarray(data.kinds)
    for frac in (0.25, 0.5, 0.75, 1.0):
        scores = []
        for rep in range(3 if frac < 1 else 1):
            rng = np.random.default_rng(rep)
            out, sizes = np.zeros((n, len(KINDS))), []
            for train, test in data.folds:
                sub = np.sort(rng.choice(train, int(len(train) * frac), replace=False)) if frac < 1 else train
                sizes.append(len(sub))
                x = design(data, BASE, sub)
                out[test] = _fit_predict("nbsvm", x[sub], y[sub], weights_of(data, {}, sub), x[test], 0.5)
            r = score(data, out[data.scored])
            scores.append((r["acc_at_0.35"], r["macro_f1_5"]))
        a = np.array(scores)
        print(
            f"curve {frac:.2f}: {int(np.mean(sizes))} training labels, acc/mF1-5 mean {a.mean(0).round(4)}"
            f" min {a.min(0).round(4)} max {a.max(0).round(4)}",
            flush=True,
        )


def refold(data: Data, n: int, seed: int) -> None:
    """Other fold partitions (same grouping: identical text features)."""
    import hashlib
    import warnings

    from sklearn.model_selection import StratifiedGroupKFold

    def key(i: int) -> str:
        h = hashlib.sha1()  # noqa: S324 - a grouping key, not security
        for block in ("t", "b", "w"):
            h.update(data.matrices[block][i].indices.tobytes())
        return h.hexdigest()

    labels = [data.kinds[i] for i in data.scored]
    extra = np.flatnonzero(data.boundary[:n])
    splitter = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        split = splitter.split(np.zeros(len(labels)), labels, [key(i) for i in data.scored])
        data.folds = [(np.concatenate([data.scored[tr], extra]), data.scored[te]) for tr, te in split]


BASE = {"t": 1.0, "b": 1.0, "w": 1.0, "cue": 1.0}
NB: dict[str, Any] = {"c": 0.5, "spec": BASE}
VARIANTS: dict[str, dict[str, Any]] = {
    "base": dict(NB),
    "v1": {**NB, "spec": {**BASE, "v": 1.0}},
    "v0.5": {**NB, "spec": {**BASE, "v": 0.5}},
    "v2": {**NB, "spec": {**BASE, "v": 2.0}},
    "st_0.9_w0.1": {**NB, "tau": 0.9, "w_pseudo": 0.1},
    "st_0.9_w0.3": {**NB, "tau": 0.9, "w_pseudo": 0.3},
    "st_0.95_w0.3": {**NB, "tau": 0.95, "w_pseudo": 0.3},
    "st_0.8_w0.1": {**NB, "tau": 0.8, "w_pseudo": 0.1},
    "st_0.9_w0.3_nocomp": {**NB, "tau": 0.9, "w_pseudo": 0.3, "skip_kinds": ("complaint",)},
    "st_0.7_w0.1": {**NB, "tau": 0.7, "w_pseudo": 0.1},
    "st_0.9_w1": {**NB, "tau": 0.9, "w_pseudo": 1.0},
}
VARIANTS.update(
    {f"v1+{k}": {**v, "spec": {**BASE, "v": 1.0}} for k, v in list(VARIANTS.items()) if k.startswith("st_")}
)


def _print(label: str, r: dict[str, Any], delta: np.ndarray) -> None:
    print(
        f"{label:<24} acc {r['acc_at_0.35']:.4f} (never {r['acc_never_abstain']:.4f}) mF1-6 {r['macro_f1_6']:.4f}"
        f" mF1-5 {r['macro_f1_5']:.4f} help {r['f1']['help']:.2f} rep {r['f1']['report']:.2f}"
        f" sug {r['f1']['suggestion']:.2f} folds {' '.join(f'{a:.3f}' for a in r['folds'])}"
        f" delta {delta.mean():+.4f} [{delta.min():+.3f},{delta.max():+.3f}] pseudo {r['pseudo']} {r['cpu_s']}s",
        flush=True,
    )


def run(data: Data, n: int, names: list[str], bias: set[str]) -> dict[str, dict[str, Any]]:
    """Score each variant (and its nested kind biases if asked); fold deltas against the first."""
    base_folds: list[float] | None = None
    results = {}
    for name in names:
        start = time.process_time()
        v = dict(VARIANTS[name])
        z = oof(data, v, n)
        runs = [(name, z)]
        if name in bias:
            runs += [
                (name + "+bias_acc", nested_bias(data, z, "acc")),
                (name + "+bias_accf1", nested_bias(data, z, "accf1")),
            ]
        for label, logits in runs:
            r = score(data, logits[data.scored])
            folds = per_fold(data, logits, r["temperature"])
            base_folds = base_folds or folds
            delta = np.array(folds) - np.array(base_folds)
            r.update(
                folds=folds,
                delta=delta.tolist(),
                pseudo=v.get("_pseudo"),
                cpu_s=round(time.process_time() - start, 1),
            )
            np.save(f"/tmp/appeal5_oof_{label}.npy", logits)  # noqa: S108 - scratch
            _print(label, r, delta)
            results[label] = r
    return results


def main() -> None:
    """Run the variants, print scores and paired per-fold differences against the first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/appeal5_blocks.pkl"))  # noqa: S108 - scratch
    parser.add_argument("--variants", default="base,v1")
    parser.add_argument("--bias", default="", help="variants whose logits also get nested kind biases")
    parser.add_argument("--extras", action="store_true", help="two-stage, rules mixed in, sure/unsure rows")
    parser.add_argument("--seeds", action="store_true", help="also fold partitions of seeds 1-4")
    parser.add_argument("--json", type=Path, help="write the scores here")
    args = parser.parse_args()
    data, n = build(args.data_dir, args.cache)
    print(
        f"{n} labelled rows, {data.matrices['t'].shape[0] - n} unlabelled; blocks",
        {k: m.shape[1] for k, m in data.matrices.items()},
        flush=True,
    )
    names = args.variants.split(",")
    results = {"seed0": run(data, n, names, set(args.bias.split(",")))}
    if args.extras:
        extras(data, n)
        curve(data, n)
    for seed in (1, 2, 3, 4) if args.seeds else ():
        refold(data, n, seed)
        print(f"-- fold seed {seed}")
        results[f"seed{seed}"] = run(data, n, names, set())
    if args.json:
        args.json.write_text(json.dumps(results, default=float))


if __name__ == "__main__":
    main()
