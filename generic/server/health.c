#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "generic/apis/xalloc.h"
#include "generic/server/server_internal.h"

static const struct {
    const char *path;
    const char *word; /* "readyz check passed" */
    unsigned mask;
} endpoints[] = {
    {"/healthz", "healthz", HEALTH_HEALTHZ},
    {"/livez", "livez", HEALTH_LIVEZ},
    {"/readyz", "readyz", HEALTH_READYZ},
};

#define NENDPOINTS (sizeof(endpoints) / sizeof(endpoints[0]))

struct check_route {
    struct server *s;
    unsigned endpoint;
    unsigned check;
};

void health_init(struct health *h)
{
    memset(h, 0, sizeof(*h));
}

void health_release(struct health *h)
{
    unsigned i;

    for (i = 0; i < h->nchecks; i++)
        free(h->checks[i].name);
    free(h->checks);
    for (i = 0; i < h->nhooks; i++) {
        free(h->hooks[i]->name);
        free(h->hooks[i]);
    }
    free(h->hooks);
    for (i = 0; i < h->nowned; i++)
        free(h->owned[i]);
    free(h->owned);
}

static int run_check(const struct health_check *c, char *why, size_t n)
{
    why[0] = '\0';
    if (!c->fn)
        return 0;
    return c->fn(c->arg, why, n);
}

static void reply_text(struct req *req, int code, const char *text, size_t len)
{
    req_set_header(req, "X-Content-Type-Options", "nosniff");
    req_reply(req, code, "text/plain; charset=utf-8", text, len);
}

/* Is `name` listed in one of the ?exclude= parameters? */
static int excluded(struct req *req, const char *name)
{
    const char *p = req->query;
    int hit = 0;

    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);

        if (len > 8 && strncmp(p, "exclude=", 8) == 0 && len - 8 == strlen(name) &&
            strncmp(p + 8, name, len - 8) == 0)
            hit = 1;
        p = amp ? amp + 1 : NULL;
    }
    return hit;
}

/* Appends a warning for ?exclude= names that match no check, as kube does. */
static void warn_unknown_excludes(struct server *s, unsigned mask, struct req *req,
                                  struct evbuffer *out)
{
    const char *p = req->query;
    int first = 1;

    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        unsigned i, known = 0;

        if (len > 8 && strncmp(p, "exclude=", 8) == 0) {
            for (i = 0; i < s->health.nchecks; i++) {
                const struct health_check *c = &s->health.checks[i];

                if ((c->endpoints & mask) && strlen(c->name) == len - 8 &&
                    strncmp(c->name, p + 8, len - 8) == 0)
                    known = 1;
            }
            if (!known) {
                evbuffer_add_printf(out, "%s\"%.*s\"",
                                    first ? "warn: some health checks cannot be excluded: "
                                            "no matches for "
                                          : ",",
                                    (int)(len - 8), p + 8);
                first = 0;
            }
        }
        p = amp ? amp + 1 : NULL;
    }
    if (!first)
        evbuffer_add(out, "\n", 1);
}

static void serve_root(struct req *req, struct server *s, unsigned e)
{
    struct evbuffer *out = evbuffer_new();
    int failed = 0;
    unsigned i;
    char why[256];

    for (i = 0; i < s->health.nchecks; i++) {
        const struct health_check *c = &s->health.checks[i];

        if (!(c->endpoints & endpoints[e].mask))
            continue;
        if (excluded(req, c->name)) {
            evbuffer_add_printf(out, "[+]%s excluded: ok\n", c->name);
        } else if (run_check(c, why, sizeof(why)) == 0) {
            evbuffer_add_printf(out, "[+]%s ok\n", c->name);
        } else {
            evbuffer_add_printf(out, "[-]%s failed: reason withheld\n", c->name);
            failed = 1;
        }
    }
    warn_unknown_excludes(s, endpoints[e].mask, req, out);
    if (failed) {
        evbuffer_add_printf(out, "%s check failed\n", endpoints[e].word);
        reply_text(req, 500, (const char *)evbuffer_pullup(out, -1), evbuffer_get_length(out));
    } else if (req_query_param(req, "verbose")) {
        evbuffer_add_printf(out, "%s check passed\n", endpoints[e].word);
        reply_text(req, 200, (const char *)evbuffer_pullup(out, -1), evbuffer_get_length(out));
    } else {
        reply_text(req, 200, "ok", 2);
    }
    evbuffer_free(out);
}

static void serve_endpoint(struct req *req, void *arg)
{
    struct check_route *r = arg;

    serve_root(req, r->s, r->endpoint);
}

static void serve_one(struct req *req, void *arg)
{
    struct check_route *r = arg;
    const struct health_check *c = &r->s->health.checks[r->check];
    char why[256], msg[300];
    int n;

    if (run_check(c, why, sizeof(why)) == 0) {
        reply_text(req, 200, "ok", 2);
        return;
    }
    n = snprintf(msg, sizeof(msg), "internal server error: %s\n", why);
    reply_text(req, 500, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
}

/* Route arguments live as long as the server, which frees them with the health state. */
static struct check_route *route_arg(struct server *s, unsigned endpoint, unsigned check)
{
    struct health *h = &s->health;
    struct check_route *r = xcalloc(1, sizeof(*r));

    r->s = s;
    r->endpoint = endpoint;
    r->check = check;
    h->owned = xrealloc(h->owned, (h->nowned + 1) * sizeof(*h->owned));
    h->owned[h->nowned++] = r;
    return r;
}

static void register_check_paths(struct server *s, unsigned idx)
{
    const struct health_check *c = &s->health.checks[idx];
    unsigned e;
    char path[300];

    for (e = 0; e < NENDPOINTS; e++) {
        if (!(c->endpoints & endpoints[e].mask))
            continue;
        snprintf(path, sizeof(path), "%s/%s", endpoints[e].path, c->name);
        server_handle(s, path, serve_one, route_arg(s, e, idx));
    }
}

void server_add_health_check(struct server *s, unsigned mask, const char *name, health_fn fn,
                             void *arg)
{
    struct health *h = &s->health;

    h->checks = xrealloc(h->checks, (h->nchecks + 1) * sizeof(*h->checks));
    h->checks[h->nchecks] =
        (struct health_check){.name = xstrdup(name), .endpoints = mask, .fn = fn, .arg = arg};
    h->nchecks++;
    if (h->installed)
        register_check_paths(s, h->nchecks - 1);
}

static int check_shutdown(void *arg, char *why, size_t n)
{
    struct health *h = arg;

    if (!h->shutting_down)
        return 0;
    snprintf(why, n, "process is shutting down");
    return -1;
}

static int check_hook(void *arg, char *why, size_t n)
{
    struct poststart_hook *hook = arg;

    if (hook->done)
        return 0;
    snprintf(why, n, "not finished");
    return -1;
}

/* The chain answers health for all its servers: the delegates' checks (their post-start hooks,
 * say) are served here too, as kube merges them into the front server's. */
static void adopt_delegate_checks(struct server *s)
{
    struct server *d;
    unsigned i;

    for (d = s->delegate; d; d = d->delegate) {
        for (i = 0; i < d->health.nchecks; i++) {
            const struct health_check *c = &d->health.checks[i];

            server_add_health_check(s, c->endpoints, c->name, c->fn, c->arg);
        }
    }
}

void server_install_health(struct server *s)
{
    struct health *h = &s->health;
    unsigned i, e, n;

    adopt_delegate_checks(s);
    n = h->nchecks;
    for (e = 0; e < NENDPOINTS; e++)
        server_handle(s, endpoints[e].path, serve_endpoint, route_arg(s, e, 0));
    h->installed = 1;
    for (i = 0; i < n; i++)
        register_check_paths(s, i);
    server_add_health_check(s, HEALTH_ALL, "ping", NULL, NULL);
    server_add_health_check(s, HEALTH_ALL, "log", NULL, NULL);
    server_add_health_check(s, HEALTH_READYZ, "shutdown", check_shutdown, h);
}

void server_add_poststart_hook(struct server *s, const char *name, void (*fn)(void *arg),
                               void *arg)
{
    struct health *h = &s->health;
    struct poststart_hook *hook = xcalloc(1, sizeof(*hook));
    char check[300];

    hook->name = xstrdup(name);
    hook->fn = fn;
    hook->arg = arg;
    h->hooks = xrealloc(h->hooks, (h->nhooks + 1) * sizeof(*h->hooks));
    h->hooks[h->nhooks++] = hook;
    snprintf(check, sizeof(check), "poststarthook/%s", name);
    server_add_health_check(s, HEALTH_ALL, check, check_hook, hook);
}

void server_run_poststart_hooks(struct server *s)
{
    unsigned i;

    if (s->delegate)
        server_run_poststart_hooks(s->delegate);
    for (i = 0; i < s->health.nhooks; i++) {
        struct poststart_hook *hook = s->health.hooks[i];

        if (hook->done)
            continue;
        if (hook->fn)
            hook->fn(hook->arg);
        hook->done = 1;
    }
}

void server_set_shutting_down(struct server *s)
{
    s->health.shutting_down = 1;
}

int server_shutting_down(const struct server *s)
{
    return s->health.shutting_down;
}
