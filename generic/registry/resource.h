/* A resource is described once, in a table row (DESIGN.md §4): names, scope, verbs,
 * subresources, the strategy for what differs per resource, table columns and selectable
 * fields. Everything else is the generic store's and the endpoints' job. */
#ifndef GENERIC_REGISTRY_RESOURCE_H
#define GENERIC_REGISTRY_RESOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "generic/apis/apierr.h"
#include "generic/apis/validation.h"

struct json_object;

enum res_flags {
    RES_NAMESPACED = 1 << 0,
    RES_STATUS = 1 << 1,       /* has a status subresource: spec and status written apart */
    RES_SCALE = 1 << 2,        /* has a scale subresource (autoscaling/v1 Scale) */
    RES_GENERATION = 1 << 3,     /* metadata.generation starts at 1, bumped on spec changes */
    RES_RETURN_DELETED = 1 << 4, /* DELETE answers with the deleted object, not a Status */
};

enum verb_bits {
    VERB_GET = 1 << 0,
    VERB_LIST = 1 << 1,
    VERB_WATCH = 1 << 2,
    VERB_CREATE = 1 << 3,
    VERB_UPDATE = 1 << 4,
    VERB_PATCH = 1 << 5,
    VERB_DELETE = 1 << 6,
    VERB_DELETECOLLECTION = 1 << 7,
    VERB_ALL = (1 << 8) - 1,
};

/* One column of the resource's meta.k8s.io/v1 Table (kube's TableColumnDefinition). */
struct table_column {
    const char *name;   /* "NAME", "READY", ... */
    const char *type;   /* "string", "integer", "date", ... */
    const char *format; /* "name" for the name column, else "" */
    const char *description;
    int priority;       /* 0: always shown; 1: only with -o wide */
};

#define TABLE_MAX_COLUMNS 12

/* What differs per resource. Hooks see the decoded object, never storage; any may be NULL. */
struct strategy {
    /* Fills defaults a client reads back (kube's defaulting on decode); runs on create and
     * update, before validation. */
    void (*defaults)(struct json_object *obj);
    /* Drops or resets what a client may not set on create (e.g. status); obj is the new
     * object. */
    void (*prepare_create)(struct json_object *obj);
    /* The same for an update of the resource itself (not of a subresource); old is the stored
     * object (borrowed). */
    void (*prepare_update)(struct json_object *obj, struct json_object *old);
    /* Validation reports every problem as field causes (apierr_field); returns 0 or -1. */
    int (*validate_create)(struct json_object *obj, struct apierr *err);
    int (*validate_update)(struct json_object *obj, struct json_object *old, struct apierr *err);
    /* Fills cells (a json array the caller owns) with one value per column of the resource,
     * in column order (wide columns included). */
    void (*table_row)(struct json_object *obj, struct json_object *cells);
    /* The value of a selectable field (beyond metadata.name/metadata.namespace) as a string,
     * written to buf; returns 0, or -1 if the field is not selectable for this resource. */
    int (*field_value)(struct json_object *obj, const char *field, char *buf, size_t n);
    /* Asked when obj is to be deleted, and again after each update of an object already being
     * deleted: returns 1 to keep it for now (after marking it, e.g. a namespace turns
     * Terminating until its spec.finalizers are done), 0 to let it go. Objects with
     * metadata.finalizers are kept regardless. */
    int (*keep_deleting)(struct json_object *obj);
    /* Reserves what obj claims from state shared across objects (a service's cluster IP and node
     * ports), filling in what it allocates; runs after validation, just before the write. old
     * is NULL on create; state is the strategy's own (below). Returns 0, or -1 with err (field
     * causes become kube's Invalid message), having reserved nothing. */
    int (*admit)(void *state, struct json_object *obj, struct json_object *old,
                 struct apierr *err);
    /* Gives back what admit reserved for obj when the write does not happen (it failed, or was
     * a dry run). Releasing what a committed write stops using is the state owner's job. */
    void (*unadmit)(void *state, struct json_object *obj, struct json_object *old);
    /* What admit and unadmit work on: NULL in the static tables; a server that needs it
     * installs a copy of the strategy carrying its own. */
    void *state;
};

/* A subresource beyond status and scale (namespaces/finalize, serviceaccounts/token, ...), served
 * by its own handler. group/version/kind name the response kind when it differs from the
 * parent's (NULL: the parent's). */
struct req;
struct subresource {
    const char *name;
    unsigned verbs;
    const char *group, *version, *kind;
    void (*serve)(struct req *req, void *ctx); /* ctx: the endpoint's request context */
};

struct resource {
    const char *plural;   /* "deployments" */
    const char *kind;     /* "Deployment" */
    const char *short_names[4];
    unsigned flags;       /* RES_* */
    unsigned verbs;       /* VERB_* */
    const struct strategy *strategy;
    const char *singular; /* NULL: the lower-cased kind */
    const char *categories[3];   /* {"all"} for kubectl get all */
    const struct table_column *columns; /* NULL: NAME and AGE (kube's default table) */
    const char *const *fields;   /* selectable fields beyond metadata.name/namespace, NULL-ended */
    const struct subresource *subresources; /* NULL or ending with a zeroed entry */
    validation_name_fn *name_fn; /* rule for metadata.name; NULL: a DNS-1123 subdomain */
    /* Answers POST to the collection itself instead of the store: a virtual resource that is
     * computed, never stored (TokenReview, SelfSubjectAccessReview). ctx is the endpoint's
     * request context; verbs are then usually just VERB_CREATE. NULL: the generic create. */
    void (*serve_create)(struct req *req, void *ctx);
};

/* An API group/version and its resources (array ending with a zeroed entry). */
struct group_version {
    const char *group;   /* "" for the core group */
    const char *version; /* "v1" */
    const struct resource *resources;
};

/* The resource of gv named plural, or NULL. */
const struct resource *resource_find(const struct group_version *gv, const char *plural);
/* The singular name: r->singular or the lower-cased kind, written into buf. */
const char *resource_singular(const struct resource *r, char *buf, size_t n);

#endif
