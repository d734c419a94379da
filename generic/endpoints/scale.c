/* The scale subresource: an autoscaling/v1 Scale view of spec.replicas, status.replicas and the
 * label selector of any resource flagged RES_SCALE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/apis/xalloc.h"
#include "generic/endpoints/rest.h"

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* One "key=value" per matchLabels member, then the expressions, sorted as kube's String(). */
static void add_match_labels(struct json_object *labels, char **terms, size_t *n)
{
    json_object_object_foreach(labels, k, v)
    {
        char buf[600];

        snprintf(buf, sizeof(buf), "%s=%s", k, json_object_get_string(v));
        terms[(*n)++] = xstrdup(buf);
        if (*n >= 64)
            return;
    }
}

static void add_expressions(struct json_object *exprs, char **terms, size_t *n)
{
    size_t i, j;

    for (i = 0; i < json_object_array_length(exprs) && *n < 64; i++) {
        struct json_object *e = json_object_array_get_idx(exprs, i);
        const char *key = obj_get_str(e, "key"), *op = obj_get_str(e, "operator");
        struct json_object *vals = obj_get(e, "values");
        struct evbuffer *b = evbuffer_new();

        if (!key || !op) {
            evbuffer_free(b);
            continue;
        }
        if (strcmp(op, "Exists") == 0)
            evbuffer_add_printf(b, "%s", key);
        else if (strcmp(op, "DoesNotExist") == 0)
            evbuffer_add_printf(b, "!%s", key);
        else {
            evbuffer_add_printf(b, "%s %s (", key, strcmp(op, "In") == 0 ? "in" : "notin");
            for (j = 0; vals && j < json_object_array_length(vals); j++)
                evbuffer_add_printf(b, "%s%s", j ? "," : "",
                                    json_object_get_string(json_object_array_get_idx(vals, j)));
            evbuffer_add(b, ")", 1);
        }
        evbuffer_add(b, "", 1);
        terms[(*n)++] = xstrdup((const char *)evbuffer_pullup(b, -1));
        evbuffer_free(b);
    }
}

/* spec.selector as a selector string: a LabelSelector (apps) or a plain map (RCs). */
static char *selector_string_of(struct json_object *obj)
{
    struct json_object *sel = obj_get(obj, "spec.selector"), *ml, *me;
    char *terms[64], *out;
    size_t n = 0, i, len = 0;

    if (!sel || !json_object_is_type(sel, json_type_object))
        return xstrdup("");
    ml = obj_get(sel, "matchLabels");
    me = obj_get(sel, "matchExpressions");
    if (ml || me) {
        if (ml && json_object_is_type(ml, json_type_object))
            add_match_labels(ml, terms, &n);
        if (me && json_object_is_type(me, json_type_array))
            add_expressions(me, terms, &n);
    } else {
        add_match_labels(sel, terms, &n);
    }
    qsort(terms, n, sizeof(*terms), cmp_keys);
    for (i = 0; i < n; i++)
        len += strlen(terms[i]) + 1;
    out = xcalloc(1, len + 1);
    for (i = 0; i < n; i++) {
        if (i)
            strcat(out, ",");
        strcat(out, terms[i]);
        free(terms[i]);
    }
    return out;
}

static void copy_member(struct json_object *dst, struct json_object *src, const char *key)
{
    struct json_object *v = NULL;

    if (src && json_object_object_get_ex(src, key, &v))
        json_object_object_add(dst, key, json_object_get(v));
}

/* A new autoscaling/v1 Scale for obj (the caller owns it). */
static struct json_object *scale_of(struct json_object *obj)
{
    static const char *const keep[] = {"name", "namespace", "uid", "resourceVersion",
                                       "creationTimestamp"};
    struct json_object *s = json_object_new_object(), *meta = json_object_new_object();
    struct json_object *replicas = obj_get(obj, "spec.replicas");
    struct json_object *current = obj_get(obj, "status.replicas");
    char *sel = selector_string_of(obj);
    size_t i;

    json_object_object_add(s, "kind", json_object_new_string("Scale"));
    json_object_object_add(s, "apiVersion", json_object_new_string("autoscaling/v1"));
    for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        copy_member(meta, meta_get(obj), keep[i]);
    json_object_object_add(s, "metadata", meta);
    obj_set(s, "spec.replicas", json_object_new_int64(replicas ? json_object_get_int64(replicas)
                                                               : 0));
    obj_set(s, "status.replicas",
            json_object_new_int64(current ? json_object_get_int64(current) : 0));
    if (*sel)
        obj_set_str(s, "status.selector", sel);
    free(sel);
    return s;
}

/* Replaces c->out (the stored object) with its Scale, sent as it is. */
static void out_as_scale(struct rest *c)
{
    struct json_object *obj = json_tokener_parse(c->out.value), *s;
    const char *str;

    s = scale_of(obj);
    str = json_object_to_json_string_ext(s, JSON_C_TO_STRING_PLAIN);
    free(c->out.value);
    c->out.value = xstrdup(str);
    c->out.len = strlen(str);
    c->raw = true;
    json_object_put(s);
    json_object_put(obj);
}

void rest_scale_get(struct rest *c)
{
    struct storage_obj o = {0};
    struct apierr err = {0};
    char key[1024];

    if (registry_key(&c->rg, c->ns, c->name, key, sizeof(key)) < 0 ||
        storage_get(c->rg.st, key, NULL, &o, &err) < 0) {
        registry_not_found(&c->rg, c->name, &err);
        rest_fail(c, &err);
        return;
    }
    c->out = o;
    out_as_scale(c);
    req_reply_json_bytes(c->req, 200, c->out.value, c->out.len);
    storage_obj_release(&c->out);
}

/* The new object: the current one with the replicas (and resourceVersion) of the Scale. */
static int apply_scale(struct json_object *cur, struct json_object *scale,
                       struct json_object **obj, struct apierr *err)
{
    struct json_object *replicas = obj_get(scale, "spec.replicas");
    const char *rv = obj_get_str(scale, "metadata.resourceVersion");
    int64_t n = replicas ? json_object_get_int64(replicas) : 0;

    if (replicas && !json_object_is_type(replicas, json_type_int))
        return apierr_set(err, APIERR_BAD_REQUEST, "spec.replicas must be an integer");
    if (n < 0) {
        validation_invalid_int(err, "spec.replicas", n, "must be greater than or equal to 0");
        validation_finish(err, "autoscaling", "Scale", meta_str(cur, "name"));
        return -1;
    }
    *obj = NULL;
    if (json_object_deep_copy(cur, obj, NULL) < 0)
        return apierr_set(err, APIERR_INTERNAL, "cannot copy the object");
    obj_set(*obj, "spec.replicas", json_object_new_int64(n));
    if (rv && *rv)
        meta_set_str(*obj, "resourceVersion", rv);
    return 0;
}

static int scale_from_body(void *arg, struct json_object *cur, struct json_object **obj,
                           struct apierr *err)
{
    return apply_scale(cur, arg, obj, err);
}

static int scale_from_patch(void *arg, struct json_object *cur, struct json_object **obj,
                            struct apierr *err)
{
    struct json_object *scale = scale_of(cur), *patched = NULL;
    int rc = rest_patch_object(arg, scale, &patched, err);

    if (rc == 0)
        rc = apply_scale(cur, patched, obj, err);
    json_object_put(patched);
    json_object_put(scale);
    return rc;
}

static void scale_write(struct rest *c, registry_mutate_fn fn, void *arg)
{
    struct registry_write w = {.ns = c->ns, .dry_run = c->dry_run};
    struct apierr err = {0};

    if (registry_update(&c->rg, &w, c->name, "", fn, arg, &c->out, &err) < 0) {
        rest_fail(c, &err);
        return;
    }
    out_as_scale(c);
    rest_reply_when_durable(c, 200);
}

void rest_scale_update(struct rest *c)
{
    struct json_object *body = rest_body(c);

    if (body)
        scale_write(c, scale_from_body, body);
}

void rest_scale_patch(struct rest *c)
{
    if (rest_patch_prepare(c) == 0)
        scale_write(c, scale_from_patch, c);
}
