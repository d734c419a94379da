/* The layout of struct selector, shared by selector.c (label selectors and what both kinds share)
 * and selector_field.c (field selectors). */
#ifndef GENERIC_APIS_SELECTOR_INTERNAL_H
#define GENERIC_APIS_SELECTOR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "generic/apis/selector.h"

struct selector {
    bool fields; /* a field selector, else a label selector */
    size_t n, cap;
    struct selector_req *reqs; /* each key and value its own allocation */
};

/* A growing string; p is NUL-terminated once anything was added, and the owner frees it. */
struct selector_buf {
    char *p;
    size_t len, cap;
};

struct selector *selector_alloc(bool fields);
/* Appends a requirement; takes key and the array values with its nvalues strings. */
void selector_add(struct selector *sel, char *key, enum selector_op op, char **values,
                  size_t nvalues);
void selector_buf_add(struct selector_buf *b, const char *s, size_t n);
/* Field selectors' String() and terms (selector_field.c). */
void selector_field_string(const struct selector *sel, struct selector_buf *b);

#endif
