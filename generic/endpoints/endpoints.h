/* The REST endpoints of resources: kube's API installer and one handler per verb. */
#ifndef GENERIC_ENDPOINTS_ENDPOINTS_H
#define GENERIC_ENDPOINTS_ENDPOINTS_H

#include "generic/apis/apierr.h"
#include "generic/registry/resource.h"
#include "generic/registry/store.h"

struct server;

/* Serves gv's resources from s (its storage): claims /api/v1 or /apis/<group>/<version> (and
 * /apis/<group> for the group's first version) and lists gv in the server's discovery. gv is
 * borrowed and must outlive s. */
int endpoint_install(struct server *s, const struct group_version *gv, struct apierr *err);

/* For subresource handlers (struct subresource.serve, given the request context ctx): an update
 * of the object the URL names, with fn building the new object from the current one; fn's arg is
 * the decoded request body. Honours dryRun and answers once the write is durable. */
void endpoint_update_with(void *ctx, registry_mutate_fn fn);

/* For the handlers given a request context ctx (subresource serve, resource serve_create): the
 * request's storage, group version and resource (borrowed); the server that serves them; and the
 * decoded request body, a JSON object the request's arena holds, or NULL after replying 400 or
 * 415. */
const struct registry *endpoint_registry(void *ctx);
struct server *endpoint_server(void *ctx);
struct json_object *endpoint_body(void *ctx);

#endif
