/* ObjectMeta validation for create and update, in kube's order so causes list as kube's do. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generic/apis/validation.h"
#include "generic/apis/xalloc.h"

/* JSON types as OpenAPI names them. */
static const char *type_name(json_type t)
{
    switch (t) {
    case json_type_int:
        return "integer";
    case json_type_double:
        return "number";
    case json_type_boolean:
        return "boolean";
    case json_type_array:
        return "array";
    case json_type_object:
        return "object";
    case json_type_string:
        return "string";
    default:
        return "null";
    }
}

/* A member of the wrong JSON type, worded as kube's schema validation words it; a typed kube
 * would have refused the body when decoding it. */
static int type_invalid(struct apierr *err, const char *field, struct json_object *v,
                        const char *want)
{
    const char *got = type_name(json_object_get_type(v));

    return apierr_field(err, "FieldValueTypeInvalid", field,
                        "Invalid value: \"%s\": %s in body must be of type %s: \"%s\"", got, field,
                        want, got);
}

/* The member key of meta as a string: "" when absent or null, a type error when not a string. */
static const char *meta_str(struct json_object *meta, const char *key, const char *field,
                            struct apierr *err, int *rc)
{
    struct json_object *v;

    if (!meta || !json_object_object_get_ex(meta, key, &v) ||
        json_object_is_type(v, json_type_null))
        return "";
    if (json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    *rc = type_invalid(err, field, v, "string");
    return "";
}

/* The member key of meta when it has type want; absent, null or mistyped (reported) give NULL. */
static struct json_object *meta_member(struct json_object *meta, const char *key, const char *field,
                                       json_type want, struct apierr *err, int *rc)
{
    struct json_object *v;

    if (!meta || !json_object_object_get_ex(meta, key, &v) ||
        json_object_is_type(v, json_type_null))
        return NULL;
    if (json_object_is_type(v, want))
        return v;
    *rc = type_invalid(err, field, v, type_name(want));
    return NULL;
}

/* Go's %#v of a []string: []string{"a", "b"}. */
static void go_strings(char *buf, size_t size, const char **items, size_t n)
{
    size_t i, len;
    char q[128];

    snprintf(buf, size, "[]string{");
    for (i = 0; i < n; i++) {
        validation_quote(q, sizeof(q), items[i]);
        len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", i ? ", " : "", q);
    }
    len = strlen(buf);
    snprintf(buf + len, size - len, "}");
}

int validation_labels(struct json_object *labels, const char *field, struct apierr *err)
{
    const char *msgs[VALIDATION_MAX_MSGS], *s;
    int rc = 0;

    if (!labels || json_object_is_type(labels, json_type_null))
        return 0;
    if (!json_object_is_type(labels, json_type_object))
        return type_invalid(err, field, labels, "object");
    json_object_object_foreach(labels, key, val) {
        rc |= validation_invalid_msgs(err, field, key, msgs, validation_qualified_name(key, msgs));
        if (!json_object_is_type(val, json_type_string)) {
            rc = type_invalid(err, field, val, "string");
            continue;
        }
        s = json_object_get_string(val);
        rc |= validation_invalid_msgs(err, field, s, msgs, validation_label_value(s, msgs));
    }
    return rc;
}

/* kube checks an annotation key as a qualified name in lower case, and reports it as written. */
static int annotation_key(const char *key, const char *field, struct apierr *err)
{
    const char *msgs[VALIDATION_MAX_MSGS];
    char *lower = xstrdup(key);
    int rc;
    size_t i;

    for (i = 0; lower[i]; i++)
        lower[i] = (char)tolower((unsigned char)lower[i]);
    rc = validation_invalid_msgs(err, field, key, msgs, validation_qualified_name(lower, msgs));
    free(lower);
    return rc;
}

int validation_annotations(struct json_object *annotations, const char *field, struct apierr *err)
{
    size_t total = 0;
    int rc = 0;

    if (!annotations || json_object_is_type(annotations, json_type_null))
        return 0;
    if (!json_object_is_type(annotations, json_type_object))
        return type_invalid(err, field, annotations, "object");
    json_object_object_foreach(annotations, key, val) {
        rc |= annotation_key(key, field, err);
        total += strlen(key);
        if (!json_object_is_type(val, json_type_string)) {
            rc = type_invalid(err, field, val, "string");
            continue;
        }
        total += (size_t)json_object_get_string_len(val);
    }
    if (total > VALIDATION_ANNOTATIONS_MAX)
        rc = validation_too_long(err, field, VALIDATION_ANNOTATIONS_MAX);
    return rc;
}

static int check_names(struct json_object *meta, validation_name_fn *name_fn, struct apierr *err)
{
    const char *msgs[VALIDATION_MAX_MSGS];
    int rc = 0;
    const char *gen = meta_str(meta, "generateName", "metadata.generateName", err, &rc);
    const char *name = meta_str(meta, "name", "metadata.name", err, &rc);

    if (!name_fn)
        name_fn = validation_name_path_segment;
    if (gen[0])
        rc |= validation_invalid_msgs(err, "metadata.generateName", gen, msgs,
                                      name_fn(gen, true, msgs));
    if (!name[0])
        return validation_required(err, "metadata.name", "name or generateName is required");
    rc |= validation_invalid_msgs(err, "metadata.name", name, msgs, name_fn(name, false, msgs));
    return rc;
}

static int check_namespace(struct json_object *meta, bool namespaced, struct apierr *err)
{
    const char *msgs[VALIDATION_MAX_MSGS];
    int rc = 0;
    const char *ns = meta_str(meta, "namespace", "metadata.namespace", err, &rc);

    if (!namespaced)
        return ns[0] ? validation_forbidden(err, "metadata.namespace", "not allowed on this type")
                     : rc;
    if (!ns[0])
        return validation_required(err, "metadata.namespace", "");
    return rc | validation_invalid_msgs(err, "metadata.namespace", ns, msgs,
                                        validation_name_dns_label(ns, false, msgs));
}

static int check_generation(struct json_object *meta, struct apierr *err)
{
    int rc = 0;
    struct json_object *g =
        meta_member(meta, "generation", "metadata.generation", json_type_int, err, &rc);

    if (g && json_object_get_int64(g) < 0)
        return validation_invalid_int(err, "metadata.generation", json_object_get_int64(g),
                                      "must be greater than or equal to 0");
    return rc;
}

/* kube parses apiVersion as group/version: no version when it is empty, "/", ends in '/' or
 * holds more than one '/'. */
static bool has_version(const char *api_version)
{
    const char *slash = strchr(api_version, '/');

    if (!slash)
        return api_version[0] != '\0';
    return slash[1] != '\0' && strchr(slash + 1, '/') == NULL;
}

static int check_owner(struct json_object *ref, struct apierr *err)
{
    static const char *const keys[] = {"kind", "name", "uid"};
    static const char *const fields[] = {"metadata.ownerReferences.kind",
                                         "metadata.ownerReferences.name",
                                         "metadata.ownerReferences.uid"};
    int rc = 0;
    const char *v = meta_str(ref, "apiVersion", "metadata.ownerReferences.apiVersion", err, &rc);
    size_t i;

    if (!has_version(v))
        rc = validation_invalid(err, "metadata.ownerReferences.apiVersion", v,
                                "version must not be empty");
    for (i = 0; i < 3; i++) {
        v = meta_str(ref, keys[i], fields[i], err, &rc);
        if (!v[0])
            rc = validation_invalid(err, fields[i], v, "must not be empty");
    }
    return rc;
}

static int check_owners(struct json_object *meta, struct apierr *err)
{
    int rc = 0;
    struct json_object *refs =
        meta_member(meta, "ownerReferences", "metadata.ownerReferences", json_type_array, err, &rc);
    size_t i, n = refs ? json_object_array_length(refs) : 0;

    for (i = 0; i < n; i++) {
        struct json_object *ref = json_object_array_get_idx(refs, i);

        if (!json_object_is_type(ref, json_type_object))
            rc = type_invalid(err, "metadata.ownerReferences", ref, "object");
        else
            rc |= check_owner(ref, err);
    }
    return rc;
}

/* The finalizers as strings (mistyped ones reported and skipped); *n is how many. */
static const char **finalizer_list(struct json_object *meta, size_t *n, struct apierr *err, int *rc)
{
    struct json_object *arr =
        meta_member(meta, "finalizers", "metadata.finalizers", json_type_array, err, rc);
    size_t i, len = arr ? json_object_array_length(arr) : 0;
    const char **out = xcalloc(len + 1, sizeof(*out));

    *n = 0;
    for (i = 0; i < len; i++) {
        struct json_object *f = json_object_array_get_idx(arr, i);

        if (json_object_is_type(f, json_type_string))
            out[(*n)++] = json_object_get_string(f);
        else
            *rc = type_invalid(err, "metadata.finalizers", f, "string");
    }
    return out;
}

static int check_finalizers(struct json_object *meta, struct apierr *err)
{
    const char *msgs[VALIDATION_MAX_MSGS];
    int rc = 0, orphan = 0, foreground = 0;
    size_t i, n;
    const char **list = finalizer_list(meta, &n, err, &rc);
    char value[256];

    for (i = 0; i < n; i++) {
        rc |= validation_invalid_msgs(err, "metadata.finalizers", list[i], msgs,
                                      validation_qualified_name(list[i], msgs));
        orphan |= strcmp(list[i], "orphan") == 0;
        foreground |= strcmp(list[i], "foregroundDeletion") == 0;
    }
    if (orphan && foreground) {
        go_strings(value, sizeof(value), list, n);
        rc = apierr_field(err, "FieldValueInvalid", "metadata.finalizers",
                          "Invalid value: %s: finalizer orphan and foregroundDeletion cannot be "
                          "both set",
                          value);
    }
    free(list);
    return rc;
}

int validation_object_meta(struct json_object *meta, bool namespaced, validation_name_fn *name_fn,
                           struct apierr *err)
{
    int rc = 0;

    if (meta && !json_object_is_type(meta, json_type_object))
        return type_invalid(err, "metadata", meta, "object");
    rc |= check_names(meta, name_fn, err);
    rc |= check_namespace(meta, namespaced, err);
    rc |= check_generation(meta, err);
    rc |= validation_labels(meta ? json_object_object_get(meta, "labels") : NULL, "metadata.labels",
                            err);
    rc |= validation_annotations(meta ? json_object_object_get(meta, "annotations") : NULL,
                                 "metadata.annotations", err);
    rc |= check_owners(meta, err);
    rc |= check_finalizers(meta, err);
    return rc ? -1 : 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An object being deleted may lose finalizers but not gain any. */
static int check_no_new_finalizers(struct json_object *meta, struct json_object *old,
                                   struct apierr *err)
{
    size_t i, j, n, nold, nextra = 0;
    int rc = 0, ignored = 0;
    struct apierr scratch = {0}; /* the old object's own type errors are not this request's */
    const char **list = finalizer_list(meta, &n, err, &rc);
    const char **was = finalizer_list(old, &nold, &scratch, &ignored);
    char value[256], detail[400];

    qsort(list, n, sizeof(*list), cmp_str);
    for (i = 0; i < n; i++) {
        for (j = 0; j < nold && strcmp(list[i], was[j]) != 0; j++)
            ;
        if (j == nold && (nextra == 0 || strcmp(list[nextra - 1], list[i]) != 0))
            list[nextra++] = list[i];
    }
    if (nextra) {
        go_strings(value, sizeof(value), list, nextra);
        snprintf(detail, sizeof(detail),
                 "no new finalizers can be added if the object is being deleted, found new "
                 "finalizers %s",
                 value);
        rc = validation_forbidden(err, "metadata.finalizers", detail);
    }
    free(list);
    free(was);
    return rc;
}

static int immutable(struct json_object *meta, struct json_object *old, const char *key,
                     const char *field, struct apierr *err)
{
    int rc = 0, ignored = 0;
    struct apierr scratch = {0};
    const char *now = meta_str(meta, key, field, err, &rc);
    const char *was = meta_str(old, key, field, &scratch, &ignored);

    if (strcmp(now, was) != 0)
        return validation_invalid(err, field, now, "field is immutable");
    return rc;
}

int validation_object_meta_update(struct json_object *meta, struct json_object *old,
                                  struct apierr *err)
{
    struct json_object *v;
    int rc = 0;
    int64_t gen = 0, old_gen = 0;

    if (old && json_object_object_get_ex(old, "deletionTimestamp", &v) &&
        !json_object_is_type(v, json_type_null))
        rc |= check_no_new_finalizers(meta, old, err);
    if (!meta_str(meta, "resourceVersion", "metadata.resourceVersion", err, &rc)[0])
        rc = validation_invalid(err, "metadata.resourceVersion", "",
                                "must be specified for an update");
    if (meta && json_object_object_get_ex(meta, "generation", &v))
        gen = json_object_get_int64(v);
    if (old && json_object_object_get_ex(old, "generation", &v))
        old_gen = json_object_get_int64(v);
    if (gen < old_gen)
        rc = validation_invalid_int(err, "metadata.generation", gen, "must not be decremented");
    rc |= immutable(meta, old, "name", "metadata.name", err);
    rc |= immutable(meta, old, "namespace", "metadata.namespace", err);
    rc |= immutable(meta, old, "uid", "metadata.uid", err);
    rc |= validation_labels(meta ? json_object_object_get(meta, "labels") : NULL, "metadata.labels",
                            err);
    rc |= validation_annotations(meta ? json_object_object_get(meta, "annotations") : NULL,
                                 "metadata.annotations", err);
    rc |= check_owners(meta, err);
    return rc ? -1 : 0;
}
