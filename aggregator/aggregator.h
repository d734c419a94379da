/* The aggregator (kube-aggregator): APIServices and proxying to aggregated API servers. First in
 * the chain: the only server behind the filter chain and the TLS listener. */
#ifndef AGGREGATOR_AGGREGATOR_H
#define AGGREGATOR_AGGREGATOR_H

#include "generic/apis/apierr.h"
#include "generic/server/server.h"

struct server *aggregator_new(const struct server_config *cfg, struct server *delegate,
                              struct apierr *err);

#endif
