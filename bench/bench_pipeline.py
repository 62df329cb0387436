"""Benchmark the whole text pipeline (``minyi.pipeline.runner.TextPipeline``) on one core.

Usage::

    python bench/bench_pipeline.py [--data-dir ../shared/data/tipdm2020_smart_gov] [--n 200000]
                                   [--quick] [--json]

1. *Training*: the category model is trained on ``attachment2_raw_subset/dev.csv`` with
   ``minyi.pipeline.training.train`` (timed).
2. *Throughput*: the messages (留言主题, 留言详情) of official/附件3.xlsx and 附件4.xlsx are
   replicated with small random edits (swap, insert, delete or replace a few characters,
   change some numbers) to ``--n`` messages with advancing timestamps, so that the 30-day
   duplicate window fills before half the run and then evicts.  They go through
   ``TextPipeline.analyse_many`` in batches, configured as ``minyi.analysis.provider`` builds
   it (trained model, appeal rules, 30-day/200k-item duplicate index).  Every
   ``STAGE_EVERY``-th batch is not timed as a whole but stage by stage (normalise, protect,
   classify, appeal kind, duplicate check), so each message still enters the index once.
   RSS is sampled at 25%, 50%, 75% and 100% of the stream.  Then ``analyse`` runs one
   message at a time, and the classifier and appeal stages are broken down further.
3. *Intake latency*: ``minyi.flows.processing.receive`` on a SQLite database in a temporary
   directory, with the pipeline and with ``pipeline=None``, alternating, on the same kind of
   messages; p50/p95/p99 of both and of the paired difference.

Thread pools are limited to one thread before NumPy is imported, so every number is for
one core.  Wall-clock rates depend on what else the machine runs: the load average is
reported with the results, and CPU-time rates are given beside the wall-clock ones.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import argparse
import json
import platform
import random
import re
import resource
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from minyi.analysis.provider import DEDUPE_WINDOW_DAYS, build_pipeline
from minyi.demo.factories import make_category, make_department
from minyi.flows.processing import receive
from minyi.intake.models import Message, ProcessingState
from minyi.intake.schemas import MAX_TITLE_CHARS, MessageIn
from minyi.pipeline.appeal import AppealClassifier
from minyi.pipeline.classify import CategoryClassifier
from minyi.pipeline.runner import TOP_K, PipelineInput, TextPipeline
from minyi.pipeline.training import load_labelled, train
from minyi.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FILES = ("附件3.xlsx", "附件4.xlsx")
EDIT_CHARS = "的了在是我有和就不人都一这上也很到说要去你会着没看好自己"
NUMBER = re.compile(r"\d+")
NUMBER_CHANGE = 0.3  # share of the numbers in a copy that get new digits
WINDOW_DAYS = DEDUPE_WINDOW_DAYS  # as minyi.analysis.provider builds the index
WINDOW_FULL_AT = 0.4  # the default interval fills the window after this share of the stream
STAGE_EVERY = 8  # every 8th batch is timed stage by stage
START = datetime(2021, 1, 1, tzinfo=UTC)
GOAL_RATE, GOAL_P95_MS = 2000, 20.0


# --- data -----------------------------------------------------------------------------------------


def load_sources(data_dir: Path) -> list[tuple[str, str]]:
    """(title, body) of every message of 附件3 and 附件4, stripped as ``MessageIn`` strips them."""
    import openpyxl  # local: only the benchmark reads xlsx

    sources = []
    for name in FILES:
        book = openpyxl.load_workbook(data_dir / "official" / name, read_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(cell).strip() for cell in next(rows)]
        title_i, body_i = header.index("留言主题"), header.index("留言详情")
        for row in rows:
            title, body = str(row[title_i] or "").strip(), str(row[body_i] or "").strip()
            if title and body:
                sources.append((title[:MAX_TITLE_CHARS], body))
        book.close()
    return sources


def renumber(rng: random.Random, digits: str) -> str:
    return "".join(rng.choice("0123456789") for _ in digits)


def perturb(rng: random.Random, text: str, edits: int) -> str:
    """``edits`` character swaps, insertions, deletions or replacements; new digits in some numbers."""
    chars = list(text)
    for _ in range(edits):
        if len(chars) < 2:
            break
        i = rng.randrange(len(chars) - 1)
        operation = rng.random()
        if operation < 0.25:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif operation < 0.5:
            chars.insert(i, rng.choice(EDIT_CHARS))
        elif operation < 0.75:
            del chars[i]
        else:
            chars[i] = rng.choice(EDIT_CHARS)
    return NUMBER.sub(
        lambda m: renumber(rng, m.group()) if rng.random() < NUMBER_CHANGE else m.group(), "".join(chars)
    )


class Stream:
    """Perturbed copies of the sources, ``interval`` seconds apart, made on demand."""

    def __init__(self, sources: Sequence[tuple[str, str]], seed: int, interval: float) -> None:
        self.sources, self.interval = sources, interval
        self.rng = random.Random(seed)
        self.count = 0

    def next(self) -> PipelineInput:
        title, body = self.rng.choice(self.sources)
        item = PipelineInput(
            message_id=f"m{self.count}",
            title=perturb(self.rng, title, self.rng.randint(0, 2)) or title,
            body=perturb(self.rng, body, self.rng.randint(1, 8)) or body,
            author=f"U{self.rng.randrange(20_000)}",
            when=START + timedelta(seconds=self.interval * self.count),
        )
        self.count += 1
        return item

    def batch(self, size: int) -> list[PipelineInput]:
        return [self.next() for _ in range(size)]


def utf8_bytes(items: Sequence[PipelineInput]) -> int:
    return sum(len(i.title.encode()) + len(i.body.encode()) for i in items)


# --- machine ----------------------------------------------------------------------------------------


def rss_mb() -> float:
    with Path("/proc/self/statm").open() as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 1e6


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # ru_maxrss is in KiB


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    cpu = ""
    with Path("/proc/cpuinfo").open() as handle:
        cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    pools = [
        {k: p.get(k) for k in ("user_api", "internal_api", "num_threads", "version", "prefix")}
        for p in threadpool_info()
    ]
    return {
        "python": platform.python_version(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "affinity": sorted(os.sched_getaffinity(0)),
        "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
        | {"OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE")},
        "threadpools": pools,
        "load_at_start": load(),
    }


def percentiles(values: Sequence[float]) -> dict[str, float]:
    p50, p95, p99 = np.percentile(np.asarray(values), [50, 95, 99])
    return {"p50": round(float(p50), 3), "p95": round(float(p95), 3), "p99": round(float(p99), 3)}


# --- 1. training and throughput ---------------------------------------------------------------------


def train_model(data_dir: Path) -> tuple[CategoryClassifier, dict[str, Any]]:
    texts, labels = load_labelled(data_dir / "attachment2_raw_subset" / "dev.csv")
    began, cpu = time.perf_counter(), time.process_time()
    model = train(texts, labels)
    return model, {
        "messages": len(texts),
        "classes": len(model.classes_),
        "seconds": round(time.perf_counter() - began, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
    }


def pipeline_with(model: CategoryClassifier) -> TextPipeline:
    """The pipeline as the server builds it (``minyi.analysis.provider.build_pipeline``), with a trained model."""
    return build_pipeline(Settings(), classifier=model)


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    """Result and CPU seconds of this process (not wall time: other jobs share the cores)."""
    began = time.process_time()
    result = function()
    return result, time.process_time() - began


def best_of(repeat: int, function: Callable[[], Any]) -> float:
    """Least CPU seconds of ``repeat`` runs."""
    return min(timed(function)[1] for _ in range(repeat))


def staged(pipe: TextPipeline, batch: Sequence[PipelineInput]) -> dict[str, float]:
    """What ``analyse_many`` does to ``batch``, one stage at a time; CPU seconds per stage."""
    assert pipe.classifier is not None
    norm = pipe.normalizer_
    (titles, bodies), t_norm = timed(
        lambda: ([norm.transform_one(i.title) for i in batch], [norm.transform_one(i.body) for i in batch])
    )
    texts = [f"{t.text} {b.text}".strip() for t, b in zip(titles, bodies, strict=True)]
    pairs = [(t.text, b.text) for t, b in zip(titles, bodies, strict=True)]
    _, t_mask = timed(lambda: [pipe.masker_.find(i.title + "\n" + i.body) for i in batch])
    _, t_class = timed(lambda: pipe.classify([t.text for t in titles], texts))
    _, t_appeal = timed(lambda: pipe.appeal_.predict_results(pairs))
    _, t_dedupe = timed(
        lambda: pipe.detector_.add_many(
            [(i.message_id, text, i.author, i.when) for i, text in zip(batch, texts, strict=True)]
        )
    )
    return {
        "normalise": t_norm,
        "protect": t_mask,
        "classify": t_class,
        "appeal": t_appeal,
        "dedupe": t_dedupe,
    }


def stage_report(totals: dict[str, float], messages: int) -> dict[str, Any]:
    whole = sum(totals.values())
    return {
        "messages": messages,
        "sum_us_per_message": round(whole / messages * 1e6, 1),
        "stages": {
            name: {
                "us_per_message": round(seconds / messages * 1e6, 1),
                "share": round(seconds / whole, 3),
                "alone_messages_per_s": round(messages / seconds),
            }
            for name, seconds in totals.items()
        },
    }


def throughput(pipe: TextPipeline, stream: Stream, total: int, batch_size: int) -> dict[str, Any]:
    """Feed ``total`` messages in batches; whole-pipeline time, stage times and RSS checkpoints."""
    base = rss_mb()
    marks = {total * q // 4 for q in (1, 2, 3, 4)}
    wall = cpu = 0.0
    timed_messages = timed_bytes = staged_messages = duplicates = 0
    stage_totals: dict[str, float] = {}
    checkpoints = []
    for number in range(0, total, batch_size):
        batch = stream.batch(min(batch_size, total - number))
        if (number // batch_size) % STAGE_EVERY == STAGE_EVERY - 1:
            for name, seconds in staged(pipe, batch).items():
                stage_totals[name] = stage_totals.get(name, 0.0) + seconds
            staged_messages += len(batch)
        else:
            began, began_cpu = time.perf_counter(), time.process_time()
            results = pipe.analyse_many(batch)
            wall += time.perf_counter() - began
            cpu += time.process_time() - began_cpu
            timed_messages, timed_bytes = timed_messages + len(batch), timed_bytes + utf8_bytes(batch)
            duplicates += sum(r.duplicate is not None for r in results)
        done = number + len(batch)
        if any(number < mark <= done for mark in marks):
            checkpoints.append(
                {"messages": done, "indexed": len(pipe.detector_), "rss_growth_mb": round(rss_mb() - base, 1)}
            )
    return {
        "messages": total,
        "timed_messages": timed_messages,
        "batch_size": batch_size,
        "messages_per_s": round(timed_messages / wall),
        "messages_per_cpu_s": round(timed_messages / cpu),
        "mb_per_s": round(timed_bytes / wall / 1e6, 3),
        "mb_per_cpu_s": round(timed_bytes / cpu / 1e6, 3),
        "mean_utf8_bytes": round(timed_bytes / timed_messages),
        "duplicate_share": round(duplicates / timed_messages, 3),
        "rss_start_mb": round(base, 1),
        "rss_checkpoints": checkpoints,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "stage_breakdown": stage_report(stage_totals, staged_messages),
    }


def one_at_a_time(pipe: TextPipeline, stream: Stream, count: int) -> dict[str, Any]:
    """``analyse`` one message at a time (as intake calls it); rate and latency."""
    latencies, cpu = [], []
    for _ in range(count):
        item = stream.next()
        began, began_cpu = time.perf_counter(), time.process_time()
        pipe.analyse(item)
        latencies.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return {
        "messages": count,
        "messages_per_s": round(count / sum(latencies)),
        "messages_per_cpu_s": round(count / sum(cpu)),
        "latency_ms": percentiles([x * 1e3 for x in latencies]),
        "cpu_ms": percentiles([x * 1e3 for x in cpu]),
    }


def classify_breakdown(model: CategoryClassifier, texts: Sequence[str], repeat: int) -> dict[str, float]:
    """CPU µs per message of the steps inside ``CategoryClassifier.top_k``, best of ``repeat``."""
    import scipy.sparse as sp  # local: only needed here

    n = len(texts)
    tokens = [model.segmenter_.tokens(t) for t in texts]
    head = [t[: model.head_tokens] for t in tokens]
    out = {"segment": best_of(repeat, lambda: [model.segmenter_.tokens(t) for t in texts])}
    parts = []
    for source, block, weight in model.blocks_:
        docs = tokens if source == "full" else head
        name = type(block).__name__
        low, high = (1, block.max_n) if name == "WordNgrams" else (block.min_n, block.max_n)
        out[f"tfidf_{source}_{name}_{low}-{high}"] = best_of(repeat, lambda b=block, d=docs: b.transform(d))
        parts.append(block.transform(docs) * weight)
    features = sp.hstack(parts, format="csr")
    out["predict_proba"] = best_of(repeat, lambda: model.estimator_.predict_proba(features))
    return {name: round(seconds / n * 1e6, 1) for name, seconds in out.items()}


def call_overhead(model: CategoryClassifier, texts: Sequence[str], repeat: int) -> dict[str, float]:
    """CPU ms of ``top_k`` and of the calibrated model on one text per call, against batches of 256."""
    batch = list(texts[:256])
    single = texts[:200]
    rows = [model._features([t], normalized=True) for t in single]  # noqa: SLF001 - the model's own features
    per_call = best_of(repeat, lambda: [model.top_k([t], k=TOP_K, normalized=True) for t in single]) / len(
        single
    )
    proba = best_of(repeat, lambda: [model.estimator_.predict_proba(r) for r in rows]) / len(rows)
    in_batch = best_of(repeat, lambda: model.top_k(batch, k=TOP_K, normalized=True)) / len(batch)
    return {
        "top_k_one_text_ms": round(per_call * 1e3, 3),
        "predict_proba_one_row_ms": round(proba * 1e3, 3),
        "top_k_per_text_in_batch_of_256_ms": round(in_batch * 1e3, 3),
    }


def appeal_breakdown(pairs: Sequence[tuple[str, str]], repeat: int) -> dict[str, float]:
    """CPU µs per message of the appeal stage as configured (no second normalisation) and with one."""
    as_configured = AppealClassifier(use_model=False, normalize=False)
    normalising = AppealClassifier(use_model=False)
    without = best_of(repeat, lambda: as_configured.predict_results(pairs))
    with_norm = best_of(repeat, lambda: normalising.predict_results(pairs))
    n = len(pairs)
    return {"as_configured": round(without / n * 1e6, 1), "normalize_true": round(with_norm / n * 1e6, 1)}


def breakdowns(pipe: TextPipeline, stream: Stream, count: int, repeat: int = 3) -> dict[str, Any]:
    """Sub-step costs of classify and appeal on ``count`` fresh messages (nothing is indexed)."""
    assert pipe.classifier is not None
    items = stream.batch(count)
    norm = pipe.normalizer_
    titles = [norm.transform_one(i.title).text for i in items]
    bodies = [norm.transform_one(i.body).text for i in items]
    texts = [f"{t} {b}".strip() for t, b in zip(titles, bodies, strict=True)]
    return {
        "messages": count,
        "repeat": repeat,
        "classify_us": classify_breakdown(pipe.classifier, texts, repeat),
        "classify_call_overhead": call_overhead(pipe.classifier, texts, repeat),
        "appeal_us": appeal_breakdown(list(zip(titles, bodies, strict=True)), repeat),
    }


# --- 2. intake latency ------------------------------------------------------------------------------


def intake_database(directory: Path, labels: Sequence[str]) -> Any:
    """A migrated SQLite database with one department and two categories per model label."""
    from minyi.db.session import Database
    from minyi.schema.migrate import upgrade

    database = Database(f"sqlite:///{directory / 'bench.db'}")
    upgrade(database.engine)
    with database.transaction() as session:
        for label in labels:
            department = make_department(session, name=f"{label}部门")
            top = make_category(session, name=label, department=department)
            make_category(session, name=f"{label}其他", parent=top, department=department)
    return database


def receive_ms(database: Any, data: MessageIn, pipeline: TextPipeline | None) -> tuple[float, float]:
    """Wall and CPU milliseconds of one ``receive`` call, session opening and closing included."""
    began, began_cpu = time.perf_counter(), time.process_time()
    with database.session() as session:
        receive(session, data, channel="api", key="k", pipeline=pipeline)
    return (time.perf_counter() - began) * 1e3, (time.process_time() - began_cpu) * 1e3


def as_message(item: PipelineInput) -> MessageIn:
    return MessageIn(title=item.title, body=item.body, author=item.author, submitted_at=item.when)


class AnalyseProbe:
    """Wraps ``pipeline.analyse`` to record the wall and CPU milliseconds of each call."""

    def __init__(self, pipeline: TextPipeline) -> None:
        self.original = pipeline.analyse
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __call__(self, item: PipelineInput) -> Any:
        began, began_cpu = time.perf_counter(), time.process_time()
        result = self.original(item)
        self.wall.append((time.perf_counter() - began) * 1e3)
        self.cpu.append((time.process_time() - began_cpu) * 1e3)
        return result


def latency_report(
    with_ms: list[tuple[float, float]], without_ms: list[tuple[float, float]]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for index, clock in enumerate(("wall", "cpu")):
        a, b = [x[index] for x in with_ms], [x[index] for x in without_ms]
        out[clock] = {
            "with_pipeline_ms": percentiles(a),
            "without_pipeline_ms": percentiles(b),
            "paired_difference_ms": percentiles([x - y for x, y in zip(a, b, strict=True)]),
        }
    return out


def intake_latency(pipe: TextPipeline, stream: Stream, count: int, warmup: int = 100) -> dict[str, Any]:
    """Time ``receive`` with and without the pipeline, alternating which goes first."""
    assert pipe.classifier is not None
    probe = AnalyseProbe(pipe)
    pipe.analyse = probe  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory(prefix="minyi-bench-") as tmp:
        database = intake_database(Path(tmp), pipe.classifier.classes_)
        with_ms, without_ms = [], []
        for number in range(warmup + count):
            first, second = as_message(stream.next()), as_message(stream.next())
            if number % 2:
                a, b = receive_ms(database, first, pipe), receive_ms(database, second, None)
            else:
                b, a = receive_ms(database, first, None), receive_ms(database, second, pipe)
            if number >= warmup:
                with_ms.append(a)
                without_ms.append(b)
        failed = count_failed(database)
        database.engine.dispose()
    del pipe.analyse  # back to the class's method
    return {
        "messages_each": count,
        **latency_report(with_ms, without_ms),
        "analyse_inside_receive": {
            "wall_ms": percentiles(probe.wall[warmup:]),
            "cpu_ms": percentiles(probe.cpu[warmup:]),
        },
        "failed_messages": failed,
    }


def count_failed(database: Any) -> int:
    from sqlalchemy import func, select

    with database.session() as session:
        query = select(func.count()).where(Message.state == ProcessingState.FAILED.value)
        return int(session.scalar(query) or 0)


# --- report -----------------------------------------------------------------------------------------


def goals(report: dict[str, Any]) -> dict[str, Any]:
    rate, cpu_rate = report["throughput"]["messages_per_s"], report["throughput"]["messages_per_cpu_s"]
    checkpoints = report["throughput"]["rss_checkpoints"]
    growth = checkpoints[-1]["rss_growth_mb"] - checkpoints[1]["rss_growth_mb"] if len(checkpoints) > 1 else 0
    added = report["intake"]["wall"]["paired_difference_ms"]["p95"]
    added_cpu = report["intake"]["cpu"]["paired_difference_ms"]["p95"]
    return {
        "rate_2000_per_core": {"wall": rate, "cpu": cpu_rate, "met": min(rate, cpu_rate) >= GOAL_RATE},
        "memory_flat_50_to_100pct": {
            "growth_mb": round(growth, 1),
            "met": abs(growth) <= 0.1 * max(checkpoints[-1]["rss_growth_mb"], 1.0),
        },
        "added_p95_20ms": {"wall": added, "cpu": added_cpu, "met": max(added, added_cpu) <= GOAL_P95_MS},
    }


def print_throughput(report: dict[str, Any]) -> None:
    m, t = report["machine"], report["throughput"]
    print(f"machine: {m['cpu']}, {m['cpus']} cpus, Python {m['python']}, load {m['load_at_start']}")
    print(f"thread pools: {m['threadpools']}")
    print(f"training: {json.dumps(report['training'])}")
    print(
        f"analyse_many, {t['timed_messages']:,} messages in batches of {t['batch_size']}: "
        f"{t['messages_per_s']:,} msg/s wall ({t['mb_per_s']} MB/s), "
        f"{t['messages_per_cpu_s']:,} msg/s CPU ({t['mb_per_cpu_s']} MB/s); "
        f"{t['duplicate_share']:.1%} duplicates"
    )
    for point in t["rss_checkpoints"]:
        print(
            f"  at {point['messages']:>7,}: {point['indexed']:>7,} indexed, RSS +{point['rss_growth_mb']} MB"
        )
    print(f"  RSS at start {t['rss_start_mb']} MB, peak {t['peak_rss_mb']} MB")
    stages = t["stage_breakdown"]
    print(f"stages, CPU ({stages['messages']:,} messages, {stages['sum_us_per_message']} µs/message in all):")
    for name, s in stages["stages"].items():
        print(
            f"  {name:<10} {s['us_per_message']:>8} µs {s['share']:>6.1%}  alone {s['alone_messages_per_s']:>7,}/s"
        )
    b = report["breakdowns"]
    print(f"classify steps (CPU µs/message, best of {b['repeat']}):")
    for name, value in b["classify_us"].items():
        print(f"  {name:<26} {value:>8}")
    print(f"classify per call (CPU ms): {json.dumps(b['classify_call_overhead'])}")
    print(f"appeal (CPU µs/message): {json.dumps(b['appeal_us'])}")


def print_latency(report: dict[str, Any]) -> None:
    single, intake = report["single"], report["intake"]
    print(
        f"analyse one at a time: {single['messages_per_s']:,} msg/s wall, {single['messages_per_cpu_s']:,} CPU; "
        f"wall ms {single['latency_ms']}, CPU ms {single['cpu_ms']}"
    )
    print(f"intake receive, {intake['messages_each']:,} messages each way (ms):")
    print(f"  {'':<28} {'wall p50':>9} {'p95':>8} {'p99':>8} {'CPU p50':>9} {'p95':>8} {'p99':>8}")
    rows = [("with pipeline", "with_pipeline_ms"), ("pipeline=None", "without_pipeline_ms")]
    rows.append(("paired difference", "paired_difference_ms"))
    for label, key in rows:
        wall, cpu = intake["wall"][key], intake["cpu"][key]
        print(
            f"  {label:<28} {wall['p50']:>9} {wall['p95']:>8} {wall['p99']:>8} "
            f"{cpu['p50']:>9} {cpu['p95']:>8} {cpu['p99']:>8}"
        )
    inside = intake["analyse_inside_receive"]
    wall, cpu = inside["wall_ms"], inside["cpu_ms"]
    print(
        f"  {'analyse inside receive':<28} {wall['p50']:>9} {wall['p95']:>8} {wall['p99']:>8} "
        f"{cpu['p50']:>9} {cpu['p95']:>8} {cpu['p99']:>8}"
    )
    print(f"  failed messages: {intake['failed_messages']}")
    print(f"goals: {json.dumps(report['goals'])}")
    loads = [report[k] for k in ("load_after_throughput", "load_before_intake", "load_at_end")]
    print(f"load (1, 5, 15 min) after throughput, before intake, at end: {loads}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    default_dir = ROOT.parent / "shared" / "data" / "tipdm2020_smart_gov"
    parser.add_argument("--data-dir", type=Path, default=default_dir)
    parser.add_argument("--n", type=int, default=200_000, help="messages in the throughput stream")
    parser.add_argument("--quick", action="store_true", help="20,000 messages, shorter side runs")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument(
        "--interval", type=float, help="seconds between messages (default: window full at 40%%)"
    )
    parser.add_argument(
        "--intake", type=int, default=2000, help="messages received with and without the pipeline"
    )
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.intake = 20_000, 500
    if args.interval is None:
        args.interval = WINDOW_DAYS * 86_400 / (WINDOW_FULL_AT * args.n)
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    report: dict[str, Any] = {"machine": machine(), "settings": {k: str(v) for k, v in vars(args).items()}}
    with threadpool_limits(1):
        model, report["training"] = train_model(args.data_dir)
        stream = Stream(load_sources(args.data_dir), args.seed, args.interval)
        pipe = pipeline_with(model)
        pipe.analyse_many(stream.batch(64), index=False)  # warm-up: lazy set-up of every stage
        report["throughput"] = throughput(pipe, stream, args.n, args.batch)
        report["load_after_throughput"] = load()
        report["single"] = one_at_a_time(pipe, stream, max(args.n // 40, 500))
        report["breakdowns"] = breakdowns(pipe, stream, 2048)
        report["load_before_intake"] = load()
        report["intake"] = intake_latency(pipe, stream, args.intake)
    report["goals"] = goals(report)
    report["load_at_end"] = load()
    print_throughput(report)
    print_latency(report)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
