"""Compiled inner loops of the pipeline (:mod:`minyi._speedups`), when they were built.

Three NumPy computations of the pipeline have a C twin in ``src/minyi/_speedups.c``,
which ``pip install`` compiles when a C compiler is present (the build carries on
without it).  Each caller checks :data:`COMPILED` and otherwise runs its NumPy code,
which stays the reference: both give the same result bit for bit, and the tests run
both and compare them.  ``MINYI_PURE_PYTHON=1`` in the environment turns the C
versions off.

* :func:`lookup` for :meth:`minyi.pipeline._ngrams.CodeTable.lookup`: NumPy probes all
  codes in rounds, C one code at a time without temporary arrays.
* :func:`minhash` for :meth:`minyi.pipeline._minhash.MinHasher.signatures`: NumPy builds
  a ``(num_perm, shingles)`` block per batch, C keeps ``num_perm`` running minima.
* :func:`ngram_lookup` for :meth:`minyi.pipeline._ngrams.CharNgrams.transform`: NumPy
  computes the codes of every n-gram of a batch in a few array passes and then looks
  them up, C does both in one pass without temporary arrays.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["COMPILED", "lookup", "minhash", "ngram_lookup"]

I64 = NDArray[np.int64]
U64 = NDArray[np.uint64]


def _compiled() -> ModuleType | None:
    if os.environ.get("MINYI_PURE_PYTHON", "") not in {"", "0"}:
        return None
    try:
        from minyi import _speedups  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # built without a C compiler: the callers run their NumPy code
        return None
    return _speedups  # type: ignore[no-any-return,unused-ignore]


_C = _compiled()
#: Whether the compiled versions are in use (callers check it on every call).
COMPILED = _C is not None


def _int64(values: NDArray[Any]) -> I64:
    return np.ascontiguousarray(values, dtype=np.int64)


def _c() -> ModuleType:
    if _C is None:
        raise RuntimeError("minyi._speedups was not built")
    return _C


def lookup(keys: I64, values: I64, codes: I64, bits: int) -> I64:
    """Value of each code's slot in an open-addressing table (linear probing), or -1."""
    codes = _int64(codes)
    out = np.empty(len(codes), dtype=np.int64)
    _c().lookup(_int64(keys), _int64(values), codes, out, bits)
    return out


def minhash(hashes: U64, starts: I64, mult: U64, add: U64) -> NDArray[np.uint16]:
    """Signatures ``(runs, num_perm)``: bits 16–31 of ``min(a*x + b mod 2**64)`` over each run.

    Runs ``hashes[starts[i]:starts[i + 1]]`` must be non-empty.
    """
    out = np.empty((len(starts) - 1, len(mult)), dtype=np.uint16)
    hashes, mult, add = (np.ascontiguousarray(a, dtype=np.uint64) for a in (hashes, mult, add))
    _c().minhash(hashes, _int64(starts), mult, add, out)
    return out


def ngram_lookup(  # noqa: PLR0913 - the table's parts are passed apart, as the C function takes them
    points: NDArray[np.uint32], n: int, *, keys: I64, values: I64, bits: int, offset: int
) -> tuple[I64, I64]:
    """Document and feature numbers (table value + ``offset``) of the known ``n``-grams of a batch.

    ``points`` are the code points of the documents, each padded with spaces and
    separated by a 0, as :class:`~minyi.pipeline._ngrams.CharNgrams` joins them.
    """
    points = np.ascontiguousarray(points, dtype=np.uint32)
    owners, features = np.empty(len(points), dtype=np.int64), np.empty(len(points), dtype=np.int64)
    found = _c().ngram_lookup(points, n, _int64(keys), _int64(values), bits, offset, owners, features)
    return owners[:found], features[:found]
