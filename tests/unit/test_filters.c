/* generic/filters: the chain runner and each filter, driven with in-memory requests; the timeout
 * filter runs on a real event_base. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <event2/event.h>
#include <event2/http.h>
#include <json-c/json.h>

#include "generic/auth/tokenfile.h"
#include "generic/filters/filter.h"
#include "generic/http/req.h"
#include "generic/server/health.h"
#include "generic/server/server.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char unauthorized_body[] =
    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
    "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}\n";

static struct req *mem_req(const char *method, const char *uri)
{
    struct req *req = req_new_mem(method, uri, NULL, 0);

    ck_assert_msg(req != NULL, "cannot build a request for %s", uri);
    return req;
}

static const char *out_header(struct req *req, const char *name)
{
    return evhttp_find_header(req->out_hdr, name);
}

/* The reply parsed as a Status; checks kind, apiVersion, status, code and reason. The caller
 * puts the result. */
static struct json_object *expect_status(struct req *req, int code, const char *reason)
{
    const char *body = req_out_body(req, NULL);
    struct json_object *st = json_tokener_parse(body), *v;

    ck_assert_msg(req->code == code, "code %d, want %d; body %s", req->code, code, body);
    ck_assert_msg(st != NULL, "not JSON: %s", body);
    ck_assert_str_eq(out_header(req, "Content-Type"), "application/json");
    ck_assert(json_object_object_get_ex(st, "kind", &v));
    ck_assert_str_eq(json_object_get_string(v), "Status");
    ck_assert(json_object_object_get_ex(st, "apiVersion", &v));
    ck_assert_str_eq(json_object_get_string(v), "v1");
    ck_assert(json_object_object_get_ex(st, "status", &v));
    ck_assert_str_eq(json_object_get_string(v), "Failure");
    ck_assert(json_object_object_get_ex(st, "code", &v));
    ck_assert_int_eq(json_object_get_int(v), code);
    ck_assert(json_object_object_get_ex(st, "reason", &v));
    ck_assert_str_eq(json_object_get_string(v), reason);
    return st;
}

static const char *status_str(struct json_object *st, const char *key)
{
    struct json_object *v;

    return json_object_object_get_ex(st, key, &v) ? json_object_get_string(v) : NULL;
}

/* ---- filter_chain_run ---- */

enum final_mode { FINAL_REPLY, FINAL_NONE, FINAL_HOLD };

struct step {
    char name;
    enum filter_next ret;
    char *log;
};

static void log_step(char *log, char c)
{
    size_t n = strlen(log);

    log[n] = c;
    log[n + 1] = '\0';
}

static enum filter_next recording_filter(struct req *req, void *arg)
{
    struct step *st = arg;

    log_step(st->log, st->name);
    if (st->ret == FILTER_HANDLED)
        req_fail(req, APIERR_FORBIDDEN, "filter %c says no", st->name);
    return st->ret;
}

struct final_arg {
    enum final_mode mode;
    char *log;
};

static void final_handler(struct req *req, void *arg)
{
    struct final_arg *f = arg;

    log_step(f->log, 'F');
    if (f->mode == FINAL_REPLY)
        req_reply(req, 200, "text/plain", "done", 4);
    else if (f->mode == FINAL_HOLD)
        req_hold(req);
}

static const struct {
    enum filter_next a, b, c;
    enum final_mode final;
    int pre_holds; /* holds the request had before the chain ran */
    const char *log;
    int code;
} chain_cases[] = {
    {FILTER_CONTINUE, FILTER_CONTINUE, FILTER_CONTINUE, FINAL_REPLY, 0, "abcF", 200},
    {FILTER_CONTINUE, FILTER_HANDLED, FILTER_CONTINUE, FINAL_REPLY, 0, "ab", 403},
    {FILTER_HANDLED, FILTER_CONTINUE, FILTER_CONTINUE, FINAL_REPLY, 0, "a", 403},
    {FILTER_CONTINUE, FILTER_CONTINUE, FILTER_HANDLED, FINAL_NONE, 0, "abc", 403},
    {FILTER_CONTINUE, FILTER_CONTINUE, FILTER_CONTINUE, FINAL_NONE, 0, "abcF", 500},
    {FILTER_CONTINUE, FILTER_CONTINUE, FILTER_CONTINUE, FINAL_NONE, 1, "abcF", 500},
    {FILTER_CONTINUE, FILTER_CONTINUE, FILTER_CONTINUE, FINAL_HOLD, 0, "abcF", 0},
    {FILTER_CONTINUE, FILTER_CONTINUE, FILTER_CONTINUE, FINAL_HOLD, 2, "abcF", 0},
};

START_TEST(chain_run)
{
    char log[16] = "";
    struct step steps[3] = {{'a', chain_cases[_i].a, log},
                            {'b', chain_cases[_i].b, log},
                            {'c', chain_cases[_i].c, log}};
    const struct filter chain[] = {{"a", recording_filter, &steps[0]},
                                   {"b", recording_filter, &steps[1]},
                                   {"c", recording_filter, &steps[2]},
                                   {0}};
    struct final_arg fin = {chain_cases[_i].final, log};
    struct req *req = mem_req("GET", "/api/v1/pods");
    int i;

    for (i = 0; i < chain_cases[_i].pre_holds; i++)
        req_hold(req);
    filter_chain_run(chain, req, final_handler, &fin);
    ck_assert_str_eq(log, chain_cases[_i].log);
    ck_assert_int_eq(req->code, chain_cases[_i].code);
    if (chain_cases[_i].code == 500) {
        struct json_object *st = expect_status(req, 500, "InternalError");

        ck_assert_str_eq(status_str(st, "message"), "an error on the server (\"internal error\") "
                                                    "has prevented the request from succeeding");
        json_object_put(st);
    }
    if (chain_cases[_i].final == FINAL_HOLD) {
        /* the held request is the handler's to answer, later */
        ck_assert(!req->replied);
        req_reply(req, 201, "text/plain", "late", 4);
        req_release(req);
        ck_assert_int_eq(req->code, 201);
        ck_assert_str_eq(req_out_body(req, NULL), "late");
    }
    req_free(req);
}
END_TEST

START_TEST(chain_empty)
{
    char log[16] = "";
    const struct filter chain[] = {{0}};
    struct final_arg fin = {FINAL_REPLY, log};
    struct req *req = mem_req("GET", "/");

    filter_chain_run(chain, req, final_handler, &fin);
    ck_assert_str_eq(log, "F");
    ck_assert_int_eq(req->code, 200);
    req_free(req);
}
END_TEST

/* ---- filter_max_inflight ---- */

static struct req *inflight_req(struct maxinflight *m, bool mutating, bool long_running,
                                enum filter_next want)
{
    struct req *req = mem_req(mutating ? "POST" : "GET", "/api/v1/namespaces/d/pods");

    req->info.mutating = mutating;
    req->info.long_running = long_running;
    ck_assert_int_eq(filter_max_inflight(req, m), want);
    return req;
}

static void expect_too_many(struct req *req)
{
    struct json_object *st = expect_status(req, 429, "TooManyRequests"), *d, *v;

    ck_assert_str_eq(status_str(st, "message"), "Too many requests, please try again later.");
    ck_assert_str_eq(out_header(req, "Retry-After"), "1");
    ck_assert(json_object_object_get_ex(st, "details", &d));
    ck_assert(json_object_object_get_ex(d, "retryAfterSeconds", &v));
    ck_assert_int_eq(json_object_get_int(v), 1);
    json_object_put(st);
}

START_TEST(inflight_limits)
{
    struct maxinflight m[2] = {{.limit = 2}, {.limit = 1}};
    struct req *r1 = inflight_req(m, false, false, FILTER_CONTINUE);
    struct req *r2 = inflight_req(m, false, false, FILTER_CONTINUE);
    struct req *r3, *w1, *w2, *watch;

    ck_assert_uint_eq(m[0].current, 2);
    ck_assert_uint_eq(m[1].current, 0);
    r3 = inflight_req(m, false, false, FILTER_HANDLED);
    expect_too_many(r3);
    ck_assert_uint_eq(m[0].current, 2);
    req_free(r3); /* a refused request held no slot */
    ck_assert_uint_eq(m[0].current, 2);

    /* mutating requests count separately */
    w1 = inflight_req(m, true, false, FILTER_CONTINUE);
    ck_assert_uint_eq(m[1].current, 1);
    w2 = inflight_req(m, true, false, FILTER_HANDLED);
    expect_too_many(w2);
    req_free(w2);

    /* a watch holds no slot */
    watch = inflight_req(m, false, true, FILTER_CONTINUE);
    ck_assert_uint_eq(m[0].current, 2);
    ck_assert(!watch->replied);
    req_free(watch);
    ck_assert_uint_eq(m[0].current, 2);

    /* a finished request frees its slot */
    req_free(r1);
    ck_assert_uint_eq(m[0].current, 1);
    r1 = inflight_req(m, false, false, FILTER_CONTINUE);
    ck_assert(!r1->replied);
    req_free(r1);
    req_free(r2);
    ck_assert_uint_eq(m[0].current, 0);
    req_free(w1);
    ck_assert_uint_eq(m[1].current, 0);
    w1 = inflight_req(m, true, false, FILTER_CONTINUE);
    req_free(w1);
}
END_TEST

START_TEST(inflight_unlimited)
{
    struct maxinflight m[2] = {{.limit = 0}, {.limit = 0}};
    struct req *reqs[50];
    int i;

    for (i = 0; i < N(reqs); i++)
        reqs[i] = inflight_req(m, i % 2, false, FILTER_CONTINUE);
    ck_assert_uint_eq(m[0].current + m[1].current, N(reqs));
    for (i = 0; i < N(reqs); i++)
        req_free(reqs[i]);
    ck_assert_uint_eq(m[0].current + m[1].current, 0);
}
END_TEST

/* ---- filter_bodylimit ---- */

static const struct {
    size_t len, max;
    enum filter_next want;
} body_cases[] = {
    {0, 0, FILTER_CONTINUE},          {0, 10, FILTER_CONTINUE}, {10, 10, FILTER_CONTINUE},
    {11, 10, FILTER_HANDLED},         {1, 0, FILTER_HANDLED},   {4096, 4095, FILTER_HANDLED},
    {4096, 3145728, FILTER_CONTINUE},
};

START_TEST(bodylimit)
{
    struct bodylimit b = {.max = body_cases[_i].max};
    size_t len = body_cases[_i].len;
    char *body = malloc(len + 1);
    struct req *req;

    memset(body, 'x', len);
    req = req_new_mem("POST", "/api/v1/namespaces/d/configmaps", body, len);
    free(body);
    ck_assert_uint_eq(req->body_len, len);
    ck_assert_int_eq(filter_bodylimit(req, &b), body_cases[_i].want);
    if (body_cases[_i].want == FILTER_HANDLED) {
        struct json_object *st = expect_status(req, 413, "RequestEntityTooLarge");
        char msg[64];

        snprintf(msg, sizeof(msg), "Request entity too large: limit is %zu", b.max);
        ck_assert_str_eq(status_str(st, "message"), msg);
        json_object_put(st);
    } else {
        ck_assert(!req->replied);
    }
    req_free(req);
}
END_TEST

/* ---- filter_authn ---- */

static const char tokens_csv[] = "# static tokens\n"
                                 "secret,alice,uid-1,\"dev,ops\"\n"
                                 "plain,bob,uid-2\n";

static const int good_cert = 1, bad_cert = 2;

static int cert_identity(void *cert, struct req_user *u)
{
    if (cert != &good_cert)
        return -1;
    snprintf(u->name, sizeof(u->name), "system:admin");
    snprintf(u->groups[u->ngroups++], sizeof(u->groups[0]), "system:masters");
    return 0;
}

enum { NO_CERT, GOOD_CERT, BAD_CERT };

static const struct {
    const char *uri, *auth;
    bool anonymous;
    int cert;
    int code; /* 0: the request continues */
    const char *user, *uid;
    const char *groups[4];
} authn_cases[] = {
    /* anonymous on public paths */
    {"/healthz", NULL, true, NO_CERT, 0, "system:anonymous", "", {"system:unauthenticated"}},
    {"/livez", NULL, true, NO_CERT, 0, "system:anonymous", "", {"system:unauthenticated"}},
    {"/livez/ping", NULL, true, NO_CERT, 0, "system:anonymous", "", {"system:unauthenticated"}},
    {"/readyz", NULL, true, NO_CERT, 0, "system:anonymous", "", {"system:unauthenticated"}},
    {"/readyz/shutdown?verbose",
     NULL,
     true,
     NO_CERT,
     0,
     "system:anonymous",
     "",
     {"system:unauthenticated"}},
    {"/version", NULL, true, NO_CERT, 0, "system:anonymous", "", {"system:unauthenticated"}},
    {"/healthz",
     "Basic YWxpY2U6cHc=",
     true,
     NO_CERT,
     0,
     "system:anonymous",
     "",
     {"system:unauthenticated"}},
    {"/healthz", NULL, true, BAD_CERT, 0, "system:anonymous", "", {"system:unauthenticated"}},
    /* anonymous elsewhere */
    {"/api", NULL, true, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/apis/apps/v1", NULL, true, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/api/v1/namespaces/d/pods", NULL, true, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/", NULL, true, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/healthzfoo", NULL, true, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/versions", NULL, true, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/livezz/ping", NULL, true, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/metrics", NULL, true, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/api", "Basic YWxpY2U6cHc=", true, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/api", NULL, true, BAD_CERT, 401, NULL, NULL, {NULL}},
    /* --anonymous-auth=false */
    {"/healthz", NULL, false, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/version", NULL, false, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/livez/ping", NULL, false, NO_CERT, 401, NULL, NULL, {NULL}},
    /* bearer tokens */
    {"/api",
     "Bearer secret",
     true,
     NO_CERT,
     0,
     "alice",
     "uid-1",
     {"dev", "ops", "system:authenticated"}},
    {"/api/v1/pods", "Bearer plain", false, NO_CERT, 0, "bob", "uid-2", {"system:authenticated"}},
    {"/healthz", "Bearer plain", true, NO_CERT, 0, "bob", "uid-2", {"system:authenticated"}},
    {"/api",
     "bearer secret",
     false,
     NO_CERT,
     0,
     "alice",
     "uid-1",
     {"dev", "ops", "system:authenticated"}},
    {"/healthz", "Bearer wrong", true, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/healthz", "Bearer ", true, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/api", "Bearer secre", true, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/api", "Bearer secretx", true, NO_CERT, 401, NULL, NULL, {NULL}},
    {"/api", "Bearer uid-1", true, NO_CERT, 401, NULL, NULL, {NULL}},
    /* client certificates */
    {"/api",
     NULL,
     false,
     GOOD_CERT,
     0,
     "system:admin",
     "",
     {"system:masters", "system:authenticated"}},
    {"/api",
     "Bearer wrong",
     false,
     GOOD_CERT,
     0,
     "system:admin",
     "",
     {"system:masters", "system:authenticated"}},
    {"/api",
     "Bearer secret",
     false,
     BAD_CERT,
     0,
     "alice",
     "uid-1",
     {"dev", "ops", "system:authenticated"}},
};

START_TEST(authn)
{
    char errbuf[128] = "";
    struct tokenfile *tf = tokenfile_parse(tokens_csv, errbuf, sizeof(errbuf));
    struct authn_config c = {
        .anonymous = authn_cases[_i].anonymous, .tokens = tf, .cert_identity = cert_identity};
    struct req *req = mem_req("GET", authn_cases[_i].uri);
    unsigned i;

    ck_assert_msg(tf != NULL, "%s", errbuf);
    if (authn_cases[_i].auth)
        req_set_in_header(req, "Authorization", authn_cases[_i].auth);
    if (authn_cases[_i].cert)
        req->peer_cert = (void *)(authn_cases[_i].cert == GOOD_CERT ? &good_cert : &bad_cert);
    snprintf(req->user.name, sizeof(req->user.name), "mallory"); /* never kept */
    req->user.ngroups = 1;
    snprintf(req->user.groups[0], sizeof(req->user.groups[0]), "system:masters");

    if (authn_cases[_i].code) {
        ck_assert_int_eq(filter_authn(req, &c), FILTER_HANDLED);
        ck_assert_int_eq(req->code, 401);
        ck_assert_str_eq(req_out_body(req, NULL), unauthorized_body);
    } else {
        ck_assert_int_eq(filter_authn(req, &c), FILTER_CONTINUE);
        ck_assert(!req->replied);
        ck_assert_str_eq(req->user.name, authn_cases[_i].user);
        ck_assert_str_eq(req->user.uid, authn_cases[_i].uid);
        for (i = 0; authn_cases[_i].groups[i]; i++) {
            ck_assert_uint_lt(i, req->user.ngroups);
            ck_assert_str_eq(req->user.groups[i], authn_cases[_i].groups[i]);
        }
        ck_assert_uint_eq(req->user.ngroups, i);
    }
    req_free(req);
    tokenfile_free(tf);
}
END_TEST

/* No token file, no certificate callback: a token is refused, a certificate ignored. */
START_TEST(authn_unconfigured)
{
    struct authn_config c = {.anonymous = true};
    struct req *req = mem_req("GET", "/healthz");

    req_set_in_header(req, "Authorization", "Bearer secret");
    ck_assert_int_eq(filter_authn(req, &c), FILTER_HANDLED);
    ck_assert_int_eq(req->code, 401);
    req_free(req);

    req = mem_req("GET", "/healthz");
    req->peer_cert = (void *)&good_cert;
    ck_assert_int_eq(filter_authn(req, &c), FILTER_CONTINUE);
    ck_assert_str_eq(req->user.name, "system:anonymous");
    req_free(req);

    req = mem_req("GET", "/api");
    req->peer_cert = (void *)&good_cert;
    ck_assert_int_eq(filter_authn(req, &c), FILTER_HANDLED);
    req_free(req);
}
END_TEST

/* ---- filter_timeout ---- */

/* Runs base until req is answered or max_ms have passed since the request arrived. */
static void wait_reply(struct event_base *base, struct req *req, double max_ms)
{
    struct timeval tick = {0, 10000};

    while (!req->replied && req_elapsed_ms(req) < max_ms) {
        event_base_loopexit(base, &tick);
        event_base_dispatch(base);
    }
}

static const struct {
    const char *uri;
    double seconds; /* the server's default */
    bool long_running;
    double min_ms; /* 504 expected no earlier than this; 0: no reply within 300ms */
} timeout_cases[] = {
    {"/api/v1/pods?timeout=100ms", 60, false, 80},
    {"/api/v1/pods?timeout=0.1s", 60, false, 80},
    {"/api/v1/pods?limit=5&timeout=100ms", 60, false, 80},
    {"/api/v1/pods", 0.1, false, 80},
    {"/api/v1/pods?timeout=10s", 0.1, false, 80}, /* a longer timeout cannot extend it */
    {"/api/v1/pods?timeout=abc", 0.1, false, 80}, /* ignored: the default applies */
    {"/api/v1/pods?timeout=abc", 60, false, 0},
    {"/api/v1/pods?timeout=100", 60, false, 0}, /* a bare number is no duration */
    {"/api/v1/pods?timeout=-1s", 60, false, 0},
    {"/api/v1/pods?timeout=0s", 60, false, 0},
    {"/api/v1/pods?timeout=100ms", 60, true, 0}, /* a watch is exempt */
    {"/api/v1/pods?watch=1", 0.1, true, 0},
    {"/api/v1/pods?timeout=100ms", 0, false, 0}, /* no default: no deadline at all */
};

START_TEST(timeout_fires)
{
    struct event_base *base = event_base_new();
    struct timeout_config t = {.base = base, .seconds = timeout_cases[_i].seconds};
    struct req *req = mem_req("GET", timeout_cases[_i].uri);

    req->info.long_running = timeout_cases[_i].long_running;
    ck_assert_int_eq(filter_timeout(req, &t), FILTER_CONTINUE);
    req_hold(req); /* the handler is busy */
    wait_reply(base, req, timeout_cases[_i].min_ms ? 5000 : 300);
    if (timeout_cases[_i].min_ms) {
        struct json_object *st = expect_status(req, 504, "Timeout"), *d;

        ck_assert_msg(req_elapsed_ms(req) >= timeout_cases[_i].min_ms, "fired after %.1fms",
                      req_elapsed_ms(req));
        ck_assert_str_eq(status_str(st, "message"), "request did not complete within requested "
                                                    "timeout - context deadline exceeded");
        ck_assert(json_object_object_get_ex(st, "details", &d));
        ck_assert_int_eq(json_object_object_length(d), 0);
        json_object_put(st);
        /* the handler's late reply is dropped */
        req_reply(req, 200, "text/plain", "late", 4);
        ck_assert_int_eq(req->code, 504);
    } else {
        ck_assert_msg(!req->replied, "answered %d", req->code);
    }
    req_release(req);
    req_free(req);
    event_base_free(base);
}
END_TEST

/* A request answered in time keeps its reply; one freed before its deadline leaves no timer. */
START_TEST(timeout_answered)
{
    struct event_base *base = event_base_new();
    struct timeout_config t = {.base = base, .seconds = 60};
    struct req *req = mem_req("GET", "/api/v1/pods?timeout=50ms");
    struct timeval wait = {0, 200000};

    ck_assert_int_eq(filter_timeout(req, &t), FILTER_CONTINUE);
    req_reply(req, 200, "text/plain", "ok", 2);
    event_base_loopexit(base, &wait);
    event_base_dispatch(base);
    ck_assert_int_eq(req->code, 200);
    ck_assert_str_eq(req_out_body(req, NULL), "ok");
    req_free(req);

    req = mem_req("GET", "/api/v1/pods?timeout=50ms");
    ck_assert_int_eq(filter_timeout(req, &t), FILTER_CONTINUE);
    req_free(req);
    event_base_loopexit(base, &wait);
    event_base_dispatch(base); /* a timer left behind would touch freed memory */
    event_base_free(base);
}
END_TEST

START_TEST(timeout_no_base)
{
    struct timeout_config t = {.base = NULL, .seconds = 0.01};
    struct req *req = mem_req("GET", "/api/v1/pods?timeout=1ms");

    ck_assert_int_eq(filter_timeout(req, &t), FILTER_CONTINUE);
    ck_assert(!req->replied);
    req_free(req);
}
END_TEST

/* ---- filter_requestinfo ---- */

static const struct {
    const char *method, *uri;
    enum filter_next want;
    const char *verb, *resource, *ns, *name;
    bool is_resource, mutating, long_running;
} reqinfo_cases[] = {
    {"GET", "/api/v1/namespaces/d/pods", FILTER_CONTINUE, "list", "pods", "d", "", true, false,
     false},
    {"GET", "/api/v1/namespaces/d/pods/web", FILTER_CONTINUE, "get", "pods", "d", "web", true,
     false, false},
    {"POST", "/apis/apps/v1/namespaces/d/deployments", FILTER_CONTINUE, "create", "deployments",
     "d", "", true, true, false},
    {"DELETE", "/api/v1/namespaces/d/configmaps/x", FILTER_CONTINUE, "delete", "configmaps", "d",
     "x", true, true, false},
    {"GET", "/api/v1/pods?watch=true", FILTER_CONTINUE, "watch", "pods", "", "", true, false, true},
    {"GET", "/healthz?verbose", FILTER_CONTINUE, "get", "", "", "", false, false, false},
    {"POST", "/version", FILTER_CONTINUE, "post", "", "", "", false, false, false},
    {"GET", "/api/v1/pods?watch=%zz", FILTER_HANDLED, NULL, NULL, NULL, NULL, false, false, false},
    {"GET", "/api/v1/pods?a=1;b=2", FILTER_HANDLED, NULL, NULL, NULL, NULL, false, false, false},
    {"GET", "/api/v1/watch", FILTER_HANDLED, NULL, NULL, NULL, NULL, false, false, false},
};

START_TEST(requestinfo)
{
    struct req *req = mem_req(reqinfo_cases[_i].method, reqinfo_cases[_i].uri);
    const struct reqinfo *ri = &req->info;

    ck_assert_int_eq(filter_requestinfo(req, NULL), reqinfo_cases[_i].want);
    if (reqinfo_cases[_i].want == FILTER_HANDLED) {
        json_object_put(expect_status(req, 400, "BadRequest"));
    } else {
        ck_assert(!req->replied);
        ck_assert_str_eq(ri->verb, reqinfo_cases[_i].verb);
        ck_assert_str_eq(ri->resource, reqinfo_cases[_i].resource);
        ck_assert_str_eq(ri->namespace, reqinfo_cases[_i].ns);
        ck_assert_str_eq(ri->name, reqinfo_cases[_i].name);
        ck_assert_int_eq(ri->is_resource, reqinfo_cases[_i].is_resource);
        ck_assert_int_eq(ri->mutating, reqinfo_cases[_i].mutating);
        ck_assert_int_eq(ri->long_running, reqinfo_cases[_i].long_running);
    }
    req_free(req);
}
END_TEST

/* ---- the chain cmd/main.c builds, in front of a server with health checks ---- */

struct app {
    struct maxinflight inflight[2];
    struct timeout_config timeout;
    struct bodylimit body;
    struct authn_config authn;
    struct tokenfile *tokens;
    struct server *srv;
};

static void direct(struct req *req, void *arg)
{
    server_direct(arg, req);
}

static const struct {
    const char *method, *uri, *auth;
    size_t body_len;
    int code;
    const char *reason; /* the Status reason, or NULL for a plain reply */
} full_cases[] = {
    {"GET", "/healthz", NULL, 0, 200, NULL},
    {"GET", "/livez/ping", NULL, 0, 200, NULL},
    {"GET", "/api/v1/pods", NULL, 0, 401, "Unauthorized"},
    {"GET", "/api/v1/pods", "Bearer secret", 0, 404, "NotFound"},
    {"GET", "/api/v1/pods?watch=%zz", "Bearer secret", 0, 400, "BadRequest"},
    {"POST", "/api/v1/namespaces/d/pods", "Bearer secret", 2048, 413, "RequestEntityTooLarge"},
    {"POST", "/api/v1/namespaces/d/pods", "Bearer secret", 0, 429, "TooManyRequests"},
};

START_TEST(full_chain)
{
    struct server_config cfg = {.name = "kube-aggregator"};
    struct app a = {.inflight = {{.limit = 10}, {.limit = 0}},
                    .body = {.max = 1024},
                    .authn = {.anonymous = true}};
    const struct filter chain[] = {
        {"requestinfo", filter_requestinfo, NULL},
        {"maxinflight", filter_max_inflight, a.inflight},
        {"timeout", filter_timeout, &a.timeout},
        {"bodylimit", filter_bodylimit, &a.body},
        {"authentication", filter_authn, &a.authn},
        {0},
    };
    char errbuf[128];
    char *body = calloc(1, full_cases[_i].body_len + 1);
    struct req *req;

    a.tokens = tokenfile_parse(tokens_csv, errbuf, sizeof(errbuf));
    a.authn.tokens = a.tokens;
    a.srv = server_new(&cfg, NULL);
    server_install_health(a.srv);
    if (full_cases[_i].code == 429) {
        a.inflight[1].limit = 1;
        a.inflight[1].current = 1;
    }
    req = req_new_mem(full_cases[_i].method, full_cases[_i].uri, body, full_cases[_i].body_len);
    free(body);
    if (full_cases[_i].auth)
        req_set_in_header(req, "Authorization", full_cases[_i].auth);
    filter_chain_run(chain, req, direct, a.srv);
    if (full_cases[_i].reason)
        json_object_put(expect_status(req, full_cases[_i].code, full_cases[_i].reason));
    else
        ck_assert_int_eq(req->code, full_cases[_i].code);
    req_free(req);
    ck_assert_uint_eq(a.inflight[0].current, 0);
    server_free(a.srv);
    tokenfile_free(a.tokens);
}
END_TEST

static Suite *filters_suite(void)
{
    Suite *s = suite_create("filters");
    TCase *tc = tcase_create("chain");

    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, chain_run, 0, N(chain_cases));
    tcase_add_test(tc, chain_empty);
    tcase_add_loop_test(tc, full_chain, 0, N(full_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("maxinflight");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, inflight_limits);
    tcase_add_test(tc, inflight_unlimited);
    suite_add_tcase(s, tc);

    tc = tcase_create("bodylimit");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, bodylimit, 0, N(body_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("authn");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, authn, 0, N(authn_cases));
    tcase_add_test(tc, authn_unconfigured);
    suite_add_tcase(s, tc);

    tc = tcase_create("timeout");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, timeout_fires, 0, N(timeout_cases));
    tcase_add_test(tc, timeout_answered);
    tcase_add_test(tc, timeout_no_base);
    suite_add_tcase(s, tc);

    tc = tcase_create("requestinfo");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, requestinfo, 0, N(reqinfo_cases));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(filters_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
