/* The OpenAPI v3 schema tables of the extensions server's groups, embedded at build time from
 * extensions/openapi/<group>_<version>.json (made by scripts/openapi-trim.py; see
 * cmake/embed.cmake). */
#ifndef EXTENSIONS_OPENAPI_BLOBS_H
#define EXTENSIONS_OPENAPI_BLOBS_H

#include "generic/openapi/openapi.h"

/* One entry per group/version, ending with a zeroed entry; hand them to
 * openapi_add_group_version() with the matching struct group_version. */
extern const struct openapi_blob extensions_openapi_blobs[];

#endif
