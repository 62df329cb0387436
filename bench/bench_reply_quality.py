"""Benchmark the reply-quality check (minyi.pipeline.reply_quality) on the TipDM 2020 replies.

Data (read from --data-dir, never copied into the repository):

* official/附件4.xlsx: 2,816 messages with official replies and reply times;
* reply_quality_labels/sheet_4_labeled.xlsx: 附件4 plus 完整性指标 / 可解释性指标, first 100 rows
  labelled (binary, team-made);
* reply_quality_labels/标注数据.txt: 283 replies with an explainability score 0-4;
* reply_quality_labels/{begin,end}_judge/*.txt: reply segments labelled "opening" / "closing".

Reported: agreement of the completeness component with 完整性指标 (accuracy and Cohen's kappa at
the checker's fixed threshold, ROC-AUC, and a leave-one-out tuned threshold for reference),
Spearman and AUC of relevance / completeness / overall against 可解释性指标 and the 0-4 scores,
accuracy of the opening / closing detectors on the segment labels, the distribution of scores,
findings and reply delays over all 2,816 replies, and throughput.

    .venv/bin/python bench/bench_reply_quality.py [--data-dir DIR] [--unfitted] [--json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np
import openpyxl
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score, roc_auc_score

from minyi.pipeline import reply_quality_cues as cues
from minyi.pipeline.reply_quality import ReplyQualityChecker

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "tipdm2020_smart_gov"
#: Fixed before the labels were scored: "complete" = completeness >= 70, i.e. both core elements
#: (action 25 + result 30) and at least one of next step / closing (the weights are the defaults).
COMPLETE_THRESHOLD = 70.0
DUE_WORKING_DAYS = 15


def parse_time(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    text = str(value or "").strip()
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt)  # noqa: DTZ007 - local times of the board
        except ValueError:
            continue
    return None


def read_rows(path: Path) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = book.active.iter_rows(values_only=True)
    header = [str(h).strip() for h in next(rows)]
    out = [dict(zip(header, row, strict=False)) for row in rows if any(v is not None for v in row)]
    book.close()
    return out


def read_scored_replies(path: Path) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8-sig")
    records = []
    for raw in text.split("\n\n"):
        block = raw.strip()
        if not block or "\t" not in block:
            continue
        score, reply = block.split("\t", 1)
        records.append((int(score.strip()), reply.strip()))
    return records


def read_segments(path: Path) -> list[tuple[int, str]]:
    out = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if "\t" in line:
            label, text = line.split("\t", 1)
            out.append((int(label), text.strip()))
    return out


def binary_agreement(gold: list[int], scores: list[float], threshold: float) -> dict[str, float]:
    pred = [int(s >= threshold) for s in scores]
    return {
        "threshold": threshold,
        "accuracy": round(float(np.mean([p == g for p, g in zip(pred, gold, strict=True)])), 4),
        "kappa": round(float(cohen_kappa_score(gold, pred)), 4),
        "predicted_positive": sum(pred),
    }


def loo_threshold_accuracy(gold: list[int], scores: list[float]) -> float:
    """Accuracy when each row's threshold is the accuracy-best one on the other rows."""
    candidates = sorted(set(scores))
    correct = 0
    for i in range(len(gold)):
        rest = [(s, g) for j, (s, g) in enumerate(zip(scores, gold, strict=True)) if j != i]
        best = max(candidates, key=lambda t: (sum((s >= t) == bool(g) for s, g in rest), -t))
        correct += (scores[i] >= best) == bool(gold[i])
    return round(correct / len(gold), 4)


def rank_stats(gold: list[int], scores: list[float], positive: list[int] | None = None) -> dict[str, float]:
    binary = positive if positive is not None else gold
    rho = spearmanr(gold, scores).statistic
    return {
        "spearman": round(float(rho), 4),
        "auc": round(float(roc_auc_score(binary, scores)), 4),
    }


def evaluate_sheet(checker: ReplyQualityChecker, labelled: list[dict[str, object]]) -> dict[str, object]:
    results = [check_row(checker, row) for row in labelled]
    complete = [int(row["完整性指标"]) for row in labelled]  # type: ignore[call-overload]
    explain = [int(row["可解释性指标"]) for row in labelled]  # type: ignore[call-overload]
    comp = [q.completeness.score or 0.0 for q in results]
    rel = [q.relevance.score or 0.0 for q in results]
    overall = [q.score for q in results]
    length = [float(len("".join(str(row["答复意见"]).split()))) for row in labelled]
    return {
        "n": len(labelled),
        "completeness_vs_label": {
            **binary_agreement(complete, comp, COMPLETE_THRESHOLD),
            "roc_auc": round(float(roc_auc_score(complete, comp)), 4),
            "loo_tuned_accuracy": loo_threshold_accuracy(complete, comp),
            "majority_baseline_accuracy": round(max(np.mean(complete), 1 - np.mean(complete)), 4),
        },
        "overall_vs_completeness_label": {"roc_auc": round(float(roc_auc_score(complete, overall)), 4)},
        "length_vs_completeness_label": {"roc_auc": round(float(roc_auc_score(complete, length)), 4)},
        "interpretability": {
            "relevance": rank_stats(explain, rel),
            "completeness": rank_stats(explain, comp),
            "overall": rank_stats(explain, overall),
            "reply_length": rank_stats(explain, length),
        },
    }


def check_row(checker: ReplyQualityChecker, row: dict[str, object]):
    return checker.check(
        str(row["留言主题"] or ""),
        str(row["留言详情"] or ""),
        str(row["答复意见"] or ""),
        received_at=parse_time(row["留言时间"]),
        replied_at=parse_time(row["答复时间"]),
    )


def evaluate_scored(
    checker: ReplyQualityChecker, records: list[tuple[int, str]], rows: list[dict[str, object]]
) -> dict[str, object]:
    """0-4 scores; replies matched to 附件4 (by their first 30 characters) get a full check."""
    index = {}
    for row in rows:
        key = "".join(str(row["答复意见"] or "").split())
        for start in range(0, max(1, len(key) - 30), 15):
            index.setdefault(key[start : start + 30], row)
    gold, comp, overall, matched_gold, matched_rel, matched_overall = [], [], [], [], [], []
    for score, reply in records:
        gold.append(score)
        q = checker.check("", "", reply)
        comp.append(q.completeness.score or 0.0)
        overall.append(q.score)
        key = "".join(reply.split())[:30]
        row = index.get(key)
        if row is not None and len(key) == 30:
            full = checker.check(str(row["留言主题"]), str(row["留言详情"]), reply)
            matched_gold.append(score)
            matched_rel.append(full.relevance.score or 0.0)
            matched_overall.append(full.score)
    out: dict[str, object] = {
        "n": len(records),
        "completeness": rank_stats(gold, comp, [int(g > 0) for g in gold]),
        "overall_without_message": rank_stats(gold, overall, [int(g > 0) for g in gold]),
        "matched_to_attachment4": len(matched_gold),
    }
    if len(set(matched_gold)) > 1 and len({int(g > 0) for g in matched_gold}) > 1:
        positive = [int(g > 0) for g in matched_gold]
        out["matched_relevance"] = rank_stats(matched_gold, matched_rel, positive)
        out["matched_overall"] = rank_stats(matched_gold, matched_overall, positive)
    return out


def evaluate_segments(data_dir: Path, checker: ReplyQualityChecker) -> dict[str, object]:
    out: dict[str, object] = {}
    detectors = {
        "begin_judge": {
            "greeting": lambda t: cues.has_greeting(t, checker.greeting_window),
            "opening": lambda t: cues.has_opening(t, checker.greeting_window),
        },
        "end_judge": {
            "closing": lambda t: cues.has_closing(t, checker.closing_window),
            "closing_or_date": lambda t: cues.has_closing(t, checker.closing_window, date_counts=True),
        },
    }
    for task, funcs in detectors.items():
        for split in ("test", "train+val"):
            names = ["train", "val"] if split == "train+val" else ["test"]
            data = [r for name in names for r in read_segments(data_dir / task / f"{name}.txt")]
            for det, func in funcs.items():
                pred = [int(func(text)) for _, text in data]
                gold = [g for g, _ in data]
                out[f"{task}/{split}/{det}"] = {
                    "n": len(data),
                    "accuracy": round(float(np.mean([p == g for p, g in zip(pred, gold, strict=True)])), 4),
                    "kappa": round(float(cohen_kappa_score(gold, pred)), 4),
                }
    return out


def distribution(checker: ReplyQualityChecker, rows: list[dict[str, object]]) -> dict[str, object]:
    start = time.perf_counter()
    results = [check_row(checker, row) for row in rows]
    elapsed = time.perf_counter() - start
    quant = lambda xs: [round(float(q), 1) for q in np.percentile(xs, [10, 25, 50, 75, 90])]  # noqa: E731
    codes = Counter(code for q in results for code in q.codes)
    working = [q.working_days for q in results if q.working_days is not None]
    calendar = []
    for row in rows:
        a, b = parse_time(row["留言时间"]), parse_time(row["答复时间"])
        if a and b:
            calendar.append((b - a).days)
    return {
        "n": len(rows),
        "score_p10_p25_p50_p75_p90": quant([q.score for q in results]),
        "relevance_p10_p25_p50_p75_p90": quant([q.relevance.score or 0.0 for q in results]),
        "completeness_p10_p25_p50_p75_p90": quant([q.completeness.score or 0.0 for q in results]),
        "findings_share": {c: round(n / len(rows), 4) for c, n in codes.most_common()},
        "timeliness": {
            "with_times": len(working),
            "working_days_median": statistics.median(working),
            "calendar_days_median": statistics.median(calendar),
            "share_over_15_working_days": round(sum(w > DUE_WORKING_DAYS for w in working) / len(working), 4),
            "negative_delay": sum(w < 0 for w in working),
        },
        "throughput_checks_per_s": round(len(rows) / elapsed, 1),
        "ms_per_check": round(1000 * elapsed / len(rows), 3),
    }


def print_table(report: dict) -> None:
    sheet, scored, dist = report["sheet4_first100"], report["explainability_0_4"], report["attachment4"]
    comp = sheet["completeness_vs_label"]
    print(f"fitted on 附件4 texts: {report['fitted']}  (cosine for full credit {report['cosine_full']})")
    print(f"\n{'completeness vs 完整性指标 (n=100)':<44}{'value':>8}")
    for key in ("accuracy", "kappa", "roc_auc", "loo_tuned_accuracy", "majority_baseline_accuracy"):
        print(f"  {key:<42}{comp[key]:>8}")
    print(f"  {'reply length ROC-AUC (reference)':<42}{sheet['length_vs_completeness_label']['roc_auc']:>8}")
    print(f"\n{'vs 可解释性指标 (n=100)':<44}{'Spearman':>9}{'AUC':>8}")
    for key, val in sheet["interpretability"].items():
        print(f"  {key:<42}{val['spearman']:>9}{val['auc']:>8}")
    print(f"\n{'vs 0-4 explainability (n=283)':<44}{'Spearman':>9}{'AUC>0':>8}")
    for key in ("completeness", "overall_without_message", "matched_relevance", "matched_overall"):
        if key in scored:
            print(f"  {key:<42}{scored[key]['spearman']:>9}{scored[key]['auc']:>8}")
    print(f"  (matched to 附件4: {scored['matched_to_attachment4']})")
    print(f"\n{'segment detectors':<44}{'n':>6}{'acc':>8}{'kappa':>8}")
    for key, val in report["segments"].items():
        print(f"  {key:<42}{val['n']:>6}{val['accuracy']:>8}{val['kappa']:>8}")
    print(f"\n附件4 (n={dist['n']}): score p10/25/50/75/90 {dist['score_p10_p25_p50_p75_p90']}")
    print(f"  relevance {dist['relevance_p10_p25_p50_p75_p90']}")
    print(f"  completeness {dist['completeness_p10_p25_p50_p75_p90']}")
    print(f"  timeliness {dist['timeliness']}")
    print(f"  findings {dist['findings_share']}")
    print(f"  throughput {dist['throughput_checks_per_s']} checks/s ({dist['ms_per_check']} ms/check)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--unfitted", action="store_true", help="do not fit IDF on 附件4 (cold start)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data_dir: Path = args.data_dir
    rows = read_rows(data_dir / "official" / "附件4.xlsx")
    labelled = read_rows(data_dir / "reply_quality_labels" / "sheet_4_labeled.xlsx")[:100]
    checker = ReplyQualityChecker()
    start = time.perf_counter()
    if not args.unfitted:
        # unsupervised: message and reply texts only, no quality labels
        checker.fit([(str(r["留言主题"] or ""), str(r["留言详情"] or "")) for r in rows],
                    [str(r["答复意见"] or "") for r in rows])  # fmt: skip
    fit_s = time.perf_counter() - start
    report = {
        "fitted": not args.unfitted,
        "fit_seconds": round(fit_s, 2),
        "cosine_full": round(
            checker.cosine_full_ if hasattr(checker, "cosine_full_") else checker.cosine_full, 4
        ),
        "sheet4_first100": evaluate_sheet(checker, labelled),
        "explainability_0_4": evaluate_scored(
            checker, read_scored_replies(data_dir / "reply_quality_labels" / "标注数据.txt"), rows
        ),
        "segments": evaluate_segments(data_dir / "reply_quality_labels", checker),
        "attachment4": distribution(checker, rows),
        "python": platform.python_version(),
    }
    print_table(report)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
