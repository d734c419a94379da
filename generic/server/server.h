/* The generic server: one instance per API server in the chain (aggregator, kube API,
 * extensions). Each has a name, a resource container (API roots such as "/apis/apps/v1" that it
 * serves), a mux for non-resource paths and a delegate that gets what it does not claim. */
#ifndef GENERIC_SERVER_SERVER_H
#define GENERIC_SERVER_SERVER_H

#include <stdbool.h>

#include "generic/http/req.h"

struct server;
struct storage;
struct event_base;
struct discovery;
struct openapi;
struct authn_config;

/* Everything borrowed; the three servers of a chain share the storage, the loop, discovery and
 * OpenAPI (the aggregator serves /api, /apis and /openapi for all of them). */
struct server_config {
    const char *name;             /* "kube-apiserver", "apiextensions-apiserver", ... */
    struct storage *storage;      /* may be NULL */
    struct event_base *base;      /* may be NULL in unit tests */
    struct discovery *discovery;  /* may be NULL */
    struct openapi *openapi;      /* may be NULL */
    /* The chain's authenticators (kube's Config.Authentication), for the resources that answer
     * with them (TokenReview, TokenRequest); may be NULL, and filled in after the chain is built
     * as long as it is before the first request. */
    const struct authn_config *authn;
};

/* A new server; delegate (borrowed, may be NULL) gets every path this one does not claim. */
struct server *server_new(const struct server_config *cfg, struct server *delegate);
/* Frees the server, not its delegate. server_free(NULL) does nothing. */
void server_free(struct server *s);

const char *server_name(const struct server *s);
struct storage *server_storage(const struct server *s);
struct event_base *server_base(const struct server *s);
struct server *server_delegate(const struct server *s);
struct discovery *server_discovery(const struct server *s);
struct openapi *server_openapi(const struct server *s);
const struct authn_config *server_authn(const struct server *s);

/* The server takes p and frees it (free()) when it is freed. */
void server_adopt(struct server *s, void *p);
/* fn(arg) runs when the server is freed (last registered first), before its storage closes:
 * controllers stop their watches and timers there. */
void server_defer(struct server *s, void (*fn)(void *), void *arg);

/* Registers an API root of the resource container ("/api/v1", "/apis/apps"): it claims the path
 * equal to root and every path below root + "/". */
void server_add_api(struct server *s, const char *root, handler_fn fn, void *arg);
/* Registers a non-resource path in the mux: exactly `path`. */
void server_handle(struct server *s, const char *path, handler_fn fn, void *arg);
/* Registers a non-resource prefix in the mux: every path starting with `prefix` (which usually
 * ends in '/'); the longest matching prefix wins, an exact path wins over any prefix. */
void server_handle_prefix(struct server *s, const char *prefix, handler_fn fn, void *arg);

/* The director (kube's UnprotectedHandler): the resource container when one of its roots claims
 * the path ("/apis" and "/apis/" themselves always go to the mux), else the mux; what the mux
 * does not know goes to the delegate's director, and with no delegate to a 404 Status. */
void server_direct(struct server *s, struct req *req);

/* Replies kube's 404 for an unknown path. */
void server_not_found(struct req *req);

#endif
