/* The storage conformance suite: written against storage.h only, so every backend runs it.
 * conformance_suite() takes a backend factory; main() runs it for each backend built in
 * (SQLite today; an etcd factory plugs in the same way). Backend-specific tests live in
 * test_storage_sqlite.c. */
#include <check.h>
#include <event2/event.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "generic/storage/storage.h"

struct backend_factory {
    const char *name;
    /* A new, empty store on base; ctx receives what cleanup needs. */
    struct storage *(*open)(struct event_base *base, const struct storage_config *tuning,
                            void **ctx);
    void (*cleanup)(void *ctx);
};

static const struct backend_factory *factory;
static struct event_base *base;
static struct storage *st;
static void *ctx;

/* --- the SQLite factory --- */

static struct storage *sqlite_open(struct event_base *b, const struct storage_config *tuning,
                                   void **out_ctx)
{
    char *dir = strdup("/tmp/test_storage.XXXXXX");
    struct storage_config cfg = *tuning;
    struct apierr err = {0};
    struct storage *s;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    cfg.data_dir = dir;
    s = storage_open(b, &cfg, &err);
    ck_assert_msg(s != NULL, "open: %s", err.message);
    *out_ctx = dir;
    return s;
}

static void sqlite_cleanup(void *dir)
{
    char cmd[256];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)dir);
    ck_assert_int_eq(system(cmd), 0);
    free(dir);
}

static const struct backend_factory sqlite_factory = {"sqlite", sqlite_open, sqlite_cleanup};

/* --- fixture and helpers --- */

static void open_store(const struct storage_config *tuning)
{
    base = event_base_new();
    st = factory->open(base, tuning, &ctx);
}

static void setup(void)
{
    struct storage_config tuning = {.compaction_interval_ms = -1};

    open_store(&tuning);
}

static void teardown(void)
{
    storage_free(st);
    st = NULL;
    factory->cleanup(ctx);
    event_base_free(base);
}

/* Commits and runs the loop until watch deliveries (including chunked replays) are done. */
static void pump(void)
{
    struct apierr err = {0};
    int i;

    ck_assert_int_eq(storage_flush(st, &err), 0);
    for (i = 0; i < 200; i++)
        event_base_loop(base, EVLOOP_NONBLOCK);
}

static char *obj(const char *name, const char *uid, int v)
{
    char *s;

    ck_assert_int_ge(
        asprintf(&s,
                 "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\",\"uid\":\"%s\","
                 "\"resourceVersion\":\"999\"},\"data\":{\"v\":%d}}",
                 name, uid, v),
        0);
    return s;
}

static struct json_object *parse(const char *value)
{
    struct json_object *o = json_tokener_parse(value);

    ck_assert_ptr_nonnull(o);
    return o;
}

static long long rv_of(const char *value)
{
    struct json_object *o = parse(value), *m, *rv;
    long long r;

    ck_assert(json_object_object_get_ex(o, "metadata", &m));
    ck_assert(json_object_object_get_ex(m, "resourceVersion", &rv));
    r = atoll(json_object_get_string(rv));
    json_object_put(o);
    return r;
}

static int data_v(const char *value)
{
    struct json_object *o = parse(value), *d, *v;
    int r;

    ck_assert(json_object_object_get_ex(o, "data", &d));
    ck_assert(json_object_object_get_ex(d, "v", &v));
    r = json_object_get_int(v);
    json_object_put(o);
    return r;
}

static int64_t put(const char *key, int v)
{
    struct storage_obj out = {0};
    struct apierr err = {0};
    const char *name = strrchr(key, '/') + 1;
    char *val = obj(name, name, v);
    int64_t rev;

    ck_assert_msg(storage_create(st, key, val, strlen(val), &out, &err) == 0, "create %s: %s", key,
                  err.message);
    rev = out.rev;
    storage_obj_release(&out);
    free(val);
    return rev;
}

struct setv {
    int v;
    const char *name; /* NULL: the key's last segment */
};

static int set_v(void *arg, const struct storage_obj *cur, char **value, size_t *len,
                 struct apierr *err)
{
    const struct setv *sv = arg;
    const char *name = sv->name ? sv->name : cur ? strrchr(cur->key, '/') + 1 : "new";

    (void)err;
    *value = obj(name, name, sv->v);
    *len = strlen(*value);
    return 0;
}

static int64_t upd(const char *key, int v)
{
    struct setv sv = {v, NULL};
    struct storage_obj out = {0};
    struct apierr err = {0};
    int64_t rev;

    ck_assert_msg(storage_update(st, key, NULL, 0, set_v, &sv, &out, &err) == 0, "update %s: %s",
                  key, err.message);
    rev = out.rev;
    storage_obj_release(&out);
    return rev;
}

static int64_t del(const char *key)
{
    struct apierr err = {0};
    int64_t rev = 0;

    ck_assert_msg(storage_delete(st, key, NULL, NULL, &rev, &err) == 0, "delete %s: %s", key,
                  err.message);
    return rev;
}

static enum apierr_reason get_reason(const char *key, const struct storage_read *rd,
                                     struct storage_obj *out)
{
    struct storage_obj tmp = {0};
    struct apierr err = {0};

    storage_get(st, key, rd, out ? out : &tmp, &err);
    storage_obj_release(&tmp);
    return err.reason;
}

/* --- create, get, update, delete --- */

START_TEST(crud)
{
    struct storage_obj o = {0};
    struct apierr err = {0};
    char *val = obj("a", "u1", 1);
    int64_t r1, r2, r3;

    r1 = put("/registry/configmaps/ns/a", 1);
    ck_assert_int_gt(r1, 1);
    ck_assert_int_eq(storage_create(st, "/registry/configmaps/ns/a", val, strlen(val), NULL, &err),
                     -1);
    ck_assert_int_eq(err.reason, APIERR_ALREADY_EXISTS);
    ck_assert_str_eq(err.name, "a");
    pump();
    ck_assert_int_eq(storage_rev(st), r1);
    ck_assert_int_eq(get_reason("/registry/configmaps/ns/a", NULL, &o), APIERR_OK);
    ck_assert_int_eq(o.rev, r1);
    ck_assert_int_eq(o.create_rev, r1);
    ck_assert_int_eq(rv_of(o.value), r1); /* the stored bytes carry their resourceVersion */
    ck_assert_str_eq(o.key, "/registry/configmaps/ns/a");
    storage_obj_release(&o);
    r2 = upd("/registry/configmaps/ns/a", 2);
    ck_assert_int_eq(r2, r1 + 1);
    pump();
    ck_assert_int_eq(get_reason("/registry/configmaps/ns/a", NULL, &o), APIERR_OK);
    ck_assert_int_eq(data_v(o.value), 2);
    ck_assert_int_eq(rv_of(o.value), r2);
    ck_assert_int_eq(o.create_rev, r1);
    storage_obj_release(&o);
    ck_assert_int_eq(storage_delete(st, "/registry/configmaps/ns/a", NULL, &o, &r3, &err), 0);
    ck_assert_int_eq(r3, r2 + 1);
    ck_assert_int_eq(o.rev, r2); /* the object as it was */
    ck_assert_int_eq(data_v(o.value), 2);
    storage_obj_release(&o);
    pump();
    ck_assert_int_eq(get_reason("/registry/configmaps/ns/a", NULL, NULL), APIERR_NOT_FOUND);
    ck_assert_int_eq(storage_delete(st, "/registry/configmaps/ns/a", NULL, NULL, NULL, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_NOT_FOUND);
    ck_assert_int_eq(storage_rev(st), r3);
    free(val);
}
END_TEST

START_TEST(update_missing_and_create)
{
    struct setv sv = {7, "x"};
    struct storage_obj o = {0};
    struct apierr err = {0};

    ck_assert_int_eq(storage_update(st, "/registry/cm/ns/x", NULL, 0, set_v, &sv, NULL, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_NOT_FOUND);
    ck_assert_int_eq(
        storage_update(st, "/registry/cm/ns/x", NULL, STORAGE_UPDATE_CREATE, set_v, &sv, &o, &err),
        0);
    ck_assert_int_eq(data_v(o.value), 7);
    ck_assert_int_eq(o.create_rev, o.rev);
    storage_obj_release(&o);
    /* The same bytes again: no new revision. */
    ck_assert_int_eq(storage_update(st, "/registry/cm/ns/x", NULL, 0, set_v, &sv, &o, &err), 0);
    ck_assert_int_eq(o.rev, storage_rev(st) + 1); /* uncommitted, but the same object */
    storage_obj_release(&o);
    pump();
    ck_assert_int_eq(storage_update(st, "/registry/cm/ns/x", NULL, 0, set_v, &sv, &o, &err), 0);
    ck_assert_int_eq(o.rev, storage_rev(st));
    storage_obj_release(&o);
}
END_TEST

static int refuse(void *arg, const struct storage_obj *cur, struct apierr *err)
{
    (void)arg, (void)cur;
    return apierr_set(err, APIERR_FORBIDDEN, "refused");
}

static const struct {
    const char *uid;
    int rev_delta; /* 0: none; 1: the current revision; 2: a stale one */
    int refuse;
    enum apierr_reason want;
} pre_cases[] = {
    {NULL, 0, 0, APIERR_OK},          {"pre", 0, 0, APIERR_OK},
    {"other", 0, 0, APIERR_CONFLICT}, {NULL, 1, 0, APIERR_OK},
    {NULL, 2, 0, APIERR_CONFLICT},    {"pre", 1, 0, APIERR_OK},
    {"pre", 2, 0, APIERR_CONFLICT},   {"other", 1, 0, APIERR_CONFLICT},
    {NULL, 0, 1, APIERR_FORBIDDEN},
};

START_TEST(preconditions)
{
    struct storage_preconds pre = {pre_cases[_i].uid, 0, pre_cases[_i].refuse ? refuse : NULL,
                                   NULL};
    struct setv sv = {5, NULL};
    struct apierr err = {0};
    int64_t rev = put("/registry/pods/ns/pre", 1);
    int op;

    pump();
    pre.rev = pre_cases[_i].rev_delta == 1 ? rev : pre_cases[_i].rev_delta == 2 ? rev - 1 : 0;
    for (op = 0; op < 2; op++) {
        int rc = op == 0
                     ? storage_update(st, "/registry/pods/ns/pre", &pre, 0, set_v, &sv, NULL, &err)
                     : storage_delete(st, "/registry/pods/ns/pre", &pre, NULL, NULL, &err);

        ck_assert_int_eq(rc, pre_cases[_i].want == APIERR_OK ? 0 : -1);
        ck_assert_int_eq(err.reason, pre_cases[_i].want);
        if (rc == 0)
            pre.rev = op == 0 && pre.rev ? rev + 1 : pre.rev;
    }
    pump();
    ck_assert_int_eq(get_reason("/registry/pods/ns/pre", NULL, NULL),
                     pre_cases[_i].want == APIERR_OK ? APIERR_NOT_FOUND : APIERR_OK);
}
END_TEST

START_TEST(reads_see_committed_only)
{
    struct storage_obj o = {0};

    put("/registry/cm/ns/a", 1);
    ck_assert_int_eq(get_reason("/registry/cm/ns/a", NULL, NULL), APIERR_NOT_FOUND);
    ck_assert_int_eq(storage_rev(st), 1);
    pump();
    ck_assert_int_eq(get_reason("/registry/cm/ns/a", NULL, &o), APIERR_OK);
    storage_obj_release(&o);
    upd("/registry/cm/ns/a", 2);
    ck_assert_int_eq(get_reason("/registry/cm/ns/a", NULL, &o), APIERR_OK);
    ck_assert_int_eq(data_v(o.value), 1);
    storage_obj_release(&o);
}
END_TEST

static void count_ok(void *arg, int ok)
{
    ((int *)arg)[ok ? 0 : 1]++;
}

START_TEST(after_commit)
{
    int seen[2] = {0, 0};

    storage_after_commit(st, count_ok, seen); /* nothing pending: at once */
    ck_assert_int_eq(seen[0], 1);
    put("/registry/cm/ns/a", 1);
    storage_after_commit(st, count_ok, seen);
    put("/registry/cm/ns/b", 1);
    storage_after_commit(st, count_ok, seen);
    ck_assert_int_eq(seen[0], 1);
    event_base_loop(base, EVLOOP_NONBLOCK); /* the end of the turn commits */
    event_base_loop(base, EVLOOP_NONBLOCK);
    ck_assert_int_eq(seen[0], 3);
    ck_assert_int_eq(seen[1], 0);
    ck_assert_int_eq(get_reason("/registry/cm/ns/b", NULL, NULL), APIERR_OK);
}
END_TEST

/* --- guaranteed update under concurrency --- */

struct counter {
    int calls;
};

static int increment(void *arg, const struct storage_obj *cur, char **value, size_t *len,
                     struct apierr *err)
{
    (void)err;
    ((struct counter *)arg)->calls++;
    *value = obj("ctr", "ctr", cur ? data_v(cur->value) + 1 : 1);
    *len = strlen(*value);
    return 0;
}

struct gu_caller {
    struct counter *ctr;
    int left;
    int64_t *revs;
    int *nrevs;
};

static void gu_step(evutil_socket_t fd, short what, void *arg);

static void gu_done(void *arg, int ok)
{
    struct gu_caller *c = arg;
    static const struct timeval now = {0, 0};

    ck_assert_int_eq(ok, 1);
    if (c->left > 0)
        event_base_once(base, -1, EV_TIMEOUT, gu_step, c, &now);
}

static void gu_step(evutil_socket_t fd, short what, void *arg)
{
    struct gu_caller *c = arg;
    struct storage_obj o = {0};
    struct apierr err = {0};

    (void)fd, (void)what;
    ck_assert_int_eq(storage_update(st, "/registry/ctr/ns/ctr", NULL, STORAGE_UPDATE_CREATE,
                                    increment, c->ctr, &o, &err),
                     0);
    c->revs[(*c->nrevs)++] = o.rev;
    storage_obj_release(&o);
    c->left--;
    storage_after_commit(st, gu_done, c);
}

START_TEST(concurrent_guaranteed_updates)
{
    enum { CALLERS = 40, EACH = 25 };
    static const struct timeval now = {0, 0};
    struct gu_caller callers[CALLERS];
    struct counter ctr = {0};
    int64_t *revs = calloc(CALLERS * EACH, sizeof(*revs));
    struct storage_obj o = {0};
    int nrevs = 0, i;

    for (i = 0; i < CALLERS; i++) {
        callers[i] = (struct gu_caller){&ctr, EACH, revs, &nrevs};
        event_base_once(base, -1, EV_TIMEOUT, gu_step, &callers[i], &now);
    }
    event_base_dispatch(base);
    ck_assert_int_eq(nrevs, CALLERS * EACH);
    for (i = 1; i < nrevs; i++)
        ck_assert_int_eq(revs[i], revs[i - 1] + 1); /* each update landed once, in order */
    ck_assert_int_eq(get_reason("/registry/ctr/ns/ctr", NULL, &o), APIERR_OK);
    ck_assert_int_eq(data_v(o.value), CALLERS * EACH);
    ck_assert_int_eq(o.rev, revs[nrevs - 1]);
    storage_obj_release(&o);
    free(revs);
}
END_TEST

/* --- lists --- */

struct items {
    int n;
    char keys[200][64];
    int v[200];
    int64_t rev[200];
};

static void collect_item(void *arg, const char *key, const char *value, size_t len, int64_t rev)
{
    struct items *it = arg;

    ck_assert_int_lt(it->n, 200);
    ck_assert_uint_eq(strlen(value), len);
    ck_assert_int_eq(rv_of(value), rev);
    snprintf(it->keys[it->n], sizeof(it->keys[0]), "%s", key);
    it->v[it->n] = data_v(value);
    it->rev[it->n++] = rev;
}

static int list(const char *prefix, enum storage_rv_match match, int64_t rev, const char *cont,
                unsigned limit, struct items *it, struct storage_list_result *res,
                struct apierr *err)
{
    struct storage_list_opts o = {prefix, {match, rev}, cont, limit};

    memset(res, 0, sizeof(*res));
    return storage_list(st, &o, collect_item, it, res, err);
}

static void fill(const char *fmt, int n)
{
    char key[128];
    int i;

    for (i = 0; i < n; i++) {
        snprintf(key, sizeof(key), fmt, i);
        put(key, i);
    }
    pump();
}

START_TEST(list_prefix)
{
    struct items it = {0};
    struct storage_list_result res;
    struct apierr err = {0};

    fill("/registry/cm/ns1/o%02d", 12);
    fill("/registry/cm/ns2/o%02d", 3);
    fill("/registry/cm/ns1x/o%02d", 2); /* a sibling prefix must not leak in */
    ck_assert_int_eq(list("/registry/cm/ns1/", STORAGE_RV_LATEST, 0, NULL, 0, &it, &res, &err), 0);
    ck_assert_int_eq(it.n, 12);
    ck_assert_str_eq(it.keys[0], "/registry/cm/ns1/o00");
    ck_assert_str_eq(it.keys[11], "/registry/cm/ns1/o11");
    ck_assert_ptr_null(res.cont);
    ck_assert_int_eq(res.remaining, -1);
    ck_assert_int_eq(res.rev, storage_rev(st));
    memset(&it, 0, sizeof(it));
    ck_assert_int_eq(list("/registry/cm/", STORAGE_RV_ANY, 0, NULL, 0, &it, &res, &err), 0);
    ck_assert_int_eq(it.n, 17);
    memset(&it, 0, sizeof(it));
    ck_assert_int_eq(list("/registry/none/", STORAGE_RV_LATEST, 0, NULL, 0, &it, &res, &err), 0);
    ck_assert_int_eq(it.n, 0);
}
END_TEST

/* Paginates with writes between pages: every page comes from the first page's revision. */
START_TEST(list_pagination_stable)
{
    struct items it = {0};
    struct storage_list_result res = {0};
    struct apierr err = {0};
    char *cont = NULL, key[64];
    int64_t rev0;
    int pages = 0, i;

    fill("/registry/cm/ns/o%02d", 25);
    rev0 = storage_rev(st);
    do {
        ck_assert_int_eq(list("/registry/cm/ns/", STORAGE_RV_LATEST, 0, cont, 10, &it, &res, &err),
                         0);
        ck_assert_int_eq(res.rev, rev0);
        free(cont);
        cont = res.cont;
        pages++;
        if (cont)
            ck_assert_int_eq(res.remaining, 25 - it.n);
        /* Writes between pages: new keys inside and before, updates, deletes. */
        snprintf(key, sizeof(key), "/registry/cm/ns/%c-new%d", pages == 1 ? 'a' : 'z', pages);
        put(key, 100 + pages);
        upd("/registry/cm/ns/o24", 200 + pages);
        if (pages == 1)
            del("/registry/cm/ns/o15");
        pump();
    } while (cont);
    ck_assert_int_eq(pages, 3);
    ck_assert_int_eq(it.n, 25);
    for (i = 0; i < 25; i++) {
        char want[64];

        snprintf(want, sizeof(want), "/registry/cm/ns/o%02d", i);
        ck_assert_str_eq(it.keys[i], want);
        ck_assert_int_eq(it.v[i], i);
    }
}
END_TEST

START_TEST(list_limit_exact_fit)
{
    struct items it = {0};
    struct storage_list_result res;
    struct apierr err = {0};

    fill("/registry/cm/ns/o%02d", 10);
    ck_assert_int_eq(list("/registry/cm/ns/", STORAGE_RV_LATEST, 0, NULL, 10, &it, &res, &err), 0);
    ck_assert_int_eq(it.n, 10);
    ck_assert_ptr_null(res.cont);
    ck_assert_int_eq(list("/registry/cm/ns/", STORAGE_RV_LATEST, 0, NULL, 9, &it, &res, &err), 0);
    ck_assert_ptr_nonnull(res.cont);
    ck_assert_int_eq(res.remaining, 1);
    storage_list_result_release(&res);
}
END_TEST

START_TEST(list_exact_old_revision)
{
    struct items it = {0};
    struct storage_list_result res = {0};
    struct apierr err = {0};
    int64_t r5, r_all;
    char *cont;

    fill("/registry/cm/ns/o%02d", 5);
    r5 = storage_rev(st);
    fill("/registry/cm/ns/p%02d", 5);
    upd("/registry/cm/ns/o01", 50);
    del("/registry/cm/ns/o02");
    pump();
    r_all = storage_rev(st);
    ck_assert_int_eq(list("/registry/cm/ns/", STORAGE_RV_EXACT, r5, NULL, 0, &it, &res, &err), 0);
    ck_assert_int_eq(res.rev, r5);
    ck_assert_int_eq(it.n, 5);
    ck_assert_int_eq(it.v[1], 1);
    ck_assert_str_eq(it.keys[2], "/registry/cm/ns/o02");
    /* A paginated list at an old revision. */
    memset(&it, 0, sizeof(it));
    ck_assert_int_eq(list("/registry/cm/ns/", STORAGE_RV_EXACT, r5, NULL, 3, &it, &res, &err), 0);
    ck_assert_int_eq(res.remaining, 2);
    cont = res.cont;
    ck_assert_int_eq(list("/registry/cm/ns/", STORAGE_RV_LATEST, 0, cont, 3, &it, &res, &err), 0);
    free(cont);
    ck_assert_int_eq(it.n, 5);
    ck_assert_ptr_null(res.cont);
    /* Latest: o02 gone, o01 updated. */
    memset(&it, 0, sizeof(it));
    ck_assert_int_eq(list("/registry/cm/ns/", STORAGE_RV_NOT_OLDER, r5, NULL, 0, &it, &res, &err),
                     0);
    ck_assert_int_eq(res.rev, r_all);
    ck_assert_int_eq(it.n, 9);
    ck_assert_int_eq(it.v[1], 50);
    /* The future. */
    ck_assert_int_eq(
        list("/registry/cm/ns/", STORAGE_RV_EXACT, r_all + 5, NULL, 0, &it, &res, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_TIMEOUT);
    ck_assert_int_eq(
        list("/registry/cm/ns/", STORAGE_RV_NOT_OLDER, r_all + 5, NULL, 0, &it, &res, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_TIMEOUT);
}
END_TEST

START_TEST(get_at_revision)
{
    struct storage_obj o = {0};
    struct storage_read rd = {STORAGE_RV_EXACT, 0};
    int64_t r1 = put("/registry/cm/ns/h", 1), r2, r3, r4;

    pump();
    r2 = upd("/registry/cm/ns/h", 2);
    pump();
    r3 = del("/registry/cm/ns/h");
    pump();
    r4 = put("/registry/cm/ns/h", 4);
    pump();
    rd.rev = r1;
    ck_assert_int_eq(get_reason("/registry/cm/ns/h", &rd, &o), APIERR_OK);
    ck_assert_int_eq(data_v(o.value), 1);
    ck_assert_int_eq(o.rev, r1);
    storage_obj_release(&o);
    rd.rev = r2;
    ck_assert_int_eq(get_reason("/registry/cm/ns/h", &rd, &o), APIERR_OK);
    ck_assert_int_eq(data_v(o.value), 2);
    ck_assert_int_eq(o.create_rev, r1);
    storage_obj_release(&o);
    rd.rev = r3;
    ck_assert_int_eq(get_reason("/registry/cm/ns/h", &rd, NULL), APIERR_NOT_FOUND);
    rd.rev = r1 - 1;
    ck_assert_int_eq(get_reason("/registry/cm/ns/h", &rd, NULL), APIERR_NOT_FOUND);
    rd.rev = r4;
    ck_assert_int_eq(get_reason("/registry/cm/ns/h", &rd, &o), APIERR_OK);
    ck_assert_int_eq(o.create_rev, r4);
    storage_obj_release(&o);
    rd.rev = r4 + 1;
    ck_assert_int_eq(get_reason("/registry/cm/ns/h", &rd, NULL), APIERR_TIMEOUT);
}
END_TEST

static void b64url_decode(const char *in, char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned v = 0, bits = 0;

    for (; *in; in++) {
        const char *p = strchr(abc, *in);

        ck_assert_ptr_nonnull(p);
        v = v << 6 | (unsigned)(p - abc);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *out++ = (char)(v >> bits);
        }
    }
    *out = '\0';
}

static const char *const bad_tokens[] = {
    "!!!", "e30",                                              /* {} */
    "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MCwic3RhcnQiOiJ4In0", /* rv 0 */
    "eyJ2IjoieCIsInJ2Ijo1LCJzdGFydCI6IngifQ",                  /* wrong v */
};

START_TEST(continue_token_format)
{
    struct items it = {0};
    struct storage_list_result res;
    struct apierr err = {0};
    struct json_object *tok, *f;
    char raw[512];
    size_t i;

    fill("/registry/cm/ns/o%02d", 3);
    ck_assert_int_eq(list("/registry/cm/ns/", STORAGE_RV_LATEST, 0, NULL, 1, &it, &res, &err), 0);
    /* kube's format: unpadded base64url of {"v":"meta.k8s.io/v1","rv":N,"start":"o00\u0000"} */
    b64url_decode(res.cont, raw);
    tok = parse(raw);
    ck_assert(json_object_object_get_ex(tok, "v", &f));
    ck_assert_str_eq(json_object_get_string(f), "meta.k8s.io/v1");
    ck_assert(json_object_object_get_ex(tok, "rv", &f));
    ck_assert_int_eq(json_object_get_int64(f), res.rev);
    ck_assert(json_object_object_get_ex(tok, "start", &f));
    ck_assert_int_eq(json_object_get_string_len(f), 4);
    ck_assert_mem_eq(json_object_get_string(f), "o00\0", 4);
    json_object_put(tok);
    storage_list_result_release(&res);
    for (i = 0; i < sizeof(bad_tokens) / sizeof(bad_tokens[0]); i++) {
        ck_assert_int_eq(list("/registry/cm/ns/", 0, 0, bad_tokens[i], 1, &it, &res, &err), -1);
        ck_assert_int_eq(err.reason, APIERR_BAD_REQUEST);
    }
}
END_TEST

/* --- watch --- */

struct rec_ev {
    enum storage_event_type type;
    int64_t rev;
    char key[64];
    int v, prev_v;
    long long value_rv;
};

struct rec {
    int n, cap;
    struct rec_ev *ev;
    int ended;
    enum apierr_reason end_reason;
    struct storage_watch *w;
    int free_after; /* free the watch from its callback after this many events */
};

static void rec_fn(void *arg, const struct storage_event *ev, const struct apierr *end)
{
    struct rec *r = arg;
    struct rec_ev *e;

    if (!ev) {
        ck_assert_int_eq(r->ended, 0);
        r->ended = 1;
        r->end_reason = end->reason;
        return;
    }
    ck_assert_int_eq(r->ended, 0);
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->ev = realloc(r->ev, r->cap * sizeof(*r->ev));
    }
    e = &r->ev[r->n++];
    e->type = ev->type;
    e->rev = ev->rev;
    snprintf(e->key, sizeof(e->key), "%s", ev->key);
    e->v = data_v(ev->value);
    e->value_rv = rv_of(ev->value);
    e->prev_v = ev->prev ? data_v(ev->prev) : -1;
    if (ev->type == STORAGE_ADDED)
        ck_assert_ptr_null(ev->prev);
    else
        ck_assert_ptr_nonnull(ev->prev);
    if (r->free_after && r->n == r->free_after) {
        storage_watch_free(r->w);
        r->w = NULL;
    }
}

static struct rec *watch(const char *key, unsigned flags, int64_t rev)
{
    struct storage_watch_opts o = {key, flags, rev};
    struct rec *r = calloc(1, sizeof(*r));
    struct apierr err = {0};

    r->w = storage_watch(st, &o, rec_fn, r, &err);
    ck_assert_msg(r->w != NULL, "watch: %s", err.message);
    return r;
}

static void rec_free(struct rec *r)
{
    storage_watch_free(r->w);
    free(r->ev);
    free(r);
}

START_TEST(watch_from_now)
{
    struct rec *r;
    int64_t rb, ra, rd;

    put("/registry/cm/ns/a", 1);
    pump();
    r = watch("/registry/cm/ns/", STORAGE_WATCH_PREFIX, 0);
    rb = put("/registry/cm/ns/b", 2);
    ra = upd("/registry/cm/ns/a", 3);
    put("/registry/other/x", 9);
    pump();
    rd = del("/registry/cm/ns/b");
    pump();
    ck_assert_int_eq(r->n, 3);
    ck_assert_int_eq(r->ev[0].type, STORAGE_ADDED);
    ck_assert_int_eq(r->ev[0].rev, rb);
    ck_assert_int_eq(r->ev[0].value_rv, rb);
    ck_assert_int_eq(r->ev[1].type, STORAGE_MODIFIED);
    ck_assert_int_eq(r->ev[1].rev, ra);
    ck_assert_int_eq(r->ev[1].v, 3);
    ck_assert_int_eq(r->ev[1].prev_v, 1);
    ck_assert_int_eq(r->ev[2].type, STORAGE_DELETED);
    ck_assert_int_eq(r->ev[2].rev, rd);
    ck_assert_int_eq(r->ev[2].value_rv, rd); /* kube: a deleted object carries the delete's RV */
    ck_assert_int_eq(r->ev[2].v, 2);
    ck_assert_int_eq(r->ev[2].prev_v, 2);
    rec_free(r);
}
END_TEST

START_TEST(watch_initial_state)
{
    struct rec *r, *k;
    int64_t rc;

    fill("/registry/cm/ns/o%03d", 300); /* more than one chunk */
    r = watch("/registry/cm/ns/", STORAGE_WATCH_PREFIX | STORAGE_WATCH_INITIAL, 0);
    k = watch("/registry/cm/ns/o007", STORAGE_WATCH_INITIAL, 0);
    rc = upd("/registry/cm/ns/o007", 1000); /* committed before the initial list is read */
    pump();
    ck_assert_int_eq(r->n, 301);
    ck_assert_str_eq(r->ev[0].key, "/registry/cm/ns/o000");
    ck_assert_str_eq(r->ev[299].key, "/registry/cm/ns/o299");
    ck_assert_int_eq(r->ev[7].v, 7);
    ck_assert_int_eq(r->ev[300].type, STORAGE_MODIFIED);
    ck_assert_int_eq(r->ev[300].rev, rc);
    ck_assert_int_eq(k->n, 2);
    ck_assert_int_eq(k->ev[0].type, STORAGE_ADDED);
    ck_assert_int_eq(k->ev[0].v, 7);
    ck_assert_int_eq(k->ev[1].v, 1000);
    rec_free(r);
    rec_free(k);
}
END_TEST

/* The writes of watch_from_past, and the events each watcher must see. */
static int64_t history_revs[64];
static int nhistory;

static void make_history(void)
{
    int i;

    nhistory = 0;
    for (i = 0; i < 20; i++) {
        char key[64];

        snprintf(key, sizeof(key), "/registry/cm/ns/k%d", i % 7);
        if (i < 7 || get_reason(key, NULL, NULL) == APIERR_NOT_FOUND)
            history_revs[nhistory++] = put(key, i);
        else if (i % 5 == 0)
            history_revs[nhistory++] = del(key);
        else
            history_revs[nhistory++] = upd(key, i);
        if (i % 3 == 0)
            pump();
    }
    pump();
}

START_TEST(watch_from_past)
{
    struct rec *r;
    int from = _i, i;

    make_history();
    r = watch("/registry/cm/ns/", STORAGE_WATCH_PREFIX, history_revs[from]);
    put("/registry/cm/ns/live", 1);
    pump();
    ck_assert_int_eq(r->n, nhistory - from - 1 + 1);
    for (i = 0; i < r->n - 1; i++)
        ck_assert_int_eq(r->ev[i].rev, history_revs[from + 1 + i]);
    ck_assert_str_eq(r->ev[r->n - 1].key, "/registry/cm/ns/live");
    rec_free(r);
}
END_TEST

START_TEST(watch_single_key)
{
    struct rec *r, *p;

    put("/registry/cm/ns/a", 1);
    pump();
    r = watch("/registry/cm/ns/a", 0, storage_rev(st) - 1); /* includes a's creation */
    p = watch("/registry/cm/ns/a", STORAGE_WATCH_PREFIX, 0);
    put("/registry/cm/ns/ab", 2);
    upd("/registry/cm/ns/a", 3);
    pump();
    ck_assert_int_eq(r->n, 2);
    ck_assert_int_eq(r->ev[0].type, STORAGE_ADDED);
    ck_assert_int_eq(r->ev[1].v, 3);
    ck_assert_int_eq(p->n, 2); /* a prefix watch on the same string also sees "ab" */
    rec_free(r);
    rec_free(p);
}
END_TEST

struct wop {
    int64_t rev;
    enum storage_event_type type;
    char key[64];
};

/* Many watchers, started at different points, under interleaved writes of many writers. */
START_TEST(watch_ordering_completeness)
{
    enum { OPS = 1500, WATCHERS = 12 };
    struct wop *log = calloc(OPS, sizeof(*log));
    struct rec *w[WATCHERS];
    int64_t start[WATCHERS];
    int live[20] = {0}, n = 0, i, j;

    srand(42);
    for (i = 0; i < WATCHERS; i++)
        w[i] = NULL;
    while (n < OPS) {
        char key[64];
        int k = rand() % 20;

        snprintf(key, sizeof(key), "/registry/%s/ns/k%d", k % 2 ? "odd" : "even", k);
        log[n].type = !live[k] ? STORAGE_ADDED : rand() % 4 ? STORAGE_MODIFIED : STORAGE_DELETED;
        log[n].rev = log[n].type == STORAGE_ADDED      ? put(key, n)
                     : log[n].type == STORAGE_MODIFIED ? upd(key, n)
                                                       : del(key);
        live[k] = log[n].type != STORAGE_DELETED;
        snprintf(log[n].key, sizeof(log[n].key), "%s", key);
        n++;
        if (n % 125 == 0) {
            int wi = n / 125 - 1;

            pump();
            start[wi] = wi % 3 == 0 ? 0 : log[rand() % n].rev;
            w[wi] =
                watch(wi % 2 ? "/registry/odd/" : "/registry/", STORAGE_WATCH_PREFIX, start[wi]);
            if (start[wi] == 0)
                start[wi] = storage_rev(st);
        }
        if (rand() % 8 == 0)
            event_base_loop(base, EVLOOP_NONBLOCK); /* commits at random points */
    }
    pump();
    for (i = 0; i < WATCHERS; i++) {
        int got = 0;

        for (j = 0; j < OPS; j++) {
            if (log[j].rev <= start[i] || (i % 2 && !strstr(log[j].key, "/odd/")))
                continue;
            ck_assert_int_lt(got, w[i]->n);
            ck_assert_int_eq(w[i]->ev[got].rev, log[j].rev);
            ck_assert_int_eq(w[i]->ev[got].type, log[j].type);
            ck_assert_str_eq(w[i]->ev[got].key, log[j].key);
            got++;
        }
        ck_assert_int_eq(got, w[i]->n);
        rec_free(w[i]);
    }
    free(log);
}
END_TEST

START_TEST(watch_free_in_callback)
{
    struct rec *r = watch("/registry/cm/", STORAGE_WATCH_PREFIX, 0), *h;

    r->free_after = 2;
    fill("/registry/cm/ns/o%02d", 5);
    ck_assert_int_eq(r->n, 2);
    ck_assert_ptr_null(r->w);
    h = watch("/registry/cm/", STORAGE_WATCH_PREFIX, 1); /* from history too */
    h->free_after = 3;
    pump();
    ck_assert_int_eq(h->n, 3);
    rec_free(r);
    rec_free(h);
}
END_TEST

START_TEST(slow_watcher_is_ended)
{
    struct storage_config tuning = {.compaction_interval_ms = -1, .watch_queue_max = 50};
    struct rec *slow, *fast;

    teardown();
    open_store(&tuning);
    slow = watch("/registry/", STORAGE_WATCH_PREFIX, 0);
    fast = watch("/registry/", STORAGE_WATCH_PREFIX, 0);
    storage_watch_pause(slow->w);
    fill("/registry/cm/ns/o%02d", 40);
    ck_assert_int_eq(slow->n, 0);
    storage_watch_resume(slow->w);
    pump();
    ck_assert_int_eq(slow->n, 40); /* within the bound: nothing lost */
    storage_watch_pause(slow->w);
    fill("/registry/cm/ns/p%02d", 60);
    ck_assert_int_eq(slow->ended, 1);
    ck_assert_int_eq(slow->end_reason, APIERR_TOO_MANY_REQUESTS);
    ck_assert_int_eq(fast->n, 100);
    ck_assert_int_eq(fast->ended, 0);
    rec_free(slow);
    rec_free(fast);
}
END_TEST

/* --- compaction, sizes, health --- */

START_TEST(compacted_is_expired)
{
    struct items it = {0};
    struct storage_list_result res;
    struct storage_watch_opts wo = {"/registry/cm/", STORAGE_WATCH_PREFIX, 0};
    struct storage_read rd = {STORAGE_RV_EXACT, 0};
    struct apierr err = {0};
    struct rec *r;
    char *cont;
    int64_t rc;
    int i;

    fill("/registry/cm/ns/o%02d", 10);
    ck_assert_int_eq(list("/registry/cm/", STORAGE_RV_LATEST, 0, NULL, 4, &it, &res, &err), 0);
    cont = res.cont;
    for (i = 0; i < 10; i++)
        upd("/registry/cm/ns/o00", 100 + i);
    del("/registry/cm/ns/o01");
    pump();
    rc = storage_rev(st) - 3;
    ck_assert_int_eq(storage_compact(st, rc, &err), 0);
    pump();
    ck_assert_int_eq(storage_compacted_rev(st), rc);
    ck_assert_int_eq(list("/registry/cm/", STORAGE_RV_EXACT, rc - 1, NULL, 0, &it, &res, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_EXPIRED);
    ck_assert_int_eq(list("/registry/cm/", STORAGE_RV_LATEST, 0, cont, 4, &it, &res, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_EXPIRED);
    free(cont);
    rd.rev = rc - 1;
    ck_assert_int_eq(get_reason("/registry/cm/ns/o05", &rd, NULL), APIERR_EXPIRED);
    wo.rev = rc - 1;
    ck_assert_ptr_null(storage_watch(st, &wo, rec_fn, NULL, &err));
    ck_assert_int_eq(err.reason, APIERR_EXPIRED);
    /* At the compaction point everything is still there. */
    memset(&it, 0, sizeof(it));
    ck_assert_int_eq(list("/registry/cm/", STORAGE_RV_EXACT, rc, NULL, 0, &it, &res, &err), 0);
    ck_assert_int_eq(it.n, 10);
    ck_assert_int_eq(it.v[0], 107);
    r = watch("/registry/cm/", STORAGE_WATCH_PREFIX, rc);
    pump();
    ck_assert_int_eq(r->n, 3);
    ck_assert_int_eq(r->ev[0].prev_v, 107);
    ck_assert_int_eq(r->ev[2].type, STORAGE_DELETED);
    rec_free(r);
}
END_TEST

static char *big_obj(size_t total)
{
    const char *head = "{\"metadata\":{\"name\":\"big\"},\"data\":{\"v\":1,\"blob\":\"";
    size_t hn = strlen(head);
    char *s = malloc(total + 1);

    memcpy(s, head, hn);
    memset(s + hn, 'x', total - hn - 3);
    memcpy(s + total - 3, "\"}}", 4);
    return s;
}

START_TEST(large_values)
{
    /* Leave room for the resourceVersion the store adds. */
    size_t limit = 3 * 1024 * 1024 / 2, ok_len = limit - 64;
    char *ok = big_obj(ok_len), *bad = big_obj(limit + 1);
    struct storage_obj o = {0};
    struct apierr err = {0};
    struct rec *r = watch("/registry/big/", STORAGE_WATCH_PREFIX, 0);

    ck_assert_int_eq(storage_create(st, "/registry/big/ns/a", ok, ok_len, NULL, &err), 0);
    ck_assert_int_eq(storage_create(st, "/registry/big/ns/b", bad, limit + 1, NULL, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_TOO_LARGE);
    pump();
    ck_assert_int_eq(get_reason("/registry/big/ns/a", NULL, &o), APIERR_OK);
    ck_assert_uint_gt(o.len, ok_len);
    ck_assert_int_eq(data_v(o.value), 1);
    storage_obj_release(&o);
    ck_assert_int_eq(r->n, 1);
    rec_free(r);
    free(ok);
    free(bad);
}
END_TEST

START_TEST(health)
{
    struct apierr err = {0};

    ck_assert_int_eq(storage_health(st, &err), 0);
}
END_TEST

/* --- the JSON codec (backend independent) --- */

static const struct {
    const char *in;
    int ok;
} stamp_cases[] = {
    {"{}", 1},
    {"{\"kind\":\"X\"}", 1},
    {"{\"metadata\":{}}", 1},
    {"{\"metadata\":{\"name\":\"a\"},\"data\":{\"metadata\":{\"resourceVersion\":\"7\"}}}", 1},
    {" { \"a\" : [1, {\"metadata\":2}, \"}\\\"\"] , \"metadata\" : { \"resourceVersion\" : 5 } } ",
     1},
    {"{\"metadata\":{\"resourceVersion\":\"12\",\"uid\":\"u\"},\"s\":\"metadata\"}", 1},
    {"[1]", 0},
    {"{\"metadata\":null}", 0},
    {"{\"metadata\":{\"a\":", 0},
};

START_TEST(json_stamp)
{
    size_t n = 0;
    char *out = storage_json_codec.stamp(stamp_cases[_i].in, strlen(stamp_cases[_i].in), 42, &n);
    struct json_object *want, *got, *m;

    if (!stamp_cases[_i].ok) {
        ck_assert_ptr_null(out);
        return;
    }
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(strlen(out), n);
    ck_assert_int_eq(rv_of(out), 42);
    /* Everything else is untouched: compare with json-c making the same edit. */
    want = parse(stamp_cases[_i].in);
    if (!json_object_object_get_ex(want, "metadata", &m)) {
        m = json_object_new_object();
        json_object_object_add(want, "metadata", m);
    }
    json_object_object_add(m, "resourceVersion", json_object_new_string("42"));
    got = parse(out);
    ck_assert(json_object_equal(want, got));
    json_object_put(want);
    json_object_put(got);
    free(out);
}
END_TEST

START_TEST(json_uid)
{
    const char *v = "{\"metadata\":{\"name\":\"a\",\"uid\":\"0d5e-11\"}}";
    char uid[64];

    ck_assert_int_eq(storage_json_codec.uid(v, strlen(v), uid, sizeof(uid)), 0);
    ck_assert_str_eq(uid, "0d5e-11");
    ck_assert_int_eq(storage_json_codec.uid("{}", 2, uid, sizeof(uid)), -1);
}
END_TEST

static Suite *conformance_suite(const struct backend_factory *f)
{
    Suite *s = suite_create(f->name);
    TCase *tc = tcase_create("conformance");

    factory = f;
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, crud);
    tcase_add_test(tc, update_missing_and_create);
    tcase_add_loop_test(tc, preconditions, 0, sizeof(pre_cases) / sizeof(pre_cases[0]));
    tcase_add_test(tc, reads_see_committed_only);
    tcase_add_test(tc, after_commit);
    tcase_add_test(tc, concurrent_guaranteed_updates);
    tcase_add_test(tc, list_prefix);
    tcase_add_test(tc, list_pagination_stable);
    tcase_add_test(tc, list_limit_exact_fit);
    tcase_add_test(tc, list_exact_old_revision);
    tcase_add_test(tc, get_at_revision);
    tcase_add_test(tc, continue_token_format);
    tcase_add_test(tc, watch_from_now);
    tcase_add_test(tc, watch_initial_state);
    tcase_add_loop_test(tc, watch_from_past, 0, 19);
    tcase_add_test(tc, watch_single_key);
    tcase_add_test(tc, watch_ordering_completeness);
    tcase_add_test(tc, watch_free_in_callback);
    tcase_add_test(tc, slow_watcher_is_ended);
    tcase_add_test(tc, compacted_is_expired);
    tcase_add_test(tc, large_values);
    tcase_add_test(tc, health);
    suite_add_tcase(s, tc);
    return s;
}

static Suite *codec_suite(void)
{
    Suite *s = suite_create("codec");
    TCase *tc = tcase_create("json");

    tcase_add_loop_test(tc, json_stamp, 0, sizeof(stamp_cases) / sizeof(stamp_cases[0]));
    tcase_add_test(tc, json_uid);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(conformance_suite(&sqlite_factory));
    int failed;

    srunner_add_suite(sr, codec_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
