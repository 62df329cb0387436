/*
 * The issue detector's consolidation and scoring kernels (optional; part of
 * minyi._issuestate).  Each does what a Python function does, on the same dicts, sets and
 * arrays, with the same floating-point operations in the same order, so that both give the
 * same doubles and the detector the same issues; the Python functions stay the reference:
 *
 *   unit_centroid(centroid, limit, norm2) -> dict
 *       minyi.issues.detect.issue.IssueState.unit_centroid: the limit heaviest terms (a stable
 *       sort: equal weights keep the dict's order), times 1 / sqrt(norm2).
 *   centroid_dots(left, right, places) -> (dot, place part)
 *       minyi.issues.detect.consolidate._dots: over the smaller dict (left on a tie), in its order.
 *   incoherent(members, centroid, places, norm2, place_norm2, cores, gate, threshold) -> bool
 *       minyi.issues.detect.consolidate._incoherent: whether some member holding a vector has a
 *       gated score with the rest of the issue below threshold (_gated with rest=True).
 *   state_scores(gate, states, vector, cores, places) -> [float]
 *       minyi.issues.detect.gate.state_score for each state, in order (an IssueState's kept
 *       _place_norm2 and _main read when set, its methods called otherwise).
 *
 * A centroid is a dict (the reference) or a minyi._issuestate.Centroid (flat arrays,
 * _issuestate_centroid.h), read without boxing a term or a weight.
 * The gate (minyi.issues.detect.gate.Gate.score and places.cores_differ) is read from the
 * Gate object's five attributes once a call.
 */
#include "_issuestate_centroid.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

int consolidate_add_functions(PyObject *module);

/* consolidate._TINY and gate.word_cosine's bound */
static const double TINY = 1e-9;
static const double WORD_TINY = 1e-12;

/* Attribute names, interned once (consolidate_add_functions). */
static PyObject *TERMS, *WEIGHTS, *CORES, *NORM2, *CENTROID, *PLACE_NORM2_KEPT, *MAIN_KEPT;

typedef struct {
    double place_mismatch, unplaced, word_min, unplaced_both, other_problem;
} GateParams;

static int
read_double(PyObject *owner, const char *name, double *out)
{
    PyObject *value = PyObject_GetAttrString(owner, name);
    if (value == NULL) {
        return -1;
    }
    *out = PyFloat_AsDouble(value);
    Py_DECREF(value);
    return (*out == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

static int
read_gate(PyObject *gate, GateParams *params)
{
    return (read_double(gate, "place_mismatch", &params->place_mismatch) < 0
            || read_double(gate, "unplaced", &params->unplaced) < 0
            || read_double(gate, "word_min", &params->word_min) < 0
            || read_double(gate, "unplaced_both", &params->unplaced_both) < 0
            || read_double(gate, "other_problem", &params->other_problem) < 0)
               ? -1
               : 0;
}

/* places.cores_differ: 1 differ, 0 not, -1 error.  Both sides are known non-empty. */
static int
cores_differ(PyObject *left, PyObject *right)
{
    PyObject *items = PySequence_List(left);
    if (items == NULL) {
        return -1;
    }
    PyObject *others = PySequence_List(right);
    if (others == NULL) {
        Py_DECREF(items);
        return -1;
    }
    int differ = 1;
    const Py_ssize_t count = PyList_GET_SIZE(items), other_count = PyList_GET_SIZE(others);
    for (Py_ssize_t i = 0; i < count && differ == 1; i++) {
        const int found = PySequence_Contains(right, PyList_GET_ITEM(items, i));
        differ = found < 0 ? -1 : (found ? 0 : 1);
    }
    for (Py_ssize_t i = 0; i < count && differ == 1; i++) {
        PyObject *a = PyList_GET_ITEM(items, i);
        for (Py_ssize_t j = 0; j < other_count && differ == 1; j++) {
            PyObject *b = PyList_GET_ITEM(others, j);
            int found = PySequence_Contains(b, a);
            if (found == 0) {
                found = PySequence_Contains(a, b);
            }
            differ = found < 0 ? -1 : (found ? 0 : 1);
        }
    }
    Py_DECREF(items);
    Py_DECREF(others);
    return differ;
}

/* Gate.score; 0 or -1 with an exception set. */
static int
gate_score(const GateParams *gate, double cosine, double words, PyObject *left, PyObject *right, int merge,
           double *out)
{
    const Py_ssize_t left_size = PyObject_Size(left), right_size = PyObject_Size(right);
    if (left_size < 0 || right_size < 0) {
        return -1;
    }
    if (left_size == 0 && right_size == 0) {
        *out = cosine * gate->unplaced_both;
        return 0;
    }
    if (left_size == 0 || right_size == 0) {
        *out = cosine * gate->unplaced;
        return 0;
    }
    const int differ = cores_differ(left, right);
    if (differ < 0) {
        return -1;
    }
    if (differ) {
        *out = merge ? 0.0 : cosine * gate->place_mismatch;
        return 0;
    }
    *out = words >= gate->word_min ? cosine : words * gate->other_problem;
    return 0;
}

/* Python's max(value, 0.0): the first unless 0.0 is greater (so NaN and -0.0 stay). */
static double
at_least_zero(double value)
{
    return 0.0 > value ? 0.0 : value;
}

/* gate.word_cosine */
static double
word_cosine(double word_dot, double left_norm2, double right_norm2)
{
    if (left_norm2 <= WORD_TINY || right_norm2 <= WORD_TINY) {
        return 0.0;
    }
    return at_least_zero(word_dot) / sqrt(left_norm2 * right_norm2);
}

/* centroid[term] as a double, 0.0 when absent; -1 with an exception set on error. */
static int
weight_of(PyObject *centroid, PyObject *term, double *out)
{
    if (Centroid_Check(centroid)) {
        return centroid_weight_of((CentroidObject *)centroid, term, out);
    }
    PyObject *found = PyDict_GetItemWithError(centroid, term);
    if (found == NULL) {
        *out = 0.0;
        return PyErr_Occurred() ? -1 : 0;
    }
    *out = PyFloat_AsDouble(found);
    return (*out == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

/* Whether centroid is one (a dict, the reference, or a Centroid); else TypeError naming fn. */
static int
check_centroid(PyObject *centroid, const char *fn)
{
    if (PyDict_Check(centroid) || Centroid_Check(centroid)) {
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "%s: a centroid must be a dict or a Centroid", fn);
    return -1;
}

static Py_ssize_t
centroid_size(PyObject *centroid)
{
    return Centroid_Check(centroid) ? ((CentroidObject *)centroid)->used : PyDict_GET_SIZE(centroid);
}

typedef struct {
    double weight;
    Py_ssize_t order;
    PyObject *term; /* borrowed from the dict; NULL for a Centroid's (key) */
    int32_t key;
} Ranked;

static int
heavier_first(const void *left, const void *right)
{
    const Ranked *a = left, *b = right;
    if (a->weight > b->weight) {
        return -1;
    }
    if (a->weight < b->weight) {
        return 1;
    }
    return (a->order > b->order) - (a->order < b->order);
}

/* Put the limit first of ranked[0..n) by heavier_first in front, in that order; returns how
 * many.  For a few of many (the merge pass: 40 of up to 2,000) a sorted run of the best so far
 * that a newcomer enters only when strictly heavier than its last (ties keep the earlier, as
 * the stable sort does); else the whole sort. */
static Py_ssize_t
heaviest(Ranked *ranked, Py_ssize_t n, Py_ssize_t limit)
{
    if (limit == 0) {
        return 0;
    }
    if (limit >= n || limit > 64) {
        qsort(ranked, (size_t)n, sizeof(Ranked), heavier_first);
        return limit < n ? limit : n;
    }
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const Ranked item = ranked[i];
        if (kept == limit && !(item.weight > ranked[kept - 1].weight)) {
            continue;
        }
        Py_ssize_t at = kept < limit ? kept++ : kept - 1; /* the last is dropped when full */
        while (at > 0 && item.weight > ranked[at - 1].weight) {
            ranked[at] = ranked[at - 1];
            at--;
        }
        ranked[at] = item;
    }
    return kept;
}

static PyObject *
unit_centroid(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *centroid;
    Py_ssize_t limit;
    double norm2;
    if (!PyArg_ParseTuple(args, "Ond", &centroid, &limit, &norm2) || check_centroid(centroid, "unit_centroid") < 0) {
        return NULL;
    }
    if (limit < 0) {
        PyErr_SetString(PyExc_ValueError, "unit_centroid: limit must be >= 0");
        return NULL;
    }
    PyObject *result = PyDict_New();
    if (result == NULL || norm2 <= 0.0) {
        return result;
    }
    const double scale = 1.0 / sqrt(norm2);
    const Py_ssize_t count = centroid_size(centroid);
    Ranked *ranked = PyMem_Malloc(sizeof(Ranked) * (size_t)(count > 0 ? count : 1));
    if (ranked == NULL) {
        Py_DECREF(result);
        return PyErr_NoMemory();
    }
    Py_ssize_t pos = 0, n = 0;
    PyObject *term, *value;
    if (Centroid_Check(centroid)) {
        const CentroidObject *flat = (CentroidObject *)centroid;
        for (Py_ssize_t i = 0; i < flat->filled; i++) {
            if (flat->keys[i] != CENTROID_REMOVED) {
                ranked[n] = (Ranked){.weight = flat->values[i], .order = n, .term = NULL, .key = flat->keys[i]};
                n++;
            }
        }
    }
    while (!Centroid_Check(centroid) && PyDict_Next(centroid, &pos, &term, &value)) {
        const double weight = PyFloat_AsDouble(value);
        if (weight == -1.0 && PyErr_Occurred()) {
            goto fail;
        }
        ranked[n] = (Ranked){.weight = weight, .order = n, .term = term, .key = 0};
        n++;
    }
    n = heaviest(ranked, n, limit);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *key = ranked[i].term;
        if (key == NULL) {
            key = PyLong_FromLong(ranked[i].key);
        } else {
            Py_INCREF(key);
        }
        PyObject *scaled = key == NULL ? NULL : PyFloat_FromDouble(ranked[i].weight * scale);
        if (scaled == NULL || PyDict_SetItem(result, key, scaled) < 0) {
            Py_XDECREF(scaled);
            Py_XDECREF(key);
            goto fail;
        }
        Py_DECREF(scaled);
        Py_DECREF(key);
    }
    PyMem_Free(ranked);
    return result;
fail:
    PyMem_Free(ranked);
    Py_DECREF(result);
    return NULL;
}

static PyObject *
centroid_dots(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *left, *right, *places;
    if (!PyArg_ParseTuple(args, "OOO", &left, &right, &places) || check_centroid(left, "centroid_dots") < 0
        || check_centroid(right, "centroid_dots") < 0) {
        return NULL;
    }
    PyObject *small = left, *large = right;
    if (centroid_size(right) < centroid_size(left)) { /* sorted(key=len) is stable */
        small = right;
        large = left;
    }
    double dot = 0.0, place = 0.0;
    if (Centroid_Check(small)) {
        const CentroidObject *flat = (CentroidObject *)small;
        for (Py_ssize_t i = 0; i < flat->filled; i++) {
            if (flat->keys[i] == CENTROID_REMOVED) {
                continue;
            }
            PyObject *term = PyLong_FromLong(flat->keys[i]);
            double other = 0.0;
            if (term == NULL) {
                return NULL;
            }
            if (Centroid_Check(large)) {
                other = centroid_weight((CentroidObject *)large, flat->keys[i]);
            } else if (weight_of(large, term, &other) < 0) {
                Py_DECREF(term);
                return NULL;
            }
            const double product = flat->values[i] * other;
            dot += product;
            const int is_place = PySequence_Contains(places, term);
            Py_DECREF(term);
            if (is_place < 0) {
                return NULL;
            }
            if (is_place) {
                place += product;
            }
        }
        return Py_BuildValue("(dd)", dot, place);
    }
    Py_ssize_t pos = 0;
    PyObject *term, *value;
    while (PyDict_Next(small, &pos, &term, &value)) {
        double other;
        const double weight = PyFloat_AsDouble(value);
        if ((weight == -1.0 && PyErr_Occurred()) || weight_of(large, term, &other) < 0) {
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
        }
    }
    return Py_BuildValue("(dd)", dot, place);
}

/* The gated score of one member against the rest of its issue (consolidate._gated, rest=True).
 * Returns 1 with *score set, 0 for a folded member (no vector), -1 on error. */
static int
member_rest_score(PyObject *member, PyObject *centroid, PyObject *places, double norm2, double part_places,
                  PyObject *part_cores, const GateParams *gate, double *score)
{
    PyObject *terms_obj = PyObject_GetAttr(member, TERMS);
    if (terms_obj == NULL) {
        return -1;
    }
    PyObject *weights_obj = PyObject_GetAttr(member, WEIGHTS);
    if (weights_obj == NULL) {
        Py_DECREF(terms_obj);
        return -1;
    }
    int status = -1;
    PyObject *cores = NULL;
    Py_buffer terms = {0}, weights = {0};
    if (PyObject_GetBuffer(terms_obj, &terms, PyBUF_FORMAT) < 0) {
        terms.obj = NULL;
        goto done;
    }
    if (PyObject_GetBuffer(weights_obj, &weights, PyBUF_FORMAT) < 0) {
        weights.obj = NULL;
        goto done;
    }
    if (terms.itemsize != 4 || weights.itemsize != 4 || terms.format == NULL || weights.format == NULL
        || terms.format[0] != 'i' || weights.format[0] != 'f' || terms.len != weights.len) {
        PyErr_SetString(PyExc_ValueError, "incoherent: a member's terms must be array('i'), its weights "
                                          "array('f') of the same length");
        goto done;
    }
    const Py_ssize_t count = terms.len / 4;
    if (count == 0) { /* folded */
        status = 0;
        goto done;
    }
    const int32_t *t = terms.buf;
    const float *w = weights.buf;
    double dot = 0.0, place = 0.0, own_places = 0.0, own = 0.0, whole = 0.0;
    const int flat = Centroid_Check(centroid);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *term = PyLong_FromLong(t[i]);
        double found = 0.0;
        if (flat && term != NULL) {
            found = centroid_weight((CentroidObject *)centroid, t[i]);
        } else if (term == NULL || weight_of(centroid, term, &found) < 0) {
            Py_XDECREF(term);
            goto done;
        }
        const int is_place = PySequence_Contains(places, term);
        Py_DECREF(term);
        if (is_place < 0) {
            goto done;
        }
        const double weight = (double)w[i];
        const double value = found - weight;
        dot += weight * value;
        if (is_place) {
            place += weight * value;
            own_places += weight * weight;
        }
        own += weight * weight;
        whole += weight * found;
    }
    const double rest = norm2 - (2.0 * whole - own);
    if (rest <= TINY || own <= TINY) {
        *score = 1.0;
        status = 1;
        goto done;
    }
    const double cosine = dot / sqrt(rest * own);
    const double place_norm2 = at_least_zero(part_places - own_places);
    const double words = word_cosine(dot - place, own - own_places, rest - place_norm2);
    cores = PyObject_GetAttr(member, CORES);
    if (cores == NULL || gate_score(gate, cosine, words, cores, part_cores, 0, score) < 0) {
        goto done;
    }
    status = 1;
done:
    if (terms.obj != NULL) {
        PyBuffer_Release(&terms);
    }
    if (weights.obj != NULL) {
        PyBuffer_Release(&weights);
    }
    Py_XDECREF(cores);
    Py_DECREF(terms_obj);
    Py_DECREF(weights_obj);
    return status;
}

static PyObject *
incoherent(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *members, *centroid, *places, *part_cores, *gate_obj;
    double norm2, part_places, threshold;
    if (!PyArg_ParseTuple(args, "O!OOddOOd", &PyList_Type, &members, &centroid, &places, &norm2, &part_places,
                          &part_cores, &gate_obj, &threshold)
        || check_centroid(centroid, "incoherent") < 0) {
        return NULL;
    }
    GateParams gate;
    if (read_gate(gate_obj, &gate) < 0) {
        return NULL;
    }
    /* The list may change under a callback (a core's __eq__): index it afresh each time. */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(members); i++) {
        PyObject *member = PyList_GET_ITEM(members, i);
        Py_INCREF(member);
        double score;
        const int status = member_rest_score(member, centroid, places, norm2, part_places, part_cores, &gate,
                                             &score);
        Py_DECREF(member);
        if (status < 0) {
            return NULL;
        }
        if (status > 0 && score < threshold) {
            Py_RETURN_TRUE;
        }
    }
    Py_RETURN_FALSE;
}

/* A message's vector read once for all the states it is scored against: its terms (strong
 * references), weights and which terms are places, in the dict's order. */
typedef struct {
    PyObject **terms;
    int32_t *keys; /* the terms as a Centroid's keys; CENTROID_REMOVED: none can hold it */
    double *weights;
    char *is_place;
    Py_ssize_t count;
    double own_places; /* the squared length of its place terms, summed in its order */
} Probe;

static void
probe_free(Probe *probe)
{
    for (Py_ssize_t i = 0; i < probe->count; i++) {
        Py_DECREF(probe->terms[i]);
    }
    PyMem_Free(probe->terms);
    PyMem_Free(probe->keys);
    PyMem_Free(probe->weights);
    PyMem_Free(probe->is_place);
}

static int
probe_read(Probe *probe, PyObject *vector, PyObject *places)
{
    const Py_ssize_t size = PyDict_GET_SIZE(vector), room = size > 0 ? size : 1;
    probe->count = 0;
    probe->own_places = 0.0;
    probe->terms = PyMem_Malloc(sizeof(PyObject *) * (size_t)room);
    probe->keys = PyMem_Malloc(sizeof(int32_t) * (size_t)room);
    probe->weights = PyMem_Malloc(sizeof(double) * (size_t)room);
    probe->is_place = PyMem_Malloc((size_t)room);
    if (probe->terms == NULL || probe->keys == NULL || probe->weights == NULL || probe->is_place == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t pos = 0;
    PyObject *term, *value;
    while (probe->count < size && PyDict_Next(vector, &pos, &term, &value)) {
        const double weight = PyFloat_AsDouble(value);
        if (weight == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        const int is_place = PySequence_Contains(places, term);
        if (is_place < 0) {
            return -1;
        }
        int overflow = 0;
        const long long key = PyLong_Check(term) ? PyLong_AsLongLongAndOverflow(term, &overflow) : INT32_MIN;
        if (key == -1 && PyErr_Occurred()) {
            return -1;
        }
        Py_INCREF(term);
        probe->keys[probe->count] = overflow || key <= INT32_MIN || key > INT32_MAX ? CENTROID_REMOVED : (int32_t)key;
        probe->terms[probe->count] = term;
        probe->weights[probe->count] = weight;
        probe->is_place[probe->count] = (char)is_place;
        probe->count++;
        if (is_place) {
            probe->own_places += weight * weight;
        }
    }
    return 0;
}

/* state.<method>() of an IssueState whose method returns the attribute kept when it is not
 * None (place_norm2 -> _place_norm2, main_cores -> _main): the attribute read, the call only
 * when it is None or absent.  A new reference, NULL with an exception set. */
static PyObject *
kept_or_call(PyObject *state, PyObject *kept, const char *method)
{
    PyObject *found = PyObject_GetAttr(state, kept);
    if (found == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
            return NULL;
        }
        PyErr_Clear();
    } else if (found != Py_None) {
        return found;
    } else {
        Py_DECREF(found);
    }
    return PyObject_CallMethod(state, method, NULL);
}

/* gate.state_score of one state (the vector read into probe); 0 or -1 with an exception set. */
static int
state_score(const GateParams *gate, PyObject *state, const Probe *probe, PyObject *cores, double *out)
{
    PyObject *boxed = PyObject_GetAttr(state, NORM2);
    if (boxed == NULL) {
        return -1;
    }
    const double norm2 = PyFloat_AsDouble(boxed);
    Py_DECREF(boxed);
    if (norm2 == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    if (norm2 <= 0.0) {
        *out = 0.0;
        return 0;
    }
    PyObject *centroid = PyObject_GetAttr(state, CENTROID);
    if (centroid == NULL) {
        return -1;
    }
    if (check_centroid(centroid, "state_scores") < 0) {
        Py_DECREF(centroid);
        return -1;
    }
    double dot = 0.0, place = 0.0;
    const int flat = Centroid_Check(centroid);
    for (Py_ssize_t i = 0; i < probe->count; i++) {
        double other = 0.0;
        if (flat) {
            if (probe->keys[i] != CENTROID_REMOVED) {
                other = centroid_weight((CentroidObject *)centroid, probe->keys[i]);
            }
        } else if (weight_of(centroid, probe->terms[i], &other) < 0) {
            Py_DECREF(centroid);
            return -1;
        }
        const double product = probe->weights[i] * other;
        dot += product;
        if (probe->is_place[i]) {
            place += product;
        }
    }
    Py_DECREF(centroid);
    const double cosine = dot / sqrt(norm2);
    PyObject *found = kept_or_call(state, PLACE_NORM2_KEPT, "place_norm2");
    if (found == NULL) {
        return -1;
    }
    const double state_places = PyFloat_AsDouble(found);
    Py_DECREF(found);
    if (state_places == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    const double words = word_cosine(dot - place, 1.0 - probe->own_places, norm2 - state_places);
    PyObject *main = kept_or_call(state, MAIN_KEPT, "main_cores");
    if (main == NULL) {
        return -1;
    }
    const int status = gate_score(gate, cosine, words, cores, main, 0, out);
    Py_DECREF(main);
    return status;
}

static PyObject *
state_scores(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *gate_obj, *states, *vector, *cores, *places;
    if (!PyArg_ParseTuple(args, "OO!O!OO", &gate_obj, &PyList_Type, &states, &PyDict_Type, &vector, &cores,
                          &places)) {
        return NULL;
    }
    GateParams gate;
    if (read_gate(gate_obj, &gate) < 0) {
        return NULL;
    }
    Probe probe;
    PyObject *result = NULL;
    if (probe_read(&probe, vector, places) < 0) {
        goto done;
    }
    const Py_ssize_t count = PyList_GET_SIZE(states);
    result = PyList_New(count);
    if (result == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *state = PyList_GET_ITEM(states, i);
        Py_INCREF(state);
        double score;
        const int status = state_score(&gate, state, &probe, cores, &score);
        Py_DECREF(state);
        PyObject *boxed = status < 0 ? NULL : PyFloat_FromDouble(score);
        if (boxed == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, boxed);
    }
done:
    probe_free(&probe);
    return result;
}

static PyMethodDef consolidate_functions[] = {
    {"unit_centroid", unit_centroid, METH_VARARGS,
     "unit_centroid(centroid, limit, norm2) -> the limit heaviest terms scaled by 1/sqrt(norm2)."},
    {"centroid_dots", centroid_dots, METH_VARARGS,
     "centroid_dots(left, right, places) -> (dot, part of it over place terms)."},
    {"incoherent", incoherent, METH_VARARGS,
     "incoherent(members, centroid, places, norm2, place_norm2, cores, gate, threshold) -> bool."},
    {"state_scores", state_scores, METH_VARARGS,
     "state_scores(gate, states, vector, cores, places) -> [gated score of vector against each]."},
    {NULL, NULL, 0, NULL},
};

int
consolidate_add_functions(PyObject *module)
{
    if ((TERMS == NULL && (TERMS = PyUnicode_InternFromString("terms")) == NULL)
        || (WEIGHTS == NULL && (WEIGHTS = PyUnicode_InternFromString("weights")) == NULL)
        || (CORES == NULL && (CORES = PyUnicode_InternFromString("cores")) == NULL)
        || (NORM2 == NULL && (NORM2 = PyUnicode_InternFromString("norm2")) == NULL)
        || (CENTROID == NULL && (CENTROID = PyUnicode_InternFromString("centroid")) == NULL)
        || (PLACE_NORM2_KEPT == NULL && (PLACE_NORM2_KEPT = PyUnicode_InternFromString("_place_norm2")) == NULL)
        || (MAIN_KEPT == NULL && (MAIN_KEPT = PyUnicode_InternFromString("_main")) == NULL)) {
        return -1;
    }
    return PyModule_AddFunctions(module, consolidate_functions);
}
