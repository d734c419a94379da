#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "generic/registry/resource.h"

const struct resource *resource_find(const struct group_version *gv, const char *plural)
{
    const struct resource *r;

    for (r = gv->resources; r->plural; r++) {
        if (strcmp(r->plural, plural) == 0)
            return r;
    }
    return NULL;
}

const char *resource_singular(const struct resource *r, char *buf, size_t n)
{
    size_t i;

    if (r->singular)
        return r->singular;
    for (i = 0; i + 1 < n && r->kind[i]; i++)
        buf[i] = (char)tolower((unsigned char)r->kind[i]);
    buf[i] = '\0';
    return buf;
}
