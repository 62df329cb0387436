"""Count what the masker changes in the real TipDM 2020 texts, and compare two runs.

Usage::

    python bench/bench_privacy_real.py [--data-dir ../shared/data/tipdm2020_smart_gov]
                                       [--save /tmp/before.jsonl] [--compare /tmp/before.jsonl]
                                       [--show 40] [--json]

The texts (titles, messages and replies of official/附件2–4.xlsx) are public data of a
competition, but they are not ours to publish: they are read from the shared data
directory and never committed, nor are the masked copies (``--save`` writes them where
you say, outside the repository).  The table counts findings per kind; ``--compare``
lists the texts whose masked form differs from a saved run, so that a new rule's every
change (true and false positives) can be read by a person, which is how its false
positives are measured: there are no labels for these texts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from minyi.pipeline.privacy import KINDS, PersonalDataMasker

FILES = {"附件2（测试数据）": ("留言主题", "留言详情"), "附件3": ("留言主题", "留言详情"),
         "附件4": ("留言主题", "留言详情", "答复意见")}  # fmt: skip


def texts(data_dir: Path) -> Iterator[tuple[str, str]]:
    """``(key, text)`` of every non-empty title, message and reply, in file order."""
    for name, columns in FILES.items():
        book = openpyxl.load_workbook(data_dir / "official" / f"{name}.xlsx", read_only=True)
        rows = book.active.iter_rows(values_only=True)  # type: ignore[union-attr]
        header = [str(c).strip() for c in next(rows)]
        wanted = [header.index(c) for c in columns]
        for row in rows:
            for i in wanted:
                if isinstance(row[i], str) and row[i].strip():
                    yield f"{name}:{row[0]}:{header[i]}", row[i]
        book.close()


def main() -> None:
    """Mask every text, print counts per kind, optionally save or compare masked copies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data/tipdm2020_smart_gov"))
    parser.add_argument("--save", type=Path, help="write the masked texts here (JSONL, outside the repo)")
    parser.add_argument("--compare", type=Path, help="list texts masked differently from this saved run")
    parser.add_argument("--show", type=int, default=40, help="changed texts to print (default 40)")
    parser.add_argument("--json", action="store_true", help="also print one JSON object as the last line")
    args = parser.parse_args()
    masker = PersonalDataMasker().fit()
    counts: Counter[str] = Counter()
    masked: dict[str, str] = {}
    total = 0
    for key, text in texts(args.data_dir):
        total += 1
        for finding in masker.find(text):
            counts[finding.kind] += 1
        masked[key] = masker.mask(text)
    print(f"{total} texts")
    for kind in KINDS:
        print(f"{kind:10} {counts[kind]:6}")
    if args.save:
        with args.save.open("w", encoding="utf-8") as out:
            for key, value in masked.items():
                out.write(json.dumps({"key": key, "masked": value}, ensure_ascii=False) + "\n")
    changed = _compare(args.compare, masked, args.show) if args.compare else 0
    if args.json:
        print(json.dumps({"texts": total, "findings": dict(counts), "changed": changed}))


def _compare(saved_file: Path, masked: dict[str, str], show: int) -> int:
    """Print the texts masked differently from ``saved_file`` (the first ``show``); how many."""
    with saved_file.open(encoding="utf-8") as saved:
        before = {row["key"]: row["masked"] for row in map(json.loads, saved)}
    changed = 0
    for key, value in masked.items():
        if before.get(key, value) != value:
            changed += 1
            if changed <= show:
                print(f"--- {key}\n{_diff(before[key], value)}")
    print(f"{changed} texts masked differently")
    return changed


def _diff(old: str, new: str, width: int = 30) -> str:
    """The first differing stretch of ``old`` and ``new``, with context."""
    start = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new))
    )
    lo = max(0, start - width)
    return f"  - {old[lo : start + width]}\n  + {new[lo : start + width]}"


if __name__ == "__main__":
    main()
