/* Shared by the storage conformance suites (test_storage.c: CRUD, preconditions, lists,
 * compaction; test_storage_watch.c: watches). Everything here goes through storage.h only, so
 * every backend runs both: a suite function takes a struct backend_factory, and each main() runs
 * it for every backend built in (SQLite today; an etcd factory plugs in the same way). Each test
 * file is its own executable, so the fixture state below is per program. */
#ifndef TESTS_UNIT_STORAGE_CONFORMANCE_H
#define TESTS_UNIT_STORAGE_CONFORMANCE_H

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

static inline struct storage *sqlite_open(struct event_base *b, const struct storage_config *tuning,
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

static inline void sqlite_cleanup(void *dir)
{
    char cmd[256];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)dir);
    ck_assert_int_eq(system(cmd), 0);
    free(dir);
}

static const struct backend_factory sqlite_factory = {"sqlite", sqlite_open, sqlite_cleanup};

/* --- the fixture (setup/teardown around every test) and object helpers --- */

static inline void open_store(const struct storage_config *tuning)
{
    base = event_base_new();
    st = factory->open(base, tuning, &ctx);
}

static inline void setup(void)
{
    struct storage_config tuning = {.compaction_interval_ms = -1};

    open_store(&tuning);
}

static inline void teardown(void)
{
    storage_free(st);
    st = NULL;
    factory->cleanup(ctx);
    event_base_free(base);
}

/* Commits and runs the loop until watch deliveries (including chunked replays) are done. */
static inline void pump(void)
{
    struct apierr err = {0};
    int i;

    ck_assert_int_eq(storage_flush(st, &err), 0);
    for (i = 0; i < 200; i++)
        event_base_loop(base, EVLOOP_NONBLOCK);
}

static inline char *obj(const char *name, const char *uid, int v)
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

static inline struct json_object *parse(const char *value)
{
    struct json_object *o = json_tokener_parse(value);

    ck_assert_ptr_nonnull(o);
    return o;
}

static inline long long rv_of(const char *value)
{
    struct json_object *o = parse(value), *m, *rv;
    long long r;

    ck_assert(json_object_object_get_ex(o, "metadata", &m));
    ck_assert(json_object_object_get_ex(m, "resourceVersion", &rv));
    r = atoll(json_object_get_string(rv));
    json_object_put(o);
    return r;
}

static inline int data_v(const char *value)
{
    struct json_object *o = parse(value), *d, *v;
    int r;

    ck_assert(json_object_object_get_ex(o, "data", &d));
    ck_assert(json_object_object_get_ex(d, "v", &v));
    r = json_object_get_int(v);
    json_object_put(o);
    return r;
}

static inline int64_t put(const char *key, int v)
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

static inline int set_v(void *arg, const struct storage_obj *cur, char **value, size_t *len,
                        struct apierr *err)
{
    const struct setv *sv = arg;
    const char *name = sv->name ? sv->name : cur ? strrchr(cur->key, '/') + 1 : "new";

    (void)err;
    *value = obj(name, name, sv->v);
    *len = strlen(*value);
    return 0;
}

static inline int64_t upd(const char *key, int v)
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

static inline int64_t del(const char *key)
{
    struct apierr err = {0};
    int64_t rev = 0;

    ck_assert_msg(storage_delete(st, key, NULL, NULL, &rev, &err) == 0, "delete %s: %s", key,
                  err.message);
    return rev;
}

static inline enum apierr_reason get_reason(const char *key, const struct storage_read *rd,
                                            struct storage_obj *out)
{
    struct storage_obj tmp = {0};
    struct apierr err = {0};

    storage_get(st, key, rd, out ? out : &tmp, &err);
    storage_obj_release(&tmp);
    return err.reason;
}

static inline void fill(const char *fmt, int n)
{
    char key[128];
    int i;

    for (i = 0; i < n; i++) {
        snprintf(key, sizeof(key), fmt, i);
        put(key, i);
    }
    pump();
}

/* --- recording watch events --- */

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

static inline void rec_fn(void *arg, const struct storage_event *ev, const struct apierr *end)
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

static inline struct rec *watch(const char *key, unsigned flags, int64_t rev)
{
    struct storage_watch_opts o = {key, flags, rev};
    struct rec *r = calloc(1, sizeof(*r));
    struct apierr err = {0};

    r->w = storage_watch(st, &o, rec_fn, r, &err);
    ck_assert_msg(r->w != NULL, "watch: %s", err.message);
    return r;
}

static inline void rec_free(struct rec *r)
{
    storage_watch_free(r->w);
    free(r->ev);
    free(r);
}

#endif
