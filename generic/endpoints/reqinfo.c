/* Request info: kube's RequestInfoFactory rules, applied to a decoded path and a raw query. */
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "generic/apis/xalloc.h"
#include "generic/endpoints/reqinfo.h"

/* The deepest segment the rules look at is the subresource of
 * /apis/<group>/<version>/<verb>/namespaces/<ns>/<resource>/<name>/<subresource>: index 8. */
#define MAXSEG 10

struct seg {
    const char *p;
    size_t len;
};

struct segs {
    struct seg s[MAXSEG];
    size_t n; /* every segment of the path, even those past MAXSEG */
};

static bool seg_is(const struct seg *s, const char *word)
{
    size_t len = strlen(word);

    return s->len == len && memcmp(s->p, word, len) == 0;
}

static bool word_in(const char *word, const char *const *list)
{
    for (; *list; list++) {
        if (strcmp(word, *list) == 0)
            return true;
    }
    return false;
}

static const struct seg *seg_at(const struct segs *sg, size_t i)
{
    assert(i < MAXSEG && i < sg->n);
    return &sg->s[i];
}

/* kube trims every leading and trailing '/' and splits the rest on '/', so "//" inside the
 * path yields an empty segment and "" or "/" yields none. */
static void split_path(const char *path, struct segs *sg)
{
    const char *end = path + strlen(path);

    sg->n = 0;
    while (path < end && *path == '/')
        path++;
    while (end > path && end[-1] == '/')
        end--;
    if (path == end)
        return;
    for (;;) {
        const char *slash = memchr(path, '/', (size_t)(end - path));
        const char *stop = slash ? slash : end;

        if (sg->n < MAXSEG)
            sg->s[sg->n] = (struct seg){path, (size_t)(stop - path)};
        sg->n++;
        if (!slash)
            return;
        path = slash + 1;
    }
}

static int copy_seg(char *dst, size_t size, const struct seg *s, const char *what,
                    struct apierr *err)
{
    if (s->len >= size)
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "%s \"%.40s...\" in the URL path is longer than %zu bytes", what, s->p,
                          size - 1);
    memcpy(dst, s->p, s->len);
    dst[s->len] = '\0';
    return 0;
}

/* A non-resource request keeps the lower-cased HTTP method as its verb. */
static int lower_method(struct reqinfo *ri, const char *method, struct apierr *err)
{
    size_t len = strlen(method);

    if (len >= sizeof(ri->verb))
        return apierr_set(err, APIERR_BAD_REQUEST, "HTTP method \"%.40s\" is not supported",
                          method);
    for (size_t i = 0; i <= len; i++) {
        char c = method[i];

        ri->verb[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    return 0;
}

/* Verbs for resource requests; an unknown method leaves the verb empty, as kube does. */
static const char *method_verb(const char *method)
{
    static const char *const map[][2] = {
        {"GET", "get"},    {"HEAD", "get"},    {"POST", "create"},
        {"PUT", "update"}, {"PATCH", "patch"}, {"DELETE", "delete"},
    };

    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(method, map[i][0]) == 0)
            return map[i][1];
    }
    return "";
}

/* Returns 1 for a resource request with *i at the segment after the version, 0 for a
 * non-resource request, -1 on error. */
static int resolve_prefix(struct reqinfo *ri, const struct segs *sg, size_t *i, struct apierr *err)
{
    bool grouped;

    if (sg->n < 3)
        return 0;
    if (seg_is(seg_at(sg, 0), "api"))
        grouped = false;
    else if (seg_is(seg_at(sg, 0), "apis"))
        grouped = true;
    else
        return 0;
    /* kube records the prefix even when too few segments follow it (/apis/group/version) */
    strcpy(ri->api_prefix, grouped ? "apis" : "api");
    if (grouped && sg->n < 4)
        return 0;
    *i = 1;
    if (grouped && copy_seg(ri->group, sizeof(ri->group), seg_at(sg, (*i)++), "API group", err))
        return -1;
    if (copy_seg(ri->version, sizeof(ri->version), seg_at(sg, (*i)++), "API version", err))
        return -1;
    ri->is_resource = true;
    return 1;
}

/* The legacy /watch/ and /proxy/ path prefixes name the verb; otherwise the method does. */
static int resolve_verb(struct reqinfo *ri, const struct segs *sg, size_t *i, const char *method,
                        struct apierr *err)
{
    const struct seg *s = seg_at(sg, *i);

    if (!seg_is(s, "watch") && !seg_is(s, "proxy")) {
        strcpy(ri->verb, method_verb(method));
        return 0;
    }
    if (sg->n - *i < 2)
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "unable to determine kind and namespace from url: nothing follows %.5s",
                          s->p);
    memcpy(ri->verb, s->p, s->len);
    ri->verb[s->len] = '\0';
    (*i)++;
    return 0;
}

/* What follows is namespaces/<ns>/<resource>/<name>/<subresource>/... or the same without
 * the namespace. namespaces/<ns> alone, or followed by one of the namespace's own
 * subresources, is the namespace object itself. */
static int resolve_parts(struct reqinfo *ri, const struct segs *sg, size_t i, struct apierr *err)
{
    static const char *const ns_subresources[] = {"status", "finalize", NULL};
    size_t left = sg->n - i;

    if (seg_is(seg_at(sg, i), "namespaces") && left > 1) {
        if (copy_seg(ri->namespace, sizeof(ri->namespace), seg_at(sg, i + 1), "namespace", err))
            return -1;
        if (left > 2) {
            const struct seg *next = seg_at(sg, i + 2);
            char word[16] = "";

            if (next->len < sizeof(word))
                memcpy(word, next->p, next->len);
            if (next->len >= sizeof(word) || !word_in(word, ns_subresources)) {
                i += 2;
                left -= 2;
            }
        }
    }
    /* a proxy path's tail is the proxied URL, not a subresource */
    if (left >= 3 && strcmp(ri->verb, "proxy") != 0 &&
        copy_seg(ri->subresource, sizeof(ri->subresource), seg_at(sg, i + 2), "subresource", err))
        return -1;
    if (left >= 2 && copy_seg(ri->name, sizeof(ri->name), seg_at(sg, i + 1), "name", err))
        return -1;
    return copy_seg(ri->resource, sizeof(ri->resource), seg_at(sg, i), "resource", err);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Query-component decoding as Go's url.QueryUnescape: %XX and '+' for space. Writes to dst
 * when it is not NULL (it needs in->len bytes) and returns the decoded length, or -1 with
 * *bad at a malformed escape. */
static ssize_t query_unescape(const struct seg *in, char *dst, const char **bad)
{
    size_t n = 0;

    for (size_t i = 0; i < in->len; i++) {
        char c = in->p[i];

        if (c == '%') {
            int hi = i + 2 < in->len ? hexval(in->p[i + 1]) : -1;
            int lo = i + 2 < in->len ? hexval(in->p[i + 2]) : -1;

            if (hi < 0 || lo < 0) {
                *bad = in->p + i;
                return -1;
            }
            c = (char)(hi << 4 | lo);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (dst)
            dst[n] = c;
        n++;
    }
    return (ssize_t)n;
}

static bool key_is(const struct seg *raw, const char *key)
{
    size_t len = strlen(key);
    char buf[64];
    const char *bad;

    assert(3 * len < sizeof(buf));
    /* each decoded byte takes at most three raw ones ("%77atch" is watch) */
    if (raw->len > 3 * len)
        return false;
    return query_unescape(raw, buf, &bad) == (ssize_t)len && memcmp(buf, key, len) == 0;
}

/* Finds the first value of key in a raw query (NULL is empty), checking the whole query as
 * url.ParseQuery does. Returns 1 with *val still encoded, 0 when absent, -1 on a bad query. */
static int query_find(const char *query, const char *key, struct seg *val, struct apierr *err)
{
    const char *p = query ? query : "";
    int found = 0;

    while (*p) {
        const char *amp = strchr(p, '&');
        struct seg pair = {p, amp ? (size_t)(amp - p) : strlen(p)};
        const char *eq = memchr(pair.p, '=', pair.len);
        struct seg k = {pair.p, eq ? (size_t)(eq - pair.p) : pair.len};
        struct seg v = {eq ? eq + 1 : pair.p + pair.len, eq ? pair.len - k.len - 1 : 0};
        const char *bad = NULL;

        p = amp ? amp + 1 : pair.p + pair.len;
        if (memchr(pair.p, ';', pair.len))
            return apierr_set(err, APIERR_BAD_REQUEST, "invalid semicolon separator in query");
        if (query_unescape(&k, NULL, &bad) < 0 || query_unescape(&v, NULL, &bad) < 0)
            return apierr_set(err, APIERR_BAD_REQUEST, "invalid URL escape \"%.3s\" in query", bad);
        if (!found && pair.len > 0 && key_is(&k, key)) {
            *val = v;
            found = 1;
        }
    }
    return found;
}

/* Any watch value but "0" or "false" (any case) asks for a watch, even an empty one. */
static int query_watch(const char *query, struct apierr *err)
{
    struct seg v;
    char buf[16];
    const char *bad;
    int rc = query_find(query, "watch", &v, err);
    ssize_t n;

    if (rc <= 0)
        return rc;
    if (v.len >= sizeof(buf))
        return 1;
    n = query_unescape(&v, buf, &bad);
    if (n == 1 && buf[0] == '0')
        return 0;
    return !(n == 5 && strncasecmp(buf, "false", 5) == 0);
}

/* Backslash escapes in a field selector value, as fields.UnescapeValue: only \\, \, and \=
 * are known, and a bare ',' or '=' is an error. Writes to dst when it is not NULL; returns
 * the unescaped length or -1. */
static ssize_t selector_unescape(const struct seg *in, char *dst)
{
    size_t n = 0;

    for (size_t i = 0; i < in->len; i++) {
        char c = in->p[i];

        if (c == ',' || c == '=')
            return -1;
        if (c == '\\') {
            i++;
            if (i == in->len)
                return -1;
            c = in->p[i];
            if (c != '\\' && c != ',' && c != '=')
                return -1;
        }
        if (dst)
            dst[n] = c;
        n++;
    }
    return (ssize_t)n;
}

/* Splits a term at its first operator ("!=", "==" or "="; the left side has no escapes).
 * Returns false when there is none. */
static bool split_term(const struct seg *term, struct seg *lhs, struct seg *rhs, bool *negated)
{
    for (size_t i = 0; i < term->len; i++) {
        const char *t = term->p + i;
        size_t rest = term->len - i;
        size_t op = 0;

        if (rest >= 2 && (t[0] == '!' || t[0] == '=') && t[1] == '=')
            op = 2;
        else if (t[0] == '=')
            op = 1;
        if (op == 0)
            continue;
        *negated = t[0] == '!';
        *lhs = (struct seg){term->p, i};
        *rhs = (struct seg){t + op, rest - op};
        return true;
    }
    return false;
}

static int seg_cmp(const struct seg *a, const struct seg *b)
{
    int c = memcmp(a->p, b->p, a->len < b->len ? a->len : b->len);

    if (c != 0)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

/* Returns -1 when the term does not parse. kube sorts the terms and takes the first that
 * pins metadata.name, so among several the smallest raw term wins. */
static int selector_term(const struct seg *term, struct seg *best, struct seg *best_rhs)
{
    struct seg lhs, rhs;
    bool negated;

    if (term->len == 0)
        return 0;
    if (!split_term(term, &lhs, &rhs, &negated) || selector_unescape(&rhs, NULL) < 0)
        return -1;
    if (negated || !seg_is(&lhs, "metadata.name"))
        return 0;
    if (!best->p || seg_cmp(term, best) < 0) {
        *best = *term;
        *best_rhs = rhs;
    }
    return 0;
}

/* Finds the value a field selector pins metadata.name to, still backslash-escaped. A
 * selector that does not parse pins nothing, as in kube. */
static bool selector_name(const char *sel, size_t len, struct seg *rhs)
{
    struct seg best = {NULL, 0};
    size_t start = 0;
    bool esc = false;

    for (size_t i = 0; i <= len; i++) {
        struct seg term;

        if (i < len && (esc || sel[i] == '\\')) {
            esc = !esc; /* a backslash protects the byte after it, even a ',' */
            continue;
        }
        if (i < len && sel[i] != ',')
            continue;
        term = (struct seg){sel + start, i - start};
        start = i + 1;
        if (selector_term(&term, &best, rhs) < 0)
            return false;
    }
    return best.p != NULL;
}

static int set_selector_name(struct reqinfo *ri, const struct seg *rhs, struct apierr *err)
{
    ssize_t n = selector_unescape(rhs, NULL);

    if (n >= (ssize_t)sizeof(ri->name))
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "fieldSelector metadata.name is longer than %zu bytes",
                          sizeof(ri->name) - 1);
    selector_unescape(rhs, ri->name);
    ri->name[n] = '\0';
    /* kube keeps only a valid path segment name; a NUL would not survive as a C string */
    if (strcmp(ri->name, ".") == 0 || strcmp(ri->name, "..") == 0 || strpbrk(ri->name, "/%") ||
        strlen(ri->name) != (size_t)n)
        ri->name[0] = '\0';
    return 0;
}

/* fieldSelector=metadata.name=<name> narrows a list or watch to one object, and kube
 * reports that name so authorization can treat the request as one on that object. */
static int name_from_selector(struct reqinfo *ri, const char *query, struct apierr *err)
{
    struct seg raw, rhs;
    const char *bad;
    char *sel;
    ssize_t n;
    int rc = query_find(query, "fieldSelector", &raw, err);

    if (rc <= 0)
        return rc;
    sel = xmalloc(raw.len + 1);
    n = query_unescape(&raw, sel, &bad);
    rc = selector_name(sel, (size_t)n, &rhs) ? set_selector_name(ri, &rhs, err) : 0;
    free(sel);
    return rc;
}

/* A get or a delete without a name is on the whole collection. */
static int resolve_collection(struct reqinfo *ri, const char *query, struct apierr *err)
{
    int watch;

    if (ri->name[0] == '\0' && strcmp(ri->verb, "get") == 0) {
        watch = query_watch(query, err);
        if (watch < 0)
            return -1;
        strcpy(ri->verb, watch ? "watch" : "list");
        if (name_from_selector(ri, query, err) < 0)
            return -1;
    }
    if (ri->name[0] == '\0' && strcmp(ri->verb, "delete") == 0)
        strcpy(ri->verb, "deletecollection");
    return 0;
}

/* kube's default long-running check (minus /debug/pprof/, which we do not serve) and the
 * verbs max-in-flight counts as writes. */
static void set_flags(struct reqinfo *ri)
{
    static const char *const writes[] = {"create", "update",           "patch",
                                         "delete", "deletecollection", NULL};
    static const char *const long_verbs[] = {"watch", "proxy", NULL};
    static const char *const long_subresources[] = {"attach", "exec",        "proxy",
                                                    "log",    "portforward", NULL};

    if (!ri->is_resource)
        return;
    ri->mutating = word_in(ri->verb, writes);
    ri->long_running = word_in(ri->verb, long_verbs) || word_in(ri->subresource, long_subresources);
}

int reqinfo_resolve(struct reqinfo *ri, const char *method, const char *path, const char *query,
                    struct apierr *err)
{
    struct segs sg;
    size_t i = 0;
    int rc;

    assert(method && path);
    memset(ri, 0, sizeof(*ri));
    if (lower_method(ri, method, err) < 0)
        return -1;
    split_path(path, &sg);
    rc = resolve_prefix(ri, &sg, &i, err);
    if (rc <= 0)
        return rc;
    if (resolve_verb(ri, &sg, &i, method, err) < 0 || resolve_parts(ri, &sg, i, err) < 0 ||
        resolve_collection(ri, query, err) < 0)
        return -1;
    set_flags(ri);
    return 0;
}
