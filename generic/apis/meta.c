#define _GNU_SOURCE /* strptime, timegm */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"

/* Walks to the parent object of the last path segment, creating objects when create is set;
 * *last points at the final segment. */
static struct json_object *walk(struct json_object *obj, const char *path, int create,
                                char *seg, size_t n)
{
    const char *dot;

    while (obj && (dot = strchr(path, '.'))) {
        struct json_object *next = NULL;
        size_t len = (size_t)(dot - path);

        if (len >= n)
            return NULL;
        memcpy(seg, path, len);
        seg[len] = '\0';
        if (!json_object_object_get_ex(obj, seg, &next) ||
            !json_object_is_type(next, json_type_object)) {
            if (!create)
                return NULL;
            next = json_object_new_object();
            json_object_object_add(obj, seg, next);
        }
        obj = next;
        path = dot + 1;
    }
    if (!obj || !json_object_is_type(obj, json_type_object) || strlen(path) >= n)
        return NULL;
    strcpy(seg, path);
    return obj;
}

struct json_object *obj_parse(const char *s, size_t len)
{
    struct json_tokener *tok = json_tokener_new();
    struct json_object *obj = json_tokener_parse_ex(tok, s, (int)len);

    if (obj && json_tokener_get_parse_end(tok) < len) {
        /* only whitespace may follow the value */
        size_t i;

        for (i = json_tokener_get_parse_end(tok); i < len; i++) {
            if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t') {
                json_object_put(obj);
                obj = NULL;
                break;
            }
        }
    }
    json_tokener_free(tok);
    return obj;
}

struct json_object *obj_get(struct json_object *obj, const char *path)
{
    char seg[256];
    struct json_object *parent = walk(obj, path, 0, seg, sizeof(seg)), *val = NULL;

    if (!parent || !json_object_object_get_ex(parent, seg, &val))
        return NULL;
    return val;
}

const char *obj_get_str(struct json_object *obj, const char *path)
{
    struct json_object *v = obj_get(obj, path);

    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

void obj_set(struct json_object *obj, const char *path, struct json_object *val)
{
    char seg[256];
    struct json_object *parent = walk(obj, path, 1, seg, sizeof(seg));

    if (!parent) {
        json_object_put(val);
        return;
    }
    json_object_object_add(parent, seg, val);
}

void obj_set_str(struct json_object *obj, const char *path, const char *value)
{
    obj_set(obj, path, json_object_new_string(value));
}

void obj_del(struct json_object *obj, const char *path)
{
    char seg[256];
    struct json_object *parent = walk(obj, path, 0, seg, sizeof(seg));

    if (parent)
        json_object_object_del(parent, seg);
}

struct json_object *meta_get(struct json_object *obj)
{
    struct json_object *m = NULL;

    if (!obj || !json_object_object_get_ex(obj, "metadata", &m) ||
        !json_object_is_type(m, json_type_object))
        return NULL;
    return m;
}

struct json_object *meta_ensure(struct json_object *obj)
{
    struct json_object *m = meta_get(obj);

    if (m)
        return m;
    m = json_object_new_object();
    json_object_object_add(obj, "metadata", m);
    return m;
}

const char *meta_str(struct json_object *obj, const char *field)
{
    struct json_object *m = meta_get(obj), *v = NULL;

    if (!m || !json_object_object_get_ex(m, field, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

void meta_set_str(struct json_object *obj, const char *field, const char *value)
{
    json_object_object_add(meta_ensure(obj), field, json_object_new_string(value));
}

void meta_new_uid(char out[37])
{
    unsigned char b[16];
    size_t got = 0;

    while (got < sizeof(b)) {
        ssize_t n = getrandom(b + got, sizeof(b) - got, 0);

        if (n > 0)
            got += (size_t)n;
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

void meta_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void meta_now_micro(char out[40])
{
    struct timespec ts;
    struct tm tm;
    char base[32];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 40, "%.20s.%06dZ", base, (int)(ts.tv_nsec / 1000));
}

int64_t meta_parse_time(const char *s)
{
    struct tm tm = {0};
    const char *p;
    int64_t t;

    if (!s)
        return -1;
    p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p)
        return -1;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    }
    t = (int64_t)timegm(&tm);
    if (*p == 'Z' || *p == 'z')
        return t;
    if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int h = (p[1] - '0') * 10 + (p[2] - '0'), m = (p[4] - '0') * 10 + (p[5] - '0');
        int64_t off = (int64_t)h * 3600 + m * 60;

        return *p == '+' ? t - off : t + off;
    }
    return -1;
}

/* kube's duration.HumanDuration: coarser as the duration grows. */
void meta_human_duration(int64_t s, char *out, size_t n)
{
    int64_t m = s / 60, h = s / 3600, d = h / 24, y = d / 365;

    if (s < -1)
        snprintf(out, n, "<invalid>");
    else if (s < 0)
        snprintf(out, n, "0s");
    else if (s < 120)
        snprintf(out, n, "%llds", (long long)s);
    else if (m < 10 && s % 60)
        snprintf(out, n, "%lldm%llds", (long long)m, (long long)(s % 60));
    else if (m < 180)
        snprintf(out, n, "%lldm", (long long)m);
    else if (h < 8 && m % 60)
        snprintf(out, n, "%lldh%lldm", (long long)h, (long long)(m % 60));
    else if (h < 48)
        snprintf(out, n, "%lldh", (long long)h);
    else if (h < 192 && h % 24)
        snprintf(out, n, "%lldd%lldh", (long long)d, (long long)(h % 24));
    else if (d < 730)
        snprintf(out, n, "%lldd", (long long)d);
    else if (y < 8 && d % 365)
        snprintf(out, n, "%lldy%lldd", (long long)y, (long long)(d % 365));
    else
        snprintf(out, n, "%lldy", (long long)y);
}
