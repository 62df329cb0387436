"""The one recipe of the text pipeline (:func:`build_pipeline`), and one pipeline per process.

The server, the commands (``minyi import``, ``minyi process``, ``minyi model reclassify``)
and the benchmarks all build their pipeline with :func:`build_pipeline`;
:class:`PipelineProvider` keeps one per process and rebuilds it when the active model changes.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.analysis import services
from minyi.departments.models import Category, Department
from minyi.pipeline.appeal_model import default_appeal_classifier
from minyi.pipeline.classify import CategoryClassifier, KeywordRouter
from minyi.pipeline.dedupe import DuplicateDetector
from minyi.pipeline.runner import TextPipeline
from minyi.settings import Settings

log = logging.getLogger(__name__)
DEDUPE_WINDOW_DAYS = 30
DEDUPE_MAX_ITEMS = 200_000


def deployment_words(session: Session) -> list[str]:
    """The deployment dictionary for segmentation: department and category names."""
    names = set(session.scalars(select(Department.name)))
    names.update(session.scalars(select(Category.name)))
    return sorted(n for n in names if n and len(n) >= 2)  # noqa: PLR2004 - single characters are not words


def keyword_router(session: Session) -> KeywordRouter | None:
    """Cold-start rules from the category tree: each first-level name with the names below it."""
    tree: dict[str, list[str]] = {}
    for category in session.scalars(select(Category).order_by(Category.path)):
        top = category.path.split(Category.PATH_SEPARATOR)[0]
        names = tree.setdefault(top, [])
        if category.level > 1:
            names.append(category.name)
    return KeywordRouter(tree, user_words=deployment_words(session)).fit() if tree else None


def load_classifier(model_path: str) -> CategoryClassifier | None:
    """The model saved at ``model_path``; None (logged) when it cannot be loaded."""
    try:
        return CategoryClassifier.load(model_path)
    except Exception:  # a broken model must not stop intake: fall back to keyword rules
        log.exception("cannot load the active model %s; using keyword rules", model_path)
        return None


def build_pipeline(  # noqa: PLR0913 - the recipe's ingredients, each optional
    settings: Settings,
    session: Session | None = None,
    *,
    classifier: CategoryClassifier | None = None,
    use_active_model: bool = True,
    detector: DuplicateDetector | None = None,
    route_threshold: float | None = None,
) -> TextPipeline:
    """The text pipeline, as the server, the commands and the benchmarks run it.

    Category guesses come from ``classifier``, else from the active model of the database
    (``use_active_model``), else from keyword rules built from its category tree; appeal
    kinds from the packaged appeal model (the cue rules if it is missing; on text already
    normalised); duplicates from ``detector``, else
    from an index of the last 30 days of messages.

    Args:
        settings: ``route_confidence``: how sure a guess must be to route a case by itself.
        session: The database to read the active model, the category tree and the recent
            messages from; without one there are no keyword rules and the duplicate index
            starts empty.
        classifier: A trained category model to use instead of the active one.
        use_active_model: Look the active model up when no ``classifier`` is given.
        detector: The duplicate index to use (the provider keeps its index across models).
        route_threshold: Overrides ``settings.route_confidence`` (above 1: never route).
    """
    if classifier is None and use_active_model and session is not None:
        record = services.active_model(session)
        classifier = load_classifier(record.path) if record is not None else None
    if detector is None:
        detector = DuplicateDetector(
            normalize=False, window_days=DEDUPE_WINDOW_DAYS, max_items=DEDUPE_MAX_ITEMS
        )
        if session is not None:
            detector.fit(services.recent_items(session, DEDUPE_WINDOW_DAYS, DEDUPE_MAX_ITEMS))
    return TextPipeline(
        classifier=classifier,
        router=keyword_router(session) if classifier is None and session is not None else None,
        appeal=default_appeal_classifier(),
        detector=detector,
        route_threshold=routing_threshold(settings, classifier, route_threshold),
    )


NEVER_ROUTE = 1.1


def routing_threshold(
    settings: Settings, classifier: CategoryClassifier | None, override: float | None = None
) -> float:
    """How confident a guess must be to route a case by itself.

    An explicit ``override`` wins; else the threshold the model chose for its target
    precision at training (``minyi model train --target-precision``; a model whose
    cross-validation found none routes nothing); else ``settings.route_confidence``
    (keyword rules, and models trained before thresholds were stored).
    ``MINYI_ROUTE_CONFIDENCE=1`` turns automatic routing off whatever the model says.
    """
    if override is not None:
        return override
    if settings.route_confidence >= 1:  # the office turned automatic routing off
        return settings.route_confidence
    if classifier is not None:
        if classifier.routing_threshold is not None:
            return classifier.routing_threshold
        if classifier.routes_nothing:
            return NEVER_ROUTE
    return settings.route_confidence


class PipelineProvider:
    """One pipeline per process, built by :func:`build_pipeline` from the database.

    The active model is looked up at most every ``refresh_seconds``; when it changed,
    the classifier is swapped while the duplicate index is kept.

    Args:
        settings: The settings of :func:`build_pipeline` (default: from the environment).
        refresh_seconds: How long a looked-up active model is trusted.
        route_threshold: Overrides ``settings.route_confidence`` (tests: 1.1, never route).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        refresh_seconds: float = 30.0,
        route_threshold: float | None = None,
    ) -> None:
        self.settings = settings if settings is not None else Settings()
        self.refresh_seconds = refresh_seconds
        self.route_threshold = route_threshold
        self._lock = threading.Lock()
        self._pipeline: TextPipeline | None = None
        self._model_version: str | None = None
        self._checked = 0.0

    def get(self, session: Session) -> TextPipeline:
        """The pipeline, built or refreshed as needed."""
        with self._lock:
            now = time.monotonic()
            if self._pipeline is not None and now - self._checked < self.refresh_seconds:
                return self._pipeline
            self._checked = now
            record = services.active_model(session)
            version = record.version if record else None
            if self._pipeline is None or version != self._model_version:
                self._pipeline = self._build(session, record.path if record else None)
                self._model_version = version
            return self._pipeline

    def invalidate(self) -> None:
        """Look the active model up again on the next call."""
        with self._lock:
            self._checked = 0.0

    def _build(self, session: Session, model_path: str | None) -> TextPipeline:
        previous = self._pipeline
        pipeline = build_pipeline(
            self.settings,
            session,
            classifier=load_classifier(model_path) if model_path else None,
            use_active_model=False,
            detector=previous.detector_ if previous is not None else None,
            route_threshold=self.route_threshold,
        )
        if previous is not None:
            pipeline.lock_ = previous.lock_  # the old and new pipeline share one duplicate index
        return pipeline
