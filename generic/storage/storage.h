/* The versioned key/value store every resource lives in (DESIGN §5), behind a backend vtable.
 *
 * Keys follow kube: "/registry/<group>/<resource>/<namespace>/<name>". Values are bytes: the
 * object's serialized JSON, with metadata.resourceVersion already in it, so a GET or LIST can
 * serve stored bytes without parsing them. The store stamps the revision into the bytes itself
 * through a codec (struct storage_codec; storage_json_codec by default): callers pass the
 * object without caring what resourceVersion it carries.
 *
 * Revisions: one global, strictly increasing revision; each write gets the next one, and an
 * object's resourceVersion is the revision of its last write. A fresh store is at revision 1.
 *
 * Threading and consistency: everything runs on the event loop thread given to storage_open().
 * Writes are synchronous in shape and group-committed: create/update/delete execute at once
 * inside a write transaction opened by the first write of a loop turn and return their result
 * (new revision, AlreadyExists, Conflict, NotFound) immediately, but the transaction is
 * committed at the end of the loop turn (or earlier when a batch is full). A write is durable
 * only when storage_after_commit() reports ok; a caller must not answer a client before that.
 * If the commit fails, every write of that batch is lost and reported with ok = 0.
 * - Reads for clients (storage_get, storage_list, watch replay) see only committed data: they
 *   use a separate read connection (a WAL snapshot) and never see the current turn's writes.
 * - storage_update's read-modify-write, and the existence checks of create and delete, read
 *   through the write transaction: they do see earlier uncommitted writes of the same turn,
 *   so several updates of one key in one turn chain correctly.
 * Watch events of a batch are published only after its commit, in revision order.
 *
 * Errors: functions returning int return 0 on success and -1 with *err filled. Reasons:
 * APIERR_NOT_FOUND, APIERR_ALREADY_EXISTS, APIERR_CONFLICT (failed precondition),
 * APIERR_EXPIRED (revision compacted), APIERR_TOO_LARGE (value over the limit),
 * APIERR_TIMEOUT (a resourceVersion newer than the store: kube's "Too large resource version"),
 * APIERR_BAD_REQUEST (bad continue token), APIERR_UNAVAILABLE / APIERR_INTERNAL (backend
 * failure; detail goes to stderr). The store cannot know kube's resource names: messages quote
 * the key, and err->name holds the key's last segment so callers can rebuild kube's wording. */
#ifndef GENERIC_STORAGE_STORAGE_H
#define GENERIC_STORAGE_STORAGE_H

#include <stddef.h>
#include <stdint.h>

#include "generic/apis/apierr.h"

struct event_base;
struct storage;
struct storage_watch;

/* A stored object. Every field is owned by the struct; storage_obj_release() frees them. */
struct storage_obj {
    char *key;
    char *value; /* NUL-terminated (the NUL is not counted in len) */
    size_t len;
    int64_t rev;        /* revision of the last write: metadata.resourceVersion */
    int64_t create_rev; /* revision that created this incarnation of the key */
};

/* Frees the fields of o and zeroes it; o may be NULL or already released. */
void storage_obj_release(struct storage_obj *o);

/* How the store reads and writes the metadata it needs inside value bytes.
 * stamp: returns a new malloc'd copy of value with metadata.resourceVersion set to the decimal
 *        rev (length in *out_len), or NULL if value is not an object it understands.
 * uid:   copies metadata.uid into buf (NUL-terminated); returns 0, or -1 if there is none. */
struct storage_codec {
    char *(*stamp)(const char *value, size_t len, int64_t rev, size_t *out_len);
    int (*uid)(const char *value, size_t len, char *buf, size_t size);
};

/* JSON objects, handled as bytes without a full parse. */
extern const struct storage_codec storage_json_codec;

struct storage_config {
    const char *backend;  /* "sqlite" (NULL means sqlite) */
    const char *data_dir; /* sqlite: existing directory; the database is <data_dir>/kube.db */
    const struct storage_codec *codec; /* NULL: storage_json_codec; borrowed for the store's life */
    size_t max_value;                  /* largest stored value; 0: 1.5 MiB (etcd's limit) */
    long compaction_interval_ms;       /* --etcd-compaction-interval; 0: 5 min; < 0: never */
    long compaction_retain_ms;         /* history always kept; 0: 5 min */
    unsigned batch_max;                /* writes per group commit before an early commit; 0: 1024 */
    unsigned watch_queue_max; /* events queued for a paused watch before it is ended; 0: 10000 */
};

/* Opens (or, if absent, creates) the store; timers and the commit event run on base (borrowed,
 * must outlive the store). Returns NULL with err filled (APIERR_UNAVAILABLE, a message fit for
 * a person: missing data dir, corrupt or foreign database, read-only file, data dir locked by
 * another server) and never replaces an existing database with an empty one. */
struct storage *storage_open(struct event_base *base, const struct storage_config *cfg,
                             struct apierr *err);

/* Commits the open batch (running its after-commit callbacks), ends every watch (its callback
 * sees the end, storage_watch_free() is still the owner's job), closes the backend, frees st.
 * NULL does nothing. */
void storage_free(struct storage *st);

/* --- writes --- */

/* Preconditions of update and delete (kube's Preconditions plus a validation hook). */
struct storage_preconds {
    const char *uid; /* NULL: any; else metadata.uid must match */
    int64_t rev;     /* 0: any; else the object's current revision must match */
    /* NULL, or called with the current object; returning -1 (err filled) aborts the write. */
    int (*check)(void *arg, const struct storage_obj *cur, struct apierr *err);
    void *check_arg;
};

/* Creates key with value (borrowed bytes). APIERR_ALREADY_EXISTS if key exists. On success, if
 * out is not NULL, it receives the stored object (stamped value, new revision); the caller owns
 * it. */
int storage_create(struct storage *st, const char *key, const char *value, size_t len,
                   struct storage_obj *out, struct apierr *err);

/* The mutation of a guaranteed update. cur is the current object (borrowed; NULL if the key is
 * absent and STORAGE_UPDATE_CREATE was given). Returns 0 with *value a malloc'd buffer the store
 * takes and *len its length, or -1 with err filled to abort (nothing is written). fn may read
 * through the store but must not write the same key. */
typedef int (*storage_update_fn)(void *arg, const struct storage_obj *cur, char **value,
                                 size_t *len, struct apierr *err);

enum storage_update_flags {
    STORAGE_UPDATE_CREATE = 1 << 0, /* an absent key is created (fn sees cur == NULL) */
};

/* kube's GuaranteedUpdate: reads key, checks pre (may be NULL), calls fn, writes the result.
 * Backends that can lose a compare-and-swap retry the loop themselves; with SQLite the loop
 * runs once since this process is the only writer. If the new value equals the stored one
 * (after stamping) nothing is written and out gets the current object. APIERR_NOT_FOUND if key
 * is absent without STORAGE_UPDATE_CREATE; APIERR_CONFLICT if a precondition fails. out may be
 * NULL; else the caller owns the object written. */
int storage_update(struct storage *st, const char *key, const struct storage_preconds *pre,
                   unsigned flags, storage_update_fn fn, void *arg, struct storage_obj *out,
                   struct apierr *err);

/* Deletes key after checking pre (may be NULL). out (may be NULL) receives the object as it was
 * before the delete, owned by the caller; *del_rev (may be NULL) the revision of the delete. */
int storage_delete(struct storage *st, const char *key, const struct storage_preconds *pre,
                   struct storage_obj *out, int64_t *del_rev, struct apierr *err);

/* Runs fn(arg, ok) once the writes made so far are durable (ok = 1) or their batch failed
 * (ok = 0: none of the batch's writes happened; answer the client with an error). If no write
 * is pending fn runs at once, from inside this call, with ok = 1. */
void storage_after_commit(struct storage *st, void (*fn)(void *arg, int ok), void *arg);

/* Commits the open batch now and runs its after-commit callbacks and publishes its events to
 * the watch queues (delivery to watchers still happens on the loop). For tests and shutdown. */
int storage_flush(struct storage *st, struct apierr *err);

/* --- reads --- */

/* kube's resourceVersion / resourceVersionMatch for get and list. */
enum storage_rv_match {
    STORAGE_RV_LATEST = 0, /* resourceVersion unset: the most recent committed state */
    STORAGE_RV_ANY,        /* "0": any state is fine (this store gives the latest) */
    STORAGE_RV_NOT_OLDER,  /* NotOlderThan rev: latest, APIERR_TIMEOUT if rev is in the future */
    STORAGE_RV_EXACT,      /* Exact rev: the state at rev; APIERR_EXPIRED if compacted */
};

struct storage_read {
    enum storage_rv_match match;
    int64_t rev;
};

/* Reads key as of rd (NULL: latest). The caller owns *out. APIERR_NOT_FOUND if absent. */
int storage_get(struct storage *st, const char *key, const struct storage_read *rd,
                struct storage_obj *out, struct apierr *err);

/* Called once per listed object in key order; key and value are borrowed for the call. fn must
 * not call back into the store. */
typedef void (*storage_item_fn)(void *arg, const char *key, const char *value, size_t len,
                                int64_t rev);

struct storage_list_opts {
    const char *prefix;       /* keys starting with it: "/registry/configmaps/ns1/" */
    struct storage_read read; /* ignored when cont is set (the token pins its revision) */
    const char *cont;         /* NULL or a token from a previous page of the same prefix */
    unsigned limit;           /* 0: no limit */
};

struct storage_list_result {
    int64_t rev;       /* the list's resourceVersion */
    unsigned count;    /* objects passed to fn */
    char *cont;        /* owned; NULL on the last page: kube's continue token */
    int64_t remaining; /* remainingItemCount when cont is set, else -1 */
};

/* Lists the objects under o->prefix at one revision, streaming them to fn; a page with limit
 * gets a continue token (base64url of {"v":"meta.k8s.io/v1","rv":N,"start":"..."} as kube) that
 * pins the revision. APIERR_BAD_REQUEST for a malformed token, APIERR_EXPIRED if the pinned or
 * exact revision was compacted. res is filled on success; release it with
 * storage_list_result_release(). Memory use does not grow with the number of objects. */
int storage_list(struct storage *st, const struct storage_list_opts *o, storage_item_fn fn,
                 void *arg, struct storage_list_result *res, struct apierr *err);

void storage_list_result_release(struct storage_list_result *res);

/* --- watch (the in-process event bus) --- */

enum storage_event_type {
    STORAGE_ADDED = 1,
    STORAGE_MODIFIED = 2,
    STORAGE_DELETED = 3,
};

/* One committed change, shared by every watcher it goes to (read-only). For DELETED, value is
 * the last value with metadata.resourceVersion set to the delete's revision (what kube's watch
 * sends); prev is the value before the change (NULL for ADDED and for initial events). */
struct storage_event {
    enum storage_event_type type;
    int64_t rev;
    const char *key;
    const char *value;
    size_t len;
    const char *prev;
    size_t prev_len;
};

/* Takes / drops a reference to an event delivered to a watcher, to keep it past the callback. */
const struct storage_event *storage_event_ref(const struct storage_event *ev);
void storage_event_unref(const struct storage_event *ev);

/* A small per-event cache so that one serialization serves many watchers: the first watcher
 * that encodes an event stores the bytes under its tag (any unique address, e.g. of a static
 * variable); later ones find them. set takes data (freed with free_fn with the event); it
 * returns -1 and frees nothing if the cache is full (the caller keeps data). */
void *storage_event_memo(const struct storage_event *ev, const void *tag);
int storage_event_set_memo(const struct storage_event *ev, const void *tag, void *data,
                           void (*free_fn)(void *));

/* Receives events in revision order, without gaps or duplicates, on the loop thread. ev is
 * borrowed for the call. When the watch ends (too slow, history compacted, store closing),
 * fn is called once with ev == NULL and end saying why (APIERR_EXPIRED, APIERR_TOO_MANY_REQUESTS
 * for a watcher that fell behind, APIERR_UNAVAILABLE), and never again. fn may call
 * storage_watch_free(), _pause() and _resume() on its own watch. */
typedef void (*storage_watch_fn)(void *arg, const struct storage_event *ev,
                                 const struct apierr *end);

enum storage_watch_flags {
    STORAGE_WATCH_PREFIX = 1 << 0,  /* key is a prefix ("/registry/pods/"), not one key */
    STORAGE_WATCH_INITIAL = 1 << 1, /* with rev 0: first an ADDED event per existing object */
};

struct storage_watch_opts {
    const char *key;
    unsigned flags;
    int64_t rev; /* events with revision > rev; 0: from now (after the current revision) */
};

/* Starts a watch; the caller owns it and frees it with storage_watch_free(). A past revision is
 * replayed from history in chunks, then live events follow. APIERR_EXPIRED if rev is below the
 * compacted revision. */
struct storage_watch *storage_watch(struct storage *st, const struct storage_watch_opts *o,
                                    storage_watch_fn fn, void *arg, struct apierr *err);

/* Flow control: a paused watch queues events (its sink is full); once the queue passes
 * watch_queue_max the watch is ended rather than letting memory grow. A watch that is not paused
 * gets its events delivered on the same loop turn as the commit that produced them. */
void storage_watch_pause(struct storage_watch *w);
void storage_watch_resume(struct storage_watch *w);

/* Stops and frees w; no callback runs afterwards. Safe inside w's own callback. NULL is fine. */
void storage_watch_free(struct storage_watch *w);

/* --- maintenance --- */

/* The latest committed revision. */
int64_t storage_rev(struct storage *st);

/* The revision up to which history is compacted (reads/watches below it get APIERR_EXPIRED). */
int64_t storage_compacted_rev(struct storage *st);

/* Compacts history up to rev (at most the current revision): from now on reads and watches
 * below rev are APIERR_EXPIRED; old rows are removed in small batches on the loop. */
int storage_compact(struct storage *st, int64_t rev, struct apierr *err);

/* For /readyz: 0 if the store can serve, else -1 with APIERR_UNAVAILABLE. */
int storage_health(struct storage *st, struct apierr *err);

#endif
