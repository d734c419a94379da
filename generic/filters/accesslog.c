#include <stdio.h>
#include <time.h>

#include "generic/filters/filter.h"

/* One line per request when it ends, in klog's layout:
 * I1122 15:09:23.123456 access method=GET path=/healthz user=... code=200 latency=0.120ms */
static void log_line(void *arg)
{
    struct req *req = arg;
    struct timespec now;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    fprintf(stderr, "I%02d%02d %02d:%02d:%02d.%06ld access method=%s path=%s user=%s code=%d "
                    "latency=%.3fms remote=%s\n",
            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec / 1000,
            req->method, req->path, req->user.name[0] ? req->user.name : "-",
            req->gone && !req->code ? 0 : req->code, req_elapsed_ms(req), req->remote);
}

enum filter_next filter_accesslog(struct req *req, void *arg)
{
    const struct accesslog *l = arg;

    if (l->enabled)
        arena_defer(req->arena, log_line, req);
    return FILTER_CONTINUE;
}
