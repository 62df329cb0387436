"""Benchmark personal-data masking and normalisation on a synthetic corpus and a labelled set.

Usage::

    python bench/bench_privacy.py [--n 5000] [--seed 20240425] [--repeat 3] [--json]
                                  [--labelled bench/data/privacy_labelled.jsonl] [--misses tune]

The corpus is made here, with a fixed seed, from this file's own templates of
citizen-message-like Chinese text.  Personal data is planted in real formats:
resident IDs with real area codes and the real check-digit algorithm, card
numbers with real bank BINs and a Luhn check digit, real mobile prefixes,
landlines with real area codes.  Decoys are planted too: order numbers, dates,
amounts, flat layouts, postal codes, public service numbers, IDs with a wrong
check digit or an impossible birth date (not after an ID cue), card-like numbers
failing Luhn, and so on.

A finding is correct when its kind and span equal a planted one exactly.  The
table gives precision and recall per kind, the share of decoys touched by any
finding, and throughput on one core.  ``--json`` adds one JSON object as the
last line.  The generator functions are also used by the unit tests.

The labelled set (``bench/data/privacy_labelled.jsonl``, guideline in
``bench/data/privacy_README.md``) holds hand-written messages and replies with
mistyped, spaced and zero-width numbers after their cues (label ``mask``), public
service numbers and departments' allow-listed numbers (``keep``) and other numbers
(``leave``).  It is scored per half: ``tune`` (read while writing the rules),
``test`` and ``fresh`` (written after tuning).  A ``mask`` target counts when every
digit of it is inside a finding, a ``keep`` or ``leave`` target when no finding
touches it; ``shape`` is the share of masked targets shown in the expected form.
``--misses SPLIT`` lists the failures of one half.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from minyi.pipeline.normalize import TextNormalizer
from minyi.pipeline.privacy import KINDS, PersonalDataMasker

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# Real county-level area codes (GB/T 2260): Beijing, Shanghai, Guangzhou, Shenzhen, Changsha, ...
ID_AREAS = (
    "110101", "110105", "120101", "130102", "140105", "150102", "210102", "220102", "230103", "310104", "320102",
    "330106", "340104", "350203", "360102", "370102", "410105", "420106", "430102", "430103", "430104", "430105",
    "430111", "440106", "440305", "450103", "460106", "500103", "510107", "520102", "530102", "540102", "610113",
    "620102", "630102", "640104", "650102",
)  # fmt: skip
# Real issuer BINs: ICBC, CCB, CCB Visa, ABC, CMB, BoCom, BOC.
CARD_BINS = ("622202", "621226", "621700", "436742", "622848", "622588", "621483", "622262", "621661")
MOBILE_PREFIXES = tuple(
    f"1{n}" for n in (*range(30, 40), 45, 47, 50, 51, 52, 53, 55, 56, 57, 58, 59, 66, 73, 75, 76, 77, 78)
) + tuple(f"1{n}" for n in (*range(80, 90), 91, 98, 99))
LANDLINE_AREAS = ("010", "020", "021", "022", "023", "025", "027", "028", "029", "0731", "0571", "0755",
                  "0512", "0532", "0871", "0851", "0591", "0931", "0311", "0371", "0551", "0791", "0898")  # fmt: skip
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国红梅志文海燕晨宇浩然欣怡子涵雨轩"
PINYIN = ("zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "hu")
MAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "gmail.com", "example.org", "foxmail.com")

DISTRICTS = ("芙蓉区", "天心区", "岳麓区", "开福区", "雨花区", "望城区")
PLACES = ("五一大道", "芙蓉中路", "韶山北路", "麓山南路", "人民东路", "湘江中路", "东二环", "万家丽路")
ISSUES = (
    "小区门口的道路破损严重，下雨天到处积水", "工地夜间施工，噪音很大，晚上十一点还在作业",
    "路灯坏了一个多月没人修，晚上出行很不安全", "垃圾清运不及时，天热以后气味很大",
    "公交站台的遮雨棚被风吹坏了", "楼下餐馆油烟直排，窗户都不敢开", "物业违规收取停车费，业主意见很大",
    "学校周边早晚高峰交通拥堵，孩子过马路危险", "共享单车乱停乱放，把盲道都堵住了",
    "自来水水压不足，高层住户经常停水", "小区电梯频繁故障，老人上下楼困难", "菜市场周边占道经营，车辆无法通行",
)  # fmt: skip
OPENERS = ("您好，", "领导好，", "你好！", "", "尊敬的市长：", "各位领导：")
CLOSINGS = ("希望有关部门尽快处理。", "请尽快安排人员查看。", "盼复，谢谢！", "麻烦尽快解决。", "谢谢。")


def id_check_char(first17: str) -> str:
    """The check character of an 18-digit resident ID (GB 11643)."""
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def luhn_check_digit(partial: str) -> str:
    """The digit that makes ``partial + digit`` pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def birth_date(rng: random.Random, first: int = 1940, last: int = 2010) -> str:
    """A real calendar day as ``YYYYMMDD``."""
    year, month = rng.randint(first, last), rng.randint(1, 12)
    day = rng.randint(1, 28 if month == 2 else 30)
    return f"{year:04d}{month:02d}{day:02d}"


def resident_id(rng: random.Random) -> str:
    """A valid 18-digit resident ID number."""
    first17 = rng.choice(ID_AREAS) + birth_date(rng) + f"{rng.randint(0, 999):03d}"
    return first17 + id_check_char(first17)


def old_resident_id(rng: random.Random) -> str:
    """A plausible 15-digit (first-generation) resident ID number."""
    return rng.choice(ID_AREAS) + birth_date(rng, 1930, 1990)[2:] + f"{rng.randint(0, 999):03d}"


def bad_check_id(rng: random.Random) -> str:
    """An 18-digit ID-shaped number whose check character is wrong."""
    number = resident_id(rng)
    return number[:17] + rng.choice([c for c in ID_CHECK if c not in {number[17], "X"}])


def bad_date_id(rng: random.Random) -> str:
    """An 18-digit ID-shaped number with a valid check character but an impossible birth date."""
    date = rng.choice(("19901301", "20010230", "19850431", "21990101", "18800512", "19920000"))
    first17 = rng.choice(ID_AREAS) + date + f"{rng.randint(0, 999):03d}"
    return first17 + id_check_char(first17)


def bank_card(rng: random.Random, length: int | None = None) -> str:
    """A Luhn-valid card number with a real BIN, 16 or 19 digits."""
    length = length or rng.choice((16, 19))
    partial = rng.choice(CARD_BINS) + "".join(rng.choice("0123456789") for _ in range(length - 7))
    return partial + luhn_check_digit(partial)


def bad_luhn_card(rng: random.Random) -> str:
    """A 16-digit number with a real BIN that fails the Luhn check."""
    number = bank_card(rng, 16)
    return number[:15] + str((int(number[15]) + rng.randint(1, 9)) % 10)


def mobile(rng: random.Random) -> str:
    """A mainland mobile number with a real prefix."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def group(number: str, sizes: tuple[int, ...], sep: str) -> str:
    """``number`` split into groups of ``sizes`` (the last size repeats) joined by ``sep``."""
    parts, i, k = [], 0, 0
    while i < len(number):
        size = sizes[min(k, len(sizes) - 1)]
        parts.append(number[i : i + size])
        i, k = i + size, k + 1
    return sep.join(parts)


def to_fullwidth(text: str) -> str:
    """``text`` with ASCII letters and digits written full-width."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


@dataclass
class Sample:
    """One generated message with its planted spans."""

    text: str = ""
    planted: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, start, end)
    decoys: list[tuple[str, int, int]] = field(default_factory=list)  # (decoy kind, start, end)

    def add(self, text: str, kind: str | None = None, *, decoy: bool = False) -> None:
        """Append ``text``; record its span when it is personal data or a decoy."""
        start = len(self.text)
        self.text += text
        if kind is not None:
            (self.decoys if decoy else self.planted).append((kind, start, len(self.text)))


Clause = Callable[[random.Random, Sample], None]


def _mobile_clause(rng: random.Random, s: Sample) -> None:
    number = mobile(rng)
    shape = rng.random()
    if shape < 0.5:
        value = number
    elif shape < 0.7:
        value = group(number, (3, 4), rng.choice(" -"))
    elif shape < 0.85:
        value = rng.choice(("+86 ", "+86", "86-", "+86-")) + number
    else:
        value = to_fullwidth(number)
    s.add(rng.choice(("联系电话", "我的手机号码是", "手机：", "电话", "有事请打")))
    s.add(value, "mobile")


def _landline_clause(rng: random.Random, s: Sample) -> None:
    area = rng.choice(LANDLINE_AREAS)
    number = str(rng.randint(2, 8)) + f"{rng.randint(0, 10**7 - 1):07d}"
    if len(area) == 4 and rng.random() < 0.3:
        number = number[:7]
    value = rng.choice((f"{area}-{number}", f"({area}){number}", f"{area} {number}", f"（{area}）{number}"))
    if rng.random() < 0.15:
        value += f"-{rng.randint(100, 9999)}"
    s.add(rng.choice(("座机", "办公电话：", "家里电话")))
    s.add(value, "landline")


def _id_clause(rng: random.Random, s: Sample) -> None:
    value = resident_id(rng) if rng.random() < 0.85 else old_resident_id(rng)
    s.add(rng.choice(("身份证号", "身份证号码：", "我的身份证是", "证件号")))
    if rng.random() < 0.1 and len(value) == 18:
        value = group(value, (6, 8, 4), " ")
    s.add(value.lower() if rng.random() < 0.3 else value, "id_card")


def _card_clause(rng: random.Random, s: Sample) -> None:
    number = bank_card(rng)
    value = group(number, (4,), " ") if rng.random() < 0.4 else number
    s.add(rng.choice(("银行卡号", "补贴发放的卡号是", "工资卡", "退款请打到")))
    s.add(value, "bank_card")


def _email_clause(rng: random.Random, s: Sample) -> None:
    user = rng.choice(PINYIN) + rng.choice(("", ".", "_")) + rng.choice(PINYIN) + str(rng.randint(1, 9999))
    s.add(rng.choice(("邮箱", "回复请发到", "电子邮件：")))
    domain = rng.choice(MAIL_DOMAINS)
    s.add(f"{user}@{domain.upper() if rng.random() < 0.05 else domain}", "email")


def _qq_clause(rng: random.Random, s: Sample) -> None:
    s.add(rng.choice(("QQ：", "qq号", "QQ号码是", "QQ ")))
    s.add(str(rng.randint(10_000, 99_999_999_999)), "qq")


def _wechat_clause(rng: random.Random, s: Sample) -> None:
    s.add(rng.choice(("微信：", "微信号", "vx:", "wx ", "加我微信")))
    if rng.random() < 0.2:
        s.add(mobile(rng), "wechat")
        return
    user = rng.choice(PINYIN) + rng.choice(("", "_", "-")) + str(rng.randint(10, 99999))
    s.add(user.ljust(6, "8"), "wechat")  # WeChat ids have 6 to 20 characters


def _plate_clause(rng: random.Random, s: Sample) -> None:
    head = rng.choice(PROVINCES) + rng.choice(PLATE_LETTERS)
    if rng.random() < 0.3:
        tail = rng.choice("DF") + f"{rng.randint(0, 99999):05d}"
    else:
        tail = "".join(rng.choice("0123456789" if i != 1 else "0123456789ABCDEFGHJKLMN") for i in range(5))
    s.add(rng.choice(("车牌号", "一辆", "车牌为")))
    plate = head + rng.choice(("", "", "·", " ")) + tail
    s.add(plate.lower() if rng.random() < 0.05 else plate, "plate")
    s.add("的车长期占用消防通道")


def _address_clause(rng: random.Random, s: Sample) -> None:
    s.add(rng.choice(("住在", "家住", "我是")) + f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元")
    s.add(f"{rng.randint(1, 33)}{rng.randint(1, 4):02d}", "address")
    s.add(rng.choice(("室", "", "房")))


def _name_clause(rng: random.Random, s: Sample) -> None:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    s.add(rng.choice(("我叫", "本人", "我是", "姓名：", "联系人：")))
    s.add(name, "name")
    s.add(rng.choice(("，", "，家住", "，电话在下面", "。")))


PII_CLAUSES: tuple[Clause, ...] = (_mobile_clause, _mobile_clause, _landline_clause, _id_clause, _card_clause,
                                   _email_clause, _qq_clause, _wechat_clause, _plate_clause, _address_clause,
                                   _name_clause)  # fmt: skip


def _decoy(kind: str, intro: str, value: str) -> Clause:
    def clause(_rng: random.Random, s: Sample) -> None:
        s.add(intro)
        s.add(value, kind, decoy=True)

    return clause


def _random_decoy(rng: random.Random, s: Sample) -> None:
    n = rng.randint
    day = birth_date(rng, 2015, 2024)
    options: tuple[tuple[str, str, str], ...] = (
        ("order", rng.choice(("订单号", "工单编号", "快递单号：", "单号")), f"{day}{n(10**9, 10**10 - 1)}"),
        (
            "date",
            "事情发生在",
            rng.choice(
                (f"{day[:4]}-{day[4:6]}-{day[6:]}", day, f"{int(day[:4])}年{int(day[4:6])}月{int(day[6:])}日")
            ),
        ),
        (
            "amount",
            "多收了",
            rng.choice((f"{n(1, 99)},{n(100, 999)}.{n(10, 99)}元", f"{n(1000, 9999999)}元")),
        ),
        ("layout", "户型", f"{n(1, 4)}室{n(1, 2)}厅，{n(60, 180)}平方米"),
        (
            "service",
            rng.choice(("拨打", "打了", "热线", "咨询电话：")),
            rng.choice(("12345", "110", "12315", "95588")),
        ),
        ("postal", "邮编", f"{n(10, 85)}{n(0, 9)}{n(0, 9)}00"),
        ("time", "时间是", f"{n(0, 23)}:{n(0, 59):02d}:{n(0, 59):02d}"),
        ("year", "从", f"{n(1990, 2024)}年开始"),
        ("case", "案号", f"({n(2015, 2024)})湘{n(1000, 9999):04d}民初{n(1, 9999)}号"),
        ("bad_id", "这个号码", bad_check_id(rng)),
        ("bad_date_id", "编码", bad_date_id(rng)),
        ("bad_luhn", "卡片上的数字", bad_luhn_card(rng)),
        ("eleven_digits", "数字", f"{rng.choice('0245')}{n(0, 9_999_999_999):010d}"),
        ("url", "详情见", f"https://www.example.gov.cn/news/{day}/{n(10**6, 10**7)}.html"),
        ("name_like", "我是", rng.choice(("业主", "本地居民", "一名老师", "学生家长", "市民"))),
    )
    kind, intro, value = rng.choice(options)
    _decoy(kind, intro, value)(rng, s)


def make_sample(rng: random.Random) -> Sample:
    """One message: an opener, an issue, 1–3 personal-data clauses, 0–2 decoys, a closing."""
    s = Sample()
    s.add(rng.choice(OPENERS) + f"反映{rng.choice(DISTRICTS)}{rng.choice(PLACES)}附近{rng.choice(ISSUES)}。")
    clauses: list[Clause] = [rng.choice(PII_CLAUSES) for _ in range(rng.randint(1, 3))]
    clauses += [_random_decoy] * rng.randint(0, 2)
    rng.shuffle(clauses)
    for clause in clauses:
        clause(rng, s)
        s.add(rng.choice(("，", "。", "；", " ")))
    s.add(rng.choice(CLOSINGS))
    return s


def make_corpus(n: int, seed: int) -> list[Sample]:
    """``n`` messages made with a fixed seed (same seed, same corpus)."""
    rng = random.Random(seed)
    return [make_sample(rng) for _ in range(n)]


def score(corpus: list[Sample], masker: PersonalDataMasker) -> dict[str, Any]:
    """Precision/recall per kind and decoy false positives."""
    planted, found, hits = Counter[str](), Counter[str](), Counter[str]()
    decoys, decoy_hits = Counter[str](), Counter[str]()
    for sample in corpus:
        findings = masker.find(sample.text)
        spans = {(f.kind, f.start, f.end) for f in findings}
        planted.update(kind for kind, _, _ in sample.planted)
        found.update(f.kind for f in findings)
        hits.update(kind for kind, a, b in sample.planted if (kind, a, b) in spans)
        for kind, a, b in sample.decoys:
            decoys[kind] += 1
            decoy_hits[kind] += any(f.start < b and a < f.end for f in findings)
    kinds = {
        k: {"planted": planted[k], "found": found[k], "correct": hits[k],
            "precision": hits[k] / found[k] if found[k] else 1.0,
            "recall": hits[k] / planted[k] if planted[k] else 1.0}
        for k in KINDS
    }  # fmt: skip
    total = sum(decoys.values())
    return {
        "kinds": kinds,
        "decoys": {k: {"planted": decoys[k], "touched": decoy_hits[k]} for k in sorted(decoys)},
        "decoy_fp_rate": sum(decoy_hits.values()) / total if total else 0.0,
    }


def throughput(texts: list[str], fn: Callable[[str], object], repeat: int) -> dict[str, float]:
    """Best of ``repeat`` runs of ``fn`` over ``texts``: texts/s and MB/s (UTF-8)."""
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, time.perf_counter() - start)
    return {"texts_per_s": len(texts) / best, "mb_per_s": megabytes / best}


LABELLED = Path(__file__).resolve().parent / "data" / "privacy_labelled.jsonl"


def load_labelled(path: Path = LABELLED) -> list[dict[str, Any]]:
    """The lines of the labelled set (one JSON object per line)."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def judge(line: dict[str, Any], masker: PersonalDataMasker) -> list[tuple[dict[str, Any], bool, bool]]:
    """``(target, right, shape_right)`` for each target of one labelled line."""
    text, keep = line["text"], line.get("keep", ())
    findings = masker.find(text, keep=keep)
    covered = {i for f in findings for i in range(f.start, f.end)}
    masked = masker.mask(text, keep=keep)
    out = []
    for target in line["targets"]:
        start = text.index(target["value"], target["start"])
        span = range(start, start + len(target["value"]))
        if target["label"] == "mask":
            right = all(i in covered for i in span if text[i].isalnum())
            out.append((target, right, right and target["masked"] in masked))
        else:
            out.append((target, not covered.intersection(span), True))
    return out


def score_labelled(lines: list[dict[str, Any]], masker: PersonalDataMasker) -> dict[str, Any]:
    """Per half: recall of ``mask`` targets (also per group), share of ``keep``/``leave`` left alone, shape."""
    total, right = Counter[tuple[str, str]](), Counter[tuple[str, str]]()
    misses: dict[str, list[str]] = {}
    for line in lines:
        half = line["split"]
        for target, ok, shape_ok in judge(line, masker):
            label = target["label"]
            for key in [label] + ([f"mask:{line['group']}", "shape"] if label == "mask" else []):
                total[half, key] += 1
                right[half, key] += shape_ok if key == "shape" else ok
            if not ok:
                misses.setdefault(half, []).append(f"{line['id']} {label} {target['variant']} {line['text']}")
    rates = {key: {"n": n, "right": right[key], "rate": right[key] / n} for key, n in sorted(total.items())}
    halves: dict[str, Any] = {}
    for (half, what), row in rates.items():
        halves.setdefault(half, {})[what] = row
    return {"halves": halves, "misses": misses}


def run(n: int, seed: int, repeat: int, labelled: Path = LABELLED) -> dict[str, Any]:
    """Make the corpus, score the masker on it and on the labelled set, and time both stages."""
    corpus = make_corpus(n, seed)
    texts = [s.text for s in corpus]
    masker, normalizer = PersonalDataMasker().fit(), TextNormalizer().fit()
    result = {"n": n, "seed": seed, "avg_chars": sum(map(len, texts)) / n, **score(corpus, masker)}
    result["labelled"] = score_labelled(load_labelled(labelled), masker)
    result["throughput"] = {
        "normalize": throughput(texts, normalizer.transform_one, repeat),
        "mask": throughput(texts, masker.mask, repeat),
        "normalize+mask": throughput(texts, lambda t: masker.mask(normalizer.transform_one(t).text), repeat),
    }
    return result


def print_labelled(labelled: dict[str, Any]) -> None:
    """Print the labelled set's scores, one column per half: rate (right/targets)."""
    halves = labelled["halves"]
    names = [h for h in ("tune", "test", "fresh") if h in halves]
    print(f"{'labelled set':<20}" + "".join(f"{h:>20}" for h in names))
    for what in sorted({w for h in names for w in halves[h]}, key=lambda w: (":" in w, w != "mask", w)):
        cells = [halves[h].get(what) for h in names]
        row = "".join(f"{c['rate']:.4f} ({c['right']}/{c['n']})".rjust(20) if c else " " * 20 for c in cells)
        print(f"{what:<20}{row}")
    print()


def print_table(result: dict[str, Any]) -> None:
    """Print the result as plain-text tables."""
    print(
        f"corpus: {result['n']} messages, seed {result['seed']}, {result['avg_chars']:.0f} chars on average\n"
    )
    print(f"{'kind':<10} {'planted':>8} {'found':>7} {'correct':>8} {'precision':>10} {'recall':>8}")
    for kind, row in result["kinds"].items():
        print(f"{kind:<10} {row['planted']:>8} {row['found']:>7} {row['correct']:>8} "
              f"{row['precision']:>10.4f} {row['recall']:>8.4f}")  # fmt: skip
    print(f"\n{'decoy':<14} {'planted':>8} {'touched':>8}")
    for kind, row in result["decoys"].items():
        print(f"{kind:<14} {row['planted']:>8} {row['touched']:>8}")
    print(f"decoy false-positive rate: {result['decoy_fp_rate']:.4f}\n")
    print_labelled(result["labelled"])
    print(f"{'stage':<15} {'texts/s':>10} {'MB/s':>7}")
    for stage, row in result["throughput"].items():
        print(f"{stage:<15} {row['texts_per_s']:>10.0f} {row['mb_per_s']:>7.2f}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="messages in the corpus (default 5000)")
    parser.add_argument("--seed", type=int, default=20240425, help="random seed (default 20240425)")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs, best kept (default 3)")
    parser.add_argument("--json", action="store_true", help="also print one JSON object as the last line")
    parser.add_argument("--labelled", type=Path, default=LABELLED, help="the labelled set (JSONL)")
    parser.add_argument("--misses", metavar="SPLIT", help="list the labelled set's failures in this half")
    args = parser.parse_args(argv)
    result = run(args.n, args.seed, args.repeat, args.labelled)
    print_table(result)
    for miss in result["labelled"]["misses"].get(args.misses, []) if args.misses else []:
        print("miss:", miss)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
