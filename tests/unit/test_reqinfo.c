/* reqinfo_resolve: kube's requestinfo_test cases, our URL shapes, limits and garbage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "generic/endpoints/reqinfo.h"

enum { RES = 1 << 0, LONG = 1 << 1, MUT = 1 << 2 };

struct ok_case {
    const char *method, *path, *query;
    const char *verb, *prefix, *group, *version, *ns, *resource, *sub, *name;
    unsigned flags;
};

static const struct ok_case ok_cases[] = {
    /* kube's resource paths */
    {"GET", "/api/v1/namespaces", NULL, "list", "api", "", "v1", "", "namespaces", "", "", RES},
    {"GET", "/api/v1/namespaces/other", NULL, "get", "api", "", "v1", "other", "namespaces", "",
     "other", RES},
    {"GET", "/api/v1/namespaces/other/pods", NULL, "list", "api", "", "v1", "other", "pods", "", "",
     RES},
    {"GET", "/api/v1/namespaces/other/pods/foo", NULL, "get", "api", "", "v1", "other", "pods", "",
     "foo", RES},
    {"HEAD", "/api/v1/namespaces/other/pods/foo", NULL, "get", "api", "", "v1", "other", "pods", "",
     "foo", RES},
    {"GET", "/api/v1/pods", NULL, "list", "api", "", "v1", "", "pods", "", "", RES},
    {"HEAD", "/api/v1/pods", NULL, "list", "api", "", "v1", "", "pods", "", "", RES},
    {"PATCH", "/api/v1/namespaces/new-namespace", NULL, "patch", "api", "", "v1", "new-namespace",
     "namespaces", "", "new-namespace", RES | MUT},
    /* legacy verb prefixes */
    {"GET", "/api/v1/proxy/namespaces/other/pods/foo", NULL, "proxy", "api", "", "v1", "other",
     "pods", "", "foo", RES | LONG},
    {"GET", "/api/v1/proxy/namespaces/other/pods/foo/subpath/not/a/subresource", NULL, "proxy",
     "api", "", "v1", "other", "pods", "", "foo", RES | LONG},
    {"GET", "/api/v1/proxy/nodes/n1/metrics", NULL, "proxy", "api", "", "v1", "", "nodes", "", "n1",
     RES | LONG},
    {"GET", "/api/v1/watch/pods", NULL, "watch", "api", "", "v1", "", "pods", "", "", RES | LONG},
    {"GET", "/api/v1/watch/namespaces/other/pods", NULL, "watch", "api", "", "v1", "other", "pods",
     "", "", RES | LONG},
    {"GET", "/apis/apps/v1/watch/namespaces/d/deployments/web", NULL, "watch", "apis", "apps", "v1",
     "d", "deployments", "", "web", RES | LONG},
    {"GET", "/api/v1/watch/namespaces/d/pods/web/status", NULL, "watch", "api", "", "v1", "d",
     "pods", "status", "web", RES | LONG},
    /* the path prefix decides; the query is not read */
    {"GET", "/api/v1/watch/pods", "fieldSelector=metadata.name=x&%zz", "watch", "api", "", "v1", "",
     "pods", "", "", RES | LONG},
    /* watch from the query */
    {"GET", "/api/v1/pods", "watch=true", "watch", "api", "", "v1", "", "pods", "", "", RES | LONG},
    {"GET", "/api/v1/pods", "watch=false", "list", "api", "", "v1", "", "pods", "", "", RES},
    {"GET", "/api/v1/namespaces/other/pods", "watch=1", "watch", "api", "", "v1", "other", "pods",
     "", "", RES | LONG},
    {"GET", "/api/v1/namespaces/other/pods", "watch=0", "list", "api", "", "v1", "other", "pods",
     "", "", RES},
    {"GET", "/api/v1/pods", "watch=FaLsE", "list", "api", "", "v1", "", "pods", "", "", RES},
    {"GET", "/api/v1/pods", "watch=yes", "watch", "api", "", "v1", "", "pods", "", "", RES | LONG},
    {"GET", "/api/v1/pods", "watch=", "watch", "api", "", "v1", "", "pods", "", "", RES | LONG},
    {"GET", "/api/v1/pods", "limit=5&watch", "watch", "api", "", "v1", "", "pods", "", "",
     RES | LONG},
    {"GET", "/api/v1/pods", "watch=0&watch=1", "list", "api", "", "v1", "", "pods", "", "", RES},
    {"GET", "/api/v1/pods", "%77atch=%74rue", "watch", "api", "", "v1", "", "pods", "", "",
     RES | LONG},
    {"GET", "/api/v1/pods", "watch=0%00", "watch", "api", "", "v1", "", "pods", "", "", RES | LONG},
    {"GET", "/api/v1/pods", "&&watchx=1&", "list", "api", "", "v1", "", "pods", "", "", RES},
    {"GET", "/api/v1/pods/foo", "watch=true", "get", "api", "", "v1", "", "pods", "", "foo", RES},
    /* subresources */
    {"GET", "/api/v1/namespaces/other/pods/foo/status", NULL, "get", "api", "", "v1", "other",
     "pods", "status", "foo", RES},
    {"GET", "/api/v1/namespaces/other/pods/foo/proxy/subpath", NULL, "get", "api", "", "v1",
     "other", "pods", "proxy", "foo", RES | LONG},
    {"PUT", "/api/v1/namespaces/other/finalize", NULL, "update", "api", "", "v1", "other",
     "namespaces", "finalize", "other", RES | MUT},
    {"PUT", "/api/v1/namespaces/other/status", NULL, "update", "api", "", "v1", "other",
     "namespaces", "status", "other", RES | MUT},
    {"GET", "/api/v1/namespaces/d/pods/web/log", NULL, "get", "api", "", "v1", "d", "pods", "log",
     "web", RES | LONG},
    {"POST", "/api/v1/namespaces/d/pods/web/exec", "command=ls", "create", "api", "", "v1", "d",
     "pods", "exec", "web", RES | LONG | MUT},
    {"GET", "/api/v1/namespaces/d/pods/web/attach", NULL, "get", "api", "", "v1", "d", "pods",
     "attach", "web", RES | LONG},
    {"POST", "/api/v1/namespaces/d/pods/web/portforward", NULL, "create", "api", "", "v1", "d",
     "pods", "portforward", "web", RES | LONG | MUT},
    {"PUT", "/apis/apps/v1/namespaces/d/deployments/web/scale", NULL, "update", "apis", "apps",
     "v1", "d", "deployments", "scale", "web", RES | MUT},
    {"POST", "/api/v1/namespaces/d/pods/web/eviction", NULL, "create", "api", "", "v1", "d", "pods",
     "eviction", "web", RES | MUT},
    {"GET", "/api/v1/namespaces/d/pods/web/status/extra/parts", NULL, "get", "api", "", "v1", "d",
     "pods", "status", "web", RES},
    /* verbs from the method */
    {"PATCH", "/api/v1/namespaces/other/pods/foo", NULL, "patch", "api", "", "v1", "other", "pods",
     "", "foo", RES | MUT},
    {"DELETE", "/api/v1/namespaces/other/pods/foo", NULL, "delete", "api", "", "v1", "other",
     "pods", "", "foo", RES | MUT},
    {"POST", "/api/v1/namespaces/other/pods", "%zz", "create", "api", "", "v1", "other", "pods", "",
     "", RES | MUT},
    {"DELETE", "/api/v1/nodes", NULL, "deletecollection", "api", "", "v1", "", "nodes", "", "",
     RES | MUT},
    {"DELETE", "/api/v1/namespaces", NULL, "deletecollection", "api", "", "v1", "", "namespaces",
     "", "", RES | MUT},
    {"DELETE", "/api/v1/namespaces/other/pods", NULL, "deletecollection", "api", "", "v1", "other",
     "pods", "", "", RES | MUT},
    {"DELETE", "/apis/extensions/v1/namespaces/other/pods", NULL, "deletecollection", "apis",
     "extensions", "v1", "other", "pods", "", "", RES | MUT},
    {"DELETE", "/api/v1/namespaces/d/pods", "fieldSelector=metadata.name=x", "deletecollection",
     "api", "", "v1", "d", "pods", "", "", RES | MUT},
    {"OPTIONS", "/api/v1/pods", NULL, "", "api", "", "v1", "", "pods", "", "", RES},
    /* groups and versions */
    {"POST", "/apis/extensions/v1/namespaces/other/pods", NULL, "create", "apis", "extensions",
     "v1", "other", "pods", "", "", RES | MUT},
    {"POST", "/apis/extensions/v1beta3/namespaces/other/pods", NULL, "create", "apis", "extensions",
     "v1beta3", "other", "pods", "", "", RES | MUT},
    {"GET", "/apis/batch/v1/job", NULL, "list", "apis", "batch", "v1", "", "job", "", "", RES},
    {"GET", "/apis/batch/v1/job/foo", NULL, "get", "apis", "batch", "v1", "", "job", "", "foo",
     RES},
    {"GET", "/apis/batch/v1/job/foo/scale", NULL, "get", "apis", "batch", "v1", "", "job", "scale",
     "foo", RES},
    {"GET", "/api/version/resource/name/subresource", NULL, "get", "api", "", "version", "",
     "resource", "subresource", "name", RES},
    {"GET", "/apis/group/version/resource/name/subresource", NULL, "get", "apis", "group",
     "version", "", "resource", "subresource", "name", RES},
    {"GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin", NULL, "get", "apis",
     "rbac.authorization.k8s.io", "v1", "", "clusterroles", "", "admin", RES},
    /* fieldSelector=metadata.name, as kube's TestFieldSelectorParsing and beyond */
    {"GET", "/apis/group/version/resource", NULL, "list", "apis", "group", "version", "",
     "resource", "", "", RES},
    {"GET", "/apis/group/version/resource", "fieldSelector=metadata.name=name1", "list", "apis",
     "group", "version", "", "resource", "", "name1", RES},
    {"GET", "/apis/group/version/resource", "watch=true&fieldSelector=metadata.name=name1", "watch",
     "apis", "group", "version", "", "resource", "", "name1", RES | LONG},
    {"GET", "/apis/group/version/resource", "fieldSelector=foo=bar", "list", "apis", "group",
     "version", "", "resource", "", "", RES},
    {"GET", "/apis/group/version/resource", "fieldSelector=metadata.name=name1,foo", "list", "apis",
     "group", "version", "", "resource", "", "", RES},
    {"GET", "/apis/group/version/resource", "fieldSelector=metadata.name=name1,foo&watch=true",
     "watch", "apis", "group", "version", "", "resource", "", "", RES | LONG},
    {"GET", "/apis/group/version/resource", "fieldSelector=metadata.name=name1,foo&watch=false",
     "list", "apis", "group", "version", "", "resource", "", "", RES},
    {"GET", "/api/v1/namespaces/d/pods", "fieldSelector=metadata.name%3Dweb", "list", "api", "",
     "v1", "d", "pods", "", "web", RES},
    {"GET", "/api/v1/pods", "fieldSelector=metadata.name%3D%3Dweb", "list", "api", "", "v1", "",
     "pods", "", "web", RES},
    {"GET", "/api/v1/pods", "fieldSelector=metadata.name!%3Dweb", "list", "api", "", "v1", "",
     "pods", "", "", RES},
    {"GET", "/api/v1/pods", "fieldSelector=status.phase%3DRunning,metadata.name%3Dweb", "list",
     "api", "", "v1", "", "pods", "", "web", RES},
    {"GET", "/api/v1/pods", "fieldSelector=metadata.name=b,metadata.name=a", "list", "api", "",
     "v1", "", "pods", "", "a", RES},
    {"GET", "/api/v1/pods", "fieldSelector=metadata.name=a%2Fb", "list", "api", "", "v1", "",
     "pods", "", "", RES},
    {"GET", "/api/v1/pods", "fieldSelector=metadata.name=..", "list", "api", "", "v1", "", "pods",
     "", "", RES},
    {"GET", "/api/v1/pods", "fieldSelector=metadata.name=a%5C%2Cb", "list", "api", "", "v1", "",
     "pods", "", "a,b", RES},
    {"GET", "/api/v1/pods", "fieldSelector=metadata.name=a%5Cb", "list", "api", "", "v1", "",
     "pods", "", "", RES},
    {"GET", "/api/v1/pods", "fieldSelector=metadata.name=a+b", "list", "api", "", "v1", "", "pods",
     "", "a b", RES},
    {"GET", "/api/v1/pods", "fieldSelector=metadata.name=a%00b", "list", "api", "", "v1", "",
     "pods", "", "", RES},
    {"GET", "/api/v1/pods", "fieldSelector=,,metadata.name=x,", "list", "api", "", "v1", "", "pods",
     "", "x", RES},
    {"GET", "/api/v1/pods", "fieldSelector=", "list", "api", "", "v1", "", "pods", "", "", RES},
    {"GET", "/api/v1/pods", "fieldSelector=metadata.name=x%5C", "list", "api", "", "v1", "", "pods",
     "", "", RES},
    /* odd paths: kube's split, nothing decoded again */
    {"GET", "api/v1/pods", NULL, "list", "api", "", "v1", "", "pods", "", "", RES},
    {"GET", "/api/v1/pods/", NULL, "list", "api", "", "v1", "", "pods", "", "", RES},
    {"GET", "//api//v1/pods", NULL, "get", "api", "", "", "", "v1", "", "pods", RES},
    {"GET", "/api/v1/namespaces//pods", NULL, "list", "api", "", "v1", "", "pods", "", "", RES},
    {"GET", "/api/v1/pods//status", NULL, "list", "api", "", "v1", "", "pods", "status", "", RES},
    {"GET", "/api/v1/namespaces/../pods", NULL, "list", "api", "", "v1", "..", "pods", "", "", RES},
    {"GET", "/api/v1/namespaces/a%2Fb/pods", NULL, "list", "api", "", "v1", "a%2Fb", "pods", "", "",
     RES},
    /* non-resource requests */
    {"GET", "/healthz", "%zz", "get", "", "", "", "", "", "", "", 0},
    {"GET", "/version", NULL, "get", "", "", "", "", "", "", "", 0},
    {"POST", "/healthz", NULL, "post", "", "", "", "", "", "", "", 0},
    {"DELETE", "/logs/x", NULL, "delete", "", "", "", "", "", "", "", 0},
    {"GET", "/api", NULL, "get", "", "", "", "", "", "", "", 0},
    {"GET", "/api/v1", NULL, "get", "", "", "", "", "", "", "", 0},
    {"GET", "/api/v1/", NULL, "get", "", "", "", "", "", "", "", 0},
    {"GET", "/apis", NULL, "get", "", "", "", "", "", "", "", 0},
    {"GET", "/apis/apps", NULL, "get", "", "", "", "", "", "", "", 0},
    {"GET", "/apis/apps/v1", NULL, "get", "apis", "", "", "", "", "", "", 0},
    {"GET", "/apis/apps/v1/", NULL, "get", "apis", "", "", "", "", "", "", 0},
    {"GET", "/apis/version/resource", NULL, "get", "apis", "", "", "", "", "", "", 0},
    {"GET", "/openapi/v3/apis/apps/v1", "hash=abc", "get", "", "", "", "", "", "", "", 0},
    {"GET", "/badprefix/version/resource", NULL, "get", "", "", "", "", "", "", "", 0},
    {"GET", "/", NULL, "get", "", "", "", "", "", "", "", 0},
    {"GET", "", NULL, "get", "", "", "", "", "", "", "", 0},
    {"get", "/api/v1/pods", NULL, "", "api", "", "v1", "", "pods", "", "", RES},
};

#define NOK (sizeof(ok_cases) / sizeof(ok_cases[0]))

START_TEST(resolve_ok)
{
    const struct ok_case *c = &ok_cases[_i];
    struct reqinfo ri;
    struct apierr err = {0};
    int rc = reqinfo_resolve(&ri, c->method, c->path, c->query, &err);

    ck_assert_msg(rc == 0, "%s %s?%s: %s", c->method, c->path, c->query, err.message);
    ck_assert_int_eq(err.reason, APIERR_OK);
    ck_assert_str_eq(ri.verb, c->verb);
    ck_assert_str_eq(ri.api_prefix, c->prefix);
    ck_assert_str_eq(ri.group, c->group);
    ck_assert_str_eq(ri.version, c->version);
    ck_assert_str_eq(ri.namespace, c->ns);
    ck_assert_str_eq(ri.resource, c->resource);
    ck_assert_str_eq(ri.subresource, c->sub);
    ck_assert_str_eq(ri.name, c->name);
    ck_assert_msg(ri.is_resource == !!(c->flags & RES), "is_resource for %s", c->path);
    ck_assert_msg(ri.long_running == !!(c->flags & LONG), "long_running for %s", c->path);
    ck_assert_msg(ri.mutating == !!(c->flags & MUT), "mutating for %s", c->path);
}
END_TEST

struct bad_case {
    const char *method, *path, *query, *message; /* message: a substring of err.message */
};

static char long_seg[REQINFO_SEG + 1]; /* REQINFO_SEG bytes: one too many */
static char max_seg[REQINFO_SEG];      /* REQINFO_SEG - 1 bytes: the longest kept */
static char paths[16][1024];

static const char *fmt_path(int slot, const char *fmt, const char *seg)
{
    snprintf(paths[slot], sizeof(paths[slot]), fmt, seg);
    return paths[slot];
}

static void bad_setup(void)
{
    memset(long_seg, 'a', REQINFO_SEG);
    memset(max_seg, 'b', REQINFO_SEG - 1);
}

static struct bad_case bad_case_at(int i)
{
    switch (i) {
    case 0:
        return (struct bad_case){"GET", "/api/v1/watch", NULL, "unable to determine kind"};
    case 1:
        return (struct bad_case){"GET", "/apis/apps/v1/proxy/", NULL, "unable to determine kind"};
    case 2:
        return (struct bad_case){"GET", "/api/v1/pods", "%zz", "invalid URL escape \"%zz\""};
    case 3:
        return (struct bad_case){"GET", "/api/v1/pods", "watch=%4", "invalid URL escape"};
    case 4:
        return (struct bad_case){"GET", "/api/v1/pods", "a=%G0&watch=1", "invalid URL escape"};
    case 5:
        return (struct bad_case){"GET", "/api/v1/pods", "watch=1&b=%", "invalid URL escape"};
    case 6:
        return (struct bad_case){"GET", "/api/v1/pods", "a=1;b=2", "semicolon"};
    case 7:
        return (struct bad_case){"GET", fmt_path(0, "/api/v1/namespaces/%s/pods", long_seg), NULL,
                                 "namespace"};
    case 8:
        return (struct bad_case){"GET", fmt_path(1, "/api/v1/pods/%s", long_seg), NULL, "name"};
    case 9:
        return (struct bad_case){"GET", fmt_path(2, "/apis/%s/v1/pods", long_seg), NULL,
                                 "API group"};
    case 10:
        return (struct bad_case){"GET", fmt_path(3, "/api/%.64s/pods", long_seg), NULL,
                                 "API version"};
    case 11:
        return (struct bad_case){"GET", fmt_path(4, "/api/v1/%s", long_seg), NULL, "resource"};
    case 12:
        return (struct bad_case){"GET", fmt_path(5, "/api/v1/pods/x/%s", long_seg), NULL,
                                 "subresource"};
    case 13:
        return (struct bad_case){"GET", "/api/v1/pods",
                                 fmt_path(6, "fieldSelector=metadata.name=%s", long_seg),
                                 "fieldSelector metadata.name is longer"};
    default:
        return (struct bad_case){"AVERYLONGMETHODNAMEINDEEDSIR", "/healthz", NULL, "method"};
    }
}

#define NBAD 15

START_TEST(resolve_bad)
{
    struct bad_case c = bad_case_at(_i);
    struct reqinfo ri;
    struct apierr err = {0};

    ck_assert_int_eq(reqinfo_resolve(&ri, c.method, c.path, c.query, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_BAD_REQUEST);
    ck_assert_msg(strstr(err.message, c.message), "case %d: \"%s\" lacks \"%s\"", _i, err.message,
                  c.message);
}
END_TEST

/* The longest segment each field keeps is accepted whole. */
START_TEST(resolve_limits)
{
    struct reqinfo ri;
    struct apierr err = {0};
    char q[REQINFO_SEG + 64];

    bad_setup();
    ck_assert_int_eq(reqinfo_resolve(&ri, "GET",
                                     fmt_path(7, "/api/v1/namespaces/%s/pods/x", max_seg), NULL,
                                     &err),
                     0);
    ck_assert_str_eq(ri.namespace, max_seg);
    snprintf(q, sizeof(q), "fieldSelector=metadata.name=%s", max_seg);
    ck_assert_int_eq(reqinfo_resolve(&ri, "GET", "/api/v1/pods", q, &err), 0);
    ck_assert_str_eq(ri.name, max_seg);
    ck_assert_int_eq(
        reqinfo_resolve(&ri, "GET", fmt_path(8, "/api/%.63s/pods", max_seg), NULL, &err), 0);
    ck_assert_uint_eq(strlen(ri.version), 63);
    /* segments that are not kept (a proxied path, a non-resource path) have no limit */
    ck_assert_int_eq(
        reqinfo_resolve(&ri, "GET", fmt_path(9, "/api/v1/proxy/pods/x/%s", long_seg), NULL, &err),
        0);
    ck_assert_int_eq(reqinfo_resolve(&ri, "GET", fmt_path(10, "/openapi/%s", long_seg), NULL, &err),
                     0);
}
END_TEST

/* Many segments, a huge query: only the first few segments matter and nothing overflows. */
START_TEST(resolve_huge)
{
    size_t n = 64 * 1024;
    char *path = malloc(n + 1), *query = malloc(n + 32);
    struct reqinfo ri;
    struct apierr err = {0};

    for (size_t i = 0; i < n; i += 2)
        memcpy(path + i, "/a", 2);
    path[n] = '\0';
    memcpy(path, "/api/v1/pods/x/y", 16);
    ck_assert_int_eq(reqinfo_resolve(&ri, "GET", path, NULL, &err), 0);
    ck_assert_str_eq(ri.subresource, "y");
    strcpy(query, "watch=1&fieldSelector=");
    memset(query + strlen(query), 'z', n);
    query[n + 22] = '\0';
    ck_assert_int_eq(reqinfo_resolve(&ri, "GET", "/api/v1/pods", query, &err), 0);
    ck_assert_str_eq(ri.verb, "watch");
    ck_assert_str_eq(ri.name, "");
    free(path);
    free(query);
}
END_TEST

/* Pseudo-random strings over the characters the parser cares about: never crash, and every
 * field stays a terminated string. */
START_TEST(resolve_garbage)
{
    static const char alpha[] = "/apiswtchnmeroxy.%=&;+\\,!01fFlL";
    unsigned seed = 12345;
    char path[48], query[48];

    for (int round = 0; round < 20000; round++) {
        struct reqinfo ri;
        struct apierr err = {0};
        size_t plen, qlen;

        seed = seed * 1103515245u + 12345u;
        plen = (seed >> 16) % sizeof(path);
        qlen = (seed >> 8) % sizeof(query);
        for (size_t i = 0; i < plen; i++) {
            seed = seed * 1103515245u + 12345u;
            path[i] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
        }
        for (size_t i = 0; i < qlen; i++) {
            seed = seed * 1103515245u + 12345u;
            query[i] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
        }
        path[plen] = query[qlen] = '\0';
        if (reqinfo_resolve(&ri, round % 2 ? "GET" : "DELETE", path, query, &err) < 0)
            ck_assert_int_eq(err.reason, APIERR_BAD_REQUEST);
        ck_assert_uint_lt(strlen(ri.name), sizeof(ri.name));
        ck_assert_uint_lt(strlen(ri.verb), sizeof(ri.verb));
    }
}
END_TEST

static Suite *reqinfo_suite(void)
{
    Suite *s = suite_create("reqinfo");
    TCase *tc = tcase_create("resolve");

    tcase_set_timeout(tc, 30);
    tcase_add_unchecked_fixture(tc, bad_setup, NULL);
    tcase_add_loop_test(tc, resolve_ok, 0, (int)NOK);
    tcase_add_loop_test(tc, resolve_bad, 0, NBAD);
    tcase_add_test(tc, resolve_limits);
    tcase_add_test(tc, resolve_huge);
    tcase_add_test(tc, resolve_garbage);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(reqinfo_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
