/* GET of one object and LIST of a collection, as JSON or as a Table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/rest.h"
#include "generic/endpoints/table.h"

/* kube's resourceVersion and resourceVersionMatch query parameters. */
static int read_options(struct rest *c, bool list, bool paged, struct storage_read *rd,
                        struct apierr *err)
{
    const char *rv = req_query_param(c->req, "resourceVersion");
    const char *match = req_query_param(c->req, "resourceVersionMatch");
    char *end;
    long long n;

    memset(rd, 0, sizeof(*rd));
    if (match && *match && (!rv || !*rv))
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "resourceVersionMatch is forbidden unless resourceVersion is provided");
    if (!rv || !*rv)
        return 0;
    errno = 0;
    n = strtoll(rv, &end, 10);
    if (*end || errno || n < 0)
        return apierr_set(err, APIERR_BAD_REQUEST, "invalid resource version \"%s\"", rv);
    rd->rev = n;
    if (n == 0) {
        rd->match = STORAGE_RV_ANY;
        return 0;
    }
    if (match && strcmp(match, "Exact") == 0)
        rd->match = STORAGE_RV_EXACT;
    else if (match && *match && strcmp(match, "NotOlderThan") != 0)
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "resourceVersionMatch: Unsupported value: \"%s\": supported values: "
                          "\"Exact\", \"NotOlderThan\"",
                          match);
    else /* a page at a given revision is read at exactly that revision, as kube does */
        rd->match = list && paged && !match ? STORAGE_RV_EXACT : STORAGE_RV_NOT_OLDER;
    return 0;
}

static enum negotiated output(struct rest *c)
{
    enum negotiated n = negotiate(req_header(c->req, "Accept"), NEG_ALLOW_TABLE);

    if (n == NEG_NONE)
        req_fail(c->req, APIERR_NOT_ACCEPTABLE,
                 "only the following media types are accepted: application/json, "
                 "application/json;as=Table;v=v1;g=meta.k8s.io");
    return n;
}

void rest_send_object(struct rest *c, int code, const char *json, size_t len)
{
    enum negotiated n = output(c);
    struct json_object *obj, *table;

    if (n == NEG_NONE)
        return;
    if (n != NEG_TABLE) {
        req_reply_json_bytes(c->req, code, json, len);
        return;
    }
    obj = json_tokener_parse(json);
    table = table_new(c->rg.r, false);
    json_object_object_add(json_object_object_get(table, "metadata"), "resourceVersion",
                           json_object_get(obj_get(obj, "metadata.resourceVersion")));
    table_add_row(table, c->rg.r, obj, table_include_param(c->req));
    req_reply_json(c->req, code, table);
    json_object_put(table);
    json_object_put(obj);
}

void rest_get(struct rest *c)
{
    struct storage_read rd;
    struct storage_obj o = {0};
    struct apierr err = {0};
    char key[1024];

    if (read_options(c, false, false, &rd, &err) < 0) {
        rest_fail(c, &err);
        return;
    }
    if (registry_key(&c->rg, c->ns, c->name, key, sizeof(key)) < 0 ||
        storage_get(c->rg.st, key, &rd, &o, &err) < 0) {
        if (err.reason == APIERR_NOT_FOUND || err.reason == APIERR_OK)
            registry_not_found(&c->rg, c->name, &err);
        rest_fail(c, &err);
        return;
    }
    rest_send_object(c, 200, o.value, o.len);
    storage_obj_release(&o);
}

struct list_ctx {
    struct rest *c;
    struct selector *labels, *fields;
    struct evbuffer *items;  /* JSON output: the items, comma-separated */
    struct json_object *table; /* Table output */
    enum table_include inc;
    unsigned count;
};

struct field_src {
    const struct resource *r;
    struct json_object *obj;
    char buf[256];
};

/* Field values for field selectors: metadata.name/namespace for all, the rest per resource. */
static const char *field_value(void *arg, const char *field)
{
    struct field_src *f = arg;

    if (strcmp(field, "metadata.name") == 0 || strcmp(field, "metadata.namespace") == 0)
        return obj_get_str(f->obj, field);
    if (f->r->strategy && f->r->strategy->field_value &&
        f->r->strategy->field_value(f->obj, field, f->buf, sizeof(f->buf)) == 0)
        return f->buf;
    return selector_field_json(f->obj, field);
}

int rest_matches(const struct resource *r, struct selector *labels, struct selector *fields,
                 struct json_object *obj)
{
    struct field_src f = {.r = r, .obj = obj};

    if (!selector_empty(labels) && !selector_label_match(labels, obj_get(obj, "metadata.labels")))
        return 0;
    return selector_empty(fields) || selector_field_match(fields, field_value, &f);
}

static void list_item(void *arg, const char *key, const char *value, size_t len, int64_t rev)
{
    struct list_ctx *l = arg;
    struct json_object *obj = NULL;
    int filtering = !selector_empty(l->labels) || !selector_empty(l->fields);

    (void)key;
    (void)rev;
    if (filtering || l->table) {
        obj = json_tokener_parse(value);
        if (!obj || (filtering && !rest_matches(l->c->rg.r, l->labels, l->fields, obj))) {
            json_object_put(obj);
            return;
        }
    }
    if (l->table) {
        table_add_row(l->table, l->c->rg.r, obj, l->inc);
    } else {
        if (l->count)
            evbuffer_add(l->items, ",", 1);
        evbuffer_add(l->items, value, len);
    }
    l->count++;
    json_object_put(obj);
}

int rest_selectors(struct rest *c, struct selector **labels, struct selector **fields,
                   struct apierr *err)
{
    static const char *const meta_fields[] = {"metadata.name", "metadata.namespace"};
    const char *allowed[40];
    size_t n = 0, i;

    *labels = selector_label_parse(req_query_param(c->req, "labelSelector"), err);
    if (!*labels)
        return -1;
    *fields = selector_field_parse(req_query_param(c->req, "fieldSelector"), err);
    if (!*fields)
        return -1;
    for (i = 0; i < 2; i++)
        allowed[n++] = meta_fields[i];
    for (i = 0; c->rg.r->fields && c->rg.r->fields[i] && n < 39; i++)
        allowed[n++] = c->rg.r->fields[i];
    allowed[n] = NULL;
    return selector_field_check(*fields, allowed, err);
}

static void list_metadata(struct json_object *meta, const struct storage_list_result *res,
                          int filtered)
{
    char rv[24];

    snprintf(rv, sizeof(rv), "%lld", (long long)res->rev);
    json_object_object_add(meta, "resourceVersion", json_object_new_string(rv));
    if (res->cont)
        json_object_object_add(meta, "continue", json_object_new_string(res->cont));
    if (res->cont && res->remaining >= 0 && !filtered)
        json_object_object_add(meta, "remainingItemCount", json_object_new_int64(res->remaining));
}

static void reply_list(struct list_ctx *l, const struct storage_list_result *res)
{
    struct rest *c = l->c;
    int filtered = !selector_empty(l->labels) || !selector_empty(l->fields);
    struct json_object *meta = json_object_new_object();
    struct evbuffer *out;
    char api_version[160];

    list_metadata(meta, res, filtered);
    if (l->table) {
        json_object_object_add(l->table, "metadata", meta);
        req_reply_json(c->req, 200, l->table);
        return;
    }
    out = evbuffer_new();
    evbuffer_add_printf(out, "{\"kind\":\"%sList\",\"apiVersion\":\"%s\",\"metadata\":%s,\"items\":[",
                        c->rg.r->kind, registry_api_version(&c->rg, api_version,
                                                            sizeof(api_version)),
                        json_object_to_json_string_ext(meta, JSON_C_TO_STRING_PLAIN));
    evbuffer_add_buffer(out, l->items);
    evbuffer_add(out, "]}\n", 3);
    if (req_wants_pretty(c->req))
        req_reply_json_bytes(c->req, 200, (const char *)evbuffer_pullup(out, -1),
                             evbuffer_get_length(out) - 1);
    else
        req_reply_buffer(c->req, 200, "application/json", out);
    evbuffer_free(out);
    json_object_put(meta);
}

static int list_options(struct rest *c, struct storage_list_opts *o, char *prefix, size_t n,
                        struct apierr *err)
{
    const char *limit = req_query_param(c->req, "limit");
    const char *cont = req_query_param(c->req, "continue");
    const char *rv = req_query_param(c->req, "resourceVersion");
    long lim = limit && *limit ? strtol(limit, NULL, 10) : 0;

    if (cont && *cont && rv && *rv && strcmp(rv, "0") != 0)
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "specifying resource version is not allowed when using continue");
    if (read_options(c, true, lim > 0, &o->read, err) < 0)
        return -1;
    if (registry_key(&c->rg, c->ns, NULL, prefix, n) < 0)
        return apierr_set(err, APIERR_BAD_REQUEST, "namespace too long");
    o->prefix = prefix;
    o->cont = cont && *cont ? cont : NULL;
    o->limit = lim > 0 ? (unsigned)lim : 0;
    return 0;
}

void rest_list(struct rest *c)
{
    struct list_ctx l = {.c = c};
    struct storage_list_opts o = {0};
    struct storage_list_result res = {0};
    struct apierr err = {0};
    enum negotiated n = output(c);
    char prefix[1024];

    if (n == NEG_NONE)
        return;
    if (rest_selectors(c, &l.labels, &l.fields, &err) < 0 ||
        list_options(c, &o, prefix, sizeof(prefix), &err) < 0) {
        rest_fail(c, &err);
        goto out;
    }
    if (n == NEG_TABLE) {
        l.table = table_new(c->rg.r, false);
        l.inc = table_include_param(c->req);
    } else {
        l.items = evbuffer_new();
    }
    if (storage_list(c->rg.st, &o, list_item, &l, &res, &err) < 0)
        rest_fail(c, &err);
    else
        reply_list(&l, &res);
    storage_list_result_release(&res);
out:
    json_object_put(l.table);
    if (l.items)
        evbuffer_free(l.items);
    selector_free(l.labels);
    selector_free(l.fields);
}
