/* Compaction: history older than the retention is removed on a schedule, in small steps.
 *
 * Every interval the store notes its revision; the newest note at least compaction_retain_ms
 * old becomes the compaction target T (so the last retain window is always kept, as kube's
 * compactor compacts to the revision it saw one interval earlier). From then on reads and
 * watches below T are Expired; on disk, a row at or below T is removed when it is a tombstone
 * or a newer row of its key at or below T exists, so the state at T (and everything after)
 * stays readable. Removal walks the revision range one step per loop turn inside the normal
 * group-commit transaction; the step size adapts so that a step takes about STEP_TARGET_US,
 * which keeps any write from waiting more than a few milliseconds behind compaction. */
#include <time.h>

#include <event2/event.h>

#include "generic/storage/sqlite_internal.h"

#define STEP_TARGET_US 3000
#define STEP_MIN       64
#define STEP_MAX       16384

static long long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void schedule_step(struct sqlite_store *s)
{
    static const struct timeval now = {0, 0};

    evtimer_add(s->compact_step, &now);
}

static int set_meta(struct sqlite_store *s, const char *name, int64_t value)
{
    sqlite3_stmt *q = s->w.set_meta;
    int rc;

    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, value);
    rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int delete_range(struct sqlite_store *s, int64_t lo, int64_t hi)
{
    sqlite3_stmt *q = s->w.compact;
    int rc;

    sqlite3_bind_int64(q, 1, lo);
    sqlite3_bind_int64(q, 2, hi);
    sqlite3_bind_int64(q, 3, s->compact_rev);
    rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void adapt_step(struct sqlite_store *s, long long took_us)
{
    if (took_us > STEP_TARGET_US && s->compact_step_revs > STEP_MIN)
        s->compact_step_revs /= 2;
    else if (took_us < STEP_TARGET_US / 4 && s->compact_step_revs < STEP_MAX)
        s->compact_step_revs *= 2;
    if (took_us > s->compact_max_step_us)
        s->compact_max_step_us = took_us;
}

static void step_cb(evutil_socket_t fd, short what, void *arg)
{
    struct sqlite_store *s = arg;
    int64_t lo, hi;
    long long t0 = now_us();
    struct apierr err;

    (void)fd, (void)what;
    if (sql_write_begin(s, &err) < 0)
        return; /* retried at the next tick */
    lo = s->batch->compact_cursor ? s->batch->compact_cursor : s->compact_cursor;
    if (lo >= s->compact_rev)
        return;
    hi = lo + s->compact_step_revs < s->compact_rev ? lo + s->compact_step_revs : s->compact_rev;
    if (delete_range(s, lo, hi) < 0 || set_meta(s, "compact_rev", s->compact_rev) < 0 ||
        set_meta(s, "compact_cursor", hi) < 0) {
        sql_fail(s->wdb, sqlite3_errcode(s->wdb), "compact", &err);
        sql_batch_fail(s);
        return;
    }
    s->batch->compact_cursor = hi;
    adapt_step(s, now_us() - t0);
    if (hi < s->compact_rev)
        schedule_step(s);
}

void sql_compact_committed(struct sqlite_store *s, int64_t cursor)
{
    if (cursor > s->compact_cursor)
        s->compact_cursor = cursor;
}

static void start(struct sqlite_store *s, int64_t target)
{
    if (target <= s->compact_rev)
        return;
    s->compact_rev = target; /* Expired from now on, before any row goes */
    schedule_step(s);
}

static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
    struct sqlite_store *s = arg;
    long long now = now_us() / 1000, slack = 1000;
    int64_t target = 0;
    unsigned i;

    (void)fd, (void)what;
    for (i = 0; i < s->nsamples; i++) {
        if (now - s->samples[i].ms + slack >= s->base.cfg.compaction_retain_ms &&
            s->samples[i].rev > target)
            target = s->samples[i].rev;
    }
    if (s->nsamples == REV_SAMPLES) {
        for (i = 1; i < REV_SAMPLES; i++)
            s->samples[i - 1] = s->samples[i];
        s->nsamples--;
    }
    s->samples[s->nsamples++] = (struct rev_sample){s->committed_rev, now};
    start(s, target);
    if (s->compact_cursor < s->compact_rev)
        schedule_step(s); /* also picks up a step that failed */
}

int sql_compact_init(struct sqlite_store *s)
{
    long ms = s->base.cfg.compaction_interval_ms;
    struct timeval iv = {ms / 1000, (ms % 1000) * 1000};

    s->compact_step_revs = 1024;
    s->compact_step = evtimer_new(s->base.base, step_cb, s);
    if (!s->compact_step)
        return -1;
    if (s->compact_cursor < s->compact_rev)
        schedule_step(s); /* finish what a previous run started */
    if (ms < 0)
        return 0;
    s->samples[0] = (struct rev_sample){s->committed_rev, now_us() / 1000};
    s->nsamples = 1;
    s->compact_timer = event_new(s->base.base, -1, EV_PERSIST, tick_cb, s);
    if (!s->compact_timer || event_add(s->compact_timer, &iv) < 0)
        return -1;
    return 0;
}

void sql_compact_release(struct sqlite_store *s)
{
    if (s->compact_timer)
        event_free(s->compact_timer);
    if (s->compact_step)
        event_free(s->compact_step);
    s->compact_timer = s->compact_step = NULL;
}

int sql_compact(struct storage *st, int64_t rev, struct apierr *err)
{
    struct sqlite_store *s = (struct sqlite_store *)st;

    if (rev > s->committed_rev)
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "cannot compact to revision %lld: current revision is %lld",
                          (long long)rev, (long long)s->committed_rev);
    start(s, rev);
    return 0;
}
