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

/* A bearer-token authenticator beyond the static token file (service account JWTs, ...). It
 * returns 1 with *user filled when the token is valid for one of audiences (NULL: its own
 * defaults), 0 when the token is not of its kind (the next one is asked), and -1 with err's
 * message saying why when it is of its kind and not valid. */
struct authn_token {
    int (*authenticate)(void *arg, const char *token, const char *const *audiences,
                        struct req_user *user, struct apierr *err);
    void *arg;
};

struct satoken;

struct authn_config {
    bool anonymous;                   /* --anonymous-auth */
    const struct tokenfile *tokens;   /* --token-auth-file; borrowed, may be NULL */
    int (*cert_identity)(void *cert, struct req_user *user); /* from a verified client cert */
    /* Tried in order after the token file; the array ends with a NULL authenticate; borrowed,
     * may be NULL. */
    const struct authn_token *token_authenticators;
    const char *const *api_audiences; /* --api-audiences, NULL-terminated; borrowed, may be NULL */
    struct satoken *sa_tokens;        /* issues service account tokens; borrowed, may be NULL */
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

/* Authenticates a bearer token as filter_authn does (the token file, then the token
 * authenticators, for audiences or with NULL their defaults): 0 with *user filled (groups include
 * system:authenticated), or -1 with err's message saying why (TokenReview shows it). */
int authn_token(const struct authn_config *c, const char *token, const char *const *audiences,
                struct req_user *user, struct apierr *err);

/* Runs chain (terminated by an entry with fn == NULL) and then final(req, arg) if every filter
 * continued. Guards against a handler that returns without replying and without holding the
 * request: that request gets a 500 Status instead of a hung connection. */
void filter_chain_run(const struct filter *chain, struct req *req, handler_fn final, void *arg);

#endif
