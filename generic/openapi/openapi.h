/* OpenAPI v3 documents (/openapi/v3 and /openapi/v3/<api|apis/group>/<version>) built from the
 * resource tables a server serves and the component schemas it hands in, as kube-openapi's
 * handler3 serves them; and schema lookup for validation, pruning and strategic merge.
 *
 * One struct openapi per process (cmd creates it): each server adds its group/versions, the
 * extensions server adds and removes CRD versions at run time. Documents are built on first
 * request and cached until the set of a group/version changes. Not thread-safe: use it from
 * the loop thread. */
#ifndef GENERIC_OPENAPI_OPENAPI_H
#define GENERIC_OPENAPI_OPENAPI_H

#include <stddef.h>

#include "generic/apis/apierr.h"
#include "generic/registry/resource.h"

struct json_object;
struct openapi;
struct server;

/* An embedded schema table: {"components":{"schemas":{...}}} (see <server>/openapi_blobs.h). */
struct openapi_blob {
    const char *group;         /* "" for the core group */
    const char *version;       /* "v1" */
    const unsigned char *data; /* JSON, NUL-terminated */
    size_t len;                /* excludes the NUL */
};

/* The blob of group/version in blobs (ending with a zeroed entry), or NULL. */
const struct openapi_blob *openapi_blob_find(const struct openapi_blob *blobs, const char *group,
                                             const char *version);

/* A new, empty set; the caller owns it. openapi_free(NULL) does nothing. */
struct openapi *openapi_new(void);
void openapi_free(struct openapi *o);

/* Adds the resources of gv (borrowed: it must outlive its membership, and its pointer is the
 * handle for removal) with the component schemas in schemas_json, a document of the form
 * {"components":{"schemas":{"<name>":{...},...}}} of len bytes. Several gvs of the same
 * group/version (several servers, several CRDs) share one served document; adding the same gv
 * again replaces its schemas. A kind's schema is the one whose x-kubernetes-group-version-kind
 * lists it; the document references it from each operation on the kind, and schemas named in
 * $ref must be among the schemas of the same group/version (kube's documents carry ObjectMeta
 * and the like in each; a RES_SCALE resource's /scale operations reference
 * io.k8s.api.autoscaling.v1.Scale, an open object when absent). Returns 0, or -1 with
 * APIERR_BAD_REQUEST when the JSON is not of that form. */
int openapi_add_group_version(struct openapi *o, const struct group_version *gv,
                              const char *schemas_json, size_t len, struct apierr *err);

enum openapi_flags {
    /* Custom resources: their PATCH operations list no application/strategic-merge-patch+json
     * (kube serves none for them, and kubectl would send one if listed). */
    OPENAPI_CUSTOM = 1 << 0,
};

/* The same with the name-to-schema object (the value of components.schemas), which it takes,
 * and OPENAPI_* flags. */
void openapi_add_schemas(struct openapi *o, const struct group_version *gv,
                         struct json_object *schemas, unsigned flags);
/* Removes what openapi_add_group_version added for gv (the same pointer); the group/version
 * leaves the index with its last gv. Does nothing for a gv never added. */
void openapi_remove_group_version(struct openapi *o, const struct group_version *gv);

/* The component schema of kind in group/version (group "" for core), borrowed until the
 * group/version changes; NULL when unknown. */
struct json_object *openapi_schema(struct openapi *o, const char *group, const char *version,
                                   const char *kind);
/* The component schema called name ("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta") among
 * the schemas of group/version, borrowed as above; NULL when absent. */
struct json_object *openapi_component(struct openapi *o, const char *group, const char *version,
                                      const char *name);
/* Resolves schema (borrowed, from this group/version's schemas) to the schema that describes the
 * value: follows "$ref": "#/components/schemas/<name>" and kube's field wrapper
 * {"allOf":[{"$ref":...}], "default":...} (a single-element allOf without properties of its
 * own), repeatedly. A schema with neither is returned as is. The result is borrowed as above;
 * NULL when a reference dangles or loops. Read a field's default and x-kubernetes-* extensions
 * on the unresolved schema: the wrapper carries them, e.g. x-kubernetes-patch-merge-key on the
 * array, not on its items' target. */
struct json_object *openapi_resolve(struct openapi *o, const char *group, const char *version,
                                    struct json_object *schema);

/* The served document of key ("api/v1", "apis/apps/v1"), built if needed: *doc and *hash (the
 * uppercase hex SHA-512 of the document, 128 characters) are borrowed until the set changes.
 * Returns -1 when no group/version has that key. */
int openapi_document(struct openapi *o, const char *key, const char **doc, size_t *len,
                     const char **hash);

/* Registers /openapi/v3 (the index) and /openapi/v3/ (one document per group/version, with Etag,
 * If-None-Match and ?hash= caching) in s's mux. o is borrowed and must outlive s. */
void openapi_install(struct openapi *o, struct server *s);

#endif
