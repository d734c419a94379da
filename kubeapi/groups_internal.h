/* Private to kubeapi/: the group versions of batch, networking, RBAC, authentication and
 * authorization, the serviceaccounts/token subresource, and the helpers of resources that are
 * computed rather than stored (reviews, TokenRequest). */
#ifndef KUBEAPI_GROUPS_INTERNAL_H
#define KUBEAPI_GROUPS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "generic/registry/resource.h"

struct json_object;
struct req;

extern const struct group_version kube_batch_v1;
extern const struct group_version kube_networking_v1;
extern const struct group_version kube_rbac_v1;
extern const struct group_version kube_authentication_v1;
extern const struct group_version kube_authorization_v1;

/* Checks a CronJob schedule (five cron fields or a descriptor such as @hourly): 0, or -1 with
 * robfig/cron's message in msg. */
int kube_cron_validate(const char *schedule, char *msg, size_t n);

/* serviceaccounts/token (TokenRequest), for the serviceaccounts row of core/v1. */
extern const struct subresource serviceaccount_subresources[];
void serviceaccount_serve_token(struct req *req, void *ctx);

/* The request body of a virtual create as the object to answer with: apiVersion and kind must
 * be api_version and kind when present and are filled in; metadata.namespace becomes ns (cleared
 * when ns is ""), as kube's EnsureObjectNamespaceMatchesRequestNamespace does, and
 * creationTimestamp is null unless set. Borrowed from the request's arena; NULL after replying
 * with an error. */
struct json_object *kube_virtual_body(struct req *req, void *ctx, const char *api_version,
                                      const char *kind, const char *ns);
/* Replies 201 with obj (borrowed). */
void kube_virtual_reply(struct req *req, struct json_object *obj);

#endif
