/*
 * minyi._issuestate.PlaceFinder: the places a message mentions, found in C in a few passes over
 * the text (optional; the reference is minyi.issues.detect.places, Python regexes).
 *
 *   PlaceFinder(make, kinds, suffixes, suffix_flags, cut_words, numerals, measures, cut_chars,
 *               generic_start, generic_names, service_trades, not_roads, max_name, min_prefix)
 *       make(name, kind, core) -> a Place; kinds: the strings (admin, named, route); the other
 *       tables are places.py's, passed from there so that there is one copy of each.
 *   find(text) -> [Place]: what places._extract_places(text) returns, in its order.
 *
 * Each regex of places.py is matched as the regex engine matches it, not approximately:
 * alternatives are tried in their order at each position (the first that matches wins, not the
 * longest), finditer goes on after a match's end, a search with an end position sees the string
 * cut there (and its lookbehind sees before the start position), \d is a Unicode decimal digit
 * (full-width and Arabic-Indic digits too), [A-Z] and [A-Za-z0-9] are ASCII only. The
 * backtracking of the patterns' counted repeats reduces to run lengths, written out below:
 * [A-Z]\d{0,2}[市区县] matches when the run of digits after the letter is at most 2 long and
 * followed by the unit, since a shorter take leaves a digit where the unit must be. The fixed
 * characters of the patterns (地省, 地铁, 轨道交通, 号线, 路, 县/栋, 政) are written here as code
 * points; tests/unit/issues/detect/test_places_compiled.py compares both on many texts.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

int places_add_type(PyObject *module);

enum { ROAD = 1, ORGANISATION = 2, GOVERNMENT = 4, AREA = 8 };
enum { ADMIN = 0, NAMED = 1, ROUTE = 2 };

#define C_SHI 0x5E02   /* 市 */
#define C_QU 0x533A    /* 区 */
#define C_XIAN 0x53BF  /* 县 */
#define C_DI 0x5730    /* 地 */
#define C_SHENG 0x7701 /* 省 */
#define C_TIE 0x94C1   /* 铁 */
#define C_GUI 0x8F68   /* 轨 */
#define C_DAO 0x9053   /* 道 */
#define C_JIAO 0x4EA4  /* 交 */
#define C_TONG 0x901A  /* 通 */
#define C_HAO 0x53F7   /* 号 */
#define C_XIAN4 0x7EBF /* 线 */
#define C_LU 0x8DEF    /* 路 */
#define C_DONG 0x680B  /* 栋 */
#define C_ZHENG 0x653F /* 政 */

/* Words as one array of code points, word k at chars[start[k]:start[k + 1]]; by_first: the
 * indexes ordered by (first character, index), first: their first characters in that order. */
typedef struct {
    Py_UCS4 *chars;
    Py_ssize_t *start;
    Py_ssize_t count;
    Py_ssize_t *by_first;
    Py_UCS4 *first;
} Words;

/* A set of characters: a bitmap of the basic plane, the others sorted for a binary search. */
typedef struct {
    Py_UCS4 *chars;
    Py_ssize_t count;
    uint8_t bits[0x10000 / 8];
} Chars;

typedef struct {
    const Py_UCS4 *chars; /* the text's code points, copied once: plain reads in every pass */
    Py_ssize_t size;
    PyObject *object;
} Text;

typedef struct {
    Py_ssize_t at;         /* where it sorts: its start, or a name's first occurrence */
    Py_ssize_t start, end; /* the name, text[start:end] */
    Py_ssize_t core;       /* the core, text[start:core] */
    int kind;
} Span;

typedef struct {
    PyObject_HEAD
    PyObject *make;
    PyObject *kinds[3];
    Words suffixes, cut_words, generic_names, service_trades, not_roads;
    int *suffix_flags;
    Chars suffix_first, cut_first, numerals, measures, cut_chars, generic_start;
    Py_ssize_t max_name, min_prefix;
} FinderObject;

#define AT(text, i) ((text)->chars[i])

static int
is_upper(Py_UCS4 c)
{
    return c >= 'A' && c <= 'Z';
}

static int
is_han(Py_UCS4 c)
{
    return c >= 0x4E00 && c <= 0x9FFF;
}

static int
is_tail(Py_UCS4 c) /* [\u4e00-\u9fffA-Za-z0-9] */
{
    return is_han(c) || is_upper(c) || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int
compare_chars(const void *left, const void *right)
{
    Py_UCS4 a = *(const Py_UCS4 *)left, b = *(const Py_UCS4 *)right;
    return (a > b) - (a < b);
}

static int
has_char(const Chars *set, Py_UCS4 c)
{
    if (c < 0x10000) {
        return (set->bits[c >> 3] >> (c & 7)) & 1;
    }
    return set->count > 0 && bsearch(&c, set->chars, (size_t)set->count, sizeof(Py_UCS4), compare_chars) != NULL;
}

static void
set_bits(Chars *set)
{
    memset(set->bits, 0, sizeof(set->bits));
    for (Py_ssize_t k = 0; k < set->count; k++) {
        if (set->chars[k] < 0x10000) {
            set->bits[set->chars[k] >> 3] |= (uint8_t)(1u << (set->chars[k] & 7));
        }
    }
}

/* \d: a Unicode decimal digit; ASCII and the ideographs answered without a table look-up. */
static int
is_decimal(Py_UCS4 c)
{
    if (c < 0x80) {
        return c >= '0' && c <= '9';
    }
    return c >= 0x4E00 && c <= 0x9FFF ? 0 : Py_UNICODE_ISDECIMAL(c);
}

/* Decimal digits from i (before end), at most cap of them counted. */
static Py_ssize_t
digit_run(const Text *text, Py_ssize_t i, Py_ssize_t end, Py_ssize_t cap)
{
    Py_ssize_t run = 0;
    while (i + run < end && run < cap && is_decimal(AT(text, i + run))) {
        run++;
    }
    return run;
}

/* Whether word k of words is text[i:i + its length] (inside end). */
static int
word_is_at(const Words *words, Py_ssize_t k, const Text *text, Py_ssize_t i, Py_ssize_t end)
{
    Py_ssize_t length = words->start[k + 1] - words->start[k];
    if (i + length > end) {
        return 0;
    }
    const Py_UCS4 *word = words->chars + words->start[k];
    for (Py_ssize_t j = 0; j < length; j++) {
        if (AT(text, i + j) != word[j]) {
            return 0;
        }
    }
    return 1;
}

/* The first word (in order) at i, as its index, or -1: a regex alternation of literals. Only
 * the words that begin with text[i] can match, and they are tried in their order. */
static Py_ssize_t
first_word_at(const Words *words, const Chars *first, const Text *text, Py_ssize_t i, Py_ssize_t end)
{
    if (i >= end || !has_char(first, AT(text, i))) {
        return -1;
    }
    Py_UCS4 c = AT(text, i);
    Py_ssize_t low = 0, high = words->count;
    while (low < high) { /* the first of the words beginning with c */
        Py_ssize_t middle = low + (high - low) / 2;
        if (words->first[middle] < c) {
            low = middle + 1;
        }
        else {
            high = middle;
        }
    }
    for (; low < words->count && words->first[low] == c; low++) {
        if (word_is_at(words, words->by_first[low], text, i, end)) {
            return words->by_first[low];
        }
    }
    return -1;
}

/* Whether text[start:end] is one of words. */
static int
is_word(const Words *words, const Text *text, Py_ssize_t start, Py_ssize_t end)
{
    for (Py_ssize_t k = 0; k < words->count; k++) {
        if (words->start[k + 1] - words->start[k] == end - start && word_is_at(words, k, text, start, end)) {
            return 1;
        }
    }
    return 0;
}

/* Whether text[start:end] ends with one of words. */
static int
ends_with_word(const Words *words, const Text *text, Py_ssize_t start, Py_ssize_t end)
{
    for (Py_ssize_t k = 0; k < words->count; k++) {
        Py_ssize_t length = words->start[k + 1] - words->start[k];
        if (length <= end - start && word_is_at(words, k, text, end - length, end)) {
            return 1;
        }
    }
    return 0;
}

/* [A-Z]\d{0,2}[市区县] at i: its length, or 0. */
static Py_ssize_t
admin_code_at(const Text *text, Py_ssize_t i, Py_ssize_t end)
{
    if (i >= end || !is_upper(AT(text, i))) {
        return 0;
    }
    Py_ssize_t run = digit_run(text, i + 1, end, 3);
    if (run > 2 || i + 1 + run >= end) {
        return 0;
    }
    Py_UCS4 unit = AT(text, i + 1 + run);
    return unit == C_SHI || unit == C_QU || unit == C_XIAN ? run + 2 : 0;
}

/* [\u4e00-\u9fff]地省 at i: 3, or 0. */
static Py_ssize_t
province_at(const Text *text, Py_ssize_t i, Py_ssize_t end)
{
    return i + 2 < end && AT(text, i + 1) == C_DI && AT(text, i + 2) == C_SHENG && is_han(AT(text, i)) ? 3 : 0;
}

/* [A-Z]\d{1,2}[县栋] at i: its length, or 0. */
static Py_ssize_t
code_at(const Text *text, Py_ssize_t i, Py_ssize_t end)
{
    if (i >= end || !is_upper(AT(text, i))) {
        return 0;
    }
    Py_ssize_t run = digit_run(text, i + 1, end, 3);
    if (run < 1 || run > 2 || i + 1 + run >= end) {
        return 0;
    }
    Py_UCS4 unit = AT(text, i + 1 + run);
    return unit == C_XIAN || unit == C_DONG ? run + 2 : 0;
}

/* One alternative of places._CUT at i, tried in the regex's order: its length, or 0. */
static Py_ssize_t
cut_at(const FinderObject *self, const Text *text, Py_ssize_t i, Py_ssize_t end)
{
    Py_ssize_t length = admin_code_at(text, i, end);
    if (length == 0) {
        length = province_at(text, i, end);
    }
    if (length != 0) {
        return length;
    }
    Py_ssize_t k = first_word_at(&self->cut_words, &self->cut_first, text, i, end);
    if (k >= 0) {
        return self->cut_words.start[k + 1] - self->cut_words.start[k];
    }
    Py_ssize_t run = 0; /* [numerals\d]+[measures]: the whole run, then a measure word */
    while (i + run < end && (has_char(&self->numerals, AT(text, i + run)) || is_decimal(AT(text, i + run)))) {
        run++;
    }
    if (run > 0 && i + run < end && has_char(&self->measures, AT(text, i + run))) {
        return run + 1;
    }
    return has_char(&self->cut_chars, AT(text, i)) ? 1 : 0;
}

/* places._trim(text[start:end]): where the part after the last cut word starts. */
static Py_ssize_t
trim(const FinderObject *self, const Text *text, Py_ssize_t start, Py_ssize_t end)
{
    Py_ssize_t last = start, i = start;
    while (i < end) {
        Py_ssize_t length = cut_at(self, text, i, end);
        if (length > 0) {
            i += length;
            last = i;
        }
        else {
            i++;
        }
    }
    return last;
}

typedef struct {
    Span *items;
    Py_ssize_t count, capacity;
} Spans;

static int
add_span(Spans *spans, Py_ssize_t start, Py_ssize_t end, Py_ssize_t core, int kind)
{
    if (spans->count == spans->capacity) {
        Py_ssize_t capacity = spans->capacity * 2;
        Span *items = PyMem_Realloc(spans->items, (size_t)capacity * sizeof(Span));
        if (items == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        spans->items = items;
        spans->capacity = capacity;
    }
    spans->items[spans->count++] = (Span){start, start, end, core, kind};
    return 0;
}

/* The anonymised units (A3区) and provinces (西地省), then the routes, as finditer finds them. */
static int
find_units_and_routes(const Text *text, Spans *spans)
{
    Py_ssize_t n = text->size, i, length;
    for (i = 0; i < n; i += length ? length : 1) {
        if ((length = admin_code_at(text, i, n)) && add_span(spans, i, i + length, i + length, ADMIN) < 0) {
            return -1;
        }
    }
    for (i = 0; i < n; i += length ? length : 1) {
        if ((length = province_at(text, i, n)) && add_span(spans, i, i + length, i + length, ADMIN) < 0) {
            return -1;
        }
    }
    for (i = 0; i < n; i += length ? length : 1) {
        Py_UCS4 c = AT(text, i);
        Py_ssize_t lead = 0, run;
        length = 0;
        if (c == C_DI && i + 1 < n && AT(text, i + 1) == C_TIE) {
            lead = 2; /* (?:地铁|轨道交通)\d{1,2}号线 */
        }
        else if (c == C_GUI && i + 3 < n && AT(text, i + 1) == C_DAO && AT(text, i + 2) == C_JIAO &&
                 AT(text, i + 3) == C_TONG) {
            lead = 4;
        }
        if (lead) {
            run = digit_run(text, i + lead, n, 3);
            if (run >= 1 && run <= 2 && i + lead + run + 1 < n && AT(text, i + lead + run) == C_HAO &&
                AT(text, i + lead + run + 1) == C_XIAN4) {
                length = lead + run + 2;
            }
        }
        Py_UCS4 last = i > 0 ? AT(text, i - 1) : ' '; /* (?<![\dA-Za-z]) */
        if (!length && (is_upper(c) || is_decimal(c)) &&
            !(is_decimal(last) || is_upper(last) || (last >= 'a' && last <= 'z'))) {
            Py_ssize_t j = is_upper(c) ? i + 1 : i; /* (?<![\dA-Za-z])[A-Z]?\d{1,4}路(?=…|$|[^\d]) */
            run = digit_run(text, j, n, 5);
            if (run >= 1 && run <= 4 && j + run < n && AT(text, j + run) == C_LU &&
                (j + run + 1 == n || !is_decimal(AT(text, j + run + 1)))) {
                length = j + run + 1 - i;
            }
        }
        if (length && add_span(spans, i, i + length, i + length, ROUTE) < 0) {
            return -1;
        }
    }
    return 0;
}

/* _CODED.search(text, pos, end): (?<![A-Z\d])([\u4e00-\u9fff]{2,12})[A-Z]\d{1,2}[县栋]; its
 * start, or -1, and the length of its group in *han. */
static Py_ssize_t
coded_search(const Text *text, Py_ssize_t pos, Py_ssize_t end, Py_ssize_t *han, Py_ssize_t *match_end)
{
    for (Py_ssize_t s = pos; s < end; s++) {
        if (s > 0 && (is_upper(AT(text, s - 1)) || is_decimal(AT(text, s - 1)))) {
            continue;
        }
        Py_ssize_t run = 0;
        while (s + run < end && run <= 12 && is_han(AT(text, s + run))) {
            run++;
        }
        Py_ssize_t code = run >= 2 && run <= 12 ? code_at(text, s + run, end) : 0;
        if (code) {
            *han = run;
            *match_end = s + run + code;
            return s;
        }
    }
    return -1;
}

/* places._coded: names written before an anonymised code (五矿万境K9县). */
static int
find_coded(const FinderObject *self, const Text *text, Spans *spans)
{
    Py_ssize_t n = text->size, previous_end = 0, i = 0;
    while (i < n) {
        Py_ssize_t length = code_at(text, i, n);
        if (!length) {
            i++;
            continue;
        }
        Py_ssize_t from = i - self->max_name, han, match_end;
        Py_ssize_t s = coded_search(text, previous_end > from ? previous_end : from, i + length, &han, &match_end);
        i += length;
        if (s < 0) {
            continue;
        }
        previous_end = match_end;
        Py_ssize_t start = trim(self, text, s, s + han);
        if (s + han - start >= self->min_prefix && !has_char(&self->generic_start, AT(text, start)) &&
            add_span(spans, start, s + han, s + han, NAMED) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Whether all of text[start:end] are digits (str.isdigit of a non-empty string). */
static int
all_digits(const Text *text, Py_ssize_t start, Py_ssize_t end)
{
    for (Py_ssize_t i = start; i < end; i++) {
        if (!Py_UNICODE_ISDIGIT(AT(text, i))) {
            return 0;
        }
    }
    return 1;
}

/* places._named_at: the name text[start:end] whose suffix (index k) starts at at, if it is one. */
static int
name_kind(const FinderObject *self, const Text *text, Py_ssize_t start, Py_ssize_t at, Py_ssize_t end, Py_ssize_t k)
{
    int flags = self->suffix_flags[k];
    if (at - start < self->min_prefix || has_char(&self->generic_start, AT(text, start)) ||
        is_word(&self->generic_names, text, start, end) || all_digits(text, start, at)) {
        return -1;
    }
    if ((flags & ROAD) && ends_with_word(&self->not_roads, text, start, end)) {
        return -1;
    }
    if ((flags & ORGANISATION) && is_word(&self->service_trades, text, start, at)) {
        return -1;
    }
    if ((flags & GOVERNMENT) && AT(text, at - 1) == C_ZHENG) {
        return -1;
    }
    return flags & AREA ? ADMIN : NAMED;
}

/* Whether the name text[start:end] ends a route's name or a route's name ends it. */
static int
near_route(const Text *text, const Spans *spans, Py_ssize_t routes, Py_ssize_t start, Py_ssize_t end)
{
    for (Py_ssize_t r = 0; r < routes; r++) {
        const Span *route = &spans->items[r];
        if (route->kind != ROUTE) {
            continue;
        }
        Py_ssize_t a = route->start, b = route->end, length = b - a < end - start ? b - a : end - start, j;
        for (j = 1; j <= length && AT(text, end - j) == AT(text, b - j); j++) {
        }
        if (j > length) {
            return 1;
        }
    }
    return 0;
}

/* text.find(text[start:end]): where the name first occurs (at start at the latest). */
static Py_ssize_t
first_occurrence(const Text *text, Py_ssize_t start, Py_ssize_t end)
{
    for (Py_ssize_t p = 0; p < start; p++) {
        Py_ssize_t j = 0;
        while (start + j < end && AT(text, p + j) == AT(text, start + j)) {
            j++;
        }
        if (start + j == end) {
            return p;
        }
    }
    return start;
}

/* places._named: names ending in a suffix, each starting after the previous suffix at the latest. */
static int
find_named(const FinderObject *self, const Text *text, Spans *spans)
{
    Py_ssize_t n = text->size, previous_end = 0, i = 0, before = spans->count;
    while (i < n) {
        Py_ssize_t k = first_word_at(&self->suffixes, &self->suffix_first, text, i, n);
        if (k < 0) {
            i++;
            continue;
        }
        Py_ssize_t end = i + self->suffixes.start[k + 1] - self->suffixes.start[k];
        Py_ssize_t window = i - self->max_name > previous_end ? i - self->max_name : previous_end, tail = i;
        while (tail > window && is_tail(AT(text, tail - 1))) {
            tail--;
        }
        Py_ssize_t start = tail < i ? trim(self, text, tail, i) : i;
        int kind = name_kind(self, text, start, i, end, k);
        Py_ssize_t suffix = i;
        previous_end = i = end;
        if (kind < 0 || near_route(text, spans, before, start, end)) {
            continue;
        }
        if (add_span(spans, start, end, kind == ADMIN ? end : suffix, kind) < 0) {
            return -1;
        }
        spans->items[spans->count - 1].at = first_occurrence(text, start, end);
    }
    return 0;
}


/* Spans by where they sort, stably (insertion sort: each kind comes sorted, so it is short). */
static void
sort_spans(Span *items, Py_ssize_t count)
{
    for (Py_ssize_t i = 1; i < count; i++) {
        Span item = items[i];
        Py_ssize_t j = i;
        while (j > 0 && items[j - 1].at > item.at) {
            items[j] = items[j - 1];
            j--;
        }
        items[j] = item;
    }
}

/* Whether the name of span comes earlier among items[0:count]. */
static int
seen_before(const Text *text, const Span *items, Py_ssize_t count, const Span *span)
{
    Py_ssize_t length = span->end - span->start;
    for (Py_ssize_t k = 0; k < count; k++) {
        if (items[k].end - items[k].start != length) {
            continue;
        }
        Py_ssize_t j = 0;
        while (j < length && AT(text, items[k].start + j) == AT(text, span->start + j)) {
            j++;
        }
        if (j == length) {
            return 1;
        }
    }
    return 0;
}

/* make(name, kind, core) of the span. */
static PyObject *
place_of(const FinderObject *self, const Text *text, const Span *span)
{
    PyObject *name = PyUnicode_Substring(text->object, span->start, span->end);
    if (name == NULL) {
        return NULL;
    }
    PyObject *core = span->core == span->end ? Py_NewRef(name)
                                             : PyUnicode_Substring(text->object, span->start, span->core);
    PyObject *place = NULL;
    if (core != NULL) {
        place = PyObject_CallFunctionObjArgs(self->make, name, self->kinds[span->kind], core, NULL);
        Py_DECREF(core);
    }
    Py_DECREF(name);
    return place;
}

/* The places of the sorted spans, each name once (the first). */
static PyObject *
places_of(const FinderObject *self, const Text *text, Spans *spans)
{
    PyObject *found = PyList_New(0);
    if (found == NULL) {
        return NULL;
    }
    Py_ssize_t kept = 0;
    for (Py_ssize_t k = 0; k < spans->count; k++) {
        Span span = spans->items[k];
        if (seen_before(text, spans->items, kept, &span)) {
            continue;
        }
        spans->items[kept++] = span; /* the kept ones, at the front */
        PyObject *place = place_of(self, text, &span);
        if (place == NULL || PyList_Append(found, place) < 0) {
            Py_XDECREF(place);
            Py_DECREF(found);
            return NULL;
        }
        Py_DECREF(place);
    }
    return found;
}

static PyObject *
finder_find(FinderObject *self, PyObject *object)
{
    if (!PyUnicode_Check(object)) {
        PyErr_SetString(PyExc_TypeError, "PlaceFinder.find: a str");
        return NULL;
    }
    if (self->make == NULL) {
        PyErr_SetString(PyExc_ValueError, "PlaceFinder: not started");
        return NULL;
    }
    Py_UCS4 buffer[512];
    Py_ssize_t size = PyUnicode_GET_LENGTH(object);
    Py_UCS4 *chars = size < 512 ? buffer : PyMem_Malloc((size_t)(size + 1) * sizeof(Py_UCS4));
    if (chars == NULL) {
        return PyErr_NoMemory();
    }
    if (PyUnicode_AsUCS4(object, chars, size + 1, 1) == NULL) {
        if (chars != buffer) {
            PyMem_Free(chars);
        }
        return NULL;
    }
    Text text = {chars, size, object};
    Spans spans = {PyMem_Malloc(16 * sizeof(Span)), 0, 16};
    if (spans.items == NULL) {
        if (chars != buffer) {
            PyMem_Free(chars);
        }
        return PyErr_NoMemory();
    }
    PyObject *found = NULL;
    if (find_units_and_routes(&text, &spans) == 0 && find_coded(self, &text, &spans) == 0 &&
        find_named(self, &text, &spans) == 0) {
        sort_spans(spans.items, spans.count);
        found = places_of(self, &text, &spans);
    }
    PyMem_Free(spans.items);
    if (chars != buffer) {
        PyMem_Free(chars);
    }
    return found;
}

/* by_first and first of words: insertion sort by (first character, index), stable. */
static int
order_by_first(Words *words)
{
    words->by_first = PyMem_Malloc((size_t)(words->count + 1) * sizeof(Py_ssize_t));
    words->first = PyMem_Malloc((size_t)(words->count + 1) * sizeof(Py_UCS4));
    if (words->by_first == NULL || words->first == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t k = 0; k < words->count; k++) {
        Py_UCS4 c = words->chars[words->start[k]];
        Py_ssize_t j = k;
        for (; j > 0 && words->first[j - 1] > c; j--) {
            words->first[j] = words->first[j - 1];
            words->by_first[j] = words->by_first[j - 1];
        }
        words->first[j] = c;
        words->by_first[j] = k;
    }
    return 0;
}

/* Words from a sequence of str (the order kept: alternations are tried in it). */
static int
read_words(PyObject *sequence, Words *words, Chars *first)
{
    PyObject *items = PySequence_Fast(sequence, "PlaceFinder: a sequence of str");
    if (items == NULL) {
        return -1;
    }
    Py_ssize_t count = PySequence_Fast_GET_SIZE(items), total = 0, k;
    for (k = 0; k < count; k++) {
        PyObject *word = PySequence_Fast_GET_ITEM(items, k);
        if (!PyUnicode_Check(word) || PyUnicode_GET_LENGTH(word) == 0) {
            PyErr_SetString(PyExc_TypeError, "PlaceFinder: words are non-empty str");
            Py_DECREF(items);
            return -1;
        }
        total += PyUnicode_GET_LENGTH(word);
    }
    words->chars = PyMem_Malloc((size_t)(total + 1) * sizeof(Py_UCS4));
    words->start = PyMem_Malloc((size_t)(count + 1) * sizeof(Py_ssize_t));
    if (first != NULL) {
        first->chars = PyMem_Malloc((size_t)(count + 1) * sizeof(Py_UCS4));
    }
    if (words->chars == NULL || words->start == NULL || (first != NULL && first->chars == NULL)) {
        Py_DECREF(items);
        PyErr_NoMemory();
        return -1;
    }
    words->count = count;
    words->start[0] = 0;
    for (k = 0; k < count; k++) {
        PyObject *word = PySequence_Fast_GET_ITEM(items, k);
        Py_ssize_t length = PyUnicode_GET_LENGTH(word);
        if (PyUnicode_AsUCS4(word, words->chars + words->start[k], length, 0) == NULL) {
            Py_DECREF(items);
            return -1;
        }
        words->start[k + 1] = words->start[k] + length;
        if (first != NULL) {
            first->chars[k] = words->chars[words->start[k]];
        }
    }
    if (first != NULL) {
        first->count = count;
        qsort(first->chars, (size_t)count, sizeof(Py_UCS4), compare_chars);
        set_bits(first);
    }
    Py_DECREF(items);
    return order_by_first(words);
}

/* A set of characters from a str. */
static int
read_chars(PyObject *text, Chars *chars)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "PlaceFinder: characters as a str");
        return -1;
    }
    chars->chars = PyUnicode_AsUCS4Copy(text);
    if (chars->chars == NULL) {
        return -1;
    }
    chars->count = PyUnicode_GET_LENGTH(text);
    qsort(chars->chars, (size_t)chars->count, sizeof(Py_UCS4), compare_chars);
    set_bits(chars);
    return 0;
}

static int
read_flags(FinderObject *self, PyObject *flags)
{
    PyObject *items = PySequence_Fast(flags, "PlaceFinder: suffix flags as a sequence of int");
    if (items == NULL) {
        return -1;
    }
    if (PySequence_Fast_GET_SIZE(items) != self->suffixes.count) {
        PyErr_SetString(PyExc_ValueError, "PlaceFinder: one flag for each suffix");
        Py_DECREF(items);
        return -1;
    }
    self->suffix_flags = PyMem_Malloc((size_t)(self->suffixes.count + 1) * sizeof(int));
    if (self->suffix_flags == NULL) {
        Py_DECREF(items);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t k = 0; k < self->suffixes.count; k++) {
        long flag = PyLong_AsLong(PySequence_Fast_GET_ITEM(items, k));
        if (flag == -1 && PyErr_Occurred()) {
            Py_DECREF(items);
            return -1;
        }
        self->suffix_flags[k] = (int)flag;
    }
    Py_DECREF(items);
    return 0;
}

static int
finder_init(FinderObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *make, *kinds, *suffixes, *flags, *cut_words, *numerals, *measures, *cut_chars, *generic_start;
    PyObject *generic_names, *service_trades, *not_roads;
    Py_ssize_t max_name, min_prefix;
    static char *keywords[] = {"make", "kinds", "suffixes", "suffix_flags", "cut_words", "numerals", "measures",
                               "cut_chars", "generic_start", "generic_names", "service_trades", "not_roads",
                               "max_name", "min_prefix", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO!OOOUUUUOOOnn", keywords, &make, &PyTuple_Type, &kinds,
                                     &suffixes, &flags, &cut_words, &numerals, &measures, &cut_chars,
                                     &generic_start, &generic_names, &service_trades, &not_roads, &max_name,
                                     &min_prefix)) {
        return -1;
    }
    if (self->make != NULL) {
        PyErr_SetString(PyExc_ValueError, "PlaceFinder: starts once");
        return -1;
    }
    if (PyTuple_GET_SIZE(kinds) != 3 || max_name < 0 || min_prefix < 1) {
        PyErr_SetString(PyExc_ValueError, "PlaceFinder: three kinds, max_name >= 0, min_prefix >= 1");
        return -1;
    }
    if (read_words(suffixes, &self->suffixes, &self->suffix_first) < 0 || read_flags(self, flags) < 0 ||
        read_words(cut_words, &self->cut_words, &self->cut_first) < 0 || read_chars(numerals, &self->numerals) < 0 ||
        read_chars(measures, &self->measures) < 0 || read_chars(cut_chars, &self->cut_chars) < 0 ||
        read_chars(generic_start, &self->generic_start) < 0 ||
        read_words(generic_names, &self->generic_names, NULL) < 0 ||
        read_words(service_trades, &self->service_trades, NULL) < 0 ||
        read_words(not_roads, &self->not_roads, NULL) < 0) {
        return -1; /* what was read is freed by dealloc */
    }
    for (int k = 0; k < 3; k++) {
        self->kinds[k] = Py_NewRef(PyTuple_GET_ITEM(kinds, k));
    }
    self->max_name = max_name;
    self->min_prefix = min_prefix;
    self->make = Py_NewRef(make);
    return 0;
}

static void
free_words(Words *words)
{
    PyMem_Free(words->chars);
    PyMem_Free(words->start);
    PyMem_Free(words->by_first);
    PyMem_Free(words->first);
}

static void
finder_dealloc(FinderObject *self)
{
    Py_XDECREF(self->make);
    for (int k = 0; k < 3; k++) {
        Py_XDECREF(self->kinds[k]);
    }
    free_words(&self->suffixes);
    free_words(&self->cut_words);
    free_words(&self->generic_names);
    free_words(&self->service_trades);
    free_words(&self->not_roads);
    PyMem_Free(self->suffix_flags);
    PyMem_Free(self->suffix_first.chars);
    PyMem_Free(self->cut_first.chars);
    PyMem_Free(self->numerals.chars);
    PyMem_Free(self->measures.chars);
    PyMem_Free(self->cut_chars.chars);
    PyMem_Free(self->generic_start.chars);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef finder_methods[] = {
    {"find", (PyCFunction)finder_find, METH_O,
     "find(text) -> [Place]: the places text mentions, as places.extract_places finds them."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject FinderType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "minyi._issuestate.PlaceFinder",
    .tp_basicsize = sizeof(FinderObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The places and objects a message mentions (minyi.issues.detect.places), in C.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)finder_init,
    .tp_dealloc = (destructor)finder_dealloc,
    .tp_methods = finder_methods,
};

int
places_add_type(PyObject *module)
{
    if (PyType_Ready(&FinderType) < 0) {
        return -1;
    }
    Py_INCREF(&FinderType);
    if (PyModule_AddObject(module, "PlaceFinder", (PyObject *)&FinderType) < 0) {
        Py_DECREF(&FinderType);
        return -1;
    }
    return 0;
}
