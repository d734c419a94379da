/* Label selectors, and what label and field selectors share. The parser follows kube's: the
 * whole string is lexed first, then a recursive descent reads requirements with one token of
 * lookahead, so the errors name the same token kube's do. */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generic/apis/selector.h"
#include "generic/apis/selector_internal.h"
#include "generic/apis/validation.h"
#include "generic/apis/xalloc.h"

enum tok {
    T_EOS,
    T_IDENT,
    T_IN,
    T_NOTIN,
    T_NOT,
    T_EQ,
    T_DEQ,
    T_NEQ,
    T_GT,
    T_LT,
    T_OPEN,
    T_CLOSE,
    T_COMMA
};

struct token {
    enum tok tok;
    int len;
    const char *s; /* into the selector string */
};

struct strlist {
    char **v;
    size_t n, cap;
};

struct parser {
    struct token *toks;
    size_t ntoks, pos;
    char msg[sizeof(((struct apierr *)0)->message)];
};

struct selector *selector_alloc(bool fields)
{
    struct selector *sel = xcalloc(1, sizeof(*sel));

    sel->fields = fields;
    return sel;
}

void selector_add(struct selector *sel, char *key, enum selector_op op, char **values,
                  size_t nvalues)
{
    if (sel->n == sel->cap) {
        sel->cap = sel->cap ? sel->cap * 2 : 4;
        sel->reqs = xrealloc(sel->reqs, sel->cap * sizeof(*sel->reqs));
    }
    sel->reqs[sel->n++] = (struct selector_req){key, op, nvalues, (const char *const *)values};
}

void selector_free(struct selector *sel)
{
    size_t i, j;

    if (!sel)
        return;
    for (i = 0; i < sel->n; i++) {
        for (j = 0; j < sel->reqs[i].nvalues; j++)
            free((char *)sel->reqs[i].values[j]);
        free((void *)sel->reqs[i].values);
        free((char *)sel->reqs[i].key);
    }
    free(sel->reqs);
    free(sel);
}

bool selector_empty(const struct selector *sel)
{
    return !sel || sel->n == 0;
}

const struct selector_req *selector_reqs(const struct selector *sel, size_t *n)
{
    *n = sel ? sel->n : 0;
    return sel ? sel->reqs : NULL;
}

void selector_buf_add(struct selector_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_str(struct selector_buf *b, const char *s)
{
    selector_buf_add(b, s, strlen(s));
}

static void label_req_string(const struct selector_req *r, struct selector_buf *b)
{
    static const char *const ops[] = {[SELECTOR_EQUALS] = "=",
                                      [SELECTOR_DOUBLE_EQUALS] = "==",
                                      [SELECTOR_NOT_EQUALS] = "!=",
                                      [SELECTOR_IN] = " in ",
                                      [SELECTOR_NOT_IN] = " notin ",
                                      [SELECTOR_EXISTS] = "",
                                      [SELECTOR_NOT_EXISTS] = "",
                                      [SELECTOR_GT] = ">",
                                      [SELECTOR_LT] = "<"};
    bool set = r->op == SELECTOR_IN || r->op == SELECTOR_NOT_IN;
    size_t i;

    buf_str(b, r->op == SELECTOR_NOT_EXISTS ? "!" : "");
    buf_str(b, r->key);
    buf_str(b, ops[r->op]);
    if (r->op == SELECTOR_EXISTS || r->op == SELECTOR_NOT_EXISTS)
        return;
    buf_str(b, set ? "(" : "");
    for (i = 0; i < r->nvalues; i++) {
        buf_str(b, i ? "," : "");
        buf_str(b, r->values[i]);
    }
    buf_str(b, set ? ")" : "");
}

char *selector_string(const struct selector *sel)
{
    struct selector_buf b = {NULL, 0, 0};
    size_t i;

    buf_str(&b, "");
    if (sel && sel->fields) {
        selector_field_string(sel, &b);
        return b.p;
    }
    for (i = 0; sel && i < sel->n; i++) {
        buf_str(&b, i ? "," : "");
        label_req_string(&sel->reqs[i], &b);
    }
    return b.p;
}

bool selector_label_requires(const struct selector *sel, const char *key, const char **value)
{
    size_t i;

    assert(!sel || !sel->fields);
    for (i = 0; sel && i < sel->n; i++) {
        const struct selector_req *r = &sel->reqs[i];

        if (strcmp(r->key, key) != 0)
            continue;
        if ((r->op == SELECTOR_EQUALS || r->op == SELECTOR_DOUBLE_EQUALS || r->op == SELECTOR_IN) &&
            r->nvalues == 1) {
            *value = r->values[0];
            return true;
        }
        return false;
    }
    return false;
}

/* Go's strconv.ParseInt(s, 10, 64): an optional sign, then decimal digits only. */
static bool parse_int64(const char *s, int64_t *out)
{
    const char *p = s + (s[0] == '+' || s[0] == '-');
    char *end;
    long long v;

    if (*p < '0' || *p > '9')
        return false;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static bool req_match(const struct selector_req *r, struct json_object *labels)
{
    struct json_object *v;
    bool has = json_object_object_get_ex(labels, r->key, &v);
    const char *val = has && json_object_get_string(v) ? json_object_get_string(v) : "";
    int64_t a, b;
    size_t i;

    switch (r->op) {
    case SELECTOR_EXISTS:
        return has;
    case SELECTOR_NOT_EXISTS:
        return !has;
    case SELECTOR_GT:
    case SELECTOR_LT:
        if (!has || r->nvalues != 1 || !parse_int64(val, &a) || !parse_int64(r->values[0], &b))
            return false;
        return r->op == SELECTOR_GT ? a > b : a < b;
    default:
        break;
    }
    for (i = 0; has && i < r->nvalues && strcmp(r->values[i], val) != 0; i++)
        ;
    if (r->op == SELECTOR_NOT_EQUALS || r->op == SELECTOR_NOT_IN)
        return !has || i == r->nvalues;
    return has && i < r->nvalues;
}

bool selector_label_match(const struct selector *sel, struct json_object *labels)
{
    size_t i;

    assert(!sel || !sel->fields);
    for (i = 0; sel && i < sel->n; i++) {
        if (!req_match(&sel->reqs[i], labels))
            return false;
    }
    return true;
}

/* The lexer. */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_special(char c)
{
    return c && strchr("=!(),><", c) != NULL;
}

static enum tok special_tok(const char *s, int *len)
{
    static const char chars[] = "=!(),><";
    static const enum tok toks[] = {T_EQ, T_NOT, T_OPEN, T_CLOSE, T_COMMA, T_GT, T_LT};

    *len = 1;
    if ((s[0] == '!' || s[0] == '=') && s[1] == '=') {
        *len = 2;
        return s[0] == '!' ? T_NEQ : T_DEQ;
    }
    return toks[strchr(chars, s[0]) - chars];
}

static const char *lex_one(const char *s, struct token *t)
{
    while (is_blank(*s))
        s++;
    t->s = s;
    t->len = 0;
    t->tok = T_EOS;
    if (!*s)
        return s;
    if (is_special(*s)) {
        t->tok = special_tok(s, &t->len);
        return s + t->len;
    }
    while (s[t->len] && !is_special(s[t->len]) && !is_blank(s[t->len]))
        t->len++;
    t->tok = T_IDENT;
    if (t->len == 2 && strncmp(s, "in", 2) == 0)
        t->tok = T_IN;
    if (t->len == 5 && strncmp(s, "notin", 5) == 0)
        t->tok = T_NOTIN;
    return s + t->len;
}

static void lex(struct parser *p, const char *s)
{
    size_t cap = 8;

    p->toks = xmalloc(cap * sizeof(*p->toks));
    for (;;) {
        if (p->ntoks == cap) {
            cap *= 2;
            p->toks = xrealloc(p->toks, cap * sizeof(*p->toks));
        }
        s = lex_one(s, &p->toks[p->ntoks]);
        if (p->toks[p->ntoks++].tok == T_EOS)
            return;
    }
}

/* In a value's place the keywords are plain identifiers: "x in (in,notin)". */
static struct token peek(const struct parser *p, bool value)
{
    struct token t = p->toks[p->pos];

    if (value && (t.tok == T_IN || t.tok == T_NOTIN))
        t.tok = T_IDENT;
    return t;
}

static struct token next(struct parser *p, bool value)
{
    struct token t = peek(p, value);

    if (t.tok != T_EOS)
        p->pos++;
    return t;
}

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
    va_end(ap);
    return -1;
}

static void list_add(struct strlist *l, const char *s, size_t n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 2;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = xstrndup(s, n);
}

static void list_free(struct strlist *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* kube keeps values in a set and hands them over sorted. */
static void list_sort_unique(struct strlist *l)
{
    size_t i, k = 0;

    qsort(l->v, l->n, sizeof(*l->v), cmp_str);
    for (i = 0; i < l->n; i++) {
        if (k > 0 && strcmp(l->v[k - 1], l->v[i]) == 0)
            free(l->v[i]);
        else
            l->v[k++] = l->v[i];
    }
    l->n = k;
}

/* `a; b` of a check's messages. */
static void join_msgs(char *buf, size_t size, const char **msgs, int n)
{
    size_t len = 0;
    int i;

    buf[0] = '\0';
    for (i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "; " : "", msgs[i]);
}

/* A bad key is reported as a field error on kube's nil path, hence the "<nil>". */
static int check_key(struct parser *p, const char *key)
{
    const char *msgs[VALIDATION_MAX_MSGS];
    char quoted[384], joined[sizeof(p->msg)];
    int n = validation_qualified_name(key, msgs);

    if (n == 0)
        return 0;
    validation_quote(quoted, sizeof(quoted), key);
    join_msgs(joined, sizeof(joined), msgs, n);
    return fail(p, "<nil>: Invalid value: %s: %s", quoted, joined);
}

/* key or !key; *op is left at -1 when an operator and values follow. */
static int parse_key(struct parser *p, char **key, int *op)
{
    struct token t = next(p, true);

    *op = -1;
    if (t.tok == T_NOT) {
        *op = SELECTOR_NOT_EXISTS;
        t = next(p, true);
    }
    if (t.tok != T_IDENT)
        return fail(p, "found '%.*s', expected: identifier", t.len, t.s);
    *key = xstrndup(t.s, (size_t)t.len);
    if (check_key(p, *key) < 0)
        return -1;
    t = peek(p, true);
    if (*op < 0 && (t.tok == T_EOS || t.tok == T_COMMA))
        *op = SELECTOR_EXISTS;
    return 0;
}

static int parse_op(struct parser *p, int *op)
{
    struct token t = next(p, false);

    switch (t.tok) {
    case T_IN:
        *op = SELECTOR_IN;
        return 0;
    case T_NOTIN:
        *op = SELECTOR_NOT_IN;
        return 0;
    case T_EQ:
        *op = SELECTOR_EQUALS;
        return 0;
    case T_DEQ:
        *op = SELECTOR_DOUBLE_EQUALS;
        return 0;
    case T_NEQ:
        *op = SELECTOR_NOT_EQUALS;
        return 0;
    case T_GT:
        *op = SELECTOR_GT;
        return 0;
    case T_LT:
        *op = SELECTOR_LT;
        return 0;
    default:
        return fail(p, "found '%.*s', expected: in, notin, =, ==, !=, gt, lt", t.len, t.s);
    }
}

/* The inside of "(a,,b)": empty entries stand for the empty value, as in kube. */
static int parse_list(struct parser *p, struct strlist *vals)
{
    struct token t, ahead;

    for (;;) {
        t = next(p, true);
        ahead = peek(p, true);
        if (t.tok == T_IDENT) {
            list_add(vals, t.s, (size_t)t.len);
            if (ahead.tok == T_CLOSE)
                return 0;
            if (ahead.tok != T_COMMA)
                return fail(p, "found '%.*s', expected: ',' or ')'", ahead.len, ahead.s);
            continue;
        }
        if (t.tok != T_COMMA)
            return fail(p, "found '%.*s', expected: ',', or identifier", t.len, t.s);
        if (vals->n == 0 || ahead.tok == T_CLOSE || ahead.tok == T_COMMA)
            list_add(vals, "", 0);
        if (ahead.tok == T_CLOSE)
            return 0;
    }
}

static int parse_set(struct parser *p, struct strlist *vals)
{
    struct token t = next(p, true);

    if (t.tok != T_OPEN)
        return fail(p, "found '%.*s' expected: '('", t.len, t.s);
    t = peek(p, true);
    if (t.tok == T_CLOSE) {
        next(p, true);
        list_add(vals, "", 0);
        return 0;
    }
    if (t.tok != T_IDENT && t.tok != T_COMMA)
        return fail(p, "found '%.*s', expected: ',', ')' or identifier", t.len, t.s);
    if (parse_list(p, vals) < 0)
        return -1;
    next(p, true); /* the ')' parse_list saw */
    return 0;
}

static int parse_exact(struct parser *p, struct strlist *vals)
{
    struct token t = peek(p, true);

    if (t.tok == T_EOS || t.tok == T_COMMA) {
        list_add(vals, "", 0);
        return 0;
    }
    t = next(p, true);
    if (t.tok != T_IDENT)
        return fail(p, "found '%.*s', expected: identifier", t.len, t.s);
    list_add(vals, t.s, (size_t)t.len);
    return 0;
}

/* One field error into kube's aggregate of them, which joins several with ", " inside [ ]. The
 * messages never repeat (the values are distinct), so nothing needs removing as kube would. */
static void aggregate(struct selector_buf *b, int *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void aggregate(struct selector_buf *b, int *n, const char *fmt, ...)
{
    char one[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(one, sizeof(one), fmt, ap);
    va_end(ap);
    if ((*n)++)
        buf_str(b, ", ");
    buf_str(b, one);
}

/* kube's NewRequirement checks of the values: integers for gt and lt, label values for all. */
static int check_values(struct parser *p, const char *key, int op, const struct strlist *vals)
{
    const char *msgs[VALIDATION_MAX_MSGS];
    char quoted[160], joined[768];
    struct selector_buf b = {NULL, 0, 0};
    int n = 0, k;
    int64_t ignored;
    size_t i;

    if ((op == SELECTOR_GT || op == SELECTOR_LT) && !parse_int64(vals->v[0], &ignored)) {
        validation_quote(quoted, sizeof(quoted), vals->v[0]);
        aggregate(&b, &n,
                  "values[0]: Invalid value: %s: for 'Gt', 'Lt' operators, the value "
                  "must be an integer",
                  quoted);
    }
    for (i = 0; i < vals->n; i++) {
        k = validation_label_value(vals->v[i], msgs);
        if (k == 0)
            continue;
        validation_quote(quoted, sizeof(quoted), vals->v[i]);
        join_msgs(joined, sizeof(joined), msgs, k);
        aggregate(&b, &n, "values[%zu][%s]: Invalid value: %s: %s", i, key, quoted, joined);
    }
    if (n > 1)
        fail(p, "[%s]", b.p);
    else if (n)
        fail(p, "%s", b.p);
    free(b.p);
    return n ? -1 : 0;
}

static int parse_requirement(struct parser *p, struct selector *sel)
{
    struct strlist vals = {NULL, 0, 0};
    char *key = NULL;
    int op;

    if (parse_key(p, &key, &op) < 0)
        goto fail;
    if (op >= 0) {
        selector_add(sel, key, (enum selector_op)op, NULL, 0);
        return 0;
    }
    if (parse_op(p, &op) < 0)
        goto fail;
    if ((op == SELECTOR_IN || op == SELECTOR_NOT_IN ? parse_set(p, &vals) : parse_exact(p, &vals)) <
        0)
        goto fail;
    list_sort_unique(&vals);
    if (check_values(p, key, op, &vals) < 0)
        goto fail;
    selector_add(sel, key, (enum selector_op)op, vals.v, vals.n);
    return 0;
fail:
    free(key);
    list_free(&vals);
    return -1;
}

/* Requirements separated by commas; 1 when a requirement failed (kube prefixes those errors). */
static int parse_all(struct parser *p, struct selector *sel)
{
    struct token t;

    for (;;) {
        t = peek(p, true);
        if (t.tok == T_EOS)
            return 0;
        if (t.tok != T_IDENT && t.tok != T_NOT)
            return fail(p, "found '%.*s', expected: !, identifier, or 'end of string'", t.len, t.s);
        if (parse_requirement(p, sel) < 0)
            return 1;
        t = next(p, true);
        if (t.tok == T_EOS)
            return 0;
        if (t.tok != T_COMMA)
            return fail(p, "found '%.*s', expected: ',' or 'end of string'", t.len, t.s);
        t = peek(p, true);
        if (t.tok != T_IDENT && t.tok != T_NOT)
            return fail(p, "found '%.*s', expected: identifier after ','", t.len, t.s);
    }
}

/* kube sorts requirements by key, in no particular order among equal keys; ours is total, so
 * String() never depends on qsort's whims. */
static int cmp_req(const void *a, const void *b)
{
    const struct selector_req *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    size_t i;

    if (c)
        return c;
    if (x->op != y->op)
        return x->op < y->op ? -1 : 1;
    for (i = 0; i < x->nvalues && i < y->nvalues; i++) {
        c = strcmp(x->values[i], y->values[i]);
        if (c)
            return c;
    }
    return (x->nvalues > y->nvalues) - (x->nvalues < y->nvalues);
}

struct selector *selector_label_parse(const char *s, struct apierr *err)
{
    struct parser *p = xcalloc(1, sizeof(*p));
    struct selector *sel = selector_alloc(false);
    int rc;

    lex(p, s ? s : "");
    rc = parse_all(p, sel);
    if (rc == 1)
        apierr_set(err, APIERR_BAD_REQUEST, "unable to parse requirement: %s", p->msg);
    else if (rc < 0)
        apierr_set(err, APIERR_BAD_REQUEST, "%s", p->msg);
    free(p->toks);
    free(p);
    if (rc != 0) {
        selector_free(sel);
        return NULL;
    }
    if (sel->n > 1)
        qsort(sel->reqs, sel->n, sizeof(*sel->reqs), cmp_req);
    return sel;
}
