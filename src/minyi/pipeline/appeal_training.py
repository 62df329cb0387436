"""Train the kind-of-appeal model (:class:`~minyi.pipeline.appeal_model.AppealModel`).

Human labels are few (about three thousand), so:

* the model is linear: logistic regression, or (``model="nbsvm"``) one linear SVM per kind
  on features scaled by their naive-Bayes log-count ratios, which cross-validated about
  0.01 better on these labels and trains in seconds (bench/README.md, Kind of appeal,
  fourth round); either ships as one weight matrix, so intake does not change;

* the cue rules are features (the model learns how far to trust each cue);
* messages nobody labelled may be added with the rules' answer as a **weak label**, at a
  small sample weight, only where the rules are confident (``weak_min_confidence``); the
  benchmark measures whether they help on the test split, and the command keeps them only
  when asked (``weak_weight`` 0 turns them off);
* kinds are weighted by the inverse of their frequency among the human labels, so the
  rare kinds (表扬, 求助) are not swallowed by 投诉;
* a label may carry its own weight (``row_weights``): the command gives rows drawn where the
  model hesitates (``sample=boundary…``) or marked ``unsure`` by the annotator a lower one
  when asked (:func:`label_weights`), since another kind was defensible for them;
* the probabilities are **calibrated** by one temperature fitted on out-of-fold logits of
  the human-labelled messages (the weak ones never judge the calibration; copies of one
  text stay in one fold, so a copy cannot vouch for itself), and the abstain threshold is
  a calibrated probability;
* the threshold is low (0.35): with six kinds a guess at 0.4 is still right about half the
  time, while 未能判断 is always a miss for the deadline rules and the figures; in
  cross-validation on the 1,606 labels 0.5 left 9% undetermined and cost 0.037 of
  accuracy, 0.35 leaves 0.5% (bench/README.md, Kind of appeal).

scikit-learn is imported here only: prediction needs NumPy alone.
"""

from __future__ import annotations

import hashlib
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from minyi.pipeline.appeal import KINDS, AppealClassifier
from minyi.pipeline.appeal_features import FeatureMaker, Features
from minyi.pipeline.appeal_model import AppealModel

__all__ = ["AppealTrainingError", "TrainSettings", "fit_temperature", "label_weights", "train_appeal_model"]

_MIN_PER_KIND = 2
_MIN_LABELS = 20


class AppealTrainingError(ValueError):
    """Training data that cannot make a model; the text says why."""


@dataclass(frozen=True)
class TrainSettings:
    """How the model is trained (each documented in the module docstring).

    Attributes:
        model: ``"lr"`` (logistic regression) or ``"nbsvm"`` (linear SVMs on naive-Bayes
            scaled features, :class:`minyi.pipeline._nbsvm.NBSVM`); both ship as the same
            weight matrix and are calibrated the same way.
        c: inverse regularisation strength of the logistic regression.
        nbsvm_c: inverse regularisation strength of each NB-SVM.
        weak_weight: sample weight of a weak label (0: no weak labels).
        weak_min_confidence: lowest rule confidence for a weak label.
        weak_max: at most this many weak labels (the most confident first).
        threshold: abstain below this calibrated probability.
        balance: kind weights are (inverse frequency) ** balance: 1 balanced, 0 none.
        min_df: a feature must occur in this many training messages. 3 since the fifth
            labelling round (9,220 labels): as accurate as 2 in cross-validation, half the
            features, so half the model each process loads.
        folds: cross-validation folds for the calibration.
        body_chars: body characters read.
        boundary_weight: weight of a label drawn where the model hesitated (``sample``
            starting with ``boundary``), applied by :func:`label_weights`.
        unsure_weight: weight of a label its annotator marked ``unsure`` (multiplies).
    """

    model: str = "nbsvm"
    c: float = 16.0
    nbsvm_c: float = 0.5
    weak_weight: float = 0.0
    weak_min_confidence: float = 0.6
    weak_max: int = 3000
    threshold: float = 0.35
    balance: float = 0.5
    min_df: int = 3
    folds: int = 5
    body_chars: int = 400
    boundary_weight: float = 1.0
    unsure_weight: float = 1.0


def label_weights(samples: Sequence[str], confidences: Sequence[str], settings: TrainSettings) -> list[float]:
    """One weight per label from how it was drawn and how sure its annotator was."""
    return [
        (settings.boundary_weight if sample.startswith("boundary") else 1.0)
        * (settings.unsure_weight if confidence == "unsure" else 1.0)
        for sample, confidence in zip(samples, confidences, strict=True)
    ]


def _vocabulary(features: Sequence[Features], min_df: int) -> list[str]:
    counts: Counter[str] = Counter()
    for f in features:
        counts.update(f.keys())
    return sorted(name for name, n in counts.items() if n >= min_df)


def _matrix(features: Sequence[Features], index: dict[str, int]) -> Any:
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped,unused-ignore]

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, f in enumerate(features):
        for name, value in f.items():
            col = index.get(name)
            if col is not None:
                rows.append(r)
                cols.append(col)
                vals.append(value)
    return csr_matrix((vals, (rows, cols)), shape=(len(features), len(index)), dtype=np.float64)


def _fit_linear(
    x: Any, y: list[str], weights: NDArray[np.float64], settings: TrainSettings
) -> tuple[Any, Any]:
    """The linear model of ``settings``; returns ``(coef, intercept)``, columns in :data:`KINDS` order."""
    clf: Any
    if settings.model == "nbsvm":
        from minyi.pipeline._nbsvm import NBSVM

        clf = NBSVM(C=settings.nbsvm_c, class_weight=None, n_jobs=1)
    else:
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped,unused-ignore]

        clf = LogisticRegression(C=settings.c, max_iter=3000)
    # liblinear (inside each LinearSVC) shuffles with a seed drawn from NumPy's global
    # generator: seed it for the fit, so that one version string means one set of weights
    state = np.random.get_state()  # noqa: NPY002 - the global generator, restored below
    np.random.seed(0)  # noqa: NPY002 - liblinear takes its seed from the global generator
    try:
        clf.fit(x, np.asarray(y), sample_weight=weights)
    finally:
        np.random.set_state(state)  # noqa: NPY002 - as it was
    coef = np.zeros((x.shape[1], len(KINDS)))
    intercept = np.full(len(KINDS), -30.0)
    classes = [str(k) for k in clf.classes_]
    if len(classes) == 2:  # noqa: PLR2004 - scikit-learn keeps one column for two classes
        coef[:, KINDS.index(classes[1])] = clf.coef_[0]
        intercept[KINDS.index(classes[1])] = clf.intercept_[0]
        intercept[KINDS.index(classes[0])] = 0.0
        return coef, intercept
    for j, kind in enumerate(classes):
        coef[:, KINDS.index(kind)] = clf.coef_[j]
        intercept[KINDS.index(kind)] = clf.intercept_[j]
    return coef, intercept


def _balanced(labels: Sequence[str], power: float) -> dict[str, float]:
    counts = Counter(labels)
    return {k: (len(labels) / (len(counts) * n)) ** power for k, n in counts.items()}


def fit_temperature(logits: NDArray[np.float64], gold: Sequence[int]) -> float:
    """The temperature that minimises the negative log-likelihood (grid, then refined)."""
    target = np.asarray(gold)

    def nll(t: float) -> float:
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-log_p[np.arange(len(target)), target].mean())

    grid = np.exp(np.linspace(np.log(0.05), np.log(20.0), 120))
    best = min(grid, key=nll)
    fine = np.linspace(best * 0.9, best * 1.1, 41)
    return round(float(min(fine, key=nll)), 4)


@dataclass
class _Data:
    features: list[Features]
    labels: list[str]
    weights: NDArray[np.float64]
    n_human: int
    groups: list[str]  # one per human label: copies of a text share a group


def _weak_labels(
    maker: FeatureMaker, unlabelled: Sequence[tuple[str, str]], settings: TrainSettings
) -> tuple[list[Features], list[str]]:
    """Confident rule answers on unlabelled messages, the most confident first."""
    if settings.weak_weight <= 0 or not unlabelled:
        return [], []
    scored = []
    for title, body in unlabelled:
        result = maker.rules._rules_result(maker.rules._score(title, body))  # noqa: SLF001 - the rules' own answer
        if result.confidence >= settings.weak_min_confidence:
            scored.append((-result.confidence, title, body, result.kind))
    scored.sort()
    kept = scored[: settings.weak_max]
    features, _ = maker.many([(t, b) for _, t, b, _ in kept])
    return features, [k for *_, k in kept]


def _assemble(  # noqa: PLR0913, PLR0917 - the parts of one training set
    maker: FeatureMaker,
    labelled: Sequence[tuple[str, str]],
    labels: Sequence[str],
    unlabelled: Sequence[tuple[str, str]],
    settings: TrainSettings,
    row_weights: Sequence[float],
) -> _Data:
    human, _ = maker.many(labelled)
    weak, weak_kinds = _weak_labels(maker, unlabelled, settings)
    balance = _balanced(labels, settings.balance)
    weights = [balance[k] * w for k, w in zip(labels, row_weights, strict=True)]
    weights += [settings.weak_weight * balance.get(k, 1.0) for k in weak_kinds]
    groups = ["".join((title + body).split()) for title, body in labelled]
    return _Data(human + weak, [*labels, *weak_kinds], np.asarray(weights), len(labels), groups)


def _check(labels: Sequence[str], n_texts: int, row_weights: Sequence[float]) -> None:
    if len(labels) != n_texts:
        raise AppealTrainingError(f"{n_texts} messages but {len(labels)} labels")
    if len(row_weights) != n_texts or any(not w > 0 for w in row_weights):
        raise AppealTrainingError(f"need one positive weight per label ({n_texts}), got {len(row_weights)}")
    unknown = sorted({k for k in labels if k not in KINDS})
    if unknown:
        raise AppealTrainingError(f"unknown kinds {unknown}; the kinds are {', '.join(KINDS)}")
    counts = Counter(labels)
    if len(labels) < _MIN_LABELS or sum(n >= _MIN_PER_KIND for n in counts.values()) < 2:  # noqa: PLR2004
        raise AppealTrainingError(
            f"too few labels to train: {len(labels)} messages, per kind {dict(counts)}"
            f" (need at least {_MIN_LABELS}, and {_MIN_PER_KIND} of each of two kinds)"
        )


def _out_of_fold_logits(data: _Data, settings: TrainSettings) -> NDArray[np.float64]:
    """Logits of each human-labelled message from a model that did not see it."""
    from sklearn.model_selection import StratifiedGroupKFold  # type: ignore[import-untyped,unused-ignore]

    human_labels = data.labels[: data.n_human]
    folds = min(settings.folds, max(Counter(human_labels).values()), len(set(data.groups)))
    out = np.zeros((data.n_human, len(KINDS)))
    if folds < 2:  # noqa: PLR2004 - no calibration possible: temperature 1
        return out
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=0)
    weak = np.arange(data.n_human, len(data.labels))
    with warnings.catch_warnings():  # a kind rarer than the folds is fine: it is just not in every fold
        warnings.simplefilter("ignore", UserWarning)
        splits = list(splitter.split(np.zeros(data.n_human), human_labels, data.groups))
    for train_idx, test_idx in splits:
        rows = np.concatenate([train_idx, weak])
        vocab = _vocabulary([data.features[i] for i in rows], settings.min_df)
        index = {n: i for i, n in enumerate(vocab)}
        x = _matrix([data.features[i] for i in rows], index)
        coef, intercept = _fit_linear(x, [data.labels[i] for i in rows], data.weights[rows], settings)
        out[test_idx] = _matrix([data.features[i] for i in test_idx], index) @ coef + intercept
    return out


def train_appeal_model(
    labelled: Sequence[tuple[str, str]],
    labels: Sequence[str],
    unlabelled: Sequence[tuple[str, str]] = (),
    settings: TrainSettings | None = None,
    row_weights: Sequence[float] | None = None,
) -> tuple[AppealModel, dict[str, Any]]:
    """Fit the model on normalised ``(title, body)`` pairs; also return a training report.

    ``row_weights`` (one per label, default 1) multiply the kind weights.

    Raises:
        AppealTrainingError: too few labels, unknown kinds, a length mismatch or a weight
            that is not positive.
    """
    settings = settings or TrainSettings()
    if settings.model not in {"lr", "nbsvm"}:
        raise AppealTrainingError(f"unknown model {settings.model!r}; the models are lr and nbsvm")
    weights = [1.0] * len(labels) if row_weights is None else [float(w) for w in row_weights]
    _check(labels, len(labelled), weights)
    rules = AppealClassifier(use_model=False, normalize=False)
    rules._prepare_rules()  # noqa: SLF001 - the rule state is what the features are numbered by
    maker = FeatureMaker(rules, body_chars=settings.body_chars)
    data = _assemble(maker, labelled, labels, unlabelled, settings, weights)
    oof = _out_of_fold_logits(data, settings)
    gold = [KINDS.index(k) for k in labels]
    temperature = fit_temperature(oof, gold) if oof.any() else 1.0
    vocab = _vocabulary(data.features, settings.min_df)
    index = {n: i for i, n in enumerate(vocab)}
    coef, intercept = _fit_linear(_matrix(data.features, index), data.labels, data.weights, settings)
    keep = np.abs(coef).max(axis=1) >= 1e-3  # noqa: PLR2004 - weights that change nothing are not shipped
    names = [n for n, k in zip(vocab, keep, strict=True) if k]
    digest = hashlib.sha256(
        (
            "\n".join(f"{t}\t{b}\t{k}\t{w:g}" for (t, b), k, w in zip(labelled, labels, weights, strict=True))
            + repr(settings)
        ).encode()
    ).hexdigest()[:8]
    version = f"appeal-{settings.model}-{len(labels)}h{len(data.labels) - len(labels)}w-{digest}"
    model = AppealModel(
        names,
        coef[keep].astype(np.float32),
        intercept.astype(np.float32),
        temperature=temperature,
        threshold=settings.threshold,
        version=version,
        rules_version=rules.version_,
        body_chars=settings.body_chars,
    )
    report = {
        "version": version,
        "human_labels": len(labels),
        "weak_labels": len(data.labels) - len(labels),
        "features": len(names),
        "temperature": temperature,
        "threshold": settings.threshold,
        "out_of_fold_logits": oof,
    }
    return model, report
