/* LIST as JSON, as a Table or in protobuf. A collection that fits in one page is answered whole,
 * laid out as kube lays it out; a bigger one is read page by page at one pinned revision (the
 * store's continue token) and written as a chunked stream with metadata after the items, so no copy
 * of the whole list is ever built: the pages go straight into the connection's output buffer.
 *
 * All pages are written in the loop turn of the request. Spreading them over later turns, to let
 * a slow client pace the listing, stalled: libevent 2.1's bufferevent_openssl sometimes leaves
 * data added on a later turn unsent on keep-alive connections (lists cut before their end).
 *
 * A protobuf list is one message: each item is encoded as it is read, parsed alone, so the list
 * never exists as one JSON tree. The JSON text is kept beside it for the rare item the schema
 * cannot hold, where the whole list goes out as JSON, as a single object would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <json-c/json.h>

#include "generic/apis/xalloc.h"
#include "generic/endpoints/rest.h"
#include "generic/endpoints/table.h"
#include "generic/protobuf/protobuf.h"

#define PAGE_ITEMS 500 /* objects read from the store per page */

struct list {
    struct rest *c;
    struct selector *labels, *fields;
    bool table, pretty, proto, streaming;
    bool pb_ok; /* proto: every item so far is in pb */
    struct pb_list pb;
    enum table_include inc;
    struct storage_list_opts o;
    char prefix[1024];
    char *cont;               /* the store's token for the next page (owned) */
    unsigned want, got, sent; /* ?limit (0: all), objects read, objects written */
    struct storage_list_result last;
    struct evbuffer *items; /* items (or table rows) not yet written */
    struct event *resume;
};

static void list_release(void *arg)
{
    struct list *l = arg;

    selector_free(l->labels);
    selector_free(l->fields);
    free(l->cont);
    storage_list_result_release(&l->last);
    pb_list_release(&l->pb);
    if (l->items)
        evbuffer_free(l->items);
}

static void item(void *arg, const char *key, const char *value, size_t len, int64_t rev)
{
    struct list *l = arg;
    struct json_object *obj = NULL, *row;
    bool filtering = !selector_empty(l->labels) || !selector_empty(l->fields);

    (void)key;
    (void)rev;
    if (filtering || l->table || l->pb_ok)
        obj = json_tokener_parse(value);
    if ((filtering || l->table) &&
        (!obj || (filtering && !rest_matches(l->c->rg.r, l->labels, l->fields, obj)))) {
        json_object_put(obj);
        return;
    }
    if (l->pb_ok)
        l->pb_ok = obj && pb_list_add_item(&l->pb, obj, &(struct apierr){0}) == 0;
    if (l->sent++)
        evbuffer_add(l->items, ",", 1);
    if (l->table) {
        row = table_row(l->c->rg.r, obj, l->inc);
        evbuffer_add_printf(l->items, "%s",
                            json_object_to_json_string_ext(row, JSON_C_TO_STRING_PLAIN));
        json_object_put(row);
    } else {
        evbuffer_add(l->items, value, len);
    }
    json_object_put(obj);
}

/* The list's metadata; the caller owns it. */
static struct json_object *metadata_obj(struct list *l)
{
    struct json_object *m = json_object_new_object();
    bool filtered = !selector_empty(l->labels) || !selector_empty(l->fields);
    char rv[24];

    snprintf(rv, sizeof(rv), "%lld", (long long)l->last.rev);
    json_object_object_add(m, "resourceVersion", json_object_new_string(rv));
    if (l->last.cont) {
        json_object_object_add(m, "continue", json_object_new_string(l->last.cont));
        if (l->last.remaining >= 0 && !filtered)
            json_object_object_add(m, "remainingItemCount",
                                   json_object_new_int64(l->last.remaining));
    }
    return m;
}

static char *metadata(struct list *l)
{
    struct json_object *m = metadata_obj(l);
    char *s = xstrdup(json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN));

    json_object_put(m);
    return s;
}

/* The opening of the document, up to the '[' of items or rows; meta first when given. */
static void head(struct list *l, struct evbuffer *out, const char *meta)
{
    struct rest *c = l->c;
    char av[160];

    if (l->table) {
        struct json_object *t = table_new(c->rg.r, false), *cols = NULL;

        json_object_object_get_ex(t, "columnDefinitions", &cols);
        evbuffer_add_printf(out, "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",");
        if (meta)
            evbuffer_add_printf(out, "\"metadata\":%s,", meta);
        evbuffer_add_printf(out, "\"columnDefinitions\":%s,\"rows\":[",
                            json_object_to_json_string_ext(cols, JSON_C_TO_STRING_PLAIN));
        json_object_put(t);
        return;
    }
    evbuffer_add_printf(out, "{\"kind\":\"%sList\",\"apiVersion\":\"%s\",", c->rg.r->kind,
                        registry_api_version(&c->rg, av, sizeof(av)));
    if (meta)
        evbuffer_add_printf(out, "\"metadata\":%s,", meta);
    evbuffer_add_printf(out, "\"items\":[");
}

/* The items encoded as they came, in their envelope; false when the list must go as JSON. */
static bool reply_protobuf(struct list *l)
{
    struct json_object *meta;
    struct pb_buf b;
    int rc;

    if (!l->pb_ok)
        return false;
    meta = metadata_obj(l);
    pb_buf_init(&b);
    rc = pb_list_end(&l->pb, meta, &b, &(struct apierr){0});
    if (rc == 0)
        req_reply(l->c->req, 200, PB_MEDIA_TYPE, b.data, b.len);
    pb_buf_release(&b);
    json_object_put(meta);
    return rc == 0;
}

/* Everything fitted in one page: one reply, metadata first as kube writes it. */
static void reply_whole(struct list *l)
{
    struct evbuffer *out;
    char *meta;

    if (l->proto && reply_protobuf(l))
        return;
    out = evbuffer_new();
    meta = metadata(l);
    head(l, out, meta);
    evbuffer_add_buffer(out, l->items);
    evbuffer_add(out, "]}\n", 3);
    if (l->proto)
        rest_reply_protobuf_bytes(l->c, 200, (const char *)evbuffer_pullup(out, -1),
                                  evbuffer_get_length(out) - 1);
    else if (l->pretty)
        req_reply_json_bytes(l->c->req, 200, (const char *)evbuffer_pullup(out, -1),
                             evbuffer_get_length(out) - 1);
    else
        req_reply_buffer(l->c->req, 200, "application/json", out);
    evbuffer_free(out);
    free(meta);
}

static void stream_items(struct list *l)
{
    size_t n = evbuffer_get_length(l->items);

    if (n)
        req_stream_write(l->c->req, evbuffer_pullup(l->items, -1), n);
    evbuffer_drain(l->items, n);
}

static void stream_end(struct list *l)
{
    char *meta = metadata(l);
    struct evbuffer *tail = evbuffer_new();

    stream_items(l);
    evbuffer_add_printf(tail, "],\"metadata\":%s}\n", meta);
    req_stream_write(l->c->req, evbuffer_pullup(tail, -1), evbuffer_get_length(tail));
    req_stream_end(l->c->req);
    evbuffer_free(tail);
    free(meta);
}

static void stream_start(struct list *l)
{
    struct evbuffer *out = evbuffer_new();

    l->streaming = true;
    req_stream_start(l->c->req, 200, "application/json", NULL, NULL);
    head(l, out, NULL);
    req_stream_write(l->c->req, evbuffer_pullup(out, -1), evbuffer_get_length(out));
    evbuffer_free(out);
    stream_items(l);
}

/* Reads one page; returns 1 when the listing is complete, 0 when more pages follow, -1 after
 * failing the request. */
static int read_page(struct list *l)
{
    struct apierr err = {0};
    unsigned left = l->want ? l->want - l->got : PAGE_ITEMS;

    storage_list_result_release(&l->last);
    l->o.limit = left < PAGE_ITEMS ? left : PAGE_ITEMS;
    if (storage_list(l->c->rg.st, &l->o, item, l, &l->last, &err) < 0) {
        if (l->streaming)
            req_stream_end(l->c->req); /* the client sees a truncated list */
        else
            rest_fail(l->c, &err);
        return -1;
    }
    l->got += l->last.count;
    if (!l->last.cont || (l->want && l->got >= l->want))
        return 1;
    free(l->cont);
    l->cont = xstrdup(l->last.cont);
    l->o.cont = l->cont;
    return 0;
}

static int options(struct list *l, struct apierr *err)
{
    struct rest *c = l->c;
    const char *limit = req_query_param(c->req, "limit");
    const char *cont = req_query_param(c->req, "continue");
    const char *rv = req_query_param(c->req, "resourceVersion");
    long lim = limit && *limit ? strtol(limit, NULL, 10) : 0;

    if (cont && *cont && rv && *rv && strcmp(rv, "0") != 0)
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "specifying resource version is not allowed when using continue");
    if (rest_read_options(c, true, lim > 0, &l->o.read, err) < 0)
        return -1;
    if (registry_key(&c->rg, c->ns, NULL, l->prefix, sizeof(l->prefix)) < 0)
        return apierr_set(err, APIERR_BAD_REQUEST, "namespace too long");
    l->o.prefix = l->prefix;
    l->o.cont = cont && *cont ? cont : NULL;
    l->want = lim > 0 ? (unsigned)lim : 0;
    return 0;
}

static struct list *list_new(struct rest *c, enum negotiated n)
{
    struct list *l = arena_alloc(c->req->arena, sizeof(*l));
    char av[160], kind[160];

    l->c = c;
    l->table = n == NEG_TABLE;
    l->inc = table_include_param(c->req);
    l->pretty = req_wants_pretty(c->req);
    l->proto = n == NEG_PROTOBUF;
    if (l->proto) {
        snprintf(kind, sizeof(kind), "%sList", c->rg.r->kind);
        l->pb_ok = pb_list_begin(&l->pb, registry_api_version(&c->rg, av, sizeof(av)), kind,
                                 &(struct apierr){0}) == 0;
    }
    l->items = evbuffer_new();
    arena_defer(c->req->arena, list_release, l);
    return l;
}

void rest_list(struct rest *c)
{
    enum negotiated n = rest_output(c);
    struct apierr err = {0};
    struct list *l;
    int rc;

    if (n == NEG_NONE)
        return;
    l = list_new(c, n);
    if (rest_selectors(c, &l->labels, &l->fields, &err) < 0 || options(l, &err) < 0) {
        rest_fail(c, &err);
        return;
    }
    rc = read_page(l);
    /* a pretty listing is for people and a protobuf list is one message: gather them whole */
    while (rc == 0 && (l->pretty || l->proto))
        rc = read_page(l);
    if (rc > 0) {
        reply_whole(l);
        return;
    }
    if (rc < 0)
        return;
    stream_start(l);
    while ((rc = read_page(l)) == 0)
        stream_items(l);
    if (rc > 0)
        stream_end(l);
}
