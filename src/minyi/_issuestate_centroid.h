/*
 * minyi._issuestate.Centroid, seen from the other sources of the extension: an issue's
 * centroid (term id -> weight) as flat arrays instead of a dict of boxed ints and floats.
 *
 * The entries are kept in insertion order (keys[i], values[i] for i < filled; a removed
 * entry's key is CENTROID_REMOVED), as a dict keeps its items: a term set anew goes last, a
 * weight changed keeps its place.  An open-addressing index (linear probing, at most half
 * full counting removed entries) finds a term's entry.  See _issuestate_centroid.c.
 */
#ifndef MINYI_ISSUESTATE_CENTROID_H
#define MINYI_ISSUESTATE_CENTROID_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#define CENTROID_REMOVED INT32_MIN
#define CENTROID_EMPTY (-1)
#define CENTROID_DUMMY (-2)

typedef struct {
    PyObject_HEAD
    int32_t *keys;
    double *values;
    Py_ssize_t used;   /* live entries */
    Py_ssize_t filled; /* entries written, live or removed */
    Py_ssize_t room;   /* entries allocated */
    int32_t *index;    /* entry position, CENTROID_EMPTY or CENTROID_DUMMY; mask + 1 slots */
    size_t mask;
} CentroidObject;

extern PyTypeObject CentroidType;

#define Centroid_Check(op) Py_IS_TYPE((op), &CentroidType)

static inline size_t
centroid_slot(int32_t key, size_t mask)
{
    return ((size_t)((uint32_t)key * 2654435761u)) & mask;
}

/* The entry holding key, or -1. */
static inline Py_ssize_t
centroid_find(const CentroidObject *self, int32_t key)
{
    if (self->index == NULL) {
        return -1;
    }
    for (size_t slot = centroid_slot(key, self->mask);; slot = (slot + 1) & self->mask) {
        const int32_t at = self->index[slot];
        if (at == CENTROID_EMPTY) {
            return -1;
        }
        if (at >= 0 && self->keys[at] == key) {
            return at;
        }
    }
}

/* centroid[term] (0.0 when absent) of a Centroid for a term given as a Python int: a term
 * outside int32 is absent, as it would be from a dict of int32 terms. -1 on error. */
static inline int
centroid_weight_of(const CentroidObject *self, PyObject *term, double *out)
{
    int overflow;
    const long long key = PyLong_AsLongLongAndOverflow(term, &overflow);
    if (key == -1 && PyErr_Occurred()) {
        return -1;
    }
    *out = 0.0;
    if (overflow || key < INT32_MIN + 1LL || key > INT32_MAX) {
        return 0;
    }
    const Py_ssize_t at = centroid_find(self, (int32_t)key);
    if (at >= 0) {
        *out = self->values[at];
    }
    return 0;
}

static inline double
centroid_weight(const CentroidObject *self, int32_t key)
{
    const Py_ssize_t at = centroid_find(self, key);
    return at >= 0 ? self->values[at] : 0.0;
}

#endif
