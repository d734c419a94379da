/* authentication.k8s.io/v1 (tokenreviews, selfsubjectreviews) and authorization.k8s.io/v1 (the
 * access and rules reviews): resources that are computed on POST and never stored. The
 * authorizer in force allows everything until RBAC is enforced, so every access review is
 * allowed and the rules review lists "*". */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/apis/validation.h"
#include "generic/endpoints/endpoints.h"
#include "generic/filters/filter.h"
#include "generic/server/server.h"
#include "kubeapi/groups_internal.h"

#define AUTHN_V1 "authentication.k8s.io/v1"
#define AUTHZ_V1 "authorization.k8s.io/v1"

/* A copy of body that starts with kind, apiVersion and metadata, as kube writes objects; the
 * request's arena holds it. */
static struct json_object *ordered(struct req *req, struct json_object *body, const char *kind,
                                   const char *api_version)
{
    struct json_object *obj = json_object_new_object(), *meta = meta_get(body);

    json_object_object_add(obj, "kind", json_object_new_string(kind));
    json_object_object_add(obj, "apiVersion", json_object_new_string(api_version));
    json_object_object_add(obj, "metadata",
                           meta ? json_object_get(meta) : json_object_new_object());
    json_object_object_foreach(body, k, v) {
        if (strcmp(k, "kind") != 0 && strcmp(k, "apiVersion") != 0 && strcmp(k, "metadata") != 0)
            json_object_object_add(obj, k, json_object_get(v));
    }
    return arena_adopt_json(req->arena, obj);
}

struct json_object *kube_virtual_body(struct req *req, void *ctx, const char *api_version,
                                      const char *kind, const char *ns)
{
    struct json_object *body = endpoint_body(ctx), *obj, *meta;
    const char *av = body ? obj_get_str(body, "apiVersion") : NULL;
    const char *k = body ? obj_get_str(body, "kind") : NULL, *bns;

    if (!body)
        return NULL;
    if ((av && strcmp(av, api_version) != 0) || (k && strcmp(k, kind) != 0)) {
        req_fail(req, APIERR_BAD_REQUEST,
                 "the kind in the data (%s, %s) does not match the expected kind (%s, %s)",
                 av ? av : "", k ? k : "", api_version, kind);
        return NULL;
    }
    bns = meta_str(body, "namespace");
    if (*ns && bns && *bns && strcmp(bns, ns) != 0) {
        req_fail(req, APIERR_BAD_REQUEST,
                 "the namespace of the provided object does not match "
                 "the namespace sent on the request");
        return NULL;
    }
    obj = ordered(req, body, kind, api_version);
    meta = meta_ensure(obj);
    if (*ns)
        json_object_object_add(meta, "namespace", json_object_new_string(ns));
    else
        json_object_object_del(meta, "namespace");
    if (!json_object_object_get_ex(meta, "creationTimestamp", NULL))
        json_object_object_add(meta, "creationTimestamp", NULL);
    return obj;
}

void kube_virtual_reply(struct req *req, struct json_object *obj)
{
    req_reply_json(req, 201, obj);
}

static void fail_invalid(struct req *req, struct apierr *err, const char *group, const char *kind)
{
    validation_finish(err, group, kind, "");
    req_fail_err(req, err);
}

static struct json_object *string_array(const char *const *v, unsigned n)
{
    struct json_object *a = json_object_new_array();
    unsigned i;

    for (i = 0; i < n && v[i]; i++)
        json_object_array_add(a, json_object_new_string(v[i]));
    return a;
}

/* kube's UserInfo of an authenticated user: username, uid when known, groups. */
static struct json_object *user_info(const struct req_user *u)
{
    struct json_object *o = json_object_new_object(), *g = json_object_new_array();
    unsigned i;

    json_object_object_add(o, "username", json_object_new_string(u->name));
    if (u->uid[0])
        json_object_object_add(o, "uid", json_object_new_string(u->uid));
    for (i = 0; i < u->ngroups; i++)
        json_object_array_add(g, json_object_new_string(u->groups[i]));
    json_object_object_add(o, "groups", g);
    return o;
}

/* --- authentication.k8s.io/v1 --- */

static void serve_selfsubjectreview(struct req *req, void *ctx)
{
    struct json_object *obj = kube_virtual_body(req, ctx, AUTHN_V1, "SelfSubjectReview", "");
    struct json_object *status = json_object_new_object();
    char now[32];

    if (!obj) {
        json_object_put(status);
        return;
    }
    meta_now(now);
    meta_set_str(obj, "creationTimestamp", now); /* kube stamps the review it answers with */
    json_object_object_add(status, "userInfo", user_info(&req->user));
    json_object_object_add(obj, "status", status);
    kube_virtual_reply(req, obj);
}

/* spec.audiences as a NULL-terminated list (at most 16); NULL when there are none. */
static const char *const *audiences(struct json_object *spec, const char **buf, unsigned max)
{
    struct json_object *a = obj_get(spec, "audiences");
    unsigned i, n = 0;

    for (i = 0;
         json_object_is_type(a, json_type_array) && i < json_object_array_length(a) && n + 1 < max;
         i++) {
        struct json_object *v = json_object_array_get_idx(a, i);

        if (json_object_is_type(v, json_type_string))
            buf[n++] = json_object_get_string(v);
    }
    buf[n] = NULL;
    return n ? buf : NULL;
}

static struct json_object *tokenreview_status(const struct authn_config *an, const char *token,
                                              const char *const *auds)
{
    struct json_object *st = json_object_new_object();
    struct req_user u;
    struct apierr err = {0};
    unsigned n = 0;
    int ok;

    if (!auds && an)
        auds = an->api_audiences;
    ok = an && authn_token(an, token, auds, &u, &err) == 0;
    json_object_object_add(st, "authenticated", json_object_new_boolean(ok));
    json_object_object_add(st, "user", ok ? user_info(&u) : json_object_new_object());
    while (ok && auds && auds[n])
        n++;
    if (n)
        json_object_object_add(st, "audiences", string_array(auds, n));
    if (!ok)
        json_object_object_add(st, "error",
                               json_object_new_string(an ? err.message : "no authenticators"));
    return st;
}

static void serve_tokenreview(struct req *req, void *ctx)
{
    struct json_object *obj = kube_virtual_body(req, ctx, AUTHN_V1, "TokenReview", "");
    const char *token = obj ? obj_get_str(obj, "spec.token") : NULL, *buf[17];

    if (!obj)
        return;
    if (!token || !*token) {
        req_fail(req, APIERR_BAD_REQUEST, "token is required for TokenReview in authentication");
        return;
    }
    json_object_object_add(obj, "status",
                           tokenreview_status(server_authn(endpoint_server(ctx)), token,
                                              audiences(obj_get(obj, "spec"), buf, 17)));
    kube_virtual_reply(req, obj);
}

static const struct resource authentication_v1_resources[] = {
    {"selfsubjectreviews",
     "SelfSubjectReview",
     {0},
     0,
     VERB_CREATE,
     NULL,
     .serve_create = serve_selfsubjectreview},
    {"tokenreviews", "TokenReview", {0}, 0, VERB_CREATE, NULL, .serve_create = serve_tokenreview},
    {0},
};

const struct group_version kube_authentication_v1 = {"authentication.k8s.io", "v1",
                                                     authentication_v1_resources};

/* --- authorization.k8s.io/v1 --- */

/* metadata must be empty but for creationTimestamp null (and a local review's namespace). */
static int check_meta_empty(struct json_object *obj, bool local, struct apierr *err)
{
    struct json_object *meta = meta_get(obj);
    const char *raw;

    json_object_object_foreach(meta, k, v) {
        if ((strcmp(k, "creationTimestamp") == 0 && !v) || (local && strcmp(k, "namespace") == 0))
            continue;
        raw = json_object_to_json_string_ext(meta, JSON_C_TO_STRING_PLAIN);
        return apierr_field(err, "FieldValueInvalid", "metadata",
                            "Invalid value: %s: must be empty", raw);
    }
    return 0;
}

/* kube's ValidateSubjectAccessReviewSpec; user says whether spec.user or groups are required. */
static int check_access_spec(struct json_object *spec, bool user, struct apierr *err)
{
    struct json_object *ra = obj_get(spec, "resourceAttributes");
    struct json_object *nra = obj_get(spec, "nonResourceAttributes"), *groups;
    const char *u = obj_get_str(spec, "user");
    int rc = 0;

    if (ra && nra)
        rc = apierr_field(err, "FieldValueInvalid", "spec.nonResourceAttributes",
                          "Invalid value: %s: cannot be specified in combination with "
                          "resourceAttributes",
                          json_object_to_json_string_ext(nra, JSON_C_TO_STRING_PLAIN));
    if (!ra && !nra)
        rc = apierr_field(err, "FieldValueInvalid", "spec.resourceAttributes",
                          "Invalid value: \"null\": exactly one of nonResourceAttributes or "
                          "resourceAttributes must be specified");
    groups = obj_get(spec, "groups");
    if (user && (!u || !*u) &&
        (!json_object_is_type(groups, json_type_array) || json_object_array_length(groups) == 0))
        rc = validation_invalid(err, "spec.user", u ? u : "",
                                "at least one of user or group must be specified");
    return rc;
}

/* A local review: the attributes' namespace must be the review's, nonResourceAttributes are
 * not allowed. */
static int check_local(struct json_object *obj, const char *ns, struct apierr *err)
{
    const char *rns = obj_get_str(obj, "spec.resourceAttributes.namespace");
    struct json_object *nra = obj_get(obj, "spec.nonResourceAttributes");
    int rc = 0;

    if (obj_get(obj, "spec.resourceAttributes") && strcmp(rns ? rns : "", ns) != 0)
        rc = validation_invalid(err, "spec.resourceAttributes.namespace", rns ? rns : "",
                                "must match metadata.namespace");
    if (nra)
        rc = apierr_field(err, "FieldValueInvalid", "spec.nonResourceAttributes",
                          "Invalid value: %s: disallowed on this kind of request",
                          json_object_to_json_string_ext(nra, JSON_C_TO_STRING_PLAIN));
    return rc;
}

/* The authorizer in force allows every request. */
static void allow(struct json_object *obj)
{
    struct json_object *st = json_object_new_object();

    json_object_object_add(st, "allowed", json_object_new_boolean(1));
    json_object_object_add(obj, "status", st);
}

static void serve_access_review(struct req *req, void *ctx, const char *kind, bool user, bool local)
{
    const char *ns = local ? req->info.namespace : "";
    struct json_object *obj;
    struct apierr err = {0};
    int rc;

    if (local && !ns[0]) { /* kube serves local reviews under a namespace only */
        server_not_found(req);
        return;
    }
    obj = kube_virtual_body(req, ctx, AUTHZ_V1, kind, ns);
    if (!obj)
        return;
    rc = check_access_spec(obj_get(obj, "spec"), user, &err);
    if (local && check_local(obj, ns, &err) < 0)
        rc = -1;
    if (check_meta_empty(obj, local, &err) < 0)
        rc = -1;
    if (rc < 0) {
        fail_invalid(req, &err, "authorization.k8s.io", kind);
        return;
    }
    allow(obj);
    kube_virtual_reply(req, obj);
}

static void serve_selfsubjectaccessreview(struct req *req, void *ctx)
{
    serve_access_review(req, ctx, "SelfSubjectAccessReview", false, false);
}

static void serve_subjectaccessreview(struct req *req, void *ctx)
{
    serve_access_review(req, ctx, "SubjectAccessReview", true, false);
}

static void serve_localsubjectaccessreview(struct req *req, void *ctx)
{
    serve_access_review(req, ctx, "LocalSubjectAccessReview", true, true);
}

/* {"verbs":["*"], <key>:["*"] ...}: the rule of an authorizer that allows everything. */
static struct json_object *star_rule(const char *const *keys)
{
    struct json_object *r = json_object_new_object();
    static const char *const star[] = {"*"};

    for (; *keys; keys++)
        json_object_object_add(r, *keys, string_array(star, 1));
    return r;
}

static void serve_selfsubjectrulesreview(struct req *req, void *ctx)
{
    static const char *const res[] = {"verbs", "apiGroups", "resources", NULL};
    static const char *const nonres[] = {"verbs", "nonResourceURLs", NULL};
    struct json_object *obj = kube_virtual_body(req, ctx, AUTHZ_V1, "SelfSubjectRulesReview", "");
    struct json_object *st, *rr, *nr;
    const char *ns = obj ? obj_get_str(obj, "spec.namespace") : NULL;

    if (!obj)
        return;
    if (!ns || !*ns) {
        req_fail(req, APIERR_BAD_REQUEST, "no namespace on request");
        return;
    }
    st = json_object_new_object();
    rr = json_object_new_array();
    nr = json_object_new_array();
    json_object_array_add(rr, star_rule(res));
    json_object_array_add(nr, star_rule(nonres));
    json_object_object_add(st, "resourceRules", rr);
    json_object_object_add(st, "nonResourceRules", nr);
    json_object_object_add(st, "incomplete", json_object_new_boolean(0));
    json_object_object_add(obj, "status", st);
    kube_virtual_reply(req, obj);
}

static const struct resource authorization_v1_resources[] = {
    {"localsubjectaccessreviews",
     "LocalSubjectAccessReview",
     {0},
     RES_NAMESPACED,
     VERB_CREATE,
     NULL,
     .serve_create = serve_localsubjectaccessreview},
    {"selfsubjectaccessreviews",
     "SelfSubjectAccessReview",
     {0},
     0,
     VERB_CREATE,
     NULL,
     .serve_create = serve_selfsubjectaccessreview},
    {"selfsubjectrulesreviews",
     "SelfSubjectRulesReview",
     {0},
     0,
     VERB_CREATE,
     NULL,
     .serve_create = serve_selfsubjectrulesreview},
    {"subjectaccessreviews",
     "SubjectAccessReview",
     {0},
     0,
     VERB_CREATE,
     NULL,
     .serve_create = serve_subjectaccessreview},
    {0},
};

const struct group_version kube_authorization_v1 = {"authorization.k8s.io", "v1",
                                                    authorization_v1_resources};
