/* Writes: create, guaranteed update, delete, each inside the open group-commit transaction.
 * Reads here go through the write connection so that a key written earlier in the same turn
 * is seen; any SQLite failure part-way rolls the whole batch back (sql_batch_fail), since a
 * write must never be half-applied. */
#include <stdlib.h>
#include <string.h>

#include "generic/apis/xalloc.h"
#include "generic/storage/sqlite_internal.h"

/* Reads key's current object through the write transaction: 1 found, 0 absent, -1 error. */
static int read_cur(struct sqlite_store *s, const char *key, struct storage_obj *cur,
                    struct apierr *err)
{
    sqlite3_stmt *st = s->w.cur;
    int rc;

    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(st, 2);

        cur->key = xstrdup(key);
        cur->rev = sqlite3_column_int64(st, 0);
        cur->create_rev = sqlite3_column_int64(st, 1);
        cur->value = xmalloc(n + 1);
        memcpy(cur->value, sqlite3_column_blob(st, 2), n);
        cur->value[n] = '\0';
        cur->len = n;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    sql_batch_fail(s);
    return sql_fail(s->wdb, rc, "read", err);
}

static int step_done(struct sqlite_store *s, sqlite3_stmt *st, struct apierr *err)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc == SQLITE_DONE)
        return 0;
    sql_fail(s->wdb, rc, "write", err);
    sql_batch_fail(s);
    return -1;
}

struct change {
    enum storage_event_type type;
    const char *key;
    int64_t create_rev;
    const struct storage_obj *prev; /* NULL for ADDED */
    char *value;                    /* stamped; taken */
    size_t len;
};

/* Appends one change at revision s->next_rev: a log row, the kv pointer, the batch event. */
static int apply(struct sqlite_store *s, struct change *c, struct apierr *err)
{
    int64_t rev = s->next_rev;
    sqlite3_stmt *st = s->w.ins_log;
    struct storage_event *ev;

    sqlite3_bind_int64(st, 1, rev);
    sqlite3_bind_text(st, 2, c->key, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, c->type);
    sqlite3_bind_int64(st, 4, c->create_rev ? c->create_rev : rev);
    sqlite3_bind_int64(st, 5, c->prev ? c->prev->rev : 0);
    sqlite3_bind_blob(st, 6, c->value, (int)c->len, SQLITE_STATIC);
    if (step_done(s, st, err) < 0)
        return -1;
    st = c->type == STORAGE_DELETED ? s->w.del_kv : s->w.put_kv;
    sqlite3_bind_text(st, 1, c->key, -1, SQLITE_STATIC);
    if (c->type != STORAGE_DELETED)
        sqlite3_bind_int64(st, 2, rev);
    if (step_done(s, st, err) < 0)
        return -1;
    s->next_rev++;
    ev = storage_event_new(c->type, rev, c->key, c->value, c->len, c->prev ? c->prev->value : NULL,
                           c->prev ? c->prev->len : 0);
    sql_batch_event(s, ev, c->len + (c->prev ? c->prev->len : 0));
    return 0;
}

static char *stamp(struct sqlite_store *s, const char *key, const char *value, size_t len,
                   int64_t rev, size_t *out_len, struct apierr *err)
{
    char *out = s->base.codec->stamp(value, len, rev, out_len);

    if (!out)
        storage_key_err(err, APIERR_INTERNAL, key, ": value is not an object the store can stamp");
    return out;
}

/* Fills out (if wanted) with key's new state; takes value. */
static void give(struct storage_obj *out, const char *key, char *value, size_t len, int64_t rev,
                 int64_t create_rev)
{
    if (!out) {
        free(value);
        return;
    }
    out->key = xstrdup(key);
    out->value = value;
    out->len = len;
    out->rev = rev;
    out->create_rev = create_rev;
}

int sql_create(struct storage *st, const char *key, const char *value, size_t len,
               struct storage_obj *out, struct apierr *err)
{
    struct sqlite_store *s = (struct sqlite_store *)st;
    struct storage_obj cur = {0};
    struct change c = {STORAGE_ADDED, key, 0, NULL, NULL, 0};
    int64_t rev;
    int found;

    if (sql_write_begin(s, err) < 0)
        return -1;
    found = read_cur(s, key, &cur, err);
    storage_obj_release(&cur);
    if (found != 0)
        return found > 0 ? storage_key_err(err, APIERR_ALREADY_EXISTS, key, " already exists") : -1;
    rev = s->next_rev;
    c.value = stamp(s, key, value, len, rev, &c.len, err);
    if (!c.value)
        return -1;
    if (apply(s, &c, err) < 0) {
        free(c.value);
        return -1;
    }
    give(out, key, c.value, c.len, rev, rev);
    return 0;
}

static int check_pre(struct storage *st, const char *key, const struct storage_preconds *pre,
                     const struct storage_obj *cur, struct apierr *err)
{
    char uid[128];

    if (!pre)
        return 0;
    if (pre->uid) {
        int have = st->codec->uid(cur->value, cur->len, uid, sizeof(uid)) == 0;

        if (!have || strcmp(uid, pre->uid) != 0)
            return storage_key_err(err, APIERR_CONFLICT, key,
                                   ": Precondition failed: UID in precondition: %s, UID in "
                                   "object meta: %s",
                                   pre->uid, have ? uid : "");
    }
    if (pre->rev && pre->rev != cur->rev)
        return storage_key_err(err, APIERR_CONFLICT, key,
                               ": Precondition failed: ResourceVersion in precondition: %lld, "
                               "ResourceVersion in object meta: %lld",
                               (long long)pre->rev, (long long)cur->rev);
    if (pre->check && pre->check(pre->check_arg, cur, err) < 0)
        return -1;
    return 0;
}

/* Whether value, stamped with cur's revision, is byte for byte what is stored. */
static int unchanged(struct sqlite_store *s, const struct storage_obj *cur, const char *value,
                     size_t len)
{
    size_t n;
    char *same = s->base.codec->stamp(value, len, cur->rev, &n);
    int eq = same && n == cur->len && memcmp(same, cur->value, n) == 0;

    free(same);
    return eq;
}

static int update_write(struct sqlite_store *s, const char *key, struct storage_obj *cur, int found,
                        char *nv, size_t nlen, struct storage_obj *out, struct apierr *err)
{
    struct change c = {found ? STORAGE_MODIFIED : STORAGE_ADDED,
                       key,
                       found ? cur->create_rev : 0,
                       found ? cur : NULL,
                       NULL,
                       0};
    int64_t rev = s->next_rev;

    if (nlen > s->base.cfg.max_value)
        return storage_key_err(err, APIERR_TOO_LARGE, key, " is too large: %zu bytes, limit %zu",
                               nlen, s->base.cfg.max_value);
    if (found && unchanged(s, cur, nv, nlen)) {
        give(out, key, cur->value, cur->len, cur->rev, cur->create_rev);
        cur->value = NULL;
        return 0;
    }
    c.value = stamp(s, key, nv, nlen, rev, &c.len, err);
    if (!c.value || apply(s, &c, err) < 0) {
        free(c.value);
        return -1;
    }
    give(out, key, c.value, c.len, rev, c.create_rev ? c.create_rev : rev);
    return 0;
}

int sql_update(struct storage *st, const char *key, const struct storage_preconds *pre,
               unsigned flags, storage_update_fn fn, void *arg, struct storage_obj *out,
               struct apierr *err)
{
    struct sqlite_store *s = (struct sqlite_store *)st;
    struct storage_obj cur = {0};
    char *nv = NULL;
    size_t nlen = 0;
    int found, rc = -1;

    if (sql_write_begin(s, err) < 0)
        return -1;
    found = read_cur(s, key, &cur, err);
    if (found < 0)
        return -1;
    if (!found && !(flags & STORAGE_UPDATE_CREATE)) {
        storage_key_err(err, APIERR_NOT_FOUND, key, " not found");
        goto out;
    }
    if (found && check_pre(st, key, pre, &cur, err) < 0)
        goto out;
    if (fn(arg, found ? &cur : NULL, &nv, &nlen, err) < 0)
        goto out;
    rc = update_write(s, key, &cur, found, nv, nlen, out, err);
out:
    free(nv);
    storage_obj_release(&cur);
    return rc;
}

int sql_delete(struct storage *st, const char *key, const struct storage_preconds *pre,
               struct storage_obj *out, int64_t *del_rev, struct apierr *err)
{
    struct sqlite_store *s = (struct sqlite_store *)st;
    struct storage_obj cur = {0};
    struct change c = {STORAGE_DELETED, key, 0, &cur, NULL, 0};
    int64_t rev = 0;
    int found, rc = -1;

    if (sql_write_begin(s, err) < 0)
        return -1;
    found = read_cur(s, key, &cur, err);
    if (found <= 0) {
        if (found == 0)
            storage_key_err(err, APIERR_NOT_FOUND, key, " not found");
        return -1;
    }
    if (check_pre(st, key, pre, &cur, err) < 0)
        goto out;
    rev = s->next_rev;
    c.create_rev = cur.create_rev;
    /* The tombstone keeps the last value, stamped with the delete's revision, as kube's
     * watch reports a deleted object. */
    c.value = stamp(s, key, cur.value, cur.len, rev, &c.len, err);
    if (!c.value || apply(s, &c, err) < 0)
        goto out;
    if (del_rev)
        *del_rev = rev;
    if (out) {
        *out = cur;
        memset(&cur, 0, sizeof(cur));
    }
    rc = 0;
out:
    free(c.value);
    storage_obj_release(&cur);
    return rc;
}
