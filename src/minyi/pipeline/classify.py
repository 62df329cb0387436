"""Sort messages into categories (or departments) with a calibrated linear model.

Recipe (chosen by grouped cross-validation on raw messages, see ``bench/README.md``):

1. :class:`~minyi.pipeline.normalize.TextNormalizer` (Traditional→Simplified,
   full-width, HTML, whitespace), truncated to ``max_chars`` (skipped with
   ``normalized=True`` when the pipeline normalised the text already);
2. :class:`~minyi.pipeline.segment.Segmenter` tokens (stop words and one-character
   tokens removed);
3. three TF-IDF blocks (sublinear tf), stacked: word 1–2-grams over the tokens,
   character 1–3-grams inside tokens (like ``char_wb``), and character 1–2-grams over
   the first ``head_tokens`` tokens weighted by ``head_weight``.  The head block
   stands in for the title: messages arrive as 留言主题 followed by 留言详情, so
   the first words are the title.  The blocks are NumPy code (:mod:`._ngrams`), four
   times faster than scikit-learn's vectorisers, with the same weights;
4. class-balanced linear SVMs, one per class against the rest, on the features scaled by
   their naive-Bayes log-count ratios (NB-SVM, :mod:`._nbsvm`; ``nb_weighting=False``: one
   plain ``LinearSVC``), calibrated by ``CalibratedClassifierCV`` (sigmoid,
   ``calibration_folds`` folds; ``ensemble=False``: one SVM on all the data) so that
   :meth:`CategoryClassifier.predict_proba` gives probabilities and
   :meth:`CategoryClassifier.route` can send low-confidence messages to manual
   dispatch.  With fewer than two examples of some class a ``LogisticRegression``
   is used instead.  Only the weights are kept (:class:`._linear.LinearProba`):
   prediction is a sparse product and a few NumPy operations, 0.03 ms for one text
   instead of 2 ms through ``CalibratedClassifierCV.predict_proba``.

Space-separated pre-segmented text (older exports keep only jieba tokens) goes
through the same steps: the segmenter does not merge words across spaces.

:class:`KeywordRouter` is the cold-start fallback for an office with no labelled
history: it scores messages by the names in its category tree.

Saved models (format 2) are a `skops <https://skops.readthedocs.io>`_ file holding
only plain values and NumPy arrays (skops' default trust, never pickle) and a JSON
metadata file; see :meth:`CategoryClassifier.save`.  Format-1 models (scikit-learn
objects) are refused with a message asking to retrain.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import numpy as np
import scipy.sparse as sp

from minyi.pipeline._linear import LinearProba
from minyi.pipeline._ngrams import CharNgrams, WordNgrams
from minyi.pipeline.segment import Segmenter

__all__ = ["FORMAT_VERSION", "CategoryClassifier", "KeywordRouter"]

#: Version of the saved-model layout; bumped when ``save`` changes incompatibly.
#: 2: n-gram blocks and weights saved as plain arrays (1: scikit-learn objects).
FORMAT_VERSION = 2
_METADATA_SUFFIX = ".json"
_SETTINGS = (
    "user_words",
    "word_ngrams",
    "char_ngrams",
    "head_tokens",
    "head_weight",
    "C",
    "class_weight",
    "nb_weighting",
    "calibration_folds",
    "ensemble",
    "min_df",
    "max_chars",
    "confidence_threshold",
    "random_state",
)


class CategoryClassifier:
    """Calibrated text classifier for categories or departments.

    Args:
        user_words: deployment dictionary passed to the :class:`Segmenter`.
        word_ngrams: n-gram range of the word block, or ``None`` to leave it out.
        char_ngrams: n-gram range of the in-word character block, or ``None``.
        head_tokens: how many leading tokens form the "title" block (0: none).
        head_weight: weight of the title block against the other two.
        C: inverse regularisation strength of the linear SVM.
        class_weight: ``"balanced"`` weighs classes inversely to their frequency;
            ``None`` weighs every message alike.
        nb_weighting: scale the features by their naive-Bayes log-count ratios, one SVM
            per class (NB-SVM); ``False``: one multi-class ``LinearSVC`` on the features.
        calibration_folds: folds of the sigmoid calibration.
        ensemble: keep one SVM per calibration fold and average them (scikit-learn's
            ``ensemble=True``); ``False`` fits one SVM on all the data and calibrates
            it on the folds' out-of-fold decisions (a third of the weights).
        min_df: minimum document frequency of the word and character blocks.
        max_chars: longer texts are analysed on their first ``max_chars`` characters.
        confidence_threshold: below this top probability :meth:`route` answers ``None``
            (manual dispatch).
        random_state: seed for anything random (the calibration split is stratified
            and deterministic; the seed is kept for reproducible alternatives).
    """

    def __init__(  # noqa: PLR0913 - one keyword per setting, scikit-learn style
        self,
        *,
        user_words: Sequence[str] = (),
        word_ngrams: tuple[int, int] | None = (1, 2),
        char_ngrams: tuple[int, int] | None = (1, 3),
        head_tokens: int = 12,
        head_weight: float = 0.7,
        C: float = 0.5,  # noqa: N803 - scikit-learn's name for it
        class_weight: str | None = "balanced",
        nb_weighting: bool = True,
        calibration_folds: int = 3,
        ensemble: bool = False,
        min_df: int = 2,
        max_chars: int = 3000,
        confidence_threshold: float = 0.5,
        random_state: int = 0,
    ) -> None:
        self.user_words = user_words
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.head_tokens = head_tokens
        self.head_weight = head_weight
        self.C = C
        self.class_weight = class_weight
        self.nb_weighting = nb_weighting
        self.calibration_folds = calibration_folds
        self.ensemble = ensemble
        self.min_df = min_df
        self.max_chars = max_chars
        self.confidence_threshold = confidence_threshold
        self.random_state = random_state

    # ----------------------------------------------------------------- settings
    def get_params(self, deep: bool = True) -> dict[str, Any]:  # noqa: ARG002 - sklearn signature
        """Return the settings (JSON-friendly: tuples become lists in JSON)."""
        return {name: getattr(self, name) for name in _SETTINGS}

    def _settings_json(self) -> dict[str, Any]:
        """Settings as plain JSON values."""
        params = self.get_params()
        params["user_words"] = list(params["user_words"])
        for key in ("word_ngrams", "char_ngrams"):
            params[key] = None if params[key] is None else list(params[key])
        return params

    # ----------------------------------------------------------------- features
    def _tokens(self, texts: Iterable[str], *, normalized: bool = False) -> list[list[str]]:
        """Normalise (unless ``normalized``), truncate and segment ``texts``."""
        from minyi.pipeline.normalize import TextNormalizer  # local import: sibling stage

        if not hasattr(self, "normalizer_"):
            self.normalizer_ = TextNormalizer(max_chars=self.max_chars).fit()
            self.segmenter_ = Segmenter(user_words=tuple(self.user_words)).fit()
        tokens = self.segmenter_.tokens
        if normalized:  # already normalised by the pipeline (normalising is idempotent)
            return [tokens((text or "")[: self.max_chars]) for text in texts]
        normalize = self.normalizer_.transform_one
        return [tokens(normalize(text or "").text) for text in texts]

    def _blocks(self) -> list[tuple[str, Any, float]]:
        """Fresh (input, n-gram block, weight) triples for the configured blocks."""
        blocks: list[tuple[str, Any, float]] = []
        if self.word_ngrams is not None:
            low, high = self.word_ngrams
            if low != 1 or high not in (1, 2):
                raise ValueError(f"word_ngrams must be (1, 1) or (1, 2), not {self.word_ngrams!r}")
            blocks.append(("full", WordNgrams(max_n=high, min_df=self.min_df), 1.0))
        if self.char_ngrams is not None:
            blocks.append(("full", CharNgrams(*self.char_ngrams, min_df=self.min_df), 1.0))
        if self.head_tokens > 0 and self.head_weight > 0:
            blocks.append(("head", CharNgrams(1, 2, min_df=1), float(self.head_weight)))
        if not blocks:
            raise ValueError("no feature block enabled: set word_ngrams, char_ngrams or head_tokens")
        return blocks

    def _features(
        self, texts: Iterable[str], *, fit: bool = False, normalized: bool = False
    ) -> sp.csr_matrix:
        """Feature matrix of ``texts``; with ``fit`` the blocks learn their vocabularies."""
        full = self._tokens(texts, normalized=normalized)
        head = [tokens[: self.head_tokens] for tokens in full]
        if fit:
            self.blocks_ = self._blocks()
        parts = []
        for source, block, weight in self.blocks_:
            docs = full if source == "full" else head
            matrix = block.fit(docs).transform(docs) if fit else block.transform(docs)
            parts.append(matrix * weight if weight != 1.0 else matrix)
        return sp.hstack(parts, format="csr")

    # ----------------------------------------------------------------- learning
    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Self:
        """Learn vocabularies and the calibrated classifier.

        Raises:
            ValueError: when texts and labels differ in length, a label is empty, or
                fewer than two classes are given.
        """
        labels = [str(label).strip() for label in labels]
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        if any(not label for label in labels):
            raise ValueError(f"empty label at position {next(i for i, x in enumerate(labels) if not x)}")
        classes, counts = np.unique(labels, return_counts=True)
        if len(classes) < 2:  # noqa: PLR2004 - a classifier needs two classes
            raise ValueError(f"need at least two classes, got {list(classes)}")
        for attr in ("normalizer_", "segmenter_"):
            self.__dict__.pop(attr, None)
        features = self._features(texts, fit=True)
        estimator = self._estimator(int(counts.min())).fit(features, labels)
        self.estimator_ = LinearProba.from_estimator(estimator)
        self.classes_ = list(self.estimator_.classes)
        self.n_training_ = len(labels)
        self.version_ = self._fingerprint(texts, labels)
        self.metrics_: dict[str, Any] | None = None
        self.routing_: dict[str, Any] | None = None
        return self

    def _estimator(self, smallest_class: int) -> Any:
        """The calibrated SVM, or a logistic regression when a class is too small to calibrate."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        folds = min(self.calibration_folds, smallest_class)
        if folds < 2:  # noqa: PLR2004 - calibration needs two folds
            return LogisticRegression(C=10 * self.C, max_iter=2000)
        if self.nb_weighting:
            from minyi.pipeline._nbsvm import NBSVM

            svm: Any = NBSVM(C=self.C, class_weight=self.class_weight)
        else:
            svm = LinearSVC(C=self.C, class_weight=self.class_weight)
        return CalibratedClassifierCV(svm, cv=folds, method="sigmoid", ensemble=self.ensemble)

    def _fingerprint(self, texts: Sequence[str], labels: Sequence[str]) -> str:
        """Content hash of the settings and the training data: the model's version."""
        digest = hashlib.sha256(json.dumps(self._settings_json(), sort_keys=True).encode())
        for text, label in zip(texts, labels, strict=True):
            digest.update(b"\x1e" + label.encode() + b"\x1f" + (text or "").encode())
        return f"cat-{digest.hexdigest()[:16]}"

    # --------------------------------------------------------------- prediction
    def _check_fitted(self) -> None:
        if not hasattr(self, "estimator_"):
            raise RuntimeError("CategoryClassifier is not fitted: call fit() or load() first")

    def predict_proba(self, texts: Iterable[str], *, normalized: bool = False) -> np.ndarray:
        """Probabilities, one row per text, columns in the order of ``classes_``; rows sum to 1.

        ``normalized=True`` skips the :class:`TextNormalizer` step for texts that
        an earlier stage already normalised (the pipeline does).
        """
        self._check_fitted()
        proba = self.estimator_.predict_proba(self._features(texts, normalized=normalized))
        normalised: np.ndarray = proba / proba.sum(axis=1, keepdims=True)
        return normalised

    def predict(self, texts: Iterable[str], *, normalized: bool = False) -> list[str]:
        """Most probable label of each text."""
        proba = self.predict_proba(texts, normalized=normalized)
        return [self.classes_[i] for i in proba.argmax(axis=1)]

    def top_k(
        self, texts: Iterable[str], k: int = 3, *, normalized: bool = False
    ) -> list[list[tuple[str, float]]]:
        """The ``k`` most probable labels of each text, most probable first."""
        proba = self.predict_proba(texts, normalized=normalized)
        order = np.argsort(-proba, axis=1, kind="stable")[:, : max(k, 0)]
        return [
            [(self.classes_[j], float(row[j])) for j in idx] for row, idx in zip(proba, order, strict=True)
        ]

    def confidence(self, proba: np.ndarray) -> np.ndarray:
        """How sure each prediction is: the top probability (what routing thresholds compare)."""
        top: np.ndarray = proba.max(axis=1)
        return top

    @property
    def routing_threshold(self) -> float | None:
        """The threshold chosen for a target precision at training (``routing_``), if any.

        ``None`` both when none was chosen and when none reaches the target; see
        :attr:`routes_nothing` to tell them apart.
        """
        value = (getattr(self, "routing_", None) or {}).get("threshold")
        return float(value) if isinstance(value, int | float) else None

    @property
    def routes_nothing(self) -> bool:
        """A threshold was sought at training and none reached the target precision."""
        routing = getattr(self, "routing_", None)
        return bool(routing) and routing.get("threshold") is None  # type: ignore[union-attr]

    def route(self, texts: Iterable[str], threshold: float | None = None) -> list[str | None]:
        """Predicted label, or ``None`` (manual dispatch) when its probability is below the threshold."""
        limit = self.confidence_threshold if threshold is None else threshold
        return [label if prob >= limit else None for ((label, prob),) in self.top_k(texts, k=1)]

    # ------------------------------------------------------------- persistence
    def metadata(self) -> dict[str, Any]:
        """JSON-friendly description of the fitted model."""
        self._check_fitted()
        return {
            "format_version": FORMAT_VERSION,
            "kind": "minyi.pipeline.classify.CategoryClassifier",
            "version": self.version_,
            "classes": list(self.classes_),
            "training_size": self.n_training_,
            "settings": self._settings_json(),
            "metrics": self.metrics_,
            "routing": getattr(self, "routing_", None),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write ``path`` (skops: the blocks' and weights' arrays) and ``path + '.json'``, atomically.

        Returns:
            The metadata path.
        """
        import skops.io as sio

        self._check_fitted()
        target = Path(path)
        meta_path = target.with_name(target.name + _METADATA_SUFFIX)
        state = {
            "format_version": FORMAT_VERSION,
            "blocks": [{"source": s, "weight": w, **b.state()} for s, b, w in self.blocks_],
            "estimator": self.estimator_.state(),
        }
        _atomic_write(target, sio.dumps(state))
        meta = json.dumps(self.metadata(), ensure_ascii=False, indent=2) + "\n"
        _atomic_write(meta_path, meta.encode("utf-8"))
        return meta_path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CategoryClassifier:
        """Load a model written by :meth:`save`.

        The file holds only plain values and NumPy arrays (skops' default trust,
        no pickle).  Load models from paths the office controls all the same.

        Raises:
            ValueError: the model was written in another format (e.g. by an older
                version: retrain it) or is not a category model.
        """
        import skops.io as sio

        target = Path(path)
        meta = json.loads(target.with_name(target.name + _METADATA_SUFFIX).read_text("utf-8"))
        found = meta.get("format_version")
        if found != FORMAT_VERSION:
            raise ValueError(
                f"{target} is a category model in format {found!r}; this version reads format "
                f"{FORMAT_VERSION}: train the model again (`minyi model train`)"
            )
        data = target.read_bytes()
        untrusted = sio.get_untrusted_types(data=data)
        if untrusted:
            raise ValueError(f"{target} holds types a category model never holds: {untrusted}")
        state = sio.loads(data, trusted=[])
        if not isinstance(state, dict) or state.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{target} does not hold a category model in format {FORMAT_VERSION}")
        settings = dict(meta["settings"])
        settings.setdefault("nb_weighting", False)  # models saved before NB-SVM were plain SVMs
        for key in ("word_ngrams", "char_ngrams"):
            settings[key] = None if settings[key] is None else tuple(settings[key])
        settings["user_words"] = tuple(settings["user_words"])
        model = cls(**settings)
        model.blocks_ = [
            (str(b["source"]), _block_from_state(b), float(b["weight"])) for b in state["blocks"]
        ]
        model.estimator_ = LinearProba.from_state(state["estimator"])
        model.classes_ = list(meta["classes"])
        model.n_training_ = int(meta["training_size"])
        model.version_ = str(meta["version"])
        model.metrics_ = meta.get("metrics")
        model.routing_ = meta.get("routing")
        return model


def _block_from_state(state: dict[str, Any]) -> WordNgrams | CharNgrams:
    """An n-gram block rebuilt from its saved state."""
    if state.get("kind") == "word":
        return WordNgrams.from_state(state)
    if state.get("kind") == "char":
        return CharNgrams.from_state(state)
    raise ValueError(f"unknown feature block {state.get('kind')!r} in a category model")


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_NAME_SPLIT = re.compile(r"[、，,;；/（）()\s]+|以及|及|和|与")


class KeywordRouter:
    """Cold-start routing by the names in a category tree, with no training data.

    Each first-level category is described by its own name and the names of its
    second- and third-level categories.  Names are split at ``、和及与/`` and
    segmented (plain and search mode, so ``垃圾处理`` also gives ``垃圾``); every
    piece of two or more characters that is not a stop word becomes a keyword.  A
    keyword shared by several categories counts ``1/n`` towards each.  A message
    scores the sum of its matched keywords, title matches counting ``title_weight``
    times; the best category wins, or ``None`` when nothing matches.

    Args:
        tree: first-level name → names below it (any level).
        title_weight: weight of a keyword found in the title.
        user_words: deployment dictionary for splitting names.
    """

    def __init__(
        self, tree: Mapping[str, Iterable[str]], title_weight: float = 2.0, user_words: Sequence[str] = ()
    ) -> None:
        self.tree = tree
        self.title_weight = title_weight
        self.user_words = user_words

    def fit(self, texts: Iterable[str] | None = None, labels: Iterable[str] | None = None) -> Self:  # noqa: ARG002
        """Build the keyword table from the tree (texts and labels are ignored)."""
        segmenter = Segmenter(user_words=tuple(self.user_words)).fit()
        owners: dict[str, set[str]] = {}
        for top, names in self.tree.items():
            for name in [top, *names]:
                for piece in _NAME_SPLIT.split(str(name or "")):
                    pieces = {piece, *segmenter.tokens(piece), *segmenter.jieba_.cut_for_search(piece)}
                    for word in pieces - segmenter.stop_words_:
                        if len(word) >= 2:  # noqa: PLR2004 - one character matches everything
                            owners.setdefault(word, set()).add(top)
        self.classes_ = list(self.tree)
        self.keywords_ = {w: {c: 1.0 / len(o) for c in o} for w, o in sorted(owners.items())}
        return self

    def scores(self, text: str, title: str = "") -> dict[str, float]:
        """Keyword score of each category for one message."""
        if not hasattr(self, "keywords_"):
            self.fit()
        result = dict.fromkeys(self.classes_, 0.0)
        for word, share in self.keywords_.items():
            weight = (word in text) + self.title_weight * (bool(title) and word in title)
            if weight:
                for category, part in share.items():
                    result[category] += weight * part
        return result

    def predict(self, texts: Iterable[str], titles: Iterable[str] | None = None) -> list[str | None]:
        """Best category per message, ``None`` when no keyword matches."""
        texts = list(texts)
        title_list = list(titles) if titles is not None else [""] * len(texts)
        out: list[str | None] = []
        for text, title in zip(texts, title_list, strict=True):
            scores = self.scores(text, title)
            best = max(scores, key=lambda c: scores[c], default=None)
            out.append(best if best is not None and scores[best] > 0 else None)
        return out
