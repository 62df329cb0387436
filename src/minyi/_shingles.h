/* The shingle hashes of a near-copy key, shared by minyi._speedups (`shingle_set`, the NumPy
 * path's set) and minyi._issuestate (`NearIndex`, the compiled near-copy index). The two must
 * give the same values bit for bit (the index is checked against the reference that uses
 * `shingle_set`), so the hashing is written once here, not copied into each module.
 * Include after <Python.h>. */
#ifndef MINYI_SHINGLES_H
#define MINYI_SHINGLES_H

#include <stdint.h>
#include <stdlib.h>

static const uint64_t SHINGLE_GOLDEN = 0x9E3779B97F4A7C15ULL;
static const uint64_t SHINGLE_MIX1 = 0xBF58476D1CE4E5B9ULL, SHINGLE_MIX2 = 0x94D049BB133111EBULL;

static int
shingle_ascending(const void *left, const void *right)
{
    const uint64_t a = *(const uint64_t *)left, b = *(const uint64_t *)right;
    return (a > b) - (a < b);
}

/* Hash the `total` size-grams of `points` (at least total + size - 1 code points, a short key
 * padded with 0s by the caller) into `hashes`, sort them and drop repeats: how many are kept. */
static Py_ssize_t
shingle_hashes(const uint64_t *points, Py_ssize_t total, Py_ssize_t size, uint64_t *hashes)
{
    for (Py_ssize_t i = 0; i < total; i++) {
        uint64_t h = points[i] + 1;
        for (Py_ssize_t offset = 1; offset < size; offset++) {
            h = h * SHINGLE_GOLDEN + points[i + offset];
        }
        h ^= h >> 30;
        h *= SHINGLE_MIX1;
        h ^= h >> 27;
        h *= SHINGLE_MIX2;
        h ^= h >> 31;
        hashes[i] = h;
    }
    qsort(hashes, (size_t)total, sizeof(uint64_t), shingle_ascending);
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < total; i++) {
        if (kept == 0 || hashes[kept - 1] != hashes[i]) {
            hashes[kept++] = hashes[i];
        }
    }
    return kept;
}

#endif /* MINYI_SHINGLES_H */
