/* Private layout of struct server, shared by the files of generic/server. */
#ifndef GENERIC_SERVER_SERVER_INTERNAL_H
#define GENERIC_SERVER_SERVER_INTERNAL_H

#include <stddef.h>

#include "generic/server/health.h"
#include "generic/server/server.h"

struct route {
    char *path;
    size_t len;
    handler_fn fn;
    void *arg;
};

struct health_check {
    char *name;
    unsigned endpoints; /* HEALTH_* mask */
    health_fn fn;
    void *arg;
};

struct poststart_hook {
    char *name;
    void (*fn)(void *arg);
    void *arg;
    int done;
};

struct health {
    struct health_check *checks;
    unsigned nchecks;
    struct poststart_hook **hooks;
    unsigned nhooks;
    void **owned; /* route arguments, freed with the server */
    unsigned nowned;
    int installed;
    int shutting_down;
};

struct server {
    char *name;
    struct storage *storage;
    struct event_base *base;
    struct discovery *discovery;
    struct openapi *openapi;
    const struct authn_config *authn;
    struct server *delegate;
    struct route *apis, *exact, *prefixes;
    unsigned napis, nexact, nprefixes;
    struct health health;
    struct server_deferred {
        void (*fn)(void *);
        void *arg;
    } *deferred;
    unsigned ndeferred;
};

void health_init(struct health *h);
void health_release(struct health *h);

#endif
