/* The kube API server: the built-in API groups. Delegates to the extensions server. */
#ifndef KUBEAPI_KUBEAPI_H
#define KUBEAPI_KUBEAPI_H

#include "generic/apis/apierr.h"
#include "generic/server/server.h"

/* What kube-apiserver's flags tell the kube API server (every field may be left zero). */
struct kubeapi_options {
    const char *service_cluster_ip_range; /* NULL: 10.0.0.0/24 */
    const char *service_node_port_range;  /* NULL: 30000-32767 */
    int secure_port;                      /* the `kubernetes` service's target port; 0: 6443 */
    const char *advertise_address;        /* its endpoint; NULL or 0.0.0.0: a host address */
};

/* opt may be NULL (the defaults). NULL with err for a bad range or an unreadable store. */
struct server *kubeapi_new(const struct server_config *cfg, const struct kubeapi_options *opt,
                           struct server *delegate, struct apierr *err);

#endif
