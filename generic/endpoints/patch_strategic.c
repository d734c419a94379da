/* Strategic merge patch, applied as k8s.io/apimachinery's strategicpatch does on the server
 * (mergeMap with MergeParallelList and IgnoreUnmatchedNulls). The schema says, per field,
 * whether a list merges and by which key; without it a field merges like JSON merge patch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/xalloc.h"
#include "generic/endpoints/patch.h"
#include "generic/endpoints/patch_internal.h"

#define DIRECTIVE   "$patch"
#define RETAIN_KEYS "$retainKeys"
#define SET_ORDER   "$setElementOrder"
#define DELETE_FROM "$deleteFromPrimitiveList"

struct smp {
    const struct smp_schema_ops *ops;
    struct apierr *err;
};

/* Value kinds as Go's decoder types them (integers and other numbers differ). */
enum kind { K_NULL, K_BOOL, K_INT, K_DOUBLE, K_STR, K_OBJ, K_ARR };

static enum kind kind_of(struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_boolean:
        return K_BOOL;
    case json_type_int:
        return K_INT;
    case json_type_double:
        return K_DOUBLE;
    case json_type_string:
        return K_STR;
    case json_type_object:
        return K_OBJ;
    case json_type_array:
        return K_ARR;
    default:
        return K_NULL;
    }
}

/* Go's == on decoded scalars; objects and arrays never compare equal. */
static int scalar_eq(struct json_object *a, struct json_object *b)
{
    enum kind k = kind_of(a);

    if (k != kind_of(b))
        return 0;
    switch (k) {
    case K_NULL:
        return 1;
    case K_BOOL:
    case K_INT:
    case K_DOUBLE:
    case K_STR:
        return json_object_equal(a, b);
    default:
        return 0;
    }
}

static const char *show(struct json_object *v)
{
    return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

static int unprocessable(struct smp *m)
{
    apierr_set(m->err, APIERR_INVALID, "%s", PATCH_INVALID_MESSAGE);
    m->err->has_details = 1;
    return -1;
}

static int no_merge_key(struct smp *m, struct json_object *item, const char *key)
{
    return apierr_set(m->err, APIERR_INTERNAL, "map: %s does not contain declared merge key: %s",
                      show(item), key);
}

static int bad_arg(struct smp *m, struct json_object *v)
{
    return apierr_set(m->err, APIERR_INTERNAL, "expected a []interface {}, but received a %s",
                      patch_go_type(v));
}

static const struct smp_schema *lookup(struct smp *m, const struct smp_schema *s, const char *name,
                                       struct smp_field_info *info)
{
    memset(info, 0, sizeof(*info));
    if (m->ops == NULL || m->ops->field == NULL || s == NULL)
        return NULL;
    return m->ops->field(s, name, info);
}

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The merge key's value of a list item (NULL when absent, as Go's map lookup gives nil). */
static struct json_object *key_value(struct json_object *item, const char *key)
{
    struct json_object *v = NULL;

    if (key)
        json_object_object_get_ex(item, key, &v);
    return key ? v : item;
}

/* Whether two list items are the same item: equal merge key values, or equal scalars. */
static int same_item(struct json_object *a, struct json_object *b, const char *key)
{
    if (key &&
        (!json_object_is_type(a, json_type_object) || !json_object_is_type(b, json_type_object)))
        return 0;
    return scalar_eq(key_value(a, key), key_value(b, key));
}

/* Position of item in list[0..n), or n when it is not there. */
static size_t find_item(struct json_object *list, size_t n, struct json_object *item,
                        const char *key)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (same_item(json_object_array_get_idx(list, i), item, key))
            break;
    }
    return i;
}

static int has_directive(struct json_object *item, struct json_object **d)
{
    return json_object_is_type(item, json_type_object) &&
           json_object_object_get_ex(item, DIRECTIVE, d);
}

/* ---- ordering: kube's normalizeElementOrder and mergeSortedSlice ---- */

struct ranked {
    struct json_object *item;
    size_t rank, pos;
};

static int by_rank(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;

    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Splits merged into the items `order` names, ranked by their place there, and the others,
 * ranked by their place in server[0..nserver); each part comes back sorted. */
static void partition(struct json_object *merged, struct json_object *order,
                      struct json_object *server, size_t nserver, const char *key,
                      struct ranked *in, size_t *nin, struct ranked *out, size_t *nout)
{
    size_t i, n = json_object_array_length(merged), norder = json_object_array_length(order), r;
    struct json_object *item;

    *nin = *nout = 0;
    for (i = 0; i < n; i++) {
        item = json_object_array_get_idx(merged, i);
        r = find_item(order, norder, item, key);
        if (r < norder)
            in[(*nin)++] = (struct ranked){item, r, i};
        else
            out[(*nout)++] = (struct ranked){item, find_item(server, nserver, item, key), i};
    }
    qsort(in, *nin, sizeof(*in), by_rank);
    qsort(out, *nout, sizeof(*out), by_rank);
}

/* Orders merged: the items order names keep its order, the others keep the server's, and a
 * server-only item goes before a named one only when the server had it earlier. */
static struct json_object *order_items(struct json_object *merged, struct json_object *order,
                                       struct json_object *server, size_t nserver, const char *key)
{
    size_t n = json_object_array_length(merged), nin, nout, i = 0, j = 0, li, ri;
    struct ranked *in = xcalloc(n + 1, sizeof(*in)), *out = xcalloc(n + 1, sizeof(*out));
    struct json_object *res = json_object_new_array_ext((int)n), *next;

    partition(merged, order, server, nserver, key, in, &nin, out, &nout);
    while (i < nout || j < nin) {
        if (i < nout && j < nin) {
            li = find_item(server, nserver, out[i].item, key);
            ri = find_item(server, nserver, in[j].item, key);
            next = li < nserver && ri < nserver && li < ri ? out[i++].item : in[j++].item;
        } else {
            next = i < nout ? out[i++].item : in[j++].item;
        }
        json_object_array_add(res, json_object_get(next));
    }
    free(in);
    free(out);
    return res;
}

/* ---- lists ---- */

static int merge_map(struct smp *m, struct json_object **o, struct json_object *p,
                     const struct smp_schema *s, int depth);

/* kube's sliceElementType: every item of both lists has one kind, and it is not a list. */
static int element_kind(struct smp *m, struct json_object *a, struct json_object *b, enum kind *out)
{
    struct json_object *lists[2] = {a, b};
    size_t i, n, l;
    int seen = 0;
    enum kind k;

    for (l = 0; l < 2; l++) {
        n = json_object_array_length(lists[l]);
        for (i = 0; i < n; i++) {
            k = kind_of(json_object_array_get_idx(lists[l], i));
            if (k == K_ARR)
                return unprocessable(m); /* "lists of lists are not supported" */
            if (seen && k != *out)
                return apierr_set(m->err, APIERR_INTERNAL,
                                  "list element types are not identical: [%s %s]", show(a),
                                  show(b));
            *out = k;
            seen = 1;
        }
    }
    return 0;
}

/* A set union of scalars: the server's items, then the patch's new ones, in merged order. */
static struct json_object *merge_scalars(struct json_object *cur, struct json_object *p)
{
    struct json_object *u = json_object_new_array(), *lists[2] = {cur, p}, *item, *res;
    size_t i, n, l;

    for (l = 0; l < 2; l++) {
        n = json_object_array_length(lists[l]);
        for (i = 0; i < n; i++) {
            item = json_object_array_get_idx(lists[l], i);
            if (find_item(u, json_object_array_length(u), item, NULL) ==
                json_object_array_length(u))
                json_object_array_add(u, json_object_get(item));
        }
    }
    res = order_items(u, p, cur, json_object_array_length(cur), NULL);
    json_object_put(u);
    return res;
}

/* Applies the patch items carrying $patch to work; sets *replace for "$patch: replace". */
static int special_items(struct smp *m, struct json_object *work, struct json_object *p,
                         const char *key, int *replace)
{
    size_t i, n = json_object_array_length(p), at;
    struct json_object *item, *d, *kv;
    const char *what;

    for (i = 0; i < n; i++) {
        item = json_object_array_get_idx(p, i);
        if (!has_directive(item, &d))
            continue;
        what = json_object_is_type(d, json_type_string) ? json_object_get_string(d) : "";
        if (strcmp(what, "replace") == 0) {
            *replace = 1;
        } else if (strcmp(what, "merge") == 0) {
            return apierr_set(m->err, APIERR_INTERNAL,
                              "merging lists cannot yet be specified in the patch");
        } else if (strcmp(what, "delete") != 0) {
            return apierr_set(m->err, APIERR_INTERNAL, "unknown patch type: %s in map: %s", show(d),
                              show(item));
        } else if (!json_object_object_get_ex(item, key, &kv)) {
            return no_merge_key(m, item, key);
        } else {
            while ((at = find_item(work, json_object_array_length(work), item, key)) <
                   json_object_array_length(work))
                json_object_array_del_idx(work, at, 1);
        }
    }
    return 0;
}

/* Merges each plain patch item into the work item with its key, or appends it. */
static int plain_items(struct smp *m, struct json_object *work, struct json_object *p,
                       const char *key, const struct smp_schema *s, int depth)
{
    size_t i, n = json_object_array_length(p), at;
    struct json_object *item, *d, *target;

    for (i = 0; i < n; i++) {
        item = json_object_array_get_idx(p, i);
        if (has_directive(item, &d))
            continue;
        if (!json_object_object_get_ex(item, key, &d))
            return no_merge_key(m, item, key);
        at = find_item(work, json_object_array_length(work), item, key);
        target = at < json_object_array_length(work)
                     ? json_object_get(json_object_array_get_idx(work, at))
                     : json_object_new_object();
        if (merge_map(m, &target, item, s, depth + 1) < 0) {
            json_object_put(target);
            return -1;
        }
        if (at < json_object_array_length(work))
            json_object_array_put_idx(work, at, target);
        else
            json_object_array_add(work, target);
    }
    return 0;
}

/* The patch's items without $patch, which is the whole list once "$patch: replace" is seen,
 * and the order the merged list takes from the patch. */
static struct json_object *plain_copy(struct json_object *p)
{
    struct json_object *res = json_object_new_array(), *item, *d;
    size_t i, n = json_object_array_length(p);

    for (i = 0; i < n; i++) {
        item = json_object_array_get_idx(p, i);
        if (!has_directive(item, &d))
            json_object_array_add(res, patch_copy(item));
    }
    return res;
}

/* kube's mergeSlice for lists of objects merged by key; *out is the caller's. */
static int merge_objects(struct smp *m, struct json_object *cur, struct json_object *p,
                         const char *key, const struct smp_schema *s, int depth,
                         struct json_object **out)
{
    struct json_object *work = json_object_new_array(), *order = NULL;
    size_t i, n = json_object_array_length(cur), nserver;
    int replace = 0, rc = -1;

    if (key == NULL) {
        json_object_put(work);
        return apierr_set(m->err, APIERR_INTERNAL,
                          "cannot merge lists without merge key for type struct");
    }
    for (i = 0; i < n; i++)
        json_object_array_add(work, json_object_get(json_object_array_get_idx(cur, i)));
    if (special_items(m, work, p, key, &replace) < 0)
        goto out;
    order = plain_copy(p);
    if (replace) {
        *out = json_object_get(order);
        rc = 0;
        goto out;
    }
    nserver = json_object_array_length(work);
    if (plain_items(m, work, p, key, s, depth) < 0)
        goto out;
    for (i = 0; i < json_object_array_length(work); i++) {
        if (!json_object_object_get_ex(json_object_array_get_idx(work, i), key, NULL)) {
            no_merge_key(m, json_object_array_get_idx(work, i), key);
            goto out;
        }
    }
    *out = order_items(work, order, work, nserver, key);
    rc = 0;
out:
    json_object_put(order);
    json_object_put(work);
    return rc;
}

/* Merges the patch list p into the list *list (the caller's reference, replaced). */
static int merge_list(struct smp *m, struct json_object **list, struct json_object *p,
                      const struct smp_field_info *info, const struct smp_schema *s, int depth)
{
    struct json_object *res = NULL;
    enum kind k = K_NULL;

    if (!json_object_is_type(*list, json_type_array))
        patch_swap(list, json_object_new_array());
    if (json_object_array_length(*list) + json_object_array_length(p) > SMP_MAX_LIST_ITEMS ||
        depth > PATCH_MAX_DEPTH)
        return unprocessable(m);
    if (json_object_array_length(*list) == 0 && json_object_array_length(p) == 0)
        return 0;
    if (element_kind(m, *list, p, &k) < 0)
        return -1;
    if (k != K_OBJ)
        res = merge_scalars(*list, p);
    else if (merge_objects(m, *list, p, info->merge_key, s, depth, &res) < 0)
        return -1;
    patch_swap(list, res);
    return 0;
}

/* The new value of a list field: merged when the schema says so, else the patch's. */
static int list_value(struct smp *m, struct json_object *cur, struct json_object *p,
                      const struct smp_field_info *info, const struct smp_schema *s, int depth,
                      struct json_object **out)
{
    *out = NULL;
    if (info->strategy != SMP_MERGE) {
        *out = patch_copy(p);
        return 0;
    }
    *out =
        json_object_is_type(cur, json_type_array) ? json_object_get(cur) : json_object_new_array();
    if (merge_list(m, out, p, info, s, depth + 1) == 0)
        return 0;
    json_object_put(*out);
    *out = NULL;
    return -1;
}

/* ---- $setElementOrder ---- */

/* kube's validatePatchWithSetOrderList: the patch's plain items appear in the order list, in
 * the same relative order. */
static int check_order(struct smp *m, struct json_object *pl, struct json_object *order,
                       const char *key)
{
    size_t np = json_object_array_length(pl), no = json_object_array_length(order), i, j;
    struct json_object *item, *d;

    for (i = 0; key && i < np; i++) {
        if (!json_object_is_type(json_object_array_get_idx(pl, i), json_type_object))
            return bad_arg(m, json_object_array_get_idx(pl, i));
    }
    for (i = 0, j = 0; i < np && j < no;) {
        item = json_object_array_get_idx(pl, i);
        if (has_directive(item, &d)) {
            i++;
            continue;
        }
        if (key && (!json_object_object_get_ex(item, key, NULL) ||
                    !json_object_object_get_ex(json_object_array_get_idx(order, j), key, NULL)))
            return no_merge_key(m, item, key);
        i += same_item(item, json_object_array_get_idx(order, j), key);
        j++;
    }
    for (; no > 0 && i < np; i++) {
        item = json_object_array_get_idx(pl, i);
        if (!key || !has_directive(item, &d) || !json_object_is_type(d, json_type_string) ||
            strcmp(json_object_get_string(d), "delete") != 0)
            break; /* deletions are left out of the comparison */
    }
    if (i < np && no > 0)
        return apierr_set(m->err, APIERR_INTERNAL,
                          "The order in patch list:\n%s\n doesn't match %s list:\n%s\n", show(pl),
                          SET_ORDER, show(order));
    return 0;
}

/* The merged value of a list field that a $setElementOrder directive orders. */
static int ordered_merge(struct smp *m, struct json_object *cur, struct json_object *pl,
                         const struct smp_field_info *info, const struct smp_schema *s, int depth,
                         struct json_object **out)
{
    if (pl == NULL) {
        *out = json_object_get(cur);
        return 0;
    }
    if (cur == NULL) {
        struct json_object *empty = json_object_new_array();
        int rc = list_value(m, empty, pl, info, s, depth, out);

        json_object_put(empty);
        return rc;
    }
    return list_value(m, cur, pl, info, s, depth, out);
}

/* Applies one "$setElementOrder/<field>": merges the field's list and orders the result. */
static int set_order(struct smp *m, struct json_object *o, struct json_object *p,
                     const char *directive, struct json_object *order, const struct smp_schema *s,
                     int depth)
{
    struct json_object *cur = NULL, *pl = NULL, *merged, *res;
    const char *field = directive + strlen(SET_ORDER) + 1, *key;
    struct smp_field_info info;
    const struct smp_schema *sub;
    enum kind k = K_NULL;

    if (directive[strlen(SET_ORDER)] != '/')
        return apierr_set(m->err, APIERR_BAD_REQUEST,
                          "invalid patch format of setElementOrder list");
    if (!json_object_is_type(order, json_type_array))
        return bad_arg(m, order);
    if (json_object_object_get_ex(o, field, &cur) && !json_object_is_type(cur, json_type_array))
        return bad_arg(m, cur);
    if (json_object_object_get_ex(p, field, &pl) && !json_object_is_type(pl, json_type_array))
        return bad_arg(m, pl);
    if (cur == NULL && pl == NULL)
        return 0;
    sub = lookup(m, s, field, &info);
    if (element_kind(m, cur ? cur : order, pl ? pl : order, &k) < 0)
        return -1;
    key = k == K_OBJ ? info.merge_key : NULL;
    if (k == K_OBJ && key == NULL)
        return apierr_set(m->err, APIERR_INTERNAL,
                          "cannot merge lists without merge key for type struct");
    if ((pl && check_order(m, pl, order, key) < 0) ||
        ordered_merge(m, cur, pl, &info, sub, depth, &merged) < 0)
        return -1;
    res = order_items(merged, order, cur ? cur : merged, cur ? json_object_array_length(cur) : 0,
                      key);
    json_object_put(merged);
    json_object_object_add(o, field, res);
    return 0;
}

/* ---- maps ---- */

/* "$patch" in a map: replace (the patch without the directive), delete (an empty map), or
 * merge (plain merging). Returns 1 when *o was replaced, 0 to merge, -1 on error. */
static int map_directive(struct smp *m, struct json_object **o, struct json_object *p,
                         struct json_object *d)
{
    const char *what = json_object_is_type(d, json_type_string) ? json_object_get_string(d) : "";
    struct json_object *res;

    if (strcmp(what, "merge") == 0)
        return 0;
    if (strcmp(what, "delete") == 0) {
        patch_swap(o, json_object_new_object());
        return 1;
    }
    if (strcmp(what, "replace") != 0)
        return apierr_set(m->err, APIERR_INTERNAL, "unknown patch type: %s in map: %s", show(d),
                          show(p));
    res = patch_copy(p);
    json_object_object_del(res, DIRECTIVE);
    patch_swap(o, res);
    return 1;
}

static int listed(struct json_object *list, const char *name)
{
    size_t i, n = json_object_array_length(list);
    struct json_object *v;

    for (i = 0; i < n; i++) {
        v = json_object_array_get_idx(list, i);
        if (json_object_is_type(v, json_type_string) &&
            strcmp(json_object_get_string(v), name) == 0)
            return 1;
    }
    return 0;
}

/* "$retainKeys": the patch may only set listed fields, and unlisted fields are cleared. */
static int retain_keys(struct smp *m, struct json_object *o, struct json_object *p)
{
    struct json_object *keep, *drop;
    size_t i;

    if (!json_object_object_get_ex(p, RETAIN_KEYS, &keep))
        return 0;
    if (!json_object_is_type(keep, json_type_array))
        return apierr_set(m->err, APIERR_BAD_REQUEST, "invalid patch format of retainKeys");
    json_object_object_foreach(p, k, v) {
        if (v == NULL || has_prefix(k, DELETE_FROM) || has_prefix(k, SET_ORDER) ||
            strcmp(k, RETAIN_KEYS) == 0 || strcmp(k, DIRECTIVE) == 0 || listed(keep, k))
            continue;
        return apierr_set(m->err, APIERR_BAD_REQUEST, "invalid patch format of retainKeys");
    }
    drop = json_object_new_array();
    json_object_object_foreach(o, ok, ov) {
        (void)ov;
        if (!listed(keep, ok))
            json_object_array_add(drop, json_object_new_string(ok));
    }
    for (i = 0; i < json_object_array_length(drop); i++)
        json_object_object_del(o, json_object_get_string(json_object_array_get_idx(drop, i)));
    json_object_put(drop);
    return 0;
}

/* A value the original lacks (or holds with another type): its directives are applied to an
 * empty value, which leaves what kube's typed decoding would keep. */
static int insert(struct smp *m, struct json_object *o, const char *k, struct json_object *v,
                  const struct smp_field_info *info, const struct smp_schema *sub, int depth)
{
    struct json_object *val;

    if (json_object_is_type(v, json_type_array)) {
        if (list_value(m, NULL, v, info, sub, depth, &val) < 0)
            return -1;
    } else if (json_object_is_type(v, json_type_object)) {
        val = json_object_new_object();
        if (merge_map(m, &val, v, sub, depth + 1) < 0) {
            json_object_put(val);
            return -1;
        }
    } else {
        val = patch_copy(v);
    }
    json_object_object_add(o, k, val);
    return 0;
}

/* One member of the patch: null deletes, matching objects merge, merge lists merge, anything
 * else replaces. */
static int merge_field(struct smp *m, struct json_object *o, const char *k, struct json_object *v,
                       const struct smp_schema *s, int depth)
{
    struct json_object *cur;
    struct smp_field_info info;
    const struct smp_schema *sub = lookup(m, s, k, &info);

    if (v == NULL) {
        json_object_object_del(o, k);
        return 0;
    }
    if (!json_object_object_get_ex(o, k, &cur) || kind_of(cur) != kind_of(v))
        return insert(m, o, k, v, &info, sub, depth);
    if (json_object_is_type(v, json_type_object) && info.strategy != SMP_REPLACE) {
        cur = json_object_get(cur);
        if (merge_map(m, &cur, v, sub, depth + 1) < 0) {
            json_object_put(cur);
            return -1;
        }
    } else if (json_object_is_type(v, json_type_array)) {
        if (list_value(m, cur, v, &info, sub, depth, &cur) < 0)
            return -1;
    } else {
        cur = patch_copy(v);
    }
    json_object_object_add(o, k, cur);
    return 0;
}

/* "$deleteFromPrimitiveList/<field>": drops the listed scalars from the field's list. */
static int delete_from(struct smp *m, struct json_object *o, const char *directive,
                       struct json_object *del)
{
    const char *field = directive + strlen(DELETE_FROM) + 1;
    struct json_object *cur, *res;
    size_t i, n;

    if (directive[strlen(DELETE_FROM)] != '/' ||
        (del && !json_object_is_type(del, json_type_array)))
        return apierr_set(m->err, APIERR_BAD_REQUEST, "invalid patch format of primitive list");
    if (del == NULL) {
        json_object_object_del(o, field);
        return 0;
    }
    if (!json_object_object_get_ex(o, field, &cur) || !json_object_is_type(cur, json_type_array))
        return 0;
    if (json_object_array_length(cur) + json_object_array_length(del) > SMP_MAX_LIST_ITEMS)
        return unprocessable(m);
    res = json_object_new_array();
    n = json_object_array_length(cur);
    for (i = 0; i < n; i++) {
        struct json_object *item = json_object_array_get_idx(cur, i);

        if (find_item(del, json_object_array_length(del), item, NULL) ==
            json_object_array_length(del))
            json_object_array_add(res, json_object_get(item));
    }
    json_object_object_add(o, field, res);
    return 0;
}

/* Whether a "$setElementOrder/<k>" directive in p already merged the field k. */
static int ordered(struct json_object *p, const char *k)
{
    size_t n = strlen(SET_ORDER) + strlen(k) + 2;
    char *name = xmalloc(n);
    int found;

    snprintf(name, n, "%s/%s", SET_ORDER, k);
    found = json_object_object_get_ex(p, name, NULL);
    free(name);
    return found;
}

/* The members of p in kube's order: orderings, then plain members, then deletion lists. */
static int merge_members(struct smp *m, struct json_object *o, struct json_object *p,
                         const struct smp_schema *s, int depth)
{
    json_object_object_foreach(p, k, v) {
        if (has_prefix(k, SET_ORDER) && set_order(m, o, p, k, v, s, depth) < 0)
            return -1;
    }
    json_object_object_foreach(p, pk, pv) {
        if (strcmp(pk, DIRECTIVE) == 0 || strcmp(pk, RETAIN_KEYS) == 0 ||
            has_prefix(pk, SET_ORDER) || has_prefix(pk, DELETE_FROM) || ordered(p, pk))
            continue;
        if (merge_field(m, o, pk, pv, s, depth) < 0)
            return -1;
    }
    json_object_object_foreach(p, dk, dv) {
        if (has_prefix(dk, DELETE_FROM) && delete_from(m, o, dk, dv) < 0)
            return -1;
    }
    return 0;
}

/* kube's mergeMap: merges the patch object p into *o (the caller's reference, which a
 * directive may replace). */
static int merge_map(struct smp *m, struct json_object **o, struct json_object *p,
                     const struct smp_schema *s, int depth)
{
    struct json_object *d;
    int rc;

    if (depth > PATCH_MAX_DEPTH)
        return unprocessable(m);
    if (json_object_object_get_ex(p, DIRECTIVE, &d)) {
        rc = map_directive(m, o, p, d);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
    }
    if (!json_object_is_type(*o, json_type_object))
        patch_swap(o, json_object_new_object());
    if (retain_keys(m, *o, p) < 0)
        return -1;
    return merge_members(m, *o, p, s, depth);
}

int patch_strategic_apply(struct json_object **doc, struct json_object *patch,
                          const struct smp_schema_ops *ops, const struct smp_schema *root,
                          struct apierr *err)
{
    struct smp m = {ops, err};
    struct json_object *work;

    if (patch == NULL)
        return 0;
    if (!json_object_is_type(patch, json_type_object))
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "json: cannot unmarshal %s into Go value of type map[string]interface {}",
                          patch_go_type(patch));
    work =
        json_object_is_type(*doc, json_type_object) ? patch_copy(*doc) : json_object_new_object();
    if (merge_map(&m, &work, patch, root, 0) < 0) {
        json_object_put(work);
        return -1;
    }
    patch_swap(doc, work);
    return 0;
}
