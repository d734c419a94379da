#include <stdlib.h>
#include <string.h>

#include "generic/apis/xalloc.h"
#include "generic/server/server.h"
#include "generic/server/server_internal.h"

struct server *server_new(const struct server_config *cfg, struct server *delegate)
{
    struct server *s = xcalloc(1, sizeof(*s));

    s->name = xstrdup(cfg->name ? cfg->name : "");
    s->storage = cfg->storage;
    s->base = cfg->base;
    s->discovery = cfg->discovery;
    s->openapi = cfg->openapi;
    s->authn = cfg->authn;
    s->delegate = delegate;
    health_init(&s->health);
    return s;
}

static void routes_release(struct route *r, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++)
        free(r[i].path);
    free(r);
}

void server_free(struct server *s)
{
    if (!s)
        return;
    routes_release(s->apis, s->napis);
    routes_release(s->exact, s->nexact);
    routes_release(s->prefixes, s->nprefixes);
    health_release(&s->health);
    while (s->ndeferred) {
        struct server_deferred *d = &s->deferred[--s->ndeferred];

        d->fn(d->arg);
    }
    free(s->deferred);
    free(s->name);
    free(s);
}

const char *server_name(const struct server *s)
{
    return s->name;
}

struct storage *server_storage(const struct server *s)
{
    return s->storage;
}

struct event_base *server_base(const struct server *s)
{
    return s->base;
}

struct server *server_delegate(const struct server *s)
{
    return s->delegate;
}

struct discovery *server_discovery(const struct server *s)
{
    return s->discovery;
}

struct openapi *server_openapi(const struct server *s)
{
    return s->openapi;
}

const struct authn_config *server_authn(const struct server *s)
{
    return s->authn;
}

static void route_add(struct route **routes, unsigned *n, const char *path, handler_fn fn,
                      void *arg)
{
    *routes = xrealloc(*routes, (*n + 1) * sizeof(**routes));
    (*routes)[*n] = (struct route){.path = xstrdup(path), .len = strlen(path), .fn = fn, .arg = arg};
    (*n)++;
}

void server_defer(struct server *s, void (*fn)(void *), void *arg)
{
    s->deferred = xrealloc(s->deferred, (s->ndeferred + 1) * sizeof(*s->deferred));
    s->deferred[s->ndeferred++] = (struct server_deferred){fn, arg};
}

void server_adopt(struct server *s, void *p)
{
    server_defer(s, free, p);
}

void server_add_api(struct server *s, const char *root, handler_fn fn, void *arg)
{
    route_add(&s->apis, &s->napis, root, fn, arg);
}

void server_handle(struct server *s, const char *path, handler_fn fn, void *arg)
{
    route_add(&s->exact, &s->nexact, path, fn, arg);
}

void server_handle_prefix(struct server *s, const char *prefix, handler_fn fn, void *arg)
{
    route_add(&s->prefixes, &s->nprefixes, prefix, fn, arg);
}

/* A root claims itself and what lies below it after a '/': "/apis/apps" claims "/apis/apps/v1"
 * but not "/apis/appsfoo". */
static const struct route *find_api(const struct server *s, const char *path)
{
    const struct route *best = NULL;
    unsigned i;

    if (strcmp(path, "/apis") == 0 || strcmp(path, "/apis/") == 0)
        return NULL;
    for (i = 0; i < s->napis; i++) {
        const struct route *r = &s->apis[i];

        if (strncmp(path, r->path, r->len) == 0 &&
            (path[r->len] == '\0' || path[r->len] == '/') && (!best || r->len > best->len))
            best = r; /* "/apis/g/v2" wins over "/apis/g" */
    }
    return best;
}

static const struct route *find_mux(const struct server *s, const char *path)
{
    const struct route *best = NULL;
    unsigned i;

    for (i = 0; i < s->nexact; i++) {
        if (strcmp(path, s->exact[i].path) == 0)
            return &s->exact[i];
    }
    for (i = 0; i < s->nprefixes; i++) {
        const struct route *r = &s->prefixes[i];

        if (strncmp(path, r->path, r->len) == 0 && (!best || r->len > best->len))
            best = r;
    }
    return best;
}

void server_not_found(struct req *req)
{
    struct apierr err = {0};

    apierr_set(&err, APIERR_NOT_FOUND, "the server could not find the requested resource");
    err.has_details = 1;
    req_fail_err(req, &err);
}

void server_direct(struct server *s, struct req *req)
{
    const struct route *r;

    for (; s; s = s->delegate) {
        r = find_api(s, req->path);
        if (!r)
            r = find_mux(s, req->path);
        if (r) {
            r->fn(req, r->arg);
            return;
        }
    }
    server_not_found(req);
}
