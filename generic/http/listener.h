/* The TLS listener: evhttp over bufferevent_openssl, HTTP/1.1 only. Only the aggregator has
 * one. */
#ifndef GENERIC_HTTP_LISTENER_H
#define GENERIC_HTTP_LISTENER_H

#include <stddef.h>

#include "generic/http/req.h"

struct event_base;
struct http_listener;

struct http_listener_config {
    const char *address;        /* "0.0.0.0", "127.0.0.1", "::" */
    int port;
    const char *cert_file;      /* PEM serving certificate (chain) */
    const char *key_file;       /* PEM private key */
    const char *const *client_ca_files; /* PEM CA bundles that verify client certificates,
                                           NULL-terminated; NULL = none */
    size_t max_body;            /* hard cap evhttp enforces before any handler runs */
    handler_fn handler;         /* gets every request; must reply once */
    void *arg;
};

/* Binds and starts accepting. On failure returns NULL with a message in errbuf. */
struct http_listener *http_listener_new(struct event_base *base,
                                        const struct http_listener_config *cfg, char *errbuf,
                                        size_t n);
/* The bound port (useful when cfg->port was 0). */
int http_listener_port(const struct http_listener *l);
/* Requests received and not yet finished; long_running ones (watches) counted apart. */
unsigned http_listener_inflight(const struct http_listener *l, unsigned *long_running);
/* Closes the listening socket; open connections go on. */
void http_listener_stop_accepting(struct http_listener *l);
/* Closes every connection and frees the listener. http_listener_free(NULL) does nothing. */
void http_listener_free(struct http_listener *l);

#endif
