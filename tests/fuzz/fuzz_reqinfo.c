/* libFuzzer target for reqinfo_resolve. The input is "METHOD\nPATH\nQUERY": the first two
 * newlines split it (missing parts are empty; no second newline means a NULL query), so the
 * fuzzer reaches list/watch and fieldSelector parsing as well as path splitting. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "generic/endpoints/reqinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_terminated(const char *field, size_t size)
{
    if (memchr(field, '\0', size) == NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    char *path = buf + size, *query = NULL, *nl;
    struct reqinfo ri;
    struct apierr err = {0};

    memcpy(buf, data, size);
    buf[size] = '\0';
    nl = strchr(buf, '\n');
    if (nl) {
        *nl = '\0';
        path = nl + 1;
        nl = strchr(path, '\n');
    }
    if (nl) {
        *nl = '\0';
        query = nl + 1;
    }
    if (reqinfo_resolve(&ri, buf, path, query, &err) < 0 && err.reason != APIERR_BAD_REQUEST)
        abort();
    check_terminated(ri.verb, sizeof(ri.verb));
    check_terminated(ri.name, sizeof(ri.name));
    check_terminated(ri.namespace, sizeof(ri.namespace));
    check_terminated(ri.subresource, sizeof(ri.subresource));
    free(buf);
    return 0;
}
