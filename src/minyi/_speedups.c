/*
 * Compiled inner loops of the text pipeline (optional).
 *
 * Each function does exactly what a NumPy function of minyi.pipeline does, on the
 * same arrays, and gives the same result bit for bit; minyi.pipeline._kernels picks
 * this module when it was built and the NumPy code otherwise.  The arrays are passed
 * through the buffer protocol (C-contiguous, the dtypes named below); the Python
 * wrappers check shapes and dtypes before calling.
 *
 *   lookup(keys, values, codes, out, bits)
 *       Open-addressing look-up of int64 codes (minyi.pipeline._ngrams.CodeTable).
 *   minhash(hashes, starts, mult, add, out)
 *       16-bit MinHash signatures of runs of uint64 shingle hashes
 *       (minyi.pipeline._minhash.MinHasher.signatures).
 *   ngram_lookup(points, n, keys, values, bits, offset, owners, features) -> int
 *       The known character n-grams of a batch of documents (uint32 code points,
 *       documents separated by 0), as document numbers and feature numbers
 *       (minyi.pipeline._ngrams.CharNgrams: the codes of one order, then lookup);
 *       returns how many were written.
 *
 * And three loops of the issue detector (minyi.issues.detect._fast, whose Python functions
 * are the reference): they read the detector's own dicts and sets through the C API, do
 * the same floating-point operations in the same order (no fused multiply-add), and so
 * give the same doubles.
 *
 *   gated_dot(vector, centroid, places) -> (dot, place part, own place norm2)
 *   square_sum(centroid, terms) -> sum of the squared centroid weights of terms (as ** 2 squares)
 *   probe(vector, probe_terms, postings, limit, exclude, active, k) -> best issue ids
 *   count_words(tokens, memo, names, joined, weight, counts)
 *       Adds the kept words of tokens that are in no name to counts.
 *   weigh(counts, index, terms, df, place_ids, docs, learn, place_weight, admin_weight, limit)
 *       -> the unit TF-IDF vector of counts, heaviest first.
 *   shingle_set(key, size) -> bytes
 *       The sorted distinct 64-bit hashes of the character size-grams of key
 *       (numpy.unique of minyi.pipeline._minhash.shingle_hashes), as native uint64.
 *   overlap(left, right) -> int
 *       How many values two sorted arrays of distinct uint64 share.
 *   add_into(centroid, terms, weights, places, place_terms) -> (dot, own, changed)
 *       Adds a member's vector (int32 terms, float32 weights) to an issue's centroid.
 *   member_gated(terms, weights, centroid, places, rest) -> (dot, place part, own place norm2,
 *       own norm2, dot with the whole centroid) of a member (int32 terms, float32 weights)
 *       against a centroid, the member's own weights taken out when rest.
 *   postings_index(postings, issue_id, changed) / postings_drop(postings, issue_id, terms)
 *       Keep the inverted index in step with a centroid.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "_shingles.h"

static const uint64_t GOLDEN = 0x9E3779B97F4A7C15ULL;

/* The MinHash loop vectorises on x86-64 CPUs with AVX-512 (64-bit multiply), and less
 * well with AVX2; GCC 11 and newer compile a version for each and pick one when the module
 * loads.  Other compilers and machines run the same code built for the baseline. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#define MINYI_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
#ifndef MINYI_CLONES
#define MINYI_CLONES
#endif

static int
check_items(Py_buffer *view, Py_ssize_t itemsize, const char *name)
{
    if (view->itemsize != itemsize || view->len % itemsize != 0) {
        PyErr_Format(PyExc_ValueError, "%s: expected items of %zd bytes", name, itemsize);
        return -1;
    }
    return 0;
}

static int64_t
probe(const int64_t *keys, const int64_t *values, uint64_t mask, int shift, int64_t code)
{
    uint64_t slot = ((uint64_t)code * GOLDEN) >> shift;
    for (;;) {
        const int64_t key = keys[slot];
        if (key == code) {
            return values[slot];
        }
        if (key == -1) {
            return -1;
        }
        slot = (slot + 1) & mask;
    }
}

static PyObject *
lookup(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer keys, values, codes, out;
    int bits;
    if (!PyArg_ParseTuple(args, "y*y*y*w*i", &keys, &values, &codes, &out, &bits)) {
        return NULL;
    }
    PyObject *result = NULL;
    Py_ssize_t size = keys.len / 8, count = codes.len / 8;
    if (check_items(&keys, 8, "keys") || check_items(&values, 8, "values")
        || check_items(&codes, 8, "codes") || check_items(&out, 8, "out")) {
        goto done;
    }
    if (bits < 1 || bits > 62 || size != ((Py_ssize_t)1 << bits) || values.len != keys.len
        || out.len != codes.len) {
        PyErr_SetString(PyExc_ValueError, "lookup: sizes do not match");
        goto done;
    }
    const int64_t *k = keys.buf, *v = values.buf, *c = codes.buf;
    int64_t *o = out.buf;
    const uint64_t mask = (uint64_t)size - 1;
    const int shift = 64 - bits;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i++) {
        o[i] = probe(k, v, mask, shift, c[i]);
    }
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&keys);
    PyBuffer_Release(&values);
    PyBuffer_Release(&codes);
    PyBuffer_Release(&out);
    return result;
}

MINYI_CLONES static void
signatures(const uint64_t *restrict h, const int64_t *restrict s, Py_ssize_t runs, const uint64_t *restrict a,
           const uint64_t *restrict b, Py_ssize_t perms, uint64_t *restrict minimum, uint16_t *restrict out)
{
    for (Py_ssize_t r = 0; r < runs; r++) {
        for (Py_ssize_t j = 0; j < perms; j++) {
            minimum[j] = UINT64_MAX;
        }
        for (int64_t i = s[r]; i < s[r + 1]; i++) {
            const uint64_t x = h[i];
            for (Py_ssize_t j = 0; j < perms; j++) {
                const uint64_t value = x * a[j] + b[j];
                minimum[j] = value < minimum[j] ? value : minimum[j];
            }
        }
        for (Py_ssize_t j = 0; j < perms; j++) {
            out[r * perms + j] = (uint16_t)((minimum[j] >> 16) & 0xFFFF);
        }
    }
}

static PyObject *
minhash(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer hashes, starts, mult, add, out;
    if (!PyArg_ParseTuple(args, "y*y*y*y*w*", &hashes, &starts, &mult, &add, &out)) {
        return NULL;
    }
    PyObject *result = NULL;
    uint64_t *minimum = NULL;
    if (check_items(&hashes, 8, "hashes") || check_items(&starts, 8, "starts")
        || check_items(&mult, 8, "mult") || check_items(&add, 8, "add") || check_items(&out, 2, "out")) {
        goto done;
    }
    Py_ssize_t perms = mult.len / 8, runs = starts.len / 8 - 1, total = hashes.len / 8;
    if (perms < 1 || add.len != mult.len || runs < 0 || out.len != runs * perms * 2) {
        PyErr_SetString(PyExc_ValueError, "minhash: sizes do not match");
        goto done;
    }
    const uint64_t *h = hashes.buf, *a = mult.buf, *b = add.buf;
    const int64_t *s = starts.buf;
    for (Py_ssize_t r = 0; r < runs; r++) {
        if (s[r] < 0 || s[r] >= s[r + 1] || s[r + 1] > total) {
            PyErr_SetString(PyExc_ValueError, "minhash: runs must be non-empty and inside hashes");
            goto done;
        }
    }
    minimum = PyMem_Malloc((size_t)perms * sizeof(uint64_t));
    if (minimum == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    signatures(h, s, runs, a, b, perms, minimum, out.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(minimum);
    PyBuffer_Release(&hashes);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&mult);
    PyBuffer_Release(&add);
    PyBuffer_Release(&out);
    return result;
}

/* Whether the n-gram of code points starting at p is kept: no separator (0) inside; a
 * 1-gram is not a space, a 2-gram not two spaces, a 3-gram has no space in the middle. */
static int
kept_gram(const uint32_t *p, int n)
{
    for (int k = 0; k < n; k++) {
        if (p[k] == 0) {
            return 0;
        }
    }
    if (n == 1) {
        return p[0] != ' ';
    }
    if (n == 2) {
        return p[0] != ' ' || p[1] != ' ';
    }
    return p[1] != ' ';
}

static PyObject *
ngram_lookup(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer points, keys, values, owners, features;
    int n, bits;
    long long offset;
    if (!PyArg_ParseTuple(args, "y*iy*y*iLw*w*", &points, &n, &keys, &values, &bits, &offset, &owners,
                          &features)) {
        return NULL;
    }
    PyObject *result = NULL;
    if (check_items(&points, 4, "points") || check_items(&keys, 8, "keys") || check_items(&values, 8, "values")
        || check_items(&owners, 8, "owners") || check_items(&features, 8, "features")) {
        goto done;
    }
    Py_ssize_t length = points.len / 4, size = keys.len / 8;
    if (n < 1 || n > 3 || bits < 1 || bits > 62 || size != ((Py_ssize_t)1 << bits) || values.len != keys.len
        || owners.len / 8 < length || features.len / 8 < length) {
        PyErr_SetString(PyExc_ValueError, "ngram_lookup: sizes do not match");
        goto done;
    }
    const uint32_t *p = points.buf;
    const int64_t *k = keys.buf, *v = values.buf;
    int64_t *o = owners.buf, *f = features.buf;
    Py_ssize_t found = 0;
    Py_BEGIN_ALLOW_THREADS
    const uint64_t mask = (uint64_t)size - 1;
    const int shift = 64 - bits;
    int64_t owner = 0;
    for (Py_ssize_t i = 0; i + n <= length; i++) {
        if (p[i] == 0) {
            owner++;
        }
        if (!kept_gram(p + i, n)) {
            continue;
        }
        int64_t code = 0;
        for (int j = 0; j < n; j++) {
            code = (code << 21) | (int64_t)p[i + j];
        }
        const int64_t where = probe(k, v, mask, shift, code);
        if (where >= 0) {
            o[found] = owner;
            f[found] = where + offset;
            found++;
        }
    }
    Py_END_ALLOW_THREADS
    result = PyLong_FromSsize_t(found);
done:
    PyBuffer_Release(&points);
    PyBuffer_Release(&keys);
    PyBuffer_Release(&values);
    PyBuffer_Release(&owners);
    PyBuffer_Release(&features);
    return result;
}

/* ---- the issue detector ------------------------------------------------------------ */

/* The Python reference rounds every product and sum: forbid contracting them into FMAs. */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/* The float value of centroid[term], 0.0 when absent; -1 with an exception set on error. */
static int
weight_of(PyObject *centroid, PyObject *term, double *out)
{
    PyObject *found = PyDict_GetItemWithError(centroid, term);
    if (found == NULL) {
        *out = 0.0;
        return PyErr_Occurred() ? -1 : 0;
    }
    *out = PyFloat_AsDouble(found);
    return (*out == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

static PyObject *
gated_dot(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *vector, *centroid, *places;
    if (!PyArg_ParseTuple(args, "O!O!O", &PyDict_Type, &vector, &PyDict_Type, &centroid, &places)) {
        return NULL;
    }
    double dot = 0.0, place = 0.0, own = 0.0;
    Py_ssize_t pos = 0;
    PyObject *term, *value;
    while (PyDict_Next(vector, &pos, &term, &value)) {
        double weight = PyFloat_AsDouble(value), other;
        if ((weight == -1.0 && PyErr_Occurred()) || weight_of(centroid, term, &other) < 0) {
            return NULL;
        }
        const double product = weight * other;
        dot += product;
        const int is_place = PySequence_Contains(places, term);
        if (is_place < 0) {
            return NULL;
        }
        if (is_place) {
            place += product;
            own += weight * weight;
        }
    }
    return Py_BuildValue("(ddd)", dot, place, own);
}

/* Python's weight ** 2 calls the C library's pow(), which rounds x*x differently about once
 * in a thousand; called through a pointer so the compiler cannot turn it into x*x. */
static double (*volatile python_pow)(double, double) = pow;

static double
python_square(double weight)
{
    return weight == 0.0 ? 0.0 : python_pow(weight, 2.0);
}

static PyObject *
square_sum(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *centroid, *terms;
    if (!PyArg_ParseTuple(args, "O!O", &PyDict_Type, &centroid, &terms)) {
        return NULL;
    }
    PyObject *iterator = PyObject_GetIter(terms), *term;
    if (iterator == NULL) {
        return NULL;
    }
    double total = 0.0;
    while ((term = PyIter_Next(iterator)) != NULL) {
        double weight;
        const int failed = weight_of(centroid, term, &weight);
        Py_DECREF(term);
        if (failed) {
            Py_DECREF(iterator);
            return NULL;
        }
        total += python_square(weight);
    }
    Py_DECREF(iterator);
    return PyErr_Occurred() ? NULL : PyFloat_FromDouble(total);
}

/* Partial dot products by issue id: an open-addressing table of (id, sum), with the id
 * objects (borrowed from the postings, alive during the call) and the slots in use. */
typedef struct {
    long long *ids;
    double *sums;
    PyObject **keys;
    size_t *order;
    unsigned char *used;
    size_t mask, count;
} Totals;

static double *
total_slot(Totals *totals, long long id, PyObject *key)
{
    size_t slot = ((uint64_t)id * GOLDEN) & totals->mask;
    while (totals->used[slot] && totals->ids[slot] != id) {
        slot = (slot + 1) & totals->mask;
    }
    if (!totals->used[slot]) {
        totals->used[slot] = 1;
        totals->ids[slot] = id;
        totals->keys[slot] = key;
        totals->sums[slot] = 0.0;
        totals->order[totals->count++] = slot;
    }
    return &totals->sums[slot];
}

typedef struct {
    double key;
    long long id;
} Ranked;

/* Whether a comes before b in heapq.nlargest of (key, id) tuples. */
static int
ranks_before(Ranked a, Ranked b)
{
    return a.key > b.key || (a.key == b.key && a.id > b.id);
}

/* The k best (key, id) of the totals, best first, into best[]; returns how many, -1 on error. */
static Py_ssize_t
rank_totals(Totals *totals, long long exclude, PyObject *active, Py_ssize_t k, Ranked *best)
{
    static PyObject *norm2_name = NULL;
    if (norm2_name == NULL && (norm2_name = PyUnicode_InternFromString("norm2")) == NULL) {
        return -1;
    }
    Py_ssize_t kept = 0;
    for (size_t i = 0; i < totals->count; i++) {
        const size_t slot = totals->order[i];
        if (totals->ids[slot] == exclude) {
            continue;
        }
        PyObject *id = totals->keys[slot];
        PyObject *state = PyDict_GetItemWithError(active, id);
        if (state == NULL) {
            if (!PyErr_Occurred()) {
                PyErr_SetObject(PyExc_KeyError, id);
            }
            return -1;
        }
        PyObject *norm = PyObject_GetAttr(state, norm2_name);
        const double norm2 = norm ? PyFloat_AsDouble(norm) : -1.0;
        Py_XDECREF(norm);
        if (norm2 == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        if (norm2 == 0.0) {
            PyErr_SetString(PyExc_ZeroDivisionError, "float division by zero");
            return -1;
        }
        const double total = totals->sums[slot];
        Ranked item = {total * total / norm2, totals->ids[slot]};
        Py_ssize_t at = kept < k ? kept++ : k;
        while (at > 0 && ranks_before(item, best[at - 1])) {
            if (at < k) {
                best[at] = best[at - 1];
            }
            at--;
        }
        if (at < k) {
            best[at] = item;
        }
    }
    return kept;
}

/* Sum weight * centroid weight over the postings of the first probe_terms terms. */
static int
accumulate(PyObject *vector, Py_ssize_t probe_terms, PyObject *postings, Py_ssize_t limit, Totals *totals)
{
    Py_ssize_t pos = 0, seen = 0;
    PyObject *term, *value;
    while (seen++ < probe_terms && PyDict_Next(vector, &pos, &term, &value)) {
        const double weight = PyFloat_AsDouble(value);
        PyObject *posting = PyDict_GetItemWithError(postings, term);
        if ((weight == -1.0 && PyErr_Occurred()) || (posting == NULL && PyErr_Occurred())) {
            return -1;
        }
        if (posting == NULL || !PyDict_Check(posting) || PyDict_GET_SIZE(posting) == 0
            || PyDict_GET_SIZE(posting) > limit) {
            continue;
        }
        Py_ssize_t inner = 0;
        PyObject *id, *centroid_weight;
        while (PyDict_Next(posting, &inner, &id, &centroid_weight)) {
            const long long key = PyLong_AsLongLong(id);
            const double other = PyFloat_AsDouble(centroid_weight);
            if ((key == -1 || other == -1.0) && PyErr_Occurred()) {
                return -1;
            }
            double *sum = total_slot(totals, key, id);
            *sum = *sum + weight * other;
        }
    }
    return 0;
}

static PyObject *
probe_issues(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *vector, *postings, *exclude, *active;
    Py_ssize_t probe_terms, limit, k;
    if (!PyArg_ParseTuple(args, "O!nO!nOO!n", &PyDict_Type, &vector, &probe_terms, &PyDict_Type, &postings,
                          &limit, &exclude, &PyDict_Type, &active, &k)) {
        return NULL;
    }
    long long excluded = LLONG_MIN;
    if (exclude != Py_None && (excluded = PyLong_AsLongLong(exclude)) == -1 && PyErr_Occurred()) {
        return NULL;
    }
    /* At most limit issues per probed term: a table twice that size never fills. */
    size_t size = 16;
    const Py_ssize_t most = (probe_terms < PyDict_GET_SIZE(vector) ? probe_terms : PyDict_GET_SIZE(vector))
                            * (limit > 0 ? limit : 0);
    while (size < 2 * (size_t)(most > 0 ? most : 0) + 2) {
        size <<= 1;
    }
    Totals totals = {PyMem_Malloc(size * sizeof(long long)), PyMem_Malloc(size * sizeof(double)),
                     PyMem_Malloc(size * sizeof(PyObject *)), PyMem_Malloc(size * sizeof(size_t)),
                     PyMem_Calloc(size, 1), size - 1, 0};
    Ranked *best = PyMem_Malloc((size_t)(k > 0 ? k : 1) * sizeof(Ranked));
    PyObject *result = NULL;
    if (totals.ids == NULL || totals.sums == NULL || totals.keys == NULL || totals.order == NULL
        || totals.used == NULL || best == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (k < 1 || accumulate(vector, probe_terms, postings, limit, &totals) < 0) {
        if (k < 1) {
            PyErr_SetString(PyExc_ValueError, "probe: k must be positive");
        }
        goto done;
    }
    const Py_ssize_t kept = rank_totals(&totals, excluded, active, k, best);
    if (kept < 0 || (result = PyList_New(kept)) == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < kept; i++) {
        PyObject *id = PyLong_FromLongLong(best[i].id);
        if (id == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, id);
    }
done:
    PyMem_Free(totals.ids);
    PyMem_Free(totals.sums);
    PyMem_Free(totals.keys);
    PyMem_Free(totals.order);
    PyMem_Free(totals.used);
    PyMem_Free(best);
    return result;
}

static PyObject *
count_words(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *tokens, *memo, *names, *joined, *counts;
    double weight;
    if (!PyArg_ParseTuple(args, "O!O!O!UdO!", &PyList_Type, &tokens, &PyDict_Type, &memo, &PyList_Type, &names,
                          &joined, &weight, &PyDict_Type, &counts)) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(tokens); i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);
        PyObject *word = PyDict_GetItemWithError(memo, token);
        if (word != NULL) {
            Py_INCREF(word);
        }
        else if (PyErr_Occurred() || (word = PyObject_GetItem(memo, token)) == NULL) {
            return NULL; /* a miss calls the memo's __missing__, as memo[token] does */
        }
        int keep = PyObject_IsTrue(word);
        if (keep > 0 && PyList_GET_SIZE(names) > 0) {
            keep = PySequence_Contains(joined, word);
            keep = keep < 0 ? -1 : !keep;
            for (Py_ssize_t j = 0; keep == 0 && j < PyList_GET_SIZE(names); j++) {
                const int inside = PySequence_Contains(PyList_GET_ITEM(names, j), word);
                keep = inside < 0 ? -1 : (inside ? 2 : 0);
            }
            keep = keep < 0 ? -1 : keep != 2;
        }
        double sum = 0.0;
        PyObject *value = keep > 0 ? PyDict_GetItemWithError(counts, word) : NULL;
        if (keep < 0 || (value == NULL && PyErr_Occurred())) {
            Py_DECREF(word);
            return NULL;
        }
        if (keep > 0 && value != NULL && (sum = PyFloat_AsDouble(value)) == -1.0 && PyErr_Occurred()) {
            Py_DECREF(word);
            return NULL;
        }
        PyObject *total = keep > 0 ? PyFloat_FromDouble(sum + weight) : NULL;
        const int failed = keep > 0 && (total == NULL || PyDict_SetItem(counts, word, total) < 0);
        Py_XDECREF(total);
        Py_DECREF(word);
        if (failed) {
            return NULL;
        }
    }
    Py_RETURN_NONE;
}

typedef struct {
    double weight;
    Py_ssize_t order;
    PyObject *term_id;
} Weighted;

/* heaviest first; equal weights in order of arrival (Python's sort is stable) */
static int
heavier_first(const void *left, const void *right)
{
    const Weighted *a = left, *b = right;
    if (a->weight != b->weight) {
        return a->weight > b->weight ? -1 : 1;
    }
    return a->order < b->order ? -1 : (a->order > b->order);
}

/* The id of term, adding it to the vocabulary when learn; NULL (no error) for an unknown term. */
static PyObject *
term_id_of(PyObject *term, PyObject *index, PyObject *terms, PyObject *df, PyObject *place_ids, int learn)
{
    PyObject *found = PyDict_GetItemWithError(index, term);
    if (found != NULL || PyErr_Occurred() || !learn) {
        Py_XINCREF(found);
        return found;
    }
    PyObject *zero = PyLong_FromLong(0), *id = PyLong_FromSsize_t(PyList_GET_SIZE(terms));
    int failed = zero == NULL || id == NULL || PyDict_SetItem(index, term, id) < 0 || PyList_Append(terms, term) < 0
                 || PyList_Append(df, zero) < 0;
    if (!failed && PyUnicode_GET_LENGTH(term) > 0 && PyUnicode_READ_CHAR(term, 0) == '@') {
        failed = PySet_Add(place_ids, id) < 0;
    }
    Py_XDECREF(zero);
    if (failed) {
        Py_XDECREF(id);
        return NULL;
    }
    return id;
}

/* weights[*kept] = the TF-IDF weight of (term, count); -1 on error. */
static int
weigh_term(PyObject *term, PyObject *count, PyObject *id, PyObject *df, double docs, int learn,
           double place_weight, double admin_weight, Weighted *weighted)
{
    const Py_ssize_t at = PyLong_AsSsize_t(id);
    if (at == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (at < 0 || at >= PyList_GET_SIZE(df)) {
        PyErr_SetString(PyExc_IndexError, "weigh: term id outside df");
        return -1;
    }
    long long frequency = PyLong_AsLongLong(PyList_GET_ITEM(df, at));
    if (frequency == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (learn) {
        PyObject *more = PyLong_FromLongLong(++frequency);
        if (more == NULL || PyList_SetItem(df, at, more) < 0) {
            return -1;
        }
    }
    const double times = PyFloat_AsDouble(count);
    if (times == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    const double idf = log(docs / (double)(1 + frequency)) + 1.0;
    if (PyUnicode_READ_CHAR(term, 0) == '@') {
        weighted->weight = (times >= 1.0 ? place_weight : admin_weight) * idf;
    }
    else {
        weighted->weight = (1.0 + log(times)) * idf;
    }
    return 0;
}

static PyObject *
weigh(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *counts, *index, *terms, *df, *place_ids;
    long long docs;
    int learn;
    double place_weight, admin_weight;
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "O!O!O!O!OLpddn", &PyDict_Type, &counts, &PyDict_Type, &index, &PyList_Type,
                          &terms, &PyList_Type, &df, &place_ids, &docs, &learn, &place_weight, &admin_weight,
                          &limit)) {
        return NULL;
    }
    Weighted *weighted = PyMem_Calloc((size_t)PyDict_GET_SIZE(counts) + 1, sizeof(Weighted));
    if (weighted == NULL) {
        return PyErr_NoMemory();
    }
    Py_ssize_t pos = 0, kept = 0;
    PyObject *term, *count, *result = NULL;
    while (PyDict_Next(counts, &pos, &term, &count)) {
        if (!PyUnicode_Check(term) || PyUnicode_GET_LENGTH(term) == 0) {
            PyErr_SetString(PyExc_TypeError, "weigh: terms must be non-empty strings");
            goto done;
        }
        PyObject *id = term_id_of(term, index, terms, df, place_ids, learn);
        if (id == NULL) {
            if (PyErr_Occurred()) {
                goto done;
            }
            continue;
        }
        weighted[kept].term_id = id;
        weighted[kept].order = kept;
        kept++;
        if (weigh_term(term, count, id, df, (double)docs, learn, place_weight, admin_weight, &weighted[kept - 1])
            < 0) {
            goto done;
        }
    }
    qsort(weighted, (size_t)kept, sizeof(Weighted), heavier_first);
    const Py_ssize_t top = kept < limit ? kept : (limit > 0 ? limit : 0);
    double total = 0.0;
    for (Py_ssize_t i = 0; i < top; i++) {
        total += weighted[i].weight * weighted[i].weight;
    }
    const double norm = sqrt(total);
    if ((result = PyDict_New()) == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; norm != 0.0 && i < top; i++) {
        PyObject *value = PyFloat_FromDouble(weighted[i].weight / norm);
        if (value == NULL || PyDict_SetItem(result, weighted[i].term_id, value) < 0) {
            Py_XDECREF(value);
            Py_CLEAR(result);
            goto done;
        }
        Py_DECREF(value);
    }
done:
    for (Py_ssize_t i = 0; i < kept; i++) {
        Py_DECREF(weighted[i].term_id);
    }
    PyMem_Free(weighted);
    return result;
}

static PyObject *
shingle_set(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *key;
    Py_ssize_t size;
    if (!PyArg_ParseTuple(args, "Un", &key, &size)) {
        return NULL;
    }
    const Py_ssize_t length = PyUnicode_GET_LENGTH(key);
    if (length == 0 || size < 1) {
        return PyBytes_FromStringAndSize(NULL, 0);
    }
    const Py_ssize_t padded = length < size ? size : length, count = padded - size + 1;
    uint64_t *points = PyMem_Calloc((size_t)padded, sizeof(uint64_t));
    uint64_t *hashes = PyMem_Malloc((size_t)count * sizeof(uint64_t));
    if (points == NULL || hashes == NULL) {
        PyMem_Free(points);
        PyMem_Free(hashes);
        return PyErr_NoMemory();
    }
    const int kind = PyUnicode_KIND(key);
    const void *data = PyUnicode_DATA(key);
    for (Py_ssize_t i = 0; i < length; i++) {
        points[i] = PyUnicode_READ(kind, data, i);
    }
    const Py_ssize_t kept = shingle_hashes(points, count, size, hashes);
    PyObject *result = PyBytes_FromStringAndSize((const char *)hashes, kept * (Py_ssize_t)sizeof(uint64_t));
    PyMem_Free(points);
    PyMem_Free(hashes);
    return result;
}

static PyObject *
overlap(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer left, right;
    if (!PyArg_ParseTuple(args, "y*y*", &left, &right)) {
        return NULL;
    }
    PyObject *result = NULL;
    if (check_items(&left, 8, "left") == 0 && check_items(&right, 8, "right") == 0) {
        const uint64_t *a = left.buf, *b = right.buf;
        const Py_ssize_t na = left.len / 8, nb = right.len / 8;
        Py_ssize_t i = 0, j = 0, both = 0;
        while (i < na && j < nb) {
            if (a[i] < b[j]) {
                i++;
            }
            else if (b[j] < a[i]) {
                j++;
            }
            else {
                both++;
                i++;
                j++;
            }
        }
        result = PyLong_FromSsize_t(both);
    }
    PyBuffer_Release(&left);
    PyBuffer_Release(&right);
    return result;
}

static PyObject *
add_into(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *centroid, *places, *place_terms, *changed = NULL, *result = NULL;
    Py_buffer terms, weights;
    if (!PyArg_ParseTuple(args, "O!y*y*OO", &PyDict_Type, &centroid, &terms, &weights, &places, &place_terms)) {
        return NULL;
    }
    if (check_items(&terms, 4, "terms") || check_items(&weights, 4, "weights") || terms.len != weights.len) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_ValueError, "add_into: terms and weights differ in length");
        }
        goto done;
    }
    const int32_t *t = terms.buf;
    const float *w = weights.buf;
    const Py_ssize_t count = terms.len / 4;
    const int has_places = PyObject_IsTrue(places);
    if (has_places < 0 || (changed = PyDict_New()) == NULL) {
        goto done;
    }
    double dot = 0.0, own = 0.0;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *term = PyLong_FromLong(t[i]);
        double old;
        int failed = term == NULL || weight_of(centroid, term, &old) < 0;
        if (!failed && has_places) {
            const int is_place = PySequence_Contains(places, term);
            failed = is_place < 0 || (is_place && PySet_Add(place_terms, term) < 0);
        }
        const double weight = (double)w[i];
        PyObject *value = failed ? NULL : PyFloat_FromDouble(old + weight);
        failed = value == NULL || PyDict_SetItem(centroid, term, value) < 0 || PyDict_SetItem(changed, term, value) < 0;
        Py_XDECREF(value);
        Py_XDECREF(term);
        if (failed) {
            goto done;
        }
        dot += weight * old;
        own += weight * weight;
    }
    result = Py_BuildValue("(ddO)", dot, own, changed);
done:
    Py_XDECREF(changed);
    PyBuffer_Release(&terms);
    PyBuffer_Release(&weights);
    return result;
}

static PyObject *
member_gated(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *centroid, *places, *result = NULL;
    Py_buffer terms, weights;
    int rest;
    if (!PyArg_ParseTuple(args, "y*y*O!Op", &terms, &weights, &PyDict_Type, &centroid, &places, &rest)) {
        return NULL;
    }
    if (check_items(&terms, 4, "terms") || check_items(&weights, 4, "weights") || terms.len != weights.len) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_ValueError, "member_gated: terms and weights differ in length");
        }
        goto done;
    }
    const int32_t *t = terms.buf;
    const float *w = weights.buf;
    const Py_ssize_t count = terms.len / 4;
    double dot = 0.0, place = 0.0, own_places = 0.0, own = 0.0, plain = 0.0;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *term = PyLong_FromLong(t[i]);
        double found;
        if (term == NULL || weight_of(centroid, term, &found) < 0) {
            Py_XDECREF(term);
            goto done;
        }
        const int is_place = PySequence_Contains(places, term);
        Py_DECREF(term);
        if (is_place < 0) {
            goto done;
        }
        const double weight = (double)w[i];
        const double value = found - (rest ? weight : 0.0);
        dot += weight * value;
        if (is_place) {
            place += weight * value;
            own_places += weight * weight;
        }
        own += weight * weight;
        plain += weight * found;
    }
    result = Py_BuildValue("(ddddd)", dot, place, own_places, own, plain);
done:
    PyBuffer_Release(&terms);
    PyBuffer_Release(&weights);
    return result;
}

static PyObject *
postings_index(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *postings, *issue_id, *changed, *term, *weight;
    if (!PyArg_ParseTuple(args, "O!OO!", &PyDict_Type, &postings, &issue_id, &PyDict_Type, &changed)) {
        return NULL;
    }
    Py_ssize_t pos = 0;
    while (PyDict_Next(changed, &pos, &term, &weight)) {
        PyObject *posting = PyDict_GetItemWithError(postings, term);
        if (posting == NULL) {
            if (PyErr_Occurred() || (posting = PyDict_New()) == NULL) {
                return NULL;
            }
            const int failed = PyDict_SetItem(posting, issue_id, weight) < 0
                               || PyDict_SetItem(postings, term, posting) < 0;
            Py_DECREF(posting);
            if (failed) {
                return NULL;
            }
        }
        else if (PyObject_SetItem(posting, issue_id, weight) < 0) {
            return NULL;
        }
    }
    Py_RETURN_NONE;
}

static PyObject *
postings_drop(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *postings, *issue_id, *terms, *term;
    if (!PyArg_ParseTuple(args, "O!OO", &PyDict_Type, &postings, &issue_id, &terms)) {
        return NULL;
    }
    PyObject *iterator = PyObject_GetIter(terms);
    if (iterator == NULL) {
        return NULL;
    }
    while ((term = PyIter_Next(iterator)) != NULL) {
        PyObject *posting = PyDict_GetItemWithError(postings, term);
        int failed = posting == NULL && PyErr_Occurred();
        if (posting != NULL && PyDict_Check(posting)) {
            const int found = PyDict_Contains(posting, issue_id);
            failed = found < 0 || (found && PyDict_DelItem(posting, issue_id) < 0);
            if (!failed && PyDict_GET_SIZE(posting) == 0) {
                failed = PyDict_DelItem(postings, term) < 0;
            }
        }
        Py_DECREF(term);
        if (failed) {
            Py_DECREF(iterator);
            return NULL;
        }
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred()) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"lookup", lookup, METH_VARARGS, "lookup(keys, values, codes, out, bits): open-addressing look-up."},
    {"minhash", minhash, METH_VARARGS, "minhash(hashes, starts, mult, add, out): 16-bit MinHash signatures."},
    {"ngram_lookup", ngram_lookup, METH_VARARGS,
     "ngram_lookup(points, n, keys, values, bits, offset, owners, features) -> number of known n-grams."},
    {"gated_dot", gated_dot, METH_VARARGS, "gated_dot(vector, centroid, places) -> (dot, place, own)."},
    {"square_sum", square_sum, METH_VARARGS, "square_sum(centroid, terms) -> sum of squared weights."},
    {"probe", probe_issues, METH_VARARGS,
     "probe(vector, probe_terms, postings, limit, exclude, active, k) -> best issue ids."},
    {"count_words", count_words, METH_VARARGS,
     "count_words(tokens, memo, names, joined, weight, counts): add the kept words to counts."},
    {"weigh", weigh, METH_VARARGS,
     "weigh(counts, index, terms, df, place_ids, docs, learn, place_weight, admin_weight, limit) -> vector."},
    {"shingle_set", shingle_set, METH_VARARGS, "shingle_set(key, size) -> sorted distinct shingle hashes."},
    {"overlap", overlap, METH_VARARGS, "overlap(left, right) -> values two sorted uint64 arrays share."},
    {"add_into", add_into, METH_VARARGS,
     "add_into(centroid, terms, weights, places, place_terms) -> (dot, own, changed)."},
    {"member_gated", member_gated, METH_VARARGS,
     "member_gated(terms, weights, centroid, places, rest) -> (dot, place, own places, own, plain dot)."},
    {"postings_index", postings_index, METH_VARARGS, "postings_index(postings, issue_id, changed)."},
    {"postings_drop", postings_drop, METH_VARARGS, "postings_drop(postings, issue_id, terms)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "minyi._speedups",
    .m_doc = "Compiled inner loops of the text pipeline (optional).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModule_Create(&module);
}
