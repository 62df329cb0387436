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
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

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

static PyMethodDef methods[] = {
    {"lookup", lookup, METH_VARARGS, "lookup(keys, values, codes, out, bits): open-addressing look-up."},
    {"minhash", minhash, METH_VARARGS, "minhash(hashes, starts, mult, add, out): 16-bit MinHash signatures."},
    {"ngram_lookup", ngram_lookup, METH_VARARGS,
     "ngram_lookup(points, n, keys, values, bits, offset, owners, features) -> number of known n-grams."},
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
