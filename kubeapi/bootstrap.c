/* Objects every cluster has from its first start: the system namespaces (kube's
 * start-system-namespaces-controller post-start hook). */
#include <stdio.h>

#include <json-c/json.h>

#include "generic/registry/store.h"
#include "generic/server/health.h"
#include "generic/server/server.h"
#include "kubeapi/kubeapi_internal.h"

static const char *const system_namespaces[] = {"default", "kube-system", "kube-public",
                                                "kube-node-lease"};

static int ensure_namespace(const struct registry *rg, const char *name)
{
    struct registry_write w = {.ns = ""};
    struct json_object *obj = json_object_new_object(), *meta = json_object_new_object();
    struct storage_obj out = {0};
    struct apierr err = {0};
    int rc = 0;

    json_object_object_add(meta, "name", json_object_new_string(name));
    json_object_object_add(obj, "metadata", meta);
    if (registry_create(rg, &w, obj, &out, &err) < 0 && err.reason != APIERR_ALREADY_EXISTS) {
        fprintf(stderr, "kube-apiserver: cannot create namespace %s: %s\n", name, err.message);
        rc = -1;
    }
    storage_obj_release(&out);
    json_object_put(obj);
    return rc;
}

static void bootstrap_namespaces(void *arg)
{
    struct server *s = arg;
    struct registry rg = {.st = server_storage(s), .gv = &kube_core_v1};
    struct apierr err = {0};
    size_t i;

    rg.r = resource_find(&kube_core_v1, "namespaces");
    if (!rg.st || !rg.r)
        return;
    for (i = 0; i < sizeof(system_namespaces) / sizeof(system_namespaces[0]); i++)
        ensure_namespace(&rg, system_namespaces[i]);
    if (storage_flush(rg.st, &err) < 0)
        fprintf(stderr, "kube-apiserver: cannot store the system namespaces: %s\n", err.message);
}

void kube_bootstrap_install(struct server *s)
{
    server_add_poststart_hook(s, "start-system-namespaces-controller", bootstrap_namespaces, s);
}
