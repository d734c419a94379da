/* Filters run once, in front of the aggregator's director, in kube's order (DESIGN.md §6). A
 * filter lets the request continue, or replies and stops it. */
#ifndef GENERIC_FILTERS_FILTER_H
#define GENERIC_FILTERS_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "generic/http/req.h"

struct event_base;
struct tokenfile;

enum filter_next { FILTER_CONTINUE, FILTER_HANDLED };

typedef enum filter_next (*filter_fn)(struct req *req, void *arg);

struct filter {
    const char *name;
    filter_fn fn;
    void *arg;
};

struct maxinflight {
    unsigned limit, current;
};

struct timeout_config {
    struct event_base *base;
    double seconds; /* the default; ?timeout= may shorten it */
};

struct bodylimit {
    size_t max;
};

struct authn_config {
    bool anonymous;                   /* --anonymous-auth */
    const struct tokenfile *tokens;   /* --token-auth-file; borrowed, may be NULL */
    int (*cert_identity)(void *cert, struct req_user *user); /* from a verified client cert */
};

struct accesslog {
    bool enabled;
};

/* One file each; arg is the struct named beside it. */
enum filter_next filter_accesslog(struct req *req, void *arg);       /* struct accesslog */
enum filter_next filter_requestinfo(struct req *req, void *arg);     /* NULL */
enum filter_next filter_max_inflight(struct req *req, void *arg);    /* struct maxinflight[2]:
                                                                        read-only, mutating */
enum filter_next filter_timeout(struct req *req, void *arg);         /* struct timeout_config */
enum filter_next filter_bodylimit(struct req *req, void *arg);       /* struct bodylimit */
enum filter_next filter_authn(struct req *req, void *arg);           /* struct authn_config */

/* Runs chain (terminated by an entry with fn == NULL) and then final(req, arg) if every filter
 * continued. Guards against a handler that returns without replying and without holding the
 * request: that request gets a 500 Status instead of a hung connection. */
void filter_chain_run(const struct filter *chain, struct req *req, handler_fn final, void *arg);

#endif
