/* generic/registry and generic/endpoints: kube's REST semantics on a test resource, driven with
 * in-memory requests against a real SQLite store in a temporary directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <event2/event.h>
#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/discovery/discovery.h"
#include "generic/endpoints/endpoints.h"
#include "generic/http/req.h"
#include "generic/server/server.h"
#include "generic/storage/storage.h"

static const struct table_column widget_columns[] = {
    {"Name", "string", "name", "", 0},
    {"Size", "integer", "", "", 0},
    {"Color", "string", "", "", 1},
    {0},
};

static void widget_row(struct json_object *obj, struct json_object *cells)
{
    struct json_object *size = obj_get(obj, "spec.size");

    json_object_array_add(cells, json_object_new_string(meta_str(obj, "name")));
    json_object_array_add(cells, json_object_new_int64(size ? json_object_get_int64(size) : 0));
    json_object_array_add(cells, json_object_new_string(obj_get_str(obj, "spec.color") ?: ""));
}

static int widget_validate(struct json_object *obj, struct apierr *err)
{
    struct json_object *size = obj_get(obj, "spec.size");

    if (size && json_object_get_int64(size) < 0)
        return validation_invalid_int(err, "spec.size", json_object_get_int64(size),
                                      "must be greater than or equal to 0");
    return 0;
}

static const struct strategy widget_strategy = {
    .validate_create = widget_validate,
    .table_row = widget_row,
};

static const struct resource test_resources[] = {
    {"widgets",
     "Widget",
     {"wg"},
     RES_NAMESPACED | RES_STATUS | RES_SCALE | RES_GENERATION,
     VERB_ALL,
     &widget_strategy,
     .columns = widget_columns},
    {0},
};

static const struct group_version test_gv = {
    .group = "test.example.com", .version = "v1", .resources = test_resources};

static struct event_base *base;
static struct storage *store;
static struct server *srv;
static struct discovery *disc;
static char dir[64];

static void setup(void)
{
    struct storage_config sc = {0};
    struct server_config cfg = {0};
    struct apierr err = {0};
    const char ns[] =
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"ns1\"}}";

    snprintf(dir, sizeof(dir), "/tmp/test_registry.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    base = event_base_new();
    sc.data_dir = dir;
    sc.compaction_interval_ms = -1;
    store = storage_open(base, &sc, &err);
    ck_assert_msg(store != NULL, "%s", err.message);
    disc = discovery_new();
    cfg = (struct server_config){.name = "test", .storage = store, .base = base, .discovery = disc};
    srv = server_new(&cfg, NULL);
    ck_assert_int_eq(endpoint_install(srv, &test_gv, &err), 0);
    ck_assert_int_eq(storage_create(store, "/registry/namespaces/ns1", ns, strlen(ns), NULL, &err),
                     0);
    ck_assert_int_eq(storage_flush(store, &err), 0);
}

static void teardown(void)
{
    char cmd[128];

    server_free(srv);
    discovery_free(disc);
    storage_free(store);
    event_base_free(base);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Runs one request to its reply (committing the store's batch); the caller frees it. */
static struct req *call(const char *method, const char *uri, const char *ctype, const char *body)
{
    struct req *req = req_new_mem(method, uri, body, body ? strlen(body) : 0);
    struct apierr err = {0};

    ck_assert_ptr_nonnull(req);
    if (ctype)
        req_set_in_header(req, "Content-Type", ctype);
    ck_assert_int_eq(reqinfo_resolve(&req->info, method, req->path, req->query, &err), 0);
    server_direct(srv, req);
    ck_assert_int_eq(storage_flush(store, &err), 0);
    event_base_loop(base, EVLOOP_NONBLOCK);
    ck_assert_msg(req->replied, "%s %s: no reply", method, uri);
    return req;
}

/* The reply body parsed; the request is freed. */
static struct json_object *call_json(const char *method, const char *uri, const char *ctype,
                                     const char *body, int want_code)
{
    struct req *req = call(method, uri, ctype, body);
    const char *out = req_out_body(req, NULL);
    struct json_object *obj = json_tokener_parse(out);

    ck_assert_msg(req->code == want_code, "%s %s: code %d, want %d: %s", method, uri, req->code,
                  want_code, out);
    ck_assert_msg(obj != NULL, "%s %s: not JSON: %s", method, uri, out);
    req_free(req);
    return obj;
}

#define WIDGETS "/apis/test.example.com/v1/namespaces/ns1/widgets"
#define JSON    "application/json"

static struct json_object *create(const char *name, const char *extra)
{
    char body[512];

    snprintf(body, sizeof(body),
             "{\"apiVersion\":\"test.example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":"
             "\"%s\"%s},\"spec\":{\"size\":1}}",
             name, extra ? extra : "");
    return call_json("POST", WIDGETS, JSON, body, 201);
}

static void expect_status(struct json_object *st, int code, const char *reason, const char *msg)
{
    ck_assert_str_eq(obj_get_str(st, "kind"), "Status");
    ck_assert_int_eq(json_object_get_int(obj_get(st, "code")), code);
    ck_assert_str_eq(obj_get_str(st, "reason"), reason);
    ck_assert_str_eq(obj_get_str(st, "message"), msg);
}

START_TEST(create_fills_system_fields)
{
    struct json_object *o = create("a", NULL), *again;

    ck_assert_str_eq(meta_str(o, "name"), "a");
    ck_assert_str_eq(meta_str(o, "namespace"), "ns1");
    ck_assert_int_eq(strlen(meta_str(o, "uid")), 36);
    ck_assert_ptr_nonnull(meta_str(o, "creationTimestamp"));
    ck_assert_ptr_nonnull(meta_str(o, "resourceVersion"));
    ck_assert_int_eq(json_object_get_int(obj_get(o, "metadata.generation")), 1);
    again = call_json("POST", WIDGETS, JSON,
                      "{\"apiVersion\":\"test.example.com/v1\",\"kind\":\"Widget\","
                      "\"metadata\":{\"name\":\"a\"}}",
                      409);
    expect_status(again, 409, "AlreadyExists", "widgets.test.example.com \"a\" already exists");
    ck_assert_str_eq(obj_get_str(again, "details.group"), "test.example.com");
    ck_assert_str_eq(obj_get_str(again, "details.kind"), "widgets");
    json_object_put(again);
    json_object_put(o);
}
END_TEST

START_TEST(create_errors)
{
    struct json_object *o;

    o = call_json("POST", WIDGETS, JSON,
                  "{\"metadata\":{\"name\":\"Bad_Name\"},\"spec\":{\"size\":-1}}", 422);
    ck_assert_str_eq(obj_get_str(o, "reason"), "Invalid");
    ck_assert_int_eq(json_object_array_length(obj_get(o, "details.causes")), 2);
    ck_assert_str_eq(obj_get_str(o, "details.kind"), "Widget");
    json_object_put(o);
    o = call_json("POST", "/apis/test.example.com/v1/namespaces/nope/widgets", JSON,
                  "{\"metadata\":{\"name\":\"x\"}}", 404);
    expect_status(o, 404, "NotFound", "namespaces \"nope\" not found");
    json_object_put(o);
    o = call_json("POST", WIDGETS, JSON, "{\"metadata\":{\"name\":\"x\",\"namespace\":\"other\"}}",
                  400);
    expect_status(o, 400, "BadRequest",
                  "the namespace of the provided object does not match the namespace sent on "
                  "the request");
    json_object_put(o);
    o = call_json("POST", WIDGETS, JSON, "{\"apiVersion\":\"v2\",\"metadata\":{\"name\":\"x\"}}",
                  400);
    json_object_put(o);
    o = call_json("POST", WIDGETS, JSON, "[1,2", 400);
    json_object_put(o);
    o = call_json("POST", WIDGETS, "text/plain", "x", 415);
    json_object_put(o);
}
END_TEST

START_TEST(generate_name_and_dry_run)
{
    struct json_object *o = create("", ",\"generateName\":\"gen-\""), *dry;
    const char *name = meta_str(o, "name");

    ck_assert_int_eq(strlen(name), 9);
    ck_assert_int_eq(strncmp(name, "gen-", 4), 0);
    json_object_put(o);
    dry = call_json("POST", WIDGETS "?dryRun=All", JSON,
                    "{\"metadata\":{\"name\":\"dry\"},\"spec\":{}}", 201);
    ck_assert_ptr_nonnull(meta_str(dry, "uid"));
    json_object_put(dry);
    o = call_json("GET", WIDGETS "/dry", NULL, NULL, 404);
    expect_status(o, 404, "NotFound", "widgets.test.example.com \"dry\" not found");
    json_object_put(o);
}
END_TEST

static char *put_body(struct json_object *o)
{
    return strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
}

START_TEST(update_semantics)
{
    struct json_object *o = create("u", NULL), *n, *st;
    char *stale = put_body(o), *body;
    const char *rv1;

    obj_set(o, "spec.size", json_object_new_int(2));
    body = put_body(o);
    n = call_json("PUT", WIDGETS "/u", JSON, body, 200);
    ck_assert_int_eq(json_object_get_int(obj_get(n, "metadata.generation")), 2);
    free(body);
    /* the stale body still carries the first resourceVersion */
    st = call_json("PUT", WIDGETS "/u", JSON, stale, 409);
    expect_status(st, 409, "Conflict",
                  "Operation cannot be fulfilled on widgets.test.example.com \"u\": the object "
                  "has been modified; please apply your changes to the latest version and try "
                  "again");
    json_object_put(st);
    /* the same object again changes nothing, not even the resourceVersion */
    rv1 = meta_str(n, "resourceVersion");
    body = put_body(n);
    st = call_json("PUT", WIDGETS "/u", JSON, body, 200);
    ck_assert_str_eq(meta_str(st, "resourceVersion"), rv1);
    json_object_put(st);
    free(body);
    free(stale);
    json_object_put(n);
    json_object_put(o);
}
END_TEST

START_TEST(status_is_written_apart)
{
    struct json_object *o = create("s", NULL), *n;
    char *body;

    obj_set(o, "status", json_object_new_object());
    obj_set(o, "status.ready", json_object_new_boolean(1));
    obj_set(o, "spec.size", json_object_new_int(5));
    body = put_body(o);
    n = call_json("PUT", WIDGETS "/s/status", JSON, body, 200);
    ck_assert_int_eq(json_object_get_boolean(obj_get(n, "status.ready")), 1);
    ck_assert_int_eq(json_object_get_int(obj_get(n, "spec.size")), 1);
    json_object_put(n);
    n = call_json("PATCH", WIDGETS "/s", "application/merge-patch+json",
                  "{\"status\":{\"ready\":false},\"spec\":{\"size\":7}}", 200);
    ck_assert_int_eq(json_object_get_boolean(obj_get(n, "status.ready")), 1);
    ck_assert_int_eq(json_object_get_int(obj_get(n, "spec.size")), 7);
    json_object_put(n);
    free(body);
    json_object_put(o);
}
END_TEST

START_TEST(scale_subresource)
{
    struct json_object *o = create("sc", NULL), *s;

    json_object_put(o);
    s = call_json("GET", WIDGETS "/sc/scale", NULL, NULL, 200);
    ck_assert_str_eq(obj_get_str(s, "kind"), "Scale");
    ck_assert_str_eq(obj_get_str(s, "apiVersion"), "autoscaling/v1");
    json_object_put(s);
    s = call_json("PATCH", WIDGETS "/sc/scale", "application/merge-patch+json",
                  "{\"spec\":{\"replicas\":3}}", 200);
    ck_assert_int_eq(json_object_get_int(obj_get(s, "spec.replicas")), 3);
    json_object_put(s);
    o = call_json("GET", WIDGETS "/sc", NULL, NULL, 200);
    ck_assert_int_eq(json_object_get_int(obj_get(o, "spec.replicas")), 3);
    json_object_put(o);
    s = call_json("PATCH", WIDGETS "/sc/scale", "application/merge-patch+json",
                  "{\"spec\":{\"replicas\":-1}}", 422);
    json_object_put(s);
}
END_TEST

START_TEST(list_pages_and_selectors)
{
    struct json_object *l, *o;
    const char *cont;
    char uri[1024];

    json_object_put(create("l1", ",\"labels\":{\"app\":\"x\"}"));
    json_object_put(create("l2", ",\"labels\":{\"app\":\"y\"}"));
    json_object_put(create("l3", NULL));
    l = call_json("GET", WIDGETS "?limit=2", NULL, NULL, 200);
    ck_assert_str_eq(obj_get_str(l, "kind"), "WidgetList");
    ck_assert_int_eq(json_object_array_length(obj_get(l, "items")), 2);
    cont = obj_get_str(l, "metadata.continue");
    ck_assert_ptr_nonnull(cont);
    ck_assert_int_eq(json_object_get_int(obj_get(l, "metadata.remainingItemCount")), 1);
    snprintf(uri, sizeof(uri), WIDGETS "?limit=2&continue=%s", cont);
    o = call_json("GET", uri, NULL, NULL, 200);
    ck_assert_int_eq(json_object_array_length(obj_get(o, "items")), 1);
    ck_assert_ptr_null(obj_get_str(o, "metadata.continue"));
    json_object_put(o);
    json_object_put(l);
    l = call_json("GET", WIDGETS "?labelSelector=app%3Dx", NULL, NULL, 200);
    ck_assert_int_eq(json_object_array_length(obj_get(l, "items")), 1);
    json_object_put(l);
    l = call_json("GET", WIDGETS "?fieldSelector=metadata.name!%3Dl1", NULL, NULL, 200);
    ck_assert_int_eq(json_object_array_length(obj_get(l, "items")), 2);
    json_object_put(l);
    l = call_json("GET", WIDGETS "?fieldSelector=spec.size%3D1", NULL, NULL, 400);
    expect_status(l, 400, "BadRequest", "field label not supported: spec.size");
    json_object_put(l);
    l = call_json("GET", "/apis/test.example.com/v1/widgets", NULL, NULL, 200);
    ck_assert_int_eq(json_object_array_length(obj_get(l, "items")), 3);
    json_object_put(l);
}
END_TEST

START_TEST(table_output)
{
    struct req *req;
    struct json_object *t;

    json_object_put(create("t1", ",\"labels\":{\"app\":\"x\"}"));
    req = req_new_mem("GET", WIDGETS, NULL, 0);
    req_set_in_header(req, "Accept",
                      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
    reqinfo_resolve(&req->info, "GET", req->path, req->query, &(struct apierr){0});
    server_direct(srv, req);
    t = json_tokener_parse(req_out_body(req, NULL));
    ck_assert_str_eq(obj_get_str(t, "kind"), "Table");
    ck_assert_int_eq(json_object_array_length(obj_get(t, "columnDefinitions")), 3);
    ck_assert_int_eq(
        json_object_get_int(
            obj_get(json_object_array_get_idx(obj_get(t, "columnDefinitions"), 2), "priority")),
        1);
    ck_assert_str_eq(obj_get_str(json_object_array_get_idx(obj_get(t, "rows"), 0), "object.kind"),
                     "PartialObjectMetadata");
    ck_assert_str_eq(
        obj_get_str(json_object_array_get_idx(obj_get(t, "rows"), 0), "object.metadata.labels.app"),
        "x");
    ck_assert_ptr_nonnull(obj_get_str(t, "metadata.resourceVersion"));
    json_object_put(t);
    req_free(req);
}
END_TEST

START_TEST(delete_and_finalizers)
{
    struct json_object *o, *st;

    json_object_put(create("d", NULL));
    st = call_json("DELETE", WIDGETS "/d", NULL, NULL, 200);
    ck_assert_str_eq(obj_get_str(st, "status"), "Success");
    ck_assert_str_eq(obj_get_str(st, "details.name"), "d");
    json_object_put(st);
    st = call_json("DELETE", WIDGETS "/d", NULL, NULL, 404);
    json_object_put(st);
    json_object_put(create("f", ",\"finalizers\":[\"example.com/hold\"]"));
    o = call_json("DELETE", WIDGETS "/f", JSON, "{\"propagationPolicy\":\"Background\"}", 200);
    ck_assert_ptr_nonnull(meta_str(o, "deletionTimestamp"));
    json_object_put(o);
    o = call_json("GET", WIDGETS "/f", NULL, NULL, 200);
    json_object_put(o);
    o = call_json("PATCH", WIDGETS "/f", "application/json-patch+json",
                  "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]", 200);
    json_object_put(o);
    o = call_json("GET", WIDGETS "/f", NULL, NULL, 404);
    json_object_put(o);
    json_object_put(create("p", NULL));
    st = call_json("DELETE", WIDGETS "/p", JSON, "{\"preconditions\":{\"uid\":\"nope\"}}", 409);
    ck_assert_str_eq(obj_get_str(st, "reason"), "Conflict");
    json_object_put(st);
}
END_TEST

START_TEST(watch_streams_events)
{
    struct req *req;
    const char *out;

    json_object_put(create("w1", NULL));
    req = req_new_mem("GET", WIDGETS "?watch=true", NULL, 0);
    reqinfo_resolve(&req->info, "GET", req->path, req->query, &(struct apierr){0});
    ck_assert_str_eq(req->info.verb, "watch");
    server_direct(srv, req);
    event_base_loop(base, EVLOOP_NONBLOCK);
    json_object_put(create("w2", NULL));
    event_base_loop(base, EVLOOP_NONBLOCK);
    out = req_out_body(req, NULL);
    ck_assert_msg(strstr(out, "{\"type\":\"ADDED\",\"object\":{") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "\"name\":\"w1\"") && strstr(out, "\"name\":\"w2\""), "%s", out);
    req_stream_end(req);
    req_free(req);
}
END_TEST

START_TEST(wrong_verbs_and_paths)
{
    struct json_object *o;

    o = call_json("POST", WIDGETS "/x", JSON, "{}", 405);
    ck_assert_str_eq(obj_get_str(o, "reason"), "MethodNotAllowed");
    json_object_put(o);
    o = call_json("GET", "/apis/test.example.com/v1/namespaces/ns1/gadgets", NULL, NULL, 404);
    json_object_put(o);
    o = call_json("GET", "/apis/test.example.com/v1", NULL, NULL, 200);
    ck_assert_str_eq(obj_get_str(o, "kind"), "APIResourceList");
    json_object_put(o);
    o = call_json("GET", "/apis/test.example.com", NULL, NULL, 200);
    ck_assert_str_eq(obj_get_str(o, "kind"), "APIGroup");
    json_object_put(o);
}
END_TEST

/* More objects than one page: the list streams page by page, metadata last, at one revision. */
START_TEST(big_list_streams)
{
    struct req *req;
    struct json_object *l;
    struct apierr err = {0};
    char body[256];
    int i, spins = 0;

    for (i = 0; i < 1200; i++) {
        struct storage_obj out = {0};
        char key[128];

        snprintf(key, sizeof(key), "/registry/test.example.com/widgets/ns1/w%04d", i);
        snprintf(body, sizeof(body), "{\"kind\":\"Widget\",\"metadata\":{\"name\":\"w%04d\"}}", i);
        ck_assert_int_eq(storage_create(store, key, body, strlen(body), &out, &err), 0);
        storage_obj_release(&out);
    }
    ck_assert_int_eq(storage_flush(store, &err), 0);
    req = req_new_mem("GET", WIDGETS, NULL, 0);
    reqinfo_resolve(&req->info, "GET", req->path, req->query, &err);
    server_direct(srv, req);
    while (!req->done && spins++ < 1000)
        event_base_loop(base, EVLOOP_ONCE);
    l = json_tokener_parse(req_out_body(req, NULL));
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(json_object_array_length(obj_get(l, "items")), 1200);
    ck_assert_ptr_nonnull(obj_get_str(l, "metadata.resourceVersion"));
    ck_assert_str_eq(
        obj_get_str(json_object_array_get_idx(obj_get(l, "items"), 1199), "metadata.name"),
        "w1199");
    json_object_put(l);
    req_free(req);
    l = call_json("GET", WIDGETS "?limit=700", NULL, NULL, 200);
    ck_assert_int_eq(json_object_array_length(obj_get(l, "items")), 700);
    ck_assert_int_eq(json_object_get_int(obj_get(l, "metadata.remainingItemCount")), 500);
    json_object_put(l);
}
END_TEST

static Suite *registry_suite(void)
{
    Suite *s = suite_create("registry");
    TCase *tc = tcase_create("rest");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, create_fills_system_fields);
    tcase_add_test(tc, create_errors);
    tcase_add_test(tc, generate_name_and_dry_run);
    tcase_add_test(tc, update_semantics);
    tcase_add_test(tc, status_is_written_apart);
    tcase_add_test(tc, scale_subresource);
    tcase_add_test(tc, list_pages_and_selectors);
    tcase_add_test(tc, table_output);
    tcase_add_test(tc, delete_and_finalizers);
    tcase_add_test(tc, watch_streams_events);
    tcase_add_test(tc, wrong_verbs_and_paths);
    tcase_add_test(tc, big_list_streams);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(registry_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
