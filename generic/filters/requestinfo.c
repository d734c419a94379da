#include "generic/filters/filter.h"

enum filter_next filter_requestinfo(struct req *req, void *arg)
{
    struct apierr err = {0};

    (void)arg;
    if (reqinfo_resolve(&req->info, req->method, req->path, req->query, &err) < 0) {
        req_fail_err(req, &err);
        return FILTER_HANDLED;
    }
    return FILTER_CONTINUE;
}
