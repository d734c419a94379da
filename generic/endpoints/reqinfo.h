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
 * the raw query string (may be NULL), following kube's RequestInfoFactory. Returns 0, or -1 with
 * err set to BadRequest when the path or query cannot be parsed (a segment longer than
 * REQINFO_SEG, a malformed query). */
int reqinfo_resolve(struct reqinfo *ri, const char *method, const char *path, const char *query,
                    struct apierr *err);

#endif
