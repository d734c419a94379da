/* generic/openapi/fields: unknown and duplicate fields against the embedded built-in schemas and
 * a custom one, kube's wording and order, pruning, the fieldValidation directive, and malformed
 * text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <check.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <json-c/json.h>

#include "generic/http/req.h"
#include "generic/openapi/fields.h"
#include "generic/openapi/openapi.h"
#include "kubeapi/openapi_blobs.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct resource core_resources[] = {
    {.plural = "configmaps", .kind = "ConfigMap", .flags = RES_NAMESPACED, .verbs = VERB_ALL},
    {0},
};
static const struct resource apps_resources[] = {
    {.plural = "deployments", .kind = "Deployment", .flags = RES_NAMESPACED, .verbs = VERB_ALL},
    {.plural = "controllerrevisions",
     .kind = "ControllerRevision",
     .flags = RES_NAMESPACED,
     .verbs = VERB_ALL},
    {0},
};
static const struct resource widget_resources[] = {
    {.plural = "widgets", .kind = "Widget", .flags = RES_NAMESPACED, .verbs = VERB_ALL},
    {0},
};
static const struct group_version core_gv = {
    .group = "", .version = "v1", .resources = core_resources};
static const struct group_version apps_gv = {
    .group = "apps", .version = "v1", .resources = apps_resources};
static const struct group_version widget_gv = {
    .group = "example.com", .version = "v1", .resources = widget_resources};

/* A custom resource's schema, as a CRD gives it: inline, with open and embedded parts. */
static const char widget_schemas[] =
    "{\"components\":{\"schemas\":{\"com.example.v1.Widget\":{\"type\":\"object\","
    "\"x-kubernetes-group-version-kind\":[{\"group\":\"example.com\",\"version\":\"v1\","
    "\"kind\":\"Widget\"}],\"properties\":{\"apiVersion\":{\"type\":\"string\"},"
    "\"kind\":{\"type\":\"string\"},\"metadata\":{\"type\":\"object\"},"
    "\"spec\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
    "\"free\":{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true},"
    "\"some\":{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true,"
    "\"properties\":{\"n\":{\"type\":\"object\",\"properties\":{\"m\":{\"type\":\"string\"}}}}},"
    "\"sizes\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"object\","
    "\"properties\":{\"w\":{\"type\":\"integer\"}}}},"
    "\"inner\":{\"type\":\"object\",\"x-kubernetes-embedded-resource\":true,"
    "\"properties\":{\"spec\":{\"type\":\"string\"}}}}}}}}}}";

static struct openapi *oa_new(void)
{
    static const struct group_version *const gvs[] = {&core_gv, &apps_gv};
    struct openapi *o = openapi_new();
    struct apierr err = {0};

    for (size_t i = 0; i < N(gvs); i++) {
        const struct openapi_blob *b =
            openapi_blob_find(kubeapi_openapi_blobs, gvs[i]->group, gvs[i]->version);

        ck_assert_ptr_nonnull(b);
        ck_assert_int_eq(openapi_add_group_version(o, gvs[i], (const char *)b->data, b->len, &err),
                         0);
    }
    ck_assert_int_eq(
        openapi_add_group_version(o, &widget_gv, widget_schemas, strlen(widget_schemas), &err), 0);
    return o;
}

/* The problems joined with " | ". */
static void joined(const struct openapi_field_report *r, char *buf, size_t size)
{
    size_t pos = 0;

    buf[0] = '\0';
    for (unsigned i = 0; i < r->n && pos < size; i++)
        pos += (size_t)snprintf(buf + pos, size - pos, "%s%s", i ? " | " : "", r->problems[i]);
}

static const struct {
    const struct group_version *gv;
    const char *kind, *body;
    const char *want; /* the object left */
    const char *problems;
} prune_cases[] = {
    {&core_gv, "ConfigMap",
     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"},\"bogus\":1,"
     "\"data\":{\"x\":\"y\"}}",
     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"},\"data\":{\"x\":"
     "\"y\"}}",
     "unknown field \"bogus\""},
    {&core_gv, "ConfigMap",
     "{\"metadata\":{\"name\":\"a\",\"foo\":{\"x\":1}},\"data\":{\"k.y\":\"v\"}}",
     "{\"metadata\":{\"name\":\"a\"},\"data\":{\"k.y\":\"v\"}}", "unknown field \"metadata.foo\""},
    {&core_gv, "ConfigMap", "{\"data\":{\"a\":\"1\"},\"data\":{\"b\":\"2\"}}",
     "{\"data\":{\"b\":\"2\"}}", "duplicate field \"data\""},
    {&core_gv, "ConfigMap", "{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"1\",\"a\":\"2\"}}}",
     "{\"metadata\":{\"labels\":{\"a\":\"2\",\"b\":\"1\"}}}",
     "duplicate field \"metadata.labels.a\""},
    {&core_gv, "ConfigMap", "{\"bogus\":1,\"bogus\":{\"a\":1,\"a\":2}}", "{}",
     "unknown field \"bogus\""},
    {&core_gv, "ConfigMap", "{\"zzz\":1,\"metadata\":{\"name\":\"a\",\"name\":\"b\"},\"aaa\":2}",
     "{\"metadata\":{\"name\":\"b\"}}",
     "unknown field \"zzz\" | duplicate field \"metadata.name\" | unknown field \"aaa\""},
    {&core_gv, "ConfigMap", "{\"b\\u00e9\\\"x\":1, \"apiVersion\":\"v1\" , \"apiVersion\":\"v1\"}",
     "{\"apiVersion\":\"v1\"}",
     "unknown field \"b\xc3\xa9\\\"x\" | duplicate field \"apiVersion\""},
    {&core_gv, "ConfigMap",
     "{\"metadata\":{\"managedFields\":[{\"manager\":\"m\",\"fieldsV1\":{\"f:data\":{}},"
     "\"x\":1}]}}",
     "{\"metadata\":{\"managedFields\":[{\"manager\":\"m\",\"fieldsV1\":{\"f:data\":{}}}]}}",
     "unknown field \"metadata.managedFields[0].x\""},
    {&apps_gv, "Deployment",
     "{\"spec\":{\"replicas\":1,\"foo\":true,\"template\":{\"spec\":{\"containers\":[{\"name\":"
     "\"a\",\"image\":\"b\",\"bogus\":1},{\"name\":\"c\",\"ports\":[{\"containerPort\":80,\"x\":1}"
     "]}]}}}}",
     "{\"spec\":{\"replicas\":1,\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":"
     "\"b\"},{\"name\":\"c\",\"ports\":[{\"containerPort\":80}]}]}}}}",
     "unknown field \"spec.foo\" | unknown field \"spec.template.spec.containers[0].bogus\" | "
     "unknown field \"spec.template.spec.containers[1].ports[0].x\""},
    {&apps_gv, "Deployment",
     "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"name\":\"b\"}]}}}}",
     "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"b\"}]}}}}",
     "duplicate field \"spec.template.spec.containers[0].name\""},
    {&apps_gv, "Deployment",
     "{\"spec\":{\"strategy\":{\"rollingUpdate\":{\"maxSurge\":\"25%\",\"maxUnavailable\":1}}}}",
     "{\"spec\":{\"strategy\":{\"rollingUpdate\":{\"maxSurge\":\"25%\",\"maxUnavailable\":1}}}}",
     ""},
    {&apps_gv, "ControllerRevision", "{\"data\":{\"spec\":{\"x\":1}},\"revision\":2}",
     "{\"data\":{\"spec\":{\"x\":1}},\"revision\":2}", ""},
    {&widget_gv, "Widget",
     "{\"spec\":{\"a\":\"x\",\"b\":1,\"free\":{\"q\":{\"r\":1,\"r\":2}},\"some\":{\"n\":{\"m\":"
     "\"1\",\"o\":1},\"p\":1}}}",
     "{\"spec\":{\"a\":\"x\",\"free\":{\"q\":{\"r\":2}},\"some\":{\"n\":{\"m\":\"1\"},\"p\":1}}}",
     "unknown field \"spec.b\" | duplicate field \"spec.free.q.r\" | unknown field "
     "\"spec.some.n.o\""},
    {&widget_gv, "Widget",
     "{\"spec\":{\"sizes\":{\"s\":{\"w\":1,\"h\":2}},\"inner\":{\"apiVersion\":\"v1\",\"kind\":"
     "\"X\",\"metadata\":{\"z\":1},\"spec\":\"s\",\"status\":1}}}",
     "{\"spec\":{\"sizes\":{\"s\":{\"w\":1}},\"inner\":{\"apiVersion\":\"v1\",\"kind\":\"X\","
     "\"metadata\":{\"z\":1},\"spec\":\"s\"}}}",
     "unknown field \"spec.sizes.s.h\" | unknown field \"spec.inner.status\""},
    {&core_gv, "NoSuchKind", "{\"a\":{\"b\":1,\"b\":2},\"c\":[{\"d\":1,\"d\":1}]}",
     "{\"a\":{\"b\":2},\"c\":[{\"d\":1}]}", "duplicate field \"a.b\" | duplicate field \"c[0].d\""},
};

START_TEST(prune_body)
{
    struct openapi *o = oa_new();
    struct openapi_field_report r = {0};
    const char *body = prune_cases[_i].body;
    struct json_object *obj = json_tokener_parse(body),
                       *want = json_tokener_parse(prune_cases[_i].want);
    char got[2048];

    ck_assert_ptr_nonnull(obj);
    ck_assert_ptr_nonnull(want);
    ck_assert_int_eq(openapi_prune(o, prune_cases[_i].gv->group, prune_cases[_i].gv->version,
                                   prune_cases[_i].kind, obj, body, strlen(body), &r),
                     0);
    joined(&r, got, sizeof(got));
    ck_assert_str_eq(got, prune_cases[_i].problems);
    ck_assert_msg(json_object_equal(obj, want), "left %s", json_object_to_json_string(obj));
    openapi_field_report_release(&r);
    json_object_put(obj);
    json_object_put(want);
    openapi_free(o);
}
END_TEST

/* Without the text, unknown members are reported from the object itself. */
START_TEST(unknown_from_object)
{
    struct openapi *o = oa_new();
    struct openapi_field_report r = {0};
    struct json_object *obj = json_tokener_parse(
        "{\"spec\":{\"template\":{\"metadata\":{\"x\":1},\"spec\":{\"containers\":[{\"y\":2}]}}}}");
    char got[512];

    openapi_unknown_fields(o, "apps", "v1", "Deployment", obj, &r);
    joined(&r, got, sizeof(got));
    ck_assert_str_eq(got, "unknown field \"spec.template.metadata.x\" | unknown field "
                          "\"spec.template.spec.containers[0].y\"");
    ck_assert_ptr_nonnull(json_object_object_get(json_object_object_get(obj, "spec"), "template"));
    ck_assert_int_eq(strstr(json_object_to_json_string(obj), "\"y\"") != NULL, 1); /* unchanged */
    openapi_field_report_release(&r);
    ck_assert_int_eq(openapi_prune(o, "apps", "v1", "Deployment", obj, NULL, 0, &r), 0);
    ck_assert_uint_eq(r.n, 2);
    ck_assert_ptr_null(strstr(json_object_to_json_string(obj), "\"y\""));
    openapi_field_report_release(&r);
    json_object_put(obj);
    openapi_free(o);
}
END_TEST

START_TEST(report_cap)
{
    struct openapi *o = openapi_new();
    struct openapi_field_report r = {0};
    char body[8192];
    size_t pos = 0;
    struct json_object *obj;

    pos += (size_t)snprintf(body, sizeof(body), "{");
    for (int i = 0; i < 150; i++)
        pos += (size_t)snprintf(body + pos, sizeof(body) - pos, "\"k%d\":1,\"k%d\":2,", i, i);
    snprintf(body + pos - 1, sizeof(body) - pos + 1, "}");
    obj = json_tokener_parse(body);
    ck_assert_ptr_nonnull(obj);
    ck_assert_int_eq(openapi_prune(o, "", "v1", "ConfigMap", obj, body, strlen(body), &r), 0);
    ck_assert_uint_eq(r.n, OPENAPI_FIELD_REPORT_MAX);
    ck_assert_str_eq(r.problems[0], "duplicate field \"k0\"");
    openapi_field_report_release(&r);
    json_object_put(obj);
    openapi_free(o);
}
END_TEST

static const struct {
    const char *body;
    int json_patch;
    const char *problems;
} patch_cases[] = {
    {"[{\"op\":\"add\",\"path\":\"/a\",\"value\":{\"x\":1,\"x\":2},\"foo\":1,\"op\":\"add\"}]", 1,
     "json patch duplicate field \"[0].value.x\" | json patch unknown field \"[0].foo\" | json "
     "patch duplicate field \"[0].op\""},
    {"[{\"op\":\"remove\",\"path\":\"/a\"}]", 1, ""},
    {"{\"a\":1,\"a\":2,\"b\":{\"c\":[1,{\"c\":1,\"c\":1}]}}", 0,
     "duplicate field \"a\" | duplicate field \"b.c[1].c\""},
    {"{\"bogus\":1}", 0, ""},
};

START_TEST(patch_problems)
{
    struct openapi_field_report r = {0};
    char got[1024];

    ck_assert_int_eq(openapi_patch_problems(patch_cases[_i].body, strlen(patch_cases[_i].body),
                                            patch_cases[_i].json_patch, &r),
                     0);
    joined(&r, got, sizeof(got));
    ck_assert_str_eq(got, patch_cases[_i].problems);
    openapi_field_report_release(&r);
}
END_TEST

static const char *const malformed[] = {
    "",
    "{",
    "{\"a\":",
    "{\"a\" 1}",
    "{\"a\":1,}",
    "[1,]",
    "{\"a\":\"\\u12\"}",
    "\"",
    "{\"a\":\"\\q\"}",
    "{\"a\":1}}",
    "{\"a\":1 x",
    "{1:2}",
    "[[[[",
    "{\"a\":[1 2]}",
    "{\"\\ud800\":1",
};

START_TEST(malformed_text)
{
    struct openapi *o = oa_new();
    struct openapi_field_report r = {0};
    struct json_object *obj = json_tokener_parse("{\"bogus\":1,\"data\":{}}");

    ck_assert_int_eq(
        openapi_prune(o, "", "v1", "ConfigMap", obj, malformed[_i], strlen(malformed[_i]), &r), -1);
    ck_assert_ptr_null(json_object_object_get(obj, "bogus")); /* pruned all the same */
    openapi_field_report_release(&r);
    ck_assert_int_eq(openapi_patch_problems(malformed[_i], strlen(malformed[_i]), 1, &r), -1);
    openapi_field_report_release(&r);
    json_object_put(obj);
    openapi_free(o);
}
END_TEST

START_TEST(deep_text)
{
    static const char nested[] = "[[[[{\"a\":1,\"a\":1}]]]]";
    struct openapi_field_report r = {0};
    size_t n = 5000;
    char *body = malloc(2 * n + 1);

    memset(body, '[', n);
    memset(body + n, ']', n);
    body[2 * n] = '\0';
    ck_assert_int_eq(openapi_patch_problems(body, 2 * n, 0, &r), -1);
    ck_assert_int_eq(openapi_patch_problems(nested, strlen(nested), 0, &r), 0);
    ck_assert_str_eq(r.problems[0], "duplicate field \"[0][0][0][0].a\"");
    openapi_field_report_release(&r);
    free(body);
}
END_TEST

/* ---- the request helpers ---- */

static struct req *post(const char *query, const char *body)
{
    char uri[256];
    struct req *req;

    snprintf(uri, sizeof(uri), "/api/v1/namespaces/default/configmaps%s", query);
    req = req_new_mem("POST", uri, body, strlen(body));
    ck_assert_ptr_nonnull(req);
    return req;
}

/* The Warning headers of req joined with " | ". */
static void warnings(struct req *req, char *buf, size_t size)
{
    struct evkeyval *h;
    size_t pos = 0;

    buf[0] = '\0';
    TAILQ_FOREACH(h, req->out_hdr, next) {
        if (strcmp(h->key, "Warning") == 0)
            pos += (size_t)snprintf(buf + pos, size - pos, "%s%s", pos ? " | " : "", h->value);
    }
}

static const char cm_body[] =
    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"bogus\":1,"
    "\"x\":{\"y\":\"z\"}}";

static const struct {
    const char *query;
    int rc;
    enum apierr_reason reason;
    const char *message;
    const char *warnings;
} body_cases[] = {
    {"?fieldValidation=Strict", -1, APIERR_BAD_REQUEST,
     "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: "
     "unknown field \"bogus\", unknown field \"x\"",
     ""},
    {"?fieldValidation=Warn", 0, APIERR_OK, "",
     "299 - \"unknown field \\\"bogus\\\"\" | 299 - \"unknown field \\\"x\\\"\""},
    {"", 0, APIERR_OK, "",
     "299 - \"unknown field \\\"bogus\\\"\" | 299 - \"unknown field \\\"x\\\"\""},
    {"?fieldValidation=Ignore", 0, APIERR_OK, "", ""},
    {"?fieldValidation=strict", -1, APIERR_INVALID,
     "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"strict\": "
     "supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"",
     ""},
};

START_TEST(body_directive)
{
    struct openapi *o = oa_new();
    struct req *req = post(body_cases[_i].query, cm_body);
    struct json_object *obj = json_tokener_parse(cm_body);
    struct apierr err = {0};
    char got[1024];

    ck_assert_int_eq(openapi_fields_body(o, req, &core_gv, "ConfigMap", "CreateOptions", obj, &err),
                     body_cases[_i].rc);
    ck_assert_int_eq(err.reason, body_cases[_i].reason);
    ck_assert_str_eq(err.message, body_cases[_i].message);
    warnings(req, got, sizeof(got));
    ck_assert_str_eq(got, body_cases[_i].warnings);
    if (body_cases[_i].rc == 0)
        ck_assert_str_eq(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN),
                         "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
                         "\"c\"}}");
    json_object_put(obj);
    req_free(req);
    openapi_free(o);
}
END_TEST

static const struct {
    enum openapi_patch_type type;
    const char *query, *patch, *patched;
    int rc;
    const char *message;
    const char *warnings;
} patch_req_cases[] = {
    {OPENAPI_PATCH_STRATEGIC, "?fieldValidation=Strict",
     "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"bogus\":1}]}}}}",
     "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"bogus\":1}]}}}}", -1,
     " \"\" is invalid: patch: Invalid value: \"map[spec:map[template:map[spec:map[containers:["
     "map[bogus:1 name:a]]]]]]\": strict decoding error: unknown field "
     "\"spec.template.spec.containers[0].bogus\"",
     ""},
    {OPENAPI_PATCH_MERGE, "?fieldValidation=Strict", "{\"spec\":{\"x\":1,\"x\":1}}",
     "{\"spec\":{\"x\":1}}", -1,
     " \"\" is invalid: patch: Invalid value: \"{\\\"spec\\\":{\\\"x\\\":1}}\": strict decoding "
     "error: duplicate field \"spec.x\", unknown field \"spec.x\"",
     ""},
    {OPENAPI_PATCH_JSON, "?fieldValidation=Warn",
     "[{\"op\":\"add\",\"path\":\"/spec/x\",\"value\":1,\"v\":1}]", "{\"spec\":{\"x\":1}}", 0, "",
     "299 - \"json patch unknown field \\\"[0].v\\\"\" | 299 - \"unknown field \\\"spec.x\\\"\""},
    {OPENAPI_PATCH_MERGE, "?fieldValidation=Ignore", "{\"spec\":{\"x\":1,\"x\":1}}",
     "{\"spec\":{\"x\":1}}", 0, "", ""},
    {OPENAPI_PATCH_MERGE, "?fieldValidation=Nope", "{}", "{}", -1,
     "PatchOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"Nope\": "
     "supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"",
     ""},
};

START_TEST(patch_directive)
{
    struct openapi *o = oa_new();
    struct req *req = post(patch_req_cases[_i].query, patch_req_cases[_i].patch);
    struct json_object *patch = json_tokener_parse(patch_req_cases[_i].patch);
    struct json_object *obj = json_tokener_parse(patch_req_cases[_i].patched);
    struct apierr err = {0};
    char got[1024];

    ck_assert_int_eq(openapi_fields_patch(o, req, &apps_gv, "Deployment", patch_req_cases[_i].type,
                                          patch, obj, &err),
                     patch_req_cases[_i].rc);
    ck_assert_str_eq(err.message, patch_req_cases[_i].message);
    if (patch_req_cases[_i].rc < 0)
        ck_assert_int_eq(err.reason, APIERR_INVALID);
    warnings(req, got, sizeof(got));
    ck_assert_str_eq(got, patch_req_cases[_i].warnings);
    if (patch_req_cases[_i].rc == 0) /* dropped */
        ck_assert_ptr_null(json_object_object_get(json_object_object_get(obj, "spec"), "x"));
    json_object_put(patch);
    json_object_put(obj);
    req_free(req);
    openapi_free(o);
}
END_TEST

/* A warning added twice (a patch retried after a conflict) is sent once. */
START_TEST(warning_once)
{
    struct req *req = post("", "{}");
    char got[256];

    req_add_header(req, "Warning", "299 - \"a\"");
    req_add_header(req, "Warning", "299 - \"b\"");
    req_add_header(req, "Warning", "299 - \"a\"");
    warnings(req, got, sizeof(got));
    ck_assert_str_eq(got, "299 - \"a\" | 299 - \"b\"");
    req_free(req);
}
END_TEST

static Suite *fields_suite(void)
{
    Suite *s = suite_create("fields");
    TCase *tc = tcase_create("schemas");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, prune_body, 0, N(prune_cases));
    tcase_add_test(tc, unknown_from_object);
    tcase_add_test(tc, report_cap);
    tcase_add_loop_test(tc, patch_problems, 0, N(patch_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("malformed");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, malformed_text, 0, N(malformed));
    tcase_add_test(tc, deep_text);
    suite_add_tcase(s, tc);

    tc = tcase_create("requests");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, body_directive, 0, N(body_cases));
    tcase_add_loop_test(tc, patch_directive, 0, N(patch_req_cases));
    tcase_add_test(tc, warning_once);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(fields_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
