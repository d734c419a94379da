/* The storage conformance suite, part two: watches from now, from the past and with the initial
 * state, on a key or a prefix, their order and completeness under many writers, freeing one from
 * its own callback, and ending a watcher that falls too far behind. Written against storage.h
 * only, with the backend factory and helpers of storage_conformance.h. */
#include <check.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generic/storage/storage.h"
#include "tests/unit/storage_conformance.h"

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

static Suite *watch_conformance_suite(const struct backend_factory *f)
{
    Suite *s = suite_create(f->name);
    TCase *tc = tcase_create("watch");

    factory = f;
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, watch_from_now);
    tcase_add_test(tc, watch_initial_state);
    tcase_add_loop_test(tc, watch_from_past, 0, 19);
    tcase_add_test(tc, watch_single_key);
    tcase_add_test(tc, watch_ordering_completeness);
    tcase_add_test(tc, watch_free_in_callback);
    tcase_add_test(tc, slow_watcher_is_ended);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(watch_conformance_suite(&sqlite_factory));
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
