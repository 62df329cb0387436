"""Sort messages into categories (or departments) with a calibrated linear model.

Recipe (chosen by grouped cross-validation on raw messages, see ``bench/README.md``):

1. :class:`~minyi.pipeline.normalize.TextNormalizer` (Traditional→Simplified,
   full-width, HTML, whitespace), truncated to ``max_chars``;
2. :class:`~minyi.pipeline.segment.Segmenter` tokens (stop words and one-character
   tokens removed);
3. three TF-IDF blocks (sublinear tf), stacked: word 1–2-grams over the tokens,
   character 1–3-grams inside tokens (``char_wb``), and character 1–2-grams over
   the first ``head_tokens`` tokens weighted by ``head_weight``.  The head block
   stands in for the title: messages arrive as 留言主题 followed by 留言详情, so
   the first words are the title;
4. a ``LinearSVC`` wrapped in ``CalibratedClassifierCV`` (sigmoid, ``calibration_folds``
   folds) so that :meth:`CategoryClassifier.predict_proba` gives probabilities and
   :meth:`CategoryClassifier.route` can send low-confidence messages to manual
   dispatch.  With fewer than two examples of some class a ``LogisticRegression``
   is used instead.

Space-separated pre-segmented text (older exports keep only jieba tokens) goes
through the same steps: the segmenter does not merge words across spaces.

:class:`KeywordRouter` is the cold-start fallback for an office with no labelled
history: it scores messages by the names in its category tree.

Saved models are a `skops <https://skops.readthedocs.io>`_ file holding only
scikit-learn objects (loaded with an explicit allow-list, never with pickle) and a
JSON metadata file; see :meth:`CategoryClassifier.save`.
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

from minyi.pipeline.segment import Segmenter

__all__ = ["FORMAT_VERSION", "CategoryClassifier", "KeywordRouter"]

#: Version of the saved-model layout; bumped when ``save`` changes incompatibly.
FORMAT_VERSION = 1
_METADATA_SUFFIX = ".json"
#: scikit-learn internals that skops does not trust by default; nothing else is accepted.
_SKOPS_ALLOWED = frozenset(
    {"sklearn.calibration._CalibratedClassifier", "sklearn.calibration._SigmoidCalibration"}
)
_SETTINGS = (
    "user_words",
    "word_ngrams",
    "char_ngrams",
    "head_tokens",
    "head_weight",
    "C",
    "calibration_folds",
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
        calibration_folds: folds of the sigmoid calibration.
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
        calibration_folds: int = 3,
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
        self.calibration_folds = calibration_folds
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
    def _documents(self, texts: Iterable[str]) -> tuple[list[str], list[str]]:
        """Normalise and segment ``texts``; return (all tokens, head tokens), space-joined."""
        from minyi.pipeline.normalize import TextNormalizer  # local import: sibling stage

        if not hasattr(self, "normalizer_"):
            self.normalizer_ = TextNormalizer(max_chars=self.max_chars).fit()
            self.segmenter_ = Segmenter(user_words=tuple(self.user_words)).fit()
        full, head = [], []
        for text in texts:
            tokens = self.segmenter_.tokens(self.normalizer_.transform_one(text or "").text)
            full.append(" ".join(tokens))
            head.append(" ".join(tokens[: self.head_tokens]))
        return full, head

    def _blocks(self) -> list[tuple[str, Any, float]]:
        """Fresh (input, vectorizer, weight) triples for the configured blocks."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        blocks: list[tuple[str, Any, float]] = []
        common: dict[str, Any] = {"sublinear_tf": True, "lowercase": False, "dtype": np.float64}
        if self.word_ngrams is not None:
            vec = TfidfVectorizer(
                token_pattern=r"\S+",  # noqa: S106 - a regular expression, not a password
                ngram_range=self.word_ngrams,
                min_df=self.min_df,
                **common,
            )
            blocks.append(("full", vec, 1.0))
        if self.char_ngrams is not None:
            vec = TfidfVectorizer(
                analyzer="char_wb", ngram_range=self.char_ngrams, min_df=self.min_df, **common
            )
            blocks.append(("full", vec, 1.0))
        if self.head_tokens > 0 and self.head_weight > 0:
            vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 2), min_df=1, **common)
            blocks.append(("head", vec, float(self.head_weight)))
        if not blocks:
            raise ValueError("no feature block enabled: set word_ngrams, char_ngrams or head_tokens")
        return blocks

    def _features(self, texts: Iterable[str], *, fit: bool = False) -> sp.csr_matrix:
        """Feature matrix of ``texts``; with ``fit`` the vectorizers learn their vocabularies."""
        full, head = self._documents(texts)
        if fit:
            self.blocks_ = self._blocks()
        parts = []
        for source, vec, weight in self.blocks_:
            docs = full if source == "full" else head
            matrix = vec.fit_transform(docs) if fit else vec.transform(docs)
            parts.append(matrix * weight)
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
        self.estimator_ = self._estimator(int(counts.min())).fit(features, labels)
        self.classes_ = [str(c) for c in self.estimator_.classes_]
        self.n_training_ = len(labels)
        self.version_ = self._fingerprint(texts, labels)
        self.metrics_: dict[str, Any] | None = None
        return self

    def _estimator(self, smallest_class: int) -> Any:
        """The calibrated SVM, or a logistic regression when a class is too small to calibrate."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        folds = min(self.calibration_folds, smallest_class)
        if folds < 2:  # noqa: PLR2004 - calibration needs two folds
            return LogisticRegression(C=10 * self.C, max_iter=2000)
        return CalibratedClassifierCV(LinearSVC(C=self.C), cv=folds, method="sigmoid")

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

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        """Probabilities, one row per text, columns in the order of ``classes_``; rows sum to 1."""
        self._check_fitted()
        proba: np.ndarray = np.asarray(self.estimator_.predict_proba(self._features(texts)), dtype=np.float64)
        normalised: np.ndarray = proba / proba.sum(axis=1, keepdims=True)
        return normalised

    def predict(self, texts: Iterable[str]) -> list[str]:
        """Most probable label of each text."""
        proba = self.predict_proba(texts)
        return [self.classes_[i] for i in proba.argmax(axis=1)]

    def top_k(self, texts: Iterable[str], k: int = 3) -> list[list[tuple[str, float]]]:
        """The ``k`` most probable labels of each text, most probable first."""
        proba = self.predict_proba(texts)
        order = np.argsort(-proba, axis=1, kind="stable")[:, : max(k, 0)]
        return [
            [(self.classes_[j], float(row[j])) for j in idx] for row, idx in zip(proba, order, strict=True)
        ]

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
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write ``path`` (skops) and ``path + '.json'`` (metadata), each atomically.

        Returns:
            The metadata path.
        """
        import skops.io as sio

        self._check_fitted()
        target = Path(path)
        meta_path = target.with_name(target.name + _METADATA_SUFFIX)
        state = {"blocks": [[s, v, w] for s, v, w in self.blocks_], "estimator": self.estimator_}
        _atomic_write(target, sio.dumps(state))
        meta = json.dumps(self.metadata(), ensure_ascii=False, indent=2) + "\n"
        _atomic_write(meta_path, meta.encode("utf-8"))
        return meta_path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CategoryClassifier:
        """Load a model written by :meth:`save`.

        Only scikit-learn, NumPy and SciPy types (skops' default trust plus two
        calibration internals) are accepted; anything else raises
        ``skops.io.exceptions.UntrustedTypesFoundException``.  Load models from
        paths the office controls all the same.
        """
        import skops.io as sio

        target = Path(path)
        meta = json.loads(target.with_name(target.name + _METADATA_SUFFIX).read_text("utf-8"))
        if meta.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"unsupported model format {meta.get('format_version')!r} in {target}")
        data = target.read_bytes()
        untrusted = set(sio.get_untrusted_types(data=data))
        state = sio.loads(data, trusted=sorted(untrusted & _SKOPS_ALLOWED))
        settings = dict(meta["settings"])
        for key in ("word_ngrams", "char_ngrams"):
            settings[key] = None if settings[key] is None else tuple(settings[key])
        settings["user_words"] = tuple(settings["user_words"])
        model = cls(**settings)
        model.blocks_ = [(s, v, float(w)) for s, v, w in state["blocks"]]
        model.estimator_ = state["estimator"]
        model.classes_ = list(meta["classes"])
        model.n_training_ = int(meta["training_size"])
        model.version_ = str(meta["version"])
        model.metrics_ = meta.get("metrics")
        return model


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
