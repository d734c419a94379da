#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "generic/apis/xalloc.h"
#include "generic/auth/pki.h"
#include "generic/http/listener.h"

struct http_listener {
    struct event_base *base;
    struct evhttp *http;
    struct evhttp_bound_socket *sock;
    SSL_CTX *ctx;
    handler_fn handler;
    void *arg;
    int port;
    unsigned inflight, long_running;
};

struct req_track {
    struct http_listener *l;
    int long_running;
};

static void ssl_error(char *errbuf, size_t n, const char *what, const char *path)
{
    unsigned long e = ERR_get_error();
    char buf[256];

    ERR_error_string_n(e, buf, sizeof(buf));
    snprintf(errbuf, n, "%s %s: %s", what, path ? path : "", e ? buf : "failed");
    ERR_clear_error();
}

/* evhttp speaks HTTP/1.1 only, so ALPN may select nothing else: a client offered h2 must
 * never believe it got it. */
static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned inlen, void *arg)
{
    unsigned i = 0;

    (void)ssl;
    (void)arg;
    while (i < inlen) {
        unsigned len = in[i];

        if (i + 1 + len > inlen)
            break;
        if (len == 8 && memcmp(in + i + 1, "http/1.1", 8) == 0) {
            *out = in + i + 1;
            *outlen = (unsigned char)len;
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + len;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

static SSL_CTX *tls_context(const struct http_listener_config *cfg, char *errbuf, size_t n)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    static const unsigned char sid[] = "kube-apiserver";
    const char *const *ca;
    struct apierr err = {0};

    if (!ctx) {
        ssl_error(errbuf, n, "cannot create TLS context", NULL);
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_session_id_context(ctx, sid, sizeof(sid) - 1);
    SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
    if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert_file) != 1) {
        ssl_error(errbuf, n, "cannot load TLS certificate", cfg->cert_file);
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, cfg->key_file, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        ssl_error(errbuf, n, "cannot load TLS private key (or it does not match the certificate)",
                  cfg->key_file);
        goto fail;
    }
    for (ca = cfg->client_ca_files; ca && *ca; ca++) {
        if (pki_load_client_ca(ctx, *ca, &err) < 0) {
            snprintf(errbuf, n, "%s", err.message);
            goto fail;
        }
    }
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}

static struct bufferevent *new_tls_bev(struct event_base *base, void *arg)
{
    struct http_listener *l = arg;
    SSL *ssl = SSL_new(l->ctx);

    return bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                          BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
}

/* The client certificate, when the handshake verified one. */
static void *peer_cert(struct evhttp_request *ev)
{
    struct evhttp_connection *conn = evhttp_request_get_connection(ev);
    struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
    SSL *ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;
    X509 *cert = ssl ? SSL_get0_peer_certificate(ssl) : NULL;

    if (!cert || SSL_get_verify_result(ssl) != X509_V_OK)
        return NULL;
    return cert;
}

static void request_finished(struct req *req)
{
    struct req_track *t = req->on_finish_arg;

    t->l->inflight--;
    if (t->long_running)
        t->l->long_running--;
    req_free(req);
}

static void serve(struct evhttp_request *ev, void *arg)
{
    struct http_listener *l = arg;
    struct req *req = req_new_ev(ev);
    struct req_track *t;

    if (!req) {
        evhttp_send_error(ev, 400, "Bad Request");
        return;
    }
    t = arena_alloc(req->arena, sizeof(*t));
    t->l = l;
    req->peer_cert = peer_cert(ev);
    req->on_finish = request_finished;
    req->on_finish_arg = t;
    l->inflight++;
    req_hold(req); /* the request may not be freed while the handler still runs */
    l->handler(req, l->arg);
    if (req->info.long_running) {
        t->long_running = 1;
        l->long_running++;
    }
    req_release(req);
}

static int bind_socket(struct http_listener *l, const struct http_listener_config *cfg,
                       char *errbuf, size_t n)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int fd, one = 1;

    l->sock = evhttp_bind_socket_with_handle(l->http, cfg->address, (ev_uint16_t)cfg->port);
    if (!l->sock) {
        snprintf(errbuf, n, "failed to listen on %s:%d: %m", cfg->address, cfg->port);
        return -1;
    }
    fd = evhttp_bound_socket_get_fd(l->sock);
    /* without it a TLS reply meets delayed ACKs on keep-alive connections (STYLE.md §8) */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
        l->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                 : ((struct sockaddr_in *)&ss)->sin_port);
    return 0;
}

struct http_listener *http_listener_new(struct event_base *base,
                                        const struct http_listener_config *cfg, char *errbuf,
                                        size_t n)
{
    struct http_listener *l = xcalloc(1, sizeof(*l));

    l->base = base;
    l->handler = cfg->handler;
    l->arg = cfg->arg;
    l->ctx = tls_context(cfg, errbuf, n);
    if (!l->ctx)
        goto fail;
    l->http = evhttp_new(base);
    evhttp_set_allowed_methods(l->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
                                            EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH |
                                            EVHTTP_REQ_OPTIONS | EVHTTP_REQ_HEAD);
    evhttp_set_max_body_size(l->http, (ev_ssize_t)cfg->max_body);
    evhttp_set_max_headers_size(l->http, 1 << 20);
    evhttp_set_bevcb(l->http, new_tls_bev, l);
    evhttp_set_gencb(l->http, serve, l);
    if (bind_socket(l, cfg, errbuf, n) < 0)
        goto fail;
    return l;
fail:
    http_listener_free(l);
    return NULL;
}

int http_listener_port(const struct http_listener *l)
{
    return l->port;
}

unsigned http_listener_inflight(const struct http_listener *l, unsigned *long_running)
{
    if (long_running)
        *long_running = l->long_running;
    return l->inflight;
}

void http_listener_stop_accepting(struct http_listener *l)
{
    if (l->sock) {
        evhttp_del_accept_socket(l->http, l->sock);
        l->sock = NULL;
    }
}

void http_listener_free(struct http_listener *l)
{
    if (!l)
        return;
    if (l->http)
        evhttp_free(l->http);
    SSL_CTX_free(l->ctx);
    free(l);
}
