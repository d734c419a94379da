/* API discovery: /api, /apis (legacy and aggregated v2/v2beta1 forms, with ETag and 304),
 * /apis/<group> (APIGroup) and /api/v1, /apis/<group>/<version> (APIResourceList). One
 * discovery object serves the group versions of all three servers. */
#ifndef GENERIC_DISCOVERY_DISCOVERY_H
#define GENERIC_DISCOVERY_DISCOVERY_H

#include "generic/http/req.h"
#include "generic/registry/resource.h"

struct discovery;
struct server;

struct discovery *discovery_new(void);
/* discovery_free(NULL) does nothing. */
void discovery_free(struct discovery *d);

/* Adds a served group version (borrowed: it must stay valid until removed or d is freed).
 * Groups are listed in the order their first version was added. */
void discovery_add(struct discovery *d, const struct group_version *gv);
void discovery_remove(struct discovery *d, const struct group_version *gv);

/* Calls fn for every served group version, in the order they were added. */
void discovery_each(const struct discovery *d, void (*fn)(void *arg, const struct group_version *gv),
                    void *arg);

/* Installs /api and /apis in s's mux. */
void discovery_install(struct discovery *d, struct server *s);

/* GET /api/v1 or /apis/<group>/<version>: the APIResourceList of gv. */
void discovery_serve_resources(struct req *req, const struct group_version *gv);
/* GET /apis/<group>: the APIGroup, or 404 when no version of it is served. */
void discovery_serve_group(struct req *req, struct discovery *d, const char *group);

#endif
