#include "kubeapi/kubeapi.h"
#include "generic/endpoints/endpoints.h"
#include "generic/openapi/openapi.h"
#include "kubeapi/groups_internal.h"
#include "kubeapi/kubeapi_internal.h"
#include "kubeapi/openapi_blobs.h"

static const struct group_version *const served[] = {
    &kube_core_v1, &kube_apps_v1,           &kube_batch_v1,         &kube_networking_v1,
    &kube_rbac_v1, &kube_authentication_v1, &kube_authorization_v1, NULL};

/* Installs gv's endpoints and its schemas. */
static int install(struct server *s, const struct group_version *gv, struct apierr *err)
{
    struct openapi *oa = server_openapi(s);
    const struct openapi_blob *b;

    if (endpoint_install(s, gv, err) < 0)
        return -1;
    if (!oa)
        return 0;
    b = openapi_blob_find(kubeapi_openapi_blobs, gv->group, gv->version);
    if (b && openapi_add_group_version(oa, gv, (const char *)b->data, b->len, err) < 0)
        return -1;
    return 0;
}

struct server *kubeapi_new(const struct server_config *cfg, const struct kubeapi_options *opt,
                           struct server *delegate, struct apierr *err)
{
    struct server_config c = *cfg;
    const struct group_version *core;
    struct server *s;
    size_t i;

    c.name = "kube-apiserver";
    s = server_new(&c, delegate);
    core = kube_services_install(s, opt, err); /* core/v1 with the service allocator */
    for (i = 0; core && served[i]; i++) {
        if (install(s, served[i] == &kube_core_v1 ? core : served[i], err) < 0) {
            server_free(s);
            return NULL;
        }
    }
    if (!core) {
        server_free(s);
        return NULL;
    }
    kube_bootstrap_install(s);
    kube_namespace_controller_install(s);
    return s;
}
