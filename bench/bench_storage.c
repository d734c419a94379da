/* Storage figures: durable create rates (1 and 64 concurrent writers, group commit) against a
 * raw SQLite single-row INSERT baseline at the same durability on the same disk, get latency,
 * a 10k x 1 KiB list (time and peak extra memory), watch fan-out latency (1000 watchers x 1000
 * events, from commit to delivery), and compaction step times. Medians of RUNS runs.
 * Usage: bench_storage [dir] (default: a new directory under /tmp). */
#include <event2/event.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "generic/storage/sqlite_internal.h" /* compaction progress */

#define RUNS 5

static struct event_base *base;
static struct storage *st;
static struct storage_config st_cfg;
static char *value1k;
static size_t value1k_len;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double pct(double *v, size_t n, double p)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return v[(size_t)((double)(n - 1) * p)];
}

static double median(double *v, size_t n)
{
    return pct(v, n, 0.5);
}

/* --- creates with N writers: each writes, waits for durability, writes again --- */

struct writer {
    int left, id, *running;
    unsigned *seq;
};

static void write_next(evutil_socket_t fd, short what, void *arg);

static void written(void *arg, int ok)
{
    static const struct timeval now = {0, 0};
    struct writer *w = arg;

    if (!ok) {
        fprintf(stderr, "commit failed\n");
        exit(1);
    }
    if (--w->left > 0)
        event_base_once(base, -1, EV_TIMEOUT, write_next, w, &now);
    else
        (*w->running)--;
}

static void write_next(evutil_socket_t fd, short what, void *arg)
{
    struct writer *w = arg;
    struct apierr err = {0};
    char key[64];

    (void)fd, (void)what;
    snprintf(key, sizeof(key), "/registry/bench/ns/c%08u", (*w->seq)++);
    if (storage_create(st, key, value1k, value1k_len, NULL, &err) < 0) {
        fprintf(stderr, "create: %s\n", err.message);
        exit(1);
    }
    storage_after_commit(st, written, w);
}

static double creates_per_s(int writers, int total)
{
    static const struct timeval now = {0, 0};
    static unsigned seq;
    struct writer *w = calloc((size_t)writers, sizeof(*w));
    int running = writers, i;
    double t0 = now_s();

    for (i = 0; i < writers; i++) {
        w[i] = (struct writer){total / writers, i, &running, &seq};
        event_base_once(base, -1, EV_TIMEOUT, write_next, &w[i], &now);
    }
    while (running > 0)
        event_base_loop(base, EVLOOP_ONCE);
    free(w);
    return (double)(total / writers * writers) / (now_s() - t0);
}

static double raw_inserts_per_s(const char *dir, int total)
{
    char path[512];
    sqlite3 *db;
    sqlite3_stmt *q;
    double t0;
    int i;

    snprintf(path, sizeof(path), "%s/raw.db", dir);
    unlink(path);
    sqlite3_open(path, &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v BLOB)",
                 0, 0, 0);
    sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1, ?2)", -1, &q, NULL);
    t0 = now_s();
    for (i = 0; i < total; i++) {
        char key[64];

        snprintf(key, sizeof(key), "/registry/raw/ns/%08d", i);
        sqlite3_bind_text(q, 1, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_blob(q, 2, value1k, (int)value1k_len, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_DONE)
            exit(1);
        sqlite3_reset(q);
    }
    t0 = (double)total / (now_s() - t0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return t0;
}

/* --- reads --- */

static void fill(const char *prefix, int n)
{
    struct apierr err = {0};
    char key[96];
    int i;

    for (i = 0; i < n; i++) {
        snprintf(key, sizeof(key), "%s%08d", prefix, i);
        if (storage_create(st, key, value1k, value1k_len, NULL, &err) < 0)
            exit(1);
        if (i % 500 == 499)
            storage_flush(st, &err);
    }
    storage_flush(st, &err);
}

static void get_latency(int n, double *p50, double *p99)
{
    double *lat = malloc((size_t)n * sizeof(*lat));
    struct storage_obj o = {0};
    struct apierr err = {0};
    char key[96];
    int i;

    for (i = 0; i < n; i++) {
        double t0;

        snprintf(key, sizeof(key), "/registry/list/ns/%08d", rand() % 10000);
        t0 = now_s();
        if (storage_get(st, key, NULL, &o, &err) < 0)
            exit(1);
        lat[i] = now_s() - t0;
        storage_obj_release(&o);
    }
    *p50 = pct(lat, (size_t)n, 0.5);
    *p99 = pct(lat, (size_t)n, 0.99);
    free(lat);
}

static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;

    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, field, strlen(field)) == 0)
            kb = atol(line + strlen(field) + 1);
    }
    if (f)
        fclose(f);
    return kb;
}

static void reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");

    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

static void reopen(void)
{
    struct apierr err = {0};
    const char *dir = st_cfg.data_dir;

    storage_free(st);
    st = storage_open(base, &st_cfg, &err);
    if (!st) {
        fprintf(stderr, "reopen %s: %s\n", dir, err.message);
        exit(1);
    }
}

static void count_item(void *arg, const char *key, const char *value, size_t len, int64_t rev)
{
    (void)key, (void)value, (void)rev;
    *(size_t *)arg += len;
}

static void list_10k(double *secs, double *peak_kb, double *sql_kb)
{
    sqlite3_int64 used, cur, hi;
    struct storage_list_opts o = {"/registry/list/", {STORAGE_RV_LATEST, 0}, NULL, 0};
    struct storage_list_result res = {0};
    struct apierr err = {0};
    size_t bytes = 0;
    long rss;
    double t0;

    reopen(); /* cold: the page cache fills during the list and counts */
    reset_peak();
    rss = status_kb("VmRSS:");
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &hi, 1);
    t0 = now_s();
    if (storage_list(st, &o, count_item, &bytes, &res, &err) < 0 || res.count != 10000)
        exit(1);
    *secs = now_s() - t0;
    *peak_kb = (double)(status_kb("VmHWM:") - rss);
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &hi, 0);
    *sql_kb = (double)(hi - used) / 1024;
    storage_list_result_release(&res);
}

/* --- watch fan-out --- */

struct fan {
    double *commit_at; /* by revision - base_rev */
    int64_t base_rev;
    double *lat;
    size_t nlat;
    int nev;
};

static struct fan fan;

static void fan_cb(void *arg, const struct storage_event *ev, const struct apierr *end)
{
    (void)arg;
    if (!ev) {
        fprintf(stderr, "watch ended: %s\n", end->message);
        exit(1);
    }
    fan.lat[fan.nlat++] = now_s() - fan.commit_at[ev->rev - fan.base_rev];
}

static void fan_committed(void *arg, int ok)
{
    int64_t rev = (int64_t)(intptr_t)arg;

    (void)ok;
    fan.commit_at[rev - fan.base_rev] = now_s();
}

static void fanout(int watchers, int events, double *p50, double *p99, double *secs)
{
    struct storage_watch_opts o = {"/registry/fan/", STORAGE_WATCH_PREFIX, 0};
    struct storage_watch **w = calloc((size_t)watchers, sizeof(*w));
    struct apierr err = {0};
    struct storage_obj out = {0};
    double t0;
    int i;

    fan.base_rev = storage_rev(st);
    fan.commit_at = calloc((size_t)events + 2, sizeof(double));
    fan.lat = malloc((size_t)watchers * (size_t)events * sizeof(double));
    fan.nlat = 0;
    for (i = 0; i < watchers; i++)
        w[i] = storage_watch(st, &o, fan_cb, NULL, &err);
    t0 = now_s();
    for (i = 0; i < events; i++) {
        char key[64];

        snprintf(key, sizeof(key), "/registry/fan/ns/%08d", i);
        storage_create(st, key, value1k, value1k_len, &out, &err);
        storage_after_commit(st, fan_committed, (void *)(intptr_t)out.rev);
        storage_obj_release(&out);
        if (i % 64 == 63) /* 64 writers per loop turn */
            event_base_loop(base, EVLOOP_ONCE);
    }
    while (fan.nlat < (size_t)watchers * (size_t)events)
        event_base_loop(base, EVLOOP_ONCE);
    *secs = now_s() - t0;
    *p50 = pct(fan.lat, fan.nlat, 0.5);
    *p99 = pct(fan.lat, fan.nlat, 0.99);
    for (i = 0; i < watchers; i++)
        storage_watch_free(w[i]);
    free(w);
    free(fan.lat);
    free(fan.commit_at);
}

static int bump(void *arg, const struct storage_obj *cur, char **value, size_t *len,
                struct apierr *err)
{
    (void)arg, (void)cur, (void)err;
    *value = malloc(value1k_len + 1);
    memcpy(*value, value1k, value1k_len + 1);
    (*value)[value1k_len - 5] = (char)('a' + rand() % 26);
    *len = value1k_len;
    return 0;
}

/* 100k revisions of history over 100 keys, then compaction of all of it on the loop. */
static void compaction(double *max_step_ms, double *secs, int *turns)
{
    struct sqlite_store *s = (struct sqlite_store *)st;
    struct apierr err = {0};
    char key[64];
    double t0;
    int i;

    for (i = 0; i < 100000; i++) {
        snprintf(key, sizeof(key), "/registry/hot/ns/%03d", i % 100);
        storage_update(st, key, NULL, STORAGE_UPDATE_CREATE, bump, NULL, NULL, &err);
        if (i % 1000 == 999)
            storage_flush(st, &err);
    }
    storage_flush(st, &err);
    s->compact_max_step_us = 0;
    t0 = now_s();
    storage_compact(st, storage_rev(st), &err);
    for (*turns = 0; s->compact_cursor < s->compact_rev; (*turns)++)
        event_base_loop(base, EVLOOP_ONCE);
    *secs = now_s() - t0;
    *max_step_ms = (double)s->compact_max_step_us / 1e3;
}

static void make_value(void)
{
    const char *head = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\","
                       "\"namespace\":\"ns\",\"uid\":\"0d5e0bd6-6c4b-4f3e-9a55-6f1f5a8e1a11\"},"
                       "\"data\":{\"payload\":\"";
    size_t hn = strlen(head);

    value1k_len = 1024;
    value1k = malloc(value1k_len + 1);
    memcpy(value1k, head, hn);
    memset(value1k + hn, 'p', value1k_len - hn - 3);
    memcpy(value1k + value1k_len - 3, "\"}}", 4);
}

int main(int argc, char **argv)
{
    char tmpl[] = "/tmp/bench_storage.XXXXXX", cmd[600];
    const char *dir = argc > 1 ? argv[1] : mkdtemp(tmpl);
    struct storage_config cfg = {.data_dir = dir, .compaction_interval_ms = -1};
    struct apierr err = {0};
    double seq[RUNS], conc[RUNS], raw[RUNS], lt[RUNS], lm[RUNS], ls[RUNS], p50, p99, s;
    int i;

    make_value();
    base = event_base_new();
    st_cfg = cfg;
    st = storage_open(base, &cfg, &err);
    if (!st) {
        fprintf(stderr, "open %s: %s\n", dir, err.message);
        return 1;
    }
    for (i = 0; i < RUNS; i++) {
        seq[i] = creates_per_s(1, 1000);
        conc[i] = creates_per_s(64, 64 * 200);
        raw[i] = raw_inserts_per_s(dir, 1000);
    }
    printf("data dir: %s (1 KiB JSON values, WAL + synchronous=FULL)\n", dir);
    printf("sequential creates (1 writer):     %8.0f /s\n", median(seq, RUNS));
    printf("concurrent creates (64 writers):   %8.0f /s\n", median(conc, RUNS));
    printf("raw SQLite 1-row INSERT commits:   %8.0f /s\n", median(raw, RUNS));
    printf("ratio concurrent / raw:            %8.1f x\n", median(conc, RUNS) / median(raw, RUNS));
    fill("/registry/list/ns/", 10000);
    get_latency(100000, &p50, &p99);
    printf("get latency:                       p50 %.1f us, p99 %.1f us\n", p50 * 1e6, p99 * 1e6);
    for (i = 0; i < RUNS; i++)
        list_10k(&lt[i], &lm[i], &ls[i]);
    printf("list 10k x 1 KiB (cold cache):     %.1f ms, peak extra: RSS %.0f KiB, SQLite heap "
           "%.0f KiB (%.0f KiB listed)\n",
           median(lt, RUNS) * 1e3, median(lm, RUNS), median(ls, RUNS),
           10000 * value1k_len / 1024.0);
    fanout(1000, 1000, &p50, &p99, &s);
    printf("watch fan-out 1000 x 1000 events:  p50 %.2f ms, p99 %.2f ms from commit (%.2f s)\n",
           p50 * 1e3, p99 * 1e3, s);
    compaction(&p50, &s, &i);
    printf("compaction of 100k revisions:      %.2f s in %d loop turns, longest step %.2f ms\n", s,
           i, p50);
    storage_free(st);
    event_base_free(base);
    free(value1k);
    if (argc <= 1) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            return 1;
    }
    return 0;
}
