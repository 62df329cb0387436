/*
 * minyi._issuestate.Centroid: an issue's centroid (term id -> weight, the sum of its members'
 * vectors) in flat arrays: int32 term ids and double weights in insertion order, found through
 * an open-addressing index (_issuestate_centroid.h).  It replaces the dict of boxed ints and
 * floats that IssueState.centroid was (the reference, kept when nothing is compiled): it reads
 * and writes as that dict does (get, [], in, pop, len, keys/values/items and iteration in the
 * dict's order, a term set anew last), so the Python readers are unchanged, and the kernels
 * read its arrays without a boxed object:
 *
 *   add_into(terms, weights, places, place_terms) -> (dot, own, changed)   (_speedups.add_into)
 *   member_gated(terms, weights, places, rest) -> (5 sums)            (_speedups.member_gated)
 *   gated_dot(vector, places) -> (dot, place part, own place norm2)     (_speedups.gated_dot)
 *   square_sum(terms) -> sum of squared weights                         (_speedups.square_sum)
 *
 * each with the floating-point operations of the function named, in its order; and
 * _issuestate_consolidate.c's kernels read it directly.  Terms are int32 (as a member's
 * array('i')); INT32_MIN is refused (it marks a removed entry).
 */
#include "_issuestate_centroid.h"

#include <math.h>
#include <string.h>

int centroid_add_type(PyObject *module);

/* ---- the table ---- */

static int
centroid_key(PyObject *term, int32_t *key)
{
    const long value = PyLong_AsLong(term);
    if (value == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (value <= INT32_MIN || value > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "Centroid: a term id must fit in int32 (and not be its least value)");
        return -1;
    }
    *key = (int32_t)value;
    return 0;
}

/* Compact the live entries to the front (their order kept) in room entries, and index them. */
static int
centroid_rebuild(CentroidObject *self, Py_ssize_t room)
{
    size_t slots = 8;
    while (slots < 2 * (size_t)room) {
        slots <<= 1;
    }
    int32_t *keys = PyMem_Malloc(sizeof(int32_t) * (size_t)room);
    double *values = PyMem_Malloc(sizeof(double) * (size_t)room);
    int32_t *index = PyMem_Malloc(sizeof(int32_t) * slots);
    if (keys == NULL || values == NULL || index == NULL) {
        PyMem_Free(keys);
        PyMem_Free(values);
        PyMem_Free(index);
        PyErr_NoMemory();
        return -1;
    }
    memset(index, 0xff, sizeof(int32_t) * slots); /* CENTROID_EMPTY */
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < self->filled; i++) {
        if (self->keys[i] == CENTROID_REMOVED) {
            continue;
        }
        keys[n] = self->keys[i];
        values[n] = self->values[i];
        size_t slot = centroid_slot(keys[n], slots - 1);
        while (index[slot] != CENTROID_EMPTY) {
            slot = (slot + 1) & (slots - 1);
        }
        index[slot] = (int32_t)n;
        n++;
    }
    PyMem_Free(self->keys);
    PyMem_Free(self->values);
    PyMem_Free(self->index);
    self->keys = keys;
    self->values = values;
    self->index = index;
    self->mask = slots - 1;
    self->room = room;
    self->filled = self->used = n;
    return 0;
}

/* centroid[key] = value: in place when present, else appended (as a dict does). */
static int
centroid_set(CentroidObject *self, int32_t key, double value)
{
    const Py_ssize_t at = centroid_find(self, key);
    if (at >= 0) {
        self->values[at] = value;
        return 0;
    }
    if (self->filled == self->room) {
        /* Twice the room when at least half the entries are live, else compacted in place. */
        const Py_ssize_t room = self->room < 4 ? 4 : (2 * self->used >= self->room ? 2 * self->room : self->room);
        if (room > INT32_MAX / 2) {
            PyErr_SetString(PyExc_OverflowError, "Centroid: too many terms");
            return -1;
        }
        if (centroid_rebuild(self, room) < 0) {
            return -1;
        }
    }
    const Py_ssize_t n = self->filled++;
    self->keys[n] = key;
    self->values[n] = value;
    size_t slot = centroid_slot(key, self->mask);
    while (self->index[slot] >= 0) { /* a dummy slot may be taken again */
        slot = (slot + 1) & self->mask;
    }
    self->index[slot] = (int32_t)n;
    self->used++;
    return 0;
}

/* Remove key's entry; 1 removed (its weight in *old), 0 absent. */
static int
centroid_remove(CentroidObject *self, int32_t key, double *old)
{
    if (self->index == NULL) {
        return 0;
    }
    for (size_t slot = centroid_slot(key, self->mask);; slot = (slot + 1) & self->mask) {
        const int32_t at = self->index[slot];
        if (at == CENTROID_EMPTY) {
            return 0;
        }
        if (at >= 0 && self->keys[at] == key) {
            *old = self->values[at];
            self->keys[at] = CENTROID_REMOVED;
            self->index[slot] = CENTROID_DUMMY;
            self->used--;
            return 1;
        }
    }
}

/* ---- the Python type ---- */

static int
centroid_update(CentroidObject *self, PyObject *items)
{
    if (PyDict_Check(items) || Centroid_Check(items)) {
        PyObject *pairs = PyMapping_Items(items);
        if (pairs == NULL) {
            return -1;
        }
        const int status = centroid_update(self, pairs);
        Py_DECREF(pairs);
        return status;
    }
    PyObject *iterator = PyObject_GetIter(items), *pair;
    if (iterator == NULL) {
        return -1;
    }
    while ((pair = PyIter_Next(iterator)) != NULL) {
        PyObject *fast = PySequence_Fast(pair, "Centroid: each item must be a (term, weight) pair");
        Py_DECREF(pair);
        if (fast == NULL) {
            break;
        }
        int32_t key;
        double value = -1.0;
        int failed = PySequence_Fast_GET_SIZE(fast) != 2;
        if (failed) {
            PyErr_SetString(PyExc_ValueError, "Centroid: each item must be a (term, weight) pair");
        }
        failed = failed || centroid_key(PySequence_Fast_GET_ITEM(fast, 0), &key) < 0;
        if (!failed) {
            value = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(fast, 1));
            failed = (value == -1.0 && PyErr_Occurred()) || centroid_set(self, key, value) < 0;
        }
        Py_DECREF(fast);
        if (failed) {
            break;
        }
    }
    Py_DECREF(iterator);
    return PyErr_Occurred() ? -1 : 0;
}

static int
Centroid_init(CentroidObject *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"items", NULL};
    PyObject *items = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:Centroid", names, &items)) {
        return -1;
    }
    PyMem_Free(self->keys);
    PyMem_Free(self->values);
    PyMem_Free(self->index);
    self->keys = NULL;
    self->values = NULL;
    self->index = NULL;
    self->used = self->filled = self->room = 0;
    self->mask = 0;
    return items == NULL ? 0 : centroid_update(self, items);
}

static void
Centroid_dealloc(CentroidObject *self)
{
    PyMem_Free(self->keys);
    PyMem_Free(self->values);
    PyMem_Free(self->index);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static Py_ssize_t
Centroid_length(CentroidObject *self)
{
    return self->used;
}

/* The entry of a Python int term, -1 when absent (or not an int32), -2 on error. */
static Py_ssize_t
centroid_entry(CentroidObject *self, PyObject *term)
{
    int overflow;
    const long long key = PyLong_AsLongLongAndOverflow(term, &overflow);
    if (key == -1 && PyErr_Occurred()) {
        return -2;
    }
    if (overflow || key <= INT32_MIN || key > INT32_MAX) {
        return -1;
    }
    return centroid_find(self, (int32_t)key);
}

static PyObject *
Centroid_subscript(CentroidObject *self, PyObject *term)
{
    const Py_ssize_t at = centroid_entry(self, term);
    if (at == -2) {
        return NULL;
    }
    if (at < 0) {
        PyErr_SetObject(PyExc_KeyError, term);
        return NULL;
    }
    return PyFloat_FromDouble(self->values[at]);
}

static int
Centroid_ass_subscript(CentroidObject *self, PyObject *term, PyObject *weight)
{
    int32_t key;
    if (centroid_key(term, &key) < 0) {
        return -1;
    }
    if (weight == NULL) {
        double old;
        if (!centroid_remove(self, key, &old)) {
            PyErr_SetObject(PyExc_KeyError, term);
            return -1;
        }
        return 0;
    }
    const double value = PyFloat_AsDouble(weight);
    if (value == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    return centroid_set(self, key, value);
}

static int
Centroid_contains(CentroidObject *self, PyObject *term)
{
    const Py_ssize_t at = centroid_entry(self, term);
    return at == -2 ? -1 : at >= 0;
}

/* 0: keys, 1: values, 2: (key, value) pairs; a list in the entries' order. */
static PyObject *
centroid_list(CentroidObject *self, int what)
{
    PyObject *result = PyList_New(self->used);
    if (result == NULL) {
        return NULL;
    }
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < self->filled; i++) {
        if (self->keys[i] == CENTROID_REMOVED) {
            continue;
        }
        PyObject *item;
        if (what == 0) {
            item = PyLong_FromLong(self->keys[i]);
        } else if (what == 1) {
            item = PyFloat_FromDouble(self->values[i]);
        } else {
            item = Py_BuildValue("(ld)", (long)self->keys[i], self->values[i]);
        }
        if (item == NULL) {
            Py_DECREF(result);
            return NULL;
        }
        PyList_SET_ITEM(result, n++, item);
    }
    return result;
}

static PyObject *
Centroid_keys(CentroidObject *self, PyObject *Py_UNUSED(ignored))
{
    return centroid_list(self, 0);
}

static PyObject *
Centroid_values(CentroidObject *self, PyObject *Py_UNUSED(ignored))
{
    return centroid_list(self, 1);
}

static PyObject *
Centroid_items(CentroidObject *self, PyObject *Py_UNUSED(ignored))
{
    return centroid_list(self, 2);
}

static PyObject *
Centroid_iter(CentroidObject *self)
{
    PyObject *keys = centroid_list(self, 0);
    if (keys == NULL) {
        return NULL;
    }
    PyObject *iterator = PyObject_GetIter(keys);
    Py_DECREF(keys);
    return iterator;
}

static PyObject *
Centroid_get(CentroidObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "get(term[, default])");
        return NULL;
    }
    const Py_ssize_t at = centroid_entry(self, args[0]);
    if (at == -2) {
        return NULL;
    }
    if (at >= 0) {
        return PyFloat_FromDouble(self->values[at]);
    }
    PyObject *fallback = nargs == 2 ? args[1] : Py_None;
    Py_INCREF(fallback);
    return fallback;
}

static PyObject *
Centroid_pop(CentroidObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "pop(term[, default])");
        return NULL;
    }
    const Py_ssize_t at = centroid_entry(self, args[0]);
    if (at == -2) {
        return NULL;
    }
    if (at >= 0) {
        double old = 0.0;
        centroid_remove(self, self->keys[at], &old);
        return PyFloat_FromDouble(old);
    }
    if (nargs == 2) {
        Py_INCREF(args[1]);
        return args[1];
    }
    PyErr_SetObject(PyExc_KeyError, args[0]);
    return NULL;
}

static PyObject *
Centroid_copy(CentroidObject *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *copy = PyObject_CallOneArg((PyObject *)&CentroidType, (PyObject *)self);
    return copy;
}

static PyObject *
Centroid_reduce(CentroidObject *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *items = centroid_list(self, 2);
    if (items == NULL) {
        return NULL;
    }
    return Py_BuildValue("(O(N))", (PyObject *)Py_TYPE(self), items);
}

static PyObject *
Centroid_sizeof(CentroidObject *self, PyObject *Py_UNUSED(ignored))
{
    const size_t slots = self->index == NULL ? 0 : self->mask + 1;
    return PyLong_FromSize_t(sizeof(CentroidObject) + (size_t)self->room * (sizeof(int32_t) + sizeof(double))
                             + slots * sizeof(int32_t));
}

static PyObject *
centroid_as_dict(PyObject *any)
{
    if (Centroid_Check(any)) {
        PyObject *result = PyDict_New();
        CentroidObject *self = (CentroidObject *)any;
        for (Py_ssize_t i = 0; result != NULL && i < self->filled; i++) {
            if (self->keys[i] == CENTROID_REMOVED) {
                continue;
            }
            PyObject *key = PyLong_FromLong(self->keys[i]), *value = PyFloat_FromDouble(self->values[i]);
            if (key == NULL || value == NULL || PyDict_SetItem(result, key, value) < 0) {
                Py_CLEAR(result);
            }
            Py_XDECREF(key);
            Py_XDECREF(value);
        }
        return result;
    }
    Py_INCREF(any);
    return any;
}

/* Equal to a dict or a Centroid with the same items (as dicts compare: order aside). */
static PyObject *
Centroid_richcompare(PyObject *left, PyObject *right, int op)
{
    if ((op != Py_EQ && op != Py_NE) || !(PyDict_Check(right) || Centroid_Check(right))
        || !(PyDict_Check(left) || Centroid_Check(left))) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    PyObject *a = centroid_as_dict(left), *b = a == NULL ? NULL : centroid_as_dict(right);
    PyObject *result = b == NULL ? NULL : PyObject_RichCompare(a, b, op);
    Py_XDECREF(a);
    Py_XDECREF(b);
    return result;
}

static PyObject *
Centroid_repr(CentroidObject *self)
{
    PyObject *as_dict = centroid_as_dict((PyObject *)self);
    if (as_dict == NULL) {
        return NULL;
    }
    PyObject *result = PyUnicode_FromFormat("Centroid(%R)", as_dict);
    Py_DECREF(as_dict);
    return result;
}

/* ---- the kernels ---- */

/* A member's vector: array('i') terms and array('f') weights of the same length. */
static int
member_buffers(PyObject *terms_obj, PyObject *weights_obj, Py_buffer *terms, Py_buffer *weights, const char *name)
{
    terms->obj = weights->obj = NULL;
    if (PyObject_GetBuffer(terms_obj, terms, PyBUF_FORMAT) < 0) {
        terms->obj = NULL;
        return -1;
    }
    if (PyObject_GetBuffer(weights_obj, weights, PyBUF_FORMAT) < 0) {
        weights->obj = NULL;
        return -1;
    }
    if (terms->itemsize != 4 || weights->itemsize != 4 || terms->format == NULL || weights->format == NULL
        || terms->format[0] != 'i' || weights->format[0] != 'f' || terms->len != weights->len) {
        PyErr_Format(PyExc_ValueError, "%s: terms must be array('i'), weights array('f') of the same length", name);
        return -1;
    }
    return 0;
}

static void
release_buffers(Py_buffer *terms, Py_buffer *weights)
{
    if (terms->obj != NULL) {
        PyBuffer_Release(terms);
    }
    if (weights->obj != NULL) {
        PyBuffer_Release(weights);
    }
}

static PyObject *
Centroid_add_into(CentroidObject *self, PyObject *args)
{
    PyObject *terms_obj, *weights_obj, *places, *place_terms, *changed = NULL, *result = NULL;
    if (!PyArg_ParseTuple(args, "OOOO:add_into", &terms_obj, &weights_obj, &places, &place_terms)) {
        return NULL;
    }
    Py_buffer terms, weights;
    if (member_buffers(terms_obj, weights_obj, &terms, &weights, "add_into") < 0) {
        goto done;
    }
    const int32_t *t = terms.buf;
    const float *w = weights.buf;
    const Py_ssize_t count = terms.len / 4;
    for (Py_ssize_t i = 0; i < count; i++) {
        if (t[i] == CENTROID_REMOVED) {
            PyErr_SetString(PyExc_OverflowError, "add_into: a term id must not be int32's least value");
            goto done;
        }
    }
    const int has_places = PyObject_IsTrue(places);
    if (has_places < 0 || (changed = PyDict_New()) == NULL) {
        goto done;
    }
    double dot = 0.0, own = 0.0;
    for (Py_ssize_t i = 0; i < count; i++) {
        const double old = centroid_weight(self, t[i]);
        PyObject *term = PyLong_FromLong(t[i]);
        int failed = term == NULL;
        if (!failed && has_places) {
            const int is_place = PySequence_Contains(places, term);
            failed = is_place < 0 || (is_place && PySet_Add(place_terms, term) < 0);
        }
        const double weight = (double)w[i];
        PyObject *value = failed ? NULL : PyFloat_FromDouble(old + weight);
        failed = value == NULL || centroid_set(self, t[i], old + weight) < 0 || PyDict_SetItem(changed, term, value) < 0;
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
    release_buffers(&terms, &weights);
    return result;
}

static PyObject *
Centroid_member_gated(CentroidObject *self, PyObject *args)
{
    PyObject *terms_obj, *weights_obj, *places, *result = NULL;
    int rest;
    if (!PyArg_ParseTuple(args, "OOOp:member_gated", &terms_obj, &weights_obj, &places, &rest)) {
        return NULL;
    }
    Py_buffer terms, weights;
    if (member_buffers(terms_obj, weights_obj, &terms, &weights, "member_gated") < 0) {
        goto done;
    }
    const int32_t *t = terms.buf;
    const float *w = weights.buf;
    const Py_ssize_t count = terms.len / 4;
    /* No place can be a member of an empty container: skip the test (most calls). */
    const Py_ssize_t size = PyObject_Size(places);
    if (size < 0) {
        goto done;
    }
    double dot = 0.0, place = 0.0, own_places = 0.0, own = 0.0, plain = 0.0;
    for (Py_ssize_t i = 0; i < count; i++) {
        const double found = centroid_weight(self, t[i]);
        int is_place = 0;
        if (size > 0) {
            PyObject *term = PyLong_FromLong(t[i]);
            is_place = term == NULL ? -1 : PySequence_Contains(places, term);
            Py_XDECREF(term);
            if (is_place < 0) {
                goto done;
            }
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
    release_buffers(&terms, &weights);
    return result;
}

static PyObject *
Centroid_gated_dot(CentroidObject *self, PyObject *args)
{
    PyObject *vector, *places;
    if (!PyArg_ParseTuple(args, "O!O:gated_dot", &PyDict_Type, &vector, &places)) {
        return NULL;
    }
    double dot = 0.0, place = 0.0, own = 0.0;
    Py_ssize_t pos = 0;
    PyObject *term, *value;
    while (PyDict_Next(vector, &pos, &term, &value)) {
        double weight = PyFloat_AsDouble(value), other;
        if ((weight == -1.0 && PyErr_Occurred()) || centroid_weight_of(self, term, &other) < 0) {
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

/* Python's weight ** 2 calls the C library's pow() (see _speedups.c's python_square). */
static double (*volatile python_pow)(double, double) = pow;

static PyObject *
Centroid_square_sum(CentroidObject *self, PyObject *terms)
{
    PyObject *iterator = PyObject_GetIter(terms), *term;
    if (iterator == NULL) {
        return NULL;
    }
    double total = 0.0;
    while ((term = PyIter_Next(iterator)) != NULL) {
        double weight;
        const int failed = centroid_weight_of(self, term, &weight);
        Py_DECREF(term);
        if (failed) {
            Py_DECREF(iterator);
            return NULL;
        }
        total += weight == 0.0 ? 0.0 : python_pow(weight, 2.0);
    }
    Py_DECREF(iterator);
    return PyErr_Occurred() ? NULL : PyFloat_FromDouble(total);
}

static PyMethodDef Centroid_methods[] = {
    {"get", (PyCFunction)(void (*)(void))Centroid_get, METH_FASTCALL, "get(term[, default]) as dict.get."},
    {"pop", (PyCFunction)(void (*)(void))Centroid_pop, METH_FASTCALL, "pop(term[, default]) as dict.pop."},
    {"keys", (PyCFunction)Centroid_keys, METH_NOARGS, "The terms, in order (a list)."},
    {"values", (PyCFunction)Centroid_values, METH_NOARGS, "The weights, in order (a list)."},
    {"items", (PyCFunction)Centroid_items, METH_NOARGS, "(term, weight) pairs, in order (a list)."},
    {"copy", (PyCFunction)Centroid_copy, METH_NOARGS, "A copy."},
    {"__reduce__", (PyCFunction)Centroid_reduce, METH_NOARGS, "Pickle as its items."},
    {"__sizeof__", (PyCFunction)Centroid_sizeof, METH_NOARGS, "Bytes held."},
    {"add_into", (PyCFunction)Centroid_add_into, METH_VARARGS,
     "add_into(terms, weights, places, place_terms) -> (dot, own, changed)."},
    {"member_gated", (PyCFunction)Centroid_member_gated, METH_VARARGS,
     "member_gated(terms, weights, places, rest) -> (dot, place, own places, own, plain dot)."},
    {"gated_dot", (PyCFunction)Centroid_gated_dot, METH_VARARGS,
     "gated_dot(vector, places) -> (dot, place part, own place norm2)."},
    {"square_sum", (PyCFunction)Centroid_square_sum, METH_O, "square_sum(terms) -> sum of squared weights."},
    {NULL, NULL, 0, NULL},
};

static PyMappingMethods Centroid_as_mapping = {
    .mp_length = (lenfunc)Centroid_length,
    .mp_subscript = (binaryfunc)Centroid_subscript,
    .mp_ass_subscript = (objobjargproc)Centroid_ass_subscript,
};

static PySequenceMethods Centroid_as_sequence = {
    .sq_contains = (objobjproc)Centroid_contains,
};

PyTypeObject CentroidType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "minyi._issuestate.Centroid",
    .tp_doc = "Centroid(items=()): an issue's centroid, term id -> weight, in flat arrays (a dict's order).",
    .tp_basicsize = sizeof(CentroidObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Centroid_init,
    .tp_dealloc = (destructor)Centroid_dealloc,
    .tp_as_mapping = &Centroid_as_mapping,
    .tp_as_sequence = &Centroid_as_sequence,
    .tp_iter = (getiterfunc)Centroid_iter,
    .tp_richcompare = Centroid_richcompare,
    .tp_repr = (reprfunc)Centroid_repr,
    .tp_hash = PyObject_HashNotImplemented,
    .tp_methods = Centroid_methods,
};

int
centroid_add_type(PyObject *module)
{
    if (PyType_Ready(&CentroidType) < 0) {
        return -1;
    }
    Py_INCREF(&CentroidType);
    if (PyModule_AddObject(module, "Centroid", (PyObject *)&CentroidType) < 0) {
        Py_DECREF(&CentroidType);
        return -1;
    }
    return 0;
}
