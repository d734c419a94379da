#include "generic/filters/filter.h"

static void maxinflight_release(void *arg)
{
    ((struct maxinflight *)arg)->current--;
}

enum filter_next filter_max_inflight(struct req *req, void *arg)
{
    struct maxinflight *m = (struct maxinflight *)arg + (req->info.mutating ? 1 : 0);
    struct apierr err = {0};

    if (req->info.long_running) /* a watch would hold its slot for minutes */
        return FILTER_CONTINUE;
    if (m->limit && m->current >= m->limit) {
        apierr_set(&err, APIERR_TOO_MANY_REQUESTS, "Too many requests, please try again later.");
        err.retry_after = 1;
        req_fail_err(req, &err);
        return FILTER_HANDLED;
    }
    m->current++;
    arena_defer(req->arena, maxinflight_release, m); /* runs when the request ends */
    return FILTER_CONTINUE;
}
