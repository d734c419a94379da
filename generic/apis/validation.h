/* kube's name and metadata validation (apimachinery's util/validation, api/validation and
 * util/validation/field), with kube 1.32's exact wording.
 *
 * Three layers. The checks (validation_dns1123_label, ...) return kube's messages for one value, as
 * kube's IsDNS1123Label returns a []string. The field errors (validation_invalid, ...) add one
 * cause to a struct apierr, its message composed as kube's field.Error.ErrorBody: the cause of
 * `validation_invalid(err, "metadata.name", "Bad_Name", msg)` is {reason "FieldValueInvalid",
 * field "metadata.name", message `Invalid value: "Bad_Name": <msg>`}. validation_object_meta
 * checks a whole ObjectMeta, and validation_finish turns the causes into kube's Invalid Status
 * message (`ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: ...`). */
#ifndef GENERIC_APIS_VALIDATION_H
#define GENERIC_APIS_VALIDATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "generic/apis/apierr.h"

/* The most messages one check returns; size the msgs arrays below with it. */
#define VALIDATION_MAX_MSGS 4
/* Total bytes of annotation keys and values an object may carry (kube's 256 KiB). */
#define VALIDATION_ANNOTATIONS_MAX (256 * 1024)

/* The checks. Each stores kube's messages about value (static strings, at most
 * VALIDATION_MAX_MSGS) in msgs and returns how many there are: 0 means valid. */
int validation_dns1123_label(const char *value, const char **msgs);     /* namespaces, services */
int validation_dns1123_subdomain(const char *value, const char **msgs); /* most object names */
int validation_dns1035_label(const char *value, const char **msgs);
int validation_qualified_name(const char *value, const char **msgs); /* label and annotation keys */
int validation_label_value(const char *value, const char **msgs);
int validation_config_map_key(const char *value, const char **msgs); /* ConfigMap, Secret keys */
/* Names that are safe as one URL path segment; prefix allows "." and "..". */
int validation_path_segment(const char *value, bool prefix, const char **msgs);

/* A name rule (kube's ValidateNameFunc) as validation_object_meta takes it: prefix is true for a
 * generateName, which may end in '-' since random characters follow. */
typedef int validation_name_fn(const char *name, bool prefix, const char **msgs);
int validation_name_dns_subdomain(const char *name, bool prefix, const char **msgs);
int validation_name_dns_label(const char *name, bool prefix, const char **msgs);
int validation_name_dns1035_label(const char *name, bool prefix, const char **msgs);
int validation_name_path_segment(const char *name, bool prefix, const char **msgs);

/* Field errors: each adds one cause to err (making it APIERR_INVALID) and returns -1, so a
 * validator writes `rc = validation_invalid(...)`. Values are quoted as Go's %q does; a value too
 * long for the cause is cut short so that the detail still fits. detail may be NULL. */
int validation_invalid(struct apierr *err, const char *field, const char *value,
                       const char *detail);
int validation_invalid_int(struct apierr *err, const char *field, int64_t value,
                           const char *detail);
/* One FieldValueInvalid cause per message, as kube's validators report a check's []string. */
int validation_invalid_msgs(struct apierr *err, const char *field, const char *value,
                            const char **msgs, int n);
int validation_required(struct apierr *err, const char *field, const char *detail);
int validation_forbidden(struct apierr *err, const char *field, const char *detail);
int validation_duplicate(struct apierr *err, const char *field, const char *value);
/* "Too long: may not be more than <max> bytes"; kube leaves the value out. */
int validation_too_long(struct apierr *err, const char *field, long max);
/* supported is NULL-terminated: `Unsupported value: "x": supported values: "a", "b"`. */
int validation_not_supported(struct apierr *err, const char *field, const char *value,
                             const char *const *supported);

/* Labels and annotations maps (either may be NULL): every bad key and value, type errors, and the
 * annotations' total size. field is the path to report, "metadata.labels". Return 0 or -1. */
int validation_labels(struct json_object *labels, const char *field, struct apierr *err);
int validation_annotations(struct json_object *annotations, const char *field, struct apierr *err);

/* Validates an ObjectMeta for create, as kube's ValidateObjectMetaAccessor: generateName and name
 * with name_fn ("name or generateName is required" when both are empty), namespace required (a
 * DNS-1123 label) when namespaced and forbidden otherwise, generation, labels, annotations,
 * ownerReferences and finalizers. Every problem becomes a cause; meta may be NULL. kube runs the
 * strategy's own rules first and these common ones only when those pass. Returns 0 or -1. */
int validation_object_meta(struct json_object *meta, bool namespaced, validation_name_fn *name_fn,
                           struct apierr *err);

/* The update half (kube's ValidateObjectMetaAccessorUpdate): no finalizer may be added while old
 * is being deleted, resourceVersion must be set, generation may not go down, name, namespace and
 * uid are immutable, then labels, annotations and ownerReferences of meta. kube's update also runs
 * validation_object_meta (with path-segment names) on the new object. Returns 0 or -1. */
int validation_object_meta_update(struct json_object *meta, struct json_object *old,
                                  struct apierr *err);

/* Completes an Invalid error as kube's NewInvalid: reason APIERR_INVALID, details group/kind/name,
 * and the message `<Kind>[.<group>] "<name>" is invalid: <field>: <body>`, several distinct
 * causes joined as `[a, b]`, none giving `... is invalid`. group may be NULL or "". */
void validation_finish(struct apierr *err, const char *group, const char *kind, const char *name);

/* Writes s quoted as Go's %q would (escapes, \x.. for bytes that are not UTF-8) into dst, always
 * NUL-terminated; output that does not fit is cut at a whole escape and still closed with '"'. */
void validation_quote(char *dst, size_t size, const char *s);

/* The length of the UTF-8 sequence at s (1 to 4), or 0 when the bytes there are not valid UTF-8
 * as Go decodes it (overlong forms, surrogates and truncated sequences are invalid). */
size_t validation_utf8_len(const char *s);

#endif
