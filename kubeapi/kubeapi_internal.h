/* Private to kubeapi/: the group versions it serves and its controllers. */
#ifndef KUBEAPI_KUBEAPI_INTERNAL_H
#define KUBEAPI_KUBEAPI_INTERNAL_H

#include "generic/registry/resource.h"

extern const struct group_version kube_core_v1;

#endif
