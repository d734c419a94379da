/* Server-side field validation (kube's fieldValidation=Strict|Warn|Ignore): the members of an
 * object its kind's OpenAPI schema does not know, and the keys a JSON text repeats, found as
 * kube's strict JSON decoding finds them.
 *
 * A problem reads as kube words it, `unknown field "spec.containers[0].foo"` or
 * `duplicate field "metadata.labels.app"`: the path joins member names with '.' and list
 * indexes as [i], and is quoted as Go's %q quotes. Problems come in document order, each once,
 * at most OPENAPI_FIELD_REPORT_MAX of them (kube keeps 100).
 *
 * What a schema knows: the members of its properties; any member under additionalProperties
 * (a map, whose values follow that schema), x-kubernetes-preserve-unknown-fields: true, or when
 * it has neither properties nor additionalProperties (RawExtension, FieldsV1, int-or-string,
 * scalars); apiVersion, kind and metadata under x-kubernetes-embedded-resource; apiVersion and
 * kind at the top. Below an unknown member nothing more is reported, as kube skips its value. */
#ifndef GENERIC_OPENAPI_FIELDS_H
#define GENERIC_OPENAPI_FIELDS_H

#include <stddef.h>

#include "generic/apis/apierr.h"
#include "generic/registry/resource.h"

struct json_object;
struct openapi;
struct req;

#define OPENAPI_FIELD_REPORT_MAX 100

/* The problems found; zero-initialise it, release it with openapi_field_report_release(). */
struct openapi_field_report {
    unsigned n;
    char *problems[OPENAPI_FIELD_REPORT_MAX]; /* owned: `unknown field "spec.foo"` */
};

void openapi_field_report_release(struct openapi_field_report *r);

/* Removes from obj (borrowed, changed in place) every member the schema of kind in
 * group/version does not know; a kind without a schema (or oa NULL) knows everything. When raw
 * (the JSON text obj was decoded from, rawlen bytes) is given, the problems reported in out are
 * read from it: unknown members and duplicate keys, in text order; without it, the unknown
 * members of obj, in its order. out may be NULL. Returns 0, or -1 when raw is not valid JSON
 * (obj is pruned all the same; out holds what came before the fault, then the unknown members
 * of obj). */
int openapi_prune(struct openapi *oa, const char *group, const char *version, const char *kind,
                  struct json_object *obj, const char *raw, size_t rawlen,
                  struct openapi_field_report *out);

/* Reports, changing nothing, the members of obj the schema does not know (as openapi_prune
 * without raw). */
void openapi_unknown_fields(struct openapi *oa, const char *group, const char *version,
                            const char *kind, struct json_object *obj,
                            struct openapi_field_report *out);

/* Reports the duplicate keys of a patch body (raw, rawlen bytes) at any depth. A JSON patch
 * (json_patch non-zero, RFC 6902) also has unknown members in its operations, and its problems
 * read `json patch duplicate field "[0].value.a"` as kube words them. Returns 0 or -1 on
 * malformed JSON. */
int openapi_patch_problems(const char *raw, size_t rawlen, int json_patch,
                           struct openapi_field_report *out);

/* ---- for the endpoints (fields_request.c) ---- */

enum openapi_fv {
    OPENAPI_FV_WARN = 0, /* kube's default when the parameter is absent */
    OPENAPI_FV_STRICT,
    OPENAPI_FV_IGNORE,
};

/* The request's ?fieldValidation: absent or empty is Warn, else Ignore, Warn or Strict. Any
 * other value is kube's 422 for the verb's options, options being "CreateOptions",
 * "UpdateOptions" or "PatchOptions" (`CreateOptions.meta.k8s.io "" is invalid: fieldValidation:
 * Unsupported value: ...`): returns -1 and fills err. */
int openapi_field_validation(struct req *req, const char *options, enum openapi_fv *fv,
                             struct apierr *err);

/* For create and update: obj (borrowed) is the request's JSON body as decoded. Reads
 * ?fieldValidation (see above), drops from obj what the schema of kind in gv does not know, and
 * applies the directive to the problems of the body: Strict fails with kube's 400 (`ConfigMap
 * in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field
 * "bogus"`), Warn adds one `Warning: 299 - "..."` header per problem to req, Ignore drops
 * silently. Returns 0 or -1 with err filled. oa may be NULL (duplicates are still found). */
int openapi_fields_body(struct openapi *oa, struct req *req, const struct group_version *gv,
                        const char *kind, const char *options, struct json_object *obj,
                        struct apierr *err);

enum openapi_patch_type {
    OPENAPI_PATCH_JSON, /* RFC 6902 */
    OPENAPI_PATCH_MERGE,
    OPENAPI_PATCH_STRATEGIC,
};

/* For patch: obj (borrowed) is the patched object and patch (borrowed, NULL for a JSON patch)
 * the decoded patch of req. Reads ?fieldValidation; the problems are those of the patch body
 * (openapi_patch_problems), then the unknown members of obj, which are dropped. Strict fails as
 * kube's 422 (` "" is invalid: patch: Invalid value: "...": strict decoding error: ...`, the
 * value being the patched object, or the strategic patch as Go prints a map), Warn adds
 * Warning headers, Ignore drops silently. kind NULL means no schema. Returns 0 or -1. */
int openapi_fields_patch(struct openapi *oa, struct req *req, const struct group_version *gv,
                         const char *kind, enum openapi_patch_type type, struct json_object *patch,
                         struct json_object *obj, struct apierr *err);

#endif
