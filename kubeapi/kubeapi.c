#include "kubeapi/kubeapi.h"

struct server *kubeapi_new(const struct server_config *cfg, struct server *delegate,
                           struct apierr *err)
{
    struct server_config c = *cfg;

    (void)err;
    c.name = "kube-apiserver";
    return server_new(&c, delegate);
}
