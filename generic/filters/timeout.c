#include <math.h>

#include <event2/event.h>

#include "generic/apis/duration.h"
#include "generic/filters/filter.h"

static void timer_free(void *ev)
{
    event_free(ev);
}

static void expired(evutil_socket_t fd, short what, void *arg)
{
    struct req *req = arg;
    struct apierr err = {0};

    (void)fd;
    (void)what;
    if (req->replied)
        return;
    apierr_set(&err, APIERR_TIMEOUT,
               "request did not complete within requested timeout - context deadline exceeded");
    err.has_details = 1;
    req_fail_err(req, &err);
}

enum filter_next filter_timeout(struct req *req, void *arg)
{
    const struct timeout_config *t = arg;
    const char *param = req_query_param(req, "timeout");
    double secs = t->seconds, asked;
    struct timeval tv;
    struct event *ev;

    if (req->info.long_running || !t->base)
        return FILTER_CONTINUE;
    if (param && duration_parse(param, &asked) == 0 && asked > 0 && asked < secs)
        secs = asked;
    if (secs <= 0)
        return FILTER_CONTINUE;
    ev = evtimer_new(t->base, expired, req);
    tv.tv_sec = (time_t)secs;
    tv.tv_usec = (suseconds_t)((secs - floor(secs)) * 1e6);
    evtimer_add(ev, &tv);
    arena_defer(req->arena, timer_free, ev);
    return FILTER_CONTINUE;
}
