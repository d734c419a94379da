/* What a storage backend implements and shares with the generic layer (storage.c, watch.c).
 * Not for callers of the store: they use storage.h. */
#ifndef GENERIC_STORAGE_STORAGE_INTERNAL_H
#define GENERIC_STORAGE_STORAGE_INTERNAL_H

#include <sys/queue.h>

#include "generic/storage/storage.h"

/* A key range [start, end) with explicit lengths: start may carry a trailing NUL byte (the
 * first key after the previous page's last key, as kube's continue tokens do). end == NULL
 * means no upper bound. */
struct storage_range {
    const char *start;
    size_t start_len;
    const char *end;
    size_t end_len;
};

/* One page of a list as the backend sees it: the generic layer has already decoded the
 * continue token into range.start and read (pinning EXACT rev). */
struct storage_page {
    struct storage_range range;
    struct storage_read read;
    unsigned limit; /* 0: all */
};

struct storage_page_result {
    int64_t rev;       /* revision the page was read at */
    unsigned count;    /* items passed to fn */
    int more;          /* more items follow the last one */
    char *last_key;    /* owned, set when more */
    int64_t remaining; /* items after last_key when more */
};

/* Called by history() per event, in revision order; the event is borrowed for the call. */
typedef void (*storage_history_fn)(void *arg, const struct storage_event *ev);

/* A backend (redis's ConnectionType): the generic entry points dispatch through it. */
struct storage_ops {
    const char *name;
    void (*close)(struct storage *st); /* frees the backend, including st itself */
    int (*create)(struct storage *st, const char *key, const char *value, size_t len,
                  struct storage_obj *out, struct apierr *err);
    int (*update)(struct storage *st, const char *key, const struct storage_preconds *pre,
                  unsigned flags, storage_update_fn fn, void *arg, struct storage_obj *out,
                  struct apierr *err);
    int (*del)(struct storage *st, const char *key, const struct storage_preconds *pre,
               struct storage_obj *out, int64_t *del_rev, struct apierr *err);
    void (*after_commit)(struct storage *st, void (*fn)(void *arg, int ok), void *arg);
    int (*flush)(struct storage *st, struct apierr *err);
    int (*get)(struct storage *st, const char *key, const struct storage_read *rd,
               struct storage_obj *out, struct apierr *err);
    int (*list)(struct storage *st, const struct storage_page *pg, storage_item_fn fn, void *arg,
                struct storage_page_result *res, struct apierr *err);
    /* Events with after < rev <= upto in r, at most max of them; returns how many or -1. */
    int (*history)(struct storage *st, const struct storage_range *r, int64_t after, int64_t upto,
                   unsigned max, storage_history_fn fn, void *arg, struct apierr *err);
    int64_t (*rev)(struct storage *st);
    int64_t (*compacted)(struct storage *st);
    int (*compact)(struct storage *st, int64_t rev, struct apierr *err);
    int (*health)(struct storage *st, struct apierr *err);
};

TAILQ_HEAD(storage_watch_list, storage_watch);

/* The part of every backend the generic layer owns; backends embed it first. */
struct storage {
    const struct storage_ops *ops;
    struct event_base *base;
    struct storage_config cfg; /* defaults filled in; strings borrowed from the caller */
    const struct storage_codec *codec;
    struct storage_watch_list watches;
};

/* Opens the SQLite backend (generic/storage/sqlite.c). */
struct storage *storage_sqlite_open(struct event_base *base, const struct storage_config *cfg,
                                    struct apierr *err);

/* Fills the generic part; cfg defaults applied. */
void storage_base_init(struct storage *st, const struct storage_ops *ops, struct event_base *base,
                       const struct storage_config *cfg);

/* The [start, end) range of all keys beginning with prefix; *end_buf is owned by the caller
 * (NULL when there is no upper bound). */
void storage_prefix_range(const char *prefix, struct storage_range *r, char **end_buf);

/* A new event (refcount 1) with copies of the given bytes; prev may be NULL. */
struct storage_event *storage_event_new(enum storage_event_type type, int64_t rev, const char *key,
                                        const char *value, size_t len, const char *prev,
                                        size_t prev_len);

/* Backends call this after a commit, once per event, in revision order; takes no reference
 * from the caller (watchers take their own). */
void storage_publish(struct storage *st, const struct storage_event *ev);

/* Ends every watch (storage closing) and detaches them from st. */
void storage_watches_close(struct storage *st);

/* Sets err's message to "<what> \"<key>\"..." style and err->name to key's last segment. */
int storage_key_err(struct apierr *err, enum apierr_reason reason, const char *key, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));

/* Continue tokens (kube's format). encode returns a malloc'd token; decode fills *rev and a
 * malloc'd *start (length *start_len, may contain a trailing NUL) or fails with
 * APIERR_BAD_REQUEST. */
char *storage_cont_encode(int64_t rev, const char *start, size_t start_len);
int storage_cont_decode(const char *token, int64_t *rev, char **start, size_t *start_len,
                        struct apierr *err);

#endif
