/* POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token: kube's TokenRequest
 * (pkg/registry/core/serviceaccount/storage/token.go). The token is issued by the chain's
 * service account token authority (struct authn_config.sa_tokens) and is not stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/apis/validation.h"
#include "generic/auth/satoken.h"
#include "generic/endpoints/endpoints.h"
#include "generic/filters/filter.h"
#include "generic/server/server.h"
#include "generic/storage/storage.h"
#include "kubeapi/groups_internal.h"

#define DEFAULT_EXPIRATION 3600
#define MIN_EXPIRATION     600
#define MAX_EXPIRATION     (1LL << 32)

const struct subresource serviceaccount_subresources[] = {
    {"token", VERB_CREATE, "authentication.k8s.io", "v1", "TokenRequest",
     serviceaccount_serve_token},
    {0},
};

/* The stored object at key, parsed (the caller owns it); NULL when absent or on error. */
static struct json_object *load(struct storage *st, const char *key, struct apierr *err)
{
    struct storage_obj o = {0};
    struct json_object *obj;

    if (storage_get(st, key, NULL, &o, err) < 0)
        return NULL;
    obj = json_tokener_parse(o.value);
    storage_obj_release(&o);
    if (!obj)
        apierr_set(err, APIERR_INTERNAL, "stored object is not valid JSON");
    return obj;
}

/* kube's ValidateTokenRequest plus the name check of the REST handler (a namespace that differs
 * from the URL's was refused before, as kube does). */
static int validate(struct json_object *obj, const char *name, struct apierr *err)
{
    const char *mname = meta_str(obj, "name");
    struct json_object *exp = obj_get(obj, "spec.expirationSeconds");
    int64_t secs = json_object_get_int64(exp);
    int rc = 0;

    if (mname && *mname && strcmp(mname, name) != 0)
        rc = validation_invalid(err, "metadata.name", mname,
                                "must match the service account name if specified");
    if (!json_object_is_type(exp, json_type_int))
        rc = apierr_field(err, "FieldValueInvalid", "spec.expirationSeconds",
                          "Invalid value: %s: must be an integer",
                          json_object_to_json_string_ext(exp, JSON_C_TO_STRING_PLAIN));
    else if (secs < MIN_EXPIRATION)
        rc = validation_invalid_int(err, "spec.expirationSeconds", secs,
                                    "may not specify a duration less than 10 minutes");
    else if (secs > MAX_EXPIRATION)
        rc = validation_invalid_int(err, "spec.expirationSeconds", secs,
                                    "may not specify a duration larger than 2^32 seconds");
    return rc;
}

static struct json_object *ref(const char *name, const char *uid)
{
    struct json_object *r = json_object_new_object();

    json_object_object_add(r, "name", json_object_new_string(name ? name : ""));
    json_object_object_add(r, "uid", json_object_new_string(uid ? uid : ""));
    return r;
}

/* A pod-bound token also names the pod's node, when the node exists (kube 1.32's
 * ServiceAccountTokenPodNodeInfo). */
static void bind_node(struct storage *st, const char *node, struct json_object *bound)
{
    struct apierr err = {0};
    struct json_object *obj;
    char key[512];

    if (!node || !*node)
        return;
    snprintf(key, sizeof(key), "/registry/nodes/%s", node);
    obj = load(st, key, &err);
    if (obj)
        json_object_object_add(bound, "node", ref(node, meta_str(obj, "uid")));
    json_object_put(obj);
}

/* "pod", "secret" or "node" for a v1 boundObjectRef, else a BadRequest. */
static const char *bound_kind(struct json_object *r, struct apierr *err)
{
    static const char *const kinds[][2] = {{"Pod", "pod"}, {"Secret", "secret"}, {"Node", "node"}};
    const char *av = obj_get_str(r, "apiVersion"), *kind = obj_get_str(r, "kind");
    size_t i;

    for (i = 0; kind && av && strcmp(av, "v1") == 0 && i < 3; i++) {
        if (strcmp(kind, kinds[i][0]) == 0)
            return kinds[i][1];
    }
    apierr_set(err, APIERR_BAD_REQUEST, "cannot bind token to object of type %s, Kind=%s",
               av ? av : "", kind ? kind : "");
    return NULL;
}

/* The bound object as stored, checked against the reference; the caller owns it. */
static struct json_object *bound_object(struct storage *st, struct json_object *r, const char *what,
                                        const char *ns, struct apierr *err)
{
    const char *name = obj_get_str(r, "name") ?: "", *uid = obj_get_str(r, "uid"), *have;
    struct json_object *obj;
    char key[1024];

    if (strcmp(what, "node") == 0)
        snprintf(key, sizeof(key), "/registry/nodes/%s", name);
    else
        snprintf(key, sizeof(key), "/registry/%ss/%s/%s", what, ns, name);
    obj = load(st, key, err);
    if (!obj && err->reason == APIERR_NOT_FOUND) {
        memset(err, 0, sizeof(*err));
        apierr_set(err, APIERR_NOT_FOUND, "%ss \"%s\" not found", what, name);
        apierr_details(err, "", strcmp(what, "node") == 0 ? "nodes" : what, name);
    }
    have = obj ? meta_str(obj, "uid") : NULL;
    if (obj && uid && *uid && (!have || strcmp(uid, have) != 0)) {
        json_object_put(obj);
        apierr_set(err, APIERR_CONFLICT,
                   "the UID in the bound object reference (%s) does not match the UID in record. "
                   "The object might have been deleted and then recreated",
                   uid);
        return NULL;
    }
    return obj;
}

/* The "kubernetes.io" claims of the bound object into *bound (the caller owns it). */
static int bind(struct storage *st, struct json_object *r, const char *ns, const char *sa,
                struct json_object **bound, struct apierr *err)
{
    const char *what = bound_kind(r, err), *pod_sa;
    struct json_object *obj = what ? bound_object(st, r, what, ns, err) : NULL;

    if (!obj)
        return -1;
    pod_sa = obj_get_str(obj, "spec.serviceAccountName");
    if (strcmp(what, "pod") == 0 && pod_sa && *pod_sa && strcmp(pod_sa, sa) != 0) {
        json_object_put(obj);
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "cannot bind token for serviceaccount \"%s\" to pod running with "
                          "different serviceaccount name.",
                          sa);
    }
    *bound = json_object_new_object();
    json_object_object_add(*bound, what, ref(meta_str(obj, "name"), meta_str(obj, "uid")));
    if (strcmp(what, "pod") == 0)
        bind_node(st, obj_get_str(obj, "spec.nodeName"), *bound);
    json_object_put(obj);
    return 0;
}

/* spec.audiences, defaulted to the API audiences as kube does; buf holds up to max-1. */
static const char *const *request_audiences(struct json_object *obj, struct satoken *t,
                                            const char **buf, size_t max)
{
    struct json_object *a = obj_get(obj, "spec.audiences"), *arr;
    const char *const *api = satoken_audiences(t);
    size_t i, n = 0;

    for (i = 0;
         json_object_is_type(a, json_type_array) && i < json_object_array_length(a) && n + 1 < max;
         i++) {
        struct json_object *v = json_object_array_get_idx(a, i);

        if (json_object_is_type(v, json_type_string))
            buf[n++] = json_object_get_string(v);
    }
    buf[n] = NULL;
    if (n)
        return buf;
    arr = json_object_new_array();
    for (i = 0; api[i]; i++)
        json_object_array_add(arr, json_object_new_string(api[i]));
    obj_set(obj, "spec.audiences", arr);
    return api;
}

/* Issues the token into obj's status, for the service account sa (borrowed). */
static int issue(struct satoken *t, struct storage *st, struct json_object *obj,
                 struct json_object *sa, const char *ns, struct apierr *err)
{
    const char *auds[SATOKEN_MAX_AUDIENCES + 1], *name = meta_str(sa, "name");
    struct satoken_request r = {.ns = ns, .name = name, .uid = meta_str(sa, "uid")};
    struct json_object *ref = obj_get(obj, "spec.boundObjectRef"), *bound = NULL;
    char *token = NULL, when[32];
    int64_t exp;
    time_t e;

    if (ref && bind(st, ref, ns, name, &bound, err) < 0)
        return -1;
    r.audiences = request_audiences(obj, t, auds, SATOKEN_MAX_AUDIENCES + 1);
    r.expiration_seconds = json_object_get_int64(obj_get(obj, "spec.expirationSeconds"));
    r.bound = bound;
    if (satoken_issue(t, &r, &token, &exp, err) < 0) {
        json_object_put(bound);
        return -1;
    }
    e = (time_t)exp;
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&e));
    obj_set(obj, "status.token", json_object_new_string(token));
    obj_set_str(obj, "status.expirationTimestamp", when);
    free(token);
    json_object_put(bound);
    return 0;
}

/* The service account named by the URL; NULL after replying. */
static struct json_object *service_account(struct req *req, void *ctx)
{
    const struct registry *rg = endpoint_registry(ctx);
    struct apierr err = {0};
    struct json_object *sa;
    char key[1024];

    registry_key(rg, req->info.namespace, req->info.name, key, sizeof(key));
    sa = load(rg->st, key, &err);
    if (!sa) {
        if (err.reason == APIERR_NOT_FOUND) {
            memset(&err, 0, sizeof(err));
            registry_not_found(rg, req->info.name, &err);
        }
        req_fail_err(req, &err);
    }
    return sa;
}

void serviceaccount_serve_token(struct req *req, void *ctx)
{
    const struct authn_config *an = server_authn(endpoint_server(ctx));
    const char *ns = req->info.namespace, *name = req->info.name;
    struct json_object *obj, *sa;
    struct apierr err = {0};

    if (!an || !an->sa_tokens) {
        req_fail(req, APIERR_NOT_FOUND,
                 "the server is not configured to issue service account "
                 "tokens");
        return;
    }
    obj = kube_virtual_body(req, ctx, "authentication.k8s.io/v1", "TokenRequest", ns);
    if (!obj)
        return;
    if (!obj_get(obj, "spec.expirationSeconds"))
        obj_set(obj, "spec.expirationSeconds", json_object_new_int64(DEFAULT_EXPIRATION));
    if (validate(obj, name, &err) < 0) {
        validation_finish(&err, "authentication.k8s.io", "TokenRequest", name);
        req_fail_err(req, &err);
        return;
    }
    sa = service_account(req, ctx);
    if (!sa)
        return;
    if (issue(an->sa_tokens, endpoint_registry(ctx)->st, obj, sa, ns, &err) < 0)
        req_fail_err(req, &err);
    else
        kube_virtual_reply(req, obj);
    json_object_put(sa);
}
