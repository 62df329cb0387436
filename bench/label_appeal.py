"""Helper for hand-labelling the kind of appeal (诉求类型) of TipDM 2020 messages.

The labels are made by a person reading each message (see bench/data/appeal_guidelines.md);
this script only draws the sample, prints batches to read, stores the labels typed in, and
computes the agreement between the first and the second pass. It never writes message text
into the repository: the texts are read from the shared data directory, and a cache of them
is kept outside the checkout (``/tmp``).

Sample (reproducible, seed ``SEED``):
* 附件2（测试数据）.xlsx (2,801 messages, the organisers' unlabelled test set): ``N_TEST2``
  messages drawn at random;
* 附件4.xlsx (2,816 messages with official replies, more inquiries and suggestions):
  ``N_ATT4`` messages drawn at random;
* excluded: the ids of 附件4 in bench/data/appeal_eval.csv and appeal_eval_supplement.csv,
  and any message whose title+body is identical (whitespace removed) to a message of those
  evaluation files (附件3 or 附件4), so that no evaluation text is trained on.
The two draws are shuffled together (same seed) into one labelling order, so that any prefix
mixes both files. Each sampled id gets ``train`` or ``test`` (70/30, seed ``SPLIT_SEED``),
decided here, at sampling time, before anything is labelled or tuned; copies of one message
(same title) share the split of the first copy in the labelling order.

Usage (``.venv/bin/python bench/label_appeal.py CMD``):
  keyword-show        print the keyword-selected praise candidates (see KEYWORD_TITLE)
  show [N]            print the next N unlabelled messages of the order (title + body ≤ 400 chars)
  add ID=CODE ...     store labels; CODE is one of i h c s p r (inquiry help complaint
                      suggestion praise report), a trailing ? marks confidence "unsure"
  second-draw         pick 100 labelled ids at random (seed SECOND_SEED) for the second pass
  second-show [N]     print the next N second-pass messages, in a new random order, no labels
  second-add ID=CODE  store second-pass labels
  stats               class distribution per split; agreement and Cohen's kappa between passes
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
SHARED = Path("/work/shared/data/tipdm2020_smart_gov/official")
CACHE = Path(tempfile.gettempdir()) / "label_appeal_cache.json"  # texts: outside the repository
SECOND_ORDER = Path(tempfile.gettempdir()) / "label_appeal_second_order.txt"
LABELS = DATA / "appeal_train_labels.csv"
SECOND = DATA / "appeal_second_pass.csv"

SEED = 20261206
SPLIT_SEED = 20261207
SECOND_SEED = 20261208
N_TEST2 = 1150
N_ATT4 = 450
TEST_SHARE = 0.30

FILES = {"附件2测试": "附件2（测试数据）.xlsx", "附件4": "附件4.xlsx", "附件3": "附件3.xlsx"}
CODES = {"i": "inquiry", "h": "help", "c": "complaint", "s": "suggestion", "p": "praise", "r": "report"}
KINDS = list(CODES.values())


def _norm(s: object) -> str:
    return re.sub(r"\s+", "", str(s or ""))


def load_texts() -> dict[str, dict[int, tuple[str, str]]]:
    if CACHE.exists():
        raw = json.loads(CACHE.read_text(encoding="utf-8"))
        return {f: {int(i): (t, d) for i, (t, d) in m.items()} for f, m in raw.items()}
    import openpyxl

    out: dict[str, dict[int, tuple[str, str]]] = {}
    for key, name in FILES.items():
        book = openpyxl.load_workbook(SHARED / name, read_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
        head = [str(h).strip() for h in next(rows)]
        i_id, i_t, i_d = head.index("留言编号"), head.index("留言主题"), head.index("留言详情")
        out[key] = {int(str(r[i_id])): (_norm(r[i_t]), _norm(r[i_d])) for r in rows if r[i_id] is not None}
    CACHE.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def eval_keys() -> set[tuple[str, int]]:
    keys = set()
    for name in ("appeal_eval.csv", "appeal_eval_supplement.csv"):
        with (DATA / name).open(encoding="utf-8") as fh:
            keys |= {(r["file"], int(r["message_id"])) for r in csv.DictReader(fh)}
    return keys


def sample() -> list[tuple[str, int, str]]:
    """The labelling order: (file, message_id, split)."""
    texts = load_texts()
    ev = eval_keys()
    ev_texts = {texts[f][i][0] + texts[f][i][1] for f, i in ev if i in texts.get(f, {})}
    pools = {}
    for f in ("附件2测试", "附件4"):
        pools[f] = sorted(i for i, (t, d) in texts[f].items() if (f, i) not in ev and t + d not in ev_texts)
    rng = random.Random(SEED)
    drawn = [("附件2测试", i) for i in rng.sample(pools["附件2测试"], N_TEST2)]
    drawn += [("附件4", i) for i in rng.sample(pools["附件4"], N_ATT4)]
    rng.shuffle(drawn)
    srng = random.Random(SPLIT_SEED)
    draws = [("test" if srng.random() < TEST_SHARE else "train") for _ in drawn]
    # Copies of one message (same title, or same title+body when the title is short) must
    # not fall on both sides: every member of a group takes the split of its first member.
    first: dict[str, str] = {}
    out = []
    for (f, i), split in zip(drawn, draws, strict=True):
        t, d = texts[f][i]
        key = t if len(t) >= 10 else t + d[:100]
        out.append((f, i, first.setdefault(key, split)))
    return out


# Praise is rare (5 of 1,600 in the random sample). A small supplement is selected by title
# keywords among the messages of the same two files that are neither sampled nor in the
# evaluation sets; every one is still read and labelled by hand (some are not praise).
# These rows are marked sample=keyword: they are not a random sample of the corpus.
KEYWORD_TITLE = re.compile(
    "表扬|感谢|点赞|致敬|锦旗|赞扬|称赞|好评|谢谢|感恩|好干部|好警察|好医生|为民办实事"
)


def keyword_sample() -> list[tuple[str, int, str]]:
    texts = load_texts()
    ev = eval_keys()
    taken = {(f, i) for f, i, _ in sample()}
    keys = sorted(
        (f, i)
        for f in ("附件2测试", "附件4")
        for i, (t, _) in texts[f].items()
        if (f, i) not in taken and (f, i) not in ev and KEYWORD_TITLE.search(t)
    )
    srng = random.Random(SPLIT_SEED + 10)
    return [(f, i, "test" if srng.random() < TEST_SHARE else "train") for f, i in keys]


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, rows: list[dict[str, str]], cols: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def show(keys: list[tuple[str, int]], n: int) -> None:
    texts = load_texts()
    for f, i in keys[:n]:
        t, d = texts[f][i]
        d = d.removeprefix(t)
        print(f"[{f}:{i}] 【{t}】 {d[:400]}{'…' if len(d) > 400 else ''}\n")


def parse(args: list[str]) -> dict[str, tuple[str, str]]:
    out = {}
    for a in args:
        k, code = a.split("=")
        conf = "unsure" if code.endswith("?") else "sure"
        out[k] = (CODES[code.rstrip("?")], conf)
    return out


def key_of(f: str, i: int | str) -> str:
    return f"{f}:{i}"


def cmd_add(args: list[str], path: Path, cols: list[str]) -> None:
    order = {key_of(f, i): (s, "random") for f, i, s in sample()}
    order.update({key_of(f, i): (s, "keyword") for f, i, s in keyword_sample()})
    rows = read_csv(path)
    have = {key_of(r["file"], r["message_id"]): r for r in rows}
    for k, (kind, conf) in parse(args).items():
        if k not in order:
            sys.exit(f"{k} is not in the sample")
        f, i = k.split(":")
        split, origin = order[k]
        row = {"file": f, "message_id": i, "kind": kind, "split": split, "confidence": conf, "sample": origin}
        if k in have:
            have[k].update({c: row[c] for c in cols if c != "sample" or not have[k].get("sample")})
        else:
            rows.append({c: row[c] for c in cols})
            have[k] = rows[-1]
    write_csv(path, rows, cols)
    print(f"{path.name}: {len(rows)} rows")


def kappa(a: list[str], b: list[str]) -> float:
    n = len(a)
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in set(a) | set(b)) / n / n
    return (po - pe) / (1 - pe)


def main() -> None:
    cmd, args = sys.argv[1], sys.argv[2:]
    lab_cols = ["file", "message_id", "kind", "split", "confidence", "sample"]
    if cmd == "show":
        done = {key_of(r["file"], r["message_id"]) for r in read_csv(LABELS)}
        todo = [(f, i) for f, i, _ in sample() if key_of(f, i) not in done]
        print(f"# {len(done)} labelled, {len(todo)} left in the sample\n")
        show(todo, int(args[0]) if args else 25)
    elif cmd == "keyword-show":
        show([(f, i) for f, i, _ in keyword_sample()], 100)
    elif cmd == "add":
        cmd_add(args, LABELS, lab_cols)
    elif cmd == "second-draw":
        rows = [r for r in read_csv(LABELS) if r.get("sample", "random") == "random"]
        n_first = int(args[0]) if args else len(rows)  # only ids labelled long enough ago
        pick = random.Random(SECOND_SEED).sample(rows[:n_first], 100)
        order = list(pick)
        random.Random(SECOND_SEED + 1).shuffle(order)  # a new reading order
        SECOND_ORDER.write_text("\n".join(key_of(r["file"], r["message_id"]) for r in order))
        print(f"drew 100 of the first {n_first} labelled ids (labels not shown)")
    elif cmd == "second-show":
        keys = SECOND_ORDER.read_text().split()
        done = {key_of(r["file"], r["message_id"]) for r in read_csv(SECOND)}
        todo = [(k.split(":")[0], int(k.split(":")[1])) for k in keys if k not in done]
        print(f"# second pass: {len(done)} done, {len(todo)} left\n")
        show(todo, int(args[0]) if args else 25)
    elif cmd == "second-add":
        cmd_add(args, SECOND, ["file", "message_id", "kind", "confidence"])
    elif cmd == "stats":
        rows = read_csv(LABELS)
        print("labelled:", len(rows))
        for split in ("train", "test", None):
            sub = [r for r in rows if split is None or r["split"] == split]
            print(split or "all", len(sub), dict(Counter(r["kind"] for r in sub).most_common()))
        print("by file", dict(Counter(r["file"] for r in rows)))
        print("unsure", sum(r.get("confidence") == "unsure" for r in rows))
        sec = read_csv(SECOND)
        if sec:
            first = {key_of(r["file"], r["message_id"]): r["kind"] for r in rows}
            a = [first[key_of(r["file"], r["message_id"])] for r in sec]
            b = [r["kind"] for r in sec]
            acc = sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
            print(f"second pass n={len(a)} agreement={acc:.3f} kappa={kappa(a, b):.3f}")
            pairs = zip(a, b, strict=True)
            print("disagreements (first -> second):", dict(Counter(f"{x}->{y}" for x, y in pairs if x != y)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
