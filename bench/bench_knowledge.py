"""Benchmark the knowledge base's retrieval on 附件4 (messages with official answers).

Run: .venv/bin/python bench/bench_knowledge.py [--data-dir DIR] [--split 0.8] [--scale 1000000] [--json]

**Split by time.** The 2,816 messages of 附件4 are ordered by when they were written; the
answers of the first ``--split`` share are the knowledge, the later questions the test (an
operator answering today can only use answers given before).

**The right department.** 附件4 names no answering department (and most answers say only
我局 or 我镇), so the department is taken as the first-level category (7 classes, one per
answering department in the default tree) that the project's category classifier, trained
on the labelled messages of 附件2 (``attachment2_raw_subset/dev.csv`` and
``sample/附件2.xlsx``; not 附件4), gives the question. A hit is of the right department when
its question has that category too: what routing would send to the same department.

**Speed.** Query latency (p50/p95 over the test questions) on the real index, and with
``--scale N`` on an index of N synthetic answered cases (sentences of 附件2/附件4 recombined,
so the vocabulary and lengths are real), built once into ``/tmp/minyi-bench-knowledge-N``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import tantivy  # noqa: E402

from minyi.knowledge.index import Document, KnowledgeIndex, bigrams, words  # noqa: E402
from minyi.knowledge.suggest import MIN_COVERAGE, MIN_RELEVANCE  # noqa: E402
from minyi.pipeline.privacy import mask_text  # noqa: E402

SEED = 20261206
CACHE = Path(tempfile.gettempdir())  # the indexes are rebuilt when missing


def load_attachment4(data_dir: Path) -> list[dict[str, str]]:
    """附件4's rows: id, title, question, answer, asked (ISO), answered (ISO)."""
    book = openpyxl.load_workbook(data_dir / "official/附件4.xlsx", read_only=True)
    rows = []
    for row in list(book.active.iter_rows(values_only=True))[1:]:
        number, _user, title, asked, body, answer, answered = row[:7]
        if not answer or not title:
            continue
        rows.append(
            {
                "id": str(number),
                "title": str(title).strip(),
                "question": " ".join(str(body or "").split()),
                "answer": " ".join(str(answer).split()),
                "asked": _iso(asked),
                "answered": _iso(answered),
            }
        )
    return sorted(rows, key=lambda r: r["asked"])


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value or "").strip().replace("/", "-")
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").isoformat()  # noqa: DTZ007 - local time, compared only
    except ValueError:
        return text


def categories(data_dir: Path, texts: list[str]) -> list[str]:
    """The first-level category the classifier (trained on 附件2's labels) gives each text."""
    from bench_classify import load_labelled
    from minyi.pipeline.classify import CategoryClassifier

    train_texts, train_labels = load_labelled(data_dir / "attachment2_raw_subset/dev.csv")
    more_texts, more_labels = load_labelled(data_dir / "sample/附件2.xlsx", title_col="留言主题")
    model = CategoryClassifier().fit(
        list(train_texts) + list(more_texts), list(train_labels) + list(more_labels)
    )
    return list(model.predict(texts))


def build(rows: list[dict[str, str]], cats: list[str], path: Path) -> KnowledgeIndex:
    index = KnowledgeIndex(path)
    docs = [
        Document(
            source="case",
            id=row["id"],
            title=mask_text(row["title"]),
            question=mask_text(row["question"])[:600],
            answer=mask_text(row["answer"])[:2000],
            department=cat,
            department_id=cat,
            date=row["answered"][:10],
        )
        for row, cat in zip(rows, cats, strict=True)
    ]
    index.replace(docs, clear=True)
    return index


def quality(index: KnowledgeIndex, test: list[dict[str, str]], test_cats: list[str]) -> dict[str, float]:
    """Share of test questions whose top 5 holds an answer of the same department; latency.

    Also as the case page suggests them: nothing when the index holds less than
    ``suggest.MIN_COVERAGE`` of the question's telling words, and only hits of relevance
    ``suggest.MIN_RELEVANCE`` or more (the rest are folded away): the share whose suggested
    hits hold the department, the share suggested none, and the best hit's relevance.
    """
    right_cat = right_offered = none_offered = 0
    latencies, best = [], []
    for row, cat in zip(test, test_cats, strict=True):
        started = time.perf_counter()
        hits = index.search(f"{row['title']}。{row['question']}", top=5)
        latencies.append((time.perf_counter() - started) * 1000)
        offered = [hit for hit in hits if hit.coverage >= MIN_COVERAGE and hit.relevance >= MIN_RELEVANCE]
        best += [hit.relevance for hit in hits[:1]]
        right_cat += any(hit.document.department == cat for hit in hits)
        right_offered += any(hit.document.department == cat for hit in offered)
        none_offered += not offered
    latencies.sort()
    return {
        "test_questions": len(test),
        "top5_same_category": right_cat / len(test),
        "min_coverage": MIN_COVERAGE,
        "min_relevance": MIN_RELEVANCE,
        "best_relevance_p25_p50_p75": [round(q, 3) for q in statistics.quantiles(best, n=4)],
        "offered_top5_same_category": right_offered / len(test),
        "offered_none": none_offered / len(test),
        "latency_ms_p50": statistics.median(latencies),
        "latency_ms_p95": latencies[int(0.95 * len(latencies)) - 1],
    }


def synthetic_index(rows: list[dict[str, str]], size: int) -> KnowledgeIndex:
    """An index of ``size`` documents recombined from real sentences (built once, kept in the temp dir).

    Each sentence is segmented once and documents are assembled from the segmented
    sentences, so building a million documents costs minutes, not hours; the index holds
    the same fields as the real one (:func:`minyi.knowledge.index._to_tantivy`).
    """
    path = CACHE / f"minyi-bench-knowledge-{size}"
    index = KnowledgeIndex(path)
    if index.size() >= size:
        return index
    rng = random.Random(SEED)
    text = [
        s for row in rows for s in re.split(r"[。！？]", row["question"] + "。" + row["answer"]) if len(s) > 6
    ]
    sentences = [(s, " ".join(words(s)), " ".join(bigrams(s))) for s in text]
    titles = [(t, " ".join(words(t)), " ".join(bigrams(t))) for t in (row["title"] for row in rows)]
    started = time.perf_counter()
    writer = index.index.writer(heap_size=256_000_000, num_threads=1)
    writer.delete_all_documents()
    for made in range(size):
        title, question, answer = rng.choice(titles), rng.sample(sentences, 3), rng.sample(sentences, 4)
        doc = tantivy.Document()
        doc.add_text("key", f"case:s{made}")
        doc.add_text("department_id", f"d{made % 40}")
        doc.add_unsigned("public", 1)
        doc.add_text("t_title", title[1])
        doc.add_text("t_question", " ".join(s[1] for s in question))
        doc.add_text("t_answer", " ".join(s[1] for s in answer))
        doc.add_text("t_bigrams", " ".join([title[2], *(s[2] for s in question)]))
        stored = {
            "source": "case",
            "id": f"s{made}",
            "title": title[0],
            "question": "。".join(s[0] for s in question),
        }
        doc.add_json(
            "doc", stored | {"answer": "。".join(s[0] for s in answer), "department": f"d{made % 40}"}
        )
        writer.add_document(doc)
        if made and made % 100_000 == 0:
            print(f"  built {made:,} documents ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    print(f"  built {size:,} documents ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return index


def scaled_latency(index: KnowledgeIndex, test: list[dict[str, str]]) -> dict[str, float]:
    """Wall and CPU time per query (CPU is what a loaded machine cannot inflate)."""
    latencies, cpu = [], []
    for row in test:
        started, started_cpu = time.perf_counter(), time.process_time()
        index.search(f"{row['title']}。{row['question']}", top=5)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    latencies.sort()
    cpu.sort()
    return {
        "documents": index.size(),
        "latency_ms_p50": statistics.median(latencies),
        "latency_ms_p95": latencies[int(0.95 * len(latencies)) - 1],
        "cpu_ms_p50": statistics.median(cpu),
        "cpu_ms_p95": cpu[int(0.95 * len(cpu)) - 1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--split", type=float, default=0.8)
    parser.add_argument("--scale", type=int, default=0, help="also time an index of N synthetic cases")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = load_attachment4(args.data_dir)
    cut = int(len(rows) * args.split)
    known, test = rows[:cut], rows[cut:]
    cats = categories(args.data_dir, [f"{r['title']}\n{r['question']}" for r in rows])
    index = build(known, cats[:cut], CACHE / "minyi-bench-knowledge-real")
    result: dict[str, object] = {
        "knowledge": len(known),
        "split_at": test[0]["asked"][:10],
        "real": quality(index, test, cats[cut:]),
    }
    if args.scale:
        result["scaled"] = scaled_latency(synthetic_index(rows, args.scale), test)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    real = result["real"]
    assert isinstance(real, dict)
    print(
        f"knowledge: {len(known)} answers before {result['split_at']}; test: {real['test_questions']} later questions"
    )
    print(f"top-5 holds an answer of the same category (department): {real['top5_same_category']:.1%}")
    print(
        f"as the case page suggests them (coverage >= {real['min_coverage']}, relevance >= {real['min_relevance']}): "
        f"top-5 holds the department "
        f"{real['offered_top5_same_category']:.1%}, nothing suggested {real['offered_none']:.1%}; "
        f"best hit's relevance p25/p50/p75 {real['best_relevance_p25_p50_p75']}"
    )
    print(f"latency: p50 {real['latency_ms_p50']:.1f} ms, p95 {real['latency_ms_p95']:.1f} ms")
    if "scaled" in result:
        scaled = result["scaled"]
        assert isinstance(scaled, dict)
        print(
            f"at {scaled['documents']:,} documents: p50 {scaled['latency_ms_p50']:.1f} ms, "
            f"p95 {scaled['latency_ms_p95']:.1f} ms (CPU p50 {scaled['cpu_ms_p50']:.1f}, p95 {scaled['cpu_ms_p95']:.1f} ms)"
        )


if __name__ == "__main__":
    main()
