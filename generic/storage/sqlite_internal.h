/* The SQLite backend's private layout, shared by sqlite.c (open, group commit, checkpoints),
 * sqlite_write.c, sqlite_read.c and sqlite_compact.c.
 *
 * Schema: log(rev INTEGER PRIMARY KEY, key, type, create_rev, prev_rev, value) holds every
 * change (a delete is a row whose value is the last value stamped with the delete's revision);
 * kv(key PRIMARY KEY, rev) points at each live key's current log row, so the latest state is a
 * key-ordered scan of kv joined by rowid, and a past state is one index seek per key on
 * log(key, rev DESC) (no max-per-key aggregation over the whole history, kine's slow query).
 * meta(name, value) holds the schema version, the compacted revision and compaction progress. */
#ifndef GENERIC_STORAGE_SQLITE_INTERNAL_H
#define GENERIC_STORAGE_SQLITE_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "generic/storage/storage_internal.h"

#define SQL_BATCH_BYTES (32u << 20) /* commit early once a batch carries this much */

struct commit_cb {
    void (*fn)(void *arg, int ok);
    void *arg;
};

/* The writes of one transaction: their events and who waits for the commit. */
struct batch {
    struct storage_event **evs;
    unsigned nev, evcap;
    struct commit_cb *cbs;
    unsigned ncb, cbcap;
    size_t bytes;
    int64_t compact_cursor; /* compaction progress made in this batch; 0: none */
    int ok;
    struct batch *next;
};

struct wstmts {
    sqlite3_stmt *begin, *commit, *rollback, *cur, *ins_log, *put_kv, *del_kv, *set_meta;
    sqlite3_stmt *compact;
};

struct rstmts {
    sqlite3_stmt *get, *get_at, *list, *list_at, *count, *count_at, *history, *ping;
};

struct ckpt_thread {
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    sqlite3 *db;
    int started, stop, kick;
};

struct rev_sample {
    int64_t rev;
    long long ms;
};

#define REV_SAMPLES 64

struct sqlite_store {
    struct storage base; /* first */
    sqlite3 *wdb;        /* the only writer: group-committed transactions */
    sqlite3 *rdb;        /* client reads: sees committed data only */
    struct wstmts w;
    struct rstmts r;
    int lock_fd;
    char *path;
    int in_txn;
    int64_t next_rev;       /* revision the next write gets */
    int64_t committed_rev;  /* latest durable revision */
    int64_t compact_rev;    /* reads below are Expired */
    int64_t compact_cursor; /* history up to here is compacted on disk */
    int last_commit_failed;
    struct batch *batch; /* the open transaction's batch (always allocated) */
    struct batch *done_head, **done_tail;
    struct event *commit_ev;       /* end of turn: commit, then notify */
    struct event *compact_timer;   /* every compaction interval */
    struct event *compact_step;    /* one small batch of deletions per loop turn */
    unsigned compact_step_revs;    /* revisions per step, adapted to the step's duration */
    long long compact_max_step_us; /* longest step so far (tests, benchmarks) */
    struct rev_sample samples[REV_SAMPLES];
    unsigned nsamples;
    struct ckpt_thread ckpt;
};

/* Logs the SQLite error of db to stderr and fills err (UNAVAILABLE for I/O, disk full or
 * locks, INTERNAL otherwise); returns -1. */
int sql_fail(sqlite3 *db, int rc, const char *what, struct apierr *err);

/* Opens the write transaction if none is (committing first if the batch is full). */
int sql_write_begin(struct sqlite_store *s, struct apierr *err);

/* A write failed half-way: rolls the whole batch back and reports it failed. */
void sql_batch_fail(struct sqlite_store *s);

/* Adds a committed-to-be event to the open batch (takes ev). */
void sql_batch_event(struct sqlite_store *s, struct storage_event *ev, size_t bytes);

int sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st);

/* sqlite_open.c: checks the data dir, takes its lock, opens (or creates) the database and both
 * connections; each failure fills err with a message for a person. */
int sql_open_files(struct sqlite_store *s, const char *dir, struct apierr *err);
void sql_close_files(struct sqlite_store *s);
/* Reads the current and compacted revisions. */
int sql_load_state(struct sqlite_store *s, struct apierr *err);

/* sqlite_write.c */
int sql_create(struct storage *st, const char *key, const char *value, size_t len,
               struct storage_obj *out, struct apierr *err);
int sql_update(struct storage *st, const char *key, const struct storage_preconds *pre,
               unsigned flags, storage_update_fn fn, void *arg, struct storage_obj *out,
               struct apierr *err);
int sql_delete(struct storage *st, const char *key, const struct storage_preconds *pre,
               struct storage_obj *out, int64_t *del_rev, struct apierr *err);

/* sqlite_read.c */
int sql_read_prepare(struct sqlite_store *s, struct apierr *err);
void sql_read_finalize(struct sqlite_store *s);
int sql_get(struct storage *st, const char *key, const struct storage_read *rd,
            struct storage_obj *out, struct apierr *err);
int sql_list(struct storage *st, const struct storage_page *pg, storage_item_fn fn, void *arg,
             struct storage_page_result *res, struct apierr *err);
int sql_history(struct storage *st, const struct storage_range *r, int64_t after, int64_t upto,
                unsigned max, storage_history_fn fn, void *arg, struct apierr *err);
/* Resolves rd to the revision to read at, or fails (TIMEOUT future, EXPIRED compacted). */
int sql_read_rev(struct sqlite_store *s, const struct storage_read *rd, int64_t *rev,
                 struct apierr *err);

/* sqlite_compact.c */
int sql_compact_init(struct sqlite_store *s);
void sql_compact_release(struct sqlite_store *s);
int sql_compact(struct storage *st, int64_t rev, struct apierr *err);
/* A commit succeeded with compaction progress in it. */
void sql_compact_committed(struct sqlite_store *s, int64_t cursor);

#endif
