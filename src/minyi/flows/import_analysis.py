"""The text pipeline of an import on both cores, while the importing process writes the batches before.

Analysing a batch (normalising, masking, category and appeal-kind models, the duplicate
index) is pure computation on the texts: about half of an import's CPU once the writes
are batched. :class:`BatchAnalyser` runs it in forked worker processes that hold their
own copy of the pipeline, so the batches after batch *k* are analysed while the
importing process processes and writes batch *k*. One worker could not keep up on its
own (0.74 ms a row on this machine: at most about 1,350 rows/s), so the stateless part
of the analysis (everything but the duplicate look-up) runs in :data:`ANALYSERS`
workers, a batch each, and the duplicate look-up in one index worker that takes the
batches in order: its index learns them in the same order as the importing process
would, and the results are the same (``tests/functional/test_import_batch.py``).

The workers are used only where forking is safe and pays off: on a machine with at least
two CPUs, from the main thread of a process (``minyi import``), never from a server's
import thread (forking a process with busy threads can copy a held lock). If a worker
fails, :meth:`BatchAnalyser.results` returns Nones and each message is analysed in the
importing process instead (:func:`minyi.flows.processing.process`), where a failure is
isolated to one message.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Self

from minyi.analysis.services import pipeline_input
from minyi.flows.processing import analyse_batch
from minyi.intake.models import Message
from minyi.pipeline.dedupe import DuplicateMatch
from minyi.pipeline.runner import Analysis, PipelineInput, TextPipeline

__all__ = ["ANALYSERS", "BatchAnalyser", "Submitted", "worker_is_useful"]

log = logging.getLogger(__name__)

_PIPELINE: list[TextPipeline] = []  # the worker's pipeline (set in the worker by _adopt)
ANALYSERS = 2  # worker processes analysing batches side by side (the duplicate index has its own)


def worker_is_useful() -> bool:
    """Whether forked analysis workers are safe and worth it here (see the module text)."""
    return (
        (os.cpu_count() or 1) >= 2  # noqa: PLR2004 - a second core to run it on
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.current_thread() is threading.main_thread()
    )


_PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent dies


def _adopt(pipeline: TextPipeline, parent: int) -> None:
    """In a worker: keep the pipeline inherited from the parent (forked, not pickled)."""
    die_with(parent)
    _PIPELINE[:] = [pipeline]


def die_with(parent: int) -> None:
    """Have Linux kill this forked worker when the process ``parent`` dies, ``kill -9`` included.

    A killed ``minyi import`` left its three workers running under PID 1, holding the
    parent's inherited PostgreSQL connection idle in a transaction for ever (it blocked
    ``minyi db upgrade`` and VACUUM: seventh probe). Elsewhere than Linux nothing is asked.
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took hold
        os._exit(1)


def _analyse(items: list[PipelineInput]) -> list[Analysis]:
    """In an analysing worker: everything but the duplicate look-up (no shared state)."""
    return _PIPELINE[0].analyse_many(items, index=False)


def _match(items: list[PipelineInput]) -> list[DuplicateMatch | None]:
    """In the index worker: the duplicate look-up of one batch, which then joins the index.

    The texts are normalised as :meth:`TextPipeline.analyse_many` normalises them (title,
    then body, joined by a space), so the look-up is the one a whole analysis makes.
    """
    pipeline = _PIPELINE[0]
    normalise = pipeline.normalizer_.transform_one
    texts = [f"{normalise(item.title).text} {normalise(item.body).text}".strip() for item in items]
    with pipeline.lock_:
        return pipeline.detector_.add_many(
            [(item.message_id, text, item.author, item.when) for item, text in zip(items, texts, strict=True)]
        )


@dataclass(frozen=True)
class Submitted:
    """A batch being analysed: its analyses (without duplicates) and its duplicate look-up."""

    analyses: Future[list[Analysis]]
    matches: Future[list[DuplicateMatch | None]]


class BatchAnalyser:
    """Analyses batches in worker processes when ``parallel``, else when asked for the results.

    The analysis of a batch (the costly, stateless part: normalising, masking, the models)
    runs in one of :data:`ANALYSERS` workers, so batches are analysed side by side on
    both cores; the duplicate look-up, which must see the batches in order, runs in one
    index worker that takes them in the order they are submitted.
    """

    def __init__(self, pipeline: TextPipeline | None, *, parallel: bool) -> None:
        """Start no process yet: the first :meth:`submit` forks them, with the pipeline as built."""
        self.pipeline = pipeline
        self._pool: ProcessPoolExecutor | None = None
        self._index: ProcessPoolExecutor | None = None
        if parallel and pipeline is not None:
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(
                ANALYSERS, mp_context=context, initializer=_adopt, initargs=(pipeline, os.getpid())
            )
            self._index = ProcessPoolExecutor(
                1, mp_context=context, initializer=_adopt, initargs=(pipeline, os.getpid())
            )

    def __enter__(self) -> Self:
        """Use as a context manager: the workers stop at the end."""
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Stop the workers (waiting for them: no process outlives the import)."""
        for pool in (self._pool, self._index):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, messages: Sequence[Message]) -> Submitted | None:
        """Start analysing ``messages`` in the workers; None when there are none."""
        if self._pool is None or self._index is None or not messages:
            return None
        items = [pipeline_input(message) for message in messages]
        try:
            return Submitted(self._pool.submit(_analyse, items), self._index.submit(_match, items))
        except Exception:
            log.warning("the analysis workers are gone; analysing in this process", exc_info=True)
            self._pool = self._index = None
            return None

    def results(self, messages: Sequence[Message], future: Submitted | None) -> list[Analysis | None]:
        """The analyses of ``messages``: the workers', else computed here as one batch."""
        if future is None:
            return analyse_batch(self.pipeline, list(messages))
        try:
            analyses, matches = future.analyses.result(), future.matches.result()
            return [replace(a, duplicate=m) for a, m in zip(analyses, matches, strict=True)]
        except Exception:  # noqa: BLE001 - each message is then analysed alone, in this process
            log.warning("batch analysis in the worker failed; analysing %d messages here", len(messages))
            return [None] * len(messages)
