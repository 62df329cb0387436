"""Choose the confidence above which a message is routed without a dispatcher.

What saves a dispatcher's time is the share of messages the model routes by itself
(*coverage*) at a precision the centre accepts (say 99 %): a threshold on the
model's confidence trades one for the other.  The threshold must be chosen on the
training data only, so :func:`out_of_fold_confidence` cross-validates the training
recipe (duplicates kept within one fold): every training message gets a confidence and
a right/wrong from a model that never saw it, as new messages will.

:func:`choose_threshold` then takes the *smallest* threshold whose routed share is
precise enough, with a safety margin: it aims at ``target + margin × (1 − target)``
(default margin 0.25: 99.25 % for a 99 % target), because a threshold chosen as the
best point of one sample over-promises on the next (the curve is noisy at its end, and
the final model, trained on all the data, is a little more confident than the fold
models).  The margin was set on the training data's own folds, never on held-back data
(``bench/README.md``, "Routing at a chosen precision").

Some training files hold messages only as segmented tokens (words separated by spaces,
stop words removed: older exports, the TipDM token file).  The model learns from them
alike, but they are easier than messages as they arrive, and their confidences would set
the threshold too low.  When at least :data:`MIN_ARRIVING_ROWS` training messages are in
the arriving form, the threshold is chosen on those alone (:func:`arriving_form`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "DEFAULT_MARGIN",
    "DEFAULT_TARGET",
    "RoutingPoint",
    "apply_threshold",
    "arriving_form",
    "choose_threshold",
    "coverage_at_precision",
    "expected_point",
    "near_duplicate_groups",
    "out_of_fold_confidence",
]

DEFAULT_TARGET = 0.99
DEFAULT_MARGIN = 0.25
MIN_ARRIVING_ROWS = 300
_SEGMENTED_SPACES = 0.2  # spaces per CJK character above which a text is a token list
REPORTED_TARGETS = (0.97, 0.98, 0.99)
NESTED_REPEATS = 10  # shuffles averaged by expected_point (each costs one threshold choice per fold)


@dataclass(frozen=True)
class RoutingPoint:
    """A threshold and what it does: the share routed and the precision of what is routed.

    ``threshold`` is ``None`` when no threshold reaches the precision: nothing is routed.
    """

    threshold: float | None
    coverage: float
    precision: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly dictionary."""
        return asdict(self)


def _sorted(confidence: ArrayLike, correct: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    conf = np.asarray(confidence, dtype=np.float64).ravel()
    right = np.asarray(correct, dtype=bool).ravel()
    if conf.shape != right.shape:
        raise ValueError(f"{conf.size} confidences but {right.size} right/wrong values")
    order = np.argsort(-conf, kind="stable")
    return conf[order], right[order]


def coverage_at_precision(confidence: ArrayLike, correct: ArrayLike, target: float) -> RoutingPoint:
    """The largest share that can be routed with precision ≥ ``target``, and its threshold.

    Messages with equal confidence are routed together (a threshold cannot split them).
    """
    conf, right = _sorted(confidence, correct)
    if conf.size == 0:
        return RoutingPoint(None, 0.0, 0.0)
    precision = np.cumsum(right) / np.arange(1, conf.size + 1)
    cut = np.append(conf[1:] != conf[:-1], True)  # last position of each run of equal values
    ok = np.flatnonzero(cut & (precision >= target))
    if ok.size == 0:
        return RoutingPoint(None, 0.0, 0.0)
    k = int(ok[-1])
    return RoutingPoint(float(conf[k]), (k + 1) / conf.size, float(precision[k]))


def apply_threshold(confidence: ArrayLike, correct: ArrayLike, threshold: float | None) -> RoutingPoint:
    """Share with confidence ≥ ``threshold`` (``None``: none) and the precision among them."""
    conf, right = _sorted(confidence, correct)
    if threshold is None or conf.size == 0:
        return RoutingPoint(threshold, 0.0, 0.0)
    routed = conf >= threshold
    count = int(routed.sum())
    precision = float(right[routed].mean()) if count else 0.0
    return RoutingPoint(threshold, count / conf.size, precision)


def choose_threshold(
    confidence: ArrayLike, correct: ArrayLike, target: float = DEFAULT_TARGET, margin: float = DEFAULT_MARGIN
) -> RoutingPoint:
    """The routing threshold for ``target`` precision, aiming ``margin`` of the way to 100 %.

    Returns the point on the given (out-of-fold) data; its ``precision`` is what the
    data says, at least ``target + margin × (1 − target)``.
    """
    if not 0 < target < 1:
        raise ValueError(f"target precision must be between 0 and 1, not {target}")
    aim = target + margin * (1 - target)
    return coverage_at_precision(confidence, correct, aim)


def expected_point(
    confidence: ArrayLike,
    correct: ArrayLike,
    target: float = DEFAULT_TARGET,
    margin: float = DEFAULT_MARGIN,
    *,
    folds: int = 5,
) -> RoutingPoint:
    """What :func:`choose_threshold` delivers on messages it did not choose on.

    The point :func:`choose_threshold` returns is measured on the rows that set it, and
    so flatters itself.  Here the rows are split into ``folds``; the threshold is chosen
    on all folds but one and applied to that one (nested cross-validation of the rule),
    and the routed share and its precision are averaged over :data:`NESTED_REPEATS`
    shuffles.  On the TipDM raw messages, for a 99 % target, the chosen point said 54.8 %
    routed at 99.3 %, this 48.6 % at 98.9 %, and 422 held-back messages 58.8 % at 98.8 %
    (``bench/README.md``, "Threshold rules").  ``threshold`` is ``None``: no one
    threshold stands for the estimate.
    """
    conf = np.asarray(confidence, dtype=np.float64).ravel()
    right = np.asarray(correct, dtype=bool).ravel()
    if conf.size < folds:
        return RoutingPoint(None, 0.0, 0.0)
    shares, precisions = [], []
    for repeat in range(NESTED_REPEATS):
        fold_of = np.empty(conf.size, dtype=np.int64)
        fold_of[np.random.default_rng(repeat).permutation(conf.size)] = np.arange(conf.size) % folds
        routed = np.zeros(conf.size, dtype=bool)
        for fold in range(folds):
            held = fold_of == fold
            limit = choose_threshold(conf[~held], right[~held], target, margin).threshold
            routed[held] = conf[held] >= (np.inf if limit is None else limit)
        shares.append(routed.mean())
        precisions.append(right[routed].mean() if routed.any() else 0.0)
    return RoutingPoint(None, float(np.mean(shares)), float(np.mean(precisions)))


def _segmented(text: str) -> bool:
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    return cjk > 0 and text.count(" ") / cjk > _SEGMENTED_SPACES


def arriving_form(texts: Sequence[str]) -> np.ndarray:
    """Which texts are messages as they arrive, not pre-segmented token lists."""
    return np.asarray([not _segmented(text or "") for text in texts], dtype=bool)


def out_of_fold_confidence(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    folds: int = 5,
    random_state: int = 0,
    **settings: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence and right/wrong of every message, from a model trained without its fold.

    Near-duplicates (:func:`near_duplicate_groups`) stay in one fold: a copy of a message
    in the other folds makes the model sure of it, and the threshold would come out too low.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    from minyi.pipeline.classify import CategoryClassifier

    smallest = min(np.unique(np.asarray(labels), return_counts=True)[1])
    splitter = StratifiedGroupKFold(
        n_splits=max(2, min(folds, int(smallest))), shuffle=True, random_state=random_state
    )
    confidence = np.zeros(len(texts))
    correct = np.zeros(len(texts), dtype=bool)
    for fit_idx, test_idx in splitter.split(texts, labels, near_duplicate_groups(texts)):
        model = CategoryClassifier(random_state=random_state, **settings)
        model.fit([texts[i] for i in fit_idx], [labels[i] for i in fit_idx])
        proba = model.predict_proba([texts[i] for i in test_idx])
        confidence[test_idx] = model.confidence(proba)
        predicted = np.asarray(model.classes_)[proba.argmax(axis=1)]
        correct[test_idx] = predicted == np.asarray([labels[i] for i in test_idx])
    return confidence, correct


def near_duplicate_groups(texts: Sequence[str], threshold: float = 0.5) -> list[int]:
    """Group ids joining texts whose word sets overlap by Jaccard ≥ ``threshold`` (transitively).

    Message boards hold many near-copies (the same complaint posted again, a joint
    letter); words are the segmenter's tokens, so raw and pre-segmented text compare alike.
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    from minyi.pipeline.segment import Segmenter

    if not texts:
        return []
    segmenter = Segmenter().fit()
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, text in enumerate(texts):
        words = {vocabulary.setdefault(w, len(vocabulary)) for w in segmenter.tokens(text or "")}
        rows.extend([i] * len(words))
        cols.extend(words)
    x = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(texts), len(vocabulary) or 1)
    )
    overlap = (x @ x.T).tocoo()
    size = np.asarray(x.sum(axis=1)).ravel()
    union = np.maximum(size[overlap.row] + size[overlap.col] - overlap.data, 1)
    keep = (overlap.data / union) >= threshold
    graph = sp.coo_matrix(
        (np.ones(int(keep.sum())), (overlap.row[keep], overlap.col[keep])), shape=(len(texts), len(texts))
    )
    _, groups = connected_components(graph, directed=False)
    return [int(g) for g in groups]
