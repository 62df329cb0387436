"""The text pipeline of an import on the second core, while the first writes the batch before.

Analysing a batch (normalising, masking, category and appeal-kind models, the duplicate
index) is pure computation on the texts: about 40 % of an import's CPU once the writes
are batched. :class:`BatchAnalyser` runs it in one forked worker process that holds
its own copy of the pipeline, so the pipeline of batch *k* + 1 runs while the importing
process processes and writes batch *k*. The worker analyses the batches in order, so its
duplicate index learns them in the same order as the importing process would: the
results are the same.

The worker is used only where forking is safe and pays off: on a machine with at least
two CPUs, from the main thread of a process (``minyi import``), never from a server's
import thread (forking a process with busy threads can copy a held lock). If the worker
fails, :meth:`BatchAnalyser.results` returns Nones and each message is analysed in the
importing process instead (:func:`minyi.flows.processing.process`), where a failure is
isolated to one message.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import Self

from minyi.analysis.services import pipeline_input
from minyi.flows.processing import analyse_batch
from minyi.intake.models import Message
from minyi.pipeline.runner import Analysis, PipelineInput, TextPipeline

__all__ = ["BatchAnalyser", "worker_is_useful"]

log = logging.getLogger(__name__)

_PIPELINE: list[TextPipeline] = []  # the worker's pipeline (set in the worker by _adopt)


def worker_is_useful() -> bool:
    """Whether a forked analysis worker is safe and worth it here (see the module text)."""
    return (
        (os.cpu_count() or 1) >= 2  # noqa: PLR2004 - a second core to run it on
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.current_thread() is threading.main_thread()
    )


def _adopt(pipeline: TextPipeline) -> None:
    """In the worker: keep the pipeline inherited from the parent (forked, not pickled)."""
    _PIPELINE[:] = [pipeline]


def _analyse(items: list[PipelineInput]) -> list[Analysis]:
    """In the worker: analyse one batch, adding it to the worker's duplicate index."""
    return _PIPELINE[0].analyse_many(items)


class BatchAnalyser:
    """Analyses batches, in a worker process when ``parallel``, else when asked for the results."""

    def __init__(self, pipeline: TextPipeline | None, *, parallel: bool) -> None:
        """Start no process yet: the first :meth:`submit` forks it, with the pipeline as built."""
        self.pipeline = pipeline
        self._pool: ProcessPoolExecutor | None = None
        if parallel and pipeline is not None:
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(1, mp_context=context, initializer=_adopt, initargs=(pipeline,))

    def __enter__(self) -> Self:
        """Use as a context manager: the worker stops at the end."""
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Stop the worker (waiting for it: no process outlives the import)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, messages: Sequence[Message]) -> Future[list[Analysis]] | None:
        """Start analysing ``messages`` in the worker; None when there is no worker."""
        if self._pool is None or not messages:
            return None
        try:
            return self._pool.submit(_analyse, [pipeline_input(message) for message in messages])
        except Exception:
            log.warning("the analysis worker is gone; analysing in this process", exc_info=True)
            self._pool = None
            return None

    def results(
        self, messages: Sequence[Message], future: Future[list[Analysis]] | None
    ) -> list[Analysis | None]:
        """The analyses of ``messages``: the worker's, else computed here as one batch."""
        if future is None:
            return analyse_batch(self.pipeline, list(messages))
        try:
            return list(future.result())
        except Exception:  # noqa: BLE001 - each message is then analysed alone, in this process
            log.warning("batch analysis in the worker failed; analysing %d messages here", len(messages))
            return [None] * len(messages)
