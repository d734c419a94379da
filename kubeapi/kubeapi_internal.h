/* Private to kubeapi/: the group versions it serves and its controllers. */
#ifndef KUBEAPI_KUBEAPI_INTERNAL_H
#define KUBEAPI_KUBEAPI_INTERNAL_H

#include "generic/registry/resource.h"

extern const struct group_version kube_core_v1;

struct server;

/* Registers the post-start hooks that create the system namespaces. */
void kube_bootstrap_install(struct server *s);

/* Namespace lifecycle (kubeapi/namespaces.c): the strategy hooks, the /finalize subresource and
 * the controller that empties deleted namespaces and gives each a default ServiceAccount. */
struct json_object;
struct req;
int namespace_keep_deleting(struct json_object *obj);
void namespace_prepare_update(struct json_object *obj, struct json_object *old);
void namespace_serve_finalize(struct req *req, void *ctx);
void kube_namespace_controller_install(struct server *s);

#endif
