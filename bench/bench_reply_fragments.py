"""How many ``missing_key_terms`` warnings of the reply check quote a piece of a word.

The check (``minyi.pipeline.reply_quality``) says 答复未提及留言中的‘…’ for a key term of the
title the reply does not mention.  A quoted term is a **fragment** when it is not a whole
word of the title:

- it starts right after an ASCII letter or digit of the same run (‘路车’ of ``360路车``), or
  ends right before one;
- or it overlaps a name the hot-issue place finder extracts (a named place or a route of at
  most 8 characters) without holding it whole: ‘发新城’ or ‘丽发’ of ``丽发新城``, ‘路公交’ of
  ``360路公交``.

Runs the checker fitted on 附件4 (as ``bench_reply_quality.py`` does) over its 2,816 messages
with their official replies and prints the warnings, the quoted terms, the fragments among
them (and the warnings quoting at least one), with examples.

    .venv/bin/python bench/bench_reply_fragments.py [--data-dir DIR] [--examples 15]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench_reply_quality import DEFAULT_DATA, read_rows
from minyi.issues.detect.places import extract_places
from minyi.pipeline.reply_quality import ReplyQualityChecker

_ALNUM = re.compile(r"[A-Za-z0-9]")
#: Longer "names" of the place finder are mostly phrases ending in 路 or 园: not judged.
MAX_NAME = 8


def is_fragment(term: str, title: str) -> bool:
    """Whether ``term`` is a piece of a word of ``title`` (see the module's rules)."""
    start = title.find(term)
    if start < 0:
        return False
    end = start + len(term)
    before = title[start - 1 : start]
    after = title[end : end + 1]
    if before and _ALNUM.fullmatch(before) and (_ALNUM.fullmatch(term[0]) or term[0] in "路号"):
        return True
    if after and _ALNUM.fullmatch(after) and _ALNUM.fullmatch(term[-1]):
        return True
    for place in extract_places(title):
        if place.kind == "admin" or len(place.name) > MAX_NAME:
            continue
        at = title.find(place.name)
        while at >= 0:
            stop = at + len(place.name)
            if at < end and start < stop and not (start <= at and stop <= end):
                return True  # overlaps the name without holding it whole
            at = title.find(place.name, at + 1)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--examples", type=int, default=15)
    args = parser.parse_args()
    rows = read_rows(args.data_dir / "official" / "附件4.xlsx")
    checker = ReplyQualityChecker().fit(
        [(str(r["留言主题"] or ""), str(r["留言详情"] or "")) for r in rows],
        [str(r["答复意见"] or "") for r in rows],
    )
    warnings = terms = fragments = warned_fragments = 0
    examples: list[str] = []
    for row in rows:
        title = str(row["留言主题"] or "")
        quality = checker.check(title, str(row["留言详情"] or ""), str(row["答复意见"] or ""))
        if not any(f.code == "missing_key_terms" for f in quality.findings):
            continue
        warnings += 1
        quoted = quality.missing_key_terms[:5]
        terms += len(quoted)
        pieces = [term for term in quoted if is_fragment(term, title)]
        fragments += len(pieces)
        warned_fragments += bool(pieces)
        if pieces and len(examples) < args.examples:
            examples.append(f"  {'‘' + '’‘'.join(pieces) + '’'}  ←  {title}")
    print(f"messages={len(rows)} warnings={warnings} quoted_terms={terms}")
    print(
        f"fragments={fragments} ({100 * fragments / max(terms, 1):.1f}% of quoted terms) in {warned_fragments} warnings"
    )
    print("\n".join(examples))


if __name__ == "__main__":
    main()
