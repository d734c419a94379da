/* generic/openapi: the embedded tables, the served index and documents (kubectl's lookups),
 * caching headers, and schema lookup by GVK, name and $ref. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <event2/http.h>
#include <json-c/json.h>

#include "aggregator/openapi_blobs.h"
#include "extensions/openapi_blobs.h"
#include "generic/http/req.h"
#include "generic/openapi/openapi.h"
#include "generic/server/server.h"
#include "kubeapi/openapi_blobs.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct resource core_resources[] = {
    {.plural = "configmaps", .kind = "ConfigMap", .flags = RES_NAMESPACED, .verbs = VERB_ALL},
    {.plural = "namespaces",
     .kind = "Namespace",
     .flags = RES_STATUS,
     .verbs = VERB_ALL & ~VERB_DELETECOLLECTION},
    {0},
};
static const struct resource apps_resources[] = {
    {.plural = "deployments",
     .kind = "Deployment",
     .flags = RES_NAMESPACED | RES_STATUS | RES_SCALE,
     .verbs = VERB_ALL},
    {0},
};
static const struct resource apps_more[] = {
    {.plural = "replicasets",
     .kind = "ReplicaSet",
     .flags = RES_NAMESPACED | RES_STATUS,
     .verbs = VERB_ALL},
    {0},
};
static const struct resource reviews[] = {
    {.plural = "selfsubjectaccessreviews", .kind = "SelfSubjectAccessReview", .verbs = VERB_CREATE},
    {0},
};
static const struct group_version core_gv = {"", "v1", core_resources};
static const struct group_version apps_gv = {"apps", "v1", apps_resources};
static const struct group_version apps_more_gv = {"apps", "v1", apps_more};
static const struct group_version authz_gv = {"authorization.k8s.io", "v1", reviews};

struct fixture {
    struct openapi *o;
    struct server *s;
};

static void add_blob(struct openapi *o, const struct group_version *gv)
{
    const struct openapi_blob *b = openapi_blob_find(kubeapi_openapi_blobs, gv->group, gv->version);
    struct apierr err = {0};

    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(openapi_add_group_version(o, gv, (const char *)b->data, b->len, &err), 0);
}

static struct fixture setup(void)
{
    struct server_config cfg = {.name = "test"};
    struct fixture f = {openapi_new(), server_new(&cfg, NULL)};

    add_blob(f.o, &core_gv);
    add_blob(f.o, &apps_gv);
    add_blob(f.o, &authz_gv);
    openapi_install(f.o, f.s);
    return f;
}

static void teardown(struct fixture *f)
{
    server_free(f->s);
    openapi_free(f->o);
}

static struct req *get(struct server *s, const char *uri, const char *inm)
{
    struct req *req = req_new_mem("GET", uri, NULL, 0);

    ck_assert_ptr_nonnull(req);
    if (inm)
        req_set_in_header(req, "If-None-Match", inm);
    server_direct(s, req);
    ck_assert_msg(req->replied, "%s got no reply", uri);
    return req;
}

static const char *out_header(struct req *req, const char *name)
{
    return evhttp_find_header(req->out_hdr, name);
}

/* The served document of key, parsed; the caller owns it. */
static struct json_object *document(struct openapi *o, const char *key)
{
    const char *doc, *hash;
    size_t len;
    struct json_object *obj;

    ck_assert_int_eq(openapi_document(o, key, &doc, &len, &hash), 0);
    ck_assert_uint_eq(strlen(doc), len);
    obj = json_tokener_parse(doc);
    ck_assert_ptr_nonnull(obj);
    return obj;
}

static const char *hash_of(struct openapi *o, const char *key)
{
    const char *doc, *hash;
    size_t len;

    if (openapi_document(o, key, &doc, &len, &hash) != 0)
        return NULL;
    return hash;
}

static struct json_object *at(struct json_object *obj, const char *const *keys)
{
    for (; obj && *keys; keys++) {
        if (!json_object_object_get_ex(obj, *keys, &obj))
            return NULL;
    }
    return obj;
}

/* ---- the embedded tables ---- */

START_TEST(blobs_parse)
{
    const struct openapi_blob *sets[] = {kubeapi_openapi_blobs, extensions_openapi_blobs,
                                         aggregator_openapi_blobs};
    const size_t want[] = {17, 1, 1};
    struct openapi *o = openapi_new();

    for (size_t i = 0; i < N(sets); i++) {
        size_t n = 0;

        for (const struct openapi_blob *b = sets[i]; b->data; b++, n++) {
            struct group_version *gv = calloc(1, sizeof(*gv));
            struct apierr err = {0};

            gv->group = b->group, gv->version = b->version, gv->resources = NULL;
            ck_assert_uint_eq(b->data[b->len], 0);
            ck_assert_msg(openapi_add_group_version(o, gv, (const char *)b->data, b->len, &err) ==
                              0,
                          "%s/%s: %s", b->group, b->version, err.message);
            openapi_remove_group_version(o, gv);
            free(gv);
        }
        ck_assert_uint_eq(n, want[i]);
    }
    ck_assert_ptr_nonnull(
        openapi_blob_find(extensions_openapi_blobs, "apiextensions.k8s.io", "v1"));
    ck_assert_ptr_nonnull(openapi_blob_find(kubeapi_openapi_blobs, "", "v1"));
    ck_assert_ptr_null(openapi_blob_find(kubeapi_openapi_blobs, "apps", "v2"));
    openapi_free(o);
}
END_TEST

START_TEST(bad_schemas)
{
    static const char *const bodies[] = {"", "{", "[]", "{\"components\":{}}",
                                         "{\"components\":{\"schemas\":[]}}"};
    struct openapi *o = openapi_new();

    for (size_t i = 0; i < N(bodies); i++) {
        struct apierr err = {0};

        ck_assert_int_eq(openapi_add_group_version(o, &apps_gv, bodies[i], strlen(bodies[i]), &err),
                         -1);
        ck_assert_int_eq(err.reason, APIERR_BAD_REQUEST);
    }
    ck_assert_ptr_null(hash_of(o, "apis/apps/v1"));
    openapi_free(o);
}
END_TEST

/* ---- the index ---- */

static void check_url(struct json_object *paths, const char *key, struct openapi *o)
{
    const char *k[] = {key, "serverRelativeURL", NULL};
    struct json_object *url = at(paths, k);
    char want[512];

    ck_assert_ptr_nonnull(url);
    snprintf(want, sizeof(want), "/openapi/v3/%s?hash=%s", key, hash_of(o, key));
    ck_assert_str_eq(json_object_get_string(url), want);
}

START_TEST(index_shape)
{
    struct fixture f = setup();
    struct req *req = get(f.s, "/openapi/v3?timeout=32s", NULL);
    struct json_object *index = json_tokener_parse(req_out_body(req, NULL)), *paths;
    const char *hash = hash_of(f.o, "api/v1");

    ck_assert_int_eq(req->code, 200);
    ck_assert_str_eq(out_header(req, "Content-Type"), "application/json");
    ck_assert_ptr_nonnull(out_header(req, "Etag"));
    ck_assert(json_object_object_get_ex(index, "paths", &paths));
    ck_assert_int_eq(json_object_object_length(paths), 3);
    check_url(paths, "api/v1", f.o);
    check_url(paths, "apis/apps/v1", f.o);
    ck_assert_uint_eq(strlen(hash), 128);
    for (const char *c = hash; *c; c++)
        ck_assert(isxdigit((unsigned char)*c) && !islower((unsigned char)*c));
    json_object_put(index);
    req_free(req);
    teardown(&f);
}
END_TEST

START_TEST(hash_follows_set)
{
    struct fixture f = setup();
    char core[129], apps[129], grown[129];

    snprintf(core, sizeof(core), "%s", hash_of(f.o, "api/v1"));
    snprintf(apps, sizeof(apps), "%s", hash_of(f.o, "apis/apps/v1"));
    add_blob(f.o, &apps_more_gv);
    snprintf(grown, sizeof(grown), "%s", hash_of(f.o, "apis/apps/v1"));
    ck_assert_str_ne(grown, apps);
    ck_assert_str_eq(hash_of(f.o, "api/v1"), core);
    openapi_remove_group_version(f.o, &apps_more_gv);
    ck_assert_str_eq(hash_of(f.o, "apis/apps/v1"), apps); /* deterministic */
    openapi_remove_group_version(f.o, &apps_more_gv);     /* a second time: nothing */
    openapi_remove_group_version(f.o, &apps_gv);
    ck_assert_ptr_null(hash_of(f.o, "apis/apps/v1"));
    {
        struct req *req = get(f.s, "/openapi/v3", NULL);

        ck_assert_ptr_null(strstr(req_out_body(req, NULL), "apis/apps/v1"));
        ck_assert_ptr_nonnull(strstr(req_out_body(req, NULL), "api/v1"));
        req_free(req);
    }
    teardown(&f);
}
END_TEST

/* ---- documents: what kubectl looks up ---- */

/* The operation of path/method, or NULL. */
static struct json_object *op(struct json_object *doc, const char *path, const char *method)
{
    const char *k[] = {"paths", path, method, NULL};

    return at(doc, k);
}

static int has_query_param(struct json_object *operation, const char *name)
{
    struct json_object *params, *p, *v;

    if (!json_object_object_get_ex(operation, "parameters", &params))
        return 0;
    for (size_t i = 0; i < json_object_array_length(params); i++) {
        p = json_object_array_get_idx(params, i);
        if (json_object_object_get_ex(p, "name", &v) &&
            strcmp(json_object_get_string(v), name) == 0 &&
            json_object_object_get_ex(p, "in", &v) &&
            strcmp(json_object_get_string(v), "query") == 0)
            return 1;
    }
    return 0;
}

static void check_gvk(struct json_object *operation, const char *g, const char *v, const char *k)
{
    const char *kg[] = {"x-kubernetes-group-version-kind", "group", NULL};
    const char *kv[] = {"x-kubernetes-group-version-kind", "version", NULL};
    const char *kk[] = {"x-kubernetes-group-version-kind", "kind", NULL};

    ck_assert_str_eq(json_object_get_string(at(operation, kg)), g);
    ck_assert_str_eq(json_object_get_string(at(operation, kv)), v);
    ck_assert_str_eq(json_object_get_string(at(operation, kk)), k);
}

static const struct {
    const char *key, *path, *group, *kind, *operation_id;
} patch_cases[] = {
    {"api/v1", "/api/v1/namespaces/{namespace}/configmaps/{name}", "", "ConfigMap",
     "patchCoreV1NamespacedConfigMap"},
    {"api/v1", "/api/v1/namespaces/{name}", "", "Namespace", "patchCoreV1Namespace"},
    {"api/v1", "/api/v1/namespaces/{name}/status", "", "Namespace", "patchCoreV1NamespaceStatus"},
    {"apis/apps/v1", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "apps",
     "Deployment", "patchAppsV1NamespacedDeployment"},
    {"apis/apps/v1", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status", "apps",
     "Deployment", "patchAppsV1NamespacedDeploymentStatus"},
};

/* kubectl's validation lookup: the PATCH of the GVK with an operation-level fieldValidation; and
 * what client-side apply needs of the body. */
START_TEST(patch_operations)
{
    struct fixture f = setup();
    struct json_object *doc = document(f.o, patch_cases[_i].key);
    struct json_object *patch = op(doc, patch_cases[_i].path, "patch");
    const char *ct[] = {"requestBody", "content", "application/strategic-merge-patch+json",
                        "schema",      "$ref",    NULL};
    const char *id[] = {"operationId", NULL};
    const char *action[] = {"x-kubernetes-action", NULL};
    const char *ok[] = {"responses", "200", "content", "application/json", "schema", "$ref", NULL};
    char want[256];

    ck_assert_msg(patch != NULL, "no PATCH at %s", patch_cases[_i].path);
    check_gvk(patch, patch_cases[_i].group, "v1", patch_cases[_i].kind);
    ck_assert_str_eq(json_object_get_string(at(patch, id)), patch_cases[_i].operation_id);
    ck_assert_str_eq(json_object_get_string(at(patch, action)), "patch");
    for (const char *const *p =
             (const char *[]){"dryRun", "fieldManager", "fieldValidation", "force", NULL};
         *p; p++)
        ck_assert_msg(has_query_param(patch, *p), "PATCH lacks %s", *p);
    ck_assert_str_eq(json_object_get_string(at(patch, ct)),
                     "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
    snprintf(want, sizeof(want), "#/components/schemas/io.k8s.api.%s.v1.%s",
             patch_cases[_i].group[0] ? patch_cases[_i].group : "core", patch_cases[_i].kind);
    ck_assert_str_eq(json_object_get_string(at(patch, ok)), want);
    ck_assert_ptr_nonnull(
        at(doc, (const char *[]){"components", "schemas",
                                 "io.k8s.apimachinery.pkg.apis.meta.v1.Patch", NULL}));
    json_object_put(doc);
    teardown(&f);
}
END_TEST

static const struct {
    const char *key, *path, *method, *operation_id; /* operation_id NULL: no operation */
} path_cases[] = {
    {"api/v1", "/api/v1/namespaces/{namespace}/configmaps", "get", "listCoreV1NamespacedConfigMap"},
    {"api/v1", "/api/v1/namespaces/{namespace}/configmaps", "post",
     "createCoreV1NamespacedConfigMap"},
    {"api/v1", "/api/v1/namespaces/{namespace}/configmaps", "delete",
     "deleteCoreV1CollectionNamespacedConfigMap"},
    {"api/v1", "/api/v1/namespaces/{namespace}/configmaps/{name}", "get",
     "readCoreV1NamespacedConfigMap"},
    {"api/v1", "/api/v1/namespaces/{namespace}/configmaps/{name}", "put",
     "replaceCoreV1NamespacedConfigMap"},
    {"api/v1", "/api/v1/namespaces/{namespace}/configmaps/{name}", "delete",
     "deleteCoreV1NamespacedConfigMap"},
    {"api/v1", "/api/v1/configmaps", "get", "listCoreV1ConfigMapForAllNamespaces"},
    {"api/v1", "/api/v1/namespaces", "get", "listCoreV1Namespace"},
    {"api/v1", "/api/v1/namespaces", "delete", NULL}, /* no deletecollection verb */
    {"api/v1", "/api/v1/namespaces/{name}/status", "delete", NULL},
    {"api/v1", "/api/v1/namespaces/{name}/status", "get", "readCoreV1NamespaceStatus"},
    {"apis/apps/v1", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", "put",
     "replaceAppsV1NamespacedDeploymentScale"},
    {"apis/apps/v1", "/apis/apps/v1/deployments", "get", "listAppsV1DeploymentForAllNamespaces"},
    {"apis/apps/v1", "/apis/apps/v1/deployments", "post", NULL},
    {"apis/authorization.k8s.io/v1", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
     "post", "createAuthorizationV1SelfSubjectAccessReview"},
    {"apis/authorization.k8s.io/v1", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
     "get", NULL},
    {"apis/authorization.k8s.io/v1",
     "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews/{name}", "get", NULL},
};

START_TEST(path_shapes)
{
    struct fixture f = setup();
    struct json_object *doc = document(f.o, path_cases[_i].key);
    struct json_object *o = op(doc, path_cases[_i].path, path_cases[_i].method);
    const char *id[] = {"operationId", NULL};

    if (!path_cases[_i].operation_id) {
        ck_assert_ptr_null(o);
    } else {
        ck_assert_msg(o != NULL, "no %s %s", path_cases[_i].method, path_cases[_i].path);
        ck_assert_str_eq(json_object_get_string(at(o, id)), path_cases[_i].operation_id);
    }
    json_object_put(doc);
    teardown(&f);
}
END_TEST

START_TEST(document_details)
{
    struct fixture f = setup();
    struct json_object *doc = document(f.o, "apis/apps/v1");
    const char *scale = "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale";
    const char *list_ref[] = {"responses", "200",  "content", "application/json",
                              "schema",    "$ref", NULL};
    const char *version[] = {"info", "version", NULL};
    const char *openapi[] = {"openapi", NULL};

    ck_assert_str_eq(json_object_get_string(at(doc, openapi)), "3.0.0");
    ck_assert_str_eq(json_object_get_string(at(doc, version)), "v1.32.0");
    check_gvk(op(doc, scale, "patch"), "autoscaling", "v1", "Scale");
    check_gvk(op(doc, "/apis/apps/v1/deployments", "get"), "apps", "v1", "Deployment");
    ck_assert_str_eq(
        json_object_get_string(at(op(doc, "/apis/apps/v1/deployments", "get"), list_ref)),
        "#/components/schemas/io.k8s.api.apps.v1.DeploymentList");
    ck_assert(has_query_param(op(doc, "/apis/apps/v1/deployments", "get"), "labelSelector"));
    ck_assert(!has_query_param(op(doc, scale, "get"), "fieldValidation"));
    ck_assert(has_query_param(op(doc, scale, "put"), "fieldValidation"));
    ck_assert_ptr_nonnull(at(
        doc, (const char *[]){"components", "schemas", "io.k8s.api.autoscaling.v1.Scale", NULL}));
    json_object_put(doc);
    teardown(&f);
}
END_TEST

/* Custom resources: no strategic merge patch is offered, the rest is the same. */
START_TEST(custom_resources)
{
    static const struct resource widgets[] = {
        {.plural = "widgets", .kind = "Widget", .flags = RES_NAMESPACED, .verbs = VERB_ALL},
        {0},
    };
    static const struct group_version gv = {"example.com", "v1", widgets};
    static const char schemas[] =
        "{\"io.example.v1.Widget\":{\"type\":\"object\",\"x-kubernetes-group-version-kind\":"
        "[{\"group\":\"example.com\",\"version\":\"v1\",\"kind\":\"Widget\"}]}}";
    struct openapi *o = openapi_new();
    struct json_object *doc;
    const char *path = "/apis/example.com/v1/namespaces/{namespace}/widgets/{name}";
    const char *smp[] = {"requestBody", "content", "application/strategic-merge-patch+json", NULL};
    const char *merge[] = {"requestBody", "content", "application/merge-patch+json", NULL};

    openapi_add_schemas(o, &gv, json_tokener_parse(schemas), OPENAPI_CUSTOM);
    doc = document(o, "apis/example.com/v1");
    ck_assert(has_query_param(op(doc, path, "patch"), "fieldValidation"));
    ck_assert_ptr_null(at(op(doc, path, "patch"), smp));
    ck_assert_ptr_nonnull(at(op(doc, path, "patch"), merge));
    check_gvk(op(doc, path, "get"), "example.com", "v1", "Widget");
    ck_assert_ptr_nonnull(openapi_schema(o, "example.com", "v1", "Widget"));
    json_object_put(doc);
    openapi_free(o);
}
END_TEST

/* ---- HTTP: caching and errors ---- */

START_TEST(gv_caching)
{
    struct fixture f = setup();
    const char *hash = hash_of(f.o, "apis/apps/v1");
    char uri[512], etag[256];
    struct req *req;

    snprintf(etag, sizeof(etag), "\"%s\"", hash);
    snprintf(uri, sizeof(uri), "/openapi/v3/apis/apps/v1?hash=%s&timeout=32s", hash);
    req = get(f.s, uri, NULL);
    ck_assert_int_eq(req->code, 200);
    ck_assert_str_eq(out_header(req, "Etag"), etag);
    ck_assert_str_eq(out_header(req, "Cache-Control"), "public, immutable");
    ck_assert_str_eq(out_header(req, "Content-Type"), "application/json");
    ck_assert_ptr_nonnull(out_header(req, "Expires"));
    {
        const char *doc, *h;
        size_t len;

        ck_assert_int_eq(openapi_document(f.o, "apis/apps/v1", &doc, &len, &h), 0);
        ck_assert_str_eq(req_out_body(req, NULL), doc);
    }
    req_free(req);

    req = get(f.s, uri, etag); /* kubectl revalidates */
    ck_assert_int_eq(req->code, 304);
    ck_assert_str_eq(req_out_body(req, NULL), "");
    req_free(req);

    req = get(f.s, "/openapi/v3/apis/apps/v1", "\"stale\"");
    ck_assert_int_eq(req->code, 200);
    ck_assert_ptr_null(out_header(req, "Cache-Control"));
    req_free(req);

    req = get(f.s, "/openapi/v3/apis/apps/v1?hash=0BAD", NULL);
    ck_assert_int_eq(req->code, 301);
    snprintf(uri, sizeof(uri), "/openapi/v3/apis/apps/v1?hash=%s", hash);
    ck_assert_str_eq(out_header(req, "Location"), uri);
    req_free(req);
    teardown(&f);
}
END_TEST

START_TEST(index_not_modified)
{
    struct fixture f = setup();
    struct req *req = get(f.s, "/openapi/v3", NULL);
    char etag[256];

    snprintf(etag, sizeof(etag), "%s", out_header(req, "Etag"));
    req_free(req);
    req = get(f.s, "/openapi/v3", etag);
    ck_assert_int_eq(req->code, 304);
    req_free(req);
    teardown(&f);
}
END_TEST

static const char *const missing_uris[] = {
    "/openapi/v3/apis/batch/v1",
    "/openapi/v3/apis/apps/v1/",
    "/openapi/v3/apis/apps",
    "/openapi/v3/",
    "/openapi/v2",
    "/openapi/v3/api/v2",
};

START_TEST(unknown_gv)
{
    struct fixture f = setup();
    struct req *req = get(f.s, missing_uris[_i], NULL);
    struct json_object *st = json_tokener_parse(req_out_body(req, NULL)), *reason;

    ck_assert_int_eq(req->code, 404);
    ck_assert(json_object_object_get_ex(st, "reason", &reason));
    ck_assert_str_eq(json_object_get_string(reason), "NotFound");
    json_object_put(st);
    req_free(req);
    teardown(&f);
}
END_TEST

START_TEST(protobuf_only_is_406)
{
    struct fixture f = setup();
    struct req *req = req_new_mem("GET", "/openapi/v3/api/v1", NULL, 0);

    req_set_in_header(req, "Accept", "application/com.github.proto-openapi.spec.v3.v1.0+protobuf");
    server_direct(f.s, req);
    ck_assert_int_eq(req->code, 406);
    req_free(req);
    teardown(&f);
}
END_TEST

/* ---- schema lookup ---- */

START_TEST(schema_by_gvk)
{
    struct fixture f = setup();
    struct json_object *dep = openapi_schema(f.o, "apps", "v1", "Deployment");
    struct json_object *cm = openapi_schema(f.o, "", "v1", "ConfigMap");
    const char *spec[] = {"properties", "spec", NULL};
    const char *data[] = {"properties", "data", "additionalProperties", "type", NULL};

    ck_assert_ptr_nonnull(dep);
    ck_assert_ptr_nonnull(cm);
    ck_assert_str_eq(json_object_get_string(at(cm, data)), "string");
    ck_assert_ptr_nonnull(at(dep, spec));
    ck_assert_ptr_null(openapi_schema(f.o, "apps", "v1", "ConfigMap"));
    ck_assert_ptr_null(openapi_schema(f.o, "batch", "v1", "Job"));
    ck_assert_ptr_nonnull(
        openapi_component(f.o, "", "v1", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
    ck_assert_ptr_null(openapi_component(f.o, "", "v1", "io.k8s.api.apps.v1.Deployment"));
    teardown(&f);
}
END_TEST

/* Deployment.spec.template.spec.containers: kube's allOf wrappers are followed, and the merge
 * key sits on the unresolved array. */
START_TEST(resolve_refs)
{
    struct fixture f = setup();
    struct json_object *s = openapi_schema(f.o, "apps", "v1", "Deployment");
    const char *path[] = {"spec", "template", "spec", "containers"};
    struct json_object *prop, *key, *items;

    for (size_t i = 0; i < N(path); i++) {
        const char *k[] = {"properties", path[i], NULL};

        s = openapi_resolve(f.o, "apps", "v1", s);
        ck_assert_ptr_nonnull(s);
        prop = at(s, k);
        ck_assert_msg(prop != NULL, "no %s", path[i]);
        s = prop;
    }
    ck_assert(json_object_object_get_ex(s, "x-kubernetes-patch-merge-key", &key));
    ck_assert_str_eq(json_object_get_string(key), "name");
    ck_assert(json_object_object_get_ex(s, "items", &items));
    items = openapi_resolve(f.o, "apps", "v1", items);
    ck_assert_ptr_nonnull(at(items, (const char *[]){"properties", "image", NULL}));
    ck_assert(json_object_object_get_ex(items, "required", NULL));
    ck_assert_ptr_eq(openapi_resolve(f.o, "apps", "v1", items), items); /* nothing to follow */
    {
        struct json_object *dangling = json_tokener_parse("{\"$ref\":\"#/components/schemas/x\"}");

        ck_assert_ptr_null(openapi_resolve(f.o, "apps", "v1", dangling));
        ck_assert_ptr_null(openapi_resolve(f.o, "apps", "v2", dangling));
        json_object_put(dangling);
    }
    teardown(&f);
}
END_TEST

static Suite *openapi_suite(void)
{
    Suite *s = suite_create("openapi");
    TCase *tc = tcase_create("data");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, blobs_parse);
    tcase_add_test(tc, bad_schemas);
    suite_add_tcase(s, tc);

    tc = tcase_create("documents");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, index_shape);
    tcase_add_test(tc, hash_follows_set);
    tcase_add_loop_test(tc, patch_operations, 0, N(patch_cases));
    tcase_add_loop_test(tc, path_shapes, 0, N(path_cases));
    tcase_add_test(tc, document_details);
    tcase_add_test(tc, custom_resources);
    suite_add_tcase(s, tc);

    tc = tcase_create("http");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, gv_caching);
    tcase_add_test(tc, index_not_modified);
    tcase_add_loop_test(tc, unknown_gv, 0, N(missing_uris));
    tcase_add_test(tc, protobuf_only_is_406);
    suite_add_tcase(s, tc);

    tc = tcase_create("schemas");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, schema_by_gvk);
    tcase_add_test(tc, resolve_refs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(openapi_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
