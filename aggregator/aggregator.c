#include "aggregator/aggregator.h"
#include "generic/discovery/discovery.h"
#include "generic/openapi/openapi.h"
#include "generic/server/health.h"
#include "generic/server/version.h"

struct server *aggregator_new(const struct server_config *cfg, struct server *delegate,
                              struct apierr *err)
{
    struct server_config c = *cfg;
    struct server *s;

    (void)err;
    c.name = "kube-aggregator";
    s = server_new(&c, delegate);
    server_install_health(s);
    server_install_version(s);
    if (c.discovery)
        discovery_install(c.discovery, s);
    if (c.openapi)
        openapi_install(c.openapi, s);
    return s;
}
