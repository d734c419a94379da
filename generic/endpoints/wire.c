/* The wire format of resource requests: JSON, or kube's protobuf for kinds that have a protobuf
 * message (built-in kinds), as the client's Accept and Content-Type ask. */
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/rest.h"
#include "generic/protobuf/protobuf.h"

bool rest_has_protobuf(struct rest *c)
{
    char av[160];

    return pb_has_kind(registry_api_version(&c->rg, av, sizeof(av)), c->rg.r->kind);
}

/* Does the client ask for protobuf first (and can this resource give it)? */
static bool wants_protobuf(struct rest *c)
{
    unsigned allow = rest_has_protobuf(c) ? NEG_ALLOW_PROTOBUF : 0;

    return negotiate(req_header(c->req, "Accept"), allow | NEG_ALLOW_TABLE) == NEG_PROTOBUF;
}

/* Replies obj (borrowed) in protobuf; falls back to JSON for kinds without a message. */
static void reply_protobuf(struct req *req, int code, struct json_object *obj)
{
    struct pb_buf b;
    struct apierr err = {0};

    pb_buf_init(&b);
    if (pb_encode_object(obj, &b, &err) == 0)
        req_reply(req, code, PB_MEDIA_TYPE, b.data, b.len);
    else
        req_reply_json(req, code, obj);
    pb_buf_release(&b);
}

void rest_reply_protobuf_bytes(struct rest *c, int code, const char *json, size_t len)
{
    struct json_object *obj = obj_parse(json, len);

    if (!obj) {
        req_reply_json_bytes(c->req, code, json, len);
        return;
    }
    reply_protobuf(c->req, code, obj);
    json_object_put(obj);
}

void rest_reply_raw(struct rest *c, int code, const char *json, size_t len)
{
    if (wants_protobuf(c))
        rest_reply_protobuf_bytes(c, code, json, len);
    else
        req_reply_json_bytes(c->req, code, json, len);
}

void rest_fail(struct rest *c, struct apierr *err)
{
    struct json_object *st;

    if (err->reason == APIERR_OK)
        apierr_set(err, APIERR_INTERNAL, "an error on the server has prevented the request from "
                                         "succeeding");
    if (!wants_protobuf(c)) {
        req_fail_err(c->req, err);
        return;
    }
    st = apierr_to_status(err);
    reply_protobuf(c->req, apierr_code(err->reason), st);
    json_object_put(st);
}

bool rest_body_is_protobuf(struct rest *c)
{
    const char *ct = req_header(c->req, "Content-Type");
    size_t n = ct ? strcspn(ct, "; ") : 0;

    return n == strlen(PB_MEDIA_TYPE) && strncasecmp(ct, PB_MEDIA_TYPE, n) == 0;
}

struct json_object *rest_body_protobuf(struct rest *c)
{
    struct json_object *obj = NULL;
    struct apierr err = {0};
    char av[160];

    if (!rest_has_protobuf(c)) { /* custom resources have no protobuf form, as in kube */
        apierr_set(&err, APIERR_UNSUPPORTED_MEDIA_TYPE,
                   "the body of the request was in an unknown format - accepted media types "
                   "include: application/json, application/yaml");
        rest_fail(c, &err);
        return NULL;
    }
    if (pb_decode_object_as((const unsigned char *)c->req->body, c->req->body_len,
                            registry_api_version(&c->rg, av, sizeof(av)), c->rg.r->kind, &obj,
                            &err) < 0) {
        rest_fail(c, &err);
        return NULL;
    }
    return arena_adopt_json(c->req->arena, obj);
}
