/* The kube API server: the built-in API groups. Delegates to the extensions server. */
#ifndef KUBEAPI_KUBEAPI_H
#define KUBEAPI_KUBEAPI_H

#include "generic/apis/apierr.h"
#include "generic/server/server.h"

struct server *kubeapi_new(const struct server_config *cfg, struct server *delegate,
                           struct apierr *err);

#endif
