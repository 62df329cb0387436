/*
 * minyi._issuestate.NameIndex: the canonical spelling of a name's core, found in C (optional;
 * the reference is minyi.issues.detect.names.NameVariants.canonical_reference, in Python).
 *
 *   NameIndex(canonical, forms, by_deletion, by_sound, by_letters, pieces,
 *             min_edit, max_names, min_short, max_forms, min_block)
 *       the five dicts are NameVariants' own (read and written here, so both paths share one
 *       state); pieces(char) -> the char's pinyin syllables, interned (a tuple of str: what
 *       the char adds to _PINYIN(text).split()), or None without pypinyin.
 *   canonical(core) -> what NameVariants.canonical_reference(core) returns, with the same
 *       writes to the dicts.
 *
 * The steps are the reference's, in its order: the known spelling; for a new core of min_edit
 * characters or more, the candidates under its own and its deletion keys (sorted as Python
 * sorts str), then under its sound keys (sorted), the first that is a variant (one adjacent
 * swap, one dropped or added character, or the same with syllables) wins; then a word of two
 * dropped inside it, left to right; then runs that trade places, in the order the cores came;
 * then the longest, leftmost short form still allowed (its count in forms goes up). The
 * reference's list of all candidates is walked lazily here: the first variant is the same.
 * " ".join(syllables).split() is the concatenation of each char's sound split on white
 * space, which is what pieces() gives; interned pieces compare equal when identical.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int names_add_type(PyObject *module);

typedef struct {
    PyObject_HEAD
    PyObject *canonical; /* dict: core -> its canonical spelling */
    PyObject *forms;     /* dict: core -> times taken as a short form */
    PyObject *by_deletion, *by_sound, *by_letters; /* dict: key -> tuple of cores */
    PyObject *pieces;    /* callable or None */
    PyObject *cache;     /* dict: code point (int) -> pieces (tuple) */
    Py_ssize_t min_edit, max_names, min_short, max_forms, min_block;
} NameIndexObject;

/* A core's code points (UCS4) and, when pypinyin is there, its syllables (interned str). */
typedef struct {
    PyObject *text;
    Py_UCS4 *points;
    Py_ssize_t length;
    PyObject *syllables; /* list, or NULL without pypinyin */
} Core;

static PyObject *
make_text(const Py_UCS4 *points, Py_ssize_t length)
{
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, points, length);
}

/* canonical[key] as a new reference; NULL with KeyError when missing (as the reference's []). */
static PyObject *
canonical_of(NameIndexObject *self, PyObject *key)
{
    PyObject *found = PyDict_GetItemWithError(self->canonical, key);
    if (found == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetObject(PyExc_KeyError, key);
        }
        return NULL;
    }
    Py_INCREF(found);
    return found;
}

/* The syllables of one code point (a borrowed tuple, held by the cache). */
static PyObject *
char_pieces(NameIndexObject *self, Py_UCS4 point)
{
    PyObject *number = PyLong_FromUnsignedLong(point);
    if (number == NULL) {
        return NULL;
    }
    PyObject *found = PyDict_GetItemWithError(self->cache, number);
    if (found == NULL && !PyErr_Occurred()) {
        PyObject *text = PyUnicode_FromOrdinal((int)point);
        PyObject *made = text ? PyObject_CallOneArg(self->pieces, text) : NULL;
        Py_XDECREF(text);
        if (made != NULL && !PyTuple_Check(made)) {
            PyErr_SetString(PyExc_TypeError, "NameIndex: pieces must return a tuple");
            Py_CLEAR(made);
        }
        if (made != NULL && PyDict_SetItem(self->cache, number, made) == 0) {
            found = made; /* the cache holds it */
        }
        Py_XDECREF(made);
    }
    Py_DECREF(number);
    return found;
}

/* The syllables of points (a new list), or NULL on error. */
static PyObject *
syllables_of(NameIndexObject *self, const Py_UCS4 *points, Py_ssize_t length)
{
    PyObject *found = PyList_New(0);
    for (Py_ssize_t i = 0; found != NULL && i < length; i++) {
        PyObject *pieces = char_pieces(self, points[i]);
        for (Py_ssize_t j = 0; pieces != NULL && j < PyTuple_GET_SIZE(pieces); j++) {
            if (PyList_Append(found, PyTuple_GET_ITEM(pieces, j)) < 0) {
                pieces = NULL;
            }
        }
        if (pieces == NULL) {
            Py_CLEAR(found);
        }
    }
    return found;
}

static void
core_clear(Core *core)
{
    PyMem_Free(core->points);
    Py_CLEAR(core->syllables);
    core->points = NULL;
}

/* Fill core from text (a str); syllables only when with_sound and pypinyin is there. */
static int
core_read(NameIndexObject *self, PyObject *text, int with_sound, Core *core)
{
    core->text = text;
    core->syllables = NULL;
    core->length = PyUnicode_GET_LENGTH(text);
    core->points = PyMem_Malloc((size_t)(core->length + 1) * sizeof(Py_UCS4));
    if (core->points == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (PyUnicode_AsUCS4(text, core->points, core->length + 1, 0) == NULL) {
        core_clear(core);
        return -1;
    }
    if (with_sound && self->pieces != Py_None) {
        core->syllables = syllables_of(self, core->points, core->length);
        if (core->syllables == NULL) {
            core_clear(core);
            return -1;
        }
    }
    return 0;
}

/* Whether equal, or one dropped/added item or one adjacent swap apart, the shorter >= min_edit
 * (names._one_edit; items compared by value, pieces being interned). */
static int
one_edit(const uintptr_t *left, Py_ssize_t nleft, const uintptr_t *right, Py_ssize_t nright, Py_ssize_t min_edit)
{
    if (nleft == nright && (nleft == 0 || memcmp(left, right, (size_t)nleft * sizeof(uintptr_t)) == 0)) {
        return 1;
    }
    const uintptr_t *shorter = nleft <= nright ? left : right, *longer = nleft <= nright ? right : left;
    const Py_ssize_t ns = nleft <= nright ? nleft : nright, nl = nleft <= nright ? nright : nleft;
    if (ns < min_edit || nl - ns > 1) {
        return 0;
    }
    if (ns < nl) { /* longer without one item is shorter: skip the first difference */
        Py_ssize_t i = 0;
        while (i < ns && shorter[i] == longer[i]) {
            i++;
        }
        while (i < ns && shorter[i] == longer[i + 1]) {
            i++;
        }
        return i == ns;
    }
    Py_ssize_t first = -1, count = 0;
    for (Py_ssize_t i = 0; i < ns; i++) {
        if (shorter[i] != longer[i]) {
            first = count++ == 0 ? i : first;
        }
    }
    return count == 2 && shorter[first] != longer[first] && shorter[first + 1] != longer[first + 1]
           && shorter[first] == longer[first + 1] && shorter[first + 1] == longer[first];
}

/* The items of a Core as uintptr_t: code points, or the syllables' addresses (a new array). */
static uintptr_t *
items_of(const Core *core, int sound, Py_ssize_t *count)
{
    *count = sound ? PyList_GET_SIZE(core->syllables) : core->length;
    uintptr_t *items = PyMem_Malloc((size_t)(*count + 1) * sizeof(uintptr_t));
    if (items == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < *count; i++) {
        items[i] = sound ? (uintptr_t)PyList_GET_ITEM(core->syllables, i) : (uintptr_t)core->points[i];
    }
    return items;
}

static int
one_edit_of(const Core *left, const Core *right, int sound, Py_ssize_t min_edit)
{
    Py_ssize_t nleft, nright;
    uintptr_t *a = items_of(left, sound, &nleft);
    uintptr_t *b = a ? items_of(right, sound, &nright) : NULL;
    const int found = b ? one_edit(a, nleft, b, nright, min_edit) : -1;
    PyMem_Free(a);
    PyMem_Free(b);
    return found;
}

/* names.are_variants(core, other): 1, 0, or -1 on error. */
static int
are_variants(NameIndexObject *self, const Core *core, PyObject *other)
{
    if (!PyUnicode_Check(other)) {
        PyErr_SetString(PyExc_TypeError, "NameIndex: cores are str");
        return -1;
    }
    Core known;
    if (core_read(self, other, 0, &known) < 0) {
        return -1;
    }
    int found = one_edit_of(core, &known, 0, self->min_edit);
    if (found == 0 && core->syllables != NULL) {
        known.syllables = syllables_of(self, known.points, known.length);
        found = known.syllables ? one_edit_of(core, &known, 1, self->min_edit) : -1;
    }
    core_clear(&known);
    return found;
}

/* The canonical spelling of the first variant of core among index[key] for key in keys (a
 * list); a new reference, Py_None (new) when none, NULL on error. */
static PyObject *
first_variant(NameIndexObject *self, const Core *core, PyObject *index, PyObject *keys)
{
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(keys); k++) {
        PyObject *cores = PyDict_GetItemWithError(index, PyList_GET_ITEM(keys, k));
        if (cores == NULL) {
            if (PyErr_Occurred()) {
                return NULL;
            }
            continue;
        }
        Py_INCREF(cores);
        PyObject *fast = PySequence_Fast(cores, "NameIndex: index values are tuples");
        Py_DECREF(cores);
        for (Py_ssize_t i = 0; fast != NULL && i < PySequence_Fast_GET_SIZE(fast); i++) {
            PyObject *other = PySequence_Fast_GET_ITEM(fast, i);
            const int found = are_variants(self, core, other);
            if (found != 0) {
                PyObject *spelling = found > 0 ? canonical_of(self, other) : NULL;
                Py_DECREF(fast);
                return spelling;
            }
        }
        if (fast == NULL) {
            return NULL;
        }
        Py_DECREF(fast);
    }
    Py_RETURN_NONE;
}

/* The set of core's one-character deletions (names._deletions), made in the same order. */
static PyObject *
deletions_of(const Core *core)
{
    PyObject *found = PySet_New(NULL);
    Py_UCS4 *buffer = PyMem_Malloc((size_t)(core->length + 1) * sizeof(Py_UCS4));
    for (Py_ssize_t i = 0; found != NULL && buffer != NULL && i < core->length; i++) {
        memcpy(buffer, core->points, (size_t)i * sizeof(Py_UCS4));
        memcpy(buffer + i, core->points + i + 1, (size_t)(core->length - i - 1) * sizeof(Py_UCS4));
        PyObject *text = make_text(buffer, core->length - 1);
        if (text == NULL || PySet_Add(found, text) < 0) {
            Py_CLEAR(found);
        }
        Py_XDECREF(text);
    }
    if (buffer == NULL) {
        Py_CLEAR(found);
        PyErr_NoMemory();
    }
    PyMem_Free(buffer);
    return found;
}

/* " ".join(syllables) without the one at skip (-1: none). */
static PyObject *
joined_without(PyObject *syllables, Py_ssize_t skip)
{
    const Py_ssize_t size = PyList_GET_SIZE(syllables);
    PyObject *kept = PyList_New(0);
    for (Py_ssize_t i = 0; kept != NULL && i < size; i++) {
        if (i != skip && PyList_Append(kept, PyList_GET_ITEM(syllables, i)) < 0) {
            Py_CLEAR(kept);
        }
    }
    PyObject *space = kept ? PyUnicode_FromOrdinal(' ') : NULL;
    PyObject *found = space ? PyUnicode_Join(space, kept) : NULL;
    Py_XDECREF(space);
    Py_XDECREF(kept);
    return found;
}

/* The set of " ".join(syllables) without one syllable, each in turn. */
static PyObject *
dropped_syllables(PyObject *syllables)
{
    PyObject *found = PySet_New(NULL);
    for (Py_ssize_t skip = 0; found != NULL && skip < PyList_GET_SIZE(syllables); skip++) {
        PyObject *key = joined_without(syllables, skip);
        if (key == NULL || PySet_Add(found, key) < 0) {
            Py_CLEAR(found);
        }
        Py_XDECREF(key);
    }
    return found;
}

/* names._sound_keys: {" ".join(syllables)} | dropped, made as Python makes it (an empty set
 * without pypinyin). */
static PyObject *
sound_keys_of(const Core *core)
{
    if (core->syllables == NULL) {
        return PySet_New(NULL);
    }
    PyObject *whole = joined_without(core->syllables, -1);
    PyObject *first = whole ? PySet_New(NULL) : NULL;
    PyObject *dropped = first && PySet_Add(first, whole) == 0 ? dropped_syllables(core->syllables) : NULL;
    PyObject *found = dropped ? PyNumber_Or(first, dropped) : NULL;
    Py_XDECREF(whole);
    Py_XDECREF(first);
    Py_XDECREF(dropped);
    return found;
}

/* sorted(keys), with first in front when not NULL (a new list). */
static PyObject *
sorted_keys(PyObject *first, PyObject *keys)
{
    PyObject *found = PySequence_List(keys);
    if (found == NULL || PyList_Sort(found) < 0 || (first != NULL && PyList_Insert(found, 0, first) < 0)) {
        Py_XDECREF(found);
        return NULL;
    }
    return found;
}

static int
compare_points(const void *left, const void *right)
{
    const Py_UCS4 a = *(const Py_UCS4 *)left, b = *(const Py_UCS4 *)right;
    return (a > b) - (a < b);
}

/* "".join(sorted(core)): the key of by_letters (a new str). */
static PyObject *
letters_of(const Core *core)
{
    Py_UCS4 *sorted = PyMem_Malloc((size_t)(core->length + 1) * sizeof(Py_UCS4));
    if (sorted == NULL) {
        return PyErr_NoMemory();
    }
    memcpy(sorted, core->points, (size_t)core->length * sizeof(Py_UCS4));
    qsort(sorted, (size_t)core->length, sizeof(Py_UCS4), compare_points);
    PyObject *found = make_text(sorted, core->length);
    PyMem_Free(sorted);
    return found;
}

/* names.blocks_swapped(left, right) with size 2, on code points (left, right: same length). */
static int
blocks_swapped(const Py_UCS4 *left, const Py_UCS4 *right, Py_ssize_t length)
{
    Py_ssize_t start = 0, end = length;
    while (start < length && left[start] == right[start]) {
        start++;
    }
    if (start == length) {
        return 0; /* equal */
    }
    while (left[end - 1] == right[end - 1]) {
        end--;
    }
    const Py_ssize_t size = end - start;
    for (Py_ssize_t k = 2; k <= size - 2; k++) {
        Py_ssize_t j = 0;
        while (j < size && left[start + (k + j) % size] == right[start + j]) {
            j++;
        }
        if (j == size) {
            return 1;
        }
    }
    return 0;
}

/* Whether other has the letters of core in another order, and runs of two trade places. */
static int
swapped_with(const Core *core, const Py_UCS4 *letters, PyObject *other)
{
    if (!PyUnicode_Check(other)) {
        PyErr_SetString(PyExc_TypeError, "NameIndex: cores are str");
        return -1;
    }
    if (PyUnicode_GET_LENGTH(other) != core->length) {
        return 0;
    }
    Py_UCS4 *points = PyUnicode_AsUCS4Copy(other);
    Py_UCS4 *sorted = points ? PyMem_Malloc((size_t)(core->length + 1) * sizeof(Py_UCS4)) : NULL;
    int found = -1;
    if (sorted != NULL) {
        memcpy(sorted, points, (size_t)core->length * sizeof(Py_UCS4));
        qsort(sorted, (size_t)core->length, sizeof(Py_UCS4), compare_points);
        found = memcmp(sorted, letters, (size_t)core->length * sizeof(Py_UCS4)) == 0
                && blocks_swapped(core->points, points, core->length);
    }
    else if (points != NULL) {
        PyErr_NoMemory();
    }
    PyMem_Free(points);
    PyMem_Free(sorted);
    return found;
}

/* The part of core from start, length long, if it is a known core (a new reference; Py_None
 * when not known; NULL on error); *part receives the part (new). */
static PyObject *
known_part(NameIndexObject *self, const Py_UCS4 *points, Py_ssize_t length, PyObject **part)
{
    *part = make_text(points, length);
    if (*part == NULL) {
        return NULL;
    }
    const int known = PyDict_Contains(self->canonical, *part);
    if (known < 0) {
        Py_CLEAR(*part);
        return NULL;
    }
    if (!known) {
        Py_RETURN_NONE;
    }
    return canonical_of(self, *part);
}

/* The first known core that is core with a word of two dropped inside (names._word_dropped). */
static PyObject *
word_dropped(NameIndexObject *self, const Core *core)
{
    Py_UCS4 *buffer = PyMem_Malloc((size_t)(core->length + 1) * sizeof(Py_UCS4));
    if (buffer == NULL) {
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 1; i < core->length - 2 && core->length - 2 >= self->min_block; i++) {
        memcpy(buffer, core->points, (size_t)i * sizeof(Py_UCS4));
        memcpy(buffer + i, core->points + i + 2, (size_t)(core->length - i - 2) * sizeof(Py_UCS4));
        PyObject *part, *found = known_part(self, buffer, core->length - 2, &part);
        Py_XDECREF(part);
        if (found != Py_None) {
            PyMem_Free(buffer);
            return found;
        }
        Py_DECREF(found);
    }
    PyMem_Free(buffer);
    Py_RETURN_NONE;
}

/* NameVariants.word_variant: a word added to a known core, then runs swapped (new ref, None). */
static PyObject *
word_variant(NameIndexObject *self, const Core *core)
{
    if (core->length < self->min_block) {
        Py_RETURN_NONE;
    }
    PyObject *found = word_dropped(self, core);
    if (found != Py_None) {
        return found;
    }
    Py_DECREF(found);
    PyObject *letters = letters_of(core);
    PyObject *others = letters ? PyDict_GetItemWithError(self->by_letters, letters) : NULL;
    Py_UCS4 *sorted = others ? PyUnicode_AsUCS4Copy(letters) : NULL;
    PyObject *fast = sorted ? PySequence_Fast(others, "NameIndex: index values are tuples") : NULL;
    found = fast != NULL || (letters != NULL && others == NULL && !PyErr_Occurred()) ? Py_None : NULL;
    Py_XINCREF(found);
    for (Py_ssize_t i = 0; fast != NULL && found == Py_None && i < PySequence_Fast_GET_SIZE(fast); i++) {
        PyObject *other = PySequence_Fast_GET_ITEM(fast, i);
        const int swapped = swapped_with(core, sorted, other);
        if (swapped != 0) {
            Py_DECREF(found);
            found = swapped > 0 ? canonical_of(self, other) : NULL;
        }
    }
    Py_XDECREF(fast);
    PyMem_Free(sorted);
    Py_XDECREF(letters);
    return found;
}

/* Take part as a short form if it is known and allowed: its spelling (new), None, NULL. */
static PyObject *
take_short(NameIndexObject *self, const Py_UCS4 *points, Py_ssize_t length)
{
    PyObject *part, *found = known_part(self, points, length, &part);
    if (found == NULL || found == Py_None) {
        Py_XDECREF(part);
        return found;
    }
    PyObject *count = PyDict_GetItemWithError(self->forms, part);
    const long long forms = count ? PyLong_AsLongLong(count) : 0;
    PyObject *more = NULL;
    if ((count == NULL && PyErr_Occurred()) || (forms == -1 && PyErr_Occurred())) {
        Py_CLEAR(found);
    }
    else if (forms >= self->max_forms) {
        Py_DECREF(found);
        found = Py_None;
        Py_INCREF(found);
    }
    else if ((more = PyLong_FromLongLong(forms + 1)) == NULL || PyDict_SetItem(self->forms, part, more) < 0) {
        Py_CLEAR(found);
    }
    Py_XDECREF(more);
    Py_DECREF(part);
    return found;
}

/* NameVariants.short_form: the longest, then leftmost, allowed known core inside core. */
static PyObject *
short_form(NameIndexObject *self, const Core *core)
{
    const Py_ssize_t half = (core->length + 1) / 2;
    const Py_ssize_t shortest = self->min_short > half ? self->min_short : half;
    for (Py_ssize_t length = core->length - 1; length >= shortest; length--) {
        for (Py_ssize_t start = 0; start + length <= core->length; start++) {
            PyObject *found = take_short(self, core->points + start, length);
            if (found != Py_None) {
                return found;
            }
            Py_DECREF(found);
        }
    }
    Py_RETURN_NONE;
}

/* NameVariants._match: a new reference, Py_None when no known core matches, NULL on error. */
static PyObject *
match(NameIndexObject *self, const Core *core, PyObject *deletions, PyObject *sounds)
{
    PyObject *keys = sorted_keys(core->text, deletions);
    PyObject *found = keys ? first_variant(self, core, self->by_deletion, keys) : NULL;
    Py_XDECREF(keys);
    if (found == Py_None) {
        Py_DECREF(found);
        keys = sorted_keys(NULL, sounds);
        found = keys ? first_variant(self, core, self->by_sound, keys) : NULL;
        Py_XDECREF(keys);
    }
    if (found == Py_None) {
        Py_DECREF(found);
        found = word_variant(self, core);
    }
    if (found == Py_None) {
        Py_DECREF(found);
        found = short_form(self, core);
    }
    return found;
}

/* index[key] = (*index.get(key, ()), core) */
static int
append_to(PyObject *index, PyObject *key, PyObject *core)
{
    PyObject *old = PyDict_GetItemWithError(index, key);
    if (old == NULL && PyErr_Occurred()) {
        return -1;
    }
    const Py_ssize_t size = old ? PyTuple_Size(old) : 0;
    PyObject *grown = size >= 0 ? PyTuple_New(size + 1) : NULL;
    if (grown == NULL) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < size; i++) {
        Py_INCREF(PyTuple_GET_ITEM(old, i));
        PyTuple_SET_ITEM(grown, i, PyTuple_GET_ITEM(old, i));
    }
    Py_INCREF(core);
    PyTuple_SET_ITEM(grown, size, core);
    const int failed = PyDict_SetItem(index, key, grown);
    Py_DECREF(grown);
    return failed;
}

static int
append_all(PyObject *index, PyObject *keys, PyObject *core)
{
    PyObject *iterator = PyObject_GetIter(keys), *key;
    if (iterator == NULL) {
        return -1;
    }
    while ((key = PyIter_Next(iterator)) != NULL) {
        const int failed = append_to(index, key, core);
        Py_DECREF(key);
        if (failed < 0) {
            Py_DECREF(iterator);
            return -1;
        }
    }
    Py_DECREF(iterator);
    return PyErr_Occurred() ? -1 : 0;
}

/* NameVariants._remember. */
static int
remember(NameIndexObject *self, const Core *core, PyObject *spelling, PyObject *deletions, PyObject *sounds)
{
    if (PyDict_SetItem(self->canonical, core->text, spelling) < 0) {
        return -1;
    }
    if (core->length < self->min_edit) {
        return 0;
    }
    if (append_to(self->by_deletion, core->text, core->text) < 0 || append_all(self->by_deletion, deletions, core->text) < 0
        || append_all(self->by_sound, sounds, core->text) < 0) {
        return -1;
    }
    if (core->length < self->min_block) {
        return 0;
    }
    PyObject *letters = letters_of(core);
    const int failed = letters == NULL || append_to(self->by_letters, letters, core->text) < 0;
    Py_XDECREF(letters);
    return failed ? -1 : 0;
}

/* The spelling of a new core (new reference) and its keys (new sets, empty when short). */
static PyObject *
found_for(NameIndexObject *self, const Core *core, PyObject **deletions, PyObject **sounds)
{
    if (core->length < self->min_edit) {
        *deletions = PySet_New(NULL);
        *sounds = *deletions ? PySet_New(NULL) : NULL;
        if (*sounds == NULL) {
            return NULL;
        }
        Py_INCREF(core->text);
        return core->text;
    }
    *deletions = deletions_of(core);
    *sounds = *deletions ? sound_keys_of(core) : NULL;
    PyObject *found = *sounds ? match(self, core, *deletions, *sounds) : NULL;
    if (found == NULL) {
        return NULL;
    }
    if (found == Py_None || (PyUnicode_Check(found) && PyUnicode_GET_LENGTH(found) == 0)) {
        Py_DECREF(found); /* "_match(...) or core" */
        Py_INCREF(core->text);
        return core->text;
    }
    return found;
}

static PyObject *
names_canonical(NameIndexObject *self, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "NameIndex: a core is a str");
        return NULL;
    }
    PyObject *known = PyDict_GetItemWithError(self->canonical, text);
    if (known != NULL || PyErr_Occurred()) {
        Py_XINCREF(known);
        return known;
    }
    Core core;
    if (core_read(self, text, PyUnicode_GET_LENGTH(text) >= self->min_edit, &core) < 0) {
        return NULL;
    }
    PyObject *deletions = NULL, *sounds = NULL;
    PyObject *found = found_for(self, &core, &deletions, &sounds);
    if (found != NULL && PyDict_Size(self->canonical) < self->max_names
        && remember(self, &core, found, deletions, sounds) < 0) {
        Py_CLEAR(found);
    }
    Py_XDECREF(deletions);
    Py_XDECREF(sounds);
    core_clear(&core);
    return found;
}

static int
names_init(NameIndexObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"canonical", "forms",     "by_deletion", "by_sound",  "by_letters", "pieces",
                               "min_edit",  "max_names", "min_short",   "max_forms", "min_block",  NULL};
    PyObject *dicts[5], *pieces;
    Py_ssize_t numbers[5];
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!O!O!O!O!Onnnnn", keywords, &PyDict_Type, &dicts[0],
                                     &PyDict_Type, &dicts[1], &PyDict_Type, &dicts[2], &PyDict_Type, &dicts[3],
                                     &PyDict_Type, &dicts[4], &pieces, &numbers[0], &numbers[1], &numbers[2],
                                     &numbers[3], &numbers[4])) {
        return -1;
    }
    if (self->canonical != NULL || (pieces != Py_None && !PyCallable_Check(pieces))) {
        PyErr_SetString(PyExc_ValueError, "NameIndex: starts once; pieces is a callable or None");
        return -1;
    }
    PyObject *cache = PyDict_New();
    if (cache == NULL) {
        return -1;
    }
    for (int i = 0; i < 5; i++) {
        Py_INCREF(dicts[i]);
    }
    Py_INCREF(pieces);
    *self = (NameIndexObject){self->ob_base, dicts[0], dicts[1], dicts[2], dicts[3], dicts[4], pieces, cache,
                              numbers[0], numbers[1], numbers[2], numbers[3], numbers[4]};
    return 0;
}

static void
names_dealloc(NameIndexObject *self)
{
    Py_XDECREF(self->canonical);
    Py_XDECREF(self->forms);
    Py_XDECREF(self->by_deletion);
    Py_XDECREF(self->by_sound);
    Py_XDECREF(self->by_letters);
    Py_XDECREF(self->pieces);
    Py_XDECREF(self->cache);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
names_ready(NameIndexObject *self, PyObject *text)
{
    if (self->canonical == NULL) {
        PyErr_SetString(PyExc_ValueError, "NameIndex: not initialised");
        return NULL;
    }
    return names_canonical(self, text);
}

static PyMethodDef names_methods[] = {
    {"canonical", (PyCFunction)names_ready, METH_O,
     "canonical(core) -> its canonical spelling (NameVariants.canonical_reference, in C)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject NameIndexType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "minyi._issuestate.NameIndex",
    .tp_basicsize = sizeof(NameIndexObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The canonical spellings of variant names (NameVariants' dicts, read and written in C).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)names_init,
    .tp_dealloc = (destructor)names_dealloc,
    .tp_methods = names_methods,
};

int
names_add_type(PyObject *module)
{
    if (PyType_Ready(&NameIndexType) < 0) {
        return -1;
    }
    Py_INCREF(&NameIndexType);
    if (PyModule_AddObject(module, "NameIndex", (PyObject *)&NameIndexType) < 0) {
        Py_DECREF(&NameIndexType);
        return -1;
    }
    return 0;
}
