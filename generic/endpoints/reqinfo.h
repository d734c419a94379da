/* Request info: what a URL means in Kubernetes terms (kube's RequestInfoFactory). */
#ifndef GENERIC_ENDPOINTS_REQINFO_H
#define GENERIC_ENDPOINTS_REQINFO_H

#include <stdbool.h>

#include "generic/apis/apierr.h"

#define REQINFO_SEG 256 /* longest path segment kept (DNS subdomain names are <= 253) */

struct reqinfo {
    bool is_resource;   /* a resource request, as opposed to /healthz, /version, /apis ... */
    bool long_running;  /* watch, proxy, log, exec, attach, portforward: exempt from limits */
    bool mutating;      /* create, update, patch, delete, deletecollection */
    char verb[24];      /* get list watch create update patch delete deletecollection proxy;
                           for non-resource requests the lower-cased HTTP method */
    char api_prefix[8]; /* "api" or "apis" */
    char group[REQINFO_SEG];
    char version[64];
    char namespace[REQINFO_SEG];
    char resource[REQINFO_SEG];
    char subresource[REQINFO_SEG];
    char name[REQINFO_SEG];
};

/* Fills *ri from the HTTP method ("GET"), the decoded path ("/api/v1/namespaces/x/pods") and
 * the raw query string (may be NULL), following kube's RequestInfoFactory:
 * - /api/<v>/... and /apis/<group>/<v>/... with at least one segment after the version are
 *   resource requests; anything else (/healthz, /api, /apis/<group>/<v>) is not, and gets the
 *   lower-cased method as its verb. api_prefix is set as soon as the first segment is api or
 *   apis and three segments exist, as kube does.
 * - Path segments come from trimming every leading and trailing '/' and splitting on '/';
 *   the path is not decoded again, and "//" inside it is an empty segment.
 * - The query is read only to tell list from watch (watch=<anything but 0/false>) and to take
 *   the name from fieldSelector=metadata.name=<name>, i.e. only for a get without a name;
 *   other requests never fail on their query.
 * - mutating and long_running are set for resource requests only.
 * Returns 0, or -1 with err set to BadRequest when the path or query cannot be parsed: a
 * segment that would be kept (group, version, namespace, resource, name, subresource) is
 * longer than its field, the legacy /watch/ or /proxy/ prefix is followed by nothing, the
 * consulted query has a bad %-escape or a ';', or the method is absurdly long. On -1, *ri
 * holds what was resolved before the failure. method and path must not be NULL. */
int reqinfo_resolve(struct reqinfo *ri, const char *method, const char *path, const char *query,
                    struct apierr *err);

#endif
