/* Opening the SQLite store without ever mistaking an unusable or foreign file for an empty
 * store: the data dir must exist, an flock on <dir>/kube.db.lock keeps a second server out,
 * and an existing database must carry our schema. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "generic/apis/xalloc.h"
#include "generic/storage/sqlite_internal.h"

#define SCHEMA_VERSION 1

static const char schema_sql[] =
    "BEGIN IMMEDIATE;"
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE log (rev INTEGER PRIMARY KEY, key TEXT NOT NULL, type INTEGER NOT NULL,"
    " create_rev INTEGER NOT NULL, prev_rev INTEGER NOT NULL, value BLOB NOT NULL);"
    "CREATE INDEX log_key_rev ON log (key, rev DESC);"
    "CREATE TABLE kv (key TEXT PRIMARY KEY, rev INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT INTO meta VALUES ('schema', 1), ('base_rev', 1), ('compact_rev', 0),"
    " ('compact_cursor', 0);"
    "COMMIT;";

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = xmalloc(n);

    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int take_lock(struct sqlite_store *s, const char *dir, struct apierr *err)
{
    char *lock = path_join(dir, "kube.db.lock");
    int rc = 0;

    s->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (s->lock_fd < 0)
        rc = apierr_set(err, APIERR_UNAVAILABLE, "cannot open lock file %s: %s", lock,
                        strerror(errno));
    else if (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0)
        rc = apierr_set(err, APIERR_UNAVAILABLE,
                        errno == EWOULDBLOCK
                            ? "data directory %s is in use by another kube-apiserver (%s is locked)"
                            : "cannot lock data directory %s (%s)",
                        dir, lock);
    free(lock);
    return rc;
}

static int check_dir(const char *dir, struct apierr *err)
{
    struct stat sb;

    if (!dir || !dir[0])
        return apierr_set(err, APIERR_UNAVAILABLE, "no data directory given");
    if (stat(dir, &sb) < 0)
        return apierr_set(err, APIERR_UNAVAILABLE, "data directory %s: %s", dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return apierr_set(err, APIERR_UNAVAILABLE, "data directory %s is not a directory", dir);
    return 0;
}

/* A database is new only if neither it nor its WAL holds a byte (WAL mode may keep a fresh
 * store's first transactions in the WAL while the main file is still empty). */
static int is_new_db(const char *path)
{
    size_t n = strlen(path);
    char *wal = xmalloc(n + 5);
    struct stat sb;
    int fresh = 1;

    snprintf(wal, n + 5, "%s-wal", path);
    if (stat(path, &sb) == 0 && sb.st_size > 0)
        fresh = 0;
    if (stat(wal, &sb) == 0 && sb.st_size > 0)
        fresh = 0;
    free(wal);
    return fresh;
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static int set_wal(struct sqlite_store *s, struct apierr *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->wdb, "PRAGMA journal_mode=WAL", -1, &st, NULL);
    int ok = 0;

    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ok = strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
    sqlite3_finalize(st);
    if (ok)
        return 0;
    if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
        return apierr_set(err, APIERR_UNAVAILABLE, "database %s is corrupt or not a database: %s",
                          s->path, sqlite3_errmsg(s->wdb));
    return apierr_set(err, APIERR_UNAVAILABLE, "cannot use WAL mode on %s: %s", s->path,
                      rc == SQLITE_ROW ? "journal mode refused" : sqlite3_errmsg(s->wdb));
}

static int open_conn(struct sqlite_store *s, sqlite3 **db, int flags, struct apierr *err)
{
    int rc = sqlite3_open_v2(s->path, db, flags | SQLITE_OPEN_NOMUTEX, NULL);

    if (rc != SQLITE_OK)
        return apierr_set(err, APIERR_UNAVAILABLE, "cannot open database %s: %s", s->path,
                          *db ? sqlite3_errmsg(*db) : sqlite3_errstr(rc));
    if (sqlite3_db_readonly(*db, "main") == 1)
        return apierr_set(err, APIERR_UNAVAILABLE, "database %s is read-only", s->path);
    sqlite3_busy_timeout(*db, 5000);
    exec(*db, "PRAGMA cache_size=-16384");
    return 0;
}

static int check_schema(struct sqlite_store *s, struct apierr *err)
{
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite3_prepare_v2(s->wdb, "SELECT value FROM meta WHERE name = 'schema'", -1, &st, NULL);
    long long version = -1;

    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        version = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
        return apierr_set(err, APIERR_UNAVAILABLE, "database %s is corrupt or not a database: %s",
                          s->path, sqlite3_errstr(rc));
    if (version < 0)
        return apierr_set(err, APIERR_UNAVAILABLE,
                          "database %s is not a kube-apiserver store or is corrupt: %s", s->path,
                          sqlite3_errmsg(s->wdb));
    if (version != SCHEMA_VERSION)
        return apierr_set(err, APIERR_UNAVAILABLE, "database %s has schema version %lld, want %d",
                          s->path, version, SCHEMA_VERSION);
    return 0;
}

static int setup_write_conn(struct sqlite_store *s, int fresh, struct apierr *err)
{
    int rc;

    /* An existing file must be ours before anything is written to it. */
    if (!fresh && check_schema(s, err) < 0)
        return -1;
    if (set_wal(s, err) < 0)
        return -1;
    if (exec(s->wdb, "PRAGMA synchronous=FULL") != SQLITE_OK ||
        exec(s->wdb, "PRAGMA wal_autocheckpoint=0") != SQLITE_OK ||
        exec(s->wdb, "PRAGMA journal_size_limit=16777216") != SQLITE_OK)
        return sql_fail(s->wdb, SQLITE_ERROR, "pragma", err);
    if (fresh && (rc = exec(s->wdb, schema_sql)) != SQLITE_OK)
        return apierr_set(err, APIERR_UNAVAILABLE, "cannot create database %s: %s", s->path,
                          sqlite3_errmsg(s->wdb));
    if (fresh && check_schema(s, err) < 0)
        return -1;
    /* Prove now that we can write (a read-only directory fails here, not at the first PUT). */
    if (exec(s->wdb, "BEGIN IMMEDIATE; COMMIT") != SQLITE_OK)
        return apierr_set(err, APIERR_UNAVAILABLE, "cannot write database %s: %s", s->path,
                          sqlite3_errmsg(s->wdb));
    return 0;
}

int sql_open_files(struct sqlite_store *s, const char *dir, struct apierr *err)
{
    int fresh;

    if (check_dir(dir, err) < 0 || take_lock(s, dir, err) < 0)
        return -1;
    s->path = path_join(dir, "kube.db");
    fresh = is_new_db(s->path);
    if (open_conn(s, &s->wdb, SQLITE_OPEN_READWRITE | (fresh ? SQLITE_OPEN_CREATE : 0), err) < 0 ||
        setup_write_conn(s, fresh, err) < 0)
        return -1;
    if (open_conn(s, &s->rdb, SQLITE_OPEN_READWRITE, err) < 0)
        return -1;
    exec(s->rdb, "PRAGMA query_only=1");
    return 0;
}

void sql_close_files(struct sqlite_store *s)
{
    sqlite3_close_v2(s->rdb);
    sqlite3_close_v2(s->wdb);
    s->rdb = s->wdb = NULL;
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    s->lock_fd = -1;
    free(s->path);
    s->path = NULL;
}

static int64_t scalar(sqlite3 *db, const char *sql, int *ok)
{
    sqlite3_stmt *st = NULL;
    int64_t v = 0;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
        *ok = 0;
    else
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int sql_load_state(struct sqlite_store *s, struct apierr *err)
{
    int ok = 1;
    int64_t maxrev = scalar(s->wdb, "SELECT coalesce(max(rev), 0) FROM log", &ok);
    int64_t base = scalar(s->wdb, "SELECT value FROM meta WHERE name = 'base_rev'", &ok);

    s->compact_rev = scalar(s->wdb, "SELECT value FROM meta WHERE name = 'compact_rev'", &ok);
    s->compact_cursor = scalar(s->wdb, "SELECT value FROM meta WHERE name = 'compact_cursor'", &ok);
    if (!ok)
        return apierr_set(err, APIERR_UNAVAILABLE, "database %s: cannot read its state: %s",
                          s->path, sqlite3_errmsg(s->wdb));
    /* Compaction may have removed the newest rows (tombstones): never hand out a revision twice. */
    s->committed_rev = maxrev > base ? maxrev : base;
    if (s->compact_rev > s->committed_rev)
        s->committed_rev = s->compact_rev;
    s->next_rev = s->committed_rev + 1;
    return 0;
}
