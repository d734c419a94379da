/* storage_json_codec: metadata.resourceVersion and metadata.uid in JSON bytes, found by a small
 * scanner instead of a parse and re-serialization, because every write stamps its revision
 * and a full json-c round trip would cost more than the write's share of an fsync. The input
 * is what our own serializer produced; the scanner skips strings, nesting and scalars and
 * gives up (NULL / -1) on anything it does not understand. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "generic/apis/xalloc.h"
#include "generic/storage/storage.h"

struct span {
    const char *p, *end;
};

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* p at the opening quote; returns the position after the closing quote, or NULL. */
static const char *skip_string(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '"')
            return p + 1;
    }
    return NULL;
}

static const char *skip_value(const char *p, const char *end)
{
    int depth = 0;

    if (p >= end)
        return NULL;
    if (*p == '"')
        return skip_string(p, end);
    if (*p != '{' && *p != '[') {
        while (p < end && !strchr(",}] \t\r\n", *p))
            p++;
        return p;
    }
    for (; p < end; p++) {
        if (*p == '"') {
            p = skip_string(p, end);
            if (!p)
                return NULL;
            p--;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if ((*p == '}' || *p == ']') && --depth == 0) {
            return p + 1;
        }
    }
    return NULL;
}

/* obj at '{'. On success *val spans the member's value; returns 1 found, 0 absent, -1 bad. */
static int find_member(const char *obj, const char *end, const char *name, struct span *val)
{
    size_t n = strlen(name);
    const char *p = skip_ws(obj + 1, end);

    while (p < end && *p != '}') {
        const char *k = p, *kend, *v;

        if (*p != '"' || !(kend = skip_string(p, end)))
            return -1;
        p = skip_ws(kend, end);
        if (p >= end || *p != ':')
            return -1;
        v = skip_ws(p + 1, end);
        if (!(p = skip_value(v, end)))
            return -1;
        if ((size_t)(kend - k) == n + 2 && memcmp(k + 1, name, n) == 0) {
            *val = (struct span){v, p};
            return 1;
        }
        p = skip_ws(p, end);
        if (p < end && *p == ',')
            p = skip_ws(p + 1, end);
    }
    return p < end ? 0 : -1;
}

/* Returns value with [cut, cut_end) replaced by ins. */
static char *splice(const char *value, size_t len, const char *cut, const char *cut_end,
                    const char *ins, size_t *out_len)
{
    size_t head = (size_t)(cut - value), tail = len - (size_t)(cut_end - value);
    size_t n = strlen(ins);
    char *out = xmalloc(head + n + tail + 1);

    memcpy(out, value, head);
    memcpy(out + head, ins, n);
    memcpy(out + head + n, cut_end, tail);
    out[head + n + tail] = '\0';
    *out_len = head + n + tail;
    return out;
}

static int is_empty_object(const char *obj, const char *end)
{
    const char *p = skip_ws(obj + 1, end);

    return p < end && *p == '}';
}

static char *json_stamp(const char *value, size_t len, int64_t rev, size_t *out_len)
{
    const char *end = value + len, *top = skip_ws(value, end);
    struct span meta, rv;
    char ins[64];
    int found;

    if (top >= end || *top != '{')
        return NULL;
    found = find_member(top, end, "metadata", &meta);
    if (found < 0)
        return NULL;
    if (found == 0) {
        snprintf(ins, sizeof(ins), "{\"metadata\":{\"resourceVersion\":\"%" PRId64 "\"}%s", rev,
                 is_empty_object(top, end) ? "" : ",");
        return splice(value, len, top, top + 1, ins, out_len);
    }
    if (*meta.p != '{')
        return NULL;
    found = find_member(meta.p, meta.end, "resourceVersion", &rv);
    if (found < 0)
        return NULL;
    if (found) {
        snprintf(ins, sizeof(ins), "\"%" PRId64 "\"", rev);
        return splice(value, len, rv.p, rv.end, ins, out_len);
    }
    snprintf(ins, sizeof(ins), "{\"resourceVersion\":\"%" PRId64 "\"%s", rev,
             is_empty_object(meta.p, meta.end) ? "" : ",");
    return splice(value, len, meta.p, meta.p + 1, ins, out_len);
}

static int json_uid(const char *value, size_t len, char *buf, size_t size)
{
    const char *end = value + len, *top = skip_ws(value, end);
    struct span meta, uid;
    size_t n;

    if (top >= end || *top != '{' || find_member(top, end, "metadata", &meta) != 1 ||
        *meta.p != '{' || find_member(meta.p, meta.end, "uid", &uid) != 1 || *uid.p != '"')
        return -1;
    n = (size_t)(uid.end - uid.p) - 2;
    if (n + 1 > size)
        return -1;
    memcpy(buf, uid.p + 1, n);
    buf[n] = '\0';
    return 0;
}

const struct storage_codec storage_json_codec = {json_stamp, json_uid};
