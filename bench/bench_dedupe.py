"""Benchmark duplicate detection (``minyi.pipeline.dedupe``) on the TipDM 2020 message boards.

Usage::

    python bench/bench_dedupe.py [--data-dir ../shared/data/tipdm2020_smart_gov] [--n 200000] [--batch 256] [--json]

1. *Precision*: the detector runs over the messages (留言主题 + 留言详情, in time
   order) of official/附件3.xlsx and official/附件4.xlsx; the pairs it reports are
   compared with ``bench/data/dedupe_pairs.csv`` (ids and hand labels only, no
   texts).  Pairs not in the labelled file are counted as unlabelled.
2. *Relations* on 附件3: same-author repeats, joint letters, different authors.
3. *Throughput and memory*: the texts of both files are replicated with small
   random edits (a fixed seed) to ``--n`` messages, a few minutes apart so that
   the 30-day window evicts, and fed to ``add`` one by one on one core, then again
   to ``add_many`` in batches of ``--batch`` (the same matches, cheaper).  Peak RSS
   and RSS at 25%, 50%, 75% and 100% of the stream are reported; growth from 50k
   to 200k messages must stay flat.  A second, "mostly unique" stream (a quarter
   as long, 150-250 edits per copy) shows the cost when few messages match.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from minyi.pipeline.dedupe import DuplicateDetector

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "bench" / "data" / "dedupe_pairs.csv"
FILES = ("附件3.xlsx", "附件4.xlsx")
EDIT_CHARS = "的了在是我有和就不人都一这上也很到说要去你会着没看好自己"


def parse_when(value: Any) -> datetime:
    """留言时间 is a datetime or a string such as ``2019/4/25 9:32:09``."""
    if isinstance(value, datetime):
        return value
    text = str(value).strip().replace("-", "/")
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt)  # noqa: DTZ007 - local board time, naive on purpose
        except ValueError:
            continue
    raise ValueError(f"unparsable time {value!r}")


def load_messages(data_dir: Path, name: str) -> list[tuple[str, str, str, datetime]]:
    """``(id, user, text, when)`` of one official file, sorted by time then id."""
    import openpyxl  # local: only the benchmark reads xlsx

    book = openpyxl.load_workbook(data_dir / "official" / name, read_only=True)
    rows = book.active.iter_rows(values_only=True)  # type: ignore[union-attr]
    header = [str(cell) for cell in next(rows)]
    col = {
        title: header.index(title) for title in ("留言编号", "留言用户", "留言主题", "留言时间", "留言详情")
    }
    messages = []
    for row in rows:
        if row[col["留言编号"]] is None:
            continue
        text = f"{row[col['留言主题']] or ''}\n{row[col['留言详情']] or ''}"
        when = parse_when(row[col["留言时间"]])
        messages.append((str(row[col["留言编号"]]).strip(), str(row[col["留言用户"]]).strip(), text, when))
    book.close()
    messages.sort(key=lambda m: (m[3], m[0]))
    return messages


def reported_pairs(data_dir: Path, threshold: float = 0.8, batch: int = 1) -> list[dict[str, Any]]:
    """Every ``(new, matched)`` pair the detector reports on the two files (``add_many`` when ``batch > 1``)."""
    pairs = []
    for name in FILES:
        detector = DuplicateDetector(threshold=threshold)
        items = [(item_id, text, user, when) for item_id, user, text, when in load_messages(data_dir, name)]
        if batch > 1:
            matches = [
                m for s in range(0, len(items), batch) for m in detector.add_many(items[s : s + batch])
            ]
        else:
            matches = [detector.add(*item) for item in items]
        for (item_id, _, _, _), match in zip(items, matches, strict=True):
            if match is not None:
                pairs.append(
                    {
                        "file": name,
                        "id_a": match.matched_id,
                        "id_b": item_id,
                        "kind": match.kind,
                        "similarity": round(match.similarity, 4),
                        "relation": match.relation,
                    }
                )
    return pairs


def precision(data_dir: Path, threshold: float) -> dict[str, Any]:
    """Precision per kind of the reported pairs that carry a label; below-threshold labels for misses."""
    labels = {}
    with PAIRS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            labels[(row["file"], row["id_a"], row["id_b"])] = (int(row["label"]), float(row["similarity"]))
    pairs = reported_pairs(data_dir, threshold)
    result: dict[str, Any] = {
        "reported": len(pairs),
        "same_pairs_in_batches_of_256": reported_pairs(data_dir, threshold, batch=256) == pairs,
        "reported_by_kind": dict(Counter(p["kind"] for p in pairs)),
    }
    for kind in ("exact", "near", "all"):
        chosen = [p for p in pairs if kind in ("all", p["kind"])]
        labelled = [labels[key][0] for p in chosen if (key := (p["file"], p["id_a"], p["id_b"])) in labels]
        result[kind] = {
            "labelled": len(labelled),
            "correct": sum(labelled),
            "precision": round(sum(labelled) / len(labelled), 4) if labelled else None,
        }
    below = [label for label, similarity in labels.values() if similarity < threshold]
    result["below_threshold_sample"] = {"labelled": len(below), "true_duplicates": sum(below)}
    return result


def relations(data_dir: Path) -> dict[str, Any]:
    """Relations of the matches on 附件3 and the group count."""
    detector = DuplicateDetector()
    counts: Counter[str] = Counter()
    for item_id, user, text, when in load_messages(data_dir, "附件3.xlsx"):
        match = detector.add(item_id, text, user, when)
        if match is not None:
            counts[match.relation] += 1
    groups = detector.groups()
    return {
        "matches": dict(counts),
        "groups": len(groups),
        "group_relations": dict(Counter(group.relation for group in groups)),
        "largest_group": max((len(group.member_ids) for group in groups), default=0),
    }


def rss_mb() -> float:
    with Path("/proc/self/statm").open() as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 1e6


def perturb(rng: random.Random, text: str, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        position = rng.randrange(len(chars))
        operation = rng.random()
        if operation < 0.5:
            chars[position] = rng.choice(EDIT_CHARS)
        elif operation < 0.75:
            chars.insert(position, rng.choice(EDIT_CHARS))
        elif len(chars) > 1:
            del chars[position]
    return "".join(chars)


def throughput(
    data_dir: Path, total: int, seed: int, edits: tuple[int, int], batch: int = 1, **settings: Any
) -> dict[str, Any]:
    """Feed ``total`` perturbed copies, one minute apart, to ``add`` (``add_many`` in batches
    when ``batch > 1``); wall and CPU time and RSS checkpoints."""
    texts = [m[2] for name in FILES for m in load_messages(data_dir, name)]
    rng = random.Random(seed)
    start = datetime(2021, 1, 1, tzinfo=UTC)
    detector = DuplicateDetector(**settings)
    base = rss_mb()
    checkpoints, matched, busy, cpu = {}, 0, 0.0, 0.0
    marks = {total // 4, total // 2, 3 * total // 4, total}
    for first in range(1, total + 1, batch):
        items = []
        for number in range(first, min(first + batch, total + 1)):
            text = perturb(rng, rng.choice(texts), rng.randint(*edits))
            items.append((str(number), text, f"U{rng.randrange(20_000)}", start + timedelta(minutes=number)))
        began, began_cpu = time.perf_counter(), time.process_time()
        found = detector.add_many(items) if batch > 1 else [detector.add(*items[0])]
        busy, cpu = busy + time.perf_counter() - began, cpu + time.process_time() - began_cpu
        matched += sum(match is not None for match in found)
        for mark in marks:
            if first <= mark < first + batch:
                checkpoints[mark] = round(rss_mb() - base, 1)
    return {
        "messages": total,
        "batch": batch,
        "matched": matched,
        "indexed_at_end": len(detector),
        "messages_per_s": round(total / busy),
        "us_per_message": round(busy / total * 1e6, 1),
        "cpu_us_per_message": round(cpu / total * 1e6, 1),
        "rss_growth_mb": checkpoints,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "tipdm2020_smart_gov"
    )
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--batch", type=int, default=256, help="batch size of the add_many streams")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {
        "precision": precision(args.data_dir, args.threshold),
        "relations": relations(args.data_dir),
    }
    print("precision:", json.dumps(report["precision"], ensure_ascii=False))
    print("relations (附件3):", json.dumps(report["relations"], ensure_ascii=False))
    for batch in (1, args.batch):
        suffix = "" if batch == 1 else f"_batches_of_{batch}"
        heavy = throughput(args.data_dir, args.n, args.seed, (1, 12), batch, threshold=args.threshold)
        report["stream_duplicate_heavy" + suffix] = heavy
        print(f"stream, 1-12 edits per copy, batch {batch}:", json.dumps(heavy))
        unique = throughput(
            args.data_dir, args.n // 4, args.seed + 1, (150, 250), batch, threshold=args.threshold
        )
        report["stream_mostly_unique" + suffix] = unique
        print(f"stream, 150-250 edits per copy, batch {batch}:", json.dumps(unique))
    if args.json:
        print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
