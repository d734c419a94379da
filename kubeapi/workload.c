/* What the workload kinds share beyond the pod spec: JSON defaulting helpers, label selectors
 * (validation, matching, and the two ways kube prints them), Go's %#v of the values kube quotes
 * in Invalid causes, int-or-percent fields and the container cells of tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "kubeapi/kubeapi_internal.h"

void kube_default(struct json_object *obj, const char *key, struct json_object *val)
{
    struct json_object *cur = NULL;

    if (!json_object_is_type(obj, json_type_object) ||
        (json_object_object_get_ex(obj, key, &cur) && cur)) {
        json_object_put(val);
        return;
    }
    json_object_object_add(obj, key, val);
}

struct json_object *kube_default_obj(struct json_object *obj, const char *key)
{
    struct json_object *cur = NULL;

    if (!json_object_is_type(obj, json_type_object))
        return NULL;
    if (json_object_object_get_ex(obj, key, &cur) && cur)
        return json_object_is_type(cur, json_type_object) ? cur : NULL;
    cur = json_object_new_object();
    json_object_object_add(obj, key, cur);
    return cur;
}

struct json_object *kube_copy(struct json_object *v)
{
    struct json_object *out = NULL;

    if (v && json_object_deep_copy(v, &out, NULL) < 0)
        return NULL;
    return out;
}

const char *kube_str(struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;

    if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

bool kube_int(struct json_object *obj, const char *key, int64_t *out)
{
    struct json_object *v = NULL;

    if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v))
        return false;
    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
        return false;
    *out = json_object_get_int64(v);
    return true;
}

size_t kube_len(struct json_object *v)
{
    if (json_object_is_type(v, json_type_array))
        return json_object_array_length(v);
    if (json_object_is_type(v, json_type_object))
        return (size_t)json_object_object_length(v);
    return 0;
}

int kube_nonneg(struct json_object *obj, const char *key, const char *path, struct apierr *err)
{
    int64_t v;

    if (!kube_int(obj, key, &v) || v >= 0)
        return 0;
    return validation_invalid_int(err, path, v, "must be greater than or equal to 0");
}

/* --- Go's %#v --- */

struct gobuf {
    char *p;
    size_t n, len;
};

static void go_put(struct gobuf *b, const char *s)
{
    size_t l = strlen(s);

    if (b->len + 1 >= b->n)
        return;
    if (l > b->n - b->len - 1)
        l = b->n - b->len - 1;
    memcpy(b->p + b->len, s, l);
    b->len += l;
    b->p[b->len] = '\0';
}

static void go_quoted(struct gobuf *b, const char *s)
{
    char q[256];

    validation_quote(q, sizeof(q), s ? s : "");
    go_put(b, q);
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of an object, sorted; at most max of them. */
static size_t sorted_keys(struct json_object *map, const char **keys, size_t max)
{
    size_t n = 0;

    if (!json_object_is_type(map, json_type_object))
        return 0;
    json_object_object_foreach(map, k, v) {
        (void)v;
        if (n < max)
            keys[n++] = k;
    }
    qsort(keys, n, sizeof(*keys), key_cmp);
    return n;
}

static void go_map(struct gobuf *b, struct json_object *map)
{
    const char *keys[64];
    size_t n, i;

    if (!json_object_is_type(map, json_type_object)) {
        go_put(b, "map[string]string(nil)");
        return;
    }
    n = sorted_keys(map, keys, 64);
    go_put(b, "map[string]string{");
    for (i = 0; i < n; i++) {
        go_put(b, i ? ", " : "");
        go_quoted(b, keys[i]);
        go_put(b, ":");
        go_quoted(b, kube_str(map, keys[i]));
    }
    go_put(b, "}");
}

void kube_go_map(struct json_object *map, char *buf, size_t n)
{
    struct gobuf b = {buf, n, 0};

    buf[0] = '\0';
    go_map(&b, map);
}

static void go_strings(struct gobuf *b, struct json_object *arr)
{
    size_t i, n = kube_len(arr);

    if (!json_object_is_type(arr, json_type_array)) {
        go_put(b, "[]string(nil)");
        return;
    }
    go_put(b, "[]string{");
    for (i = 0; i < n; i++) {
        go_put(b, i ? ", " : "");
        go_quoted(b, json_object_get_string(json_object_array_get_idx(arr, i)));
    }
    go_put(b, "}");
}

static void go_requirements(struct gobuf *b, struct json_object *exprs)
{
    size_t i, n = kube_len(exprs);
    struct json_object *e;

    if (!json_object_is_type(exprs, json_type_array)) {
        go_put(b, "[]v1.LabelSelectorRequirement(nil)");
        return;
    }
    go_put(b, "[]v1.LabelSelectorRequirement{");
    for (i = 0; i < n; i++) {
        e = json_object_array_get_idx(exprs, i);
        go_put(b, i ? ", " : "");
        go_put(b, "v1.LabelSelectorRequirement{Key:");
        go_quoted(b, obj_get_str(e, "key"));
        go_put(b, ", Operator:");
        go_quoted(b, obj_get_str(e, "operator"));
        go_put(b, ", Values:");
        go_strings(b, obj_get(e, "values"));
        go_put(b, "}");
    }
    go_put(b, "}");
}

void kube_go_selector(struct json_object *sel, char *buf, size_t n)
{
    struct gobuf b = {buf, n, 0};

    buf[0] = '\0';
    if (!json_object_is_type(sel, json_type_object)) {
        go_put(&b, "null");
        return;
    }
    go_put(&b, "v1.LabelSelector{MatchLabels:");
    go_map(&b, obj_get(sel, "matchLabels"));
    go_put(&b, ", MatchExpressions:");
    go_requirements(&b, obj_get(sel, "matchExpressions"));
    go_put(&b, "}");
}

int kube_invalid_raw(struct apierr *err, const char *field, const char *raw, const char *detail)
{
    return apierr_field(err, "FieldValueInvalid", field, "Invalid value: %s: %s", raw, detail);
}

/* --- int-or-percent --- */

/* kube's IsValidPercent: [0-9]+% */
static bool percent_ok(const char *s)
{
    size_t i = 0;

    while (s[i] >= '0' && s[i] <= '9')
        i++;
    return i > 0 && s[i] == '%' && s[i + 1] == '\0';
}

static void go_intstr(struct json_object *v, char *buf, size_t n)
{
    char q[128];

    if (json_object_is_type(v, json_type_string)) {
        validation_quote(q, sizeof(q), json_object_get_string(v));
        snprintf(buf, n, "intstr.IntOrString{Type:1, IntVal:0, StrVal:%s}", q);
    } else {
        snprintf(buf, n, "intstr.IntOrString{Type:0, IntVal:%lld, StrVal:\"\"}",
                 (long long)json_object_get_int64(v));
    }
}

int kube_intstr_value(struct json_object *v)
{
    if (json_object_is_type(v, json_type_string))
        return atoi(json_object_get_string(v));
    return json_object_get_int(v);
}

int kube_int_or_percent(struct json_object *v, const char *path, struct apierr *err)
{
    char raw[200];
    int64_t i;

    if (!v)
        return 0;
    go_intstr(v, raw, sizeof(raw));
    if (json_object_is_type(v, json_type_string)) {
        if (percent_ok(json_object_get_string(v)))
            return 0;
        return kube_invalid_raw(err, path, raw,
                                "a valid percent string must be a numeric string followed by an "
                                "ending '%' (e.g. '1%',  or '93%', regex used for validation is "
                                "'[0-9]+%')");
    }
    i = json_object_get_int64(v);
    return i < 0 ? validation_invalid_int(err, path, i, "must be greater than or equal to 0") : 0;
}

int kube_not_over_100(struct json_object *v, const char *path, struct apierr *err)
{
    char raw[200];

    if (!json_object_is_type(v, json_type_string) || !percent_ok(json_object_get_string(v)) ||
        kube_intstr_value(v) <= 100)
        return 0;
    go_intstr(v, raw, sizeof(raw));
    return kube_invalid_raw(err, path, raw, "must not be greater than 100%");
}

int kube_not_both_zero(struct json_object *unavail, struct json_object *surge, const char *path,
                       struct apierr *err)
{
    char raw[200];

    if (!unavail || !surge || kube_intstr_value(unavail) != 0 || kube_intstr_value(surge) != 0)
        return 0;
    go_intstr(unavail, raw, sizeof(raw));
    return kube_invalid_raw(err, path, raw, "may not be 0 when `maxSurge` is 0");
}

/* --- tables --- */

void kube_container_cells(struct json_object *spec, struct json_object *cells)
{
    struct json_object *ctrs = obj_get(spec, "containers"), *c;
    char names[1024] = "", images[2048] = "";
    size_t i, n = kube_len(ctrs), ln = 0, li = 0;

    for (i = 0; i < n && json_object_is_type(ctrs, json_type_array); i++) {
        c = json_object_array_get_idx(ctrs, i);
        ln += (size_t)snprintf(names + ln, ln < sizeof(names) ? sizeof(names) - ln : 0, "%s%s",
                               i ? "," : "", obj_get_str(c, "name") ?: "");
        li += (size_t)snprintf(images + li, li < sizeof(images) ? sizeof(images) - li : 0, "%s%s",
                               i ? "," : "", obj_get_str(c, "image") ?: "");
    }
    json_object_array_add(cells, json_object_new_string(names));
    json_object_array_add(cells, json_object_new_string(images));
}

void kube_labels_string(struct json_object *map, char *buf, size_t n)
{
    const char *keys[64];
    size_t k = sorted_keys(map, keys, 64), i, len = 0;

    buf[0] = '\0';
    for (i = 0; i < k && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", i ? "," : "", keys[i],
                                kube_str(map, keys[i]) ?: "");
    if (!buf[0])
        snprintf(buf, n, "<none>");
}
