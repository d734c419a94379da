/* The generic store (kube's registry/generic/registry.Store): create, update and delete
 * semantics shared by every resource, with the resource's strategy for what differs. Works on
 * decoded json-c objects and the storage interface; knows nothing of HTTP. */
#ifndef GENERIC_REGISTRY_STORE_H
#define GENERIC_REGISTRY_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "generic/apis/apierr.h"
#include "generic/registry/resource.h"
#include "generic/storage/storage.h"

struct json_object;

/* What a request works on: one resource of one group version, in one store. */
struct registry {
    struct storage *st;
    const struct group_version *gv;
    const struct resource *r;
};

/* The storage key of an object ("/registry/apps/deployments/ns/name"), or with name NULL the
 * prefix of a collection ("/registry/apps/deployments/ns/"; with ns NULL or "" as well, every
 * namespace). Returns -1 if it does not fit in n bytes. */
int registry_key(const struct registry *rg, const char *ns, const char *name, char *buf,
                 size_t n);

/* "deployments.apps" or "configmaps": how kube names the resource in messages. */
const char *registry_qualified(const struct registry *rg, char *buf, size_t n);

/* kube's errors for this resource: NotFound, AlreadyExists, Conflict (the object was
 * modified), each with details name/group/kind(plural). Return -1. */
int registry_not_found(const struct registry *rg, const char *name, struct apierr *err);
int registry_conflict(const struct registry *rg, const char *name, struct apierr *err);

/* "v1" or "apps/v1". */
const char *registry_api_version(const struct registry *rg, char *buf, size_t n);

struct registry_write {
    bool dry_run;     /* dryRun=All: everything but the write */
    const char *ns;   /* from the URL; "" for cluster-scoped */
};

/* Creates obj (borrowed; it is defaulted, validated and completed in place). On success out
 * receives the stored object (the caller owns it; with dry_run it holds the object as it would
 * be stored, rev 0). */
int registry_create(const struct registry *rg, const struct registry_write *w,
                    struct json_object *obj, struct storage_obj *out, struct apierr *err);

/* Builds the object to store from the current one (borrowed; NULL when absent). Returns 0 with
 * *obj a new object the store takes, or -1 with err. */
typedef int (*registry_mutate_fn)(void *arg, struct json_object *cur, struct json_object **obj,
                                  struct apierr *err);

/* kube's Update: reads name, calls fn for the new object, checks the resourceVersion it
 * carries (a mismatch is Conflict), keeps what the client may not change (uid,
 * creationTimestamp, and spec or status depending on subresource "" or "status"), defaults,
 * validates, bumps generation on spec changes and writes; an unchanged object is not written.
 * A missing object is NotFound. out as for registry_create. */
int registry_update(const struct registry *rg, const struct registry_write *w, const char *name,
                    const char *subresource, registry_mutate_fn fn, void *arg,
                    struct storage_obj *out, struct apierr *err);

/* DeleteOptions that matter to the store. */
struct registry_delete_opts {
    const char *uid; /* preconditions.uid; NULL: any */
    const char *rv;  /* preconditions.resourceVersion; NULL: any */
};

/* kube's Delete: an object with finalizers is only marked (deletionTimestamp,
 * deletionGracePeriodSeconds 0) and *deleted is false; otherwise it is removed and *deleted is
 * true. out receives the object as marked, or as it was at deletion (with the delete's
 * resourceVersion). */
int registry_delete(const struct registry *rg, const struct registry_write *w, const char *name,
                    const struct registry_delete_opts *o, struct storage_obj *out, bool *deleted,
                    struct apierr *err);

/* Checks that namespace ns exists and is not terminating (kube's NamespaceLifecycle
 * admission) before something is created in it. */
int registry_admit_namespace(struct storage *st, const struct registry *rg, const char *ns,
                             const char *name, struct apierr *err);

#endif
