"""A tiny synthetic labelled corpus (three topics) shared by the classifier tests."""

from __future__ import annotations

import random

TOPICS = {
    "教育文体": ["学校", "老师", "学生", "招生", "学费", "课程", "幼儿园", "教室"],
    "交通运输": ["公交", "道路", "红绿灯", "停车", "拥堵", "地铁", "司机", "线路"],
    "环境保护": ["噪音", "污染", "垃圾", "排放", "异味", "污水", "扬尘", "工厂"],
}
FILLER = ["反映", "希望", "尽快", "解决", "问题", "附近", "居民", "情况", "严重", "处理"]


def picks(per_class: int, seed: int) -> list[tuple[str, list[str]]]:
    """(label, words) samples: four topic words and three filler words each, shuffled."""
    rng = random.Random(seed)
    out = []
    for label, words in TOPICS.items():
        for _ in range(per_class):
            picked = rng.sample(words, 4) + rng.sample(FILLER, 3)
            rng.shuffle(picked)
            out.append((label, picked))
    return out


def make_corpus(per_class: int = 12, seed: int = 0) -> tuple[list[str], list[str]]:
    """Texts and labels."""
    samples = picks(per_class, seed)
    return ["关于" + w[0] + "的" + "，".join(w) for _, w in samples], [label for label, _ in samples]
