/* Allocation that aborts on failure, as in redis and git: callers never check for NULL. */
#ifndef GENERIC_APIS_XALLOC_H
#define GENERIC_APIS_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
