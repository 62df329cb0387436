"""Tell the kind of appeal (诉求类型) a citizen's message makes.

Kinds (the values of :class:`minyi.cases.models.AppealKind`): ``inquiry`` 咨询,
``help`` 求助, ``complaint`` 投诉, ``suggestion`` 建议, ``praise`` 表扬 and
``report`` 举报 (wrongdoing for the authorities to investigate).

No public labelled data exists for this task, so the stage combines two parts:

Rules (always on, no training needed: cold start)
    Weighted cue patterns (:mod:`minyi.pipeline.appeal_cues`) are searched in the
    normalised title and body with one combined regular expression.  A cue counts
    once per field; a title hit is multiplied by ``title_weight`` because the title
    usually names the appeal (``投诉…``, ``关于…的建议``).  Question marks count
    for ``inquiry`` (up to three in the body).  A cue preceded within
    ``negation_window`` characters by a negator (``不是投诉``, ``并非举报``) is
    dropped and listed as negated.  The kind with the highest score wins;
    confidence is ``top / (total + smoothing)``.  Every cue that fired is named in
    :attr:`AppealResult.reasons` so that staff can see why.

Model (optional, after :meth:`AppealClassifier.fit`)
    A linear model (logistic regression) on character 1–2-grams of the title and
    of the head and tail of the body (``model_chars``), kept apart.  Without labels
    the training texts are labelled by the rules and only those with rule
    confidence ``>= min_confidence`` are used (weak supervision, "label model →
    end model"): the model learns the words that come with the cues and so also
    decides messages in which no cue fires.  With labels (``None`` entries are
    weak-labelled) it is trained on them.  At
    prediction time the rule distribution and the model's probabilities are mixed
    with ``model_weight``.

Default kind
    A text without any cue (and no model), and an empty text, get
    ``default_kind`` (``inquiry``) with confidence 0.  Inquiry is the neutral
    choice: complaint and report counts are reported per department, so a message
    must not be counted as one without evidence.

Persistence
    :meth:`AppealClassifier.save` writes ``appeal_rules.json`` (settings, cue table,
    version) and, when a model was fitted, ``appeal_model.skops`` (skops format: no
    pickle; :meth:`AppealClassifier.load` accepts only scikit-learn, NumPy and
    SciPy types from it).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self, TypeAlias

from minyi.pipeline.appeal_cues import (
    BOILERPLATE,
    DEFAULT_CUES,
    NEGATORS,
    QUESTION_MARK,
    CueScanner,
    first_chars,
)
from minyi.pipeline.normalize import TextNormalizer

__all__ = ["KINDS", "AppealClassifier", "AppealResult", "Message"]

#: The kinds, in a fixed order (also the order of probability columns).
KINDS: tuple[str, ...] = ("inquiry", "help", "complaint", "suggestion", "praise", "report")

#: A message: ``(title, body)`` or a single string (taken as the body, no title).
Message: TypeAlias = str | tuple[str | None, str | None]

RULES_FILE = "appeal_rules.json"
MODEL_FILE = "appeal_model.skops"
_FORMAT = 1
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.")
_BODY_QUESTION_CAP = 3
_BOILERPLATE = re.compile(BOILERPLATE)
_CLAUSE_END = re.compile(r"[，。！？；、,.!?;\s]")


@dataclass(frozen=True, slots=True)
class AppealResult:
    """The kind of appeal of one message.

    Attributes:
        kind: one of :data:`KINDS`.
        confidence: from 0 (a guess) to 1.
        reasons: the cues that fired, negated cues, and the model's vote, in words
            staff can read (``title "投诉" → complaint +6.0``).
    """

    kind: str
    confidence: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _RuleScore:
    scores: dict[str, float]
    reasons: list[str]
    #: ``("title"|"body", cue index)`` of each cue counted (the trained model's cue features)
    fired: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(self.scores.values())


class AppealClassifier:
    """Rules plus an optional weak-supervised linear model (see the module docstring).

    Follows scikit-learn conventions: ``__init__`` stores the settings, :meth:`fit`
    learns (state ends in ``_``).  Prediction without :meth:`fit` uses the rules
    alone (the rule state is prepared lazily).

    Args:
        min_confidence: lowest rule confidence for a text to become a weak label.
        use_model: train and use the linear model in :meth:`fit`.
        title_weight: factor for cues found in the title.
        smoothing: added to the total score in the confidence; the larger, the
            more evidence a confident answer needs.
        model_weight: share of the model in the mixed distribution (0–1).
        default_kind: answer for texts without any cue (confidence 0).
        negation_window: characters before a cue searched for a negator.
        cues: ``(kind, regex, weight)`` triples; ``None`` uses the default table.
        max_features: size limit of each character n-gram vocabulary.
        ngram_max: longest character n-gram of the model (1 to ``ngram_max``).
        model_chars: body characters the model reads: the first two thirds and the
            last third of this budget (the request is usually at the end); this
            bounds the cost of long messages.  ``None`` reads everything.
        normalize: normalise texts with :class:`TextNormalizer` first.
    """

    def __init__(  # noqa: PLR0913 - settings are keyword-only, each documented
        self,
        *,
        min_confidence: float = 0.5,
        use_model: bool = True,
        title_weight: float = 2.0,
        smoothing: float = 2.0,
        model_weight: float = 0.5,
        default_kind: str = "inquiry",
        negation_window: int = 4,
        cues: Sequence[tuple[str, str, float]] | None = None,
        max_features: int = 50000,
        ngram_max: int = 2,
        model_chars: int | None = 300,
        normalize: bool = True,
    ) -> None:
        self.min_confidence = min_confidence
        self.use_model = use_model
        self.title_weight = title_weight
        self.smoothing = smoothing
        self.model_weight = model_weight
        self.default_kind = default_kind
        self.negation_window = negation_window
        self.cues = cues
        self.max_features = max_features
        self.ngram_max = ngram_max
        self.model_chars = model_chars
        self.normalize = normalize

    # --- fitting ------------------------------------------------------------------------------

    def _prepare_rules(self) -> None:
        """Check the settings and compile the cue table (no learning)."""
        if self.default_kind not in KINDS:
            raise ValueError(f"default_kind must be one of {KINDS}, not {self.default_kind!r}")
        if not 0.0 <= self.model_weight <= 1.0:
            raise ValueError(f"model_weight must be within [0, 1], not {self.model_weight!r}")
        cues = [(str(k), str(p), float(w)) for k, p, w in (DEFAULT_CUES if self.cues is None else self.cues)]
        for kind, pattern, _ in cues:
            if kind not in KINDS:
                raise ValueError(f"unknown kind {kind!r} in cue {pattern!r}")
        self.cues_: list[tuple[str, str, float]] = cues
        self.pattern_ = _compile_cues([p for _, p, _ in cues])
        self.scanner_ = CueScanner([p for _, p, _ in cues])
        self.negator_ = re.compile("(?:" + "|".join(NEGATORS) + ")")
        self.title_only_ = frozenset(i for i, (_, p, _) in enumerate(cues) if p.startswith("^"))
        self.normalizer_ = TextNormalizer().fit() if self.normalize else None
        digest = hashlib.sha256(json.dumps(cues, ensure_ascii=False).encode()).hexdigest()[:8]
        self.version_ = f"appeal-rules-{digest}"
        self.model_: dict[str, Any] | None = None
        self.n_train_ = 0

    def fit(self, texts: Iterable[Message], labels: Sequence[str | None] | None = None) -> Self:
        """Prepare the rules and, if ``use_model``, train the linear model.

        Args:
            texts: training messages, ``(title, body)`` pairs or bodies.
            labels: gold kinds, one per text (``None`` entries are labelled by the
                rules); ``None`` for pure weak supervision.

        Returns:
            ``self``.

        Raises:
            ValueError: on bad settings, unknown labels or a length mismatch.
        """
        self._prepare_rules()
        if not self.use_model:
            return self
        pairs = [self._pair(t) for t in texts]
        if labels is not None and len(labels) != len(pairs):
            raise ValueError(f"{len(pairs)} texts but {len(labels)} labels")
        train_pairs, train_labels, supervised = self._training_labels(pairs, labels)
        if len(set(train_labels)) < 2:  # noqa: PLR2004 - a classifier needs two classes
            return self
        self.model_ = _train_model(
            [self._model_text(p) for p in train_pairs], train_labels, self.max_features, self.ngram_max
        )
        self.n_train_ = len(train_labels)
        mode = "supervised" if supervised else "weak"
        digest = hashlib.sha256("\n".join(train_labels).encode()).hexdigest()[:6]
        self.version_ = f"{self.version_}+{mode}-{self.n_train_}-{digest}"
        return self

    def _training_labels(
        self, pairs: list[tuple[str, str]], labels: Sequence[str | None] | None
    ) -> tuple[list[tuple[str, str]], list[str], bool]:
        """Gold labels where given, confident rule labels elsewhere."""
        kept: list[tuple[str, str]] = []
        kinds: list[str] = []
        supervised = False
        for i, (title, body) in enumerate(pairs):
            gold = labels[i] if labels is not None else None
            if gold is not None:
                if gold not in KINDS:
                    raise ValueError(f"unknown kind {gold!r} at position {i}")
                kept.append((title, body))
                kinds.append(gold)
                supervised = True
                continue
            result = self._rules_result(self._score(title, body))
            if result.confidence >= self.min_confidence:
                kept.append((title, body))
                kinds.append(result.kind)
        return kept, kinds, supervised

    # --- prediction ---------------------------------------------------------------------------

    def predict_one(self, title: str | None, body: str | None = None) -> AppealResult:
        """Kind, confidence and reasons for one message."""
        return self.predict_results([(title, body)])[0]

    def predict(self, texts: Iterable[Message]) -> list[str]:
        """The kind of each message (scikit-learn style)."""
        return [r.kind for r in self.predict_results(texts)]

    def predict_results(self, texts: Iterable[Message]) -> list[AppealResult]:
        """:class:`AppealResult` for each message, in order (the model runs in one batch)."""
        if not hasattr(self, "pattern_"):
            self._prepare_rules()
        pairs = [self._pair(t) for t in texts]
        rule_scores = [self._score(title, body) for title, body in pairs]
        if self.model_ is None or not self.use_model or not pairs:
            return [self._rules_result(s) for s in rule_scores]
        proba = _model_proba(self.model_, [self._model_text(p) for p in pairs])
        return [self._mixed_result(s, row) for s, row in zip(rule_scores, proba, strict=True)]

    def _rule_distribution(self, score: _RuleScore) -> list[float]:
        """Rule scores as a distribution over :data:`KINDS` (uniform when nothing fired)."""
        prior = self.smoothing / len(KINDS)
        denominator = score.total + self.smoothing
        if denominator <= 0:
            return [1.0 / len(KINDS)] * len(KINDS)
        return [(score.scores.get(k, 0.0) + prior) / denominator for k in KINDS]

    def _rules_result(self, score: _RuleScore) -> AppealResult:
        total = score.total
        if total <= 0:
            return AppealResult(
                self.default_kind, 0.0, [*score.reasons, f"no cue: default {self.default_kind}"]
            )
        kind = max(KINDS, key=lambda k: score.scores.get(k, 0.0))
        confidence = score.scores[kind] / (total + self.smoothing)
        return AppealResult(kind, round(confidence, 4), score.reasons)

    def _mixed_result(self, score: _RuleScore, model_row: Sequence[float]) -> AppealResult:
        rules = self._rule_distribution(score)
        w = self.model_weight
        mixed = [(1 - w) * r + w * m for r, m in zip(rules, model_row, strict=True)]
        best = max(range(len(KINDS)), key=mixed.__getitem__)
        model_best = max(range(len(KINDS)), key=model_row.__getitem__)
        reasons = [*score.reasons, f"model → {KINDS[model_best]} {model_row[model_best]:.2f}"]
        return AppealResult(KINDS[best], round(mixed[best], 4), reasons)

    # --- rules --------------------------------------------------------------------------------

    def _model_text(self, pair: tuple[str, str]) -> tuple[str, str]:
        """Title and the head and tail of the body, within ``model_chars``."""
        title, body = pair
        if self.model_chars is None or len(body) <= self.model_chars:
            return title, body
        head = self.model_chars * 2 // 3
        return title, body[:head] + " " + body[head - self.model_chars :]

    def _pair(self, message: Message) -> tuple[str, str]:
        """Normalised ``(title, body)``."""
        title, body = (None, message) if isinstance(message, str) else message
        if self.normalizer_ is None:
            return (title or "").strip(), (body or "").strip()
        return self.normalizer_.transform_one(title).text, self.normalizer_.transform_one(body).text

    def _score(self, title: str, body: str) -> _RuleScore:
        """Sum the cue weights found in the title and the body."""
        scores: dict[str, float] = {}
        reasons: list[str] = []
        fired: list[tuple[str, int]] = []
        for where, text, factor in (("title", title, self.title_weight), ("body", body, 1.0)):
            if not text:
                continue
            for index, (hits, negated, cue_text) in self._hits(_BOILERPLATE.sub("", text)).items():
                kind, pattern, weight = self.cues_[index]
                if where == "body" and index in self.title_only_:
                    continue
                if negated and not hits:
                    reasons.append(f'{where} "{cue_text}" negated')
                    continue
                cap = _BODY_QUESTION_CAP if pattern == QUESTION_MARK and where == "body" else 1
                gain = weight * factor * min(hits, cap)
                scores[kind] = scores.get(kind, 0.0) + gain
                reasons.append(f'{where} "{cue_text}" → {kind} +{gain:.1f}')
                fired.append((where, index))
        return _RuleScore(scores, reasons, fired)

    def _hits(self, text: str) -> dict[int, tuple[int, bool, str]]:
        """For each cue index: (counted hits, whether a hit was negated, first matched text)."""
        found: dict[int, tuple[int, bool, str]] = {}
        for index, match in self.scanner_.finditer(text):
            hits, negated, first = found.get(index, (0, False, match.group()))
            window = _CLAUSE_END.split(text[max(0, match.start() - self.negation_window) : match.start()])[-1]
            if window and self.negator_.search(window):
                found[index] = (hits, True, first)
            else:
                found[index] = (hits + 1, negated, first if hits else match.group())
        return found

    # --- persistence --------------------------------------------------------------------------

    def get_params(self) -> dict[str, Any]:
        """The settings (scikit-learn style)."""
        names = (
            "min_confidence use_model title_weight smoothing model_weight default_kind"
            " negation_window cues max_features ngram_max model_chars normalize"
        )
        return {name: getattr(self, name) for name in names.split()}

    def save(self, directory: str | Path) -> None:
        """Write ``appeal_rules.json`` and, when fitted, ``appeal_model.skops`` into ``directory``."""
        import skops.io as sio  # type: ignore[import-untyped,unused-ignore]  # local: only to save a model

        if not hasattr(self, "pattern_"):
            self._prepare_rules()
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        params = self.get_params()
        params["cues"] = [list(c) for c in self.cues_]
        state = {
            "format": _FORMAT,
            "params": params,
            "version": self.version_,
            "n_train": self.n_train_,
            "kinds": list(KINDS),
            "model_file": MODEL_FILE if self.model_ is not None else None,
        }
        (path / RULES_FILE).write_text(json.dumps(state, ensure_ascii=False, indent=2) + "\n", "utf-8")
        if self.model_ is not None:
            sio.dump(self.model_, path / MODEL_FILE)

    @classmethod
    def load(cls, directory: str | Path) -> AppealClassifier:
        """Read a classifier written by :meth:`save`.

        Raises:
            ValueError: on an unknown format or untrusted types in the model file.
        """
        path = Path(directory)
        state = json.loads((path / RULES_FILE).read_text("utf-8"))
        if state.get("format") != _FORMAT or tuple(state.get("kinds", ())) != KINDS:
            raise ValueError(f"{path / RULES_FILE} has an unknown format")
        params = dict(state["params"])
        params["cues"] = [(str(k), str(p), float(w)) for k, p, w in params["cues"]]
        clf = cls(**params)
        clf._prepare_rules()
        if state.get("model_file"):
            clf.model_ = _load_model(path / state["model_file"])
        clf.version_ = str(state["version"])
        clf.n_train_ = int(state["n_train"])
        return clf


def _compile_cues(patterns: list[str]) -> re.Pattern[str]:
    """One expression with a named group per cue, behind a first-character look-ahead."""
    body = "|".join(f"(?P<c{i}>{p})" for i, p in enumerate(patterns))
    starts: set[str] = set()
    for pattern in patterns:
        chars = first_chars(pattern)
        if chars is None:
            return re.compile(body)
        starts |= chars
    return re.compile(f"(?=[{re.escape(''.join(sorted(starts)))}])(?:{body})")


# --- the linear model (scikit-learn, imported lazily: rules-only use needs none of it) -------


def _train_model(
    pairs: list[tuple[str, str]], labels: list[str], max_features: int, ngram_max: int
) -> dict[str, Any]:
    """Character n-gram TF-IDF of title and body, then a balanced logistic regression."""
    import numpy as np
    from scipy.sparse import hstack  # type: ignore[import-untyped,unused-ignore]
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped,unused-ignore]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped,unused-ignore]

    def vectorizer() -> Any:
        return TfidfVectorizer(
            analyzer="char",
            ngram_range=(1, ngram_max),
            min_df=2,
            max_features=max_features,
            sublinear_tf=True,
        )

    title_vec, body_vec = vectorizer(), vectorizer()
    features = hstack(
        [title_vec.fit_transform([t for t, _ in pairs]), body_vec.fit_transform([b for _, b in pairs])]
    ).tocsr()
    clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)
    clf.fit(features, np.asarray(labels))
    return {"title": title_vec, "body": body_vec, "clf": clf}


def _model_proba(model: dict[str, Any], pairs: list[tuple[str, str]]) -> list[list[float]]:
    """Rows of probabilities in :data:`KINDS` order (0 for kinds unseen in training)."""
    from scipy.sparse import hstack  # type: ignore[import-untyped,unused-ignore]

    features = hstack(
        [model["title"].transform([t for t, _ in pairs]), model["body"].transform([b for _, b in pairs])]
    ).tocsr()
    proba = model["clf"].predict_proba(features)
    columns = [str(c) for c in model["clf"].classes_]
    rows: list[list[float]] = []
    for row in proba.tolist():
        by_kind = dict(zip(columns, row, strict=True))
        rows.append([float(by_kind.get(k, 0.0)) for k in KINDS])
    return rows


def _load_model(file: Path) -> dict[str, Any]:
    """Load the skops file, trusting only scikit-learn, NumPy and SciPy types."""
    import skops.io as sio  # type: ignore[import-untyped,unused-ignore]

    untrusted = sio.get_untrusted_types(file=file)
    bad = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if bad:
        raise ValueError(f"{file} holds untrusted types: {bad}")
    model = sio.load(file, trusted=untrusted)
    if not isinstance(model, dict) or set(model) != {"title", "body", "clf"}:
        raise ValueError(f"{file} does not hold an appeal model")
    return model
