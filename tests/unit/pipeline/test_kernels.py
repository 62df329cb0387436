"""The compiled kernels (minyi._speedups) give exactly what the NumPy code gives."""

import os

import numpy as np
import pytest

from minyi.pipeline import _kernels
from minyi.pipeline._minhash import MinHasher, shingle_hashes_many
from minyi.pipeline._ngrams import CharNgrams, CodeTable, WordNgrams

compiled = pytest.mark.skipif(not _kernels.COMPILED, reason="minyi._speedups was not built")


@pytest.fixture
def numpy_only(monkeypatch):
    """Run the callers' NumPy code for the rest of the test."""

    def switch():
        monkeypatch.setattr(_kernels, "COMPILED", False)

    return switch


def test_the_build_is_compiled_when_ci_asks_for_it():
    if os.environ.get("MINYI_REQUIRE_SPEEDUPS"):
        assert _kernels.COMPILED


def test_pure_python_switch_turns_the_kernels_off(monkeypatch):
    monkeypatch.setenv("MINYI_PURE_PYTHON", "1")
    assert _kernels._compiled() is None


@compiled
def test_lookup_matches_numpy(numpy_only):
    rng = np.random.default_rng(3)
    codes = np.unique(rng.integers(0, 2**62, 5000, dtype=np.int64))
    table = CodeTable(codes)
    queries = np.concatenate([codes[::3], rng.integers(0, 2**62, 4000, dtype=np.int64), codes[:0]])
    fast = table.lookup(queries)
    numpy_only()
    assert np.array_equal(fast, table.lookup(queries))
    assert np.array_equal(fast[: len(codes[::3])], np.arange(len(codes))[::3])


@compiled
def test_lookup_in_an_empty_table(numpy_only):
    table = CodeTable(np.empty(0, dtype=np.int64))
    assert table.lookup(np.array([1, 2], dtype=np.int64)).tolist() == [-1, -1]


@compiled
@pytest.mark.parametrize("lengths", [[1], [3, 7, 1, 200], [9000], [5, 10000, 4, 3000, 6000]])
def test_minhash_matches_numpy(numpy_only, lengths):
    rng = np.random.default_rng(len(lengths))
    hashes = rng.integers(0, 2**64 - 1, sum(lengths), dtype=np.uint64)
    starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    hasher = MinHasher(64, seed=5)
    fast, one = hasher.signatures(hashes, starts), hasher.signature(hashes[: lengths[0]])
    numpy_only()
    assert np.array_equal(fast, hasher.signatures(hashes, starts))
    assert np.array_equal(one, hasher.signature(hashes[: lengths[0]]))


@compiled
def test_minhash_refuses_an_empty_run():
    with pytest.raises(ValueError, match="non-empty"):
        _kernels.minhash(
            np.zeros(3, dtype=np.uint64),
            np.array([0, 0, 3], dtype=np.int64),
            np.ones(4, dtype=np.uint64),
            np.ones(4, dtype=np.uint64),
        )


@compiled
def test_ngram_blocks_and_shingles_match_numpy(numpy_only):
    docs = [
        ["丽发", "新城", "搅拌站", "噪音", "扰民"],
        ["公交", "线路", "延长", "a3", "区"],
        [],
        ["噪音", "新城", "夜间", "施工", "噪音"],
    ]
    chars, words = CharNgrams(1, 3, 1).fit(docs), WordNgrams(2, 1).fit(docs)
    fast = [block.transform(docs[::-1]) for block in (chars, words)]
    keys = ["丽发新城搅拌站噪音扰民", "公交线路延长时间", "夜间施工噪音"]
    hashes, starts = shingle_hashes_many(keys, 3)
    hasher = MinHasher(128)
    signatures = hasher.signatures(hashes, starts)
    numpy_only()
    for matrix, block in zip(fast, (chars, words), strict=True):
        reference = block.transform(docs[::-1])
        assert (matrix != reference).nnz == 0
        assert np.array_equal(matrix.indices, reference.indices)
    assert np.array_equal(signatures, hasher.signatures(hashes, starts))


@compiled
@pytest.mark.parametrize(("min_n", "max_n"), [(1, 3), (2, 3), (1, 1), (3, 3)])
def test_char_ngrams_of_real_tokens_match_numpy(numpy_only, min_n, max_n):
    from minyi.pipeline.segment import Segmenter

    texts = [
        "A3区丽发新城小区旁的搅拌站夜间施工，噪音扰民严重，请尽快处理！",
        "咨询一下人才购房补贴怎么申请？需要什么材料？",
        "",
        "𠀀𠀁 emoji 😀 and WiFi 信号差",
    ]
    docs = Segmenter(keep_single_chars=True).fit().transform(texts)
    block = CharNgrams(min_n, max_n, 1).fit(docs)
    fast = block.transform([*docs, ["未见", "新词"]])
    numpy_only()
    reference = block.transform([*docs, ["未见", "新词"]])
    assert np.array_equal(fast.indptr, reference.indptr)
    assert np.array_equal(fast.indices, reference.indices)
    assert np.array_equal(fast.data, reference.data)
