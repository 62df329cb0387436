/*
 * The issue detector's inverted index held in flat arrays (optional; see
 * minyi.issues.detect._postings, whose dict of dicts is the reference).
 *
 * Postings() keeps, for every term id, the live issues whose centroid holds the term, with
 * the term's centroid weight: per term a pair of arrays (int32 issue ids, double weights),
 * and one open-addressing table (term, issue) -> position in the term's arrays, so that
 * updating or removing one weight costs O(1) whatever the posting's length.  A removed
 * entry is replaced by the term's last entry (the order inside a posting is not kept:
 * probe's result does not depend on it, see below).
 *
 *   index(issue_id, changed[, norm2])  changed: dict term id -> new centroid weight
 *   drop(issue_id, terms[, norm2])     forget issue_id under terms (an iterable of term ids)
 *   probe(vector, probe_terms, limit, exclude, active, k) -> the k best issue ids
 *
 * norm2, when given, is the centroid's squared length after the change (None: forget it):
 * probe divides by it; for an issue it was never told, probe reads active[issue].norm2
 * (a Python attribute per candidate issue, most of a probe's time when it is not told).
 *   items() -> [(term, {issue id: weight})], values(), len(), told(issue_id), nbytes()
 *       (for tests and checks)
 *
 * The module also holds Vocabulary (_issuestate_vocabulary.c: the detector's term ids,
 * document frequencies, word counts and weights) and PlaceFinder (_issuestate_places.c: the
 * places a message mentions, what minyi.issues.detect.places finds with regexes).
 *
 * And shared_counts(postings, sketch, max_postings), the candidate count of the near-copy
 * index (minyi.issues.detect._near): the same dict as its Python reference in _fast; and
 * NearIndex (_issuestate_near.c: that whole index, in flat arrays); and the kernels of
 * consolidation and scoring (_issuestate_consolidate.c: unit_centroid, centroid_dots,
 * incoherent, state_scores).
 *
 * probe does what minyi.issues.detect._fast.probe does on the dict of dicts, with the same
 * floating-point operations in the same order: each issue's partial dot product is summed
 * over the vector's terms in the vector's order (whatever the order of the issues inside
 * a posting), and issues are ranked by (dot^2 / norm2, id) as heapq.nlargest ranks the
 * tuples; so both give the same ids.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static const uint64_t GOLDEN = 0x9E3779B97F4A7C15ULL;

int vocabulary_add_type(PyObject *module); /* _issuestate_vocabulary.c: the Vocabulary type */
int places_add_type(PyObject *module);     /* _issuestate_places.c: the PlaceFinder type */
int names_add_type(PyObject *module);      /* _issuestate_names.c: the NameIndex type */
int near_add_type(PyObject *module);       /* _issuestate_near.c: the NearIndex type */
int consolidate_add_functions(PyObject *module); /* _issuestate_consolidate.c: scores, merge, split */
int centroid_add_type(PyObject *module);         /* _issuestate_centroid.c: an issue's centroid */

typedef struct {
    int32_t *ids;
    double *weights;
    int32_t size, capacity;
} Posting;

typedef struct {
    uint64_t *keys; /* (term << 32 | issue) + 1; 0: empty */
    int32_t *where;
    size_t mask, count;
} PairTable;

typedef struct {
    PyObject_HEAD
    Posting *postings; /* by term id */
    Py_ssize_t terms;  /* allocated */
    Py_ssize_t live;   /* terms with a non-empty posting */
    PairTable pairs;
    double *norms; /* by issue id: the centroid's squared length as last told, < 0: not told */
    Py_ssize_t issues;
} PostingsObject;

static uint64_t
pair_key(int32_t term, int32_t issue)
{
    return (((uint64_t)(uint32_t)term << 32) | (uint32_t)issue) + 1;
}

static size_t
pair_slot(const PairTable *table, uint64_t key)
{
    size_t slot = (size_t)((key * GOLDEN) >> 20) & table->mask;
    while (table->keys[slot] != 0 && table->keys[slot] != key) {
        slot = (slot + 1) & table->mask;
    }
    return slot;
}

static int
pair_grow(PairTable *table)
{
    const size_t capacity = table->mask ? 2 * (table->mask + 1) : 1024;
    uint64_t *keys = PyMem_Calloc(capacity, sizeof(uint64_t));
    int32_t *where = PyMem_Malloc(capacity * sizeof(int32_t));
    if (keys == NULL || where == NULL) {
        PyMem_Free(keys);
        PyMem_Free(where);
        PyErr_NoMemory();
        return -1;
    }
    PairTable grown = {keys, where, capacity - 1, table->count};
    for (size_t i = 0; table->mask && i <= table->mask; i++) {
        if (table->keys[i] != 0) {
            const size_t slot = pair_slot(&grown, table->keys[i]);
            keys[slot] = table->keys[i];
            where[slot] = table->where[i];
        }
    }
    PyMem_Free(table->keys);
    PyMem_Free(table->where);
    *table = grown;
    return 0;
}

/* Remove the key in slot (linear probing: shift the following run back, no tombstones). */
static void
pair_delete(PairTable *table, size_t slot)
{
    size_t next = slot;
    for (;;) {
        next = (next + 1) & table->mask;
        const uint64_t key = table->keys[next];
        if (key == 0) {
            break;
        }
        const size_t home = (size_t)((key * GOLDEN) >> 20) & table->mask;
        /* move key back to slot when its home is not in (slot, next] */
        const int between = slot <= next ? (slot < home && home <= next) : (slot < home || home <= next);
        if (!between) {
            table->keys[slot] = key;
            table->where[slot] = table->where[next];
            slot = next;
        }
    }
    table->keys[slot] = 0;
    table->count--;
}

static int
as_int32(PyObject *object, int32_t *out)
{
    const long value = PyLong_AsLong(object);
    if (value == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (value < 0 || value > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "Postings: ids must be in [0, 2**31)");
        return -1;
    }
    *out = (int32_t)value;
    return 0;
}

static Posting *
posting_for(PostingsObject *self, int32_t term)
{
    if (term >= self->terms) {
        Py_ssize_t terms = self->terms ? self->terms : 1024;
        while (terms <= term) {
            terms *= 2;
        }
        Posting *grown = PyMem_Realloc(self->postings, (size_t)terms * sizeof(Posting));
        if (grown == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        memset(grown + self->terms, 0, (size_t)(terms - self->terms) * sizeof(Posting));
        self->postings = grown;
        self->terms = terms;
    }
    return &self->postings[term];
}

static int
set_weight(PostingsObject *self, int32_t term, int32_t issue, double weight)
{
    if (4 * (self->pairs.count + 1) > 3 * (self->pairs.mask + 1) && pair_grow(&self->pairs) < 0) {
        return -1;
    }
    const uint64_t key = pair_key(term, issue);
    const size_t slot = pair_slot(&self->pairs, key);
    Posting *posting = posting_for(self, term);
    if (posting == NULL) {
        return -1;
    }
    if (self->pairs.keys[slot] == key) {
        posting->weights[self->pairs.where[slot]] = weight;
        return 0;
    }
    if (posting->size == posting->capacity) {
        const int32_t capacity = posting->capacity ? 2 * posting->capacity : 2;
        int32_t *ids = PyMem_Realloc(posting->ids, (size_t)capacity * sizeof(int32_t));
        if (ids == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        posting->ids = ids;
        double *weights = PyMem_Realloc(posting->weights, (size_t)capacity * sizeof(double));
        if (weights == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        posting->weights = weights;
        posting->capacity = capacity;
    }
    if (posting->size == 0) {
        self->live++;
    }
    posting->ids[posting->size] = issue;
    posting->weights[posting->size] = weight;
    self->pairs.keys[slot] = key;
    self->pairs.where[slot] = posting->size++;
    self->pairs.count++;
    return 0;
}

static void
drop_one(PostingsObject *self, int32_t term, int32_t issue)
{
    if (term >= self->terms || self->pairs.mask == 0) {
        return;
    }
    const size_t slot = pair_slot(&self->pairs, pair_key(term, issue));
    if (self->pairs.keys[slot] == 0) {
        return;
    }
    Posting *posting = &self->postings[term];
    const int32_t at = self->pairs.where[slot];
    pair_delete(&self->pairs, slot);
    const int32_t last = --posting->size;
    if (at != last) {
        posting->ids[at] = posting->ids[last];
        posting->weights[at] = posting->weights[last];
        self->pairs.where[pair_slot(&self->pairs, pair_key(term, posting->ids[at]))] = at;
    }
    if (posting->size == 0) {
        self->live--;
        PyMem_Free(posting->ids);
        PyMem_Free(posting->weights);
        memset(posting, 0, sizeof(Posting));
    }
    else if (posting->capacity > 8 && 4 * posting->size < posting->capacity) {
        /* Shrink into new buffers (kept as they are if either allocation fails). */
        const int32_t capacity = posting->capacity / 2;
        int32_t *ids = PyMem_Malloc((size_t)capacity * sizeof(int32_t));
        double *weights = PyMem_Malloc((size_t)capacity * sizeof(double));
        if (ids == NULL || weights == NULL) {
            PyMem_Free(ids);
            PyMem_Free(weights);
            return;
        }
        memcpy(ids, posting->ids, (size_t)posting->size * sizeof(int32_t));
        memcpy(weights, posting->weights, (size_t)posting->size * sizeof(double));
        PyMem_Free(posting->ids);
        PyMem_Free(posting->weights);
        posting->ids = ids;
        posting->weights = weights;
        posting->capacity = capacity;
    }
}

/* Remember the squared length of issue's centroid (norm2 < 0: forget it). */
static int
set_norm(PostingsObject *self, int32_t issue, double norm2)
{
    if (issue >= self->issues) {
        Py_ssize_t issues = self->issues ? self->issues : 1024;
        while (issues <= issue) {
            issues *= 2;
        }
        double *grown = PyMem_Realloc(self->norms, (size_t)issues * sizeof(double));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t i = self->issues; i < issues; i++) {
            grown[i] = -1.0;
        }
        self->norms = grown;
        self->issues = issues;
    }
    self->norms[issue] = norm2;
    return 0;
}

/* The norm2 argument: None forgets the issue's norm, a float sets it, absent leaves it. */
static int
take_norm(PostingsObject *self, int32_t issue, PyObject *norm)
{
    if (norm == NULL) {
        return 0;
    }
    const double norm2 = norm == Py_None ? -1.0 : PyFloat_AsDouble(norm);
    if (norm2 == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    return set_norm(self, issue, norm2 < 0.0 ? -1.0 : norm2);
}

static PyObject *
postings_index(PostingsObject *self, PyObject *args)
{
    PyObject *issue_id, *changed, *term, *weight, *norm = NULL;
    int32_t issue;
    if (!PyArg_ParseTuple(args, "OO!|O", &issue_id, &PyDict_Type, &changed, &norm)
        || as_int32(issue_id, &issue) < 0 || take_norm(self, issue, norm) < 0) {
        return NULL;
    }
    Py_ssize_t pos = 0;
    while (PyDict_Next(changed, &pos, &term, &weight)) {
        int32_t term_id;
        const double value = PyFloat_AsDouble(weight);
        if ((value == -1.0 && PyErr_Occurred()) || as_int32(term, &term_id) < 0
            || set_weight(self, term_id, issue, value) < 0) {
            return NULL;
        }
    }
    Py_RETURN_NONE;
}

static PyObject *
postings_drop(PostingsObject *self, PyObject *args)
{
    PyObject *issue_id, *terms, *term, *norm = NULL;
    int32_t issue;
    if (!PyArg_ParseTuple(args, "OO|O", &issue_id, &terms, &norm) || as_int32(issue_id, &issue) < 0
        || take_norm(self, issue, norm) < 0) {
        return NULL;
    }
    PyObject *iterator = PyObject_GetIter(terms);
    if (iterator == NULL) {
        return NULL;
    }
    while ((term = PyIter_Next(iterator)) != NULL) {
        int32_t term_id;
        const int failed = as_int32(term, &term_id);
        Py_DECREF(term);
        if (failed) {
            Py_DECREF(iterator);
            return NULL;
        }
        drop_one(self, term_id, issue);
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred()) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/* Partial dot products by issue id: open addressing, slots in first-seen order. */
typedef struct {
    int32_t *ids;
    double *sums;
    size_t *order;
    size_t mask, count;
} Totals;

static double *
total_slot(Totals *totals, int32_t id)
{
    size_t slot = (size_t)(((uint64_t)(uint32_t)id * GOLDEN) >> 24) & totals->mask;
    while (totals->ids[slot] != -1 && totals->ids[slot] != id) {
        slot = (slot + 1) & totals->mask;
    }
    if (totals->ids[slot] == -1) {
        totals->ids[slot] = id;
        totals->sums[slot] = 0.0;
        totals->order[totals->count++] = slot;
    }
    return &totals->sums[slot];
}

typedef struct {
    double key;
    long long id;
} Ranked;

static int
ranks_before(Ranked a, Ranked b)
{
    return a.key > b.key || (a.key == b.key && a.id > b.id);
}

/* active[issue].norm2, for an issue whose norm the index was not told (-1.0 and an exception on error). */
static double
norm_of(int32_t issue, PyObject *active)
{
    static PyObject *norm2_name = NULL;
    if (norm2_name == NULL && (norm2_name = PyUnicode_InternFromString("norm2")) == NULL) {
        return -1.0;
    }
    PyObject *id = PyLong_FromLong(issue);
    PyObject *state = id ? PyDict_GetItemWithError(active, id) : NULL;
    if (state == NULL) {
        if (id != NULL && !PyErr_Occurred()) {
            PyErr_SetObject(PyExc_KeyError, id);
        }
        Py_XDECREF(id);
        return -1.0;
    }
    Py_DECREF(id);
    PyObject *norm = PyObject_GetAttr(state, norm2_name);
    const double norm2 = norm ? PyFloat_AsDouble(norm) : -1.0;
    Py_XDECREF(norm);
    return norm2;
}

/* The k best (dot^2 / norm2, id), best first, into best[]; returns how many, -1 on error. */
static Py_ssize_t
rank_totals(const PostingsObject *self, const Totals *totals, long long exclude, PyObject *active, Py_ssize_t k,
            Ranked *best)
{
    Py_ssize_t kept = 0;
    for (size_t i = 0; i < totals->count; i++) {
        const size_t slot = totals->order[i];
        const int32_t issue = totals->ids[slot];
        if (issue == exclude) {
            continue;
        }
        double norm2 = issue < self->issues ? self->norms[issue] : -1.0;
        if (norm2 < 0.0 && (norm2 = norm_of(issue, active)) == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        if (norm2 == 0.0) {
            PyErr_SetString(PyExc_ZeroDivisionError, "float division by zero");
            return -1;
        }
        const double total = totals->sums[slot];
        Ranked item = {total * total / norm2, issue};
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

static int
accumulate(PostingsObject *self, PyObject *vector, Py_ssize_t probe_terms, Py_ssize_t limit, Totals *totals)
{
    Py_ssize_t pos = 0, seen = 0;
    PyObject *term, *value;
    while (seen++ < probe_terms && PyDict_Next(vector, &pos, &term, &value)) {
        const double weight = PyFloat_AsDouble(value);
        const long term_id = PyLong_AsLong(term);
        if ((weight == -1.0 || term_id == -1) && PyErr_Occurred()) {
            return -1;
        }
        if (term_id < 0 || term_id >= self->terms) {
            continue;
        }
        const Posting *posting = &self->postings[term_id];
        if (posting->size == 0 || posting->size > limit) {
            continue;
        }
        for (int32_t i = 0; i < posting->size; i++) {
            double *sum = total_slot(totals, posting->ids[i]);
            *sum = *sum + weight * posting->weights[i];
        }
    }
    return 0;
}

static PyObject *
postings_probe(PostingsObject *self, PyObject *args)
{
    PyObject *vector, *exclude, *active, *result = NULL;
    Py_ssize_t probe_terms, limit, k;
    if (!PyArg_ParseTuple(args, "O!nnOO!n", &PyDict_Type, &vector, &probe_terms, &limit, &exclude,
                          &PyDict_Type, &active, &k)) {
        return NULL;
    }
    long long excluded = -1;
    if (exclude != Py_None && (excluded = PyLong_AsLongLong(exclude)) == -1 && PyErr_Occurred()) {
        return NULL;
    }
    /* At most probe_terms postings of at most limit issues each. */
    Py_ssize_t most = 0, seen = 0, pos = 0;
    PyObject *term, *value;
    while (seen++ < probe_terms && PyDict_Next(vector, &pos, &term, &value)) {
        const long term_id = PyLong_AsLong(term);
        if (term_id == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (term_id >= 0 && term_id < self->terms && self->postings[term_id].size <= limit) {
            most += self->postings[term_id].size;
        }
    }
    size_t capacity = 16;
    while (capacity < 2 * (size_t)most + 2) {
        capacity *= 2;
    }
    Totals totals = {PyMem_Malloc(capacity * sizeof(int32_t)), PyMem_Malloc(capacity * sizeof(double)),
                     PyMem_Malloc(capacity * sizeof(size_t)), capacity - 1, 0};
    Ranked *best = PyMem_Malloc((size_t)(k > 0 ? k : 1) * sizeof(Ranked));
    if (totals.ids == NULL || totals.sums == NULL || totals.order == NULL || best == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    memset(totals.ids, 0xff, capacity * sizeof(int32_t));
    if (accumulate(self, vector, probe_terms, limit, &totals) < 0) {
        goto done;
    }
    const Py_ssize_t kept = k > 0 ? rank_totals(self, &totals, excluded, active, k, best) : 0;
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
    PyMem_Free(totals.order);
    PyMem_Free(best);
    return result;
}

/* The posting of term as a dict issue id -> weight (in the order kept). */
static PyObject *
posting_dict(const Posting *posting)
{
    PyObject *found = PyDict_New();
    for (int32_t i = 0; found != NULL && i < posting->size; i++) {
        PyObject *id = PyLong_FromLong(posting->ids[i]);
        PyObject *weight = PyFloat_FromDouble(posting->weights[i]);
        if (id == NULL || weight == NULL || PyDict_SetItem(found, id, weight) < 0) {
            Py_CLEAR(found);
        }
        Py_XDECREF(id);
        Py_XDECREF(weight);
    }
    return found;
}

static PyObject *
postings_items(PostingsObject *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *found = PyList_New(0);
    for (Py_ssize_t term = 0; found != NULL && term < self->terms; term++) {
        if (self->postings[term].size == 0) {
            continue;
        }
        PyObject *posting = posting_dict(&self->postings[term]);
        PyObject *item = posting ? Py_BuildValue("(nN)", term, posting) : NULL;
        if (item == NULL || PyList_Append(found, item) < 0) {
            Py_CLEAR(found);
        }
        Py_XDECREF(item);
    }
    return found;
}

static PyObject *
postings_values(PostingsObject *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *found = PyList_New(0);
    for (Py_ssize_t term = 0; found != NULL && term < self->terms; term++) {
        if (self->postings[term].size == 0) {
            continue;
        }
        PyObject *posting = posting_dict(&self->postings[term]);
        if (posting == NULL || PyList_Append(found, posting) < 0) {
            Py_CLEAR(found);
        }
        Py_XDECREF(posting);
    }
    return found;
}

static PyObject *
postings_nbytes(PostingsObject *self, PyObject *Py_UNUSED(ignored))
{
    size_t total = (size_t)self->terms * sizeof(Posting)
                   + (self->pairs.mask ? (self->pairs.mask + 1) * (sizeof(uint64_t) + sizeof(int32_t)) : 0);
    for (Py_ssize_t term = 0; term < self->terms; term++) {
        total += (size_t)self->postings[term].capacity * (sizeof(int32_t) + sizeof(double));
    }
    return PyLong_FromSize_t(total);
}

static PyObject *
postings_told(PostingsObject *self, PyObject *issue_id)
{
    int32_t issue;
    if (as_int32(issue_id, &issue) < 0) {
        return NULL;
    }
    if (issue >= self->issues || self->norms[issue] < 0.0) {
        Py_RETURN_NONE;
    }
    return PyFloat_FromDouble(self->norms[issue]);
}

static Py_ssize_t
postings_len(PostingsObject *self)
{
    return self->live;
}

static void
postings_dealloc(PostingsObject *self)
{
    for (Py_ssize_t term = 0; term < self->terms; term++) {
        PyMem_Free(self->postings[term].ids);
        PyMem_Free(self->postings[term].weights);
    }
    PyMem_Free(self->postings);
    PyMem_Free(self->pairs.keys);
    PyMem_Free(self->pairs.where);
    PyMem_Free(self->norms);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef postings_methods[] = {
    {"index", (PyCFunction)postings_index, METH_VARARGS,
     "index(issue_id, changed[, norm2]): record new centroid weights (and the centroid's squared length)."},
    {"drop", (PyCFunction)postings_drop, METH_VARARGS,
     "drop(issue_id, terms[, norm2]): forget issue_id under terms (norm2 None: forget its length too)."},
    {"probe", (PyCFunction)postings_probe, METH_VARARGS,
     "probe(vector, probe_terms, limit, exclude, active, k) -> the k best issue ids."},
    {"items", (PyCFunction)postings_items, METH_NOARGS, "items() -> [(term, {issue id: weight})]."},
    {"values", (PyCFunction)postings_values, METH_NOARGS, "values() -> [{issue id: weight}]."},
    {"told", (PyCFunction)postings_told, METH_O, "told(issue_id) -> the squared length last told, or None."},
    {"nbytes", (PyCFunction)postings_nbytes, METH_NOARGS, "nbytes() -> bytes held by the arrays."},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods postings_as_sequence = {
    .sq_length = (lenfunc)postings_len,
};

static PyTypeObject PostingsType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "minyi._issuestate.Postings",
    .tp_basicsize = sizeof(PostingsObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Term id -> live issue id -> centroid weight, in flat arrays.",
    .tp_new = PyType_GenericNew,
    .tp_dealloc = (destructor)postings_dealloc,
    .tp_methods = postings_methods,
    .tp_as_sequence = &postings_as_sequence,
};

/* shared_counts(postings, sketch, max_postings) -> {item: how many sketch values it shares}
 * (minyi.issues.detect._fast.shared_counts: the same dict, keys in the same order). */
static PyObject *
shared_counts(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *postings, *sketch;
    Py_ssize_t max_postings;
    if (!PyArg_ParseTuple(args, "O!O!n", &PyDict_Type, &postings, &PyTuple_Type, &sketch, &max_postings)) {
        return NULL;
    }
    PyObject *shared = PyDict_New();
    for (Py_ssize_t i = 0; shared != NULL && i < PyTuple_GET_SIZE(sketch); i++) {
        PyObject *posting = PyDict_GetItemWithError(postings, PyTuple_GET_ITEM(sketch, i));
        if (posting == NULL) {
            if (PyErr_Occurred()) {
                Py_CLEAR(shared);
            }
            continue;
        }
        if (!PyDict_Check(posting)) {
            PyErr_SetString(PyExc_TypeError, "shared_counts: postings must hold dicts");
            Py_CLEAR(shared);
            break;
        }
        if (PyDict_GET_SIZE(posting) == 0 || PyDict_GET_SIZE(posting) > max_postings) {
            continue;
        }
        Py_ssize_t pos = 0;
        PyObject *other, *ignored;
        while (PyDict_Next(posting, &pos, &other, &ignored)) {
            PyObject *count = PyDict_GetItemWithError(shared, other);
            long value = 0;
            if (count == NULL && PyErr_Occurred()) {
                Py_CLEAR(shared);
                break;
            }
            if (count != NULL && (value = PyLong_AsLong(count)) == -1 && PyErr_Occurred()) {
                Py_CLEAR(shared);
                break;
            }
            PyObject *next = PyLong_FromLong(value + 1);
            if (next == NULL || PyDict_SetItem(shared, other, next) < 0) {
                Py_XDECREF(next);
                Py_CLEAR(shared);
                break;
            }
            Py_DECREF(next);
        }
    }
    return shared;
}

static PyMethodDef module_methods[] = {
    {"shared_counts", shared_counts, METH_VARARGS,
     "shared_counts(postings, sketch, max_postings) -> {item: sketch values shared}."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "minyi._issuestate",
    .m_doc = "The issue detector's inverted index in flat arrays (optional).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC
PyInit__issuestate(void)
{
    if (PyType_Ready(&PostingsType) < 0) {
        return NULL;
    }
    PyObject *found = PyModule_Create(&module);
    if (found == NULL) {
        return NULL;
    }
    Py_INCREF(&PostingsType);
    if (PyModule_AddObject(found, "Postings", (PyObject *)&PostingsType) < 0) {
        Py_DECREF(&PostingsType);
        Py_DECREF(found);
        return NULL;
    }
    if (vocabulary_add_type(found) < 0 || places_add_type(found) < 0 || names_add_type(found) < 0
        || near_add_type(found) < 0 || consolidate_add_functions(found) < 0 || centroid_add_type(found) < 0) {
        Py_DECREF(found);
        return NULL;
    }
    return found;
}
