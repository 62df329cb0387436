/*
 * The issue detector's near-copy index in flat arrays (optional; see
 * minyi.issues.detect._near, whose NearCopies of dicts is the reference).
 *
 * NearIndex(threshold, window_days, shingle_size, sketch, min_shared, max_postings, max_verify)
 *   add(item_id, key, stamp) -> the id of an earlier near copy of key, or None
 *   remove(item_id) -> whether it was indexed
 *   len(), item_id in index, postings() -> {hash value: [item ids]}, nbytes()  (tests, checks)
 *   NearIndex.key(text) -> minyi.pipeline.dedupe.make_key(text): the characters the regex
 *       [\W_]+ leaves (those Py_UNICODE_ISALNUM, as _sre's Unicode \w tests them, less '_',
 *       which is not alphanumeric), lower-cased by str.lower (in C for ASCII, where it is
 *       A-Z -> a-z), without a regex match object per run of punctuation.
 *
 * add does what NearCopies.add does once the key is long enough, in the same order: forget
 * item_id, note the newest stamp, forget the items older than the window, hash the key's
 * shingles (the sorted distinct hashes of _speedups.shingle_set), take the exact copy of the
 * key if one is indexed, else search: count, over the postings of the item's sketch (its
 * smallest hashes) holding 1 to max_postings items, the sketch values each earlier item
 * shares, in the order the items are first met; keep those sharing at least min_shared
 * (fewer when the sketch is shorter), rank them by (more shared, newer) keeping the order
 * first met among equals (as Python's stable sort does), and verify the first max_verify:
 * within the window and with a Jaccard similarity of the hash sets at least threshold (the
 * same double division). Then index the item: exact key, its sketch values (appended to
 * each posting, so a posting lists its items in the order they came, as the reference's
 * dicts do), and its expiry.
 *
 * Items live in slots (int32), reused once freed; a posting is a hash value -> array of
 * slots in an open-addressing table; expiry is a heap of (stamp, slot, generation), a
 * stale entry (the slot freed since) skipped. Two dicts map the item ids and the exact keys
 * (Python str) to slots. Per add, the counts of shared values sit in per-slot arrays marked
 * with the call's number, not in a dict.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "_shingles.h"

static const uint64_t NEAR_GOLDEN = 0x9E3779B97F4A7C15ULL; /* the table's multiplicative hash */

int near_add_type(PyObject *module);

static const double NEAR_DAY = 86400.0;

typedef struct {
    PyObject *id;     /* the item's id (str); NULL: a free slot */
    PyObject *key;    /* its key (str) */
    uint64_t *hashes; /* sorted distinct shingle hashes; the first `sketch` are indexed */
    int32_t count;
    uint32_t generation; /* bumped when the slot is freed */
    double stamp;
} Item;

typedef struct {
    uint64_t value;
    int32_t *slots; /* NULL: an empty table slot */
    int32_t size, capacity;
} Posting;

typedef struct {
    double stamp;
    int32_t slot;
    uint32_t generation;
} Due;

typedef struct {
    int32_t slot, shared, order;
    double stamp;
} Ranked;

typedef struct {
    PyObject_HEAD
    double threshold, window, newest;
    Py_ssize_t shingle, sketch, min_shared, max_postings, max_verify;
    Item *items;
    int32_t capacity, used, live; /* slots allocated, ever used, holding an item */
    int32_t *free_slots, free_count;
    uint32_t *marks, call; /* per slot: the add that last counted it */
    int32_t *shared;       /* per slot: sketch values shared in that add */
    int32_t *met;          /* slots in the order first met */
    Posting *table;
    size_t mask, filled;
    Due *heap;
    size_t due, due_capacity;
    PyObject *where; /* item id -> slot */
    PyObject *exact; /* key -> slot of the item last indexed with it */
} NearObject;

/* --- the shingle hashes (as _speedups.shingle_set) ----------------------------------------- */

/* The sorted distinct hashes of key's size-grams (a key shorter than size padded with 0s). */
static uint64_t *
shingles(PyObject *key, Py_ssize_t size, int32_t *count)
{
    const Py_ssize_t length = PyUnicode_GET_LENGTH(key);
    const Py_ssize_t padded = length < size ? size : length, total = length == 0 ? 0 : padded - size + 1;
    uint64_t *points = PyMem_Calloc((size_t)padded + 1, sizeof(uint64_t));
    uint64_t *hashes = PyMem_Malloc(((size_t)total + 1) * sizeof(uint64_t));
    if (points == NULL || hashes == NULL) {
        PyMem_Free(points);
        PyMem_Free(hashes);
        PyErr_NoMemory();
        return NULL;
    }
    const int kind = PyUnicode_KIND(key);
    const void *data = PyUnicode_DATA(key);
    for (Py_ssize_t i = 0; i < length; i++) {
        points[i] = PyUnicode_READ(kind, data, i);
    }
    const int32_t kept = (int32_t)shingle_hashes(points, total, size, hashes);
    PyMem_Free(points);
    *count = kept;
    return hashes;
}

static int32_t
overlap_u64(const uint64_t *a, int32_t na, const uint64_t *b, int32_t nb)
{
    int32_t i = 0, j = 0, both = 0;
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
    return both;
}

static int32_t
sketch_of(const NearObject *self, const Item *item)
{
    return item->count < self->sketch ? item->count : (int32_t)self->sketch;
}

/* --- postings: hash value -> slots, linear probing ------------------------------------------ */

static size_t
home_of(const NearObject *self, uint64_t value)
{
    return (size_t)((value * NEAR_GOLDEN) >> 32) & self->mask;
}

static size_t
table_find(const NearObject *self, uint64_t value)
{
    size_t at = home_of(self, value);
    while (self->table[at].slots != NULL && self->table[at].value != value) {
        at = (at + 1) & self->mask;
    }
    return at;
}

static int
table_grow(NearObject *self)
{
    const size_t capacity = self->table != NULL ? 2 * (self->mask + 1) : 1024;
    Posting *old = self->table;
    const size_t old_size = old != NULL ? self->mask + 1 : 0;
    Posting *grown = PyMem_Calloc(capacity, sizeof(Posting));
    if (grown == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->table = grown;
    self->mask = capacity - 1;
    for (size_t i = 0; i < old_size; i++) {
        if (old[i].slots != NULL) {
            grown[table_find(self, old[i].value)] = old[i];
        }
    }
    PyMem_Free(old);
    return 0;
}

/* Remove the posting at `at` (shift the following run back, no tombstones). */
static void
table_delete(NearObject *self, size_t at)
{
    size_t next = at;
    PyMem_Free(self->table[at].slots);
    for (;;) {
        next = (next + 1) & self->mask;
        if (self->table[next].slots == NULL) {
            break;
        }
        const size_t home = home_of(self, self->table[next].value);
        const int between = at <= next ? (at < home && home <= next) : (at < home || home <= next);
        if (!between) {
            self->table[at] = self->table[next];
            at = next;
        }
    }
    self->table[at].slots = NULL;
    self->table[at].size = self->table[at].capacity = 0;
    self->filled--;
}

static int
posting_append(NearObject *self, uint64_t value, int32_t slot)
{
    if (self->table == NULL || 3 * (self->filled + 1) > 2 * (self->mask + 1)) {
        if (table_grow(self) < 0) {
            return -1;
        }
    }
    Posting *posting = &self->table[table_find(self, value)];
    if (posting->slots == NULL) {
        if ((posting->slots = PyMem_Malloc(2 * sizeof(int32_t))) == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        posting->value = value;
        posting->capacity = 2;
        posting->size = 0;
        self->filled++;
    }
    else if (posting->size == posting->capacity) {
        int32_t *grown = PyMem_Realloc(posting->slots, 2 * (size_t)posting->capacity * sizeof(int32_t));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        posting->slots = grown;
        posting->capacity *= 2;
    }
    posting->slots[posting->size++] = slot;
    return 0;
}

/* Take slot out of value's posting, keeping the others' order; an emptied posting goes. */
static void
posting_remove(NearObject *self, uint64_t value, int32_t slot)
{
    if (self->table == NULL) {
        return;
    }
    const size_t at = table_find(self, value);
    Posting *posting = &self->table[at];
    for (int32_t i = 0; posting->slots != NULL && i < posting->size; i++) {
        if (posting->slots[i] == slot) {
            memmove(posting->slots + i, posting->slots + i + 1, (size_t)(posting->size - i - 1) * sizeof(int32_t));
            if (--posting->size == 0) {
                table_delete(self, at);
            }
            return;
        }
    }
}

/* --- slots ---------------------------------------------------------------------------------- */

/* Grow *array to capacity elements of size bytes (left as it was on failure). */
static int
grow_array(void **array, size_t capacity, size_t size)
{
    void *grown = PyMem_Realloc(*array, capacity * size);
    if (grown == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *array = grown;
    return 0;
}

static int
slots_grow(NearObject *self)
{
    const size_t old = (size_t)self->capacity, capacity = old ? 2 * old : 256;
    if (capacity > INT32_MAX || grow_array((void **)&self->items, capacity, sizeof(Item)) < 0
        || grow_array((void **)&self->free_slots, capacity, sizeof(int32_t)) < 0
        || grow_array((void **)&self->marks, capacity, sizeof(uint32_t)) < 0
        || grow_array((void **)&self->shared, capacity, sizeof(int32_t)) < 0
        || grow_array((void **)&self->met, capacity, sizeof(int32_t)) < 0) {
        return PyErr_Occurred() ? -1 : (PyErr_NoMemory(), -1);
    }
    memset(self->items + old, 0, (capacity - old) * sizeof(Item));
    memset(self->marks + old, 0, (capacity - old) * sizeof(uint32_t));
    self->capacity = (int32_t)capacity;
    return 0;
}

static int32_t
slot_take(NearObject *self)
{
    if (self->free_count > 0) {
        return self->free_slots[--self->free_count];
    }
    if (self->used == self->capacity && slots_grow(self) < 0) {
        return -1;
    }
    return self->used++;
}

/* Forget the item in slot: its postings, its exact key if it is the one indexed, its id. */
static int
slot_forget(NearObject *self, int32_t slot)
{
    Item *item = &self->items[slot];
    const int32_t sketch = sketch_of(self, item);
    for (int32_t i = 0; i < sketch; i++) {
        posting_remove(self, item->hashes[i], slot);
    }
    PyObject *indexed = PyDict_GetItemWithError(self->exact, item->key);
    int failed = indexed == NULL && PyErr_Occurred();
    if (indexed != NULL && PyLong_AsLong(indexed) == slot) {
        failed = PyDict_DelItem(self->exact, item->key) < 0;
    }
    failed = PyDict_DelItem(self->where, item->id) < 0 || failed;
    Py_CLEAR(item->id);
    Py_CLEAR(item->key);
    PyMem_Free(item->hashes);
    item->hashes = NULL;
    item->generation++;
    self->free_slots[self->free_count++] = slot;
    self->live--;
    return failed ? -1 : 0;
}

/* The slot of item_id, -1 if it is not indexed, -2 on error. */
static int32_t
slot_of(NearObject *self, PyObject *item_id)
{
    PyObject *found = PyDict_GetItemWithError(self->where, item_id);
    if (found == NULL) {
        return PyErr_Occurred() ? -2 : -1;
    }
    return (int32_t)PyLong_AsLong(found);
}

/* --- expiry: a min-heap of (stamp, slot, generation) ---------------------------------------- */

static int
due_push(NearObject *self, Due entry)
{
    if (self->due == self->due_capacity) {
        const size_t capacity = self->due_capacity ? 2 * self->due_capacity : 256;
        Due *grown = PyMem_Realloc(self->heap, capacity * sizeof(Due));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        self->heap = grown;
        self->due_capacity = capacity;
    }
    size_t at = self->due++;
    while (at > 0 && entry.stamp < self->heap[(at - 1) / 2].stamp) {
        self->heap[at] = self->heap[(at - 1) / 2];
        at = (at - 1) / 2;
    }
    self->heap[at] = entry;
    return 0;
}

static Due
due_pop(NearObject *self)
{
    const Due top = self->heap[0], last = self->heap[--self->due];
    size_t at = 0;
    for (;;) {
        size_t child = 2 * at + 1;
        if (child >= self->due) {
            break;
        }
        if (child + 1 < self->due && self->heap[child + 1].stamp < self->heap[child].stamp) {
            child++;
        }
        if (!(self->heap[child].stamp < last.stamp)) {
            break;
        }
        self->heap[at] = self->heap[child];
        at = child;
    }
    if (self->due > 0) {
        self->heap[at] = last;
    }
    return top;
}

/* Forget the items older than the window before the newest stamp (all of them: the order in
 * which they go changes nothing that stays). */
static int
expire(NearObject *self)
{
    const double horizon = self->newest - self->window;
    while (self->due > 0 && self->heap[0].stamp < horizon) {
        const Due entry = due_pop(self);
        const Item *item = &self->items[entry.slot];
        if (item->id != NULL && item->generation == entry.generation && slot_forget(self, entry.slot) < 0) {
            return -1;
        }
    }
    return 0;
}

/* --- search ---------------------------------------------------------------------------------- */

static int
ranks_before(const void *left, const void *right)
{
    const Ranked *a = left, *b = right;
    if (a->shared != b->shared) {
        return a->shared > b->shared ? -1 : 1;
    }
    if (-a->stamp < -b->stamp) {
        return -1;
    }
    if (-b->stamp < -a->stamp) {
        return 1;
    }
    return (a->order > b->order) - (a->order < b->order);
}

/* Count the sketch values each indexed item shares; returns how many items were met. */
static int32_t
count_shared(NearObject *self, const uint64_t *sketch, int32_t length)
{
    if (++self->call == 0) {
        memset(self->marks, 0, (size_t)self->capacity * sizeof(uint32_t));
        self->call = 1;
    }
    int32_t met = 0;
    for (int32_t i = 0; i < length && self->table != NULL; i++) {
        const Posting *posting = &self->table[table_find(self, sketch[i])];
        if (posting->slots == NULL || posting->size > self->max_postings) {
            continue;
        }
        for (int32_t j = 0; j < posting->size; j++) {
            const int32_t slot = posting->slots[j];
            if (self->marks[slot] != self->call) {
                self->marks[slot] = self->call;
                self->shared[slot] = 0;
                self->met[met++] = slot;
            }
            self->shared[slot]++;
        }
    }
    return met;
}

/* The slot of the near copy of (hashes, stamp) among the indexed items; -1 if none, -2 on error. */
static int32_t
search(NearObject *self, const uint64_t *hashes, int32_t count, double stamp)
{
    const int32_t length = count < self->sketch ? count : (int32_t)self->sketch;
    const int32_t met = count_shared(self, hashes, length);
    const Py_ssize_t least = self->min_shared < length ? self->min_shared : length;
    Ranked *ranked = PyMem_Malloc(((size_t)met + 1) * sizeof(Ranked));
    if (ranked == NULL) {
        PyErr_NoMemory();
        return -2;
    }
    int32_t likely = 0;
    for (int32_t i = 0; i < met; i++) {
        const int32_t slot = self->met[i];
        if (self->shared[slot] >= least) {
            ranked[likely] = (Ranked){slot, self->shared[slot], likely, self->items[slot].stamp};
            likely++;
        }
    }
    qsort(ranked, (size_t)likely, sizeof(Ranked), ranks_before);
    int32_t found = -1;
    for (int32_t i = 0; i < likely && i < self->max_verify && found < 0; i++) {
        const Item *item = &self->items[ranked[i].slot];
        if (fabs(item->stamp - stamp) > self->window) {
            continue;
        }
        const int32_t both = overlap_u64(hashes, count, item->hashes, item->count);
        if ((double)both / (double)(count + item->count - both) >= self->threshold) {
            found = ranked[i].slot;
        }
    }
    PyMem_Free(ranked);
    return found;
}

/* --- the type ------------------------------------------------------------------------------- */

static int
near_init(NearObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"threshold", "window_days", "shingle_size", "sketch", "min_shared",
                               "max_postings", "max_verify", NULL};
    double window_days;
    if (self->where != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "NearIndex is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "ddnnnnn", keywords, &self->threshold, &window_days,
                                     &self->shingle, &self->sketch, &self->min_shared, &self->max_postings,
                                     &self->max_verify)) {
        return -1;
    }
    if (self->shingle < 1 || self->sketch < 0 || self->sketch > INT32_MAX || self->max_verify < 0) {
        PyErr_SetString(PyExc_ValueError, "NearIndex: shingle_size ≥ 1, sketch and max_verify ≥ 0");
        return -1;
    }
    self->window = window_days * NEAR_DAY;
    self->newest = -Py_HUGE_VAL;
    self->where = PyDict_New();
    self->exact = PyDict_New();
    return self->where != NULL && self->exact != NULL ? 0 : -1;
}

static int
near_ready(const NearObject *self)
{
    if (self->where == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "NearIndex was not initialised");
        return -1;
    }
    return 0;
}

/* Index the new item in slot (its fields set): exact key, sketch postings, expiry. */
static int
index_item(NearObject *self, int32_t slot)
{
    Item *item = &self->items[slot];
    PyObject *number = PyLong_FromLong(slot);
    int failed = number == NULL || PyDict_SetItem(self->where, item->id, number) < 0
                 || PyDict_SetItem(self->exact, item->key, number) < 0;
    Py_XDECREF(number);
    self->live++;
    const int32_t sketch = sketch_of(self, item);
    for (int32_t i = 0; !failed && i < sketch; i++) {
        failed = posting_append(self, item->hashes[i], slot) < 0;
    }
    return failed || due_push(self, (Due){item->stamp, slot, item->generation}) < 0 ? -1 : 0;
}

/* The id of the exact copy of key, or of the near copy found, or None (a new reference). */
static PyObject *
match_of(NearObject *self, PyObject *key, const uint64_t *hashes, int32_t count, double stamp)
{
    PyObject *exact = PyDict_GetItemWithError(self->exact, key);
    int32_t slot = exact != NULL ? (int32_t)PyLong_AsLong(exact) : -1;
    if (exact == NULL && PyErr_Occurred()) {
        return NULL;
    }
    if (exact == NULL && (slot = search(self, hashes, count, stamp)) == -2) {
        return NULL;
    }
    PyObject *found = slot >= 0 ? self->items[slot].id : Py_None;
    Py_INCREF(found);
    return found;
}

static PyObject *
near_add(NearObject *self, PyObject *args)
{
    PyObject *item_id, *key;
    double stamp;
    if (!PyArg_ParseTuple(args, "UUd", &item_id, &key, &stamp) || near_ready(self) < 0) {
        return NULL;
    }
    const int32_t known = slot_of(self, item_id);
    if (known == -2 || (known >= 0 && slot_forget(self, known) < 0)) {
        return NULL;
    }
    if (stamp > self->newest) {
        self->newest = stamp;
    }
    int32_t count = 0;
    uint64_t *hashes = expire(self) < 0 ? NULL : shingles(key, self->shingle, &count);
    if (hashes == NULL) {
        return NULL;
    }
    PyObject *match = match_of(self, key, hashes, count, stamp);
    const int32_t slot = match == NULL ? -1 : slot_take(self);
    if (slot < 0) {
        PyMem_Free(hashes);
        Py_XDECREF(match);
        return NULL;
    }
    Item *item = &self->items[slot];
    Py_INCREF(item_id);
    Py_INCREF(key);
    item->id = item_id;
    item->key = key;
    item->hashes = hashes;
    item->count = count;
    item->stamp = stamp;
    if (index_item(self, slot) < 0) {
        Py_DECREF(match);
        return NULL;
    }
    return match;
}

static PyObject *
near_key(PyObject *Py_UNUSED(type), PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "NearIndex.key: text must be a str");
        return NULL;
    }
    const Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t kept = 0;
    Py_UCS4 widest = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        const Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISALNUM(ch)) {
            kept++;
            widest = ch > widest ? ch : widest;
        }
    }
    PyObject *key = PyUnicode_New(kept, widest);
    if (key == NULL) {
        return NULL;
    }
    const int into = PyUnicode_KIND(key);
    void *out = PyUnicode_DATA(key);
    for (Py_ssize_t i = 0, at = 0; i < length; i++) {
        const Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISALNUM(ch)) {
            PyUnicode_WRITE(into, out, at++, widest < 128 && ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
        }
    }
    if (widest < 128) {
        return key;
    }
    PyObject *lower = PyObject_CallMethod(key, "lower", NULL);
    Py_DECREF(key);
    return lower;
}

static PyObject *
near_remove(NearObject *self, PyObject *item_id)
{
    if (near_ready(self) < 0) {
        return NULL;
    }
    const int32_t slot = slot_of(self, item_id);
    if (slot == -2 || (slot >= 0 && slot_forget(self, slot) < 0)) {
        return NULL;
    }
    return PyBool_FromLong(slot >= 0);
}

static PyObject *
near_postings(NearObject *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *result = PyDict_New();
    for (size_t i = 0; result != NULL && self->table != NULL && i <= self->mask; i++) {
        const Posting *posting = &self->table[i];
        if (posting->slots == NULL) {
            continue;
        }
        PyObject *ids = PyList_New(posting->size), *value = PyLong_FromUnsignedLongLong(posting->value);
        for (int32_t j = 0; ids != NULL && j < posting->size; j++) {
            PyObject *id = self->items[posting->slots[j]].id;
            Py_INCREF(id);
            PyList_SET_ITEM(ids, j, id);
        }
        if (ids == NULL || value == NULL || PyDict_SetItem(result, value, ids) < 0) {
            Py_CLEAR(result);
        }
        Py_XDECREF(ids);
        Py_XDECREF(value);
    }
    return result;
}

static PyObject *
near_nbytes(NearObject *self, PyObject *Py_UNUSED(ignored))
{
    size_t total = (size_t)self->capacity * (sizeof(Item) + 3 * sizeof(int32_t) + sizeof(uint32_t));
    total += (self->table != NULL ? self->mask + 1 : 0) * sizeof(Posting) + self->due_capacity * sizeof(Due);
    for (int32_t slot = 0; slot < self->used; slot++) {
        total += self->items[slot].hashes != NULL ? (size_t)self->items[slot].count * sizeof(uint64_t) : 0;
    }
    for (size_t i = 0; self->table != NULL && i <= self->mask; i++) {
        total += (size_t)self->table[i].capacity * sizeof(int32_t);
    }
    return PyLong_FromSize_t(total);
}

static Py_ssize_t
near_len(NearObject *self)
{
    return self->live;
}

static int
near_contains(NearObject *self, PyObject *item_id)
{
    if (near_ready(self) < 0) {
        return -1;
    }
    return PyDict_Contains(self->where, item_id);
}

static void
near_dealloc(NearObject *self)
{
    for (int32_t slot = 0; slot < self->used; slot++) {
        Py_XDECREF(self->items[slot].id);
        Py_XDECREF(self->items[slot].key);
        PyMem_Free(self->items[slot].hashes);
    }
    for (size_t i = 0; self->table != NULL && i <= self->mask; i++) {
        PyMem_Free(self->table[i].slots);
    }
    PyMem_Free(self->items);
    PyMem_Free(self->free_slots);
    PyMem_Free(self->marks);
    PyMem_Free(self->shared);
    PyMem_Free(self->met);
    PyMem_Free(self->table);
    PyMem_Free(self->heap);
    Py_XDECREF(self->where);
    Py_XDECREF(self->exact);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef near_methods[] = {
    {"add", (PyCFunction)near_add, METH_VARARGS,
     "add(item_id, key, stamp) -> the id of an earlier near copy of key, or None; then key is indexed."},
    {"remove", (PyCFunction)near_remove, METH_O, "remove(item_id) -> whether it was indexed."},
    {"key", (PyCFunction)near_key, METH_O | METH_STATIC,
     "key(text) -> the comparison key of text (minyi.pipeline.dedupe.make_key)."},
    {"postings", (PyCFunction)near_postings, METH_NOARGS, "postings() -> {hash value: [item ids, in order]}."},
    {"nbytes", (PyCFunction)near_nbytes, METH_NOARGS, "nbytes() -> bytes held by the arrays."},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods near_as_sequence = {
    .sq_length = (lenfunc)near_len,
    .sq_contains = (objobjproc)near_contains,
};

static PyTypeObject NearType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "minyi._issuestate.NearIndex",
    .tp_basicsize = sizeof(NearObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The near-copy index of recent keys (minyi.issues.detect._near.NearCopies), in flat arrays.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)near_init,
    .tp_dealloc = (destructor)near_dealloc,
    .tp_methods = near_methods,
    .tp_as_sequence = &near_as_sequence,
};

int
near_add_type(PyObject *module)
{
    if (PyType_Ready(&NearType) < 0) {
        return -1;
    }
    Py_INCREF(&NearType);
    if (PyModule_AddObject(module, "NearIndex", (PyObject *)&NearType) < 0) {
        Py_DECREF(&NearType);
        return -1;
    }
    return 0;
}
