#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "generic/apis/xalloc.h"
#include "generic/discovery/discovery.h"
#include "generic/endpoints/negotiate.h"
#include "generic/server/server.h"

struct discovery {
    const struct group_version **gvs;
    unsigned n;
};

static const char *const verb_names[] = {"create", "delete", "deletecollection", "get",
                                         "list",   "patch",  "update",           "watch"};
static const unsigned verb_bits_sorted[] = {VERB_CREATE, VERB_DELETE, VERB_DELETECOLLECTION,
                                            VERB_GET,    VERB_LIST,   VERB_PATCH,
                                            VERB_UPDATE, VERB_WATCH};

struct discovery *discovery_new(void)
{
    return xcalloc(1, sizeof(struct discovery));
}

void discovery_free(struct discovery *d)
{
    if (!d)
        return;
    free(d->gvs);
    free(d);
}

void discovery_add(struct discovery *d, const struct group_version *gv)
{
    d->gvs = xrealloc(d->gvs, (d->n + 1) * sizeof(*d->gvs));
    d->gvs[d->n++] = gv;
}

void discovery_remove(struct discovery *d, const struct group_version *gv)
{
    unsigned i;

    for (i = 0; i < d->n; i++) {
        if (d->gvs[i] == gv) {
            memmove(&d->gvs[i], &d->gvs[i + 1], (d->n - i - 1) * sizeof(*d->gvs));
            d->n--;
            return;
        }
    }
}

void discovery_each(const struct discovery *d, void (*fn)(void *arg, const struct group_version *gv),
                    void *arg)
{
    unsigned i;

    for (i = 0; i < d->n; i++)
        fn(arg, d->gvs[i]);
}

static struct json_object *verbs_json(unsigned verbs)
{
    struct json_object *a = json_object_new_array();
    size_t i;

    for (i = 0; i < sizeof(verb_names) / sizeof(verb_names[0]); i++) {
        if (verbs & verb_bits_sorted[i])
            json_object_array_add(a, json_object_new_string(verb_names[i]));
    }
    return a;
}

static struct json_object *strings_json(const char *const *list, size_t max)
{
    struct json_object *a = json_object_new_array();
    size_t i;

    for (i = 0; i < max && list[i]; i++)
        json_object_array_add(a, json_object_new_string(list[i]));
    return a;
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
    json_object_object_add(o, k, json_object_new_string(v));
}

static void add_names(struct json_object *o, const struct resource *r)
{
    if (r->short_names[0])
        json_object_object_add(o, "shortNames", strings_json(r->short_names, 4));
    if (r->categories[0])
        json_object_object_add(o, "categories", strings_json(r->categories, 3));
}

#define SUB_VERBS (VERB_GET | VERB_PATCH | VERB_UPDATE)

/* Calls fn for each subresource of r: status, scale, then the resource's own. */
static void each_subresource(const struct resource *r,
                             void (*fn)(void *arg, const char *name, const char *group,
                                        const char *version, const char *kind, unsigned verbs),
                             void *arg)
{
    const struct subresource *sr;

    if (r->flags & RES_SCALE)
        fn(arg, "scale", "autoscaling", "v1", "Scale", SUB_VERBS);
    if (r->flags & RES_STATUS)
        fn(arg, "status", NULL, NULL, r->kind, SUB_VERBS);
    for (sr = r->subresources; sr && sr->name; sr++)
        fn(arg, sr->name, sr->group, sr->version, sr->kind ? sr->kind : r->kind, sr->verbs);
}

struct legacy_ctx {
    struct json_object *list;
    const struct resource *r;
};

static void legacy_sub(void *arg, const char *name, const char *group, const char *version,
                       const char *kind, unsigned verbs)
{
    struct legacy_ctx *c = arg;
    struct json_object *o = json_object_new_object();
    char full[300];

    snprintf(full, sizeof(full), "%s/%s", c->r->plural, name);
    add_str(o, "name", full);
    add_str(o, "singularName", "");
    json_object_object_add(o, "namespaced",
                           json_object_new_boolean(c->r->flags & RES_NAMESPACED ? 1 : 0));
    if (group) {
        add_str(o, "group", group);
        add_str(o, "version", version);
    }
    add_str(o, "kind", kind);
    json_object_object_add(o, "verbs", verbs_json(verbs));
    json_object_array_add(c->list, o);
}

static struct json_object *legacy_resource(const struct resource *r)
{
    struct json_object *o = json_object_new_object();
    char singular[128];

    add_str(o, "name", r->plural);
    add_str(o, "singularName", resource_singular(r, singular, sizeof(singular)));
    json_object_object_add(o, "namespaced",
                           json_object_new_boolean(r->flags & RES_NAMESPACED ? 1 : 0));
    add_str(o, "kind", r->kind);
    json_object_object_add(o, "verbs", verbs_json(r->verbs));
    add_names(o, r);
    return o;
}

void discovery_serve_resources(struct req *req, const struct group_version *gv)
{
    struct json_object *o = json_object_new_object(), *list = json_object_new_array();
    const struct resource *r;
    char gvs[160];

    add_str(o, "kind", "APIResourceList");
    if (gv->group[0])
        add_str(o, "apiVersion", "v1");
    snprintf(gvs, sizeof(gvs), "%s%s%s", gv->group, gv->group[0] ? "/" : "", gv->version);
    add_str(o, "groupVersion", gvs);
    for (r = gv->resources; r->plural; r++) {
        struct legacy_ctx c = {list, r};

        json_object_array_add(list, legacy_resource(r));
        each_subresource(r, legacy_sub, &c);
    }
    json_object_object_add(o, "resources", list);
    req_reply_json(req, 200, o);
    json_object_put(o);
}

static struct json_object *gv_entry(const struct group_version *gv)
{
    struct json_object *o = json_object_new_object();
    char gvs[160];

    snprintf(gvs, sizeof(gvs), "%s/%s", gv->group, gv->version);
    add_str(o, "groupVersion", gvs);
    add_str(o, "version", gv->version);
    return o;
}

/* The APIGroup document of group, or NULL when none of its versions is served. */
static struct json_object *api_group(const struct discovery *d, const char *group)
{
    struct json_object *g = NULL, *versions = NULL;
    unsigned i;

    for (i = 0; i < d->n; i++) {
        if (strcmp(d->gvs[i]->group, group) != 0)
            continue;
        if (!g) {
            g = json_object_new_object();
            add_str(g, "name", group);
            versions = json_object_new_array();
            json_object_object_add(g, "versions", versions);
            json_object_object_add(g, "preferredVersion", gv_entry(d->gvs[i]));
        }
        json_object_array_add(versions, gv_entry(d->gvs[i]));
    }
    return g;
}

void discovery_serve_group(struct req *req, struct discovery *d, const char *group)
{
    struct json_object *g = api_group(d, group);

    if (!g) {
        server_not_found(req);
        return;
    }
    json_object_object_add(g, "kind", json_object_new_string("APIGroup"));
    json_object_object_add(g, "apiVersion", json_object_new_string("v1"));
    req_reply_json(req, 200, g);
    json_object_put(g);
}

/* --- aggregated discovery (apidiscovery.k8s.io v2 / v2beta1) --- */

static struct json_object *response_kind(const char *group, const char *version, const char *kind)
{
    struct json_object *o = json_object_new_object();

    add_str(o, "group", group ? group : "");
    add_str(o, "version", version ? version : "");
    add_str(o, "kind", kind);
    return o;
}

static void aggregated_sub(void *arg, const char *name, const char *group, const char *version,
                           const char *kind, unsigned verbs)
{
    struct json_object *o = json_object_new_object();

    add_str(o, "subresource", name);
    json_object_object_add(o, "responseKind", response_kind(group, version, kind));
    json_object_object_add(o, "verbs", verbs_json(verbs));
    json_object_array_add(arg, o);
}

static struct json_object *aggregated_resource(const struct resource *r)
{
    struct json_object *o = json_object_new_object(), *subs = json_object_new_array();
    char singular[128];

    add_str(o, "resource", r->plural);
    json_object_object_add(o, "responseKind", response_kind(NULL, NULL, r->kind));
    add_str(o, "scope", r->flags & RES_NAMESPACED ? "Namespaced" : "Cluster");
    add_str(o, "singularResource", resource_singular(r, singular, sizeof(singular)));
    json_object_object_add(o, "verbs", verbs_json(r->verbs));
    add_names(o, r);
    each_subresource(r, aggregated_sub, subs);
    if (json_object_array_length(subs))
        json_object_object_add(o, "subresources", subs);
    else
        json_object_put(subs);
    return o;
}

static struct json_object *aggregated_version(const struct group_version *gv)
{
    struct json_object *v = json_object_new_object(), *list = json_object_new_array();
    const struct resource *r;

    add_str(v, "version", gv->version);
    for (r = gv->resources; r->plural; r++)
        json_object_array_add(list, aggregated_resource(r));
    json_object_object_add(v, "resources", list);
    add_str(v, "freshness", "Current");
    return v;
}

/* One APIGroupDiscovery per group, versions in the order they were added; core selects the
 * legacy group ("") or every other one. */
static struct json_object *aggregated_list(const struct discovery *d, int core, const char *ver)
{
    struct json_object *o = json_object_new_object(), *items = json_object_new_array();
    unsigned i, j;
    char api_version[64];

    snprintf(api_version, sizeof(api_version), "apidiscovery.k8s.io/%s", ver);
    add_str(o, "kind", "APIGroupDiscoveryList");
    add_str(o, "apiVersion", api_version);
    json_object_object_add(o, "metadata", json_object_new_object());
    for (i = 0; i < d->n; i++) {
        const char *group = d->gvs[i]->group;
        struct json_object *g, *meta, *versions;
        int seen = 0;

        for (j = 0; j < i; j++)
            seen |= strcmp(d->gvs[j]->group, group) == 0;
        if (seen || (group[0] == '\0') != core)
            continue;
        g = json_object_new_object();
        meta = json_object_new_object();
        add_str(meta, "name", group);
        json_object_object_add(meta, "creationTimestamp", NULL);
        json_object_object_add(g, "metadata", meta);
        versions = json_object_new_array();
        for (j = i; j < d->n; j++) {
            if (strcmp(d->gvs[j]->group, group) == 0)
                json_object_array_add(versions, aggregated_version(d->gvs[j]));
        }
        json_object_object_add(g, "versions", versions);
        json_object_array_add(items, g);
    }
    json_object_object_add(o, "items", items);
    return o;
}

/* Replies with body and a strong ETag over it, or 304 when the client already has it. */
static void reply_etagged(struct req *req, const char *content_type, struct json_object *body)
{
    const char *s = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN |
                                                             JSON_C_TO_STRING_NOSLASHESCAPE);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0, i;
    char etag[2 * EVP_MAX_MD_SIZE + 3], *p = etag;
    const char *inm = req_header(req, "If-None-Match");

    EVP_Digest(s, strlen(s), md, &mdlen, EVP_sha256(), NULL);
    *p++ = '"';
    for (i = 0; i < mdlen; i++, p += 2)
        snprintf(p, 3, "%02X", md[i]);
    *p++ = '"';
    *p = '\0';
    req_set_header(req, "Etag", etag);
    req_set_header(req, "Vary", "Accept");
    if (inm && strcmp(inm, etag) == 0) {
        req_reply(req, 304, NULL, "", 0);
        return;
    }
    req_reply(req, 200, content_type, s, strlen(s));
}

static const char *aggregated_type(enum negotiated n)
{
    return n == NEG_DISCOVERY_V2
               ? "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
               : "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
}

static int negotiate_root(struct req *req, struct discovery *d, int core)
{
    enum negotiated n = negotiate(req_header(req, "Accept"), NEG_ALLOW_DISCOVERY);
    struct json_object *o;

    if (n == NEG_NONE) {
        req_fail(req, APIERR_NOT_ACCEPTABLE, "only the following media types are accepted: "
                                             "application/json, application/json;"
                                             "g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        return 1;
    }
    if (n == NEG_JSON)
        return 0;
    o = aggregated_list(d, core, n == NEG_DISCOVERY_V2 ? "v2" : "v2beta1");
    reply_etagged(req, aggregated_type(n), o);
    json_object_put(o);
    return 1;
}

static void serve_api(struct req *req, void *arg)
{
    struct discovery *d = arg;
    struct json_object *o, *addrs, *addr;
    const char *host = req_header(req, "Host");

    if (negotiate_root(req, d, 1))
        return;
    o = json_object_new_object();
    add_str(o, "kind", "APIVersions");
    json_object_object_add(o, "versions", strings_json((const char *const[]){"v1", NULL}, 1));
    addrs = json_object_new_array();
    addr = json_object_new_object();
    add_str(addr, "clientCIDR", "0.0.0.0/0");
    add_str(addr, "serverAddress", host ? host : "");
    json_object_array_add(addrs, addr);
    json_object_object_add(o, "serverAddressByClientCIDRs", addrs);
    req_reply_json(req, 200, o);
    json_object_put(o);
}

static void serve_apis(struct req *req, void *arg)
{
    struct discovery *d = arg;
    struct json_object *o, *groups;
    unsigned i, j;

    if (negotiate_root(req, d, 0))
        return;
    o = json_object_new_object();
    add_str(o, "kind", "APIGroupList");
    add_str(o, "apiVersion", "v1");
    groups = json_object_new_array();
    for (i = 0; i < d->n; i++) {
        int seen = 0;

        for (j = 0; j < i; j++)
            seen |= strcmp(d->gvs[j]->group, d->gvs[i]->group) == 0;
        if (!seen && d->gvs[i]->group[0])
            json_object_array_add(groups, api_group(d, d->gvs[i]->group));
    }
    json_object_object_add(o, "groups", groups);
    req_reply_json(req, 200, o);
    json_object_put(o);
}

void discovery_install(struct discovery *d, struct server *s)
{
    server_handle(s, "/api", serve_api, d);
    server_handle(s, "/api/", serve_api, d);
    server_handle(s, "/apis", serve_apis, d);
    server_handle(s, "/apis/", serve_apis, d);
}
