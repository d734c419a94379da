/* The event bus: committed changes fan out to watchers in revision order. An event is one
 * refcounted block shared by every watcher (and its memo slots let one encoding serve them
 * all). A watcher starting in the past first reads the backend's history in chunks, one chunk
 * per loop turn, and only then takes live events; a watcher whose queue passes its bound while
 * paused is ended instead of growing. */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "generic/apis/xalloc.h"
#include "generic/storage/storage_internal.h"

#define MEMO_SLOTS  4
#define CHUNK_ITEMS 256 /* history rows or initial objects read per loop turn */

struct memo {
    const void *tag;
    void *data;
    void (*free_fn)(void *);
};

struct event_block {
    struct storage_event pub; /* first: the public pointer is the block */
    unsigned refs;
    struct memo memo[MEMO_SLOTS];
    char bytes[];
};

enum phase { PH_INITIAL, PH_REPLAY, PH_LIVE, PH_ENDING, PH_DONE };

struct storage_watch {
    struct storage *st; /* NULL once the store closed */
    TAILQ_ENTRY(storage_watch) link;
    char *key, *end_buf;
    struct storage_range range;
    int exact;
    storage_watch_fn fn;
    void *arg;
    enum phase phase;
    int64_t last_rev; /* every event up to here was delivered or queued */
    int64_t init_rev; /* revision of the initial list */
    char *init_next;  /* initial list: next start key (owned), NULL at the beginning */
    size_t init_next_len;
    const struct storage_event **q; /* ring of live events waiting for delivery */
    unsigned qhead, qlen, qcap;
    struct event *deliver;
    int paused, in_callback, freed;
    struct apierr end;
};

struct storage_event *storage_event_new(enum storage_event_type type, int64_t rev, const char *key,
                                        const char *value, size_t len, const char *prev,
                                        size_t prev_len)
{
    size_t klen = strlen(key);
    struct event_block *b = xcalloc(1, sizeof(*b) + klen + len + prev_len + 3);
    char *p = b->bytes;

    b->refs = 1;
    b->pub.type = type;
    b->pub.rev = rev;
    memcpy(p, key, klen + 1);
    b->pub.key = p;
    p += klen + 1;
    memcpy(p, value, len);
    p[len] = '\0';
    b->pub.value = p;
    b->pub.len = len;
    p += len + 1;
    if (prev) {
        memcpy(p, prev, prev_len);
        p[prev_len] = '\0';
        b->pub.prev = p;
        b->pub.prev_len = prev_len;
    }
    return &b->pub;
}

const struct storage_event *storage_event_ref(const struct storage_event *ev)
{
    ((struct event_block *)ev)->refs++;
    return ev;
}

void storage_event_unref(const struct storage_event *ev)
{
    struct event_block *b = (struct event_block *)ev;
    int i;

    if (!ev || --b->refs > 0)
        return;
    for (i = 0; i < MEMO_SLOTS; i++) {
        if (b->memo[i].free_fn)
            b->memo[i].free_fn(b->memo[i].data);
    }
    free(b);
}

void *storage_event_memo(const struct storage_event *ev, const void *tag)
{
    struct event_block *b = (struct event_block *)ev;
    int i;

    for (i = 0; i < MEMO_SLOTS; i++) {
        if (b->memo[i].tag == tag)
            return b->memo[i].data;
    }
    return NULL;
}

int storage_event_set_memo(const struct storage_event *ev, const void *tag, void *data,
                           void (*free_fn)(void *))
{
    struct event_block *b = (struct event_block *)ev;
    int i;

    for (i = 0; i < MEMO_SLOTS; i++) {
        if (!b->memo[i].tag) {
            b->memo[i] = (struct memo){tag, data, free_fn};
            return 0;
        }
    }
    return -1;
}

/* --- watchers --- */

static int matches(const struct storage_watch *w, const char *key)
{
    if (w->exact)
        return strcmp(key, w->key) == 0;
    return strncmp(key, w->range.start, w->range.start_len) == 0;
}

/* Live events are delivered in the current loop turn; history and initial chunks wait for the
 * next turn (a timer) so that a long replay lets I/O in between chunks. */
static void schedule(struct storage_watch *w)
{
    static const struct timeval now = {0, 0};

    if (!w->deliver || w->paused)
        return;
    if (w->phase == PH_INITIAL || w->phase == PH_REPLAY)
        evtimer_add(w->deliver, &now);
    else
        event_active(w->deliver, EV_TIMEOUT, 1);
}

static void drop_queue(struct storage_watch *w)
{
    while (w->qlen) {
        storage_event_unref(w->q[w->qhead]);
        w->qhead = (w->qhead + 1) % w->qcap;
        w->qlen--;
    }
}

/* Ends w: its callback learns why on the next delivery (never from inside a publish). */
static void end_watch(struct storage_watch *w, enum apierr_reason reason, const char *msg)
{
    if (w->phase >= PH_ENDING)
        return;
    drop_queue(w);
    apierr_set(&w->end, reason, "%s", msg);
    w->phase = PH_ENDING;
    w->paused = 0;
    schedule(w);
}

static void enqueue(struct storage_watch *w, const struct storage_event *ev)
{
    if (w->qlen == w->qcap) {
        unsigned i, cap = w->qcap ? w->qcap * 2 : 16;
        const struct storage_event **q = xmalloc(cap * sizeof(*q));

        for (i = 0; i < w->qlen; i++)
            q[i] = w->q[(w->qhead + i) % w->qcap];
        free(w->q);
        w->q = q;
        w->qhead = 0;
        w->qcap = cap;
    }
    w->q[(w->qhead + w->qlen) % w->qcap] = storage_event_ref(ev);
    w->qlen++;
}

void storage_publish(struct storage *st, const struct storage_event *ev)
{
    struct storage_watch *w;

    TAILQ_FOREACH(w, &st->watches, link) {
        /* Replaying watchers read this event from history; the rev check drops duplicates. */
        if (w->phase != PH_LIVE || ev->rev <= w->last_rev)
            continue;
        w->last_rev = ev->rev;
        if (!matches(w, ev->key))
            continue;
        /* A running watcher drains its whole queue on the next turn; only one whose sink is
         * full (paused) can fall behind without bound. */
        if (w->paused && w->qlen >= w->st->cfg.watch_queue_max) {
            end_watch(w, APIERR_TOO_MANY_REQUESTS, "watcher fell too far behind");
            continue;
        }
        enqueue(w, ev);
        schedule(w);
    }
}

/* --- delivery --- */

static void deliver_one(struct storage_watch *w, const struct storage_event *ev)
{
    w->in_callback = 1;
    w->fn(w->arg, ev, NULL);
    w->in_callback = 0;
}

/* Events read from the backend are collected first and delivered after the backend call
 * returns, so that a callback may use the store (whose statements are busy during the read). */
struct collect {
    const struct storage_event **evs;
    unsigned n, cap;
};

static void collect_add(struct collect *c, const struct storage_event *ev)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->evs = xrealloc(c->evs, c->cap * sizeof(*c->evs));
    }
    c->evs[c->n++] = storage_event_ref(ev);
}

static void collect_release(struct collect *c)
{
    unsigned i;

    for (i = 0; i < c->n; i++)
        storage_event_unref(c->evs[i]);
    free(c->evs);
}

static void history_item(void *arg, const struct storage_event *ev)
{
    collect_add(arg, ev);
}

static void replay_deliver(struct storage_watch *w, struct collect *c)
{
    unsigned i;

    for (i = 0; i < c->n && !w->freed && w->phase == PH_REPLAY; i++) {
        if (c->evs[i]->rev <= w->last_rev)
            continue;
        w->last_rev = c->evs[i]->rev;
        if (matches(w, c->evs[i]->key))
            deliver_one(w, c->evs[i]);
    }
}

static void replay_chunk(struct storage_watch *w)
{
    struct storage *st = w->st;
    int64_t upto = st->ops->rev(st);
    struct collect c = {0};
    struct apierr err = {0};
    int n;

    if (w->last_rev < st->ops->compacted(st)) {
        end_watch(w, APIERR_EXPIRED, "too old resource version");
        return;
    }
    n = st->ops->history(st, &w->range, w->last_rev, upto, CHUNK_ITEMS, history_item, &c, &err);
    if (n < 0) {
        end_watch(w, err.reason, err.message);
        return;
    }
    replay_deliver(w, &c);
    collect_release(&c);
    if (w->freed || w->phase != PH_REPLAY)
        return;
    if (n < CHUNK_ITEMS) {
        w->last_rev = upto; /* caught up: the next events come through storage_publish */
        w->phase = PH_LIVE;
    }
    schedule(w);
}

static void initial_item(void *arg, const char *key, const char *value, size_t len, int64_t rev)
{
    struct storage_event *ev = storage_event_new(STORAGE_ADDED, rev, key, value, len, NULL, 0);

    collect_add(arg, ev);
    storage_event_unref(ev);
}

static void initial_deliver(struct storage_watch *w, struct collect *c)
{
    unsigned i;

    if (c->n) {
        const char *last = c->evs[c->n - 1]->key;

        free(w->init_next);
        w->init_next_len = strlen(last) + 1; /* with the NUL: resume after this key */
        w->init_next = xmalloc(w->init_next_len);
        memcpy(w->init_next, last, w->init_next_len);
    }
    for (i = 0; i < c->n && !w->freed && w->phase == PH_INITIAL; i++)
        deliver_one(w, c->evs[i]);
}

static void initial_done(struct storage_watch *w)
{
    if (w->freed || w->phase != PH_INITIAL)
        return;
    w->phase = PH_REPLAY;
    w->last_rev = w->init_rev;
    schedule(w);
}

static void initial_chunk(struct storage_watch *w)
{
    struct storage_page pg = {w->range, {STORAGE_RV_EXACT, w->init_rev}, CHUNK_ITEMS};
    struct storage_page_result res = {0};
    struct collect c = {0};
    struct apierr err = {0};
    int rc;

    if (w->init_next) {
        pg.range.start = w->init_next;
        pg.range.start_len = w->init_next_len;
    }
    if (w->exact) {
        struct storage_obj o = {0};

        rc = w->st->ops->get(w->st, w->key, &pg.read, &o, &err);
        if (rc == 0)
            initial_item(&c, o.key, o.value, o.len, o.rev);
        storage_obj_release(&o);
        if (rc < 0 && err.reason == APIERR_NOT_FOUND)
            rc = 0;
    } else {
        rc = w->st->ops->list(w->st, &pg, initial_item, &c, &res, &err);
        free(res.last_key);
    }
    if (rc < 0) {
        collect_release(&c);
        end_watch(w, err.reason, err.message);
        return;
    }
    initial_deliver(w, &c);
    collect_release(&c);
    if (res.more && !w->freed && w->phase == PH_INITIAL)
        schedule(w);
    else
        initial_done(w);
}

static void drain(struct storage_watch *w)
{
    while (w->qlen && !w->paused && !w->freed && w->phase == PH_LIVE) {
        const struct storage_event *ev = w->q[w->qhead];

        w->qhead = (w->qhead + 1) % w->qcap;
        w->qlen--;
        deliver_one(w, ev);
        storage_event_unref(ev);
    }
}

static void watch_release(struct storage_watch *w)
{
    drop_queue(w);
    if (w->deliver)
        event_free(w->deliver);
    free(w->q);
    free(w->key);
    free(w->end_buf);
    free(w->init_next);
    free(w);
}

static void deliver_cb(evutil_socket_t fd, short what, void *arg)
{
    struct storage_watch *w = arg;

    (void)fd, (void)what;
    if (w->phase == PH_ENDING) {
        w->phase = PH_DONE;
        w->in_callback = 1;
        w->fn(w->arg, NULL, &w->end);
        w->in_callback = 0;
    } else if (!w->paused && w->phase == PH_INITIAL) {
        initial_chunk(w);
    } else if (!w->paused && w->phase == PH_REPLAY) {
        replay_chunk(w);
    } else {
        drain(w);
    }
    if (w->freed)
        watch_release(w);
}

static int watch_start_rev(struct storage *st, struct storage_watch *w,
                           const struct storage_watch_opts *o, struct apierr *err)
{
    int64_t cur = st->ops->rev(st), compacted = st->ops->compacted(st);

    if (o->rev == 0) {
        w->init_rev = cur;
        w->last_rev = cur;
        w->phase = (o->flags & STORAGE_WATCH_INITIAL) ? PH_INITIAL : PH_LIVE;
        return 0;
    }
    if (o->rev < compacted)
        return apierr_set(err, APIERR_EXPIRED, "too old resource version: %lld (%lld)",
                          (long long)o->rev, (long long)compacted);
    w->last_rev = o->rev;
    w->phase = o->rev < cur ? PH_REPLAY : PH_LIVE;
    return 0;
}

struct storage_watch *storage_watch(struct storage *st, const struct storage_watch_opts *o,
                                    storage_watch_fn fn, void *arg, struct apierr *err)
{
    struct storage_watch *w = xcalloc(1, sizeof(*w));

    w->st = st;
    w->fn = fn;
    w->arg = arg;
    w->key = xstrdup(o->key);
    w->exact = !(o->flags & STORAGE_WATCH_PREFIX);
    storage_prefix_range(w->key, &w->range, &w->end_buf);
    if (watch_start_rev(st, w, o, err) < 0) {
        watch_release(w);
        return NULL;
    }
    w->deliver = evtimer_new(st->base, deliver_cb, w);
    TAILQ_INSERT_TAIL(&st->watches, w, link);
    if (w->phase != PH_LIVE)
        schedule(w);
    return w;
}

void storage_watch_pause(struct storage_watch *w)
{
    w->paused = 1;
}

void storage_watch_resume(struct storage_watch *w)
{
    w->paused = 0;
    if (w->qlen || w->phase == PH_INITIAL || w->phase == PH_REPLAY)
        schedule(w);
}

void storage_watch_free(struct storage_watch *w)
{
    if (!w)
        return;
    if (w->st)
        TAILQ_REMOVE(&w->st->watches, w, link);
    w->st = NULL;
    w->freed = 1;
    if (w->deliver)
        event_del(w->deliver);
    if (!w->in_callback)
        watch_release(w);
}

void storage_watches_close(struct storage *st)
{
    struct storage_watch *w;

    while ((w = TAILQ_FIRST(&st->watches))) {
        TAILQ_REMOVE(&st->watches, w, link);
        w->st = NULL;
        drop_queue(w);
        event_free(w->deliver);
        w->deliver = NULL;
        if (w->phase < PH_DONE) {
            w->phase = PH_DONE;
            apierr_set(&w->end, APIERR_UNAVAILABLE, "storage is closing");
            w->in_callback = 1;
            w->fn(w->arg, NULL, &w->end);
            w->in_callback = 0;
        }
        if (w->freed)
            watch_release(w);
    }
}
