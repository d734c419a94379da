#include <stdio.h>

#include "generic/filters/filter.h"

void filter_chain_run(const struct filter *chain, struct req *req, handler_fn final, void *arg)
{
    const struct filter *f;
    unsigned holds = req->holds;

    for (f = chain; f->fn; f++) {
        if (f->fn(req, f->arg) == FILTER_HANDLED)
            return;
    }
    final(req, arg);
    if (!req->replied && req->holds == holds) {
        fprintf(stderr, "E handler for %s %s returned without a reply\n", req->method, req->path);
        req_fail(req, APIERR_INTERNAL, "an error on the server (\"internal error\") has prevented "
                                       "the request from succeeding");
    }
}
