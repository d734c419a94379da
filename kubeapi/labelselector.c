/* metav1.LabelSelector as the workload kinds use it: kube's validation, its matching (a missing
 * selector matches nothing, an empty one everything) and its String() form for tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "kubeapi/kubeapi_internal.h"

static bool op_is(const char *op, const char *want)
{
    return op && strcmp(op, want) == 0;
}

static int requirement_validate(struct json_object *e, const char *path, struct apierr *err)
{
    const char *op = obj_get_str(e, "operator"), *key = obj_get_str(e, "key") ?: "";
    struct json_object *vals = obj_get(e, "values");
    const char *msgs[VALIDATION_MAX_MSGS];
    size_t nv = kube_len(vals), i;
    char f[128];
    int rc = 0, n;

    snprintf(f, sizeof(f), "%s.values", path);
    if (op_is(op, "In") || op_is(op, "NotIn")) {
        if (nv == 0)
            rc =
                validation_required(err, f, "must be specified when `operator` is 'In' or 'NotIn'");
    } else if (op_is(op, "Exists") || op_is(op, "DoesNotExist")) {
        if (nv > 0)
            rc = validation_forbidden(
                err, f, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    } else {
        snprintf(f, sizeof(f), "%s.operator", path);
        rc = validation_invalid(err, f, op ? op : "", "not a valid selector operator");
    }
    snprintf(f, sizeof(f), "%s.key", path);
    n = validation_qualified_name(key, msgs);
    if (n > 0)
        rc = validation_invalid_msgs(err, f, key, msgs, n);
    for (i = 0; i < nv && json_object_is_type(vals, json_type_array); i++) {
        const char *v = json_object_get_string(json_object_array_get_idx(vals, i));

        snprintf(f, sizeof(f), "%s.values[%zu]", path, i);
        n = validation_label_value(v ? v : "", msgs);
        if (n > 0)
            rc = validation_invalid_msgs(err, f, v ? v : "", msgs, n);
    }
    return rc;
}

int kube_selector_validate(struct json_object *sel, const char *path, struct apierr *err)
{
    struct json_object *exprs = obj_get(sel, "matchExpressions");
    char f[128];
    size_t i, n = kube_len(exprs);
    int rc = 0;

    snprintf(f, sizeof(f), "%s.matchLabels", path);
    if (validation_labels(obj_get(sel, "matchLabels"), f, err) < 0)
        rc = -1;
    for (i = 0; i < n && json_object_is_type(exprs, json_type_array); i++) {
        snprintf(f, sizeof(f), "%s.matchExpressions[%zu]", path, i);
        if (requirement_validate(json_object_array_get_idx(exprs, i), f, err) < 0)
            rc = -1;
    }
    return rc;
}

bool kube_selector_empty(struct json_object *sel)
{
    return kube_len(obj_get(sel, "matchLabels")) + kube_len(obj_get(sel, "matchExpressions")) == 0;
}

static bool has_value(struct json_object *vals, const char *v)
{
    size_t i, n = kube_len(vals);

    for (i = 0; i < n && json_object_is_type(vals, json_type_array); i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(vals, i));

        if (s && strcmp(s, v) == 0)
            return true;
    }
    return false;
}

static bool requirement_matches(struct json_object *e, struct json_object *labels)
{
    const char *op = obj_get_str(e, "operator"), *key = obj_get_str(e, "key");
    struct json_object *lv = NULL;
    const char *v;

    if (!key)
        return false;
    if (json_object_is_type(labels, json_type_object))
        json_object_object_get_ex(labels, key, &lv);
    v = lv ? json_object_get_string(lv) : NULL;
    if (op_is(op, "In"))
        return v && has_value(obj_get(e, "values"), v);
    if (op_is(op, "NotIn"))
        return !v || !has_value(obj_get(e, "values"), v);
    if (op_is(op, "Exists"))
        return v != NULL;
    if (op_is(op, "DoesNotExist"))
        return v == NULL;
    return false;
}

bool kube_selector_matches(struct json_object *sel, struct json_object *labels)
{
    struct json_object *ml = obj_get(sel, "matchLabels"), *exprs = obj_get(sel, "matchExpressions");
    size_t i, n = kube_len(exprs);

    if (!json_object_is_type(sel, json_type_object))
        return false;
    if (json_object_is_type(ml, json_type_object)) {
        json_object_object_foreach(ml, k, want) {
            const char *have = kube_str(labels, k);

            if (!have || strcmp(have, json_object_get_string(want)) != 0)
                return false;
        }
    }
    for (i = 0; i < n && json_object_is_type(exprs, json_type_array); i++) {
        if (!requirement_matches(json_object_array_get_idx(exprs, i), labels))
            return false;
    }
    return true;
}

/* One requirement as kube's Requirement.String() writes it. */
struct req_str {
    const char *key;
    char text[512];
};

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void values_string(struct json_object *vals, char *buf, size_t n)
{
    const char *v[32];
    size_t k = 0, i, len = 0;

    for (i = 0; i < kube_len(vals) && k < 32 && json_object_is_type(vals, json_type_array); i++)
        v[k++] = json_object_get_string(json_object_array_get_idx(vals, i));
    qsort(v, k, sizeof(*v), str_cmp);
    buf[0] = '\0';
    for (i = 0; i < k && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "," : "", v[i] ? v[i] : "");
}

static void expr_string(struct json_object *e, struct req_str *r)
{
    const char *op = obj_get_str(e, "operator");
    char vals[400];

    r->key = obj_get_str(e, "key") ?: "";
    values_string(obj_get(e, "values"), vals, sizeof(vals));
    if (op_is(op, "In"))
        snprintf(r->text, sizeof(r->text), "%s in (%s)", r->key, vals);
    else if (op_is(op, "NotIn"))
        snprintf(r->text, sizeof(r->text), "%s notin (%s)", r->key, vals);
    else if (op_is(op, "Exists"))
        snprintf(r->text, sizeof(r->text), "%s", r->key);
    else
        snprintf(r->text, sizeof(r->text), "!%s", r->key);
}

static int req_cmp(const void *a, const void *b)
{
    return strcmp(((const struct req_str *)a)->key, ((const struct req_str *)b)->key);
}

void kube_selector_string(struct json_object *sel, char *buf, size_t n)
{
    struct json_object *ml = obj_get(sel, "matchLabels"), *exprs = obj_get(sel, "matchExpressions");
    struct req_str r[32];
    size_t k = 0, i, len = 0;

    if (json_object_is_type(ml, json_type_object)) {
        json_object_object_foreach(ml, key, v) {
            if (k == 32)
                break;
            r[k].key = key;
            snprintf(r[k++].text, sizeof(r[0].text), "%s=%s", key, json_object_get_string(v));
        }
    }
    for (i = 0; i < kube_len(exprs) && k < 32 && json_object_is_type(exprs, json_type_array); i++)
        expr_string(json_object_array_get_idx(exprs, i), &r[k++]);
    qsort(r, k, sizeof(r[0]), req_cmp);
    buf[0] = '\0';
    for (i = 0; i < k && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "," : "", r[i].text);
}

void kube_selector_format(struct json_object *sel, char *buf, size_t n)
{
    kube_selector_string(sel, buf, n);
    if (!buf[0])
        snprintf(buf, n, "<none>");
}
