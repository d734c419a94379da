/* One HTTP request and its reply, over evhttp or in memory (for unit tests). Every request gets
 * exactly one reply: a plain one (req_reply, req_fail, ...) or a stream (req_stream_*). */
#ifndef GENERIC_HTTP_REQ_H
#define GENERIC_HTTP_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "generic/apis/apierr.h"
#include "generic/endpoints/reqinfo.h"
#include "generic/http/arena.h"

struct evhttp_request;
struct evkeyvalq;
struct evbuffer;
struct json_object;

#define REQ_MAX_GROUPS 16

struct req;

/* Serves a request: it replies (now, or later after req_hold) exactly once. */
typedef void (*handler_fn)(struct req *req, void *arg);

/* Who sent the request, as the authentication filter decided. */
struct req_user {
    char name[256];
    char uid[128];
    unsigned ngroups;
    char groups[REQ_MAX_GROUPS][128];
};

struct req {
    struct arena *arena;
    const char *method;        /* "GET", "PATCH", ... */
    const char *uri;           /* as received: path and query, percent-encoded */
    const char *path;          /* percent-decoded path */
    const char *query;         /* raw query string; NULL when absent */
    const char *body;          /* NUL-terminated copy of the body (body_len excludes the NUL) */
    size_t body_len;
    const char *remote;        /* "127.0.0.1:41234"; "" in memory mode */
    void *peer_cert;           /* X509 verified by the TLS handshake, borrowed; NULL when none */
    struct reqinfo info;       /* filled by the request info filter */
    struct req_user user;      /* filled by the authentication filter */
    struct timespec start;     /* CLOCK_MONOTONIC when the request arrived */
    int code;                  /* status code of the reply, 0 until replied */
    bool replied;              /* a reply, or the head of a stream, was sent */
    bool done;                 /* the reply is complete (or the client is gone) */
    bool gone;                 /* the client went away; further writes are dropped */
    unsigned holds;            /* async work still referencing the request (req_hold) */

    /* private to generic/http */
    struct evhttp_request *ev; /* NULL in memory mode or once the connection is gone */
    struct evkeyvalq *in_hdr, *out_hdr;
    struct evbuffer *out;                      /* memory mode: the recorded body */
    void (*on_finish)(struct req *req);        /* done and no holds: the owner frees */
    void *on_finish_arg;
    void (*on_gone)(struct req *req, void *arg); /* the client went away mid-stream */
    void *on_gone_arg;
};

/* In-memory request for unit tests: uri is "/path?query"; body may be NULL. The caller owns it
 * and frees it with req_free(). Returns NULL when the URI cannot be parsed. */
struct req *req_new_mem(const char *method, const char *uri, const char *body, size_t len);
/* Sets a request header (memory mode). */
void req_set_in_header(struct req *req, const char *name, const char *value);
/* The recorded reply body (memory mode), NUL-terminated; borrowed until req_free. */
const char *req_out_body(struct req *req, size_t *len);
/* Frees the request and its arena. req_free(NULL) does nothing. */
void req_free(struct req *req);

/* Request header by name (case-insensitive); NULL when absent. */
const char *req_header(struct req *req, const char *name);
/* Response header to send with the reply; replaces one of the same name. */
void req_set_header(struct req *req, const char *name, const char *value);
/* Response header added next to any of the same name (several Warning headers), unless one with
 * the same name and value is already there: kube sends each warning once. */
void req_add_header(struct req *req, const char *name, const char *value);
/* The value of query parameter `name`, decoded, allocated in the arena; NULL when absent. */
const char *req_query_param(struct req *req, const char *name);

/* Sends a complete reply. Does nothing if a reply was already sent. */
void req_reply(struct req *req, int code, const char *content_type, const void *body, size_t len);
/* Serializes obj (borrowed) as JSON, pretty-printed for curl, wget and browsers or with ?pretty,
 * as kube does, and sends it. */
void req_reply_json(struct req *req, int code, struct json_object *obj);
/* Sends the contents of buf as a complete reply, moving them without a copy (buf is left
 * empty, still the caller's). Does nothing if a reply was already sent. */
void req_reply_buffer(struct req *req, int code, const char *content_type, struct evbuffer *buf);
/* Sends JSON bytes (borrowed) as they are, or re-indented when the client wants pretty output
 * (see req_reply_json); a newline is added as kube's encoder does. */
void req_reply_json_bytes(struct req *req, int code, const char *json, size_t len);
/* Does the client want pretty-printed JSON (?pretty, curl, wget, browsers)? */
bool req_wants_pretty(struct req *req);
/* Sends err as a metav1.Status with its HTTP code (and Retry-After for retry_after). */
void req_fail_err(struct req *req, const struct apierr *err);
void req_fail(struct req *req, enum apierr_reason reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Streaming (chunked) reply: start it, write chunks, end it. req_stream_write returns -1 when the
 * client is gone. on_gone (may be NULL) runs once if the client disconnects before the end. */
void req_stream_start(struct req *req, int code, const char *content_type,
                      void (*on_gone)(struct req *req, void *arg), void *arg);
int req_stream_write(struct req *req, const void *data, size_t len);
void req_stream_end(struct req *req);
/* Bytes of the stream written but not yet sent to the client (0 in memory mode): a watch uses it
 * to notice a client that does not keep up. */
size_t req_stream_backlog(struct req *req);

/* Async work that will reply later holds the request, and releases it when finished; the request
 * is freed once it is done and no longer held. */
void req_hold(struct req *req);
void req_release(struct req *req);

/* Milliseconds since the request arrived. */
double req_elapsed_ms(const struct req *req);

/* Internal, for the listener: builds a request from an evhttp one. NULL when its URI cannot be
 * decoded (the caller answers 400). */
struct req *req_new_ev(struct evhttp_request *ev);
/* Internal: runs on_finish when the request is done and unheld. */
void req_check_finish(struct req *req);

#endif
