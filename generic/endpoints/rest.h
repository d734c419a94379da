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
    int patch_type;         /* PATCH: the kind of patch (rest_patch.c) */
    struct json_object *patch; /* PATCH: the decoded merge or strategic patch (arena's) */
    const char *schema_kind;   /* PATCH: the kind whose schema guides a strategic patch; NULL
                                  for none */
};

void rest_get(struct rest *c);
void rest_list(struct rest *c);
void rest_watch(struct rest *c);
void rest_create(struct rest *c);
void rest_update(struct rest *c);
void rest_patch(struct rest *c);
void rest_delete(struct rest *c);
void rest_delete_collection(struct rest *c);
void rest_scale_get(struct rest *c);
void rest_scale_update(struct rest *c);
void rest_scale_patch(struct rest *c);

/* PATCH in two steps, for handlers that patch something else than the stored object (the
 * scale subresource): check dryRun and the patch type and decode the patch (answering and
 * returning -1 on a bad request); then apply it to doc (borrowed), giving a new object in *out
 * (an unshared copy the caller owns). arg is the struct rest. */
int rest_patch_prepare(struct rest *c);
int rest_patch_object(void *arg, struct json_object *doc, struct json_object **out,
                      struct apierr *err);

/* Parses ?labelSelector and ?fieldSelector (fields limited to the resource's); the caller
 * frees both (even on failure). */
int rest_selectors(struct rest *c, struct selector **labels, struct selector **fields,
                   struct apierr *err);
/* Whether obj (borrowed) satisfies both selectors (NULL or empty selects everything). */
int rest_matches(const struct resource *r, struct selector *labels, struct selector *fields,
                 struct json_object *obj);

/* kube's resourceVersion/resourceVersionMatch parameters for a get or a list (paged: with a
 * limit). */
int rest_read_options(struct rest *c, bool list, bool paged, struct storage_read *rd,
                      struct apierr *err);
/* The negotiated output of a read (JSON or Table); NEG_NONE after answering 406. */
enum negotiated rest_output(struct rest *c);

/* Replies err as a Status (in protobuf when the client asks for it first). */
void rest_fail(struct rest *c, struct apierr *err);

/* Wire formats (wire.c). Does the resource's kind have a protobuf message? */
bool rest_has_protobuf(struct rest *c);
/* Replies JSON bytes (an object, list or Status) as JSON or, when asked, protobuf. */
void rest_reply_raw(struct rest *c, int code, const char *json, size_t len);
/* Replies JSON bytes encoded as protobuf (JSON if the kind has no message). */
void rest_reply_protobuf_bytes(struct rest *c, int code, const char *json, size_t len);
/* Is the request body protobuf? Then rest_body_protobuf() decodes it (adopted by the arena),
 * or answers 400/415 and returns NULL. */
bool rest_body_is_protobuf(struct rest *c);
struct json_object *rest_body_protobuf(struct rest *c);
/* Answers with c->out (code c->code) once the store's pending writes are durable. */
void rest_reply_when_durable(struct rest *c, int code);
/* Sends one stored object in the negotiated form (JSON or a one-row Table). */
void rest_send_object(struct rest *c, int code, const char *json, size_t len);
/* The decoded request body as a JSON object, adopted by the arena; NULL after replying 400 or
 * 415. */
struct json_object *rest_body(struct rest *c);

#endif
