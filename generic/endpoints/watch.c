/* Watch: a chunked stream of {"type","object"} events fed by the storage event bus, with kube's
 * selector semantics, Table events, bookmarks, timeoutSeconds and 410 Expired. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/rest.h"
#include "generic/endpoints/table.h"
#include "generic/protobuf/protobuf.h"
#include "generic/server/server.h"

#define WATCH_BACKLOG_MAX (8u << 20) /* a client this far behind is cut off */
#define BOOKMARK_SECONDS  60

struct watcher {
    struct rest *c;
    struct storage_watch *w;
    struct selector *labels, *fields;
    struct event *timeout, *bookmark;
    bool table, headers_sent, proto;
    enum table_include inc;
    int64_t last_rev;
};

static const char *const type_names[] = {"", "ADDED", "MODIFIED", "DELETED"};

static void watcher_stop(struct watcher *wt)
{
    storage_watch_free(wt->w);
    wt->w = NULL;
    if (wt->timeout)
        event_free(wt->timeout);
    if (wt->bookmark)
        event_free(wt->bookmark);
    wt->timeout = wt->bookmark = NULL;
    selector_free(wt->labels);
    selector_free(wt->fields);
    wt->labels = wt->fields = NULL;
}

static void watcher_end(struct watcher *wt)
{
    watcher_stop(wt);
    req_stream_end(wt->c->req);
}

/* However the request ends, its watch ends with it. */
static void stop_on_free(void *arg)
{
    watcher_stop(arg);
}

static void client_gone(struct req *req, void *arg)
{
    (void)req;
    watcher_stop(arg);
}

/* One protobuf frame: a length-prefixed WatchEvent (kube's stream=watch framing). */
static void send_frame(struct watcher *wt, const char *type, const char *json)
{
    struct json_object *obj = json_tokener_parse(json);
    struct apierr err = {0};
    struct pb_buf b;

    pb_buf_init(&b);
    if (obj && pb_encode_watch_event(type, obj, &b, &err) == 0)
        req_stream_write(wt->c->req, b.data, b.len);
    pb_buf_release(&b);
    json_object_put(obj);
}

static void send_event(struct watcher *wt, const char *type, const char *obj, size_t len)
{
    struct evbuffer *b;

    if (wt->proto) {
        send_frame(wt, type, obj);
        return;
    }
    b = evbuffer_new();
    evbuffer_add_printf(b, "{\"type\":\"%s\",\"object\":", type);
    evbuffer_add(b, obj, len);
    evbuffer_add(b, "}\n", 2);
    req_stream_write(wt->c->req, evbuffer_pullup(b, -1), evbuffer_get_length(b));
    evbuffer_free(b);
}

static void send_table_event(struct watcher *wt, const char *type, struct json_object *obj)
{
    struct json_object *t = table_new(wt->c->rg.r, wt->headers_sent);
    const char *s;
    size_t len;

    json_object_object_add(json_object_object_get(t, "metadata"), "resourceVersion",
                           json_object_get(obj_get(obj, "metadata.resourceVersion")));
    table_add_row(t, wt->c->rg.r, obj, wt->inc);
    s = json_object_to_json_string_length(t, JSON_C_TO_STRING_PLAIN, &len);
    send_event(wt, type, s, len);
    wt->headers_sent = true;
    json_object_put(t);
}

/* With selectors an object entering the selection is ADDED and one leaving it DELETED. */
static const char *filtered_type(struct watcher *wt, const struct storage_event *ev,
                                 struct json_object *obj)
{
    const struct resource *r = wt->c->rg.r;
    struct json_object *prev;
    int now, before;

    now = rest_matches(r, wt->labels, wt->fields, obj);
    if (ev->type != STORAGE_MODIFIED || !ev->prev)
        return now ? type_names[ev->type] : NULL;
    prev = json_tokener_parse(ev->prev);
    before = prev && rest_matches(r, wt->labels, wt->fields, prev);
    json_object_put(prev);
    if (now)
        return before ? "MODIFIED" : "ADDED";
    return before ? "DELETED" : NULL;
}

static void deliver(struct watcher *wt, const struct storage_event *ev)
{
    bool filtering = !selector_empty(wt->labels) || !selector_empty(wt->fields);
    struct json_object *obj = NULL;
    const char *type = type_names[ev->type];

    wt->last_rev = ev->rev;
    if (filtering || wt->table) {
        obj = json_tokener_parse(ev->value);
        if (!obj)
            return;
        if (filtering)
            type = filtered_type(wt, ev, obj);
    }
    if (type && wt->table)
        send_table_event(wt, type, obj);
    else if (type)
        send_event(wt, type, ev->value, ev->len);
    json_object_put(obj);
}

static void send_error(struct watcher *wt, const struct apierr *err)
{
    struct json_object *st = apierr_to_status(err);
    size_t len;
    const char *s = json_object_to_json_string_length(st, JSON_C_TO_STRING_PLAIN, &len);

    send_event(wt, "ERROR", s, len);
    json_object_put(st);
}

static void on_event(void *arg, const struct storage_event *ev, const struct apierr *end)
{
    struct watcher *wt = arg;

    if (!ev) {
        if (end && end->reason == APIERR_EXPIRED)
            send_error(wt, end);
        watcher_end(wt);
        return;
    }
    deliver(wt, ev);
    if (req_stream_backlog(wt->c->req) > WATCH_BACKLOG_MAX)
        watcher_end(wt); /* the client re-lists and watches again */
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    watcher_end(arg);
}

static void on_bookmark(evutil_socket_t fd, short what, void *arg)
{
    struct watcher *wt = arg;
    char av[160], body[400];
    int n;

    (void)fd;
    (void)what;
    n = snprintf(body, sizeof(body),
                 "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"%lld\"}}",
                 wt->c->rg.r->kind, registry_api_version(&wt->c->rg, av, sizeof(av)),
                 (long long)wt->last_rev);
    send_event(wt, "BOOKMARK", body, (size_t)n);
}

/* ?resourceVersion: unset or "0" starts with the current state as ADDED events; N resumes
 * after N. */
static int start_options(struct watcher *wt, struct storage_watch_opts *o, char *key, size_t n,
                         struct apierr *err)
{
    struct rest *c = wt->c;
    const char *rv = req_query_param(c->req, "resourceVersion"), *name = NULL;
    char *end;
    long long v = 0;

    if (rv && *rv) {
        errno = 0;
        v = strtoll(rv, &end, 10);
        if (*end || errno || v < 0)
            return apierr_set(err, APIERR_BAD_REQUEST, "invalid resource version \"%s\"", rv);
    }
    if (c->name[0])
        name = c->name;
    else
        selector_field_requires(wt->fields, "metadata.name", &name);
    if (registry_key(&c->rg, c->ns, name, key, n) < 0)
        return apierr_set(err, APIERR_BAD_REQUEST, "name too long");
    o->key = key;
    o->flags = name ? 0 : STORAGE_WATCH_PREFIX;
    o->rev = v;
    if (v == 0)
        o->flags |= STORAGE_WATCH_INITIAL;
    wt->last_rev = v ? v : storage_rev(c->rg.st);
    return 0;
}

static void start_timers(struct watcher *wt)
{
    struct event_base *base = server_base(wt->c->s);
    const char *ts = req_query_param(wt->c->req, "timeoutSeconds");
    const char *bm = req_query_param(wt->c->req, "allowWatchBookmarks");
    long secs = ts ? strtol(ts, NULL, 10) : 0;
    struct timeval tv = {0, 0};

    if (!base)
        return;
    if (secs > 0) {
        tv.tv_sec = secs;
        wt->timeout = evtimer_new(base, on_timeout, wt);
        evtimer_add(wt->timeout, &tv);
    }
    if (bm && strcmp(bm, "true") == 0) {
        tv.tv_sec = BOOKMARK_SECONDS;
        wt->bookmark = event_new(base, -1, EV_PERSIST, on_bookmark, wt);
        evtimer_add(wt->bookmark, &tv);
    }
}

void rest_watch(struct rest *c)
{
    struct watcher *wt = arena_alloc(c->req->arena, sizeof(*wt));
    struct storage_watch_opts o = {0};
    struct apierr err = {0};
    enum negotiated n = negotiate(req_header(c->req, "Accept"),
                                  NEG_ALLOW_TABLE | (rest_has_protobuf(c) ? NEG_ALLOW_PROTOBUF : 0));
    char key[1024];

    wt->c = c;
    arena_defer(c->req->arena, stop_on_free, wt);
    if (n == NEG_NONE) {
        req_fail(c->req, APIERR_NOT_ACCEPTABLE, "only the following media types are accepted: "
                                                "application/json");
        return;
    }
    if (rest_selectors(c, &wt->labels, &wt->fields, &err) < 0 ||
        start_options(wt, &o, key, sizeof(key), &err) < 0) {
        watcher_stop(wt);
        rest_fail(c, &err);
        return;
    }
    wt->table = n == NEG_TABLE;
    wt->proto = n == NEG_PROTOBUF;
    wt->inc = table_include_param(c->req);
    req_stream_start(c->req, 200, wt->proto ? PB_WATCH_MEDIA_TYPE : "application/json",
                     client_gone, wt);
    wt->w = storage_watch(c->rg.st, &o, on_event, wt, &err);
    if (!wt->w) {
        send_error(wt, &err); /* kube answers 200 and an ERROR event, e.g. 410 Expired */
        watcher_end(wt);
        return;
    }
    start_timers(wt);
}
