/* Private to generic/endpoints: the state of one resource request and the verb handlers. */
#ifndef GENERIC_ENDPOINTS_REST_H
#define GENERIC_ENDPOINTS_REST_H

#include <stdbool.h>

#include "generic/apis/selector.h"
#include "generic/endpoints/negotiate.h"
#include "generic/http/req.h"
#include "generic/registry/store.h"

struct server;

/* One resource request; lives in the request's arena. */
struct rest {
    struct req *req;
    struct server *s;
    struct registry rg;
    const char *ns;   /* "" when cluster-scoped or across namespaces */
    const char *name; /* "" for collections */
    const char *sub;  /* "" or "status", "scale", ... */
    bool dry_run;
    struct storage_obj out; /* the object a write answers with */
    int code;               /* its status code */
    bool raw;               /* out is a Status, sent as it is rather than negotiated */
};

void rest_get(struct rest *c);
void rest_list(struct rest *c);
void rest_watch(struct rest *c);
void rest_create(struct rest *c);
void rest_update(struct rest *c);
void rest_patch(struct rest *c);
void rest_delete(struct rest *c);
void rest_delete_collection(struct rest *c);

/* Parses ?labelSelector and ?fieldSelector (fields limited to the resource's); the caller
 * frees both (even on failure). */
int rest_selectors(struct rest *c, struct selector **labels, struct selector **fields,
                   struct apierr *err);
/* Whether obj (borrowed) satisfies both selectors (NULL or empty selects everything). */
int rest_matches(const struct resource *r, struct selector *labels, struct selector *fields,
                 struct json_object *obj);

/* Replies err after giving storage errors kube's wording for this resource. */
void rest_fail(struct rest *c, struct apierr *err);
/* Answers with c->out (code c->code) once the store's pending writes are durable. */
void rest_reply_when_durable(struct rest *c, int code);
/* Sends one stored object in the negotiated form (JSON or a one-row Table). */
void rest_send_object(struct rest *c, int code, const char *json, size_t len);
/* The decoded request body as a JSON object, adopted by the arena; NULL after replying 400 or
 * 415. */
struct json_object *rest_body(struct rest *c);

#endif
