/*
 * minyi._issuestate.Vocabulary: the issue detector's vocabulary, document frequencies and
 * word counts in C (optional; the reference is minyi.issues.detect.features.Featurizer with
 * _fast.count_words and _fast.weigh over Python dicts).
 *
 *   Vocabulary(keep, memo_size, terms, place_ids)
 *       keep: token -> the word kept ("" when dropped), called once per token not yet seen
 *       (at most memo_size tokens are remembered); terms: the list of terms by id (appended
 *       to); place_ids: the set of the ids of place terms ("@" + core; added to).
 *   vector(title_tokens, body_tokens, names, joined, title_weight, places, docs, learn,
 *          place_weight, admin_weight, limit) -> {term id: weight}
 *   df(term) -> the document frequency of term (of term id 0 when term is unknown)
 *   id(term) -> its id or None; len() -> terms
 *
 * vector() is count_words (title tokens at title_weight, then body tokens at 1, a word inside
 * one of names left out), the place terms (places: [(term, count)], a later count of a term
 * replacing an earlier one) and weigh in one call, without a dict of counts: the terms of the
 * message are numbered in the order the reference's dict of counts holds them, so new terms
 * get the ids the reference gives, every sum and weight is the same double (the same
 * additions, log and division in the same order), and the heaviest `limit` are sorted as
 * Python's stable sort sorts them.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int vocabulary_add_type(PyObject *module);

/* Tokens looked ahead: their slots are loaded while the ones before are counted. */
#define AHEAD 4

/* The tokens seen (at most memo_size): looked up for every token of every message. */
typedef struct {
    PyObject *key;   /* str, owned; NULL: empty slot */
    PyObject *word;  /* the kept word (owned), NULL when dropped */
    uint64_t packed; /* a key of 1 to 3 characters, whole (see text_packed); 0 for the others */
    uint32_t hash;   /* the low bits of the key's hash: where it goes, and a quick test */
    int32_t value;   /* the word's id, -1 when not (yet) a term */
} Slot;

typedef struct {
    Slot *slots;
    size_t mask, count;
} Table;

/* The terms (hundreds of thousands at 200k messages, looked up far less often: a word once
 * it is a term is found through its token's slot), kept small. */
typedef struct {
    PyObject *key; /* str, owned; NULL: empty slot */
    uint32_t hash;
    int32_t value; /* the term's id */
} TermSlot;

typedef struct {
    TermSlot *slots;
    size_t mask, count;
} Terms;

typedef struct {
    int32_t id;
    int32_t order;
    double count;
    double weight;
    int place;
} Entry;

typedef struct {
    PyObject_HEAD
    Terms terms;
    Table tokens;
    Py_ssize_t memo_size;
    PyObject *keep;
    PyObject *names; /* list: term by id */
    PyObject *place_ids;
    int64_t *df;
    int32_t *stamp; /* by term id: the call that last counted it */
    int32_t *slot;  /* by term id: its entry in that call */
    Py_ssize_t size, capacity;
    int32_t call;
    Entry *entries;
    Py_ssize_t entries_capacity;
} VocabularyObject;

static int
same_text(PyObject *a, PyObject *b)
{
    if (a == b) {
        return 1;
    }
    const Py_ssize_t length = PyUnicode_GET_LENGTH(a);
    const int kind = PyUnicode_KIND(a);
    return length == PyUnicode_GET_LENGTH(b) && kind == (int)PyUnicode_KIND(b)
           && memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)length * (size_t)kind) == 0;
}

/* The low bits of a str's hash (a str's hash never fails). */
static uint32_t
text_hash(PyObject *text)
{
    return (uint32_t)PyObject_Hash(text);
}

/* A text of 1 to 3 characters as one number, each code point + 1 in 21 bits (so that the
 * number names the text: no code point is 0x1FFFFF, no field of a shorter text is filled); 0
 * for longer and empty texts.  Most tokens and words are that short: the table compares
 * them in the slot, without reading the key it holds (a cache miss on each look-up). */
static uint64_t
text_packed(PyObject *text)
{
    const Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    if (length < 1 || length > 3) {
        return 0;
    }
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    uint64_t packed = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        packed |= ((uint64_t)PyUnicode_READ(kind, data, i) + 1) << (21 * i);
    }
    return packed;
}

/* Start loading the slot where key's look-up begins (a hint: the tokens table is megabytes
 * and each look-up otherwise waits for memory; count_tokens asks a few tokens ahead). */
static void
table_prefetch(const Table *table, PyObject *key)
{
    if (table->slots != NULL && PyUnicode_Check(key)) {
        const uint32_t hash = text_hash(key);
#if defined(__GNUC__) || defined(__clang__)
        __builtin_prefetch(&table->slots[(size_t)((hash * 0x9E3779B97F4A7C15ULL) >> 17) & table->mask]);
#else
        (void)hash;
#endif
    }
}

static Slot *
table_find(const Table *table, PyObject *key, uint32_t hash, uint64_t packed)
{
    size_t at = (size_t)((hash * 0x9E3779B97F4A7C15ULL) >> 17) & table->mask;
    for (;;) {
        Slot *slot = &table->slots[at];
        if (slot->key == NULL
            || (slot->hash == hash && slot->packed == packed && (packed != 0 || same_text(slot->key, key)))) {
            return slot;
        }
        at = (at + 1) & table->mask;
    }
}

/* Room for one more key: the table stays at most two thirds full. */
static int
table_reserve(Table *table)
{
    if (table->slots != NULL && 3 * (table->count + 1) <= 2 * (table->mask + 1)) {
        return 0;
    }
    const size_t capacity = table->slots ? 2 * (table->mask + 1) : 1024;
    Slot *slots = PyMem_Calloc(capacity, sizeof(Slot));
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Table grown = {slots, capacity - 1, table->count};
    for (size_t i = 0; table->slots != NULL && i <= table->mask; i++) {
        if (table->slots[i].key != NULL) {
            const Slot *old = &table->slots[i];
            *table_find(&grown, old->key, old->hash, old->packed) = *old;
        }
    }
    PyMem_Free(table->slots);
    *table = grown;
    return 0;
}

static TermSlot *
terms_find(const Terms *table, PyObject *key, uint32_t hash)
{
    size_t at = (size_t)((hash * 0x9E3779B97F4A7C15ULL) >> 17) & table->mask;
    for (;;) {
        TermSlot *slot = &table->slots[at];
        if (slot->key == NULL || (slot->hash == hash && same_text(slot->key, key))) {
            return slot;
        }
        at = (at + 1) & table->mask;
    }
}

/* Room for one more term: the table stays at most two thirds full. */
static int
terms_reserve(Terms *table)
{
    if (table->slots != NULL && 3 * (table->count + 1) <= 2 * (table->mask + 1)) {
        return 0;
    }
    const size_t capacity = table->slots ? 2 * (table->mask + 1) : 1024;
    TermSlot *slots = PyMem_Calloc(capacity, sizeof(TermSlot));
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Terms grown = {slots, capacity - 1, table->count};
    for (size_t i = 0; table->slots != NULL && i <= table->mask; i++) {
        if (table->slots[i].key != NULL) {
            *terms_find(&grown, table->slots[i].key, table->slots[i].hash) = table->slots[i];
        }
    }
    PyMem_Free(table->slots);
    *table = grown;
    return 0;
}

static void
terms_clear(Terms *table)
{
    for (size_t i = 0; table->slots != NULL && i <= table->mask; i++) {
        Py_XDECREF(table->slots[i].key);
    }
    PyMem_Free(table->slots);
    table->slots = NULL;
    table->mask = table->count = 0;
}

static void
table_clear(Table *table)
{
    for (size_t i = 0; table->slots != NULL && i <= table->mask; i++) {
        Py_XDECREF(table->slots[i].key);
        Py_XDECREF(table->slots[i].word);
    }
    PyMem_Free(table->slots);
    table->slots = NULL;
    table->mask = table->count = 0;
}

static int
grow_terms(VocabularyObject *self)
{
    if (self->size < self->capacity) {
        return 0;
    }
    const Py_ssize_t capacity = self->capacity ? 2 * self->capacity : 4096;
    int64_t *df = PyMem_Realloc(self->df, (size_t)capacity * sizeof(int64_t));
    if (df != NULL) {
        self->df = df;
    }
    int32_t *stamp = df ? PyMem_Realloc(self->stamp, (size_t)capacity * sizeof(int32_t)) : NULL;
    if (stamp != NULL) {
        self->stamp = stamp;
    }
    int32_t *slot = stamp ? PyMem_Realloc(self->slot, (size_t)capacity * sizeof(int32_t)) : NULL;
    if (slot == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->slot = slot;
    memset(self->stamp + self->capacity, 0, (size_t)(capacity - self->capacity) * sizeof(int32_t));
    self->capacity = capacity;
    return 0;
}

/* The id of term (hash: its hash); a new id when learn, else -1 for an unknown term; -2 on error. */
static int32_t
term_id(VocabularyObject *self, PyObject *term, uint32_t hash, int learn)
{
    if (terms_reserve(&self->terms) < 0) {
        return -2;
    }
    TermSlot *slot = terms_find(&self->terms, term, hash);
    if (slot->key != NULL || !learn) {
        return slot->key != NULL ? slot->value : -1;
    }
    if (self->size >= INT32_MAX || grow_terms(self) < 0 || PyList_Append(self->names, term) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_OverflowError, "Vocabulary: too many terms");
        }
        return -2;
    }
    const int32_t id = (int32_t)self->size++;
    self->df[id] = 0;
    Py_INCREF(term);
    *slot = (TermSlot){term, hash, id};
    self->terms.count++;
    if (PyUnicode_GET_LENGTH(term) > 0 && PyUnicode_READ_CHAR(term, 0) == '@') {
        PyObject *number = PyLong_FromLong(id);
        const int failed = number == NULL || PySet_Add(self->place_ids, number) < 0;
        Py_XDECREF(number);
        if (failed) {
            return -2;
        }
    }
    return id;
}

/* The kept word of token (a new reference, NULL with no error when dropped) and its id in *id
 * (-1: not a term yet; a word gets its id when counted, as the reference numbers the terms of
 * its dict of counts).  Returns -1 on error. */
static int
token_word(VocabularyObject *self, PyObject *token, PyObject **word, int32_t *id)
{
    const uint32_t hash = text_hash(token);
    if (table_reserve(&self->tokens) < 0) {
        return -1;
    }
    const uint64_t packed = text_packed(token);
    Slot *slot = table_find(&self->tokens, token, hash, packed);
    if (slot->key != NULL) {
        *word = slot->word;
        Py_XINCREF(*word);
        if (*word != NULL && slot->value < 0) {
            const int32_t found = term_id(self, *word, text_hash(*word), 0);
            if (found == -2) {
                Py_CLEAR(*word);
                return -1;
            }
            slot->value = found;
        }
        *id = slot->value;
        return 0;
    }
    PyObject *kept = PyObject_CallOneArg(self->keep, token);
    if (kept == NULL) {
        return -1;
    }
    if (!PyUnicode_Check(kept)) {
        Py_DECREF(kept);
        PyErr_SetString(PyExc_TypeError, "Vocabulary: keep must return a str");
        return -1;
    }
    if (PyUnicode_GET_LENGTH(kept) == 0) {
        Py_CLEAR(kept);
    }
    const int32_t found = kept != NULL ? term_id(self, kept, text_hash(kept), 0) : -1;
    if (found == -2) {
        Py_XDECREF(kept);
        return -1;
    }
    if ((Py_ssize_t)self->tokens.count < self->memo_size) {
        Py_INCREF(token);
        Py_XINCREF(kept);
        *slot = (Slot){token, kept, packed, hash, found};
        self->tokens.count++;
    }
    *word = kept;
    *id = found;
    return 0;
}

static int
reserve_entries(VocabularyObject *self, Py_ssize_t count)
{
    if (count <= self->entries_capacity) {
        return 0;
    }
    const Py_ssize_t capacity = count < 256 ? 256 : 2 * count;
    Entry *entries = PyMem_Realloc(self->entries, (size_t)capacity * sizeof(Entry));
    if (entries == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->entries = entries;
    self->entries_capacity = capacity;
    return 0;
}

/* Count id: add weight (add) or set its count to weight; *kept: entries so far. */
static void
count_term(VocabularyObject *self, int32_t id, double weight, int add, int place, Py_ssize_t *kept)
{
    if (self->stamp[id] == self->call) {
        Entry *entry = &self->entries[self->slot[id]];
        entry->count = add ? entry->count + weight : weight;
        return;
    }
    self->stamp[id] = self->call;
    self->slot[id] = (int32_t)*kept;
    self->entries[*kept] = (Entry){id, (int32_t)*kept, add ? 0.0 + weight : weight, 0.0, place};
    (*kept)++;
}

/* Whether word is inside one of names (joined: the names joined by a line break). */
static int
inside_names(PyObject *word, PyObject *names, PyObject *joined)
{
    if (PyList_GET_SIZE(names) == 0) {
        return 0;
    }
    int inside = PySequence_Contains(joined, word);
    if (inside <= 0) {
        return inside;
    }
    for (Py_ssize_t j = 0; j < PyList_GET_SIZE(names); j++) {
        if ((inside = PySequence_Contains(PyList_GET_ITEM(names, j), word)) != 0) {
            return inside;
        }
    }
    return 0;
}

static int
count_tokens(VocabularyObject *self, PyObject *tokens, PyObject *names, PyObject *joined, double weight, int learn,
             Py_ssize_t *kept)
{
    if (reserve_entries(self, *kept + PyList_GET_SIZE(tokens)) < 0) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(tokens); i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i), *word = NULL;
        if (i + AHEAD < PyList_GET_SIZE(tokens)) {
            table_prefetch(&self->tokens, PyList_GET_ITEM(tokens, i + AHEAD));
        }
        int32_t id = -1;
        if (!PyUnicode_Check(token)) {
            PyErr_SetString(PyExc_TypeError, "Vocabulary: tokens must be str");
            return -1;
        }
        if (token_word(self, token, &word, &id) < 0) {
            return -1;
        }
        if (word == NULL) {
            continue;
        }
        const int inside = inside_names(word, names, joined);
        if (inside == 0 && id < 0 && learn) {
            id = term_id(self, word, text_hash(word), 1);
        }
        Py_DECREF(word);
        if (inside < 0 || id == -2) {
            return -1;
        }
        if (!inside && id >= 0) {
            count_term(self, id, weight, 1, 0, kept);
        }
    }
    return 0;
}

static int
count_places(VocabularyObject *self, PyObject *places, int learn, Py_ssize_t *kept)
{
    if (reserve_entries(self, *kept + PyList_GET_SIZE(places)) < 0) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(places); i++) {
        PyObject *pair = PyList_GET_ITEM(places, i), *term;
        double count;
        if (!PyArg_ParseTuple(pair, "Ud", &term, &count)) {
            return -1;
        }
        const int32_t id = term_id(self, term, text_hash(term), learn);
        if (id == -2) {
            return -1;
        }
        if (id >= 0) {
            const int place = PyUnicode_GET_LENGTH(term) > 0 && PyUnicode_READ_CHAR(term, 0) == '@';
            count_term(self, id, count, 0, place, kept);
        }
    }
    return 0;
}

/* heaviest first; equal weights in the order counted (Python's sort is stable) */
static int
heavier_first(const void *left, const void *right)
{
    const Entry *a = left, *b = right;
    if (a->weight != b->weight) {
        return a->weight > b->weight ? -1 : 1;
    }
    return a->order < b->order ? -1 : (a->order > b->order);
}

static PyObject *
weighed(VocabularyObject *self, Py_ssize_t kept, double docs, int learn, double place_weight, double admin_weight,
        Py_ssize_t limit)
{
    for (Py_ssize_t i = 0; i < kept; i++) {
        Entry *entry = &self->entries[i];
        if (learn) {
            self->df[entry->id]++;
        }
        const double idf = log(docs / (double)(1 + self->df[entry->id])) + 1.0;
        if (entry->place) {
            entry->weight = (entry->count >= 1.0 ? place_weight : admin_weight) * idf;
        }
        else {
            entry->weight = (1.0 + log(entry->count)) * idf;
        }
    }
    qsort(self->entries, (size_t)kept, sizeof(Entry), heavier_first);
    const Py_ssize_t top = kept < limit ? kept : (limit > 0 ? limit : 0);
    double total = 0.0;
    for (Py_ssize_t i = 0; i < top; i++) {
        total += self->entries[i].weight * self->entries[i].weight;
    }
    const double norm = sqrt(total);
    PyObject *result = PyDict_New();
    for (Py_ssize_t i = 0; result != NULL && norm != 0.0 && i < top; i++) {
        PyObject *id = PyLong_FromLong(self->entries[i].id);
        PyObject *value = id ? PyFloat_FromDouble(self->entries[i].weight / norm) : NULL;
        if (value == NULL || PyDict_SetItem(result, id, value) < 0) {
            Py_CLEAR(result);
        }
        Py_XDECREF(id);
        Py_XDECREF(value);
    }
    return result;
}

static PyObject *
vocabulary_vector(VocabularyObject *self, PyObject *args)
{
    PyObject *title, *body, *names, *joined, *places;
    double title_weight, place_weight, admin_weight;
    long long docs;
    int learn;
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "O!O!O!UdO!Lpddn", &PyList_Type, &title, &PyList_Type, &body, &PyList_Type, &names,
                          &joined, &title_weight, &PyList_Type, &places, &docs, &learn, &place_weight,
                          &admin_weight, &limit)) {
        return NULL;
    }
    if (self->names == NULL) {
        PyErr_SetString(PyExc_ValueError, "Vocabulary: not initialised");
        return NULL;
    }
    if (self->call == INT32_MAX) {
        memset(self->stamp, 0, (size_t)self->capacity * sizeof(int32_t));
        self->call = 0;
    }
    self->call++;
    Py_ssize_t kept = 0;
    if (count_tokens(self, title, names, joined, title_weight, learn, &kept) < 0
        || count_tokens(self, body, names, joined, 1.0, learn, &kept) < 0
        || count_places(self, places, learn, &kept) < 0) {
        return NULL;
    }
    return weighed(self, kept, (double)docs, learn, place_weight, admin_weight, limit);
}

static int32_t
lookup(VocabularyObject *self, PyObject *term)
{
    if (!PyUnicode_Check(term)) {
        PyErr_SetString(PyExc_TypeError, "Vocabulary: terms are str");
        return -2;
    }
    return term_id(self, term, text_hash(term), 0);
}

static PyObject *
vocabulary_df(VocabularyObject *self, PyObject *term)
{
    const int32_t id = lookup(self, term);
    if (id == -2) {
        return NULL;
    }
    if (self->size == 0) {
        PyErr_SetString(PyExc_IndexError, "list index out of range");
        return NULL;
    }
    return PyLong_FromLongLong(self->df[id < 0 ? 0 : id]);
}

static PyObject *
vocabulary_id(VocabularyObject *self, PyObject *term)
{
    const int32_t id = lookup(self, term);
    if (id == -2) {
        return NULL;
    }
    if (id < 0) {
        Py_RETURN_NONE;
    }
    return PyLong_FromLong(id);
}

static int
vocabulary_init(VocabularyObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *keep, *names, *place_ids;
    Py_ssize_t memo_size;
    static char *keywords[] = {"keep", "memo_size", "terms", "place_ids", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OnO!O!", keywords, &keep, &memo_size, &PyList_Type, &names,
                                     &PySet_Type, &place_ids)) {
        return -1;
    }
    if (self->names != NULL || PyList_GET_SIZE(names) != 0) {
        PyErr_SetString(PyExc_ValueError, "Vocabulary: starts once, with an empty list of terms");
        return -1;
    }
    Py_INCREF(keep);
    Py_INCREF(names);
    Py_INCREF(place_ids);
    self->keep = keep;
    self->names = names;
    self->place_ids = place_ids;
    self->memo_size = memo_size;
    return 0;
}

static Py_ssize_t
vocabulary_len(VocabularyObject *self)
{
    return self->size;
}

static void
vocabulary_dealloc(VocabularyObject *self)
{
    terms_clear(&self->terms);
    table_clear(&self->tokens);
    Py_XDECREF(self->keep);
    Py_XDECREF(self->names);
    Py_XDECREF(self->place_ids);
    PyMem_Free(self->df);
    PyMem_Free(self->stamp);
    PyMem_Free(self->slot);
    PyMem_Free(self->entries);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef vocabulary_methods[] = {
    {"vector", (PyCFunction)vocabulary_vector, METH_VARARGS,
     "vector(title_tokens, body_tokens, names, joined, title_weight, places, docs, learn, place_weight, "
     "admin_weight, limit) -> {term id: weight}: the unit TF-IDF vector of one message."},
    {"df", (PyCFunction)vocabulary_df, METH_O, "df(term) -> its document frequency (term id 0's when unknown)."},
    {"id", (PyCFunction)vocabulary_id, METH_O, "id(term) -> its id, or None."},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods vocabulary_as_sequence = {
    .sq_length = (lenfunc)vocabulary_len,
};

static PyTypeObject VocabularyType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "minyi._issuestate.Vocabulary",
    .tp_basicsize = sizeof(VocabularyObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The detector's vocabulary: term ids, document frequencies, word counts and weights.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)vocabulary_init,
    .tp_dealloc = (destructor)vocabulary_dealloc,
    .tp_methods = vocabulary_methods,
    .tp_as_sequence = &vocabulary_as_sequence,
};

int
vocabulary_add_type(PyObject *module)
{
    if (PyType_Ready(&VocabularyType) < 0) {
        return -1;
    }
    Py_INCREF(&VocabularyType);
    if (PyModule_AddObject(module, "Vocabulary", (PyObject *)&VocabularyType) < 0) {
        Py_DECREF(&VocabularyType);
        return -1;
    }
    return 0;
}
