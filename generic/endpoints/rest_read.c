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
int rest_read_options(struct rest *c, bool list, bool paged, struct storage_read *rd,
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

enum negotiated rest_output(struct rest *c)
{
    unsigned allow = NEG_ALLOW_TABLE | (rest_has_protobuf(c) ? NEG_ALLOW_PROTOBUF : 0);
    enum negotiated n = negotiate(req_header(c->req, "Accept"), allow);

    if (n == NEG_NONE)
        req_fail(c->req, APIERR_NOT_ACCEPTABLE,
                 "only the following media types are accepted: application/json, "
                 "application/json;as=Table;v=v1;g=meta.k8s.io");
    return n;
}

void rest_send_object(struct rest *c, int code, const char *json, size_t len)
{
    enum negotiated n = rest_output(c);
    struct json_object *obj, *table;

    if (n == NEG_NONE)
        return;
    if (n == NEG_PROTOBUF) {
        rest_reply_protobuf_bytes(c, code, json, len);
        return;
    }
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

    if (rest_read_options(c, false, false, &rd, &err) < 0) {
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

