#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/xalloc.h"
#include "generic/http/arena.h"

#define BLOCK_SIZE 4096

struct block {
    struct block *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
};

struct deferred {
    struct deferred *next;
    void (*fn)(void *);
    void *arg;
};

struct arena {
    struct block *blocks;
    struct deferred *deferred;
};

struct arena *arena_new(void)
{
    return xcalloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
    if (!a)
        return;
    while (a->deferred) {
        struct deferred *d = a->deferred;

        a->deferred = d->next; /* a deferred function may register more */
        d->fn(d->arg);
    }
    while (a->blocks) {
        struct block *b = a->blocks;

        a->blocks = b->next;
        free(b);
    }
    free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
    struct block *b = a->blocks;
    size_t need = (n + _Alignof(max_align_t) - 1) & ~(size_t)(_Alignof(max_align_t) - 1);
    void *p;

    if (!b || b->size - b->used < need) {
        size_t size = need > BLOCK_SIZE / 2 ? need : BLOCK_SIZE;

        b = xmalloc(sizeof(*b) + size);
        b->size = size;
        b->used = 0;
        /* a big allocation gets a block of its own behind the current one, so the current
         * block's free space stays usable */
        if (a->blocks && size != BLOCK_SIZE) {
            b->next = a->blocks->next;
            a->blocks->next = b;
        } else {
            b->next = a->blocks;
            a->blocks = b;
        }
    }
    p = b->data + b->used;
    b->used += need;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);

    memcpy(p, s, n);
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_defer(struct arena *a, void (*fn)(void *), void *arg)
{
    struct deferred *d = arena_alloc(a, sizeof(*d));

    d->fn = fn;
    d->arg = arg;
    d->next = a->deferred;
    a->deferred = d;
}

static void put_json(void *obj)
{
    json_object_put(obj);
}

struct json_object *arena_adopt_json(struct arena *a, struct json_object *obj)
{
    if (obj)
        arena_defer(a, put_json, obj);
    return obj;
}
