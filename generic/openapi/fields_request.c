/* fieldValidation on create, update and patch: the directive, kube's errors and its Warning
 * headers, around the schema walks of fields.c. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/validation.h"
#include "generic/apis/xalloc.h"
#include "generic/http/req.h"
#include "generic/openapi/fields.h"

/* Room for the problems in a message: the rest of a 512-byte cause keeps the start of the
 * value, as kube's message would (ours are bounded, kube's are not). */
#define DETAIL_MAX 360

int openapi_field_validation(struct req *req, const char *options, enum openapi_fv *fv,
                             struct apierr *err)
{
    static const char *const supported[] = {"", "Ignore", "Strict", "Warn", NULL};
    const char *v = req_query_param(req, "fieldValidation");

    *fv = OPENAPI_FV_WARN;
    if (!v || !*v || strcmp(v, "Warn") == 0)
        return 0;
    if (strcmp(v, "Strict") == 0) {
        *fv = OPENAPI_FV_STRICT;
        return 0;
    }
    if (strcmp(v, "Ignore") == 0) {
        *fv = OPENAPI_FV_IGNORE;
        return 0;
    }
    validation_not_supported(err, "fieldValidation", v, supported);
    validation_finish(err, "meta.k8s.io", options, "");
    return -1;
}

/* `strict decoding error: a, b`, as kube joins a strict decoding error's parts. */
static void strict_detail(char *dst, size_t size, const struct openapi_field_report *r)
{
    size_t pos = (size_t)snprintf(dst, size, "strict decoding error: ");

    for (unsigned i = 0; i < r->n && pos < size; i++)
        pos += (size_t)snprintf(dst + pos, size - pos, "%s%s", i ? ", " : "", r->problems[i]);
}

/* One `Warning: 299 - "text"` header per problem, quotes and backslashes escaped as kube's
 * NewWarningHeader does; control characters (none in a Go-quoted path) become spaces. */
static void add_warnings(struct req *req, const struct openapi_field_report *r)
{
    for (unsigned i = 0; i < r->n; i++) {
        const char *s = r->problems[i];
        char *v = xmalloc(2 * strlen(s) + 9), *o = v;

        o += sprintf(o, "299 - \"");
        for (; *s; s++) {
            if (*s == '"' || *s == '\\')
                *o++ = '\\';
            *o++ = ((unsigned char)*s < 0x20 || *s == 0x7f) ? ' ' : *s;
        }
        strcpy(o, "\"");
        req_add_header(req, "Warning", v);
        free(v);
    }
}

/* kube's transformDecodeError: the kind and version the body names (defaulting to the
 * resource's), then the kind decoded into. */
static int decode_error(struct apierr *err, struct json_object *obj, const struct group_version *gv,
                        const char *kind, const struct openapi_field_report *r)
{
    struct json_object *k, *av;
    const char *body_kind = kind, *version = gv->version, *slash;
    char detail[DETAIL_MAX * 2], quoted[128];

    if (json_object_object_get_ex(obj, "kind", &k) && json_object_is_type(k, json_type_string) &&
        json_object_get_string_len(k) > 0)
        body_kind = json_object_get_string(k);
    if (json_object_object_get_ex(obj, "apiVersion", &av) &&
        json_object_is_type(av, json_type_string) && json_object_get_string_len(av) > 0) {
        version = json_object_get_string(av);
        slash = strchr(version, '/');
        version = slash ? slash + 1 : version;
    }
    validation_quote(quoted, sizeof(quoted), version);
    strict_detail(detail, sizeof(detail), r);
    return apierr_set(err, APIERR_BAD_REQUEST, "%s in version %s cannot be handled as a %s: %s",
                      body_kind, quoted, kind, detail);
}

int openapi_fields_body(struct openapi *oa, struct req *req, const struct group_version *gv,
                        const char *kind, const char *options, struct json_object *obj,
                        struct apierr *err)
{
    struct openapi_field_report r = {0};
    enum openapi_fv fv;
    int rc = 0;

    if (openapi_field_validation(req, options, &fv, err) < 0)
        return -1;
    if (fv == OPENAPI_FV_IGNORE) {
        openapi_prune(oa, gv->group, gv->version, kind, obj, NULL, 0, NULL);
        return 0;
    }
    openapi_prune(oa, gv->group, gv->version, kind, obj, req->body, req->body_len, &r);
    if (r.n && fv == OPENAPI_FV_STRICT)
        rc = decode_error(err, obj, gv, kind, &r);
    else
        add_warnings(req, &r);
    openapi_field_report_release(&r);
    return rc;
}

/* ---- Go's %v of a decoded map, the value kube shows for a strategic merge patch ---- */

struct gobuf {
    char p[1024]; /* more than a cause can show */
    size_t len;
};

static void go_add(struct gobuf *b, const char *s)
{
    size_t n = strlen(s);

    if (n > sizeof(b->p) - 1 - b->len)
        n = sizeof(b->p) - 1 - b->len;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static int by_key(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void go_print(struct gobuf *b, struct json_object *v);

/* map[k1:v1 k2:v2], keys in byte order as fmt sorts them. */
static void go_print_map(struct gobuf *b, struct json_object *v)
{
    size_t n = (size_t)json_object_object_length(v), i = 0;
    char **keys = xmalloc((n ? n : 1) * sizeof(*keys));

    json_object_object_foreach(v, key, val) {
        (void)val;
        keys[i++] = key;
    }
    qsort(keys, n, sizeof(*keys), by_key);
    go_add(b, "map[");
    for (i = 0; i < n && b->len < sizeof(b->p) - 1; i++) {
        go_add(b, i ? " " : "");
        go_add(b, keys[i]);
        go_add(b, ":");
        go_print(b, json_object_object_get(v, keys[i]));
    }
    go_add(b, "]");
    free(keys);
}

static void go_print(struct gobuf *b, struct json_object *v)
{
    char num[32];
    size_t i, n;

    switch (json_object_get_type(v)) {
    case json_type_null:
        go_add(b, "<nil>");
        break;
    case json_type_int:
        snprintf(num, sizeof(num), "%" PRId64, json_object_get_int64(v));
        go_add(b, num);
        break;
    case json_type_string:
        go_add(b, json_object_get_string(v));
        break;
    case json_type_object:
        go_print_map(b, v);
        break;
    case json_type_array:
        go_add(b, "[");
        n = json_object_array_length(v);
        for (i = 0; i < n && b->len < sizeof(b->p) - 1; i++) {
            go_add(b, i ? " " : "");
            go_print(b, json_object_array_get_idx(v, i));
        }
        go_add(b, "]");
        break;
    default: /* booleans and doubles print alike */
        go_add(b, json_object_to_json_string(v));
    }
}

/* kube's NewInvalid(GroupKind{}, "", patch: Invalid value: <value>: <strict decoding error>). */
static int patch_invalid(struct apierr *err, enum openapi_patch_type type,
                         struct json_object *patch, struct json_object *obj,
                         const struct openapi_field_report *r)
{
    struct gobuf *b = NULL;
    const char *value;
    char detail[DETAIL_MAX];

    strict_detail(detail, sizeof(detail), r);
    if (type == OPENAPI_PATCH_STRATEGIC && patch) {
        b = xcalloc(1, sizeof(*b));
        go_print(b, patch);
        value = b->p;
    } else {
        value = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
                                                        JSON_C_TO_STRING_NOSLASHESCAPE);
    }
    validation_invalid(err, "patch", value, detail);
    validation_finish(err, "", "", "");
    free(b);
    return -1;
}

int openapi_fields_patch(struct openapi *oa, struct req *req, const struct group_version *gv,
                         const char *kind, enum openapi_patch_type type, struct json_object *patch,
                         struct json_object *obj, struct apierr *err)
{
    struct openapi_field_report r = {0};
    enum openapi_fv fv;

    if (openapi_field_validation(req, "PatchOptions", &fv, err) < 0)
        return -1;
    if (fv == OPENAPI_FV_IGNORE) {
        openapi_prune(oa, gv->group, gv->version, kind, obj, NULL, 0, NULL);
        return 0;
    }
    /* kube checks the patch as it decodes it, then the patched object as it decodes that */
    openapi_patch_problems(req->body, req->body_len, type == OPENAPI_PATCH_JSON, &r);
    openapi_unknown_fields(oa, gv->group, gv->version, kind, obj, &r);
    if (r.n && fv == OPENAPI_FV_STRICT) {
        patch_invalid(err, type, patch, obj, &r);
        openapi_field_report_release(&r);
        return -1;
    }
    if (r.n) {
        add_warnings(req, &r);
        openapi_prune(oa, gv->group, gv->version, kind, obj, NULL, 0, NULL);
    }
    openapi_field_report_release(&r);
    return 0;
}
