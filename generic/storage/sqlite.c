/* The SQLite backend: opening the database safely, group commit, WAL checkpoints.
 *
 * Durability: WAL with synchronous=FULL, so every COMMIT fsyncs the WAL before it returns; a
 * batch is acknowledged (after-commit callbacks, watch events) only after that.
 *
 * WAL bound: the write connection does not checkpoint on every commit (that would stall it
 * for the whole copy); a helper thread with its own connection runs PASSIVE checkpoints every
 * second and whenever the WAL passes CKPT_PAGES pages (4 MiB with 4 KiB pages). Under sustained
 * writes those never reach the WAL's moving end, so once the WAL reaches WRITER_CKPT_PAGES
 * (16 MiB) the writer itself finishes the checkpoint after its commit (cheap: the helper has
 * copied most frames) and the next transaction restarts the WAL from its beginning;
 * journal_size_limit then trims the file to 16 MiB. The WAL thus stays below about
 * 16 MiB + one batch (batches commit early at SQL_BATCH_BYTES = 32 MiB), unless a read
 * transaction pins old frames (ours last one statement or one list page). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "generic/apis/xalloc.h"
#include "generic/storage/sqlite_internal.h"

#define CKPT_PAGES        1000 /* wake the helper thread */
#define WRITER_CKPT_PAGES 4096 /* finish the checkpoint on the writer (16 MiB) */

int sql_fail(sqlite3 *db, int rc, const char *what, struct apierr *err)
{
    int prim = rc & 0xff;

    fprintf(stderr, "storage: %s: %s (%d)\n", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc),
            rc);
    if (prim == SQLITE_IOERR || prim == SQLITE_FULL || prim == SQLITE_BUSY ||
        prim == SQLITE_LOCKED || prim == SQLITE_READONLY || prim == SQLITE_CANTOPEN)
        return apierr_set(err, APIERR_UNAVAILABLE, "storage is unavailable");
    return apierr_set(err, APIERR_INTERNAL, "storage error");
}

int sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}

static void finalize_all(sqlite3_stmt **first, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        sqlite3_finalize(first[i]);
}

/* --- group commit --- */

static struct batch *batch_new(void)
{
    return xcalloc(1, sizeof(struct batch));
}

static void batch_free(struct batch *b)
{
    unsigned i;

    for (i = 0; i < b->nev; i++)
        storage_event_unref(b->evs[i]);
    free(b->evs);
    free(b->cbs);
    free(b);
}

void sql_batch_event(struct sqlite_store *s, struct storage_event *ev, size_t bytes)
{
    struct batch *b = s->batch;

    if (b->nev == b->evcap) {
        b->evcap = b->evcap ? b->evcap * 2 : 16;
        b->evs = xrealloc(b->evs, b->evcap * sizeof(*b->evs));
    }
    b->evs[b->nev++] = ev;
    b->bytes += bytes;
}

/* Moves the open batch to the list awaiting notification, with its outcome. */
static void batch_close(struct sqlite_store *s, int ok)
{
    static const struct timeval now = {0, 0};
    struct batch *b = s->batch;

    b->ok = ok;
    *s->done_tail = b;
    s->done_tail = &b->next;
    s->batch = batch_new();
    s->in_txn = 0;
    s->last_commit_failed = !ok;
    if (ok) {
        s->committed_rev = s->next_rev - 1;
        if (b->compact_cursor)
            sql_compact_committed(s, b->compact_cursor);
    } else {
        /* Nothing of the batch happened: its revisions are handed out again. */
        s->next_rev = s->committed_rev + 1;
    }
    evtimer_add(s->commit_ev, &now);
}

void sql_batch_fail(struct sqlite_store *s)
{
    if (!sqlite3_get_autocommit(s->wdb)) {
        sqlite3_step(s->w.rollback);
        sqlite3_reset(s->w.rollback);
    }
    batch_close(s, 0);
}

static void do_commit(struct sqlite_store *s)
{
    int rc;

    if (!s->in_txn)
        return;
    rc = sqlite3_step(s->w.commit);
    sqlite3_reset(s->w.commit);
    if (rc != SQLITE_DONE) {
        struct apierr err;

        sql_fail(s->wdb, rc, "commit", &err);
        sql_batch_fail(s);
        return;
    }
    batch_close(s, 1);
}

/* Publishes committed batches' events, then answers their waiters, oldest batch first. */
static void notify(struct sqlite_store *s)
{
    struct batch *b;
    unsigned i;

    while ((b = s->done_head)) {
        s->done_head = b->next;
        if (!s->done_head)
            s->done_tail = &s->done_head;
        for (i = 0; b->ok && i < b->nev; i++)
            storage_publish(&s->base, b->evs[i]);
        for (i = 0; i < b->ncb; i++)
            b->cbs[i].fn(b->cbs[i].arg, b->ok);
        batch_free(b);
    }
}

static void commit_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    do_commit(arg);
    notify(arg);
}

int sql_write_begin(struct sqlite_store *s, struct apierr *err)
{
    static const struct timeval now = {0, 0};
    int rc;

    if (s->in_txn && (s->batch->nev >= s->base.cfg.batch_max || s->batch->bytes >= SQL_BATCH_BYTES))
        do_commit(s);
    if (s->in_txn)
        return 0;
    rc = sqlite3_step(s->w.begin);
    sqlite3_reset(s->w.begin);
    if (rc != SQLITE_DONE)
        return sql_fail(s->wdb, rc, "begin", err);
    s->in_txn = 1;
    /* The commit runs on the next loop iteration, after this turn's other callbacks. */
    evtimer_add(s->commit_ev, &now);
    return 0;
}

static void sql_after_commit(struct storage *st, void (*fn)(void *arg, int ok), void *arg)
{
    struct sqlite_store *s = (struct sqlite_store *)st;
    struct batch *b = s->batch;

    if (!s->in_txn) {
        fn(arg, 1);
        return;
    }
    if (b->ncb == b->cbcap) {
        b->cbcap = b->cbcap ? b->cbcap * 2 : 16;
        b->cbs = xrealloc(b->cbs, b->cbcap * sizeof(*b->cbs));
    }
    b->cbs[b->ncb++] = (struct commit_cb){fn, arg};
}

static int sql_flush(struct storage *st, struct apierr *err)
{
    struct sqlite_store *s = (struct sqlite_store *)st;

    do_commit(s);
    notify(s);
    if (s->last_commit_failed)
        return apierr_set(err, APIERR_UNAVAILABLE, "storage commit failed");
    return 0;
}

static int64_t sql_rev(struct storage *st)
{
    return ((struct sqlite_store *)st)->committed_rev;
}

static int64_t sql_compacted(struct storage *st)
{
    return ((struct sqlite_store *)st)->compact_rev;
}

static int sql_health(struct storage *st, struct apierr *err)
{
    struct sqlite_store *s = (struct sqlite_store *)st;
    int rc = sqlite3_step(s->r.ping);

    sqlite3_reset(s->r.ping);
    if (rc != SQLITE_ROW)
        return sql_fail(s->rdb, rc, "health check", err);
    if (s->last_commit_failed)
        return apierr_set(err, APIERR_UNAVAILABLE, "the last storage commit failed");
    return 0;
}

/* --- checkpoints --- */

static void *ckpt_main(void *arg)
{
    struct ckpt_thread *c = arg;
    struct timespec ts;

    pthread_mutex_lock(&c->mu);
    while (!c->stop) {
        if (!c->kick) {
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 1;
            pthread_cond_timedwait(&c->cond, &c->mu, &ts);
        }
        if (c->stop)
            break;
        c->kick = 0;
        pthread_mutex_unlock(&c->mu);
        sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&c->mu);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    struct ckpt_thread *c = arg;

    if (pages >= WRITER_CKPT_PAGES) {
        /* Under sustained writes the helper's checkpoints never see a quiet WAL, and only a
         * checkpoint that reaches the end lets the next transaction restart the WAL. The
         * helper has copied most frames already, so this one copies the rest and fsyncs. */
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    } else if (pages >= CKPT_PAGES && c->started) {
        pthread_mutex_lock(&c->mu);
        c->kick = 1;
        pthread_cond_signal(&c->cond);
        pthread_mutex_unlock(&c->mu);
    }
    return SQLITE_OK;
}

static void ckpt_stop(struct ckpt_thread *c)
{
    if (c->started) {
        pthread_mutex_lock(&c->mu);
        c->stop = 1;
        pthread_cond_signal(&c->cond);
        pthread_mutex_unlock(&c->mu);
        pthread_join(c->tid, NULL);
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cond);
        c->started = 0;
    }
    sqlite3_close_v2(c->db);
    c->db = NULL;
}

static void ckpt_start(struct sqlite_store *s)
{
    struct ckpt_thread *c = &s->ckpt;

    sqlite3_wal_hook(s->wdb, wal_hook, c);
    if (sqlite3_open_v2(s->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        fprintf(stderr, "storage: checkpoint connection: %s\n", sqlite3_errmsg(c->db));
        return; /* the WAL then grows until restart; reads and writes still work */
    }
    sqlite3_busy_timeout(c->db, 1000);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cond, NULL);
    if (pthread_create(&c->tid, NULL, ckpt_main, c) != 0) {
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cond);
        return;
    }
    c->started = 1;
}

/* --- open and close --- */

static int prepare_writes(struct sqlite_store *s, struct apierr *err)
{
    static const char *const sql[] = {
        "BEGIN IMMEDIATE",
        "COMMIT",
        "ROLLBACK",
        "SELECT l.rev, l.create_rev, l.value FROM kv JOIN log l ON l.rev = kv.rev WHERE kv.key = "
        "?1",
        "INSERT INTO log (rev, key, type, create_rev, prev_rev, value) VALUES (?1,?2,?3,?4,?5,?6)",
        "INSERT INTO kv (key, rev) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET rev = ?2",
        "DELETE FROM kv WHERE key = ?1",
        "INSERT OR REPLACE INTO meta (name, value) VALUES (?1, ?2)",
        /* Rows in (?1, ?2] superseded at ?3: tombstones, and rows with a newer row <= ?3. */
        "DELETE FROM log WHERE rev > ?1 AND rev <= ?2 AND (type = 3 OR EXISTS (SELECT 1 FROM log n"
        " WHERE n.key = log.key AND n.rev > log.rev AND n.rev <= ?3))",
    };
    sqlite3_stmt **out = &s->w.begin;
    size_t i;

    for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
        int rc = sql_prepare(s->wdb, sql[i], &out[i]);

        if (rc != SQLITE_OK)
            return sql_fail(s->wdb, rc, "prepare", err);
    }
    return 0;
}

static void sql_close(struct storage *st)
{
    struct sqlite_store *s = (struct sqlite_store *)st;

    if (s->wdb) {
        do_commit(s);
        notify(s);
    }
    storage_watches_close(st);
    sql_compact_release(s);
    ckpt_stop(&s->ckpt);
    if (s->commit_ev)
        event_free(s->commit_ev);
    finalize_all(&s->w.begin, sizeof(s->w) / sizeof(sqlite3_stmt *));
    sql_read_finalize(s);
    if (s->wdb)
        sqlite3_wal_checkpoint_v2(s->wdb, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    sql_close_files(s);
    batch_free(s->batch);
    free(s);
}

static const struct storage_ops sqlite_ops = {
    .name = "sqlite",
    .close = sql_close,
    .create = sql_create,
    .update = sql_update,
    .del = sql_delete,
    .after_commit = sql_after_commit,
    .flush = sql_flush,
    .get = sql_get,
    .list = sql_list,
    .history = sql_history,
    .rev = sql_rev,
    .compacted = sql_compacted,
    .compact = sql_compact,
    .health = sql_health,
};

struct storage *storage_sqlite_open(struct event_base *base, const struct storage_config *cfg,
                                    struct apierr *err)
{
    struct sqlite_store *s = xcalloc(1, sizeof(*s));

    storage_base_init(&s->base, &sqlite_ops, base, cfg);
    s->lock_fd = -1;
    s->batch = batch_new();
    s->done_tail = &s->done_head;
    if (sql_open_files(s, cfg->data_dir, err) < 0 || prepare_writes(s, err) < 0 ||
        sql_read_prepare(s, err) < 0 || sql_load_state(s, err) < 0) {
        sql_close(&s->base);
        return NULL;
    }
    s->commit_ev = evtimer_new(base, commit_cb, s);
    if (sql_compact_init(s) < 0) {
        apierr_set(err, APIERR_INTERNAL, "cannot start compaction timers");
        sql_close(&s->base);
        return NULL;
    }
    ckpt_start(s);
    return &s->base;
}
