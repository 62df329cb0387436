"""Load labelled messages, train, evaluate and cross-validate the category classifier.

These are the library functions behind the command line.  They never write
anything: a bad file raises :class:`TrainingDataError` with a message that names
the file, the row or line, and the columns found, and the caller saves a model
(atomically, see :meth:`CategoryClassifier.save`) only after training succeeded.

Reading and checking the files is :mod:`minyi.pipeline.labelled`; this module
re-exports :func:`load_labelled` and :class:`TrainingDataError`.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from minyi.pipeline.classify import CategoryClassifier
from minyi.pipeline.labelled import TrainingDataError, load_labelled

__all__ = [
    "CVReport",
    "EvaluationReport",
    "TrainingDataError",
    "cross_validate",
    "dedup_groups",
    "evaluate",
    "load_labelled",
    "train",
]


def dedup_groups(texts: Sequence[str]) -> list[int]:
    """Group ids such that texts equal up to whitespace share one id (keeps copies on one side)."""
    seen: dict[str, int] = {}
    return [seen.setdefault("".join(text.split()), len(seen)) for text in texts]


@dataclass(frozen=True)
class EvaluationReport:
    """Scores of a model on labelled texts."""

    labels: list[str]
    precision: dict[str, float]
    recall: dict[str, float]
    f1: dict[str, float]
    support: dict[str, int]
    macro_f1: float
    accuracy: float
    confusion: list[list[int]]
    n: int
    routing: dict[str, float | None] | None = None
    coverage_at_precision: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly dictionary."""
        return asdict(self)

    def format_text(self, language: str = "en") -> str:
        """Readable table: per-class scores, the averages, then the confusion matrix.

        ``language`` is ``en`` or ``zh``: the command line speaks its reader's language, and a
        report is read there; the class names are the labels as given.
        """
        zh = language == "zh"
        width = max([len(label) for label in self.labels] + [8])
        head = "类别 精确率 召回率 F1 样本数" if zh else "precision  recall    f1  support"
        lines = [head if zh else f"{'class':<{width}}  {head}"]
        for c in self.labels:
            scores = f"{self.precision[c]:9.3f}  {self.recall[c]:6.3f}  {self.f1[c]:.3f}"
            lines.append(f"{c:<{width}}  {scores}  {self.support[c]:7d}")
        if zh:
            lines.append(f"宏平均 F1 {self.macro_f1:.4f}   准确率 {self.accuracy:.4f}   共 {self.n} 条")
            lines.append("混淆矩阵（行：真实类别，列：预测类别，顺序同上）")
        else:
            lines.append(f"macro-F1 {self.macro_f1:.4f}   accuracy {self.accuracy:.4f}   n={self.n}")
            lines.append("confusion (rows: true, columns: predicted, same order as above)")
        lines += [" ".join(f"{v:5d}" for v in row) for row in self.confusion]
        lines += self._routing_lines(zh)
        return "\n".join(lines)

    def _routing_lines(self, zh: bool) -> list[str]:
        """What the stored routing threshold does on this file, and the best possible."""
        lines = []
        if self.routing and self.routing.get("threshold") is not None:
            r = self.routing
            lines.append(
                f"按保存的阈值 {r['threshold']:.4f} 自动分派 {r['coverage']:.1%}，准确率 {r['precision']:.2%}"
                if zh
                else f"routing at the stored threshold {r['threshold']:.4f}: {r['coverage']:.1%} routed "
                f"automatically, precision {r['precision']:.2%}"
            )
        elif self.routing:
            lines.append(
                "自动分派：训练时没有阈值达到目标准确率，不自动分派"
                if zh
                else "routing: no threshold reached the target precision in training; nothing routed"
            )
        if self.coverage_at_precision:
            if zh:
                best = "，".join(f"准确率 {p} 时 {c:.1%}" for p, c in self.coverage_at_precision.items())
                lines.append(f"本文件上最多可自动分派：{best}")
            else:
                best = ", ".join(f"{c:.1%} at {p}" for p, c in self.coverage_at_precision.items())
                lines.append(f"best possible share routed on this file: {best} precision")
        return lines


def evaluate(model: CategoryClassifier, texts: Sequence[str], labels: Sequence[str]) -> EvaluationReport:
    """Score ``model`` on ``texts`` against ``labels``."""
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    from minyi.pipeline.routing import REPORTED_TARGETS, apply_threshold, coverage_at_precision

    truth = [str(label) for label in labels]
    proba = model.predict_proba(texts)
    predicted = [model.classes_[i] for i in proba.argmax(axis=1)]
    confidence = model.confidence(proba)
    right = [p == t for p, t in zip(predicted, truth, strict=True)]
    stored = getattr(model, "routing_", None)
    routing = apply_threshold(confidence, right, model.routing_threshold).to_dict() if stored else None
    names = sorted(set(truth) | set(model.classes_))
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=names, zero_division=0)
    present = [i for i, name in enumerate(names) if name in set(truth)]
    return EvaluationReport(
        labels=names,
        precision={n: float(v) for n, v in zip(names, p, strict=True)},
        recall={n: float(v) for n, v in zip(names, r, strict=True)},
        f1={n: float(v) for n, v in zip(names, f, strict=True)},
        support={n: int(v) for n, v in zip(names, s, strict=True)},
        macro_f1=float(sum(f[i] for i in present) / max(len(present), 1)),
        accuracy=float(accuracy_score(truth, predicted)),
        confusion=confusion_matrix(truth, predicted, labels=names).tolist(),
        n=len(truth),
        routing=routing,
        coverage_at_precision={
            str(t): coverage_at_precision(confidence, right, t).coverage for t in REPORTED_TARGETS
        },
    )


def train(  # noqa: PLR0913 - the data, then keyword-only settings
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    holdout: float = 0.0,
    target_precision: float | None = None,
    routing_folds: int = 5,
    random_state: int = 0,
    **settings: Any,
) -> CategoryClassifier:
    """Fit a :class:`CategoryClassifier` on all the data.

    With ``target_precision`` the routing threshold is chosen by ``routing_folds``-fold
    cross-validation on the same data (:mod:`minyi.pipeline.routing`) and kept in
    ``model.routing_`` (and so in the saved metadata).

    With ``holdout`` in (0, 1) a stratified share of the (deduplicated) data is
    first held out, scored, and the scores kept in ``model.metrics_`` (and so in
    the saved metadata) before the final fit on everything.
    """
    metrics: dict[str, Any] | None = None
    if 0 < holdout < 1:
        from sklearn.model_selection import StratifiedGroupKFold

        splitter = StratifiedGroupKFold(
            n_splits=max(2, round(1 / holdout)), shuffle=True, random_state=random_state
        )
        fit_idx, test_idx = next(splitter.split(texts, labels, dedup_groups(texts)))
        probe = CategoryClassifier(random_state=random_state, **settings)
        probe.fit([texts[i] for i in fit_idx], [labels[i] for i in fit_idx])
        report = evaluate(probe, [texts[i] for i in test_idx], [labels[i] for i in test_idx])
        metrics = {"holdout": report.to_dict()}
    model = CategoryClassifier(random_state=random_state, **settings).fit(texts, labels)
    model.metrics_ = metrics
    if target_precision is not None:
        model.routing_ = routing_threshold(
            texts, labels, target_precision, folds=routing_folds, random_state=random_state, **settings
        )
    return model


def routing_threshold(
    texts: Sequence[str],
    labels: Sequence[str],
    target_precision: float,
    *,
    folds: int = 5,
    random_state: int = 0,
    **settings: Any,
) -> dict[str, Any]:
    """The routing threshold for ``target_precision``, chosen on out-of-fold confidences.

    Returns what the model keeps: the target, the margin, the threshold (``None``: no
    threshold reaches the target, nothing is routed), the cross-validated coverage and
    precision at it, what the rule delivers on messages it did not choose on
    (``expected_*``: :func:`~minyi.pipeline.routing.expected_point`), and on how many
    messages it was chosen (those in the arriving form
    when there are enough, see :mod:`minyi.pipeline.routing`).
    """
    from minyi.pipeline import routing

    confidence, right = routing.out_of_fold_confidence(
        texts, labels, folds=folds, random_state=random_state, **settings
    )
    arriving = routing.arriving_form(texts)
    if arriving.sum() >= routing.MIN_ARRIVING_ROWS:
        confidence, right = confidence[arriving], right[arriving]
    point = routing.choose_threshold(confidence, right, target_precision, routing.DEFAULT_MARGIN)
    expected = routing.expected_point(confidence, right, target_precision, routing.DEFAULT_MARGIN)
    return {
        "target_precision": target_precision,
        "margin": routing.DEFAULT_MARGIN,
        "threshold": point.threshold,
        "cv_coverage": point.coverage,
        "cv_precision": point.precision,
        "expected_coverage": expected.coverage,
        "expected_precision": expected.precision,
        "folds": folds,
        "n": len(texts),
        "n_chosen_on": len(confidence),
    }


@dataclass(frozen=True)
class CVReport:
    """Cross-validated scores: one value per fold and their mean ± sample standard deviation."""

    macro_f1: list[float]
    accuracy: list[float]
    train_seconds: list[float]
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def macro_f1_mean(self) -> float:
        """Mean macro-F1 over the folds."""
        return statistics.fmean(self.macro_f1)

    @property
    def macro_f1_sd(self) -> float:
        """Sample standard deviation of macro-F1 over the folds."""
        return statistics.stdev(self.macro_f1) if len(self.macro_f1) > 1 else 0.0

    @property
    def accuracy_mean(self) -> float:
        """Mean accuracy over the folds."""
        return statistics.fmean(self.accuracy)

    @property
    def accuracy_sd(self) -> float:
        """Sample standard deviation of accuracy over the folds."""
        return statistics.stdev(self.accuracy) if len(self.accuracy) > 1 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly dictionary, with the means and deviations."""
        out = asdict(self)
        out.update(
            macro_f1_mean=self.macro_f1_mean,
            macro_f1_sd=self.macro_f1_sd,
            accuracy_mean=self.accuracy_mean,
            accuracy_sd=self.accuracy_sd,
        )
        return out

    def format_text(self) -> str:
        """One readable line."""
        return (
            f"{len(self.macro_f1)}-fold macro-F1 {self.macro_f1_mean:.4f} ± {self.macro_f1_sd:.4f}, "
            f"accuracy {self.accuracy_mean:.4f} ± {self.accuracy_sd:.4f}, "
            f"train {statistics.fmean(self.train_seconds):.1f} s per fold"
        )


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    folds: int = 5,
    *,
    groups: Sequence[int] | None = None,
    random_state: int = 0,
    **settings: Any,
) -> CVReport:
    """Stratified k-fold cross-validation that keeps duplicates in one fold.

    ``groups`` (e.g. near-duplicate clusters) keep related texts on one side of
    each split; by default exact duplicates (up to whitespace) are grouped.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=random_state)
    group_ids = list(groups) if groups is not None else dedup_groups(texts)
    f1s, accs, seconds = [], [], []
    for fit_idx, test_idx in splitter.split(texts, labels, group_ids):
        start = time.perf_counter()
        model = CategoryClassifier(random_state=random_state, **settings)
        model.fit([texts[i] for i in fit_idx], [labels[i] for i in fit_idx])
        seconds.append(time.perf_counter() - start)
        report = evaluate(model, [texts[i] for i in test_idx], [labels[i] for i in test_idx])
        f1s.append(report.macro_f1)
        accs.append(report.accuracy)
    return CVReport(macro_f1=f1s, accuracy=accs, train_seconds=seconds, settings=dict(settings))
