/* The three PATCH bodies kube-apiserver accepts, applied to json-c documents:
 * application/json-patch+json (RFC 6902, as evanphx/json-patch v4 does it),
 * application/merge-patch+json (RFC 7386) and application/strategic-merge-patch+json
 * (k8s.io/apimachinery strategicpatch, with list strategies from a caller-provided schema).
 *
 * Common contract of the *_apply functions:
 * - *doc is the caller's reference to the current object (NULL stands for JSON null). The
 *   object it points to is never modified, so it may be shared (a cache entry, say).
 * - On success they return 0 and *doc is the caller's reference to the patched result: the
 *   old reference was put (returned) and a new one stored, or *doc is left as it was when the
 *   patch changes nothing observable.
 * - On failure they return -1, *doc is untouched and err says why, worded as kube words it.
 * - The patch is borrowed and never modified.
 * - Work is bounded: PATCH_MAX_OPERATIONS, PATCH_MAX_DEPTH, PATCH_MAX_COPY_BYTES and
 *   SMP_MAX_LIST_ITEMS cap what a client can make the server do. */
#ifndef GENERIC_ENDPOINTS_PATCH_H
#define GENERIC_ENDPOINTS_PATCH_H

#include <stddef.h>

#include <json-c/json.h>

#include "generic/apis/apierr.h"

#define PATCH_MAX_OPERATIONS 10000             /* kube's maxJSONPatchOperations */
#define PATCH_MAX_DEPTH      30 /* nesting of a patch or its result: under json-c's 32, so it parses again */
#define PATCH_MAX_COPY_BYTES (3 * 1024 * 1024) /* kube's JSONPatchMaxCopyBytes default */
#define SMP_MAX_LIST_ITEMS   4096              /* merge lists are merged in quadratic time */

/* The message kube gives every 422 it makes with NewGenericServerResponse. */
#define PATCH_INVALID_MESSAGE "the server rejected our request due to an error in our request"

/* Applies the JSON Patch text patch[0..len) to *doc.
 * Errors, as kube's jsonPatcher reports them:
 * - malformed JSON, a body that is not an array of objects: APIERR_BAD_REQUEST with Go's
 *   decoding message ("unexpected end of JSON input", "json: cannot unmarshal object into Go
 *   value of type jsonpatch.Patch");
 * - more than PATCH_MAX_OPERATIONS operations: APIERR_TOO_LARGE;
 * - an operation that does not apply (failed test, missing path, bad index, unknown op,
 *   copies beyond PATCH_MAX_COPY_BYTES, a result nested deeper than PATCH_MAX_DEPTH, or a
 *   patch that would shift or walk more than 2^28 array elements and nodes in all):
 *   APIERR_INVALID with PATCH_INVALID_MESSAGE and no causes, exactly as kube answers.
 * A "copy" whose "from" member is absent fails (json-patch v4 would add null).
 * As in kube (json-patch v4): the whole-document pointer "" is never found, negative array
 * indices count from the end, "replace" of a missing object member adds it, "add" with no
 * "value" adds null, and a "null" body is an empty patch. */
int patch_json_apply(struct json_object **doc, const char *patch, size_t len, struct apierr *err);

/* RFC 7386 MergePatch(*target, patch) itself, for any JSON values: an object patch merges
 * member by member (null deletes, objects recurse, anything else replaces), any other patch
 * replaces the target. *target is the caller's reference (NULL is JSON null) and is taken:
 * on success *target holds the result, a reference the caller owns. Fails only for a patch
 * nested deeper than PATCH_MAX_DEPTH (APIERR_BAD_REQUEST), leaving *target as it was. */
int patch_merge(struct json_object **target, struct json_object *patch, struct apierr *err);

/* application/merge-patch+json on an object, under the common contract above. A patch that is
 * not a JSON object (null, a scalar, an array) is APIERR_BAD_REQUEST "Invalid JSON Patch". */
int patch_merge_apply(struct json_object **doc, struct json_object *patch, struct apierr *err);

/* Strategic merge patch. The schema is the caller's: this module only asks it, field by field,
 * how to merge. */
struct smp_schema; /* opaque; whatever the caller's schemas are */

enum smp_strategy {
    SMP_DEFAULT = 0, /* no patchStrategy: objects merge, lists are replaced */
    SMP_MERGE,       /* lists merge: by merge_key for lists of objects, as a set otherwise */
    SMP_REPLACE,     /* the patch value replaces the field, objects included */
};

struct smp_field_info {
    enum smp_strategy strategy;
    const char *merge_key; /* x-kubernetes-patch-merge-key of a list of objects, else NULL */
    int retain_keys;       /* strategy also names retainKeys; informational, since applying
                              honours a $retainKeys directive wherever it appears, as kube does */
};

struct smp_schema_ops {
    /* For the member `name` of the object that s describes (s is never NULL): fills *info
     * (zeroed before the call; leave it for an unknown field) and returns the schema of the
     * member's value, of one element for a list, or NULL when unknown or a leaf. A member
     * without schema is merged like JSON merge patch, as kube does for fields it cannot type. */
    const struct smp_schema *(*field)(const struct smp_schema *s, const char *name,
                                      struct smp_field_info *info);
};

/* Applies the strategic merge patch `patch` to *doc under the common contract above, with
 * kube's directives: $patch (replace, delete; merge is accepted in objects as plain merging
 * and refused in lists, as kube refuses it), $retainKeys, $setElementOrder/<list>,
 * $deleteFromPrimitiveList/<list>, and null deleting a member. ops and root may be NULL (no
 * schema at all: every list is replaced). A NULL patch (JSON null) changes nothing; a patch
 * that is not an object is APIERR_BAD_REQUEST. Errors are reported as kube reports them:
 * malformed directives are APIERR_BAD_REQUEST ("invalid patch format of retainKeys"), lists of
 * lists APIERR_INVALID, and what kube lets through as a plain Go error (a list element
 * without its merge key, an unknown $patch value) APIERR_INTERNAL with kube's message. Merge
 * lists longer than SMP_MAX_LIST_ITEMS and patches deeper than PATCH_MAX_DEPTH are
 * APIERR_INVALID. */
int patch_strategic_apply(struct json_object **doc, struct json_object *patch,
                          const struct smp_schema_ops *ops, const struct smp_schema *root,
                          struct apierr *err);

#endif
