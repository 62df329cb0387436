"""One :class:`TextPipeline` per process, rebuilt when the active model changes."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.analysis import services
from minyi.departments.models import Category, Department
from minyi.pipeline.appeal import AppealClassifier
from minyi.pipeline.classify import CategoryClassifier, KeywordRouter
from minyi.pipeline.dedupe import DuplicateDetector
from minyi.pipeline.runner import TextPipeline

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


class PipelineProvider:
    """Builds the pipeline from the database: active model, category tree, recent messages.

    The active model is looked up at most every ``refresh_seconds``; when it changed,
    the classifier is swapped while the duplicate index is kept.
    """

    def __init__(self, refresh_seconds: float = 30.0, route_threshold: float = 0.6) -> None:
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
        classifier = None
        if model_path:
            try:
                classifier = CategoryClassifier.load(model_path)
            except Exception:  # a broken model must not stop intake: fall back to keyword rules
                log.exception("cannot load the active model %s; using keyword rules", model_path)
        detector = self._pipeline.detector_ if self._pipeline is not None else self._detector(session)
        pipeline = TextPipeline(
            classifier=classifier,
            router=None if classifier else keyword_router(session),
            appeal=AppealClassifier(use_model=False, normalize=False),
            detector=detector,
            route_threshold=self.route_threshold,
        )
        if self._pipeline is not None:
            pipeline.lock_ = self._pipeline.lock_  # the old and new pipeline share one duplicate index
        return pipeline

    @staticmethod
    def _detector(session: Session) -> DuplicateDetector:
        detector = DuplicateDetector(
            normalize=False, window_days=DEDUPE_WINDOW_DAYS, max_items=DEDUPE_MAX_ITEMS
        )
        return detector.fit(services.recent_items(session, DEDUPE_WINDOW_DAYS, DEDUPE_MAX_ITEMS))
