/* Namespace lifecycle: a deleted namespace turns Terminating, the namespace controller deletes
 * what it holds, then removes the `kubernetes` finalizer and the namespace is gone; the
 * /finalize subresource; and the default ServiceAccount of every namespace. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/apis/xalloc.h"
#include "generic/discovery/discovery.h"
#include "generic/endpoints/endpoints.h"
#include "generic/registry/store.h"
#include "generic/server/health.h"
#include "generic/server/server.h"
#include "kubeapi/kubeapi_internal.h"

#define FINALIZER      "kubernetes"
#define RETRY_SECONDS  1

static int has_spec_finalizers(struct json_object *obj)
{
    struct json_object *f = obj_get(obj, "spec.finalizers");

    return f && json_object_is_type(f, json_type_array) && json_object_array_length(f) > 0;
}

int namespace_keep_deleting(struct json_object *obj)
{
    if (!has_spec_finalizers(obj))
        return 0;
    obj_set_str(obj, "status.phase", "Terminating");
    return 1;
}

/* spec.finalizers change only through /finalize, status only through /status. */
void namespace_prepare_update(struct json_object *obj, struct json_object *old)
{
    struct json_object *fin = obj_get(old, "spec.finalizers");

    if (fin)
        obj_set(obj, "spec.finalizers", json_object_get(fin));
    else
        obj_del(obj, "spec.finalizers");
}

/* PUT /api/v1/namespaces/<name>/finalize: the stored namespace with the body's finalizers. */
static int finalize_mutate(void *arg, struct json_object *cur, struct json_object **obj,
                           struct apierr *err)
{
    struct json_object *fin = obj_get(arg, "spec.finalizers");
    const char *name = meta_str(arg, "name"), *rv = meta_str(arg, "resourceVersion");

    *obj = NULL;
    if (json_object_deep_copy(cur, obj, NULL) < 0)
        return apierr_set(err, APIERR_INTERNAL, "cannot copy the namespace");
    if (name)
        meta_set_str(*obj, "name", name);
    if (rv && *rv)
        meta_set_str(*obj, "resourceVersion", rv);
    obj_set(*obj, "spec.finalizers", fin ? json_object_get(fin) : json_object_new_array());
    return 0;
}

void namespace_serve_finalize(struct req *req, void *ctx)
{
    (void)req;
    endpoint_update_with(ctx, finalize_mutate);
}

/* --- the namespace controller --- */

struct ns_controller {
    struct server *s;
    struct storage_watch *w;
    struct event *tick;
    char **pending; /* namespaces to look at on the next tick */
    unsigned npending;
};

static const struct resource *core(const char *plural)
{
    return resource_find(&kube_core_v1, plural);
}

static void enqueue(struct ns_controller *c, const char *name, int delay)
{
    struct timeval tv = {delay, 0};
    unsigned i;

    for (i = 0; i < c->npending; i++) {
        if (strcmp(c->pending[i], name) == 0)
            goto arm;
    }
    c->pending = xrealloc(c->pending, (c->npending + 1) * sizeof(*c->pending));
    c->pending[c->npending++] = xstrdup(name);
arm:
    if (!evtimer_pending(c->tick, NULL) || delay == 0)
        evtimer_add(c->tick, &tv);
}

struct sweep {
    struct ns_controller *c;
    const char *ns;
    unsigned found; /* objects still in the namespace */
};

static void collect(void *arg, const char *key, const char *value, size_t len, int64_t rev)
{
    char ***names = arg;
    struct json_object *obj = json_tokener_parse(value);
    const char *name = meta_str(obj, "name");
    size_t n = 0;

    (void)key;
    (void)len;
    (void)rev;
    while (*names && (*names)[n])
        n++;
    if (name) {
        *names = xrealloc(*names, (n + 2) * sizeof(**names));
        (*names)[n] = xstrdup(name);
        (*names)[n + 1] = NULL;
    }
    json_object_put(obj);
}

/* Deletes every object of one namespaced resource in the namespace. */
static void sweep_resource(struct sweep *sw, const struct group_version *gv,
                           const struct resource *r)
{
    struct registry rg = {.st = server_storage(sw->c->s), .gv = gv, .r = r};
    struct registry_write w = {.ns = sw->ns};
    struct storage_list_opts lo = {0};
    struct storage_list_result res = {0};
    struct apierr err = {0};
    char prefix[512], **names = NULL;
    size_t i;

    if (!(r->flags & RES_NAMESPACED) || registry_key(&rg, sw->ns, NULL, prefix, sizeof(prefix)))
        return;
    lo.prefix = prefix;
    if (storage_list(rg.st, &lo, collect, &names, &res, &err) < 0)
        sw->found++; /* try again later */
    storage_list_result_release(&res);
    for (i = 0; names && names[i]; i++) {
        struct storage_obj out = {0};
        bool deleted;

        sw->found++;
        memset(&err, 0, sizeof(err));
        registry_delete(&rg, &w, names[i], NULL, &out, &deleted, &err);
        storage_obj_release(&out);
        free(names[i]);
    }
    free(names);
}

static void sweep_gv(void *arg, const struct group_version *gv)
{
    const struct resource *r;

    for (r = gv->resources; r->plural; r++)
        sweep_resource(arg, gv, r);
}

static int drop_finalizer(void *arg, struct json_object *cur, struct json_object **obj,
                          struct apierr *err)
{
    struct json_object *fin = obj_get(cur, "spec.finalizers"), *keep = json_object_new_array();
    size_t i;

    (void)arg;
    *obj = NULL;
    if (json_object_deep_copy(cur, obj, NULL) < 0) {
        json_object_put(keep);
        return apierr_set(err, APIERR_INTERNAL, "cannot copy the namespace");
    }
    for (i = 0; fin && i < json_object_array_length(fin); i++) {
        struct json_object *f = json_object_array_get_idx(fin, i);

        if (strcmp(json_object_get_string(f), FINALIZER) != 0)
            json_object_array_add(keep, json_object_get(f));
    }
    obj_set(*obj, "spec.finalizers", keep);
    return 0;
}

static void ensure_default_sa(struct ns_controller *c, const char *ns)
{
    struct registry rg = {.st = server_storage(c->s), .gv = &kube_core_v1, .r = core("serviceaccounts")};
    struct registry_write w = {.ns = ns};
    struct json_object *sa;
    struct storage_obj out = {0};
    struct apierr err = {0};

    if (!rg.r)
        return; /* not served */
    sa = json_object_new_object();
    obj_set_str(sa, "metadata.name", "default");
    if (registry_create(&rg, &w, sa, &out, &err) < 0 && err.reason != APIERR_ALREADY_EXISTS &&
        err.reason != APIERR_FORBIDDEN)
        fprintf(stderr, "kube-apiserver: namespace controller: default serviceaccount in %s: %s\n",
                ns, err.message);
    storage_obj_release(&out);
    json_object_put(sa);
}

static void finish_namespace(struct ns_controller *c, const char *ns)
{
    struct registry rg = {.st = server_storage(c->s), .gv = &kube_core_v1, .r = core("namespaces")};
    struct registry_write w = {.ns = ""};
    struct storage_obj out = {0};
    struct apierr err = {0};

    if (registry_update(&rg, &w, ns, "finalize", drop_finalizer, NULL, &out, &err) < 0 &&
        err.reason != APIERR_NOT_FOUND)
        enqueue(c, ns, RETRY_SECONDS);
    storage_obj_release(&out);
}

static void process(struct ns_controller *c, const char *ns)
{
    struct registry rg = {.st = server_storage(c->s), .gv = &kube_core_v1, .r = core("namespaces")};
    struct storage_obj cur = {0};
    struct apierr err = {0};
    struct json_object *obj;
    char key[512];
    int terminating, ours;

    registry_key(&rg, NULL, ns, key, sizeof(key));
    if (storage_get(rg.st, key, NULL, &cur, &err) < 0)
        return; /* gone */
    obj = json_tokener_parse(cur.value);
    storage_obj_release(&cur);
    terminating = meta_str(obj, "deletionTimestamp") != NULL;
    ours = has_spec_finalizers(obj);
    json_object_put(obj);
    if (!terminating) {
        ensure_default_sa(c, ns);
        return;
    }
    if (ours) {
        struct sweep sw = {.c = c, .ns = ns};

        discovery_each(server_discovery(c->s), sweep_gv, &sw);
        if (sw.found) /* deletes commit this turn; look again once they did */
            enqueue(c, ns, RETRY_SECONDS);
        else
            finish_namespace(c, ns);
    }
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    struct ns_controller *c = arg;
    char **pending = c->pending;
    unsigned i, n = c->npending;

    (void)fd;
    (void)what;
    c->pending = NULL;
    c->npending = 0;
    for (i = 0; i < n; i++) {
        process(c, pending[i]);
        free(pending[i]);
    }
    free(pending);
}

static void on_namespace(void *arg, const struct storage_event *ev, const struct apierr *end)
{
    struct ns_controller *c = arg;
    const char *slash;

    if (!ev) {
        fprintf(stderr, "kube-apiserver: namespace controller: watch ended: %s\n",
                end ? end->message : "");
        return;
    }
    slash = strrchr(ev->key, '/');
    if (ev->type != STORAGE_DELETED && slash && slash[1])
        enqueue(c, slash + 1, 0);
}

static void controller_free(void *arg)
{
    struct ns_controller *c = arg;
    unsigned i;

    storage_watch_free(c->w);
    if (c->tick)
        event_free(c->tick);
    for (i = 0; i < c->npending; i++)
        free(c->pending[i]);
    free(c->pending);
    free(c);
}

static void controller_start(void *arg)
{
    struct ns_controller *c = arg;
    struct storage_watch_opts o = {.key = "/registry/namespaces/",
                                   .flags = STORAGE_WATCH_PREFIX | STORAGE_WATCH_INITIAL};
    struct apierr err = {0};

    if (!server_storage(c->s) || !server_base(c->s) || !server_discovery(c->s))
        return;
    c->tick = evtimer_new(server_base(c->s), on_tick, c);
    c->w = storage_watch(server_storage(c->s), &o, on_namespace, c, &err);
    if (!c->w)
        fprintf(stderr, "kube-apiserver: namespace controller: %s\n", err.message);
}

void kube_namespace_controller_install(struct server *s)
{
    struct ns_controller *c = xcalloc(1, sizeof(*c));

    c->s = s;
    server_defer(s, controller_free, c);
    server_add_poststart_hook(s, "start-namespace-controller", controller_start, c);
}
