/* generic/server: the director (API roots, mux, delegation), health endpoints and /version,
 * driven with in-memory requests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <event2/http.h>
#include <json-c/json.h>

#include "generic/http/req.h"
#include "generic/server/health.h"
#include "generic/server/server.h"
#include "generic/server/version.h"

static const char not_found_body[] =
    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
    "\"message\":\"the server could not find the requested resource\",\"reason\":\"NotFound\","
    "\"details\":{},\"code\":404}\n";

/* Every routing handler answers with its own name, so a test sees who got the request. */
static void named(struct req *req, void *arg)
{
    req_reply(req, 200, "text/plain", arg, strlen(arg));
}

static struct req *run(struct server *s, const char *uri)
{
    struct req *req = req_new_mem("GET", uri, NULL, 0);

    ck_assert_msg(req != NULL, "cannot build a request for %s", uri);
    server_direct(s, req);
    ck_assert_msg(req->replied, "%s got no reply", uri);
    return req;
}

static const char *out_header(struct req *req, const char *name)
{
    return evhttp_find_header(req->out_hdr, name);
}

/* want == NULL: the 404 Status. */
static void expect(struct req *req, const char *uri, const char *want)
{
    const char *body = req_out_body(req, NULL);

    if (!want) {
        ck_assert_msg(req->code == 404, "%s: code %d, body %s", uri, req->code, body);
        ck_assert_str_eq(body, not_found_body);
        return;
    }
    ck_assert_msg(req->code == 200, "%s: code %d, body %s", uri, req->code, body);
    ck_assert_msg(strcmp(body, want) == 0, "%s: got %s, want %s", uri, body, want);
}

/* ---- one server: API roots and the mux ---- */

static const struct {
    const char *uri, *want;
} route_cases[] = {
    {"/apis/apps", "api:apps"},
    {"/apis/apps/", "api:apps"},
    {"/apis/apps/v1", "api:apps"},
    {"/apis/apps/v1/namespaces/d/deployments/web", "api:apps"},
    {"/apis/apps/v1?watch=1", "api:apps"},
    {"/apis/%61pps/v1", "api:apps"}, /* roots match the decoded path */
    {"/apis/apps/v1beta1", "api:apps"},
    {"/apis/appsfoo", "prefix:/apis/"},
    {"/apis/app", "prefix:/apis/"},
    {"/apis/apps.example.com/v1", "prefix:/apis/"},
    {"/apis", "exact:/apis"},
    {"/apis/", "prefix:/apis/"},
    {"/api/v1", "api:v1"},
    {"/api/v1/pods", "api:v1"},
    {"/api/v1x", NULL},
    {"/api", NULL},
    {"/", NULL},
    {"/version", "exact:/version"},
    {"/version/", NULL},
    {"/versionx", NULL},
    {"/openapi/v2", "exact:/openapi/v2"},
    {"/openapi/v2x", "prefix:/openapi/v2"},
    {"/openapi/v2/", "prefix:/openapi/v2"},
    {"/openapi/v3", "prefix:/openapi/"},
    {"/openapi/v3/", "prefix:/openapi/v3/"},
    {"/openapi/v3/apis/apps/v1", "prefix:/openapi/v3/"},
    {"/openapi/x", "prefix:/openapi/"},
    {"/openapi", "prefix:/o"},
    {"/other", "prefix:/o"},
    {"/x", NULL},
};

static struct server *route_server(void)
{
    struct server_config cfg = {.name = "routes"};
    struct server *s = server_new(&cfg, NULL);

    server_add_api(s, "/apis/apps", named, "api:apps");
    server_add_api(s, "/api/v1", named, "api:v1");
    /* the resource container wins over a mux path it claims */
    server_handle(s, "/apis/apps/v1", named, "exact:/apis/apps/v1");
    server_handle(s, "/apis", named, "exact:/apis");
    server_handle(s, "/version", named, "exact:/version");
    /* prefixes registered shortest, longest and shortest again: order must not matter */
    server_handle_prefix(s, "/openapi/", named, "prefix:/openapi/");
    server_handle_prefix(s, "/openapi/v2", named, "prefix:/openapi/v2");
    server_handle_prefix(s, "/openapi/v3/", named, "prefix:/openapi/v3/");
    server_handle_prefix(s, "/apis/", named, "prefix:/apis/");
    server_handle_prefix(s, "/o", named, "prefix:/o");
    server_handle(s, "/openapi/v2", named, "exact:/openapi/v2");
    return s;
}

START_TEST(direct_routes)
{
    struct server *s = route_server();
    struct req *req = run(s, route_cases[_i].uri);

    expect(req, route_cases[_i].uri, route_cases[_i].want);
    req_free(req);
    server_free(s);
}
END_TEST

/* "/apis" and "/apis/" go to the mux even when a root would claim them. */
START_TEST(direct_apis_to_mux)
{
    struct server_config cfg = {.name = "apis"};
    struct server *s = server_new(&cfg, NULL);
    struct req *req;

    server_add_api(s, "/apis", named, "api:/apis");
    server_add_api(s, "/apis/", named, "api:/apis/");
    req = run(s, "/apis");
    expect(req, "/apis", NULL);
    req_free(req);
    req = run(s, "/apis/");
    expect(req, "/apis/", NULL);
    req_free(req);
    req = run(s, "/apis/foo");
    expect(req, "/apis/foo", "api:/apis");
    req_free(req);
    server_handle(s, "/apis", named, "exact:/apis");
    server_handle(s, "/apis/", named, "exact:/apis/");
    req = run(s, "/apis");
    expect(req, "/apis", "exact:/apis");
    req_free(req);
    req = run(s, "/apis/");
    expect(req, "/apis/", "exact:/apis/");
    req_free(req);
    server_free(s);
}
END_TEST

START_TEST(direct_empty_server)
{
    struct server_config cfg = {0};
    struct server *s = server_new(&cfg, NULL);
    struct req *req = run(s, "/healthz");

    ck_assert_str_eq(server_name(s), "");
    expect(req, "/healthz", NULL);
    ck_assert_str_eq(out_header(req, "Content-Type"), "application/json");
    req_free(req);
    server_free(s);
    server_free(NULL);
}
END_TEST

START_TEST(not_found_shape)
{
    struct req *req = req_new_mem("GET", "/nope", NULL, 0);
    struct json_object *st, *v;
    const char *body;

    req_set_in_header(req, "User-Agent", "curl/8.5.0"); /* pretty, as kube answers curl */
    server_not_found(req);
    ck_assert_int_eq(req->code, 404);
    body = req_out_body(req, NULL);
    ck_assert_ptr_nonnull(strstr(body, "\"details\": {}"));
    ck_assert_ptr_nonnull(strstr(body, "\"metadata\": {}"));
    st = json_tokener_parse(body);
    ck_assert_ptr_nonnull(st);
    ck_assert(json_object_object_get_ex(st, "kind", &v));
    ck_assert_str_eq(json_object_get_string(v), "Status");
    ck_assert(json_object_object_get_ex(st, "apiVersion", &v));
    ck_assert_str_eq(json_object_get_string(v), "v1");
    ck_assert(json_object_object_get_ex(st, "status", &v));
    ck_assert_str_eq(json_object_get_string(v), "Failure");
    ck_assert(json_object_object_get_ex(st, "reason", &v));
    ck_assert_str_eq(json_object_get_string(v), "NotFound");
    ck_assert(json_object_object_get_ex(st, "message", &v));
    ck_assert_str_eq(json_object_get_string(v), "the server could not find the requested resource");
    ck_assert(json_object_object_get_ex(st, "code", &v));
    ck_assert_int_eq(json_object_get_int(v), 404);
    ck_assert(json_object_object_get_ex(st, "details", &v));
    ck_assert(json_object_is_type(v, json_type_object));
    ck_assert_int_eq(json_object_object_length(v), 0);
    json_object_put(st);
    req_free(req);
}
END_TEST

/* ---- three servers wired like cmd/main.c: aggregator -> kube -> extensions ---- */

struct chain {
    struct server *agg, *kube, *ext;
};

static void chain_init(struct chain *c)
{
    struct server_config cfg = {0};

    cfg.name = "apiextensions-apiserver";
    c->ext = server_new(&cfg, NULL);
    cfg.name = "kube-apiserver";
    c->kube = server_new(&cfg, c->ext);
    cfg.name = "kube-aggregator";
    c->agg = server_new(&cfg, c->kube);
    server_install_health(c->agg);
    server_install_version(c->agg);
    server_handle(c->agg, "/apis", named, "agg:/apis");
    server_add_api(c->agg, "/apis/apiregistration.k8s.io", named, "agg:apiregistration");
    server_add_api(c->kube, "/api/v1", named, "kube:core");
    server_add_api(c->kube, "/apis/apps", named, "kube:apps");
    server_handle(c->kube, "/healthz", named, "kube:/healthz"); /* shadowed by the aggregator */
    server_handle(c->kube, "/openapi/v2", named, "kube:openapi");
    server_add_api(c->ext, "/apis/apiextensions.k8s.io", named, "ext:crd");
    server_handle_prefix(c->ext, "/apis/", named, "ext:/apis/");
    server_handle(c->ext, "/openapi/v2", named, "ext:openapi");
}

static void chain_release(struct chain *c)
{
    server_free(c->agg);
    server_free(c->kube);
    server_free(c->ext);
}

static const struct {
    const char *uri, *want;
    int entry; /* 0: the aggregator, 1: the kube server */
} chain_cases[] = {
    {"/apis", "agg:/apis", 0},
    {"/apis/apiregistration.k8s.io/v1/apiservices", "agg:apiregistration", 0},
    {"/healthz", "ok", 0},
    {"/api/v1/namespaces", "kube:core", 0},
    {"/apis/apps/v1", "kube:apps", 0},
    {"/openapi/v2", "kube:openapi", 0},
    {"/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "ext:crd", 0},
    {"/apis/stable.example.com/v1/crontabs", "ext:/apis/", 0},
    {"/apis/appsfoo/v1", "ext:/apis/", 0},
    {"/nope", NULL, 0},
    {"/api/v2", NULL, 0},
    {"/healthzfoo", NULL, 0},
    /* entering the kube server skips the aggregator */
    {"/apis/apiregistration.k8s.io/v1", "ext:/apis/", 1},
    {"/healthz", "kube:/healthz", 1},
    {"/version", NULL, 1},
    {"/apis", NULL, 1},
};

START_TEST(chain_delegation)
{
    struct chain c;
    struct req *req;

    chain_init(&c);
    req = run(chain_cases[_i].entry ? c.kube : c.agg, chain_cases[_i].uri);
    expect(req, chain_cases[_i].uri, chain_cases[_i].want);
    req_free(req);
    chain_release(&c);
}
END_TEST

START_TEST(chain_accessors)
{
    struct chain c;

    chain_init(&c);
    ck_assert_str_eq(server_name(c.agg), "kube-aggregator");
    ck_assert_str_eq(server_name(c.kube), "kube-apiserver");
    ck_assert_ptr_eq(server_delegate(c.agg), c.kube);
    ck_assert_ptr_eq(server_delegate(c.kube), c.ext);
    ck_assert_ptr_null(server_delegate(c.ext));
    ck_assert_ptr_null(server_storage(c.agg));
    ck_assert_ptr_null(server_base(c.agg));
    chain_release(&c);
}
END_TEST

/* ---- health ---- */

static int check_ok(void *arg, char *why, size_t n)
{
    (void)arg;
    (void)why;
    (void)n;
    return 0;
}

static int check_fail(void *arg, char *why, size_t n)
{
    snprintf(why, n, "%s", (const char *)arg);
    return -1;
}

/* "etcd" is added before install, "informer-sync" (readyz only) after it. */
static struct server *health_server(void)
{
    struct server_config cfg = {.name = "health"};
    struct server *s = server_new(&cfg, NULL);

    server_add_health_check(s, HEALTH_ALL, "etcd", check_ok, NULL);
    server_install_health(s);
    server_add_health_check(s, HEALTH_READYZ, "informer-sync", NULL, NULL);
    return s;
}

#define MAXSUB 4

static const struct {
    const char *uri;
    int code;
    const char *has[MAXSUB]; /* substrings the body holds; has[0] == "=x": the body is x */
    const char *lacks[MAXSUB];
} health_cases[] = {
    {"/healthz", 200, {"=ok"}, {NULL}},
    {"/livez", 200, {"=ok"}, {NULL}},
    {"/readyz", 200, {"=ok"}, {NULL}},
    {"/healthz?verbose",
     200,
     {"=[+]etcd ok\n[+]ping ok\n[+]log ok\nhealthz check passed\n"},
     {NULL}},
    {"/livez?verbose=1",
     200,
     {"[+]ping ok\n", "[+]log ok\n", "[+]etcd ok\n", "livez check passed\n"},
     {"shutdown", "informer-sync"}},
    {"/readyz?verbose",
     200,
     {"[+]ping ok\n", "[+]shutdown ok\n", "[+]informer-sync ok\n", "readyz check passed\n"},
     {NULL}},
    {"/healthz?exclude=etcd", 200, {"=ok"}, {NULL}},
    {"/healthz?verbose&exclude=etcd",
     200,
     {"[+]etcd excluded: ok\n", "[+]ping ok\n", "healthz check passed\n"},
     {"[+]etcd ok"}},
    {"/readyz?exclude=ping&verbose&exclude=shutdown",
     200,
     {"[+]ping excluded: ok\n", "[+]shutdown excluded: ok\n", "[+]log ok\n"},
     {"warn"}},
    {"/healthz?verbose&exclude=nope",
     200,
     {"warn: some health checks cannot be excluded: no matches for \"nope\"\n",
      "healthz check passed\n"},
     {NULL}},
    {"/healthz?verbose&exclude=a&exclude=b",
     200,
     {"warn: some health checks cannot be excluded: no matches for \"a\",\"b\"\n"},
     {NULL}},
    /* shutdown is a readyz check only */
    {"/healthz?verbose&exclude=shutdown", 200, {"no matches for \"shutdown\""}, {NULL}},
    {"/livez/ping", 200, {"=ok"}, {NULL}},
    {"/healthz/log", 200, {"=ok"}, {NULL}},
    {"/healthz/etcd", 200, {"=ok"}, {NULL}},
    {"/readyz/shutdown", 200, {"=ok"}, {NULL}},
    {"/readyz/informer-sync", 200, {"=ok"}, {NULL}},
    {"/livez/informer-sync", 404, {"NotFound"}, {NULL}},
    {"/healthz/shutdown", 404, {"NotFound"}, {NULL}},
    {"/healthz/nope", 404, {"NotFound"}, {NULL}},
    {"/healthz/", 404, {"NotFound"}, {NULL}},
};

static void expect_body(struct req *req, const char *uri, int code, const char *const *has,
                        const char *const *lacks)
{
    const char *body = req_out_body(req, NULL);
    unsigned i;

    ck_assert_msg(req->code == code, "%s: code %d, want %d; body %s", uri, req->code, code, body);
    for (i = 0; i < MAXSUB && has[i]; i++) {
        if (has[i][0] == '=')
            ck_assert_msg(strcmp(body, has[i] + 1) == 0, "%s: body %s, want %s", uri, body,
                          has[i] + 1);
        else
            ck_assert_msg(strstr(body, has[i]) != NULL, "%s: body %s lacks %s", uri, body, has[i]);
    }
    for (i = 0; i < MAXSUB && lacks[i]; i++)
        ck_assert_msg(strstr(body, lacks[i]) == NULL, "%s: body %s has %s", uri, body, lacks[i]);
}

START_TEST(health_endpoints)
{
    struct server *s = health_server();
    struct req *req = run(s, health_cases[_i].uri);

    expect_body(req, health_cases[_i].uri, health_cases[_i].code, health_cases[_i].has,
                health_cases[_i].lacks);
    if (req->code == 200) {
        ck_assert_str_eq(out_header(req, "Content-Type"), "text/plain; charset=utf-8");
        ck_assert_str_eq(out_header(req, "X-Content-Type-Options"), "nosniff");
    }
    req_free(req);
    server_free(s);
}
END_TEST

static const struct {
    const char *uri;
    int code;
    const char *has[MAXSUB];
    const char *lacks[MAXSUB];
} failing_cases[] = {
    {"/healthz",
     500,
     {"[+]ping ok\n", "[-]x failed: reason withheld\n", "healthz check failed\n"},
     {"secret", "passed"}},
    {"/healthz?verbose", 500, {"[-]x failed: reason withheld\n", "healthz check failed\n"}, {NULL}},
    {"/livez", 500, {"[-]x failed: reason withheld\n", "livez check failed\n"}, {NULL}},
    {"/readyz", 200, {"=ok"}, {NULL}}, /* x is not a readyz check */
    {"/healthz?exclude=x", 200, {"=ok"}, {NULL}},
    {"/healthz?exclude=x&verbose", 200, {"[+]x excluded: ok\n"}, {NULL}},
    {"/healthz/x", 500, {"=internal server error: secret detail\n"}, {NULL}},
    {"/livez/ping", 200, {"=ok"}, {NULL}},
};

START_TEST(health_failing_check)
{
    struct server *s = health_server();
    struct req *req;

    server_add_health_check(s, HEALTH_HEALTHZ | HEALTH_LIVEZ, "x", check_fail, "secret detail");
    req = run(s, failing_cases[_i].uri);
    expect_body(req, failing_cases[_i].uri, failing_cases[_i].code, failing_cases[_i].has,
                failing_cases[_i].lacks);
    req_free(req);
    server_free(s);
}
END_TEST

static void expect_get(struct server *s, const char *uri, int code, const char *has)
{
    struct req *req = run(s, uri);
    const char *body = req_out_body(req, NULL);

    ck_assert_msg(req->code == code, "%s: code %d, want %d; body %s", uri, req->code, code, body);
    ck_assert_msg(strstr(body, has) != NULL, "%s: body %s lacks %s", uri, body, has);
    req_free(req);
}

static void count_hook(void *arg)
{
    (*(int *)arg)++;
}

START_TEST(health_poststart_hooks)
{
    struct server *s = health_server();
    int ran = 0, ran2 = 0;

    server_add_poststart_hook(s, "start-informers", count_hook, &ran);
    server_add_poststart_hook(s, "no-fn", NULL, NULL);
    expect_get(s, "/readyz", 500, "[-]poststarthook/start-informers failed: reason withheld\n");
    expect_get(s, "/readyz", 500, "[-]poststarthook/no-fn failed: reason withheld\n");
    expect_get(s, "/livez", 500, "[-]poststarthook/start-informers failed");
    expect_get(s, "/healthz", 500, "healthz check failed");
    expect_get(s, "/readyz/poststarthook/start-informers", 500,
               "internal server error: not finished\n");
    expect_get(s, "/readyz?exclude=poststarthook/start-informers&exclude=poststarthook/no-fn", 200,
               "ok");
    ck_assert_int_eq(ran, 0);

    server_run_poststart_hooks(s);
    ck_assert_int_eq(ran, 1);
    expect_get(s, "/readyz", 200, "ok");
    expect_get(s, "/livez", 200, "ok");
    expect_get(s, "/readyz?verbose", 200, "[+]poststarthook/start-informers ok\n");
    expect_get(s, "/healthz/poststarthook/no-fn", 200, "ok");

    /* hooks run once; one added later runs on the next call */
    server_add_poststart_hook(s, "late", count_hook, &ran2);
    expect_get(s, "/readyz", 500, "[-]poststarthook/late failed");
    server_run_poststart_hooks(s);
    ck_assert_int_eq(ran, 1);
    ck_assert_int_eq(ran2, 1);
    expect_get(s, "/readyz", 200, "ok");
    server_free(s);
}
END_TEST

START_TEST(health_shutdown)
{
    struct server *s = health_server();

    ck_assert_int_eq(server_shutting_down(s), 0);
    server_set_shutting_down(s);
    ck_assert_int_ne(server_shutting_down(s), 0);
    expect_get(s, "/readyz", 500, "[-]shutdown failed: reason withheld\n");
    expect_get(s, "/readyz", 500, "readyz check failed\n");
    expect_get(s, "/readyz?verbose", 500, "[+]ping ok\n");
    expect_get(s, "/readyz/shutdown", 500, "internal server error: process is shutting down\n");
    expect_get(s, "/readyz?exclude=shutdown", 200, "ok");
    expect_get(s, "/livez", 200, "ok");
    expect_get(s, "/livez?verbose", 200, "livez check passed\n");
    expect_get(s, "/healthz", 200, "ok");
    server_free(s);
}
END_TEST

/* ---- /version ---- */

static const char *const version_keys[] = {"major",     "minor",        "gitVersion",
                                           "gitCommit", "gitTreeState", "buildDate",
                                           "goVersion", "compiler",     "platform"};

START_TEST(version_endpoint)
{
    struct server_config cfg = {.name = "v"};
    struct server *s = server_new(&cfg, NULL);
    struct json_object *info, *v;
    struct req *req;
    size_t i;

    server_install_version(s);
    req = run(s, "/version");
    ck_assert_int_eq(req->code, 200);
    ck_assert_str_eq(out_header(req, "Content-Type"), "application/json");
    info = json_tokener_parse(req_out_body(req, NULL));
    ck_assert_ptr_nonnull(info);
    for (i = 0; i < sizeof(version_keys) / sizeof(version_keys[0]); i++) {
        ck_assert_msg(json_object_object_get_ex(info, version_keys[i], &v), "no %s",
                      version_keys[i]);
        ck_assert(json_object_is_type(v, json_type_string));
        ck_assert_msg(json_object_get_string_len(v) > 0, "empty %s", version_keys[i]);
    }
    ck_assert_int_eq(json_object_object_length(info), (int)i);
    json_object_object_get_ex(info, "major", &v);
    ck_assert_str_eq(json_object_get_string(v), "1");
    json_object_object_get_ex(info, "minor", &v);
    ck_assert_str_eq(json_object_get_string(v), "32");
    json_object_object_get_ex(info, "gitVersion", &v);
    ck_assert_str_eq(json_object_get_string(v), KUBE_GIT_VERSION);
    ck_assert_int_eq(strncmp(json_object_get_string(v), "v1.32.", 6), 0);
    json_object_object_get_ex(info, "gitCommit", &v);
    ck_assert_int_eq(json_object_get_string_len(v), 40);
    json_object_put(info);
    req_free(req);

    info = server_version_info();
    ck_assert(json_object_object_get_ex(info, "platform", &v));
    ck_assert_int_eq(strncmp(json_object_get_string(v), "linux/", 6), 0);
    json_object_put(info);
    server_free(s);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *server_suite(void)
{
    Suite *s = suite_create("server");
    TCase *tc = tcase_create("director");

    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, direct_routes, 0, N(route_cases));
    tcase_add_test(tc, direct_apis_to_mux);
    tcase_add_test(tc, direct_empty_server);
    tcase_add_test(tc, not_found_shape);
    suite_add_tcase(s, tc);

    tc = tcase_create("delegation");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, chain_delegation, 0, N(chain_cases));
    tcase_add_test(tc, chain_accessors);
    suite_add_tcase(s, tc);

    tc = tcase_create("health");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, health_endpoints, 0, N(health_cases));
    tcase_add_loop_test(tc, health_failing_check, 0, N(failing_cases));
    tcase_add_test(tc, health_poststart_hooks);
    tcase_add_test(tc, health_shutdown);
    suite_add_tcase(s, tc);

    tc = tcase_create("version");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, version_endpoint);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(server_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
