/* Private to kubeapi/: the group versions it serves and its controllers. */
#ifndef KUBEAPI_KUBEAPI_INTERNAL_H
#define KUBEAPI_KUBEAPI_INTERNAL_H

#include "generic/registry/resource.h"

extern const struct group_version kube_core_v1;

struct server;

/* Registers the post-start hooks that create the system namespaces. */
void kube_bootstrap_install(struct server *s);

#endif
