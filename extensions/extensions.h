/* The extensions server (apiextensions-apiserver): CustomResourceDefinitions and the resources
 * they define. Last in the chain. */
#ifndef EXTENSIONS_EXTENSIONS_H
#define EXTENSIONS_EXTENSIONS_H

#include "generic/apis/apierr.h"
#include "generic/server/server.h"

/* A new extensions server over st (borrowed); delegate is NULL in the standard chain. */
struct server *extensions_new(const struct server_config *cfg, struct server *delegate,
                              struct apierr *err);

#endif
