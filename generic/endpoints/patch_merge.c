/* JSON Merge Patch (RFC 7386) and the shared helpers of patch_internal.h. */
#include <stdlib.h>

#include <json-c/json.h>

#include "generic/endpoints/patch.h"
#include "generic/endpoints/patch_internal.h"

struct json_object *patch_copy(struct json_object *v)
{
    struct json_object *c = NULL;

    if (v && json_object_deep_copy(v, &c, NULL) < 0)
        abort(); /* json-c fails here only when out of memory */
    return c;
}

int patch_deeper_than(struct json_object *v, int levels)
{
    size_t i, n;

    if (!json_object_is_type(v, json_type_object) && !json_object_is_type(v, json_type_array))
        return 0;
    if (levels <= 0)
        return 1;
    if (json_object_is_type(v, json_type_array)) {
        n = json_object_array_length(v);
        for (i = 0; i < n; i++) {
            if (patch_deeper_than(json_object_array_get_idx(v, i), levels - 1))
                return 1;
        }
        return 0;
    }
    json_object_object_foreach(v, key, val) {
        (void)key;
        if (patch_deeper_than(val, levels - 1))
            return 1;
    }
    return 0;
}

/* Go's name for a JSON value's type in "cannot unmarshal" messages. */
const char *patch_go_type(struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_object:
        return "object";
    case json_type_array:
        return "array";
    case json_type_string:
        return "string";
    case json_type_boolean:
        return "bool";
    default:
        return "number";
    }
}

void patch_swap(struct json_object **doc, struct json_object *result)
{
    json_object_put(*doc);
    *doc = result;
}

/* Merges the object patch into the object t, member by member. The caller has checked the
 * patch's depth, which bounds this recursion. */
static void merge_object(struct json_object *t, struct json_object *patch)
{
    struct json_object *cur, *child;

    json_object_object_foreach(patch, key, val) {
        if (val == NULL) {
            json_object_object_del(t, key);
            continue;
        }
        if (!json_object_is_type(val, json_type_object)) {
            json_object_object_add(t, key, patch_copy(val));
            continue;
        }
        /* A member that is not an object yet starts empty, so the patch's nulls vanish. */
        if (json_object_object_get_ex(t, key, &cur) && json_object_is_type(cur, json_type_object))
            child = json_object_get(cur);
        else
            child = json_object_new_object();
        merge_object(child, val);
        json_object_object_add(t, key, child);
    }
}

int patch_merge(struct json_object **target, struct json_object *patch, struct apierr *err)
{
    struct json_object *t;

    if (patch_deeper_than(patch, PATCH_MAX_DEPTH))
        return apierr_set(err, APIERR_BAD_REQUEST, "json: exceeded max depth");
    if (!json_object_is_type(patch, json_type_object)) {
        patch_swap(target, patch_copy(patch));
        return 0;
    }
    if (json_object_is_type(*target, json_type_object))
        t = json_object_get(*target);
    else
        t = json_object_new_object();
    merge_object(t, patch);
    patch_swap(target, t);
    return 0;
}

int patch_merge_apply(struct json_object **doc, struct json_object *patch, struct apierr *err)
{
    struct json_object *work;

    if (!json_object_is_type(patch, json_type_object))
        return apierr_set(err, APIERR_BAD_REQUEST, "Invalid JSON Patch");
    if (patch_deeper_than(patch, PATCH_MAX_DEPTH))
        return apierr_set(err, APIERR_BAD_REQUEST, "json: exceeded max depth");
    work = json_object_is_type(*doc, json_type_object) ? patch_copy(*doc) : NULL;
    patch_merge(&work, patch, err);
    patch_swap(doc, work);
    return 0;
}
