"""The trained kind-of-appeal model as it runs at intake: weights in a file, NumPy arithmetic.

The rules alone (:class:`~minyi.pipeline.appeal.AppealClassifier`) were right for about six
messages in ten; a linear model trained on human labels, with the cue rules among its
features (:mod:`minyi.pipeline.appeal_features`), does much better (bench/README.md).
Intake must not need scikit-learn, a database or a download, so the fitted weights are
shipped as package data (``minyi/pipeline/data/appeal_model.npz``: the feature names, a
weight matrix, the intercepts, a temperature and an abstain threshold, no message text)
and :func:`default_appeal_classifier` loads them once per process.

Calibrated probabilities
    ``softmax(logits / temperature)``; the temperature was fitted on out-of-fold
    predictions of the human-labelled training messages, so that "0.8" means right about
    eight times in ten.

Undetermined (未能判断)
    When the best kind's probability is below ``threshold``, or the text holds almost no
    Chinese (empty, Latin only) or almost no character pair seen in training (garbled
    encodings), the answer is :data:`UNDETERMINED`: a guess more likely wrong
    than right must not drive a deadline rule or a department's complaint count.  The best
    guess stays in the reasons.

Reasons
    The cue rules that fired (as the rules give them) and ``model → kind 0.87``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from minyi.pipeline.appeal import KINDS, AppealClassifier, AppealResult, Message
from minyi.pipeline.appeal_fast import BatchScores, FastScorer
from minyi.pipeline.appeal_features import FeatureMaker, Features

__all__ = [
    "DEFAULT_MODEL_RESOURCE",
    "UNDETERMINED",
    "AppealModel",
    "TrainedAppealClassifier",
    "default_appeal_classifier",
]

#: The kind given below the threshold (a value of :class:`minyi.cases.models.AppealKind`).
UNDETERMINED = "undetermined"
#: The packaged model inside ``minyi.pipeline.data``.
DEFAULT_MODEL_RESOURCE = "appeal_model.npz"
_FORMAT = 1
#: two Chinese characters anywhere: fewer (empty, garbled, Latin only) is undetermined;
#: a search stops at the second one where counting them all read the whole body
_HANS = re.compile(r"[\u4e00-\u9fff][^\u4e00-\u9fff]*[\u4e00-\u9fff]")
_PAIR_LENGTH = 4  # "t:" or "b:" and two characters
_MIN_PAIRS = 4  # shorter texts are judged by the threshold alone
_MIN_KNOWN_SHARE = 0.15  # real messages: about 0.6 to 0.9 of their pairs known; garbled: 0

F32 = NDArray[np.float32]


class AppealModel:
    """Fitted weights of the linear appeal model, and its calibrated probabilities.

    Args:
        names: feature names, in the row order of ``weights``.
        weights: ``(len(names), len(KINDS))`` coefficients.
        intercepts: one per kind (``-inf``-like for a kind never seen in training).
        temperature: logits are divided by it before the softmax (calibration).
        threshold: below this probability the kind is :data:`UNDETERMINED`.
        version: names the training data and settings; stored with every result.
        rules_version: the cue table the ``c:`` features were numbered by.
        body_chars: body characters read (see :class:`FeatureMaker`).
    """

    def __init__(  # noqa: PLR0913 - the parts of one fitted model
        self,
        names: Sequence[str],
        weights: F32,
        intercepts: F32,
        *,
        temperature: float,
        threshold: float,
        version: str,
        rules_version: str,
        body_chars: int = 400,
    ) -> None:
        """Keep the weights and index the feature names."""
        self.names = list(names)
        self.weights = np.asarray(weights, dtype=np.float32)
        self.intercepts = np.asarray(intercepts, dtype=np.float32)
        if self.weights.shape != (len(self.names), len(KINDS)) or self.intercepts.shape != (len(KINDS),):
            raise ValueError(
                f"weights {self.weights.shape} do not fit {len(self.names)} names x {len(KINDS)}"
            )
        self.temperature = float(temperature)
        self.threshold = float(threshold)
        self.version = version
        self.rules_version = rules_version
        self.body_chars = body_chars

    @cached_property
    def index(self) -> dict[str, int]:
        """Feature name → row, built on first use: only the named path needs it.

        Intake's integer path (:mod:`minyi.pipeline.appeal_fast`) keeps its own tables by
        block, so a worker does not hold this dict of 80,000 names as well (about 4 MB).
        """
        return {name: i for i, name in enumerate(self.names)}

    def logits(self, features: Sequence[Features]) -> NDArray[np.float64]:
        """Uncalibrated scores, one row per message, columns in :data:`KINDS` order."""
        out = np.tile(self.intercepts.astype(np.float64), (len(features), 1))
        index = self.index
        for row, feats in enumerate(features):
            rows = [(index[name], value) for name, value in feats.items() if name in index]
            if rows:
                ids = np.fromiter((i for i, _ in rows), dtype=np.int64, count=len(rows))
                values = np.fromiter((v for _, v in rows), dtype=np.float64, count=len(rows))
                out[row] += values @ self.weights[ids]
        return out

    def proba(self, features: Sequence[Features]) -> NDArray[np.float64]:
        """Calibrated probabilities, one row per message."""
        return self.calibrated(self.logits(features))

    def calibrated(self, logits: NDArray[np.float64]) -> NDArray[np.float64]:
        """``softmax(logits / temperature)``: apart so that both paths of the logits share it."""
        z = logits / self.temperature
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        out: NDArray[np.float64] = e / e.sum(axis=1, keepdims=True)
        return out

    def save(self, path: str | Path) -> None:
        """Write a compressed ``.npz`` (no pickle), atomically."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp.npz")
        np.savez_compressed(
            tmp,
            format=np.array(_FORMAT),
            kinds=np.array(KINDS),
            names=np.array(self.names),
            weights=self.weights.astype(np.float16),
            intercepts=self.intercepts,
            settings=np.array([self.temperature, self.threshold, float(self.body_chars)]),
            versions=np.array([self.version, self.rules_version]),
        )
        tmp.replace(target)

    @classmethod
    def load(cls, path: str | Path | Any) -> AppealModel:
        """Read a file written by :meth:`save` (a path or a binary file object).

        Raises:
            ValueError: when the file is not an appeal model of this format.
        """
        try:
            with np.load(path, allow_pickle=False) as data:
                parts = {key: data[key] for key in data.files}
        except (OSError, ValueError, EOFError) as exc:
            raise ValueError(f"{path}: not an appeal model ({exc})") from exc
        if int(parts.get("format", -1)) != _FORMAT or tuple(parts.get("kinds", ())) != KINDS:
            raise ValueError(f"{path}: unknown appeal model format")
        temperature, threshold, body_chars = (float(x) for x in parts["settings"])
        version, rules_version = (str(x) for x in parts["versions"])
        return cls(
            [str(n) for n in parts["names"]],
            parts["weights"].astype(np.float32),
            parts["intercepts"],
            temperature=temperature,
            threshold=threshold,
            version=version,
            rules_version=rules_version,
            body_chars=int(body_chars),
        )


class TrainedAppealClassifier(AppealClassifier):
    """The cue rules plus the trained model: what intake runs (:class:`TextPipeline`'s ``appeal``).

    Args:
        model: the fitted weights.
        normalize: normalise texts first (the pipeline passes normalised texts: ``False``).
        threshold: overrides the model's abstain threshold.
        fast: compute the character blocks of a batch as integers
            (:mod:`minyi.pipeline.appeal_fast`); ``False`` runs the named features of
            training, the reference the tests and benchmarks compare it with.
    """

    def __init__(
        self,
        model: AppealModel,
        *,
        normalize: bool = False,
        threshold: float | None = None,
        fast: bool = True,
    ) -> None:
        """Prepare the rules the features were built with."""
        super().__init__(use_model=False, normalize=normalize)
        self._prepare_rules()
        if self.version_ != model.rules_version:
            raise ValueError(
                f"the model was trained with {model.rules_version}, the rules are {self.version_}"
            )
        self.appeal_model = model
        self.threshold = model.threshold if threshold is None else threshold
        self.features_ = FeatureMaker(self, body_chars=model.body_chars)
        self.version_ = model.version
        self.fast = fast
        self.fast_ = FastScorer(self.features_, model.names, model.weights, model.intercepts)

    def proba(self, texts: Iterable[Message]) -> NDArray[np.float64]:
        """Calibrated probabilities, columns in :data:`KINDS` order (for benchmarks)."""
        return self.appeal_model.calibrated(self.scores([self._pair(t) for t in texts]).logits)

    def scores(self, pairs: Sequence[tuple[str, str]]) -> BatchScores:
        """Logits, familiarity and rule reasons of normalised pairs, by either path."""
        model = self.appeal_model
        if self.fast:
            return self.fast_.scores(pairs)
        features, reasons = self.features_.many(pairs)
        familiar = np.array([self._familiar(f) for f in features], dtype=bool)
        return BatchScores(model.logits(features), familiar, reasons)

    def predict_results(self, texts: Iterable[Message]) -> list[AppealResult]:
        """Kind (or :data:`UNDETERMINED`), calibrated confidence and reasons for each message."""
        pairs = [self._pair(t) for t in texts]
        if not pairs:
            return []
        scores = self.scores(pairs)
        proba = self.appeal_model.calibrated(scores.logits)
        results = []
        rows = zip(pairs, scores.familiar, proba, scores.reasons, strict=True)
        for (title, body), familiar, row, reasons in rows:
            best = int(row.argmax())
            confidence = round(float(row[best]), 4)
            said = [f"model → {KINDS[best]} {confidence:.2f}", *reasons]
            if confidence < self.threshold or not familiar or not _readable(title + body):
                results.append(AppealResult(UNDETERMINED, confidence, said))
            else:
                results.append(AppealResult(KINDS[best], confidence, said))
        return results

    def _familiar(self, features: Features) -> bool:
        """Whether enough of the text's character pairs were seen in training.

        Garbled text (UTF-8 read as GBK: ``鎶曡瘔鐗╀笟``) is made of real characters in
        pairs no message has: its probabilities would only echo the intercepts.
        """
        pairs = [name for name in features if len(name) == _PAIR_LENGTH and name[:2] in ("t:", "b:")]
        if len(pairs) < _MIN_PAIRS:
            return True
        known = sum(name in self.appeal_model.index for name in pairs)
        return known >= _MIN_KNOWN_SHARE * len(pairs)


def _readable(text: str) -> bool:
    """Whether the text holds enough Chinese to judge: the model was trained on Chinese only."""
    return _HANS.search(text) is not None


_LOCK = threading.Lock()


@cache
def _packaged() -> AppealModel | None:
    resource = resources.files("minyi.pipeline").joinpath("data", DEFAULT_MODEL_RESOURCE)
    if not resource.is_file():
        return None
    with resource.open("rb") as handle:
        return AppealModel.load(handle)


def default_appeal_classifier(*, normalize: bool = False) -> AppealClassifier:
    """The packaged trained model, else the rules alone; one instance per process.

    The rules are the fallback so that a build without the weights file still takes
    messages in; the version stored with each analysis says which one ran.  The instance
    is shared (its segmenter's dictionary loads once); :class:`TextPipeline` calls it under
    its lock.
    """
    with _LOCK:
        return _default(normalize=normalize)


@cache
def _default(*, normalize: bool) -> AppealClassifier:
    model = _packaged()
    if model is None:
        return AppealClassifier(use_model=False, normalize=normalize)
    return TrainedAppealClassifier(model, normalize=normalize)
