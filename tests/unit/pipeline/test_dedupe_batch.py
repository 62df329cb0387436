"""DuplicateDetector.add_many: the same matches, groups and index as add one by one."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from minyi.pipeline._minhash import MinHasher, shingle_hashes, shingle_hashes_many
from minyi.pipeline.dedupe import DuplicateDetector

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
SOURCES = (
    "我是芙蓉区五一大道旁阳光小区的业主，小区门口的道路破损严重，下雨天到处积水，老人和孩子出行非常不便。",
    "天心区菜市场周边占道经营现象严重，早上七点到十点车辆根本无法通行，请城管部门加强管理，谢谢。",
    "岳麓区某工地夜间施工噪音很大，晚上十一点以后还在作业，严重影响附近居民休息，请环保部门查处。",
    "开福区公交站台的遮雨棚被大风吹坏了两个星期，等车的市民只能淋雨，希望公交公司尽快修复好。",
)
Item = tuple[str, str, str | None, datetime]


def _stream(count: int, seed: int, minutes: float = 7.0) -> list[Item]:
    """Copies of a few sources with small edits, repeated ids, tiny texts and anonymous authors."""
    rng = random.Random(seed)
    items: list[Item] = []
    for number in range(count):
        chars = list(rng.choice(SOURCES))
        for _ in range(rng.randint(0, 6)):
            chars[rng.randrange(len(chars))] = rng.choice("甲乙丙丁戊己庚辛壬癸")
        text = "".join(chars) if rng.random() > 0.05 else "谢谢"
        item_id = str(number) if rng.random() > 0.05 else str(rng.randrange(number + 1))
        author = None if rng.random() < 0.1 else f"u{rng.randrange(12)}"
        items.append((item_id, text, author, T0 + timedelta(minutes=minutes * number)))
    return items


def _one_by_one(items: list[Item], **settings: object) -> tuple[DuplicateDetector, list[object]]:
    det = DuplicateDetector(**settings).reset()  # type: ignore[arg-type]
    return det, [det.add(*item) for item in items]


def _batched(items: list[Item], size: int, **settings: object) -> tuple[DuplicateDetector, list[object]]:
    det = DuplicateDetector(**settings).reset()  # type: ignore[arg-type]
    out: list[object] = []
    for start in range(0, len(items), size):
        out.extend(det.add_many(items[start : start + size]))
    return det, out


def _same(left: DuplicateDetector, right: DuplicateDetector) -> None:
    assert left.groups() == right.groups()
    assert len(left) == len(right)
    assert left.seq_of_ == right.seq_of_


@pytest.mark.parametrize("size", [2, 7, 64, 300])
def test_batches_give_the_same_matches_as_one_by_one(size):
    items = _stream(1400, seed=size)  # the ring grows past 1,024 slots on the way
    single, expected = _one_by_one(items, window_days=10)
    batched, found = _batched(items, size, window_days=10)
    assert found == expected
    assert sum(match is not None for match in found) > 300
    assert batched.ring_.capacity > 1024
    _same(single, batched)


def test_eviction_inside_a_batch_gives_the_same_matches():
    items = _stream(400, seed=3)
    single, expected = _one_by_one(items, max_items=5)
    batched, found = _batched(items, 50, max_items=5)
    assert found == expected
    _same(single, batched)


def test_a_message_matches_an_earlier_one_of_the_same_batch():
    det = DuplicateDetector().reset()
    copy = SOURCES[0].replace("业主", "住户")
    found = det.add_many(
        [
            ("a", SOURCES[0], "u1", T0),
            ("b", SOURCES[1], "u2", T0),
            ("c", copy, "u3", T0),
            ("d", SOURCES[0], "u1", T0),
        ]
    )
    assert found[0] is None
    assert found[1] is None
    assert found[2] is not None
    assert (found[2].kind, found[2].matched_id, found[2].relation) == ("near", "a", "different_authors")
    assert found[3] is not None
    assert (found[3].kind, found[3].matched_id, found[3].relation) == ("exact", "a", "same_author_repeat")
    assert det.group_of("d") == det.group_of("a")


def test_a_flood_of_copies_respects_max_chain_like_one_by_one():
    items = [
        (str(n), SOURCES[n % 2] + "！" * (n % 3), f"u{n}", T0 + timedelta(seconds=n)) for n in range(120)
    ]
    single = DuplicateDetector().reset()
    single.ring_.max_chain = 3
    expected = [single.add(*item) for item in items]
    batched = DuplicateDetector().reset()
    batched.ring_.max_chain = 3
    found = [match for start in range(0, 120, 40) for match in batched.add_many(items[start : start + 40])]
    assert found == expected
    _same(single, batched)


def test_check_many_and_fit_agree_with_add():
    items = _stream(300, seed=9)
    single, expected = _one_by_one(items)
    det = DuplicateDetector().reset()
    assert det.check_many(items) == expected
    assert DuplicateDetector().fit(items).groups() == single.groups()


def test_batch_hashing_equals_one_text_at_a_time():
    keys = [SOURCES[0], "abc", SOURCES[2] * 40, "甲乙丙丁"]
    hashes, starts = shingle_hashes_many(keys, 3)
    hasher = MinHasher(128, seed=1)
    signatures = hasher.signatures(hashes, starts)
    for row, key in enumerate(keys):
        assert np.array_equal(hashes[starts[row] : starts[row + 1]], shingle_hashes(key, 3))
        assert np.array_equal(signatures[row], hasher.signature(shingle_hashes(key, 3)))
    with pytest.raises(ValueError, match="at least"):
        shingle_hashes_many(["ab"], 3)


def test_short_keys_in_a_batch_are_skipped_like_add():
    det = DuplicateDetector(min_chars=2, shingle_size=3).reset()
    found = det.add_many([("a", "你好", "u", T0), ("b", "你好", "v", T0), ("c", SOURCES[0], "w", T0)])
    assert found[0] is None
    assert found[1] is not None
    assert found[1].kind == "exact"
    assert found[2] is None
