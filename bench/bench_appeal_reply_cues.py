"""Weak labels for the kind of appeal from the official replies of 附件4, and how precise they are.

附件4 holds 2,816 messages with the government's reply (答复意见).  A reply sometimes names
the kind of the message it answers: "您咨询的…" (an inquiry), "感谢您的建议" (a suggestion),
"您举报的…" (a report).  If such cues were precise they would label messages nobody has
labelled, for free.  This script applies the rules below to every reply, measures their
precision against the hand labels of ``bench/data/appeal_train_labels.csv`` on the messages
that have both (附件4 rows only; the evaluation sets are not read), and counts the weak labels
they would add (messages without a hand label, not a copy of a labelled or evaluation text).

The rules (whitespace removed from the reply; a reply with cues of two kinds gets none):

``suggestion``
    采纳您的…; 感谢/谢谢您的(意见和)建议; 您提出/所提的…建议 (within one clause); 您的(意见)建议已/我们/很/非常/十分…;
    您的这个建议; 收到/自收您的建议; 您建议的…
``inquiry``
    (关于)您(所)咨询/询问的…, 您的咨询/提问 — not after 建议/可/请 ("建议您咨询…" sends the writer elsewhere)
``report``
    您(所)举报的…, 您的举报, 关于您举报
``complaint``
    您(所)投诉的…, 您的投诉, 接到您的投诉
``help``
    您(所)求助的…, 您的求助
``praise``
    感谢/谢谢您的表扬/肯定/赞扬/点赞

"您反映的…" is in nearly every reply, whatever the kind, so it is not a cue.  Generic thanks
("欢迎多提宝贵意见") are not cues either: they close replies to complaints as often as to
suggestions.

Measured 2026-12-06 (bench/README.md, Kind of appeal, third round): only ``suggestion``
reaches a precision of 0.9 on the overlap (12 of 13; inquiry 6 of 9, complaint 3 of 4); the
rules label 110 unlabelled 附件4 messages, 45 of them suggestions.  Added to training they
did not change the cross-validated accuracy (0.762 → 0.763 with the 45 suggestion labels at
weight 0.5, 0.764 with all 110 at weight 1), so they are not used.

    .venv/bin/python bench/bench_appeal_reply_cues.py [--data-dir DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from minyi.pipeline.appeal_data import find_message_file, read_label_file

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "bench" / "data" / "appeal_train_labels.csv"
HELD = (REPO / "bench" / "data" / "appeal_eval.csv", REPO / "bench" / "data" / "appeal_eval_supplement.csv")

_YOU = "(?:您|你)"
CUES: dict[str, re.Pattern[str]] = {
    "suggestion": re.compile(
        rf"采纳(?:了)?{_YOU}的|(?:感谢|谢谢){_YOU}的(?:意见和)?建议|{_YOU}(?:提出|所提|提)的[^。！，]{{0,40}}建议"
        rf"|{_YOU}的(?:意见)?建议(?:已|我们|很|非常|十分)|{_YOU}的这?[一个]?建议|(?:收到|自收){_YOU}的建议|{_YOU}建议的"
    ),
    "inquiry": re.compile(
        rf"(?<!建议)(?<!可)(?<!请)(?:关于)?{_YOU}(?:所)?(?:咨询|询问)的|{_YOU}的(?:咨询|提问)"
    ),
    "report": re.compile(rf"{_YOU}(?:所)?举报的|{_YOU}的举报|关于{_YOU}举报"),
    "complaint": re.compile(rf"{_YOU}(?:所)?投诉的|{_YOU}的投诉|接到{_YOU}的投诉"),
    "help": re.compile(rf"{_YOU}(?:所)?求助的|{_YOU}的求助"),
    "praise": re.compile(rf"(?:感谢|谢谢){_YOU}的(?:表扬|肯定|赞扬|点赞)"),
}
_SPACE = re.compile(r"\s+")


def reply_kind(reply: str) -> str | None:
    """The kind a reply names, or None (no cue, or cues of two kinds)."""
    text = _SPACE.sub("", reply)
    kinds = {kind for kind, pattern in CUES.items() if pattern.search(text)}
    return kinds.pop() if len(kinds) == 1 else None


def read_replies(path: Path) -> dict[str, tuple[str, str, str]]:
    """留言编号 → (留言主题, 留言详情, 答复意见) of 附件4."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows)]
        at = {name: header.index(name) for name in ("留言编号", "留言主题", "留言详情", "答复意见")}
        return {
            str(row[at["留言编号"]]).strip(): (
                str(row[at["留言主题"]] or ""),
                str(row[at["留言详情"]] or ""),
                str(row[at["答复意见"]] or ""),
            )
            for row in rows
            if row[at["留言编号"]] is not None
        }
    finally:
        book.close()


def main() -> None:
    """Label the replies, score the rules on the hand labels, count the weak labels."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared/data/tipdm2020_smart_gov")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    replies = read_replies(find_message_file(args.data_dir, "附件4"))
    hand = {r.message_id: r.kind for r in read_label_file(LABELS) if r.file == "附件4"}
    held_ids = {r.message_id for path in HELD for r in read_label_file(path) if r.file == "附件4"}

    def key(mid: str) -> str:
        title, body, _ = replies[mid]
        return _SPACE.sub("", title + body)

    taken = {key(mid) for mid in hand.keys() | held_ids if mid in replies}
    scored: dict[str, Counter[str]] = {}
    weak: Counter[str] = Counter()
    for mid, (_, _, reply) in replies.items():
        kind = reply_kind(reply)
        if kind is None:
            continue
        if mid in hand:
            scored.setdefault(kind, Counter())[hand[mid]] += 1
        elif mid not in held_ids and key(mid) not in taken:
            weak[kind] += 1
    out: dict[str, object] = {"replies": len(replies), "hand_labelled": len(hand), "weak_labels": dict(weak)}
    precision = {}
    for kind, gold in sorted(scored.items()):
        n = sum(gold.values())
        precision[kind] = {
            "labelled": n,
            "right": gold[kind],
            "precision": round(gold[kind] / n, 3),
            "gold": dict(gold),
        }
        print(
            f"{kind:<11} on hand-labelled messages: {gold[kind]}/{n} right ({gold[kind] / n:.2f}); gold {dict(gold)}"
        )
    out["precision"] = precision
    print(f"weak labels on unlabelled 附件4 messages: {sum(weak.values())} {dict(weak)}")
    if args.json:
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
