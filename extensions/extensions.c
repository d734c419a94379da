#include "extensions/extensions.h"

struct server *extensions_new(const struct server_config *cfg, struct server *delegate,
                              struct apierr *err)
{
    struct server_config c = *cfg;

    (void)err;
    c.name = "apiextensions-apiserver";
    return server_new(&c, delegate);
}
