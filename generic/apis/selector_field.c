/* Field selectors. kube splits the string at unescaped commas, sorts the raw terms, and cuts each
 * term at its first operator: field names know no escapes, values know three (\\ \, \=). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generic/apis/selector.h"
#include "generic/apis/selector_internal.h"
#include "generic/apis/validation.h"
#include "generic/apis/xalloc.h"

/* Copies of the comma-separated terms of s; a backslash keeps the next byte in its term. */
static char **split_terms(const char *s, size_t *n)
{
    size_t cap = 4, start = 0, i;
    char **terms = xmalloc(cap * sizeof(*terms));
    int in_slash = 0;

    *n = 0;
    for (i = 0;; i++) {
        if (*n == cap) {
            cap *= 2;
            terms = xrealloc(terms, cap * sizeof(*terms));
        }
        if (s[i] == '\0' || (s[i] == ',' && !in_slash)) {
            terms[(*n)++] = xstrndup(s + start, i - start);
            start = i + 1;
        }
        if (s[i] == '\0')
            return terms;
        in_slash = !in_slash && s[i] == '\\';
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first operator in term, trying "!=", then "==", then "=" at each position. */
static const char *find_op(const char *term, enum selector_op *op, size_t *len)
{
    for (; *term; term++) {
        if (term[0] == '!' && term[1] == '=') {
            *op = SELECTOR_NOT_EQUALS;
            *len = 2;
            return term;
        }
        if (term[0] == '=') {
            *op = SELECTOR_EQUALS;
            *len = term[1] == '=' ? 2 : 1;
            return term;
        }
    }
    return NULL;
}

/* kube's UnescapeValue. It rewrites what it decodes rune by rune, so once a value holds any of
 * \ , = its bytes that are not UTF-8 come out as U+FFFD, and so do they here. */
static char *unescape(const char *s, char *msg, size_t size)
{
    struct selector_buf b = {NULL, 0, 0};
    const char *rune;
    size_t len, rlen;
    int in_slash = 0;

    selector_buf_add(&b, "", 0);
    if (!strpbrk(s, "\\,=")) {
        selector_buf_add(&b, s, strlen(s));
        return b.p;
    }
    for (; *s; s += len) {
        len = validation_utf8_len(s);
        rune = len ? s : "\xef\xbf\xbd";
        rlen = len ? len : 3;
        len = len ? len : 1;
        if (in_slash && !strchr("\\,=", *s)) {
            snprintf(msg, size, "invalid field selector: invalid escape sequence: \\%.*s",
                     (int)rlen, rune);
            goto fail;
        }
        if (!in_slash && (*s == ',' || *s == '=')) {
            snprintf(msg, size, "invalid field selector: unescaped character in value: %d", *s);
            goto fail;
        }
        if (in_slash || *s != '\\')
            selector_buf_add(&b, rune, rlen);
        in_slash = !in_slash && *s == '\\';
    }
    if (!in_slash)
        return b.p;
    snprintf(msg, size, "invalid field selector: invalid escape sequence: \\");
fail:
    free(b.p);
    return NULL;
}

/* One raw term into sel; -1 with msg set when it is not field<op>value. */
static int add_term(struct selector *sel, const char *whole, const char *term, char *msg,
                    size_t size)
{
    enum selector_op op;
    size_t oplen;
    const char *at = find_op(term, &op, &oplen);
    char *value, **values;

    if (!at) {
        snprintf(msg, size, "invalid selector: '%s'; can't understand '%s'", whole, term);
        return -1;
    }
    value = unescape(at + oplen, msg, size);
    if (!value)
        return -1;
    if (at == term && !value[0]) { /* kube drops a term whose field and value are both empty */
        free(value);
        return 0;
    }
    values = xmalloc(sizeof(*values));
    values[0] = value;
    selector_add(sel, xstrndup(term, (size_t)(at - term)), op, values, 1);
    return 0;
}

struct selector *selector_field_parse(const char *s, struct apierr *err)
{
    struct selector *sel = selector_alloc(true);
    char msg[sizeof(err->message)];
    size_t i, n = 0;
    char **terms = split_terms(s ? s : "", &n);
    int rc = 0;

    qsort(terms, n, sizeof(*terms), cmp_str);
    for (i = 0; i < n && rc == 0; i++) {
        if (terms[i][0])
            rc = add_term(sel, s, terms[i], msg, sizeof(msg));
    }
    for (i = 0; i < n; i++)
        free(terms[i]);
    free(terms);
    if (rc == 0)
        return sel;
    apierr_set(err, APIERR_BAD_REQUEST, "%s", msg);
    selector_free(sel);
    return NULL;
}

static void escape_value(const char *v, struct selector_buf *b)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == ',' || *v == '=')
            selector_buf_add(b, "\\", 1);
        selector_buf_add(b, v, 1);
    }
}

void selector_field_string(const struct selector *sel, struct selector_buf *b)
{
    size_t i;

    for (i = 0; i < sel->n; i++) {
        const struct selector_req *r = &sel->reqs[i];

        if (i)
            selector_buf_add(b, ",", 1);
        selector_buf_add(b, r->key, strlen(r->key));
        selector_buf_add(b, r->op == SELECTOR_NOT_EQUALS ? "!=" : "=",
                         r->op == SELECTOR_NOT_EQUALS ? 2 : 1);
        escape_value(r->values[0], b);
    }
}

bool selector_field_match(const struct selector *sel, selector_field_fn *get, void *arg)
{
    size_t i;

    assert(!sel || sel->fields);
    for (i = 0; sel && i < sel->n; i++) {
        const struct selector_req *r = &sel->reqs[i];
        const char *v = get(arg, r->key);
        bool equal = strcmp(v ? v : "", r->values[0]) == 0;

        if (equal != (r->op == SELECTOR_EQUALS))
            return false;
    }
    return true;
}

const char *selector_field_json(void *arg, const char *field)
{
    struct json_object *obj = arg;
    char *path = xstrdup(field), *seg = path, *dot;

    for (; obj; seg = dot + 1) {
        dot = strchr(seg, '.');
        if (dot)
            *dot = '\0';
        if (!json_object_object_get_ex(obj, seg, &obj))
            obj = NULL;
        if (!dot)
            break;
    }
    free(path);
    if (!obj || json_object_is_type(obj, json_type_object) ||
        json_object_is_type(obj, json_type_array))
        return NULL;
    return json_object_get_string(obj);
}

bool selector_field_match_object(const struct selector *sel, struct json_object *obj)
{
    return selector_field_match(sel, selector_field_json, obj);
}

bool selector_field_requires(const struct selector *sel, const char *field, const char **value)
{
    size_t i;

    assert(!sel || sel->fields);
    for (i = 0; sel && i < sel->n; i++) {
        if (sel->reqs[i].op == SELECTOR_EQUALS && strcmp(sel->reqs[i].key, field) == 0) {
            *value = sel->reqs[i].values[0];
            return true;
        }
    }
    return false;
}

int selector_field_check(const struct selector *sel, const char *const *allowed, struct apierr *err)
{
    size_t i, j;

    assert(!sel || sel->fields);
    for (i = 0; sel && i < sel->n; i++) {
        for (j = 0; allowed && allowed[j] && strcmp(allowed[j], sel->reqs[i].key) != 0; j++)
            ;
        if (!allowed || !allowed[j])
            return apierr_set(err, APIERR_BAD_REQUEST, "field label not supported: %s",
                              sel->reqs[i].key);
    }
    return 0;
}
