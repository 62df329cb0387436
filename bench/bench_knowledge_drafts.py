"""Read 30 drafted replies of the knowledge base against the real answers of 附件4.

Run: .venv/bin/python bench/bench_knowledge_drafts.py [--data-dir DIR] [--split 0.8] [--count 30] [--json]

Split by time as ``bench_knowledge.py``: the answers of the first ``--split`` share of 附件4
are the knowledge, the later questions the test. For ``--count`` test questions spread evenly
over the test part, the draft is what "用作草稿" gives on the case page: the shared template
通用：已办结答复 with the best answer's substance in its 【待填写】 gap
(``minyi.knowledge.suggest.compose``). Each draft and the real answer are scored by the reply
quality check (``minyi.pipeline.reply_quality``, no times: timeliness left out), and the
table prints the question, the best match, its BM25 score and its relevance (whether the
case page suggests it: ``suggest.MIN_COVERAGE``, ``MIN_RELEVANCE``) so that a person can judge
whether the draft would help (the judgements are in ``bench/README.md``; ids only).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_knowledge import load_attachment4  # noqa: E402
from minyi.knowledge.index import Document, KnowledgeIndex  # noqa: E402
from minyi.knowledge.search import Hit  # noqa: E402
from minyi.knowledge.suggest import MIN_COVERAGE, MIN_RELEVANCE, compose  # noqa: E402
from minyi.pipeline.privacy import mask_text  # noqa: E402
from minyi.pipeline.reply_quality import ReplyQualityChecker  # noqa: E402

TEMPLATE = (
    "您好！您反映的“{title}”问题已收悉。经核查，【待填写】。目前问题已处理完毕。"
    "如有疑问，请致电我单位。感谢您对我们工作的理解和支持！"
)


def build(rows: list[dict[str, str]], path: Path) -> KnowledgeIndex:
    """The index of the knowledge part (masked as Minyi indexes answered cases)."""
    index = KnowledgeIndex(path)
    docs = [
        Document(
            source="case",
            id=row["id"],
            title=mask_text(row["title"]),
            question=mask_text(row["question"])[:600],
            answer=mask_text(row["answer"])[:2000],
            date=row["answered"][:10],
        )
        for row in rows
    ]
    index.replace(docs, clear=True)
    return index


def read(index: KnowledgeIndex, test: list[dict[str, str]], count: int) -> list[dict[str, object]]:
    """For ``count`` test questions: the best match, the draft and both quality scores."""
    checker = ReplyQualityChecker()
    step = max(1, len(test) // count)
    rows = []
    for row in test[::step][:count]:
        found = index.search(f"{row['title']}。{row['question']}", top=1)
        if not found:
            continue
        best = found[0].document
        hit = Hit(
            "case",
            best.id,
            best.title,
            best.answer,
            "",
            best.date,
            found[0].score,
            relevance=found[0].relevance,
            coverage=found[0].coverage,
        )
        draft = compose(TEMPLATE.replace("{title}", row["title"]), hit)
        real = checker.check(row["title"], row["question"], row["answer"]).score
        drafted = checker.check(row["title"], row["question"], draft).score
        rows.append(
            {
                "id": row["id"],
                "match_id": best.id,
                "bm25": round(found[0].score, 1),
                "relevance": round(hit.relevance, 3),
                "band": hit.band,
                "offered": hit.coverage >= MIN_COVERAGE and hit.relevance >= MIN_RELEVANCE,
                "draft_score": round(drafted, 1),
                "real_score": round(real, 1),
                "title": row["title"],
                "match_title": best.title,
                "draft": draft,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--split", type=float, default=0.8)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = load_attachment4(args.data_dir)
    cut = int(len(rows) * args.split)
    index = build(rows[:cut], Path(tempfile.gettempdir()) / "minyi-bench-knowledge-drafts")
    result = read(index, rows[cut:], args.count)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for number, item in enumerate(result, 1):
        print(
            f"{number:2d}. {item['id']} → {item['match_id']}  bm25 {item['bm25']:6.1f}  "
            f"relevance {item['relevance']:.2f} {item['band']:4s}{'' if item['offered'] else ' (folded)'}  "
            f"draft {item['draft_score']:5.1f}  real {item['real_score']:5.1f}  "
            f"{str(item['title'])[:28]} | {str(item['match_title'])[:28]}"
        )
    drafts = [float(str(item["draft_score"])) for item in result]
    reals = [float(str(item["real_score"])) for item in result]
    offered = sum(bool(item["offered"]) for item in result)
    print(
        f"suggested on the case page (coverage >= {MIN_COVERAGE}, relevance >= {MIN_RELEVANCE}): "
        f"{offered} of {len(result)} (the rest folded away)"
    )
    print(
        f"median reply-quality score: drafts {statistics.median(drafts):.1f}, real answers {statistics.median(reals):.1f}"
    )


if __name__ == "__main__":
    main()
