/* Per-request memory (nginx's pool): allocations and undo work freed together when the request
 * ends. Allocation failure aborts. */
#ifndef GENERIC_HTTP_ARENA_H
#define GENERIC_HTTP_ARENA_H

#include <stddef.h>

struct arena;
struct json_object;

struct arena *arena_new(void);
/* Runs the deferred functions (last registered first), puts adopted json-c references and frees
 * every allocation. arena_free(NULL) does nothing. */
void arena_free(struct arena *a);

/* Zeroed memory owned by the arena. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* fn(arg) runs when the arena is freed. */
void arena_defer(struct arena *a, void (*fn)(void *), void *arg);
/* The arena takes the reference and puts it when freed; returns obj. */
struct json_object *arena_adopt_json(struct arena *a, struct json_object *obj);

#endif
