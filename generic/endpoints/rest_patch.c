/* PATCH: JSON patch, merge patch and strategic merge patch, applied to the current object inside
 * the store's guaranteed update. Strategic merge patch takes its list strategies from the
 * resource's OpenAPI schema. */
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "generic/endpoints/patch.h"
#include "generic/endpoints/rest.h"
#include "generic/openapi/fields.h"
#include "generic/openapi/openapi.h"
#include "generic/server/server.h"

enum patch_type { PATCH_NONE, PATCH_JSON, PATCH_MERGE, PATCH_STRATEGIC, PATCH_APPLY };

struct smp_ctx {
    struct openapi *oa;
    const char *group, *version;
    struct arena *arena;
};

/* What struct smp_schema is here: a resolved schema of one group/version. */
struct smp_schema {
    struct smp_ctx *ctx;
    struct json_object *schema;
};

static enum patch_type patch_type(const char *ct)
{
    static const struct {
        const char *type;
        enum patch_type t;
    } types[] = {
        {"application/json-patch+json", PATCH_JSON},
        {"application/merge-patch+json", PATCH_MERGE},
        {"application/strategic-merge-patch+json", PATCH_STRATEGIC},
        {"application/apply-patch+yaml", PATCH_APPLY},
    };
    size_t i, n = ct ? strcspn(ct, "; ") : 0;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (n == strlen(types[i].type) && strncasecmp(ct, types[i].type, n) == 0)
            return types[i].t;
    }
    return PATCH_NONE;
}

static struct smp_schema *node(struct smp_ctx *ctx, struct json_object *schema)
{
    struct smp_schema *s;

    schema = schema ? openapi_resolve(ctx->oa, ctx->group, ctx->version, schema) : NULL;
    if (!schema)
        return NULL;
    s = arena_alloc(ctx->arena, sizeof(*s));
    s->ctx = ctx;
    s->schema = schema;
    return s;
}

static void field_info(struct json_object *prop, struct smp_field_info *info)
{
    struct json_object *v;
    const char *strategy;

    if (json_object_object_get_ex(prop, "x-kubernetes-patch-merge-key", &v))
        info->merge_key = json_object_get_string(v);
    if (!json_object_object_get_ex(prop, "x-kubernetes-patch-strategy", &v))
        return;
    strategy = json_object_get_string(v);
    info->retain_keys = strstr(strategy, "retainKeys") != NULL;
    if (strstr(strategy, "merge"))
        info->strategy = SMP_MERGE;
    else if (strstr(strategy, "replace"))
        info->strategy = SMP_REPLACE;
}

/* The schema of member `name`: its patch strategy sits on the property itself (before $ref
 * resolution); the returned schema is the value's, or an array's items'. */
static const struct smp_schema *smp_field(const struct smp_schema *s, const char *name,
                                          struct smp_field_info *info)
{
    struct json_object *props, *prop, *items;
    struct smp_schema *val;
    const char *type;

    if (!json_object_object_get_ex(s->schema, "properties", &props) ||
        !json_object_object_get_ex(props, name, &prop))
        return NULL;
    field_info(prop, info);
    val = node(s->ctx, prop);
    if (!val)
        return NULL;
    type = json_object_get_string(json_object_object_get(val->schema, "type"));
    if (type && strcmp(type, "array") == 0 && json_object_object_get_ex(val->schema, "items", &items))
        return node(s->ctx, items);
    return val;
}

static const struct smp_schema_ops smp_ops = {.field = smp_field};

/* Applies the request's patch to doc (borrowed); *out is an unshared copy of the result. */
int rest_patch_object(void *arg, struct json_object *doc, struct json_object **out,
                      struct apierr *err)
{
    struct rest *c = arg;
    struct json_object *res = json_object_get(doc);
    struct smp_ctx ctx = {server_openapi(c->s), c->rg.gv->group, c->rg.gv->version,
                          c->req->arena};
    int rc;

    if (c->patch_type == PATCH_JSON)
        rc = patch_json_apply(&res, c->req->body, c->req->body_len, err);
    else if (c->patch_type == PATCH_MERGE)
        rc = patch_merge_apply(&res, c->patch, err);
    else
        rc = patch_strategic_apply(
            &res, c->patch, &smp_ops,
            ctx.oa && c->schema_kind
                ? node(&ctx, openapi_schema(ctx.oa, ctx.group, ctx.version, c->schema_kind))
                : NULL,
            err);
    if (rc < 0) {
        json_object_put(res);
        return -1;
    }
    /* the result may share members with doc, which the store still compares against */
    *out = NULL;
    rc = json_object_deep_copy(res, out, NULL);
    json_object_put(res);
    if (rc < 0 || !*out)
        return apierr_set(err, APIERR_INTERNAL, "cannot copy the patched object");
    if (openapi_fields_patch(ctx.oa, c->req, c->rg.gv, c->schema_kind,
                             c->patch_type == PATCH_JSON    ? OPENAPI_PATCH_JSON
                             : c->patch_type == PATCH_MERGE ? OPENAPI_PATCH_MERGE
                                                            : OPENAPI_PATCH_STRATEGIC,
                             c->patch, *out, err) < 0) {
        json_object_put(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

static int decode_patch(struct rest *c, struct apierr *err)
{
    struct req *req = c->req;
    struct json_tokener *tok;

    if (c->patch_type == PATCH_JSON)
        return 0; /* parsed by patch_json_apply */
    tok = json_tokener_new();
    c->patch = json_tokener_parse_ex(tok, req->body, (int)req->body_len);
    if (json_tokener_get_error(tok) != json_tokener_success ||
        json_tokener_get_parse_end(tok) < req->body_len) {
        json_object_put(c->patch);
        c->patch = NULL;
        apierr_set(err, APIERR_BAD_REQUEST, "error decoding patch: %s",
                   json_tokener_error_desc(json_tokener_get_error(tok)));
        json_tokener_free(tok);
        return -1;
    }
    json_tokener_free(tok);
    arena_adopt_json(req->arena, c->patch);
    return 0;
}

static int check_type(struct rest *c, struct apierr *err)
{
    c->patch_type = patch_type(req_header(c->req, "Content-Type"));
    if (c->patch_type == PATCH_NONE || c->patch_type == PATCH_APPLY ||
        (c->patch_type == PATCH_STRATEGIC && !server_openapi(c->s)))
        return apierr_set(err, APIERR_UNSUPPORTED_MEDIA_TYPE,
                          "the body of the request was in an unknown format - accepted media "
                          "types include: application/json-patch+json, "
                          "application/merge-patch+json, application/strategic-merge-patch+json");
    return 0;
}

int rest_patch_prepare(struct rest *c)
{
    struct apierr err = {0};
    enum openapi_fv fv;
    const char *dry = req_query_param(c->req, "dryRun");

    if (dry && *dry && strcmp(dry, "All") != 0) {
        apierr_set(&err, APIERR_BAD_REQUEST,
                   "dryRun: Unsupported value: \"%s\": supported values: \"All\"", dry);
        rest_fail(c, &err);
        return -1;
    }
    c->dry_run = dry && *dry;
    if (check_type(c, &err) < 0 ||
        openapi_field_validation(c->req, "PatchOptions", &fv, &err) < 0 ||
        decode_patch(c, &err) < 0) {
        rest_fail(c, &err);
        return -1;
    }
    return 0;
}

static int patch_stored(void *arg, struct json_object *cur, struct json_object **obj,
                        struct apierr *err)
{
    return rest_patch_object(arg, cur, obj, err);
}

void rest_patch(struct rest *c)
{
    struct registry_write w = {.ns = c->ns};
    struct apierr err = {0};

    c->schema_kind = c->rg.r->kind;
    if (rest_patch_prepare(c) < 0)
        return;
    w.dry_run = c->dry_run;
    if (registry_update(&c->rg, &w, c->name, c->sub, patch_stored, c, &c->out, &err) < 0) {
        rest_fail(c, &err);
        return;
    }
    rest_reply_when_durable(c, 200);
}
