/* generic/apis/apierr.h (metav1.Status), generic/auth/tokenfile.h (--token-auth-file) and
 * generic/http/arena.h (per-request memory). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <json-c/json.h>

#include "generic/apis/apierr.h"
#include "generic/auth/tokenfile.h"
#include "generic/http/arena.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *plain(struct json_object *o)
{
    return json_object_to_json_string_ext(o,
                                          JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* ---- apierr ---- */

static const struct {
    enum apierr_reason reason;
    int code;
    const char *str;
} reason_cases[] = {
    {APIERR_OK, 200, ""},
    {APIERR_BAD_REQUEST, 400, "BadRequest"},
    {APIERR_UNAUTHORIZED, 401, "Unauthorized"},
    {APIERR_FORBIDDEN, 403, "Forbidden"},
    {APIERR_NOT_FOUND, 404, "NotFound"},
    {APIERR_METHOD_NOT_ALLOWED, 405, "MethodNotAllowed"},
    {APIERR_NOT_ACCEPTABLE, 406, "NotAcceptable"},
    {APIERR_ALREADY_EXISTS, 409, "AlreadyExists"},
    {APIERR_CONFLICT, 409, "Conflict"},
    {APIERR_GONE, 410, "Gone"},
    {APIERR_EXPIRED, 410, "Expired"},
    {APIERR_TOO_LARGE, 413, "RequestEntityTooLarge"},
    {APIERR_UNSUPPORTED_MEDIA_TYPE, 415, "UnsupportedMediaType"},
    {APIERR_INVALID, 422, "Invalid"},
    {APIERR_TOO_MANY_REQUESTS, 429, "TooManyRequests"},
    {APIERR_INTERNAL, 500, "InternalError"},
    {APIERR_SERVER_TIMEOUT, 500, "ServerTimeout"},
    {APIERR_UNAVAILABLE, 503, "ServiceUnavailable"},
    {APIERR_TIMEOUT, 504, "Timeout"},
    {APIERR_NREASONS, 500, "InternalError"}, /* out of range */
    {(enum apierr_reason)999, 500, "InternalError"},
    {(enum apierr_reason) - 1, 500, "InternalError"},
};

START_TEST(reason_table)
{
    ck_assert_int_eq(apierr_code(reason_cases[_i].reason), reason_cases[_i].code);
    ck_assert_str_eq(apierr_reason_str(reason_cases[_i].reason), reason_cases[_i].str);
}
END_TEST

/* Every reason has its row; the table above misses none. */
START_TEST(reason_table_complete)
{
    int r;

    ck_assert_int_eq(N(reason_cases), APIERR_NREASONS + 3);
    for (r = APIERR_BAD_REQUEST; r < APIERR_NREASONS; r++) {
        ck_assert_int_ge(apierr_code(r), 400);
        ck_assert_uint_gt(strlen(apierr_reason_str(r)), 0);
    }
}
END_TEST

/* Each reason renders as a Status with its code and reason. */
START_TEST(status_per_reason)
{
    struct apierr err = {0};
    struct json_object *st, *v;
    enum apierr_reason r = (enum apierr_reason)_i;

    ck_assert_int_eq(apierr_set(&err, r, "m%d", _i), -1);
    st = apierr_to_status(&err);
    ck_assert(json_object_object_get_ex(st, "code", &v));
    ck_assert_int_eq(json_object_get_int(v), apierr_code(r));
    ck_assert(json_object_object_get_ex(st, "status", &v));
    ck_assert_str_eq(json_object_get_string(v), r == APIERR_OK ? "Success" : "Failure");
    if (r == APIERR_OK) {
        ck_assert(!json_object_object_get_ex(st, "reason", NULL));
    } else {
        ck_assert(json_object_object_get_ex(st, "reason", &v));
        ck_assert_str_eq(json_object_get_string(v), apierr_reason_str(r));
    }
    json_object_put(st);
}
END_TEST

static void fill_not_found(struct apierr *e)
{
    apierr_set(e, APIERR_NOT_FOUND, "configmaps \"%s\" not found", "x");
    apierr_details(e, NULL, "configmaps", "x");
}

static void fill_conflict(struct apierr *e)
{
    apierr_set(e, APIERR_CONFLICT,
               "Operation cannot be fulfilled on deployments.apps \"web\": the object has been "
               "modified; please apply your changes to the latest version and try again");
    apierr_details(e, "apps", "deployments", "web");
}

static void fill_empty_details(struct apierr *e)
{
    apierr_set(e, APIERR_NOT_FOUND, "the server could not find the requested resource");
    e->has_details = 1;
}

static void fill_no_details(struct apierr *e)
{
    apierr_set(e, APIERR_UNAUTHORIZED, "Unauthorized");
}

static void fill_invalid(struct apierr *e)
{
    apierr_field(e, "FieldValueInvalid", "data", "must be an object");
    apierr_field(e, "FieldValueRequired", "metadata.name", "name or generateName is required");
    apierr_set(e, APIERR_INVALID, "ConfigMap \"x\" is invalid: data: must be an object");
    apierr_details(e, "", "ConfigMap", "x");
}

static void fill_retry(struct apierr *e)
{
    apierr_set(e, APIERR_TOO_MANY_REQUESTS, "Too many requests, please try again later.");
    e->retry_after = 1;
}

static void fill_no_message(struct apierr *e)
{
    e->reason = APIERR_INTERNAL;
}

static void fill_success(struct apierr *e)
{
    e->reason = APIERR_OK;
}

static const struct {
    void (*fill)(struct apierr *e);
    const char *want;
} status_cases[] = {
    {fill_not_found,
     "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
     "\"message\":\"configmaps \\\"x\\\" not found\",\"reason\":\"NotFound\","
     "\"details\":{\"name\":\"x\",\"kind\":\"configmaps\"},\"code\":404}"},
    {fill_conflict,
     "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
     "\"message\":\"Operation cannot be fulfilled on deployments.apps \\\"web\\\": the object has "
     "been modified; please apply your changes to the latest version and try again\","
     "\"reason\":\"Conflict\",\"details\":{\"name\":\"web\",\"group\":\"apps\","
     "\"kind\":\"deployments\"},\"code\":409}"},
    {fill_empty_details,
     "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
     "\"message\":\"the server could not find the requested resource\",\"reason\":\"NotFound\","
     "\"details\":{},\"code\":404}"},
    {fill_no_details,
     "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
     "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}"},
    {fill_invalid,
     "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
     "\"message\":\"ConfigMap \\\"x\\\" is invalid: data: must be an object\","
     "\"reason\":\"Invalid\",\"details\":{\"name\":\"x\",\"kind\":\"ConfigMap\",\"causes\":["
     "{\"reason\":\"FieldValueInvalid\",\"message\":\"must be an object\",\"field\":\"data\"},"
     "{\"reason\":\"FieldValueRequired\",\"message\":\"name or generateName is required\","
     "\"field\":\"metadata.name\"}]},\"code\":422}"},
    {fill_retry,
     "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
     "\"message\":\"Too many requests, please try again later.\",\"reason\":\"TooManyRequests\","
     "\"details\":{\"retryAfterSeconds\":1},\"code\":429}"},
    {fill_no_message,
     "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
     "\"reason\":\"InternalError\",\"code\":500}"},
    {fill_success,
     "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\","
     "\"code\":200}"},
};

START_TEST(status_shape)
{
    struct apierr err = {0};
    struct json_object *st;

    status_cases[_i].fill(&err);
    st = apierr_to_status(&err);
    ck_assert_str_eq(plain(st), status_cases[_i].want);
    json_object_put(st);
}
END_TEST

START_TEST(field_causes)
{
    struct apierr err = {0};
    struct json_object *st, *d, *causes;
    int i;

    apierr_set(&err, APIERR_BAD_REQUEST, "first");
    ck_assert_int_eq(apierr_field(&err, "FieldValueInvalid", "spec.replicas", "must be >= %d", 0),
                     -1);
    ck_assert_int_eq(err.reason, APIERR_INVALID);
    ck_assert_uint_eq(err.ncauses, 1);
    ck_assert_str_eq(err.causes[0].type, "FieldValueInvalid");
    ck_assert_str_eq(err.causes[0].field, "spec.replicas");
    ck_assert_str_eq(err.causes[0].message, "must be >= 0");
    ck_assert_str_eq(err.message, "first"); /* the message is the caller's */
    for (i = 1; i < APIERR_MAX_CAUSES + 3; i++)
        apierr_field(&err, "FieldValueInvalid", "data", "cause %d", i);
    ck_assert_uint_eq(err.ncauses, APIERR_MAX_CAUSES + 3);
    ck_assert_str_eq(err.causes[APIERR_MAX_CAUSES - 1].message, "cause 7");

    st = apierr_to_status(&err);
    ck_assert(json_object_object_get_ex(st, "details", &d));
    ck_assert(json_object_object_get_ex(d, "causes", &causes));
    ck_assert_uint_eq(json_object_array_length(causes), APIERR_MAX_CAUSES);
    json_object_put(st);
}
END_TEST

START_TEST(field_truncates)
{
    struct apierr err = {0};
    char longer[4096];

    memset(longer, 'f', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    apierr_field(&err, longer, longer, "%s", longer);
    ck_assert_uint_eq(strlen(err.causes[0].type), sizeof(err.causes[0].type) - 1);
    ck_assert_uint_eq(strlen(err.causes[0].field), sizeof(err.causes[0].field) - 1);
    ck_assert_uint_eq(strlen(err.causes[0].message), sizeof(err.causes[0].message) - 1);
    ck_assert_int_eq(apierr_set(&err, APIERR_INTERNAL, "%s", longer), -1);
    ck_assert_uint_eq(strlen(err.message), sizeof(err.message) - 1);
}
END_TEST

START_TEST(details_null)
{
    struct apierr err = {0};
    struct json_object *st, *d;

    snprintf(err.name, sizeof(err.name), "stale");
    apierr_set(&err, APIERR_FORBIDDEN, "no");
    apierr_details(&err, NULL, NULL, NULL);
    ck_assert_str_eq(err.name, "");
    ck_assert_str_eq(err.group, "");
    ck_assert_str_eq(err.kind, "");
    ck_assert_int_eq(err.has_details, 1);
    st = apierr_to_status(&err);
    ck_assert(json_object_object_get_ex(st, "details", &d));
    ck_assert_int_eq(json_object_object_length(d), 0);
    json_object_put(st);
}
END_TEST

/* ---- tokenfile ---- */

static const struct {
    const char *text;
    const char *err; /* NULL: parses */
} parse_cases[] = {
    {"", NULL},
    {"\n\n", NULL},
    {"# only a comment\n", NULL},
    {"tok,user,uid\n", NULL},
    {"tok,user,uid", NULL},
    {"tok,user,\n", NULL},
    {"# c\n\ntok,user,uid,\"g1,g2\"\r\n", NULL},
    {"\"to\"\"k\",user,uid\n", NULL},
    {"tok,user\n", "line 1: expected token,user,uid[,groups]"},
    {"tok\n", "line 1: expected token,user,uid[,groups]"},
    {"# c\n\ntok,user\n", "line 3: expected token,user,uid[,groups]"},
    {"a,b,c\r\nx\r\n", "line 2: expected token,user,uid[,groups]"},
    {"a,b,c\n \n", "line 2: expected token,user,uid[,groups]"},
    {",user,uid\n", "line 1: empty token or user name"},
    {"tok,,uid\n", "line 1: empty token or user name"},
    {"a,b,c\n\"\",user,uid\n", "line 2: empty token or user name"},
    {"tok,user,uid,\"g1,g2\n", "line 1: expected token,user,uid[,groups]"},
    {"tok,user,uid,\"g1\"x\n", "line 1: expected token,user,uid[,groups]"},
};

START_TEST(tokenfile_parse_cases)
{
    char errbuf[128] = "";
    struct tokenfile *tf = tokenfile_parse(parse_cases[_i].text, errbuf, sizeof(errbuf));

    if (parse_cases[_i].err) {
        ck_assert_msg(tf == NULL, "parsed: %s", parse_cases[_i].text);
        ck_assert_str_eq(errbuf, parse_cases[_i].err);
    } else {
        ck_assert_msg(tf != NULL, "%s: %s", parse_cases[_i].text, errbuf);
    }
    tokenfile_free(tf);
}
END_TEST

static const char tokens_csv[] = "# token,user,uid,groups\n"
                                 "\n"
                                 "secret,alice,uid-1,\"dev,ops\"\r\n"
                                 "plain,bob,uid-2\r\n"
                                 "\"q\"\"t\",\"carol \"\"c\"\"\",uid-3,\"a \"\"b\"\"\"\n"
                                 "one,dave,uid-4,solo\n"
                                 "spaced,erin,uid-5,\"x, y,,z\"\n"
                                 "nouid,frank,\n"
                                 "secretx,grace,uid-7\n"
                                 "last,heidi,uid-8";

static const struct {
    const char *token;
    const char *user, *uid; /* user NULL: unknown */
    const char *groups[4];
} lookup_cases[] = {
    {"secret", "alice", "uid-1", {"dev", "ops"}},
    {"plain", "bob", "uid-2", {NULL}},
    {"q\"t", "carol \"c\"", "uid-3", {"a \"b\""}},
    {"one", "dave", "uid-4", {"solo"}},
    {"spaced", "erin", "uid-5", {"x", "y", "z"}},
    {"nouid", "frank", "", {NULL}},
    {"secretx", "grace", "uid-7", {NULL}},
    {"last", "heidi", "uid-8", {NULL}},
    {"secre", NULL, NULL, {NULL}},
    {"Secret", NULL, NULL, {NULL}},
    {"secret\r", NULL, NULL, {NULL}},
    {"", NULL, NULL, {NULL}},
    {"alice", NULL, NULL, {NULL}},
    {"# token", NULL, NULL, {NULL}},
    {"\"q\"\"t\"", NULL, NULL, {NULL}},
};

START_TEST(tokenfile_lookup_cases)
{
    char errbuf[128] = "";
    struct tokenfile *tf = tokenfile_parse(tokens_csv, errbuf, sizeof(errbuf));
    struct req_user u;
    unsigned i;

    ck_assert_msg(tf != NULL, "%s", errbuf);
    memset(&u, 0x5a, sizeof(u));
    if (!lookup_cases[_i].user) {
        ck_assert_int_eq(tokenfile_lookup(tf, lookup_cases[_i].token, &u), -1);
        tokenfile_free(tf);
        return;
    }
    ck_assert_int_eq(tokenfile_lookup(tf, lookup_cases[_i].token, &u), 0);
    ck_assert_str_eq(u.name, lookup_cases[_i].user);
    ck_assert_str_eq(u.uid, lookup_cases[_i].uid);
    for (i = 0; lookup_cases[_i].groups[i]; i++) {
        ck_assert_uint_lt(i, u.ngroups);
        ck_assert_str_eq(u.groups[i], lookup_cases[_i].groups[i]);
    }
    ck_assert_uint_eq(u.ngroups, i);
    tokenfile_free(tf);
}
END_TEST

START_TEST(tokenfile_edges)
{
    char errbuf[128] = "";
    char path[] = "/tmp/test_apis_tokensXXXXXX";
    struct req_user u;
    struct tokenfile *tf;
    char many[1024];
    int fd, n, i;

    ck_assert_int_eq(tokenfile_lookup(NULL, "secret", &u), -1);
    tokenfile_free(NULL);

    /* more groups than a user holds are dropped */
    n = snprintf(many, sizeof(many), "t,u,i,\"");
    for (i = 0; i < REQ_MAX_GROUPS + 4; i++)
        n += snprintf(many + n, sizeof(many) - (size_t)n, "%sg%d", i ? "," : "", i);
    snprintf(many + n, sizeof(many) - (size_t)n, "\"\n");
    tf = tokenfile_parse(many, errbuf, sizeof(errbuf));
    ck_assert_msg(tf != NULL, "%s", errbuf);
    ck_assert_int_eq(tokenfile_lookup(tf, "t", &u), 0);
    ck_assert_uint_eq(u.ngroups, REQ_MAX_GROUPS);
    ck_assert_str_eq(u.groups[REQ_MAX_GROUPS - 1], "g15");
    tokenfile_free(tf);

    /* from a file */
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, tokens_csv, strlen(tokens_csv)), (int)strlen(tokens_csv));
    close(fd);
    tf = tokenfile_load(path, errbuf, sizeof(errbuf));
    ck_assert_msg(tf != NULL, "%s", errbuf);
    ck_assert_int_eq(tokenfile_lookup(tf, "plain", &u), 0);
    ck_assert_str_eq(u.name, "bob");
    tokenfile_free(tf);
    unlink(path);
    ck_assert_ptr_null(tokenfile_load(path, errbuf, sizeof(errbuf)));
    ck_assert_ptr_nonnull(strstr(errbuf, "cannot open"));
}
END_TEST

/* ---- arena ---- */

START_TEST(arena_allocations)
{
    struct arena *a = arena_new();
    unsigned char *p;
    char *s;
    size_t sizes[] = {1, 7, 16, 100, 2047, 2048, 2049, 4096, 10000, 3, 1, 65536, 5};
    void *ptrs[sizeof(sizes) / sizeof(sizes[0])];
    size_t i, j;

    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        p = arena_alloc(a, sizes[i]);
        ptrs[i] = p;
        ck_assert_uint_eq((uintptr_t)p % _Alignof(max_align_t), 0);
        for (j = 0; j < sizes[i]; j++)
            ck_assert_uint_eq(p[j], 0);
        memset(p, (int)i + 1, sizes[i]); /* ASan catches overlap into a neighbour's redzone */
    }
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        p = ptrs[i];
        ck_assert_uint_eq(p[0], i + 1);
        ck_assert_uint_eq(p[sizes[i] - 1], i + 1);
    }
    p = arena_alloc(a, 0);
    ck_assert_ptr_nonnull(p);

    s = arena_strdup(a, "hello");
    ck_assert_str_eq(s, "hello");
    s = arena_strndup(a, "hello world", 5);
    ck_assert_str_eq(s, "hello");
    s = arena_strndup(a, "", 0);
    ck_assert_str_eq(s, "");
    s = arena_printf(a, "%s-%d-%05.1f", "x", 42, 3.14159);
    ck_assert_str_eq(s, "x-42-003.1");
    s = arena_printf(a, "%s", "");
    ck_assert_str_eq(s, "");
    for (i = 0; i < 1000; i++) {
        s = arena_printf(a, "%zu:%0500d", i, 0);
        ck_assert_uint_eq(strlen(s), 500 + (size_t)snprintf(NULL, 0, "%zu:", i));
    }
    arena_free(a);
    arena_free(NULL);
}
END_TEST

struct trace {
    char log[32];
    struct arena *a;
};

struct step {
    struct trace *t;
    char c;
};

static void record(void *arg)
{
    struct step *s = arg;
    size_t n = strlen(s->t->log);

    s->t->log[n] = s->c;
    s->t->log[n + 1] = '\0';
}

static struct step late_step;

/* A deferred function may register more work; it runs too. */
static void record_and_defer(void *arg)
{
    struct step *s = arg;

    record(s);
    late_step = (struct step){s->t, 'z'};
    arena_defer(s->t->a, record, &late_step);
}

START_TEST(arena_defer_order)
{
    struct trace t = {"", NULL};
    struct step steps[4] = {{&t, 'a'}, {&t, 'b'}, {&t, 'c'}, {&t, 'd'}};
    int i;

    t.a = arena_new();
    for (i = 0; i < 4; i++) {
        arena_alloc(t.a, 3000); /* deferred records live among other allocations */
        arena_defer(t.a, i == 1 ? record_and_defer : record, &steps[i]);
    }
    ck_assert_str_eq(t.log, "");
    arena_free(t.a);
    ck_assert_str_eq(t.log, "dcbza");
}
END_TEST

START_TEST(arena_adopt)
{
    struct arena *a = arena_new();
    struct json_object *kept = json_object_new_object();
    struct json_object *owned = json_object_new_string("x");

    json_object_object_add(kept, "k", json_object_new_int(1));
    ck_assert_ptr_eq(arena_adopt_json(a, json_object_get(kept)), kept);
    ck_assert_ptr_eq(arena_adopt_json(a, owned), owned);
    ck_assert_ptr_null(arena_adopt_json(a, NULL));
    ck_assert_str_eq(json_object_get_string(owned), "x"); /* alive until the arena goes */
    arena_free(a);
    /* the arena put its reference: ours is the last one */
    ck_assert_int_eq(json_object_put(kept), 1);
}
END_TEST

static Suite *apis_suite(void)
{
    Suite *s = suite_create("apis");
    TCase *tc = tcase_create("apierr");

    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, reason_table, 0, N(reason_cases));
    tcase_add_test(tc, reason_table_complete);
    tcase_add_loop_test(tc, status_per_reason, 0, APIERR_NREASONS);
    tcase_add_loop_test(tc, status_shape, 0, N(status_cases));
    tcase_add_test(tc, field_causes);
    tcase_add_test(tc, field_truncates);
    tcase_add_test(tc, details_null);
    suite_add_tcase(s, tc);

    tc = tcase_create("tokenfile");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, tokenfile_parse_cases, 0, N(parse_cases));
    tcase_add_loop_test(tc, tokenfile_lookup_cases, 0, N(lookup_cases));
    tcase_add_test(tc, tokenfile_edges);
    suite_add_tcase(s, tc);

    tc = tcase_create("arena");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, arena_allocations);
    tcase_add_test(tc, arena_defer_order);
    tcase_add_test(tc, arena_adopt);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(apis_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
