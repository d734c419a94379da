/* /healthz, /livez and /readyz with named checks, post-start hooks and the shutdown check, as
 * kube's healthz package serves them. */
#ifndef GENERIC_SERVER_HEALTH_H
#define GENERIC_SERVER_HEALTH_H

#include <stddef.h>

struct server;

enum health_endpoint {
    HEALTH_HEALTHZ = 1 << 0,
    HEALTH_LIVEZ = 1 << 1,
    HEALTH_READYZ = 1 << 2,
    HEALTH_ALL = HEALTH_HEALTHZ | HEALTH_LIVEZ | HEALTH_READYZ,
};

/* Returns 0 when healthy, or -1 with a reason written into why (n bytes). */
typedef int (*health_fn)(void *arg, char *why, size_t n);

/* Adds a check named `name` to the endpoints in mask; fn may be NULL (always healthy). Checks
 * added before or after server_install_health() are both served, each also at
 * /<endpoint>/<name>. */
void server_add_health_check(struct server *s, unsigned mask, const char *name, health_fn fn,
                             void *arg);
/* Installs /healthz, /livez and /readyz (with the ping, log and shutdown checks) in the mux;
 * the checks its delegates have by then are served as well. */
void server_install_health(struct server *s);

/* A post-start hook runs once the server listens; until it has run, the check
 * "poststarthook/<name>" fails on every endpoint. */
void server_add_poststart_hook(struct server *s, const char *name, void (*fn)(void *arg),
                               void *arg);
/* Runs the hooks of s's delegates (deepest first), then its own; each hook runs once. */
void server_run_poststart_hooks(struct server *s);

/* From now on /readyz fails its "shutdown" check. */
void server_set_shutting_down(struct server *s);
int server_shutting_down(const struct server *s);

#endif
