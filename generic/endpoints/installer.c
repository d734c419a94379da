#include <stdio.h>
#include <string.h>

#include "generic/apis/xalloc.h"
#include "generic/discovery/discovery.h"
#include "generic/endpoints/endpoints.h"
#include "generic/endpoints/rest.h"
#include "generic/server/server.h"

struct installed {
    struct server *s;
    const struct group_version *gv;
    char root[160];
};

static void method_not_allowed(struct req *req)
{
    req_fail(req, APIERR_METHOD_NOT_ALLOWED,
             "the server does not allow this method on the requested resource");
}

static unsigned verb_bit(const char *verb)
{
    static const char *const names[] = {"get",   "list",  "watch",  "create",
                                        "update", "patch", "delete", "deletecollection"};
    unsigned i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(verb, names[i]) == 0)
            return 1u << i;
    }
    return 0;
}

static void serve_scale(struct rest *c)
{
    const char *verb = c->req->info.verb;

    if (strcmp(verb, "get") == 0)
        rest_scale_get(c);
    else if (strcmp(verb, "update") == 0)
        rest_scale_update(c);
    else if (strcmp(verb, "patch") == 0)
        rest_scale_patch(c);
    else
        method_not_allowed(c->req);
}

/* Which handler serves the request's verb, given what the resource allows. */
static void dispatch(struct rest *c)
{
    static const struct {
        const char *verb;
        unsigned bit;
        void (*fn)(struct rest *c);
    } verbs[] = {
        {"get", VERB_GET, rest_get},
        {"list", VERB_LIST, rest_list},
        {"watch", VERB_WATCH, rest_watch},
        {"create", VERB_CREATE, rest_create},
        {"update", VERB_UPDATE, rest_update},
        {"patch", VERB_PATCH, rest_patch},
        {"delete", VERB_DELETE, rest_delete},
        {"deletecollection", VERB_DELETECOLLECTION, rest_delete_collection},
    };
    unsigned allowed = c->rg.r->verbs;
    size_t i;

    if (strcmp(c->sub, "scale") == 0) {
        serve_scale(c);
        return;
    }
    if (c->rg.r->serve_create && !c->sub[0] && !c->name[0] &&
        strcmp(c->req->info.verb, "create") == 0 && (allowed & VERB_CREATE)) {
        c->rg.r->serve_create(c->req, c);
        return;
    }
    if (c->sub[0]) /* subresources answer get, update and patch */
        allowed &= VERB_GET | VERB_UPDATE | VERB_PATCH;
    if (c->name[0]) /* POST names no object; PUT, PATCH and DELETE name one */
        allowed &= ~VERB_CREATE;
    else
        allowed &= ~(VERB_UPDATE | VERB_PATCH);
    for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        if (strcmp(c->req->info.verb, verbs[i].verb) != 0)
            continue;
        if (!(allowed & verbs[i].bit))
            break;
        verbs[i].fn(c);
        return;
    }
    method_not_allowed(c->req);
}

/* status and scale when flagged, else the resource's own subresources; NULL if unknown. */
static const struct subresource *find_sub(const struct resource *r, const char *sub, int *builtin)
{
    const struct subresource *sr;

    *builtin = (strcmp(sub, "status") == 0 && (r->flags & RES_STATUS)) ||
               (strcmp(sub, "scale") == 0 && (r->flags & RES_SCALE));
    for (sr = r->subresources; sr && sr->name; sr++) {
        if (strcmp(sr->name, sub) == 0)
            return sr;
    }
    return NULL;
}

static void serve_resource(struct req *req, struct installed *in)
{
    const struct reqinfo *ri = &req->info;
    const struct resource *r = resource_find(in->gv, ri->resource);
    struct rest *c;
    const struct subresource *sr = NULL;
    int builtin = 0;
    /* kube's request info reads /namespaces/<name> as namespace <name> too */
    const char *ns = strcmp(ri->resource, "namespaces") == 0 ? "" : ri->namespace;

    if (!r || ((r->flags & RES_NAMESPACED) == 0 && ns[0]) ||
        ((r->flags & RES_NAMESPACED) && !ns[0] && ri->name[0])) {
        server_not_found(req);
        return;
    }
    if (ri->subresource[0] && !(sr = find_sub(r, ri->subresource, &builtin)) && !builtin) {
        server_not_found(req);
        return;
    }
    c = arena_alloc(req->arena, sizeof(*c));
    c->req = req;
    c->s = in->s;
    c->rg = (struct registry){.st = server_storage(in->s), .gv = in->gv, .r = r};
    c->ns = ns;
    c->name = ri->name;
    c->sub = ri->subresource;
    if (sr && !builtin) {
        if (!sr->serve || !(sr->verbs & verb_bit(ri->verb)))
            method_not_allowed(req);
        else
            sr->serve(req, c);
        return;
    }
    dispatch(c);
}

static void serve_gv(struct req *req, void *arg)
{
    struct installed *in = arg;

    if (strcmp(req->path, in->root) == 0 || (strncmp(req->path, in->root, strlen(in->root)) == 0 &&
                                             strcmp(req->path + strlen(in->root), "/") == 0)) {
        if (strcmp(req->method, "GET") != 0) {
            method_not_allowed(req);
            return;
        }
        discovery_serve_resources(req, in->gv);
        return;
    }
    if (!req->info.is_resource || !req->info.resource[0]) {
        server_not_found(req);
        return;
    }
    serve_resource(req, in);
}

static void serve_group(struct req *req, void *arg)
{
    struct installed *in = arg;
    const char *rest = req->path + strlen(in->root);

    if (*rest && strcmp(rest, "/") != 0) {
        server_not_found(req); /* a version this server does not serve */
        return;
    }
    discovery_serve_group(req, server_discovery(in->s), in->gv->group);
}

int endpoint_install(struct server *s, const struct group_version *gv, struct apierr *err)
{
    struct installed *in = xcalloc(1, sizeof(*in));

    (void)err;
    in->s = s;
    in->gv = gv;
    if (gv->group[0])
        snprintf(in->root, sizeof(in->root), "/apis/%s/%s", gv->group, gv->version);
    else
        snprintf(in->root, sizeof(in->root), "/api/%s", gv->version);
    server_adopt(s, in);
    server_add_api(s, in->root, serve_gv, in);
    if (gv->group[0]) {
        struct installed *g = xcalloc(1, sizeof(*g));

        *g = *in;
        snprintf(g->root, sizeof(g->root), "/apis/%s", gv->group);
        server_adopt(s, g);
        server_add_api(s, g->root, serve_group, g);
    }
    if (server_discovery(s))
        discovery_add(server_discovery(s), gv);
    return 0;
}
