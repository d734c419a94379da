/* The OpenAPI v3 schema tables of the aggregator server's groups, embedded at build time from
 * aggregator/openapi/<group>_<version>.json (made by scripts/openapi-trim.py; see
 * cmake/embed.cmake). */
#ifndef AGGREGATOR_OPENAPI_BLOBS_H
#define AGGREGATOR_OPENAPI_BLOBS_H

#include "generic/openapi/openapi.h"

/* One entry per group/version, ending with a zeroed entry; hand them to
 * openapi_add_group_version() with the matching struct group_version. */
extern const struct openapi_blob aggregator_openapi_blobs[];

#endif
