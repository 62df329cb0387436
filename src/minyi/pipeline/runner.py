"""The whole text pipeline for one message: normalise → protect → classify → appeal → dedupe.

:class:`TextPipeline` holds one instance of each stage. It knows nothing of the database:
:mod:`minyi.analysis.services` stores what it returns, with the versions that produced it.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from minyi.pipeline.appeal import AppealClassifier
from minyi.pipeline.classify import CategoryClassifier, KeywordRouter
from minyi.pipeline.dedupe import DuplicateDetector, DuplicateMatch
from minyi.pipeline.normalize import TextNormalizer
from minyi.pipeline.privacy import PersonalDataMasker

TOP_K = 3


@dataclass(frozen=True)
class PipelineInput:
    """One message as the pipeline sees it."""

    message_id: str
    title: str
    body: str
    author: str | None
    when: datetime


@dataclass(frozen=True)
class CategoryGuess:
    """A category label with its confidence, the runners-up and the model that said so."""

    label: str | None
    confidence: float
    top: list[tuple[str, float]]
    model: str


@dataclass(frozen=True)
class Analysis:
    """Everything the pipeline derived from one message."""

    normalized_title: str
    normalized_body: str
    truncated: bool
    original_length: int
    pii_kinds: list[str]
    category: CategoryGuess | None
    appeal_kind: str
    appeal_confidence: float
    appeal_reasons: list[str]
    appeal_model: str
    duplicate: DuplicateMatch | None
    pipeline_version: str = field(default="")


def _version_of(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


class TextPipeline:
    """All stages, configured once per process (or per test).

    Args:
        classifier: a trained category model; without one, ``router`` is used.
        route_threshold: a guess at least this confident routes the case by itself;
            below it the case waits for a dispatcher, with the guesses as suggestions.
        router: keyword rules from the category tree (cold start).
        appeal: the appeal-kind stage (rules work without fitting).
        detector: the duplicate index of recent messages.
        max_chars: longer texts are analysed on a truncated copy (flagged).
    """

    def __init__(  # noqa: PLR0913 - one keyword per stage, scikit-learn style
        self,
        *,
        classifier: CategoryClassifier | None = None,
        router: KeywordRouter | None = None,
        appeal: AppealClassifier | None = None,
        detector: DuplicateDetector | None = None,
        max_chars: int = 20_000,
        route_threshold: float = 0.6,
    ) -> None:
        self.classifier = classifier
        self.router = router
        self.appeal = appeal
        self.detector = detector
        self.max_chars = max_chars
        self.route_threshold = route_threshold
        self.normalizer_ = TextNormalizer(max_chars=max_chars).fit()
        self.masker_ = PersonalDataMasker().fit()
        self.appeal_ = appeal or AppealClassifier(use_model=False, normalize=False)
        self.detector_ = detector or DuplicateDetector(normalize=False)
        # Web requests run in a thread pool; the duplicate index is shared state.
        self.lock_ = threading.Lock()

    @property
    def category_model(self) -> str | None:
        """The version of whatever assigns categories (``keywords:...`` for cold start)."""
        if self.classifier is not None:
            return str(self.classifier.version_)
        if self.router is not None:
            return "keywords:" + _version_of(*sorted(self.router.tree))
        return None

    @property
    def version(self) -> str:
        """One version string for the whole configuration."""
        appeal_version = str(getattr(self.appeal_, "version_", "rules"))
        return _version_of(str(self.category_model), appeal_version, str(self.max_chars))

    def classify(self, titles: Sequence[str], texts: Sequence[str]) -> list[CategoryGuess | None]:
        """Category guesses for normalised titles and title+body texts.

        The texts must come out of :class:`TextNormalizer` (as ``analyse_many`` and the
        stored analyses give them): the classifier does not normalise them again.
        """
        if self.classifier is not None:
            model = str(self.classifier.version_)
            return [
                CategoryGuess(label=top[0][0], confidence=top[0][1], top=top, model=model)
                for top in self.classifier.top_k(texts, k=TOP_K, normalized=True)
            ]
        if self.router is not None:
            return [self._keywords(title, text) for title, text in zip(titles, texts, strict=True)]
        return [None] * len(texts)

    def _keywords(self, title: str, text: str) -> CategoryGuess | None:
        assert self.router is not None
        scores = self.router.scores(text, title)
        total = sum(scores.values())
        if total <= 0:
            return None
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:TOP_K]
        top = [(label, score / total) for label, score in ranked if score > 0]
        return CategoryGuess(label=top[0][0], confidence=top[0][1], top=top, model=str(self.category_model))

    def analyse_many(self, items: Iterable[PipelineInput], *, index: bool = True) -> list[Analysis]:
        """Analyse a batch; with ``index`` each message joins the duplicate index (thread-safe)."""
        with self.lock_:
            return self._analyse_many(list(items), index=index)

    def _analyse_many(self, items: list[PipelineInput], *, index: bool) -> list[Analysis]:
        batch = list(items)
        titles = [self.normalizer_.transform_one(i.title) for i in batch]
        bodies = [self.normalizer_.transform_one(i.body) for i in batch]
        texts = [f"{t.text} {b.text}".strip() for t, b in zip(titles, bodies, strict=True)]
        guesses = self.classify([t.text for t in titles], texts)
        appeals = self.appeal_.predict_results(
            [(t.text, b.text) for t, b in zip(titles, bodies, strict=True)]
        )
        version = self.version
        matches: list[DuplicateMatch | None] = [None] * len(batch)
        if index:
            matches = self.detector_.add_many(
                [(i.message_id, text, i.author, i.when) for i, text in zip(batch, texts, strict=True)]
            )
        out = []
        for item, title, body, guess, appeal, match in zip(
            batch, titles, bodies, guesses, appeals, matches, strict=True
        ):
            kinds = sorted({f.kind for f in self.masker_.find(item.title + "\n" + item.body)})
            out.append(
                Analysis(
                    normalized_title=title.text,
                    normalized_body=body.text,
                    truncated=title.truncated or body.truncated,
                    original_length=len(item.title) + len(item.body),
                    pii_kinds=kinds,
                    category=guess,
                    appeal_kind=appeal.kind,
                    appeal_confidence=appeal.confidence,
                    appeal_reasons=list(appeal.reasons),
                    appeal_model=str(getattr(self.appeal_, "version_", "rules")),
                    duplicate=match,
                    pipeline_version=version,
                )
            )
        return out

    def analyse(self, item: PipelineInput) -> Analysis:
        """Analyse one message and add it to the duplicate index."""
        return self.analyse_many([item])[0]
