"""DuplicateDetector: exact and near copies, windows, eviction, authors, groups, persistence."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from minyi.pipeline._minhash import LshRing, MinHasher, lsh_params, shingle_hashes
from minyi.pipeline.dedupe import DuplicateDetector, make_key

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
BASE = (
    "我是芙蓉区五一大道旁阳光小区的业主，小区门口的道路破损严重，下雨天到处积水，"
    "老人和孩子出行非常不便，已经向社区反映过三次，一直没有人来处理，希望有关部门尽快派人维修。"
)
OTHERS = (
    "天心区菜市场周边占道经营现象严重，早上七点到十点车辆根本无法通行，请城管部门加强管理。",
    "岳麓区某工地夜间施工噪音很大，晚上十一点以后还在作业，严重影响附近居民休息，请环保部门查处。",
    "开福区公交站台的遮雨棚被大风吹坏了两个星期，等车的市民只能淋雨，希望公交公司尽快修复。",
    "雨花区某小区电梯频繁故障，上个月困人两次，物业推说没有维修资金，请住建部门督促解决。",
)


def edit(text: str, count: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    chars = list(text)
    for _ in range(count):
        chars[rng.randrange(len(chars))] = rng.choice("甲乙丙丁戊己庚辛壬癸")
    return "".join(chars)


@pytest.fixture
def det() -> DuplicateDetector:
    return DuplicateDetector().reset()


# --- exact and near copies --------------------------------------------------------------------


def test_first_message_has_no_match(det):
    assert det.add("a", BASE, "u1", T0) is None
    assert len(det) == 1
    assert "a" in det


def test_exact_duplicate_after_normalisation(det):
    original = BASE + "我住5栋1203室，WiFi信号也不好。"
    det.add("a", original, "u1", T0)
    variant = "  " + original.replace("，", ", ").replace("。", ".  ").replace("五一", "五\u3000一") + "！！"
    variant = variant.replace("5栋1203", "５栋１２０３").replace("WiFi", "ＷｉＦｉ").replace("小区", "小區")
    match = det.add("b", variant, "u2", T0 + timedelta(hours=1))
    assert match is not None
    assert match.kind == "exact"
    assert match.matched_id == "a"
    assert match.similarity == 1.0


def test_make_key_drops_punctuation_space_and_case():
    assert make_key("Hello, 世界！ 123 ABC") == "hello世界123abc"


def test_near_duplicate_with_a_few_changed_characters(det):
    det.add("a", BASE, "u1", T0)
    match = det.add("b", edit(BASE, 2), "u2", T0 + timedelta(days=1))
    assert match is not None
    assert match.kind == "near"
    assert match.matched_id == "a"
    assert 0.8 <= match.similarity < 1.0
    assert abs(match.estimated_similarity - match.similarity) < 0.15


def test_different_messages_are_not_matched(det):
    for number, text in enumerate(OTHERS):
        assert det.add(f"o{number}", text, f"u{number}", T0) is None
    assert det.add("a", BASE, "u9", T0) is None
    assert det.groups() == []


def test_heavily_edited_copy_is_not_near(det):
    det.add("a", BASE, "u1", T0)
    assert det.add("b", edit(BASE, 30, seed=2), "u2", T0) is None


def test_query_does_not_index(det):
    det.add("a", BASE, "u1", T0)
    found = det.query(edit(BASE, 2), T0)
    assert [candidate.item_id for candidate in found] == ["a"]
    assert found[0].kind == "near"
    assert len(det) == 1
    assert det.query(OTHERS[0], T0) == []


# --- windows and bounded memory ---------------------------------------------------------------


def test_items_outside_the_window_are_not_compared(det):
    det.add("a", BASE, "u1", T0)
    assert det.add("b", BASE, "u2", T0 + timedelta(days=31)) is None
    assert "a" not in det  # evicted: older than 30 days before the newest item


def test_query_ignores_items_far_in_time(det):
    det.add("a", BASE, "u1", T0)
    assert det.query(BASE, T0 - timedelta(days=40)) == []
    assert det.query(BASE, T0 + timedelta(days=29))[0].item_id == "a"


def test_max_items_evicts_the_oldest():
    det = DuplicateDetector(max_items=3)
    texts = [BASE, *OTHERS]
    for number, text in enumerate(texts):
        det.add(str(number), text, "u", T0 + timedelta(minutes=number))
    assert len(det) == 3
    assert "0" not in det
    assert det.add("again", BASE, "u", T0 + timedelta(minutes=10)) is None
    assert det.add("copy", OTHERS[-1], "u", T0 + timedelta(minutes=11)).matched_id == "4"


def test_ring_grows_and_keeps_finding_old_items():
    det = DuplicateDetector(max_items=5000)
    for number in range(2500):
        det.add(str(number), f"{BASE}编号{number:05d}{OTHERS[number % 4]}", f"u{number}", T0)
    assert det.ring_.capacity >= 2500
    match = det.add("x", f"{BASE}编号00007{OTHERS[3]}", "u7", T0)
    assert match is not None
    assert match.kind == "exact"
    assert match.matched_id == "7"


def test_memory_stays_flat_when_the_window_slides():
    det = DuplicateDetector(max_items=100_000, window_days=1)
    rng = random.Random(5)
    for number in range(3000):
        text = "".join(rng.choice("天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏") for _ in range(60))
        det.add(str(number), text, None, T0 + timedelta(minutes=10 * number))
    assert len(det) <= 24 * 6 + 1
    assert det.ring_.capacity <= 1024


# --- authors, joint letters and groups --------------------------------------------------------


def test_same_author_repeat(det):
    det.add("a", BASE, "u1", T0)
    match = det.add("b", BASE, "u1", T0 + timedelta(days=2))
    assert match.relation == "same_author_repeat"
    assert det.group_of("a").relation == "same_author_repeat"


def test_joint_letter_after_n_distinct_authors(det):
    relations = []
    for number, author in enumerate(["p1", "p2", "p2", "p3", "p4"]):
        match = det.add(
            str(number), edit(BASE, number % 2, seed=number), author, T0 + timedelta(hours=number)
        )
        relations.append(match.relation if match else None)
    assert relations == [None, "different_authors", "same_author_repeat", "joint_letter", "joint_letter"]
    group = det.group_of("0")
    assert group is not None
    assert group.member_ids == ("0", "1", "2", "3", "4")
    assert group.distinct_authors == 4
    assert group.relation == "joint_letter"
    assert det.groups() == [group]


def test_joint_min_authors_setting():
    det = DuplicateDetector(joint_min_authors=2)
    det.add("a", BASE, "p1", T0)
    assert det.add("b", BASE, "p2", T0).relation == "joint_letter"


def test_anonymous_authors_never_repeat_or_count(det):
    det.add("a", BASE, None, T0)
    match = det.add("b", BASE, None, T0)
    assert match.relation == "different_authors"
    assert match.distinct_authors == 0


def test_group_of_unknown_or_single_item(det):
    det.add("a", BASE, "u1", T0)
    assert det.group_of("a") is None
    assert det.group_of("missing") is None


# --- remove, rebuild, persistence -------------------------------------------------------------


def test_remove(det):
    det.add("a", BASE, "u1", T0)
    det.add("b", BASE, "u2", T0)
    assert det.remove("a") is True
    assert det.remove("a") is False
    assert "a" not in det
    assert det.group_of("b") is None  # the group dissolved with one member left
    match = det.add("c", BASE, "u3", T0)
    assert match.matched_id == "b"
    det.remove("b")
    det.remove("c")
    assert det.add("d", BASE, "u4", T0) is None


def test_re_adding_an_id_replaces_it(det):
    det.add("a", BASE, "u1", T0)
    assert det.add("a", OTHERS[0], "u1", T0) is None
    assert len(det) == 1
    assert det.query(BASE, T0) == []


def _items():
    items = [(f"m{n}", text, f"u{n % 3}", T0 + timedelta(hours=n)) for n, text in enumerate(OTHERS)]
    items += [(f"b{n}", edit(BASE, n, seed=n), f"p{n}", T0 + timedelta(hours=5 + n)) for n in range(4)]
    return items


def test_rebuild_equals_fit_and_check_many():
    items = _items()
    rebuilt = DuplicateDetector.rebuild(items, threshold=0.8)
    matches = DuplicateDetector().check_many(items)
    assert [m is not None for m in matches] == [False] * 5 + [True] * 3
    assert rebuilt.groups() == DuplicateDetector().fit(items).groups()
    assert rebuilt.groups()[0].relation == "joint_letter"


def test_state_round_trip(tmp_path):
    det = DuplicateDetector.rebuild(_items())
    restored = DuplicateDetector.from_state(det.state_dict())
    assert restored.groups() == det.groups()
    assert len(restored) == len(det)
    probe = edit(BASE, 2, seed=42)
    assert restored.query(probe, T0) == det.query(probe, T0)
    path = tmp_path / "dedupe.npz"
    det.save(path)
    loaded = DuplicateDetector.load(path)
    assert loaded.groups() == det.groups()
    assert loaded.add("new", BASE, "p9", T0 + timedelta(days=1)).relation == "joint_letter"
    assert det.add("new", BASE, "p9", T0 + timedelta(days=1)).relation == "joint_letter"


def test_state_version_is_checked():
    state = DuplicateDetector().reset().state_dict()
    state["version"] = 99
    with pytest.raises(ValueError, match="version"):
        DuplicateDetector.from_state(state)


# --- edge cases -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", None, "   ", "！！！", "谢谢"])
def test_empty_or_tiny_text_is_ignored(det, text):
    assert det.add("e", text, "u1", T0) is None
    assert det.add("f", text, "u2", T0) is None
    assert det.query(text, T0) == []
    assert len(det) == 0


def test_very_long_text_is_handled_in_time(det):
    rng = random.Random(3)
    long_text = "".join(
        rng.choice("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动")
        for _ in range(100_000)
    )
    started = time.perf_counter()
    det.add("long", long_text, "u1", T0)
    match = det.add("long2", long_text, "u2", T0)
    assert time.perf_counter() - started < 2.0
    assert match.kind == "exact"


def test_already_normalised_input():
    det = DuplicateDetector(normalize=False)
    det.add("a", BASE, "u1", T0)
    assert det.add("b", BASE.replace("，", ","), "u2", T0).kind == "exact"


def test_naive_datetimes_are_accepted(det):
    det.add("a", BASE, "u1", datetime(2024, 3, 1, 9, 0))  # noqa: DTZ001 - naive on purpose
    assert det.add("b", BASE, "u2", datetime(2024, 3, 2, 9, 0)).kind == "exact"  # noqa: DTZ001


@pytest.mark.parametrize(
    "settings",
    [{"threshold": 0.0}, {"threshold": 1.5}, {"num_perm": 0}, {"window_days": 0}, {"joint_min_authors": 1}],
)
def test_bad_settings_are_rejected(settings):
    with pytest.raises(ValueError):
        DuplicateDetector(**settings).reset()


# --- MinHash and LSH internals ----------------------------------------------------------------


def test_shingle_hashes_are_stable_and_short_texts_give_one_shingle():
    assert shingle_hashes("", 3).size == 0
    assert shingle_hashes("ab", 3).size == 1
    assert shingle_hashes("abcd", 3).tolist() == shingle_hashes("abcd", 3).tolist()
    assert shingle_hashes("abcd", 3).size == 2


def test_minhash_estimate_tracks_jaccard():
    hasher = MinHasher(256, seed=3)
    left = np.arange(1000, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    right = np.arange(250, 1250, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    estimate = float((hasher.signature(left) == hasher.signature(right)).mean())
    assert abs(estimate - 750 / 1250) < 0.1


def test_lsh_params_reach_the_recall_target():
    bands, rows = lsh_params(0.8, 128)
    assert bands * rows <= 128
    assert 1 - (1 - 0.8**rows) ** bands >= 0.99
    assert lsh_params(1.0, 64) == (1, 64)


def test_lsh_ring_relinks_after_growth():
    ring = LshRing(16, bands=4, rows=4, capacity=16, max_capacity=64)
    rng = np.random.default_rng(0)
    signatures = [rng.integers(0, 2**16, 16, dtype=np.uint16) for _ in range(40)]
    for number, signature in enumerate(signatures):
        ring.append(signature, float(number), number)
    assert ring.capacity == 64
    for number, signature in enumerate(signatures):
        assert number in ring.candidates(signature).tolist()
