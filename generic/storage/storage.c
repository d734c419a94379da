/* The generic entry points: defaults, dispatch through struct storage_ops, continue tokens. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generic/apis/xalloc.h"
#include "generic/storage/storage_internal.h"

#define DEFAULT_MAX_VALUE   (3u * 1024 * 1024 / 2)
#define DEFAULT_INTERVAL_MS (5L * 60 * 1000)

void storage_obj_release(struct storage_obj *o)
{
    if (!o)
        return;
    free(o->key);
    free(o->value);
    memset(o, 0, sizeof(*o));
}

void storage_base_init(struct storage *st, const struct storage_ops *ops, struct event_base *base,
                       const struct storage_config *cfg)
{
    st->ops = ops;
    st->base = base;
    st->cfg = *cfg;
    if (!st->cfg.max_value)
        st->cfg.max_value = DEFAULT_MAX_VALUE;
    if (!st->cfg.compaction_interval_ms)
        st->cfg.compaction_interval_ms = DEFAULT_INTERVAL_MS;
    if (!st->cfg.compaction_retain_ms)
        st->cfg.compaction_retain_ms = DEFAULT_INTERVAL_MS;
    if (!st->cfg.batch_max)
        st->cfg.batch_max = 1024;
    if (!st->cfg.watch_queue_max)
        st->cfg.watch_queue_max = 10000;
    st->codec = cfg->codec ? cfg->codec : &storage_json_codec;
    TAILQ_INIT(&st->watches);
}

struct storage *storage_open(struct event_base *base, const struct storage_config *cfg,
                             struct apierr *err)
{
    if (cfg->backend && strcmp(cfg->backend, "sqlite") != 0) {
        apierr_set(err, APIERR_UNAVAILABLE, "unknown storage backend \"%s\"", cfg->backend);
        return NULL;
    }
    return storage_sqlite_open(base, cfg, err);
}

void storage_free(struct storage *st)
{
    if (!st)
        return;
    st->ops->close(st);
}

int storage_key_err(struct apierr *err, enum apierr_reason reason, const char *key, const char *fmt,
                    ...)
{
    const char *slash = strrchr(key, '/');
    char what[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    apierr_set(err, reason, "\"%s\"%s", key, what);
    apierr_details(err, NULL, NULL, slash ? slash + 1 : key);
    return -1;
}

int storage_create(struct storage *st, const char *key, const char *value, size_t len,
                   struct storage_obj *out, struct apierr *err)
{
    if (len > st->cfg.max_value)
        return storage_key_err(err, APIERR_TOO_LARGE, key, "is too large: %zu bytes, limit %zu",
                               len, st->cfg.max_value);
    return st->ops->create(st, key, value, len, out, err);
}

int storage_update(struct storage *st, const char *key, const struct storage_preconds *pre,
                   unsigned flags, storage_update_fn fn, void *arg, struct storage_obj *out,
                   struct apierr *err)
{
    return st->ops->update(st, key, pre, flags, fn, arg, out, err);
}

int storage_delete(struct storage *st, const char *key, const struct storage_preconds *pre,
                   struct storage_obj *out, int64_t *del_rev, struct apierr *err)
{
    return st->ops->del(st, key, pre, out, del_rev, err);
}

void storage_after_commit(struct storage *st, void (*fn)(void *arg, int ok), void *arg)
{
    st->ops->after_commit(st, fn, arg);
}

int storage_flush(struct storage *st, struct apierr *err)
{
    return st->ops->flush(st, err);
}

int storage_get(struct storage *st, const char *key, const struct storage_read *rd,
                struct storage_obj *out, struct apierr *err)
{
    static const struct storage_read latest = {STORAGE_RV_LATEST, 0};

    return st->ops->get(st, key, rd ? rd : &latest, out, err);
}

int64_t storage_rev(struct storage *st)
{
    return st->ops->rev(st);
}

int64_t storage_compacted_rev(struct storage *st)
{
    return st->ops->compacted(st);
}

int storage_compact(struct storage *st, int64_t rev, struct apierr *err)
{
    return st->ops->compact(st, rev, err);
}

int storage_health(struct storage *st, struct apierr *err)
{
    return st->ops->health(st, err);
}

/* --- key ranges and lists --- */

void storage_prefix_range(const char *prefix, struct storage_range *r, char **end_buf)
{
    size_t n = strlen(prefix);
    char *end = xstrndup(prefix, n);

    r->start = prefix;
    r->start_len = n;
    /* The first string after every string with this prefix: bump the last byte below 0xff. */
    while (n > 0 && (unsigned char)end[n - 1] == 0xff)
        n--;
    if (n == 0) {
        free(end);
        *end_buf = NULL;
        r->end = NULL;
        r->end_len = 0;
        return;
    }
    end[n - 1]++;
    end[n] = '\0';
    *end_buf = end;
    r->end = end;
    r->end_len = n;
}

static int list_page(struct storage *st, const struct storage_list_opts *o, struct storage_page *pg,
                     char **start_buf, struct apierr *err)
{
    size_t plen = strlen(o->prefix), slen;
    int64_t rev;
    char *start, *full;

    pg->read = o->read;
    pg->limit = o->limit;
    if (!o->cont)
        return 0;
    if (storage_cont_decode(o->cont, &rev, &start, &slen, err) < 0)
        return -1;
    full = xmalloc(plen + slen + 1);
    memcpy(full, o->prefix, plen);
    memcpy(full + plen, start, slen);
    full[plen + slen] = '\0';
    free(start);
    *start_buf = full;
    pg->range.start = full;
    pg->range.start_len = plen + slen;
    pg->read.match = STORAGE_RV_EXACT;
    pg->read.rev = rev;
    if (rev < st->ops->compacted(st))
        return apierr_set(err, APIERR_EXPIRED,
                          "The provided continue parameter is too old to display a consistent "
                          "list result. You can start a new list without the continue "
                          "parameter.");
    return 0;
}

static void list_finish(const struct storage_list_opts *o, struct storage_page_result *pr,
                        struct storage_list_result *res)
{
    size_t plen = strlen(o->prefix), klen;
    char *start;

    res->rev = pr->rev;
    res->count = pr->count;
    res->cont = NULL;
    res->remaining = -1;
    if (!pr->more)
        return;
    /* Resume strictly after the last key: kube appends a NUL byte to it. */
    klen = strlen(pr->last_key) - plen;
    start = xmalloc(klen + 1);
    memcpy(start, pr->last_key + plen, klen);
    start[klen] = '\0';
    res->cont = storage_cont_encode(pr->rev, start, klen + 1);
    res->remaining = pr->remaining;
    free(start);
}

int storage_list(struct storage *st, const struct storage_list_opts *o, storage_item_fn fn,
                 void *arg, struct storage_list_result *res, struct apierr *err)
{
    struct storage_page pg = {0};
    struct storage_page_result pr = {0};
    char *end_buf = NULL, *start_buf = NULL;
    int rc = -1;

    storage_prefix_range(o->prefix, &pg.range, &end_buf);
    if (list_page(st, o, &pg, &start_buf, err) < 0)
        goto out;
    if (st->ops->list(st, &pg, fn, arg, &pr, err) < 0)
        goto out;
    list_finish(o, &pr, res);
    rc = 0;
out:
    free(pr.last_key);
    free(end_buf);
    free(start_buf);
    return rc;
}

void storage_list_result_release(struct storage_list_result *res)
{
    if (!res)
        return;
    free(res->cont);
    res->cont = NULL;
}
