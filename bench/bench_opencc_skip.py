"""The normaliser's OpenCC skip: exact on every text of 附件2/3/4, and what it saves.

Usage::

    python bench/bench_opencc_skip.py [--data-dir DIR] [--rounds 3]

Reads every text cell of the official 附件2（测试数据）, 附件3 and 附件4 (and the same
texts turned Traditional by OpenCC's ``s2t``, so that the converting side is exercised
too), then

* checks that each text the skip test passes (``FixedPoints.unchanged``) is returned
  unchanged by ``OpenCC("t2s").convert``, on the raw text and on the text the normaliser
  hands to the converter, and that ``TextNormalizer`` gives the same string with the skip
  and without it (exits 1 and names the first difference otherwise);
* times ``TextNormalizer.transform_one`` with and without the skip, alternated in one
  process, on the texts as they are and on the detector's share of them (the title and
  the first 600 characters of the body, as the featuriser reads them).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import opencc
import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from minyi.pipeline._opencc_fixed import FixedPoints
from minyi.pipeline.normalize import TextNormalizer

FILES = ("附件2（测试数据）.xlsx", "附件3.xlsx", "附件4.xlsx")


def read_texts(data_dir: Path) -> list[str]:
    """Every text cell of the three files, in order."""
    texts: list[str] = []
    for name in FILES:
        book = openpyxl.load_workbook(data_dir / "official" / name, read_only=True)
        for row in book.active.iter_rows(min_row=2, values_only=True):
            texts.extend(value for value in row if isinstance(value, str))
    return texts


def check(texts: list[str], fixed: FixedPoints, converter: opencc.OpenCC) -> tuple[int, int]:
    """(texts skipped, texts the converter changes); exits on a wrong skip."""
    with_skip = TextNormalizer(max_chars=None).fit()
    without = TextNormalizer(max_chars=None).fit()
    without.fixed_points_ = without.quiet_ = None
    skipped = changed = 0
    for number, text in enumerate(texts):
        prepared = text.translate(with_skip.fast_table_)
        for candidate in (text, prepared):
            if fixed.unchanged(candidate) and converter.convert(candidate) != candidate:
                sys.exit(f"text {number}: skipped but converted differently")
        skipped += fixed.unchanged(prepared)
        changed += converter.convert(prepared) != prepared
        if with_skip.transform_one(text).text != without.transform_one(text).text:
            sys.exit(f"text {number}: the normaliser differs with the skip")
    return skipped, changed


def timed(normalizer: TextNormalizer, texts: list[str]) -> float:
    """CPU seconds of normalising every text once."""
    start = time.process_time()
    for text in texts:
        normalizer.transform_one(text)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data/tipdm2020_smart_gov"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = read_texts(args.data_dir)
    to_traditional = opencc.OpenCC("s2t")
    traditional = [to_traditional.convert(text) for text in texts]
    normalizer = TextNormalizer(max_chars=800).fit()
    fixed = normalizer.fixed_points_
    if fixed is None:
        sys.exit("the witness table does not match the installed OpenCC: no skip")
    converter = opencc.OpenCC("t2s")
    for name, corpus in (("as written", texts), ("made Traditional", traditional)):
        skipped, changed = check(corpus, fixed, converter)
        print(f"{name}: {len(corpus)} texts, {skipped} skipped, {changed} changed by OpenCC, all exact")
    plain = TextNormalizer(max_chars=800).fit()
    plain.fixed_points_ = plain.quiet_ = None
    detector = [text[:600] for text in texts if len(text) > 1]
    for name, corpus in (("every text", texts), ("detector's share", detector)):
        chars = sum(map(len, corpus)) / len(corpus)
        for _ in range(args.rounds):
            pairs = (timed(plain, corpus), timed(normalizer, corpus))
            per = [1e6 * cpu / len(corpus) for cpu in pairs]
            print(f"{name} ({chars:.0f} chars): without skip {per[0]:.2f} µs, with skip {per[1]:.2f} µs")


if __name__ == "__main__":
    main()
