/* Unknown and duplicate fields against OpenAPI schemas. Two walks share the schema decisions:
 * one over the JSON text (kube finds duplicates while decoding, which json-c hides by keeping
 * the last value, and reports in text order), one over the decoded object, which prunes. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/validation.h"
#include "generic/apis/xalloc.h"
#include "generic/openapi/fields.h"
#include "generic/openapi/openapi.h"

/* json-c refuses bodies nested deeper than 32; this only bounds our recursion. */
#define MAX_DEPTH 128

struct walk {
    struct openapi *oa; /* NULL: schemas have no references to follow */
    const char *group, *version;
    struct openapi_field_report *out; /* NULL: report nothing */
    const char *prefix;               /* put before each problem: "json patch " or "" */
    char *path;                       /* the member being looked at, "spec.containers[0]" */
    size_t len, cap;
    unsigned depth;
};

void openapi_field_report_release(struct openapi_field_report *r)
{
    for (unsigned i = 0; i < r->n; i++)
        free(r->problems[i]);
    r->n = 0;
}

static void path_add(struct walk *w, const char *s, size_t n)
{
    if (w->len + n + 1 > w->cap) {
        w->cap = (w->len + n + 1) * 2;
        w->path = xrealloc(w->path, w->cap);
    }
    memcpy(w->path + w->len, s, n);
    w->len += n;
    w->path[w->len] = '\0';
}

/* Appends .key (key alone at the top) and returns the length to restore. */
static size_t push_key(struct walk *w, const char *key)
{
    size_t old = w->len;

    if (old)
        path_add(w, ".", 1);
    path_add(w, key, strlen(key));
    return old;
}

static size_t push_index(struct walk *w, size_t i)
{
    size_t old = w->len;
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "[%zu]", i);

    path_add(w, buf, (size_t)n);
    return old;
}

static void pop(struct walk *w, size_t old)
{
    w->len = old;
    if (w->path)
        w->path[old] = '\0';
}

/* Records `<prefix><what> "<path>.<key>"` unless already there or the report is full. */
static void report(struct walk *w, const char *what, const char *key)
{
    struct openapi_field_report *r = w->out;
    size_t old, size;
    char *quoted, *msg;

    if (!r || r->n >= OPENAPI_FIELD_REPORT_MAX)
        return;
    old = push_key(w, key);
    size = 4 * w->len + 3; /* Go's %q writes at most \xNN per byte */
    quoted = xmalloc(size);
    validation_quote(quoted, size, w->path);
    pop(w, old);
    msg = xmalloc(strlen(w->prefix) + strlen(what) + strlen(quoted) + 2);
    sprintf(msg, "%s%s %s", w->prefix, what, quoted);
    free(quoted);
    for (unsigned i = 0; i < r->n; i++) {
        if (strcmp(r->problems[i], msg) == 0) {
            free(msg);
            return;
        }
    }
    r->problems[r->n++] = msg;
}

static bool is_true(struct json_object *schema, const char *ext)
{
    struct json_object *v;

    return json_object_object_get_ex(schema, ext, &v) && json_object_get_boolean(v);
}

/* The schema that describes a value; NULL (anything goes) when it is absent or dangles. */
static struct json_object *resolve(struct walk *w, struct json_object *schema)
{
    if (!schema || !json_object_is_type(schema, json_type_object))
        return NULL;
    return w->oa ? openapi_resolve(w->oa, w->group, w->version, schema) : schema;
}

static bool embedded_member(struct json_object *schema, const char *key)
{
    return is_true(schema, "x-kubernetes-embedded-resource") &&
           (strcmp(key, "apiVersion") == 0 || strcmp(key, "kind") == 0 ||
            strcmp(key, "metadata") == 0);
}

/* Whether an object of schema (resolved; NULL knows everything) has member key, and the
 * member's schema in *child (NULL: anything goes). The top level (an empty path) always knows
 * apiVersion and kind, as TypeMeta does. */
static bool member(struct walk *w, struct json_object *schema, const char *key,
                   struct json_object **child)
{
    struct json_object *props = NULL, *prop, *more;
    bool has_props;

    *child = NULL;
    if (!schema)
        return true;
    has_props = json_object_object_get_ex(schema, "properties", &props) &&
                json_object_is_type(props, json_type_object);
    if (has_props && json_object_object_get_ex(props, key, &prop)) {
        *child = resolve(w, prop);
        return true;
    }
    if (is_true(schema, "x-kubernetes-preserve-unknown-fields") || embedded_member(schema, key) ||
        (w->len == 0 && (strcmp(key, "apiVersion") == 0 || strcmp(key, "kind") == 0)))
        return true;
    if (json_object_object_get_ex(schema, "additionalProperties", &more)) {
        if (json_object_is_type(more, json_type_boolean))
            return json_object_get_boolean(more);
        *child = resolve(w, more);
        return true;
    }
    return !has_props;
}

static struct json_object *items_of(struct walk *w, struct json_object *schema)
{
    struct json_object *items;

    if (!schema || !json_object_object_get_ex(schema, "items", &items))
        return NULL;
    return resolve(w, items);
}

/* ---- the decoded object ---- */

static void walk_value(struct walk *w, struct json_object *schema, struct json_object *v,
                       bool prune);

static void walk_object(struct walk *w, struct json_object *schema, struct json_object *obj,
                        bool prune)
{
    struct json_object *child;
    size_t old;

    json_object_object_foreach(obj, key, val) {
        if (!member(w, schema, key, &child)) {
            report(w, "unknown field", key);
            if (prune) /* the iteration already holds the next entry */
                json_object_object_del(obj, key);
            continue;
        }
        old = push_key(w, key);
        walk_value(w, child, val, prune);
        pop(w, old);
    }
}

static void walk_value(struct walk *w, struct json_object *schema, struct json_object *v,
                       bool prune)
{
    struct json_object *items;
    size_t i, n, old;

    if (!schema || w->depth >= MAX_DEPTH) /* nothing below is unknown */
        return;
    w->depth++;
    if (json_object_is_type(v, json_type_object)) {
        walk_object(w, schema, v, prune);
    } else if (json_object_is_type(v, json_type_array)) {
        items = items_of(w, schema);
        n = items ? json_object_array_length(v) : 0;
        for (i = 0; i < n; i++) {
            old = push_index(w, i);
            walk_value(w, items, json_object_array_get_idx(v, i), prune);
            pop(w, old);
        }
    }
    w->depth--;
}

/* ---- the JSON text ---- */

struct text {
    const char *p, *end;
};

static void skip_ws(struct text *t)
{
    while (t->p < t->end && (*t->p == ' ' || *t->p == '\t' || *t->p == '\n' || *t->p == '\r'))
        t->p++;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;

    for (int i = 0; i < 4; i++) {
        int c = p[i];

        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            v |= (unsigned)((c | 0x20) - 'a' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* \uXXXX at t->p (after the backslash and 'u'), a surrogate pair joined; unpaired halves
 * become U+FFFD as Go decodes them. Writes UTF-8 to o and returns its length, 0 on bad hex. */
static size_t unicode_escape(struct text *t, char *o)
{
    unsigned cp, lo;

    if (t->end - t->p < 4 || hex4(t->p, &cp) < 0)
        return 0;
    t->p += 4;
    if (cp >= 0xd800 && cp < 0xdc00 && t->end - t->p >= 6 && t->p[0] == '\\' && t->p[1] == 'u' &&
        hex4(t->p + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
        t->p += 6;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    } else if (cp >= 0xd800 && cp < 0xe000) {
        cp = 0xfffd;
    }
    return put_utf8(o, cp);
}

/* The escape after a backslash at t->p, decoded into u (4 bytes); its length, 0 when bad. */
static size_t read_escape(struct text *t, char *u)
{
    static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t"; /* pairs: letter, byte */
    const char *e;

    if (*t->p == 'u') {
        t->p++;
        return unicode_escape(t, u);
    }
    for (e = simple; *e && *e != *t->p; e += 2)
        ;
    if (!*e)
        return 0;
    u[0] = e[1];
    t->p++;
    return 1;
}

/* The string at t->p (its opening quote), decoded into a new string the caller frees when out
 * is given; -1 when malformed. */
static int read_string(struct text *t, char **out)
{
    const char *start = ++t->p;
    char *buf = out ? xmalloc((size_t)(t->end - start) + 1) : NULL, *o = buf, u[4];
    size_t n;

    while (t->p < t->end && *t->p != '"') {
        if (*t->p != '\\') {
            u[0] = *t->p++;
            n = 1;
        } else {
            t->p++;
            n = t->p < t->end ? read_escape(t, u) : 0;
            if (!n)
                break;
        }
        if (o) {
            memcpy(o, u, n);
            o += n;
        }
    }
    if (t->p >= t->end || *t->p != '"') {
        free(buf);
        return -1;
    }
    t->p++;
    if (out) {
        *o = '\0';
        *out = buf;
    }
    return 0;
}

static int scan_value(struct walk *w, struct text *t, struct json_object *schema, bool quiet);

/* One member of an object: its key, the colon, its value, checked against schema unless
 * quiet (the value of an unknown member); seen holds the keys met so far. */
static int scan_member(struct walk *w, struct text *t, struct json_object *schema, bool quiet,
                       struct json_object *seen)
{
    struct json_object *child = NULL;
    char *key = NULL;
    bool known = true;
    size_t old;
    int rc;

    if (t->p >= t->end || *t->p != '"' || read_string(t, quiet ? NULL : &key) < 0)
        return -1;
    skip_ws(t);
    if (t->p >= t->end || *t->p++ != ':') {
        free(key);
        return -1;
    }
    if (!quiet) {
        known = member(w, schema, key, &child);
        if (!known)
            report(w, "unknown field", key);
        else if (json_object_object_get_ex(seen, key, NULL))
            report(w, "duplicate field", key);
        else
            json_object_object_add(seen, key, NULL);
    }
    old = quiet ? 0 : push_key(w, key);
    rc = scan_value(w, t, child, quiet || !known);
    if (!quiet)
        pop(w, old);
    free(key);
    return rc;
}

static int scan_object(struct walk *w, struct text *t, struct json_object *schema, bool quiet)
{
    struct json_object *seen = quiet ? NULL : json_object_new_object();
    int rc = 0;

    t->p++;
    skip_ws(t);
    if (t->p < t->end && *t->p == '}') {
        t->p++;
        goto out;
    }
    for (;;) {
        skip_ws(t);
        rc = scan_member(w, t, schema, quiet, seen);
        if (rc < 0)
            goto out;
        skip_ws(t);
        if (t->p < t->end && *t->p == ',') {
            t->p++;
            continue;
        }
        if (t->p >= t->end || *t->p++ != '}')
            rc = -1;
        goto out;
    }
out:
    json_object_put(seen);
    return rc;
}

static int scan_array(struct walk *w, struct text *t, struct json_object *schema, bool quiet)
{
    struct json_object *items = quiet ? NULL : items_of(w, schema);
    size_t i = 0, old;
    int rc;

    t->p++;
    skip_ws(t);
    if (t->p < t->end && *t->p == ']') {
        t->p++;
        return 0;
    }
    for (;; i++) {
        old = quiet ? 0 : push_index(w, i);
        rc = scan_value(w, t, items, quiet);
        if (!quiet)
            pop(w, old);
        skip_ws(t);
        if (rc < 0 || t->p >= t->end)
            return -1;
        if (*t->p++ == ']')
            return 0;
        if (t->p[-1] != ',')
            return -1;
    }
}

/* A number, true, false or null: json-c already checked the text, so this only finds its end. */
static int scan_scalar(struct text *t)
{
    const char *start = t->p;

    while (t->p < t->end && strchr(",]} \t\r\n", *t->p) == NULL)
        t->p++;
    return t->p > start ? 0 : -1;
}

static int scan_value(struct walk *w, struct text *t, struct json_object *schema, bool quiet)
{
    int rc;

    skip_ws(t);
    if (t->p >= t->end || w->depth >= MAX_DEPTH)
        return -1;
    w->depth++;
    if (*t->p == '{')
        rc = scan_object(w, t, schema, quiet);
    else if (*t->p == '[')
        rc = scan_array(w, t, schema, quiet);
    else if (*t->p == '"')
        rc = read_string(t, NULL);
    else
        rc = scan_scalar(t);
    w->depth--;
    return rc;
}

static int scan_text(struct walk *w, struct json_object *schema, const char *raw, size_t len)
{
    struct text t = {raw, raw + len};

    if (scan_value(w, &t, schema, false) < 0)
        return -1;
    skip_ws(&t);
    return t.p == t.end ? 0 : -1;
}

/* ---- entry points ---- */

static struct json_object *kind_schema(struct walk *w, const char *kind)
{
    if (!w->oa || !kind)
        return NULL;
    return resolve(w, openapi_schema(w->oa, w->group, w->version, kind));
}

int openapi_prune(struct openapi *oa, const char *group, const char *version, const char *kind,
                  struct json_object *obj, const char *raw, size_t rawlen,
                  struct openapi_field_report *out)
{
    struct walk w = {.oa = oa, .group = group, .version = version, .out = out, .prefix = ""};
    struct json_object *schema = kind_schema(&w, kind);
    int rc = 0;

    if (raw) {
        rc = scan_text(&w, schema, raw, rawlen);
        if (rc == 0) /* the text said it all; else json-c took what Go's decoder would refuse */
            w.out = NULL;
        pop(&w, 0);
    }
    w.depth = 0;
    walk_value(&w, schema, obj, true);
    free(w.path);
    return rc;
}

void openapi_unknown_fields(struct openapi *oa, const char *group, const char *version,
                            const char *kind, struct json_object *obj,
                            struct openapi_field_report *out)
{
    struct walk w = {.oa = oa, .group = group, .version = version, .out = out, .prefix = ""};

    walk_value(&w, kind_schema(&w, kind), obj, false);
    free(w.path);
}

/* An RFC 6902 operation as kube decodes it: op, path, from, and value, which may hold anything. */
static const char json_patch_schema[] =
    "{\"items\":{\"properties\":{\"op\":{},\"path\":{},\"from\":{},\"value\":{}}}}";

int openapi_patch_problems(const char *raw, size_t rawlen, int json_patch,
                           struct openapi_field_report *out)
{
    struct walk w = {.out = out, .prefix = json_patch ? "json patch " : ""};
    struct json_object *schema = json_patch ? json_tokener_parse(json_patch_schema) : NULL;
    int rc = scan_text(&w, schema, raw, rawlen);

    json_object_put(schema);
    free(w.path);
    return rc;
}
