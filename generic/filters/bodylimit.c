#include "generic/filters/filter.h"

enum filter_next filter_bodylimit(struct req *req, void *arg)
{
    const struct bodylimit *b = arg;

    if (req->body_len <= b->max)
        return FILTER_CONTINUE;
    req_fail(req, APIERR_TOO_LARGE, "Request entity too large: limit is %zu", b->max);
    return FILTER_HANDLED;
}
