/* The storage conformance suite, part one: create, get, update, delete, preconditions, lists,
 * continue tokens, compaction, sizes and the JSON codec. Watches are in test_storage_watch.c;
 * the backend factory and shared helpers in storage_conformance.h; backend-specific tests in
 * test_storage_sqlite.c. */
#include <check.h>
#include <event2/event.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generic/apis/base64.h"
#include "generic/storage/storage.h"
#include "tests/unit/storage_conformance.h"

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
    long n;

    fill("/registry/cm/ns/o%02d", 3);
    ck_assert_int_eq(list("/registry/cm/ns/", STORAGE_RV_LATEST, 0, NULL, 1, &it, &res, &err), 0);
    /* kube's format: unpadded base64url of {"v":"meta.k8s.io/v1","rv":N,"start":"o00\u0000"} */
    ck_assert_uint_lt(base64_decoded_max(strlen(res.cont)), sizeof(raw));
    n = base64_decode((unsigned char *)raw, res.cont, strlen(res.cont), BASE64_URL | BASE64_RAW,
                      NULL);
    ck_assert_int_ge(n, 0);
    raw[n] = '\0';
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