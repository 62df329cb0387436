"""Write ``privacy_labelled.jsonl``: hand-written frames filled with made-up numbers.

Usage::

    python bench/data/privacy_make_labelled.py [--seed 20240611]

The labelling rules are in ``privacy_README.md`` (next to this file).  The frames,
written by hand, are in ``privacy_frames.py`` (and ``FRESH_PERSONAL`` below); ``{v}``
is the target's slot and ``{p}`` a second, personal, target.  The numbers come from
the generators of ``bench/bench_privacy.py`` (real area codes, check digits and card
BINs) and the typo functions here.  The frames of each group are sorted by a hash of
their text and dealt alternately to the ``tune`` and ``test`` halves, so one sentence
never lands in both halves; the ``fresh`` frames, written after tuning, form a third
half.  The same seed writes the same file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench_privacy
sys.path.insert(0, str(Path(__file__).resolve().parent))  # privacy_frames

from privacy_frames import (
    BOTH_FRAMES,
    CARD_FRAMES,
    CONTEXT_AFTER,
    CONTEXT_BEFORE,
    DEPT_FRAMES,
    FREE_MOBILE_FRAMES,
    FRESH_DEPT,
    FRESH_SERVICE,
    ID_FRAMES,
    LANDLINE_FRAMES,
    LEAVE_FRAMES,
    PHONE_FRAMES,
    QQ_FRAMES,
    REPLY_BEFORE,
    ROOM_FRAMES,
    SERVICE_FRAMES,
    WECHAT_FRAMES,
)

import bench_privacy as gen

HERE = Path(__file__).resolve().parent
ZW = ("\u200b", "\u200c", "\u200d", "\ufeff")
FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}

# --- values -------------------------------------------------------------------------------


def keep_ends(digits: str, head: int, tail: int) -> str:
    return digits[:head] + "*" * (len(digits) - head - tail) + digits[-tail:]


def ascii_digits(value: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff5a" else c for c in value if c.isalnum())


def spaced(rng: random.Random, digits: str, seps: str = " ") -> str:
    """``digits`` with a separator after a few random positions."""
    cuts = sorted(rng.sample(range(1, len(digits)), k=rng.randint(1, 3)))
    parts = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    return "".join(p + (rng.choice(seps) if i < len(parts) - 1 else "") for i, p in enumerate(parts))


def zero_width(rng: random.Random, digits: str) -> str:
    return spaced(rng, digits, "".join(ZW))


def fullwidth(digits: str) -> str:
    return gen.to_fullwidth(digits)


def drop(rng: random.Random, digits: str) -> str:
    i = rng.randrange(1, len(digits) - 1)
    return digits[:i] + digits[i + 1 :]


def double(rng: random.Random, digits: str) -> str:
    i = rng.randrange(1, len(digits) - 1)
    return digits[:i] + digits[i] + digits[i:]


def id_value(rng: random.Random, variant: str) -> str:
    makers: dict[str, Callable[[], str]] = {
        "valid": lambda: gen.resident_id(rng),
        "valid_x": lambda: next(n for n in iter(lambda: gen.resident_id(rng), "") if n[-1] == "X").lower(),
        "old15": lambda: gen.old_resident_id(rng),
        "bad_check": lambda: gen.bad_check_id(rng),
        "bad_date": lambda: gen.bad_date_id(rng),
        "short17": lambda: drop(rng, gen.resident_id(rng)),
        "long19": lambda: double(rng, gen.resident_id(rng)),
        "spaced_684": lambda: gen.group(gen.bad_check_id(rng), (6, 8, 4), " "),
        "spaced_4s": lambda: gen.group(gen.resident_id(rng), (4,), " "),
        "spaced_random": lambda: spaced(rng, gen.resident_id(rng)),
        "hyphens": lambda: gen.group(gen.resident_id(rng), (6, 8, 4), "-"),
        "zero_width": lambda: zero_width(rng, gen.resident_id(rng)),
        "zero_width_bad": lambda: zero_width(rng, gen.bad_check_id(rng)),
        "fullwidth": lambda: fullwidth(gen.bad_check_id(rng)),
    }
    return makers[variant]()


def bad_luhn19(number: str) -> str:
    """A 19-digit card number with its check digit changed."""
    return number[:18] + str((int(number[18]) + 3) % 10)


def card_value(rng: random.Random, variant: str) -> str:
    makers: dict[str, Callable[[], str]] = {
        "valid": lambda: gen.bank_card(rng),
        "valid_4s": lambda: gen.group(gen.bank_card(rng), (4,), " "),
        "bad_luhn": lambda: gen.bad_luhn_card(rng),
        "bad_luhn19": lambda: bad_luhn19(gen.bank_card(rng, 19)),
        "bad_luhn_4s": lambda: gen.group(gen.bad_luhn_card(rng), (4,), " "),
        "short15": lambda: drop(rng, gen.bank_card(rng, 16)),
        "long20": lambda: double(rng, gen.bank_card(rng, 19)),
        "hyphens": lambda: gen.group(gen.bad_luhn_card(rng), (4,), "-"),
        "zero_width": lambda: zero_width(rng, gen.bank_card(rng)),
        "spaced_random": lambda: spaced(rng, gen.bank_card(rng)),
        "account": lambda: (
            str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(rng.randint(11, 19)))
        ),
        "fullwidth": lambda: fullwidth(gen.bad_luhn_card(rng)),
    }
    return makers[variant]()


def mobile_value(rng: random.Random, variant: str) -> str:
    m = gen.mobile(rng)
    makers: dict[str, Callable[[], str]] = {
        "valid": lambda: m,
        "valid_344": lambda: gen.group(m, (3, 4), rng.choice(" -")),
        "plus86": lambda: rng.choice(("+86 ", "+86-", "+86")) + m,
        "short10": lambda: drop(rng, m),
        "long12": lambda: double(rng, m),
        "bad_prefix": lambda: "1" + rng.choice("012") + m[2:],
        "spaced_random": lambda: spaced(rng, m),
        "spaced_digits": lambda: " ".join(m),
        "zero_width": lambda: zero_width(rng, m),
        "fullwidth": lambda: fullwidth(m),
        "fullwidth_short": lambda: fullwidth(drop(rng, m)),
        "hyphen_odd": lambda: gen.group(m, (4, 3, 4), "-"),
    }
    return makers[variant]()


def landline_value(rng: random.Random, variant: str) -> str:
    area = rng.choice(gen.LANDLINE_AREAS)
    local = str(rng.randint(2, 8)) + f"{rng.randint(0, 10**7 - 1):07d}"
    makers: dict[str, Callable[[], str]] = {
        "area_hyphen": lambda: f"{area}-{local}",
        "area_paren": lambda: f"({area}){local}",
        "area_space": lambda: f"{area} {local}",
        "local8": lambda: local,
        "local7": lambda: local[:7],
        "local_hyphen": lambda: f"{local[:4]}-{local[4:]}",
        "glued": lambda: area + local,
        "typo9": lambda: f"{area}-{local}{rng.randint(0, 9)}",
    }
    return makers[variant]()


def room_value(rng: random.Random, variant: str) -> str:
    floor = rng.randint(1, 9) if variant == "three" else rng.randint(10, 33)
    return f"{floor}{rng.randint(1, 6):02d}"


# --- expected masked forms ---------------------------------------------------------------------


def masked_form(kind: str, value: str) -> str:  # noqa: PLR0911 - one shape per kind
    digits = ascii_digits(value)
    if kind == "id_card":
        return keep_ends(digits, 3, 4)
    if kind == "bank_card":
        return keep_ends(digits, 4, 4)
    if kind == "qq" or (kind == "wechat" and not (len(digits) >= 10 and digits[0] == "1")):
        return keep_ends(digits, 2, 2)
    if kind in {"mobile", "wechat"}:
        if value.startswith("+86"):
            return value[: len(value) - len(value.lstrip("+86 -"))] + keep_ends(digits[2:], 3, 4)
        return keep_ends(digits, 3, 4)
    if kind == "address":
        return "*" * len(digits)
    if digits.startswith("0") and len(digits) >= 10:  # landline with its area code
        area = 3 if digits[1] in "12" else 4
        written = value.translate(FULLWIDTH)
        seen, cut = 0, 0
        while seen < area:
            seen += written[cut].isdigit()
            cut += 1
        cut += written[cut] in ") -"
        return written[:cut] + keep_ends(digits[area:], 0, 2)
    return keep_ends(digits, 0, 2)


# --- assembling lines ----------------------------------------------------------------------


def half_of(frames: tuple[str, ...]) -> dict[str, str]:
    """Each frame's half: frames sorted by a hash of their text, dealt alternately."""
    ordered = sorted(frames, key=lambda f: hashlib.sha1(f.encode()).hexdigest())  # noqa: S324 - not security
    return {frame: ("tune", "test")[i % 2] for i, frame in enumerate(ordered)}


def fill(frame: str, slots: dict[str, tuple[str, dict[str, Any]]], before: str, after: str) -> dict[str, Any]:
    """The text of ``frame`` with its slots filled, and its targets with their spans."""
    text, targets, rest = before, [], frame
    while rest:
        i = rest.find("{")
        if i < 0:
            text += rest
            break
        text += rest[:i]
        value, target = slots[rest[i + 1]]
        targets.append({"start": len(text), "value": value, **target})
        text += value
        rest = rest[i + 3 :]
    return {"text": text + after, "targets": targets}


def target(label: str, kind: str, variant: str, value: str) -> dict[str, Any]:
    out: dict[str, Any] = {"label": label, "kind": kind, "variant": variant}
    if label == "mask":
        out["masked"] = masked_form(kind, value)
    return out


def personal_lines(rng: random.Random) -> list[dict[str, Any]]:
    groups: tuple[tuple[str, tuple[str, ...], str, Callable[[random.Random, str], str], tuple[str, ...]], ...] = (
        ("id", ID_FRAMES, "id_card", id_value,
         ("valid", "valid_x", "old15", "bad_check", "bad_date", "short17", "long19", "spaced_684", "spaced_4s",
          "spaced_random", "hyphens", "zero_width", "zero_width_bad", "fullwidth")),
        ("card", CARD_FRAMES, "bank_card", card_value,
         ("valid", "valid_4s", "bad_luhn", "bad_luhn19", "bad_luhn_4s", "short15", "long20", "hyphens",
          "zero_width", "spaced_random", "account", "fullwidth")),
        ("phone", PHONE_FRAMES, "mobile", mobile_value,
         ("valid", "valid_344", "plus86", "short10", "long12", "bad_prefix", "spaced_random", "spaced_digits",
          "zero_width", "fullwidth", "fullwidth_short", "hyphen_odd")),
        ("free_mobile", FREE_MOBILE_FRAMES, "mobile", mobile_value,
         ("valid", "valid_344", "spaced_random", "zero_width", "fullwidth", "plus86")),
        ("landline", LANDLINE_FRAMES, "landline", landline_value,
         ("area_hyphen", "area_paren", "area_space", "local8", "local7", "local_hyphen", "glued", "typo9")),
        ("qq", QQ_FRAMES, "qq", lambda r, v: {"plain": str(r.randint(10**5, 10**10)),
                                              "spaced": spaced(r, str(r.randint(10**7, 10**10))),
                                              "zero_width": zero_width(r, str(r.randint(10**7, 10**10)))}[v],
         ("plain", "spaced", "zero_width")),
        ("wechat", WECHAT_FRAMES, "wechat", mobile_value, ("valid", "short10", "spaced_random", "zero_width")),
        ("room", ROOM_FRAMES, "address", room_value, ("three", "four")),
    )  # fmt: skip
    per_frame = {
        "id": 5,
        "card": 4,
        "phone": 5,
        "free_mobile": 4,
        "landline": 4,
        "qq": 3,
        "wechat": 3,
        "room": 2,
    }
    lines = []
    for name, frames, kind, make, variants in groups:
        halves = half_of(frames)
        for frame in frames:
            for variant in rng.sample(variants, k=min(per_frame[name], len(variants))):
                value = make(rng, variant)
                slot = (value, target("mask", kind, variant, value))
                line = fill(frame, {"v": slot}, rng.choice(CONTEXT_BEFORE), rng.choice(CONTEXT_AFTER))
                lines.append({"group": name, "split": halves[frame], "frame": frame, **line})
    return lines


SERVICE_NUMBERS = (
    "110", "119", "120", "122", "112", "114", "999", "12345", "12315", "12366", "12369", "12333", "12348",
    "12320", "12306", "12351", "12338", "12355", "12356", "12358", "12365", "12328", "12319", "12310",
    "12350", "12110", "10086", "10010", "10000", "95588", "95533", "95598", "95559", "95566", "95555",
    "95599", "95528", "96333", "96110", "96166", "95105888",
)  # fmt: skip


def service_value(rng: random.Random) -> tuple[str, str]:
    shape = rng.random()
    if shape < 0.7:
        return rng.choice(SERVICE_NUMBERS), "service"
    if shape < 0.85:
        head, a, b = rng.choice(("400", "800")), rng.randint(100, 999), rng.randint(1000, 9999)
        return rng.choice(
            (f"{head}-{a}-{b}", f"{head}{a}{b}", f"{head[0]}{head[1:]}{a // 100}-{a % 100:02d}{b}")
        ), "400"
    area = rng.choice(gen.LANDLINE_AREAS)
    return f"{area}-{rng.choice(('12345', '12345', '96333', '12319'))}", "area_service"


def dept_number(rng: random.Random) -> tuple[str, str, str]:
    """(as written in the reply, as given in the allow-list, variant)."""
    area = rng.choice(gen.LANDLINE_AREAS)
    local = str(rng.randint(2, 8)) + f"{rng.randint(0, 10**7 - 1):07d}"
    if len(area) == 4 and rng.random() < 0.2:
        local = local[:7]
    canonical = f"{area}-{local}"
    variant = rng.choice(("same", "paren", "fullparen", "space", "no_area", "grouped", "mobile"))
    written = {
        "same": canonical, "paren": f"({area}){local}", "fullparen": f"（{area}）{local}",
        "space": f"{area} {local}", "no_area": local, "grouped": f"{area}-{local[:4]} {local[4:]}",
    }.get(variant)  # fmt: skip
    if written is None:  # a grid worker's or an office's mobile
        m = gen.mobile(rng)
        return m, gen.group(m, (3, 4), "-"), variant
    return written, canonical, variant


def official_lines(rng: random.Random) -> list[dict[str, Any]]:
    lines = []
    halves = half_of(SERVICE_FRAMES)
    for frame in SERVICE_FRAMES:
        for _ in range(4):
            value, variant = service_value(rng)
            line = fill(frame, {"v": (value, target("keep", "service", variant, value))},
                        rng.choice(REPLY_BEFORE), rng.choice(CONTEXT_AFTER))  # fmt: skip
            lines.append({"group": "service", "split": halves[frame], "frame": frame, **line})
    halves = half_of(DEPT_FRAMES)
    for frame in DEPT_FRAMES:
        for _ in range(3):
            written, canonical, variant = dept_number(rng)
            line = fill(frame, {"v": (written, target("keep", "department", variant, written))},
                        rng.choice(REPLY_BEFORE), "")  # fmt: skip
            lines.append(
                {"group": "department", "split": halves[frame], "frame": frame, "keep": [canonical], **line}
            )
    halves = half_of(BOTH_FRAMES)
    for frame in BOTH_FRAMES:
        for _ in range(2):
            written, canonical, variant = dept_number(rng)
            kind = "id_card" if "身份证" in frame else "mobile"
            personal = id_value(rng, "valid") if kind == "id_card" else mobile_value(rng, "valid")
            slots = {"v": (written, target("keep", "department", variant, written)),
                     "p": (personal, target("mask", kind, "valid", personal))}  # fmt: skip
            line = fill(frame, slots, rng.choice(REPLY_BEFORE), "")
            lines.append(
                {"group": "both", "split": halves[frame], "frame": frame, "keep": [canonical], **line}
            )
    return lines


def leave_lines(rng: random.Random) -> list[dict[str, Any]]:
    four = lambda: f"{rng.randint(0, 9999):04d}"  # noqa: E731
    makers: tuple[Callable[[], str], ...] = (  # one per frame of LEAVE_FRAMES, in order
        four,
        four,
        lambda: f"GD{gen.birth_date(rng, 2020, 2024)}{rng.randint(1000, 9999)}",
        lambda: str(rng.randint(10, 300)),
        lambda: rng.choice(("2024-03-15", "2023年8月2日", "20240315", "3月15日")),
        lambda: rng.choice(("120", "110", "56.5", "1200")),
        lambda: f"{rng.randint(1, 99)}-{rng.randint(100, 999)}",
        lambda: f"{gen.birth_date(rng, 2022, 2024)}{rng.randint(10**5, 10**6)}",
        lambda: str(rng.randint(3, 20)),
        four,
    )
    lines = []
    halves = half_of(LEAVE_FRAMES)
    for frame, make in zip(LEAVE_FRAMES, makers, strict=True):
        for _ in range(3):
            value = make()
            line = fill(
                frame,
                {"v": (value, target("leave", "other", "other", value))},
                rng.choice(CONTEXT_BEFORE),
                "",
            )
            lines.append({"group": "leave", "split": halves[frame], "frame": frame, **line})
    return lines


def qq_value(rng: random.Random, variant: str) -> str:
    """A QQ number; both shapes are drawn (so the set comes out as it was first written)."""
    shapes = {
        "plain": str(rng.randint(10**5, 10**10)),
        "spaced": spaced(rng, str(rng.randint(10**7, 10**10))),
    }
    return shapes[variant]


# Written after the rules were tuned and the test half was read, as a last unseen check
# (split "fresh"): new sentences, other cue words and word orders.
FRESH_PERSONAL: tuple[tuple[str, str, Callable[[random.Random, str], str], tuple[str, ...]], ...] = (
    ("我老婆的身份证号码（{v}）在系统里查不到。", "id_card", id_value, ("bad_check", "spaced_random", "zero_width_bad", "valid_x")),
    ("麻烦核对证件号码：{v}，谢谢", "id_card", id_value, ("short17", "long19", "fullwidth", "spaced_4s")),
    ("户主身份证 {v} 名下有两套房，为什么不能申请？", "id_card", id_value, ("bad_date", "hyphens", "old15", "zero_width")),
    ("工资打到我的卡号{v}里面，结果少了两千。", "bank_card", card_value, ("bad_luhn", "bad_luhn_4s", "short15", "zero_width")),
    ("中国银行卡号 {v}（开户人本人）", "bank_card", card_value, ("valid_4s", "long20", "hyphens", "fullwidth")),
    ("请把钱退到这个账号：{v}", "bank_card", card_value, ("account", "bad_luhn19", "spaced_random", "valid")),
    ("有什么情况可以打我的手机，号码是{v}", "mobile", mobile_value, ("short10", "long12", "spaced_random", "zero_width")),
    ("我的联系电话:{v}（晚上打）", "mobile", mobile_value, ("bad_prefix", "hyphen_odd", "fullwidth_short", "spaced_digits")),
    ("有进展请致电{v}告知。", "mobile", mobile_value, ("valid_344", "short10", "plus86", "long12")),
    ("电话号码 {v} 是我家里的座机", "landline", landline_value, ("local8", "glued", "area_space", "local_hyphen")),
    ("QQ号码：{v}，欢迎联系", "qq", qq_value, ("plain", "spaced")),
    ("我住在芙蓉区某某小区8栋{v}室，夜里噪音很大。", "address", room_value, ("three", "four")),
    ("我们是4单元{v}的住户，楼道灯坏了。", "address", room_value, ("three", "four")),
)  # fmt: skip


def fresh_lines(rng: random.Random) -> list[dict[str, Any]]:
    lines = []
    for frame, kind, make, variants in FRESH_PERSONAL:
        for variant in variants:
            value = make(rng, variant)
            line = fill(
                frame, {"v": (value, target("mask", kind, variant, value))}, rng.choice(CONTEXT_BEFORE), ""
            )
            lines.append({"group": f"fresh_{kind}", "split": "fresh", "frame": frame, **line})
    for frame in FRESH_SERVICE:
        for _ in range(5):
            value, variant = service_value(rng)
            line = fill(
                frame, {"v": (value, target("keep", "service", variant, value))}, rng.choice(REPLY_BEFORE), ""
            )
            lines.append({"group": "fresh_service", "split": "fresh", "frame": frame, **line})
    for frame in FRESH_DEPT:
        for _ in range(5):
            written, canonical, variant = dept_number(rng)
            line = fill(
                frame,
                {"v": (written, target("keep", "department", variant, written))},
                rng.choice(REPLY_BEFORE),
                "",
            )
            lines.append(
                {"group": "fresh_department", "split": "fresh", "frame": frame, "keep": [canonical], **line}
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--out", type=Path, default=HERE / "privacy_labelled.jsonl")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    lines = personal_lines(rng) + official_lines(rng) + leave_lines(rng)
    lines += fresh_lines(random.Random(args.seed + 1))
    with args.out.open("w", encoding="utf-8") as out:
        for i, line in enumerate(lines, 1):
            out.write(json.dumps({"id": f"p{i:04d}", **line}, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for line in lines:
        for t in line["targets"]:
            key = f"{line['split']}/{t['label']}"
            counts[key] = counts.get(key, 0) + 1
    print(f"{len(lines)} lines -> {args.out.name}; targets: {dict(sorted(counts.items()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
