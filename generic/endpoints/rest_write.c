/* POST, PUT, DELETE and DELETE of a collection: decode, call the generic store, answer once the
 * write is durable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/apis/xalloc.h"
#include "generic/endpoints/endpoints.h"
#include "generic/endpoints/rest.h"
#include "generic/openapi/fields.h"
#include "generic/server/server.h"


static void release_out(void *arg)
{
    storage_obj_release(arg);
}

static void durable(void *arg, int ok)
{
    struct rest *c = arg;

    if (!ok)
        req_fail(c->req, APIERR_INTERNAL, "Internal error occurred: the write could not be made "
                                          "durable");
    else if (c->raw)
        rest_reply_raw(c, c->code, c->out.value, c->out.len);
    else
        rest_send_object(c, c->code, c->out.value, c->out.len);
    req_release(c->req);
}

void rest_reply_when_durable(struct rest *c, int code)
{
    c->code = code;
    arena_defer(c->req->arena, release_out, &c->out);
    req_hold(c->req);
    if (c->dry_run) {
        durable(c, 1);
        return;
    }
    storage_after_commit(c->rg.st, durable, c);
}

/* ?dryRun: absent, or All. */
static int parse_dry_run(struct rest *c, struct apierr *err)
{
    const char *v = req_query_param(c->req, "dryRun");

    c->dry_run = false;
    if (!v || !*v)
        return 0;
    if (strcmp(v, "All") != 0)
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "dryRun: Unsupported value: \"%s\": supported values: \"All\"", v);
    c->dry_run = true;
    return 0;
}

static int is_json_type(const char *ct)
{
    size_t n;

    if (!ct || !*ct)
        return 1;
    n = strcspn(ct, "; ");
    return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

static struct json_object *parse_json(struct rest *c, struct apierr *err)
{
    struct json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
    struct json_object *obj;
    enum json_tokener_error e;

    obj = json_tokener_parse_ex(tok, c->req->body, (int)c->req->body_len);
    e = json_tokener_get_error(tok);
    if (!obj || e != json_tokener_success || json_tokener_get_parse_end(tok) < c->req->body_len) {
        apierr_set(err, APIERR_BAD_REQUEST, "json parse error: %s",
                   e != json_tokener_success ? json_tokener_error_desc(e)
                                             : "unexpected data after the object");
        json_object_put(obj);
        obj = NULL;
    }
    json_tokener_free(tok);
    return obj;
}

struct json_object *rest_body(struct rest *c)
{
    const char *ct = req_header(c->req, "Content-Type");
    struct apierr err = {0};
    struct json_object *obj;

    if (rest_body_is_protobuf(c))
        return c->req->body_len ? rest_body_protobuf(c) : NULL;
    if (!is_json_type(ct)) {
        req_fail(c->req, APIERR_UNSUPPORTED_MEDIA_TYPE,
                 "the body of the request was in an unknown format - accepted media types "
                 "include: application/json, application/yaml, "
                 "application/vnd.kubernetes.protobuf");
        return NULL;
    }
    if (c->req->body_len == 0) {
        req_fail(c->req, APIERR_BAD_REQUEST, "the body of the request is empty");
        return NULL;
    }
    obj = parse_json(c, &err);
    if (!obj) {
        req_fail_err(c->req, &err);
        return NULL;
    }
    if (!json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        req_fail(c->req, APIERR_BAD_REQUEST, "the body of the request is not a JSON object");
        return NULL;
    }
    return arena_adopt_json(c->req->arena, obj);
}

/* The checked body of a create or update: dryRun, decoding and field validation (options is
 * "CreateOptions" or "UpdateOptions"); NULL after answering. */
static struct json_object *write_body(struct rest *c, const char *options)
{
    struct apierr err = {0};
    struct json_object *obj;

    if (parse_dry_run(c, &err) < 0) {
        rest_fail(c, &err);
        return NULL;
    }
    obj = rest_body(c);
    if (obj && openapi_fields_body(server_openapi(c->s), c->req, c->rg.gv, c->rg.r->kind,
                                   options, obj, &err) < 0) {
        rest_fail(c, &err);
        return NULL;
    }
    return obj;
}

void rest_create(struct rest *c)
{
    struct registry_write w = {.ns = c->ns};
    struct apierr err = {0};
    struct json_object *obj = write_body(c, "CreateOptions");

    if (!obj)
        return;
    w.dry_run = c->dry_run;
    if (registry_create(&c->rg, &w, obj, &c->out, &err) < 0) {
        rest_fail(c, &err);
        return;
    }
    rest_reply_when_durable(c, 201);
}

static int replace_with_body(void *arg, struct json_object *cur, struct json_object **obj,
                             struct apierr *err)
{
    (void)cur;
    (void)err;
    *obj = json_object_get(arg);
    return 0;
}

static void update_with(struct rest *c, registry_mutate_fn fn)
{
    struct registry_write w = {.ns = c->ns};
    struct apierr err = {0};
    struct json_object *obj = write_body(c, "UpdateOptions");

    if (!obj)
        return;
    w.dry_run = c->dry_run;
    if (registry_update(&c->rg, &w, c->name, c->sub, fn, obj, &c->out, &err) < 0) {
        rest_fail(c, &err);
        return;
    }
    rest_reply_when_durable(c, 200);
}

void endpoint_update_with(void *ctx, registry_mutate_fn fn)
{
    update_with(ctx, fn);
}

const struct registry *endpoint_registry(void *ctx)
{
    return &((struct rest *)ctx)->rg;
}

struct server *endpoint_server(void *ctx)
{
    return ((struct rest *)ctx)->s;
}

struct json_object *endpoint_body(void *ctx)
{
    return rest_body(ctx);
}

void rest_update(struct rest *c)
{
    update_with(c, replace_with_body);
}

/* DeleteOptions from the body (optional) and the query. */
static int delete_options(struct rest *c, struct registry_delete_opts *o, struct apierr *err)
{
    struct json_object *body, *dry;
    const char *pp;

    memset(o, 0, sizeof(*o));
    if (parse_dry_run(c, err) < 0)
        return -1;
    if (c->req->body_len == 0)
        return 0;
    body = rest_body(c);
    if (!body)
        return 1; /* answered */
    o->uid = obj_get_str(body, "preconditions.uid");
    o->rv = obj_get_str(body, "preconditions.resourceVersion");
    pp = obj_get_str(body, "propagationPolicy");
    if (pp && strcmp(pp, "Orphan") != 0 && strcmp(pp, "Background") != 0 &&
        strcmp(pp, "Foreground") != 0)
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "propagationPolicy: Unsupported value: \"%s\": supported values: "
                          "\"Foreground\", \"Background\", \"Orphan\", \"nil\"",
                          pp);
    dry = obj_get(body, "dryRun");
    if (dry && json_object_is_type(dry, json_type_array) && json_object_array_length(dry) > 0)
        c->dry_run = true;
    return 0;
}

/* kube answers a delete with a Status of Success unless the resource returns the object. */
static void reply_deleted(struct rest *c, bool deleted)
{
    struct json_object *st, *details, *obj;
    const char *uid;

    if (!deleted || (c->rg.r->flags & RES_RETURN_DELETED)) {
        rest_reply_when_durable(c, 200);
        return;
    }
    obj = arena_adopt_json(c->req->arena, json_tokener_parse(c->out.value));
    uid = meta_str(obj, "uid");
    st = json_object_new_object();
    json_object_object_add(st, "kind", json_object_new_string("Status"));
    json_object_object_add(st, "apiVersion", json_object_new_string("v1"));
    json_object_object_add(st, "metadata", json_object_new_object());
    json_object_object_add(st, "status", json_object_new_string("Success"));
    details = json_object_new_object();
    json_object_object_add(details, "name", json_object_new_string(c->name));
    if (c->rg.gv->group[0])
        json_object_object_add(details, "group", json_object_new_string(c->rg.gv->group));
    json_object_object_add(details, "kind", json_object_new_string(c->rg.r->plural));
    if (uid)
        json_object_object_add(details, "uid", json_object_new_string(uid));
    json_object_object_add(st, "details", details);
    storage_obj_release(&c->out);
    c->out.value = xstrdup(json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN));
    c->out.len = strlen(c->out.value);
    json_object_put(st);
    c->raw = true;
    rest_reply_when_durable(c, 200);
}

void rest_delete(struct rest *c)
{
    struct registry_delete_opts o;
    struct registry_write w = {.ns = c->ns};
    struct apierr err = {0};
    bool deleted = false;
    int rc = delete_options(c, &o, &err);

    if (rc > 0)
        return;
    if (rc < 0) {
        rest_fail(c, &err);
        return;
    }
    w.dry_run = c->dry_run;
    if (registry_delete(&c->rg, &w, c->name, &o, &c->out, &deleted, &err) < 0) {
        rest_fail(c, &err);
        return;
    }
    reply_deleted(c, deleted);
}

struct collect {
    struct rest *c;
    struct selector *labels, *fields;
    char **names;
    unsigned n;
};

static void collect_item(void *arg, const char *key, const char *value, size_t len, int64_t rev)
{
    struct collect *k = arg;
    struct json_object *obj = json_tokener_parse(value);
    const char *name = meta_str(obj, "name");

    (void)key;
    (void)len;
    (void)rev;
    if (name && rest_matches(k->c->rg.r, k->labels, k->fields, obj)) {
        k->names = xrealloc(k->names, (k->n + 1) * sizeof(*k->names));
        k->names[k->n++] = xstrdup(name);
    }
    json_object_put(obj);
}

/* Deletes each collected object, appending what each delete returned to items. */
static int delete_each(struct rest *c, struct collect *k, const struct registry_delete_opts *o,
                       struct evbuffer *items, struct apierr *err)
{
    struct registry_write w = {.ns = c->ns, .dry_run = c->dry_run};
    unsigned i, count = 0;

    for (i = 0; i < k->n; i++) {
        struct storage_obj out = {0};
        bool deleted;

        if (registry_delete(&c->rg, &w, k->names[i], o, &out, &deleted, err) < 0) {
            if (err->reason == APIERR_NOT_FOUND) { /* gone meanwhile */
                memset(err, 0, sizeof(*err));
                continue;
            }
            return -1;
        }
        evbuffer_add_printf(items, "%s%.*s", count++ ? "," : "", (int)out.len, out.value);
        storage_obj_release(&out);
    }
    return 0;
}

static int delete_collection(struct rest *c, struct collect *k, struct evbuffer *items,
                             struct apierr *err)
{
    struct registry_delete_opts o;
    struct storage_list_opts lo = {0};
    struct storage_list_result res = {0};
    char prefix[1024];
    int rc = delete_options(c, &o, err);

    if (rc != 0)
        return rc;
    if (rest_selectors(c, &k->labels, &k->fields, err) < 0 ||
        registry_key(&c->rg, c->ns, NULL, prefix, sizeof(prefix)) < 0)
        return -1;
    lo.prefix = prefix;
    rc = storage_list(c->rg.st, &lo, collect_item, k, &res, err);
    storage_list_result_release(&res);
    if (rc < 0)
        return -1;
    return delete_each(c, k, &o, items, err);
}

void rest_delete_collection(struct rest *c)
{
    struct collect k = {.c = c};
    struct evbuffer *items = evbuffer_new();
    struct apierr err = {0};
    char av[160];
    unsigned i;
    int rc = delete_collection(c, &k, items, &err);

    if (rc < 0) {
        rest_fail(c, &err);
    } else if (rc == 0) {
        struct evbuffer *out = evbuffer_new();

        evbuffer_add_printf(out, "{\"kind\":\"%sList\",\"apiVersion\":\"%s\",\"metadata\":{},"
                                 "\"items\":[",
                            c->rg.r->kind, registry_api_version(&c->rg, av, sizeof(av)));
        evbuffer_add_buffer(out, items);
        evbuffer_add(out, "]}", 2);
        c->out.len = evbuffer_get_length(out);
        c->out.value = xmalloc(c->out.len + 1);
        evbuffer_remove(out, c->out.value, c->out.len);
        c->out.value[c->out.len] = '\0';
        evbuffer_free(out);
        c->raw = true;
        rest_reply_when_durable(c, 200);
    }
    for (i = 0; i < k.n; i++)
        free(k.names[i]);
    free(k.names);
    selector_free(k.labels);
    selector_free(k.fields);
    evbuffer_free(items);
}
