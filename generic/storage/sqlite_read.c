/* Reads for clients, on the read connection: they see committed data only.
 *
 * The latest state is a key-ordered scan of kv; a past revision R is read with one seek per
 * key on log(key, rev DESC): "the first row of the next key whose rev <= R", which costs a
 * B-tree seek per listed key, however long each key's history is. Range starts may end in a
 * NUL byte (the key right after the previous page's last key); SQLite compares TEXT with
 * memcmp and length under the BINARY collation, which orders "k" < "k\0" < "k0". */
#include <stdlib.h>
#include <string.h>

#include "generic/apis/xalloc.h"
#include "generic/storage/sqlite_internal.h"

#define NO_END "\xff" /* above every UTF-8 key */

int sql_read_prepare(struct sqlite_store *s, struct apierr *err)
{
    static const char *const sql[] = {
        "SELECT l.rev, l.create_rev, l.value FROM kv JOIN log l ON l.rev = kv.rev WHERE kv.key = "
        "?1",
        "SELECT rev, create_rev, type, value FROM log INDEXED BY log_key_rev WHERE key = ?1"
        " AND rev <= ?2 ORDER BY rev DESC LIMIT 1",
        "SELECT kv.key, l.rev, l.value FROM kv JOIN log l ON l.rev = kv.rev WHERE kv.key >= ?1"
        " AND kv.key < ?2 ORDER BY kv.key LIMIT ?3",
        "SELECT key, rev, type, value FROM log INDEXED BY log_key_rev WHERE key >= ?1 AND key < ?2"
        " AND rev <= ?3 ORDER BY key, rev DESC LIMIT 1",
        "SELECT count(*) FROM kv WHERE key >= ?1 AND key < ?2",
        "SELECT count(*) FROM log l WHERE l.key >= ?1 AND l.key < ?2 AND l.rev <= ?3"
        " AND l.type != 3 AND NOT EXISTS (SELECT 1 FROM log n WHERE n.key = l.key"
        " AND n.rev > l.rev AND n.rev <= ?3)",
        /* +key: walk the rev primary key in order; the key range only filters. */
        "SELECT l.rev, l.key, l.type, l.value, p.value FROM log l LEFT JOIN log p"
        " ON p.rev = l.prev_rev WHERE l.rev > ?1 AND l.rev <= ?2 AND +l.key >= ?3"
        " AND +l.key < ?4 ORDER BY l.rev LIMIT ?5",
        "SELECT 1",
    };
    sqlite3_stmt **out = &s->r.get;
    size_t i;

    for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
        int rc = sql_prepare(s->rdb, sql[i], &out[i]);

        if (rc != SQLITE_OK)
            return sql_fail(s->rdb, rc, "prepare", err);
    }
    return 0;
}

void sql_read_finalize(struct sqlite_store *s)
{
    sqlite3_stmt **all = &s->r.get;
    size_t i;

    for (i = 0; i < sizeof(s->r) / sizeof(sqlite3_stmt *); i++)
        sqlite3_finalize(all[i]);
}

int sql_read_rev(struct sqlite_store *s, const struct storage_read *rd, int64_t *rev,
                 struct apierr *err)
{
    *rev = s->committed_rev;
    if (rd->match == STORAGE_RV_LATEST || rd->match == STORAGE_RV_ANY || rd->rev == 0)
        return 0;
    if (rd->rev > s->committed_rev)
        return apierr_set(err, APIERR_TIMEOUT, "Too large resource version: %lld, current: %lld",
                          (long long)rd->rev, (long long)s->committed_rev);
    if (rd->match == STORAGE_RV_NOT_OLDER)
        return 0;
    if (rd->rev < s->compact_rev)
        return apierr_set(err, APIERR_EXPIRED, "too old resource version: %lld (%lld)",
                          (long long)rd->rev, (long long)s->compact_rev);
    *rev = rd->rev;
    return 0;
}

static void copy_obj(struct storage_obj *o, const char *key, sqlite3_stmt *st, int rev_col,
                     int val_col)
{
    size_t n = (size_t)sqlite3_column_bytes(st, val_col);

    o->key = xstrdup(key);
    o->rev = sqlite3_column_int64(st, rev_col);
    o->create_rev = sqlite3_column_int64(st, rev_col + 1);
    o->value = xmalloc(n + 1);
    memcpy(o->value, sqlite3_column_blob(st, val_col), n);
    o->value[n] = '\0';
    o->len = n;
}

int sql_get(struct storage *st, const char *key, const struct storage_read *rd,
            struct storage_obj *out, struct apierr *err)
{
    struct sqlite_store *s = (struct sqlite_store *)st;
    int64_t rev;
    sqlite3_stmt *q;
    int rc, found;

    if (sql_read_rev(s, rd, &rev, err) < 0)
        return -1;
    q = rev == s->committed_rev ? s->r.get : s->r.get_at;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    if (q == s->r.get_at)
        sqlite3_bind_int64(q, 2, rev);
    rc = sqlite3_step(q);
    found = rc == SQLITE_ROW && (q == s->r.get || sqlite3_column_int(q, 2) != STORAGE_DELETED);
    if (found)
        copy_obj(out, key, q, 0, q == s->r.get ? 2 : 3);
    sqlite3_reset(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sql_fail(s->rdb, rc, "get", err);
    if (!found)
        return storage_key_err(err, APIERR_NOT_FOUND, key, " not found");
    return 0;
}

static void bind_range(sqlite3_stmt *q, const struct storage_range *r)
{
    sqlite3_bind_text(q, 1, r->start, (int)r->start_len, SQLITE_STATIC);
    if (r->end)
        sqlite3_bind_text(q, 2, r->end, (int)r->end_len, SQLITE_STATIC);
    else
        sqlite3_bind_text(q, 2, NO_END, -1, SQLITE_STATIC);
}

/* Keys after last (exclusive) in r at rev (latest when rev is the committed revision). */
static int64_t count_after(struct sqlite_store *s, const struct storage_range *r, const char *last,
                           int64_t rev)
{
    sqlite3_stmt *q = rev == s->committed_rev ? s->r.count : s->r.count_at;
    size_t n = strlen(last);
    char *after = xmalloc(n + 1);
    struct storage_range rest = {after, n + 1, r->end, r->end_len};
    int64_t count = -1;

    memcpy(after, last, n + 1); /* with its NUL: the first key after last */
    bind_range(q, &rest);
    if (q == s->r.count_at)
        sqlite3_bind_int64(q, 3, rev);
    if (sqlite3_step(q) == SQLITE_ROW)
        count = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    free(after);
    return count;
}

static int list_latest(struct sqlite_store *s, const struct storage_page *pg, storage_item_fn fn,
                       void *arg, struct storage_page_result *res)
{
    sqlite3_stmt *q = s->r.list;
    int rc;

    bind_range(q, &pg->range);
    sqlite3_bind_int64(q, 3, pg->limit ? (int64_t)pg->limit + 1 : -1);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(q, 0);

        if (pg->limit && res->count == pg->limit) {
            res->more = 1;
            break;
        }
        free(res->last_key);
        res->last_key = xstrdup(key);
        fn(arg, key, sqlite3_column_blob(q, 2), (size_t)sqlite3_column_bytes(q, 2),
           sqlite3_column_int64(q, 1));
        res->count++;
    }
    sqlite3_reset(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : rc;
}

/* One seek: the newest row at or below rev of the first key >= start. */
static int seek_at(struct sqlite_store *s, const struct storage_range *r, int64_t rev)
{
    sqlite3_stmt *q = s->r.list_at;

    sqlite3_reset(q);
    bind_range(q, r);
    sqlite3_bind_int64(q, 3, rev);
    return sqlite3_step(q);
}

static int list_at(struct sqlite_store *s, const struct storage_page *pg, int64_t rev,
                   storage_item_fn fn, void *arg, struct storage_page_result *res)
{
    sqlite3_stmt *q = s->r.list_at;
    struct storage_range r = pg->range;
    char *next = NULL;
    int rc;

    while ((rc = seek_at(s, &r, rev)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(q, 0);
        size_t n = (size_t)sqlite3_column_bytes(q, 0);

        if (sqlite3_column_int(q, 2) != STORAGE_DELETED) {
            if (pg->limit && res->count == pg->limit) {
                res->more = 1;
                break;
            }
            free(res->last_key);
            res->last_key = xstrdup(key);
            fn(arg, key, sqlite3_column_blob(q, 3), (size_t)sqlite3_column_bytes(q, 3),
               sqlite3_column_int64(q, 1));
            res->count++;
        }
        free(next);
        next = xmalloc(n + 1);
        memcpy(next, key, n + 1); /* key plus NUL: the next seek starts after it */
        r.start = next;
        r.start_len = n + 1;
    }
    sqlite3_reset(q);
    free(next);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : rc;
}

int sql_list(struct storage *st, const struct storage_page *pg, storage_item_fn fn, void *arg,
             struct storage_page_result *res, struct apierr *err)
{
    struct sqlite_store *s = (struct sqlite_store *)st;
    int64_t rev;
    int rc;

    if (sql_read_rev(s, &pg->read, &rev, err) < 0)
        return -1;
    res->rev = rev;
    if (rev == s->committed_rev)
        rc = list_latest(s, pg, fn, arg, res);
    else
        rc = list_at(s, pg, rev, fn, arg, res);
    if (rc != 0)
        return sql_fail(s->rdb, rc, "list", err);
    if (res->more)
        res->remaining = count_after(s, &pg->range, res->last_key, rev);
    return 0;
}

static struct storage_event *row_event(sqlite3_stmt *q)
{
    const char *prev = sqlite3_column_type(q, 4) == SQLITE_NULL ? NULL : sqlite3_column_blob(q, 4);
    int type = sqlite3_column_int(q, 2);

    if (type == STORAGE_ADDED)
        prev = NULL;
    return storage_event_new((enum storage_event_type)type, sqlite3_column_int64(q, 0),
                             (const char *)sqlite3_column_text(q, 1), sqlite3_column_blob(q, 3),
                             (size_t)sqlite3_column_bytes(q, 3), prev ? prev : NULL,
                             prev ? (size_t)sqlite3_column_bytes(q, 4) : 0);
}

int sql_history(struct storage *st, const struct storage_range *r, int64_t after, int64_t upto,
                unsigned max, storage_history_fn fn, void *arg, struct apierr *err)
{
    struct sqlite_store *s = (struct sqlite_store *)st;
    sqlite3_stmt *q = s->r.history;
    int rc, n = 0;

    sqlite3_bind_int64(q, 1, after);
    sqlite3_bind_int64(q, 2, upto);
    sqlite3_bind_text(q, 3, r->start, (int)r->start_len, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, r->end ? r->end : NO_END, r->end ? (int)r->end_len : -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, max);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct storage_event *ev = row_event(q);

        fn(arg, ev);
        storage_event_unref(ev);
        n++;
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return sql_fail(s->rdb, rc, "history", err);
    return n;
}
